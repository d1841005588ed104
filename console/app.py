"""The composition root: `create_app(config=None)` builds the console.

It wires settings, database, sign-in and security, translations, the shared audited IM client, the
task queue, every feature's blueprint, job kinds and commands, and the callback endpoint. It is the
one module that knows every part; no part imports it. docs/architecture.md draws the map.
"""
from __future__ import annotations

import logging
import os
import secrets

from flask import Flask, g, request
from htmx_flask import Htmx
from werkzeug.routing import Rule

from console import db, errors, events, i18n, jobs, monitoring, security, ui
from console.accounts import directory
from console.accounts import jobs as account_jobs
from console.accounts.views import detail as account_detail
from console.accounts.views import listing as account_listing
from console.accounts.views import relations as account_relations
from console.accounts.views import social as account_social
from console.audit import AuditedClient, AuditWriter, install_log_redaction, request_context
from console.audit import views as audit_views
from console.config import load_settings
from console.events.views import rules as rules_views
from console.events.views import keywords as keywords_views
from console.events.views import review as review_views
from console.events.views import rule_tools as rule_tools_views
from console.events.views import viewer as events_views
from console.groups import jobs as group_jobs
from console.groups import views as groups_views
from console.jobs import views as jobs_views
from console.jobs.cli import jobs_cli
from console.messaging import jobs as message_jobs
from console.messaging import views as messaging_views
from console.messaging import history_views as message_history_views
from console.monitoring import metrics
from console.monitoring.views import alerts as alerts_views
from console.monitoring.views import metrics as metrics_views
from console.monitoring.views import setup as alert_setup_views
from console.operators.cli import operators_cli
from console.operators.views import admin as operators_admin
from console.operators.views import auth as operators_auth
from console.operators.views import sessions as operators_sessions
from console.operators.views import sso as operators_sso
from console.operators.views import twofactor as operators_twofactor
from console.ops.views import dashboard, health, operations, settings
from console.push import views as push_views
from console.tim import Client
from console.bots import views as bots_views
from console.safety import views as safety_views
from console.official import views as official_views

__all__ = ["create_app"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
log = logging.getLogger("console")

#: every page of the console, one blueprint per module
BLUEPRINTS = (
    operators_auth.bp, operators_admin.bp, dashboard.bp, operations.bp, settings.bp, health.bp,
    account_listing.bp, account_detail.bp, account_relations.bp, groups_views.bp, messaging_views.bp,
    push_views.bp, events_views.bp, rules_views.bp, audit_views.bp, jobs_views.bp, metrics_views.bp,
    alerts_views.bp, alert_setup_views.bp,
    operators_sessions.bp, operators_twofactor.bp, operators_sso.bp,
    review_views.bp, keywords_views.bp, rule_tools_views.bp,
    bots_views.bp, safety_views.bp, official_views.bp, account_social.bp, message_history_views.bp,
)
#: every module that defines job kinds: importing it registered them (console.jobs.job_kind), in
#: the web workers and in the job consumer alike
JOB_KINDS = (account_jobs, group_jobs, message_jobs)
#: every `flask --app wsgi ...` command group (the events group is added by events.init_app)
COMMANDS = (db.db_cli, jobs_cli, operators_cli)


class LazyBuilderRule(Rule):
    """A URL rule whose two URL builders are compiled when first used. Werkzeug compiles both
    (Python code generated per rule) as each rule is added: about half of `create_app`'s time for
    ~270 rules, paid by every worker, CLI command and test, though a process builds URLs for a
    fraction of its rules."""

    def _compile_builder(self, append_unknown: bool = True):
        compile_now = super()._compile_builder
        name = "_build_unknown" if append_unknown else "_build"

        def build_first(rule, **values):
            real = compile_now(append_unknown).__get__(rule, None)
            setattr(rule, name, real)  # later builds call the compiled builder directly
            return real(**values)
        return build_first


class Console(Flask):
    url_rule_class = LazyBuilderRule


def create_app(config: dict | None = None) -> Flask:
    """Build the console. `config` (a dict) overrides the environment; tests pass one."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("CONSOLE_INSTANCE") \
        or os.path.join(ROOT, "instance")
    app = Console(__name__, instance_path=os.path.abspath(instance_path),
                  template_folder=os.path.join(ROOT, "templates"),
                  static_folder=os.path.join(ROOT, "static"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_settings(app.instance_path, config))
    app.config.setdefault("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)

    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    install_log_redaction(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    ui.init_app(app)
    errors.init_app(app)
    Htmx(app)
    errors.clean_requests(app)
    _init_tim(app)
    jobs.init_app(app)
    monitoring.init_app(app)

    @app.before_request
    def _per_request():
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or secrets.token_hex(8)
        g.tim = AuditedClient(app.extensions.get("tim_client"), request_context)

    @app.after_request
    def _echo_request_id(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for group in COMMANDS:
        app.cli.add_command(group)
    events.init_app(app)
    return app


def _init_tim(app: Flask) -> None:
    """One shared IM client per app; its observers audit calls and feed the account directory."""
    cfg = app.config
    kwargs = dict(app_id=cfg["TIM_APP_ID"], secret=cfg["TIM_SECRET"], admin=cfg["TIM_ADMIN"],
                  timeout=cfg["TIM_TIMEOUT"], push_api=cfg["TIM_PUSH_API"])
    if cfg.get("TIM_BASE_URL"):
        kwargs["base_url"] = cfg["TIM_BASE_URL"]
    else:
        kwargs["region"] = cfg["TIM_REGION"]
    client = Client(**kwargs)
    client.add_observer(AuditWriter(app))
    client.add_observer(directory.CallObserver(app))
    client.add_observer(metrics.observe_call)
    app.extensions["tim_client"] = client
