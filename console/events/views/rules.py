"""The moderation rules page (admin): list, add, edit, enable/disable, delete; every change audited."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from console import db, forms
from console.forms import FormError
from console.events import rules, runtime, trial, versions
from console.audit import record_action
from console.models.events import Rule
from console.models.moderation import KeywordList
from console.security import current_user, role_required, sudo_required

bp = Blueprint("rules", __name__, url_prefix="/rules")

SCOPE_LABELS = {
    "c2c_msg": _l("One-to-one message (before send)"),
    "group_msg": _l("Group message (before send)"),
    "group_create": _l("Group creation"),
    "group_join": _l("Request to join a group"),
    "group_invite": _l("Invitation into a group"),
    "friend_request": _l("Friend request or response"),
}
SCOPE_HELP = {
    "c2c_msg": _l("Text elements of the message; the account list is the sender."),
    "group_msg": _l("Text elements of the message; the account list is the sender."),
    "group_create": _l("The group name; the account list is the owner or the creator."),
    "group_join": _l("The group ID; the account list is the applicant."),
    "group_invite": _l("The group ID and the inviter (refuses everyone), or the invited members "
                       "(refuses only those)."),
    "friend_request": _l("The requester (refuses every target), or each target and its "
                         "add wording (refuses only those targets)."),
}
MATCH_LABELS = {"words": _l("word list"), "regex": _l("regular expression"),
                "accounts": _l("account list"), "keywords": _l("keyword list")}
ACTION_LABELS = {"deny": _l("deny"), "drop": _l("drop silently (messages)"),
                 "rewrite": _l("rewrite: mask the words (messages)"),
                 "flag": _l("flag for review: let through, queue it (messages)")}


def _context(**ctx) -> dict:
    rows = db.session.query(Rule).order_by(Rule.position, Rule.id).all()
    lists = {kw.id: kw.name for kw in db.session.query(KeywordList).order_by(KeywordList.name)}
    with runtime(current_app).engine.connect() as conn:
        ctx.setdefault("hits", trial.hits(conn))
    return dict(rules=rows, scopes=SCOPE_LABELS, matches=MATCH_LABELS, actions=ACTION_LABELS, lists=lists,
                scope_help=[(k, SCOPE_LABELS[k], SCOPE_HELP[k]) for k in SCOPE_LABELS], **ctx)


def _edit_context() -> dict:
    return _context(rule=_rule(request.view_args["rule_id"]))


def _page(template: str, **ctx):
    ctx.setdefault("form", {"enabled": "1", "position": "0"})
    return render_template(template, **_context(**ctx))


def _audit_target(rule: Rule) -> list[str]:
    return [f"rule:{rule.id}"]


@bp.route("")
@role_required("admin")
def index():
    return _page("events/rules/index.html")


def _save(rule: Rule | None, action: str):
    """Save the submitted rule; a refused form is audited too, then shown again (forms.page)."""
    try:
        data = rules.plan_rule(request.form)
    except FormError as exc:
        record_action(action, targets=_audit_target(rule) if rule else [], outcome="failed",
                      detail={"form": {k: request.form.get(k) for k in rules.FIELDS}}, error=exc)
        raise
    saved, changes = rules.save(db.session, rule, data, current_user.name)
    db.session.commit()
    record_action(action, targets=_audit_target(saved), detail={"name": saved.name, "changes": changes})
    return redirect(url_for("rules.index"))


@bp.route("", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("events/rules/index.html", _context)
def create():
    return _save(None, "rules.create")


def _rule(rule_id: int) -> Rule:
    rule = db.session.get(Rule, rule_id)
    if rule is None:
        abort(404)
    return rule


@bp.route("/<int:rule_id>")
@role_required("admin")
def edit(rule_id: int):
    rule = _rule(rule_id)
    return _page("events/rules/edit.html", rule=rule, form=rules.as_form(rule))


@bp.route("/<int:rule_id>", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("events/rules/edit.html", _edit_context)
def update(rule_id: int):
    return _save(_rule(rule_id), "rules.update")


@bp.route("/<int:rule_id>/toggle", methods=["POST"])
@role_required("admin")
@sudo_required
def toggle(rule_id: int):
    rule = _rule(rule_id)
    data = {**{k: getattr(rule, k) for k in rules.FIELDS}, "enabled": not rule.enabled}
    _saved, changes = rules.save(db.session, rule, data, current_user.name,
                                 change="disable" if rule.enabled else "enable")
    db.session.commit()
    record_action("rules.enable" if rule.enabled else "rules.disable", targets=_audit_target(rule),
                  detail={"name": rule.name, "changes": changes})
    return redirect(url_for("rules.index"))


@bp.route("/<int:rule_id>/delete", methods=["POST"])
@role_required("admin")
@sudo_required
def delete(rule_id: int):
    rule = _rule(rule_id)
    snapshot = {k: getattr(rule, k) for k in rules.FIELDS}
    if not versions.has_versions(db.session, rule.id):
        versions.record(db.session, rule.id, "baseline", versions.snapshot(rule), rule.updated_by)
    versions.record(db.session, rule.id, "delete", snapshot, current_user.name)
    db.session.delete(rule)
    db.session.commit()
    rules.cache.invalidate()
    record_action("rules.delete", targets=[f"rule:{rule_id}"], detail={"rule": snapshot})
    return redirect(url_for("rules.index"))
