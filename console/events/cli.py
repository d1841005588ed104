"""`flask --app wsgi events export|prune`: stored callback events out of and off the database."""
from __future__ import annotations

import datetime as dt
import re
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from console.events import store

DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 86400}


def parse_duration(text: str) -> int:
    """'30d', '12h', '90m', '2w' or a bare number of days -> milliseconds."""
    match = DURATION.match(text or "")
    if not match:
        raise click.BadParameter("expected a duration such as 30d, 12h, 90m or 2w")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)] * 1000


def parse_since(text: str) -> int:
    """An ISO date/time (UTC unless it says otherwise) or a duration back from now -> epoch ms."""
    if DURATION.match(text):
        return store.now_ms() - parse_duration(text)
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("expected an ISO date such as 2026-11-01T00:00 or a duration "
                                 "such as 7d") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return int(when.timestamp() * 1000)


@click.group("events", help="Stored callback events.")
def events_cli() -> None:
    pass


@events_cli.command("export", help="Write stored events as JSON Lines (one object per line).")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--since", default=None, help="ISO date/time (UTC) or a duration such as 7d.")
@click.option("--command", "command", default=None, help="Only this CallbackCommand.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
@with_appcontext
def export_cmd(fmt: str, since: str | None, command: str | None, output) -> None:
    since_ms = parse_since(since) if since else None
    engine = current_app.extensions["db_engine"]
    count = 0
    with engine.connect() as conn:
        for line in store.export(conn, since_ms=since_ms, command=command):
            output.write(line + "\n")
            count += 1
    click.echo(f"{count} events exported", err=True)


@events_cli.command("prune", help="Delete stored events older than a duration (default: the "
                                  "EVENTS_RETENTION_DAYS setting).")
@click.option("--older-than", "older_than", default=None, help="e.g. 30d, 12h, 2w.")
@with_appcontext
def prune_cmd(older_than: str | None) -> None:
    events = current_app.extensions["events"]
    keep = parse_duration(older_than) if older_than else events.retention_ms()
    if keep is None:
        click.echo("EVENTS_RETENTION_DAYS is 0 (keep everything) and no --older-than given; "
                   "nothing pruned", err=True)
        sys.exit(0)
    deleted = store.prune(events.engine, store.now_ms() - keep)
    click.echo(f"{deleted} events deleted", err=True)
