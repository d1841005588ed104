"""Observability: Prometheus metrics, admin-defined alerts, and IM's own alarms.

- `metrics`: the prometheus_client metrics every part records, and the `/metrics` exposition;
- `alerts`: alert rules, their evaluation (a periodic task of the job consumer, never a
  request), alert states and the events that raised them;
- `webhooks`: the messages (generic JSON, WeCom and DingTalk robots) and their delivery, with
  retries and a delivery log;
- `stats`: the dashboard's figures from the audit and callback tables;
- `views`: `/metrics`, the Alerts page, alert rules and webhooks (admin).
"""
from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def _banner(app: Flask):
    """The open alerts the banner on every page names (None when there are none or nobody is
    signed in): read at most every few seconds per process."""
    from console import db
    from console.monitoring import alerts
    from console.security import current_user

    if not (current_user and current_user.is_authenticated):
        return None

    def load():
        try:
            with db.new_session(app) as sess:
                count, newest = alerts.open_alerts(sess)
        except Exception:  # noqa: BLE001 - a page (an error page too) must render without it
            log.exception("the alert banner could not be read")
            return None
        return {"count": count, "alerts": [{"id": a.id, "rule_name": a.rule_name, "kind": a.kind,
                                            "summary": a.summary} for a in newest]} if count else None
    return alerts.banner_cache.get(load)


def init_app(app: Flask) -> None:
    """The alerts' periodic task (run by the job consumer, every minute), the banner and the
    `flask alerts` commands. After console.jobs.init_app, whose queue it uses."""
    from huey import crontab

    from console.monitoring import alerts
    from console.monitoring.cli import alerts_cli

    huey = app.extensions["huey"]

    @huey.periodic_task(crontab(minute="*"), name="console.alerts_tick")
    def alerts_tick():
        alerts.tick(app)

    app.extensions["alerts_tick"] = alerts_tick
    app.cli.add_command(alerts_cli)
    app.jinja_env.globals.update(alert_banner=lambda: _banner(app), alert_text=alerts.describe)
