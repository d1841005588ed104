"""`flask --app wsgi jobs worker|reclaim`: the job consumer."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from console.jobs import reclaim

jobs_cli = AppGroup("jobs", help="Run the job consumer.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def jobs_worker(workers):
    """Run the Huey consumer that executes jobs (resumes interrupted ones at start)."""
    huey = current_app.extensions["huey"]
    if huey.immediate:
        raise click.ClickException("jobs run in immediate mode here; no consumer is needed")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Poll at least every second when idle (huey's default backs off to 10 s): jobs start promptly.
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=1.0)
    consumer.run()


@jobs_cli.command("reclaim")
def jobs_reclaim():
    """Re-queue interrupted jobs now (the consumer also does this at start and every minute)."""
    ids = reclaim(current_app)
    click.echo(f"re-queued {len(ids)} job(s)" + (": " + ", ".join(map(str, ids)) if ids else ""))
