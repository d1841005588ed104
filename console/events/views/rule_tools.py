"""The rules page's tools (admin): the test box, the dry run, versions with diff and rollback."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from console import db
from console.audit import record_action
from console.events import matching, rules, runtime, trial, versions
from console.forms import FormError
from console.models.events import Rule
from console.security import current_user, role_required, sudo_required

bp = Blueprint("rule_tools", __name__, url_prefix="/rules")


def _engine():
    return runtime(current_app).engine


@bp.route("/test", methods=["POST"])
@role_required("admin")
def test():
    """Fragment: which rule decides a pasted callback body or text, and the exact ack."""
    command, body = trial.plan_test(request.form)
    with _engine().connect() as conn:
        result = trial.test(conn, command, body)
    return render_template("events/rules/_test_result.html", result=result,
                           ack=matching.valid(json.dumps(result.decision.ack, indent=2, ensure_ascii=False)))


@bp.route("/dry-run", methods=["POST"])
@role_required("admin")
def dry_run():
    """Fragment: what the rule in the form (unsaved) would have decided over stored callbacks."""
    data = rules.plan_rule(request.form)
    rule_id = request.form.get("rule_id", "")
    rule_id = int(rule_id) if rule_id.isdigit() and len(rule_id) < 10 else None
    days = trial.plan_days(request.form.get("days"))
    with _engine().connect() as conn:
        result = trial.dry_run(conn, data, rule_id, days)
    return render_template("events/rules/_dry_run.html", run=result)


@bp.route("/<int:rule_id>/versions")
@role_required("admin")
def history(rule_id: int):
    """Every version of a rule (deleted ones too), a diff between two, its last hits."""
    found = versions.history(db.session, rule_id)
    rule = db.session.get(Rule, rule_id)
    if not found and rule is None:
        abort(404)
    if not found:  # a rule older than versions: shown as it is (recorded at its first change)
        found = [versions.unsaved(rule)]
    by_number = {v.version: v for v in found}
    newest = found[0].version
    a, b = request.args.get("a", ""), request.args.get("b", "")
    b = int(b) if b.isdigit() and int(b) in by_number else newest
    a = int(a) if a.isdigit() and int(a) in by_number else max((v for v in by_number if v < b), default=b)
    changes = versions.diff(versions.values(by_number[a]), versions.values(by_number[b]))
    with _engine().connect() as conn:
        last = trial.last_hits(conn, rule_id)
    return render_template("events/rules/versions.html", rule_id=rule_id, versions=found, a=a, b=b,
                           changes=changes, rule=rule, last_hits=last,
                           name=versions.values(found[0]).get("name") or f"#{rule_id}")


@bp.route("/<int:rule_id>/versions/<int:version>/rollback", methods=["POST"])
@role_required("admin")
@sudo_required
def rollback(rule_id: int, version: int):
    """Make the rule what it was at `version` (a new version; audited)."""
    old = versions.get(db.session, rule_id, version)
    if old is None:
        abort(404)
    try:
        _rule, changes = versions.rollback(db.session, rule_id, old, current_user.name)
    except FormError as exc:
        record_action("rules.rollback", targets=[f"rule:{rule_id}"], outcome="failed",
                      detail={"version": version}, error=exc)
        raise
    db.session.commit()
    record_action("rules.rollback", targets=[f"rule:{rule_id}"],
                  detail={"version": version, "changes": changes})
    return redirect(url_for("rule_tools.history", rule_id=rule_id))
