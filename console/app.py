"""The composition root: `create_app(config=None)` builds the console.

It wires settings, database, sign-in and security, translations, the shared audited IM client, the
task queue, the blueprints and the CLI. It is the one module that knows every part; the parts
never import it.
"""
from __future__ import annotations

import logging
import os
import secrets

from flask import Flask, g, request

from console.config import load_settings

# Every job kind of the console, in one place: importing a kind's module registers it
# (console.jobs.job_kind), in the web workers and in the job consumer alike.
from console import account_jobs  # noqa: E402,F401
from console.groups import jobs as _group_jobs  # noqa: E402,F401
from console.messaging import jobs as _message_jobs  # noqa: E402,F401

__all__ = ["create_app"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
log = logging.getLogger("console")


def create_app(config: dict | None = None) -> Flask:
    """Build the console. `config` (a dict) overrides the environment; tests pass one."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("CONSOLE_INSTANCE") \
        or os.path.join(ROOT, "instance")
    app = Flask(__name__, instance_path=os.path.abspath(instance_path),
                template_folder=os.path.join(ROOT, "templates"),
                static_folder=os.path.join(ROOT, "static"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_settings(app.instance_path, config))
    app.config.setdefault("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)

    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from console import db, errors, i18n, jobs, security, ui
    from console.audit import AuditedClient, AuditWriter, install_log_redaction, request_context

    install_log_redaction(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    ui.init_app(app)
    errors.init_app(app)
    _init_htmx(app)
    _init_tim(app, AuditWriter(app))
    jobs.init_app(app)

    @app.before_request
    def _per_request():
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or secrets.token_hex(8)
        g.tim = AuditedClient(app.extensions.get("tim_client"), request_context)

    @app.after_request
    def _echo_request_id(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    from console.views import register_blueprints

    register_blueprints(app)

    from console.jobs.cli import jobs_cli
    from console.operators.cli import operators_cli

    for group in (db.db_cli, jobs_cli, operators_cli):
        app.cli.add_command(group)

    from console import events

    events.init_app(app)
    return app


def _init_htmx(app: Flask) -> None:
    from htmx_flask import Htmx

    Htmx(app)


def _init_tim(app: Flask, writer) -> None:
    """One shared IM client per app; its observers audit calls and feed the directory."""
    from console.tim import Client

    cfg = app.config
    kwargs = dict(app_id=cfg["TIM_APP_ID"], secret=cfg["TIM_SECRET"], admin=cfg["TIM_ADMIN"],
                  timeout=cfg["TIM_TIMEOUT"], push_api=cfg["TIM_PUSH_API"])
    if cfg.get("TIM_BASE_URL"):
        kwargs["base_url"] = cfg["TIM_BASE_URL"]
    else:
        kwargs["region"] = cfg["TIM_REGION"]
    client = Client(**kwargs)
    client.add_observer(writer)
    from console import directory

    client.add_observer(directory.CallObserver(app))
    app.extensions["tim_client"] = client
