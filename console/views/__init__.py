"""One blueprint per domain. `register_blueprints` mounts them."""
from __future__ import annotations

from console.audit import views as audit
from console.jobs import views as jobs
from console.operators.views import admin as operators
from console.operators.views import auth
from console.ops.views import dashboard, health, operations, settings
from console.events.views import rules
from console.events.views import viewer as events
from console.groups import views as groups
from console.views import accounts, accounts_detail, accounts_relations
from console.messaging import views as messages
from console.push import views as push

BLUEPRINTS = [auth.bp, dashboard.bp, audit.bp, operators.bp, settings.bp, health.bp, jobs.bp,
              events.bp, rules.bp, accounts.bp, accounts_detail.bp, accounts_relations.bp,
              groups.bp, messages.bp, push.bp, operations.bp]


def register_blueprints(app) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
