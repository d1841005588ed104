"""`flask --app wsgi alerts check`: evaluate the alert rules and deliver what is due, now."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from console.monitoring import alerts

alerts_cli = AppGroup("alerts", help="Alert rules and webhooks.")


@alerts_cli.command("check")
def alerts_check():
    """What the job consumer does every minute: evaluate every rule, send due webhooks."""
    changes = alerts.tick(current_app._get_current_object())
    click.echo(", ".join(f"{change}: {len(ids)}" for change, ids in changes.items()))
