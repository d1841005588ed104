"""Rule versions: every change kept with who and when, a diff between versions, one-click rollback
(audited), a deleted rule brought back."""
from __future__ import annotations

import pytest
from events_support import OK, audit_actions, callbacks  # noqa: F401

from console.models.events import Rule
from console.models.moderation import RuleVersion


def rule_form(**fields) -> dict:
    return {"name": "r", "scope": "c2c_msg", "match": "words", "pattern": "casino", "action": "deny",
            "error_code": "", "error_info": "", "position": "0", "enabled": "1", **fields}


def c2c(text: str, n: int) -> dict:
    return {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a", "To_Account": "b",
            "MsgKey": f"k{n}", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]}


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


def versions_of(app, rule_id: int = 1) -> list:
    from console import db

    with app.app_context():
        return [(v.version, v.change, v.created_by) for v in
                db.session.query(RuleVersion).filter_by(rule_id=rule_id).order_by(RuleVersion.version)]


def test_every_change_is_a_version(app, admin):
    admin.post("/rules", data=rule_form())
    admin.post("/rules/1", data=rule_form(pattern="casino\npoker"))
    admin.post("/rules/1", data=rule_form(pattern="casino\npoker"))  # no change: no version
    admin.post("/rules/1/toggle")
    admin.post("/rules/1/toggle")
    assert versions_of(app) == [(1, "create", "admin"), (2, "update", "admin"), (3, "disable", "admin"),
                                (4, "enable", "admin")]


def test_the_history_page_diffs_two_versions(app, admin):
    admin.post("/rules", data=rule_form())
    admin.post("/rules/1", data=rule_form(pattern="casino\npoker", name="gambling"))
    page = admin.get("/rules/1/versions").get_data(as_text=True)
    assert "v1 → v2" in page and "+poker" in page and "gambling" in page
    assert "Roll back to v1" in page and "Roll back to v2" not in page  # v2 is the rule as it is
    assert admin.get("/rules/1/versions?a=x&b=" + "9" * 40).status_code == 200
    assert admin.get("/rules/99/versions").status_code == 404


def test_rollback_restores_the_rule_and_is_audited(app, admin, callbacks):
    admin.post("/rules", data=rule_form())
    admin.post("/rules/1", data=rule_form(pattern="poker"))
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("casino", 1)) == OK
    assert admin.post("/rules/1/versions/1/rollback").status_code == 302
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("casino", 2))["ErrorCode"] == 1
    assert versions_of(app)[-1][:2] == (3, "rollback")
    (entry,) = audit_actions(app, "rules.rollback")
    assert entry.outcome == "ok" and entry.detail["version"] == 1
    assert entry.detail["changes"]["pattern"] == ["poker", "casino"]


def test_a_deleted_rule_comes_back(app, admin, callbacks):
    admin.post("/rules", data=rule_form(name="gone"))
    admin.post("/rules/1/delete")
    assert versions_of(app)[-1][1] == "delete"
    page = admin.get("/rules/1/versions").get_data(as_text=True)
    assert "This rule was deleted" in page
    assert admin.post("/rules/1/versions/2/rollback").status_code == 400  # the deletion itself
    assert admin.post("/rules/1/versions/1/rollback").status_code == 302
    from console import db

    with app.app_context():
        assert db.session.get(Rule, 1).name == "gone"
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("casino", 3))["ErrorCode"] == 1


def test_a_rule_older_than_versions_gets_a_baseline(app, admin):
    from console import db

    with app.app_context():
        db.session.add(Rule(name="legacy", scope="c2c_msg", match="words", pattern="x", action="deny",
                            enabled=True, position=0, created_ms=1, updated_ms=1, updated_by="someone"))
        db.session.commit()
    page = admin.get("/rules/1/versions")
    assert page.status_code == 200 and "as it was" in page.get_data(as_text=True)
    assert versions_of(app) == []  # looking stores nothing
    admin.post("/rules/1", data=rule_form(name="legacy", pattern="y"))
    assert versions_of(app) == [(1, "baseline", "someone"), (2, "update", "admin")]


def test_rollback_is_for_admins(app, signed_in, admin):
    admin.post("/rules", data=rule_form())
    assert signed_in("operator").post("/rules/1/versions/1/rollback").status_code == 403
    assert signed_in("operator").get("/rules/1/versions").status_code == 403
    assert admin.post("/rules/1/versions/7/rollback").status_code == 404
