"""Alert rules and webhooks (admin): list, add, edit, enable or disable, delete, send a test
message. Every change is audited; webhook URLs and secrets never show (masked)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from console import db, forms, jobs
from console.audit import record_action
from console.forms import FormError
from console.i18n import LOCALES, local_zone
from console.models import Alert, AlertRule, Webhook, utcnow
from console.monitoring import alerts, webhooks
from console.security import current_user, role_required, sudo_required

bp = Blueprint("alert_setup", __name__, url_prefix="/alerts")


def _rules_context(**ctx) -> dict:
    rules = db.session.scalars(select(AlertRule).order_by(AlertRule.id)).all()
    return dict(rules=rules, kinds=alerts.KIND_LABELS, alarm_commands=alerts.ALARM_COMMANDS,
                job_kinds=sorted(jobs.KINDS), zone=str(local_zone()), **ctx)


def _edit_rule_context() -> dict:
    return _rules_context(rule=db.get_or_404(AlertRule, request.view_args["rule_id"]))


@bp.route("/rules")
@role_required("admin")
def rules():
    return render_template("monitoring/rules/index.html", form=alerts.rule_form(None),
                           **_rules_context(rule=None))


@bp.route("/rules/<int:rule_id>")
@role_required("admin")
def edit_rule(rule_id: int):
    rule = db.get_or_404(AlertRule, rule_id)
    return render_template("monitoring/rules/edit.html", form=alerts.rule_form(rule), **_rules_context(rule=rule))


def _save(action: str, target: str, row, plan, save, shown: tuple[str, ...], back: str):
    """Plan the submitted form and save it, audited; a refused form is audited too (only the
    `shown` fields: a webhook's URL and secret never reach a row), then shown again."""
    try:
        data = plan()
    except FormError as exc:
        record_action(action, targets=[f"{target}:{row.id}"] if row else [], outcome="failed",
                      detail={"form": {k: request.form.get(k) for k in shown}}, error=exc)
        raise
    saved, changes = save(db.session, row, data, current_user.name)
    db.session.commit()
    record_action(action, targets=[f"{target}:{saved.id}"], detail={"name": saved.name, "changes": changes})
    return redirect(url_for(back))


def _save_rule(rule: AlertRule | None, action: str):
    return _save(action, "alert-rule", rule,
                 lambda: alerts.plan_rule(request.form, sorted(jobs.KINDS), str(local_zone())),
                 alerts.save_rule, ("name", "kind", "minutes"), "alert_setup.rules")


@bp.route("/rules", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("monitoring/rules/index.html", lambda: _rules_context(rule=None))
def create_rule():
    return _save_rule(None, "alerts.rule.create")


@bp.route("/rules/<int:rule_id>", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("monitoring/rules/edit.html", _edit_rule_context)
def update_rule(rule_id: int):
    return _save_rule(db.get_or_404(AlertRule, rule_id), "alerts.rule.update")


@bp.route("/rules/<int:rule_id>/toggle", methods=["POST"])
@role_required("admin")
@sudo_required
def toggle_rule(rule_id: int):
    rule = db.get_or_404(AlertRule, rule_id)
    rule.enabled, rule.updated_at, rule.updated_by = not rule.enabled, utcnow(), current_user.name
    db.session.commit()
    record_action("alerts.rule.enable" if rule.enabled else "alerts.rule.disable",
                  targets=[f"alert-rule:{rule.id}"], detail={"name": rule.name})
    return redirect(url_for("alert_setup.rules"))


@bp.route("/rules/<int:rule_id>/delete", methods=["POST"])
@role_required("admin")
@sudo_required
def delete_rule(rule_id: int):
    """Delete a rule; its active alert is resolved by the deleting admin."""
    rule = db.get_or_404(AlertRule, rule_id)
    snapshot = {"name": rule.name, "kind": rule.kind, "params": rule.params}
    active = db.session.scalar(select(Alert).where(Alert.rule_id == rule.id, Alert.status.in_(alerts.ACTIVE)))
    if active is not None:
        alerts.resolve_by(db.session, active, current_user.name)
    db.session.delete(rule)
    db.session.commit()
    record_action("alerts.rule.delete", targets=[f"alert-rule:{rule_id}"],
                  detail={"rule": snapshot, "resolved_alert": active.id if active else None})
    return redirect(url_for("alert_setup.rules"))


# ---- webhooks --------------------------------------------------------------------------------

def _hooks_context(**ctx) -> dict:
    hooks = db.session.scalars(select(Webhook).order_by(Webhook.id)).all()
    return dict(hooks=hooks, formats=webhooks.FORMAT_LABELS, languages=LOCALES, masked_url=webhooks.masked_url,
                **ctx)


def _edit_hook_context() -> dict:
    return _hooks_context(hook=db.get_or_404(Webhook, request.view_args["hook_id"]))


@bp.route("/webhooks")
@role_required("admin")
def hooks():
    return render_template("monitoring/webhooks/index.html", form=webhooks.webhook_form(None),
                           **_hooks_context(hook=None))


@bp.route("/webhooks/<int:hook_id>")
@role_required("admin")
def edit_hook(hook_id: int):
    hook = db.get_or_404(Webhook, hook_id)
    return render_template("monitoring/webhooks/edit.html", form=webhooks.webhook_form(hook),
                           **_hooks_context(hook=hook))


def _save_hook(hook: Webhook | None, action: str):
    return _save(action, "webhook", hook, lambda: webhooks.plan_webhook(request.form, hook),
                 webhooks.save_webhook, ("name", "format"), "alert_setup.hooks")


@bp.route("/webhooks", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("monitoring/webhooks/index.html", lambda: _hooks_context(hook=None))
def create_hook():
    return _save_hook(None, "alerts.webhook.create")


@bp.route("/webhooks/<int:hook_id>", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("monitoring/webhooks/edit.html", _edit_hook_context)
def update_hook(hook_id: int):
    return _save_hook(db.get_or_404(Webhook, hook_id), "alerts.webhook.update")


@bp.route("/webhooks/<int:hook_id>/delete", methods=["POST"])
@role_required("admin")
@sudo_required
def delete_hook(hook_id: int):
    hook = db.get_or_404(Webhook, hook_id)
    snapshot = {"name": hook.name, "format": hook.format, "url": webhooks.masked_url(hook.url)}
    db.session.delete(hook)
    db.session.commit()
    record_action("alerts.webhook.delete", targets=[f"webhook:{hook_id}"], detail=snapshot)
    return redirect(url_for("alert_setup.hooks"))


@bp.route("/webhooks/<int:hook_id>/test", methods=["POST"])
@role_required("admin")
def test_hook(hook_id: int):
    """Send a test message now (an admin asked for it), logged like any delivery."""
    hook = db.get_or_404(Webhook, hook_id)
    delivery = webhooks.send_test(current_app._get_current_object(), hook)
    ok = delivery.status == "delivered"
    record_action("alerts.webhook.test", targets=[f"webhook:{hook.id}"], outcome="ok" if ok else "failed",
                  detail={"name": hook.name, "delivery": delivery.id}, error=None if ok else delivery.last_error)
    if ok:
        flash(_("The test message was delivered."), "success")
    else:
        flash(_("The test message was not delivered: %(error)s", error=delivery.last_error or "?"), "error")
    return redirect(url_for("alert_setup.hooks"))
