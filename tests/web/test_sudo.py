"""Sudo mode (issue #20 item 2): irreversible or app-wide actions ask for the password or a TOTP
code when the session's last proof is older than 10 minutes; reads never ask.

GUARDED lists every endpoint under `console.security.sudo_required`, with a form that triggers it
(a conditional guard asks only for some requests). A new destructive endpoint gets the decorator
and its line here; test_guarded_endpoints_are_exactly_these says when the two disagree.
"""
from __future__ import annotations

import datetime as dt

import pytest
from web_client import PASSWORD
from sqlalchemy import select, update
from werkzeug.routing.converters import NumberConverter

from console import db, security
from console.models import AuditEntry, Operator, OperatorSession, utcnow

#: endpoint -> form data that makes it ask for a fresh proof
GUARDED = {
    "accounts.bulk": {"action": "delete", "ids": "x"},
    "account.mute": {"c2c": "0", "group": "0"},
    "account.usersig": {"expire": "3600"},
    "account_relations.delete_all_friends": {"confirm": "x"},
    "account_relations.delete_conversation": {"type": "c2c", "to": "y", "clear": "1"},
    "events.reveal_token": {},
    "groups.destroy": {"confirm": "x"},
    "keywords.sync": {"target": "local"},
    "keywords.update": {"name": "x", "words": "x"},
    "keywords.delete": {},
    "rules.create": {"name": "x"},
    "rules.update": {"name": "x"},
    "rules.toggle": {},
    "rules.delete": {},
    "rule_tools.rollback": {},
    "alert_setup.create_rule": {"name": "x"},
    "alert_setup.update_rule": {"name": "x"},
    "alert_setup.toggle_rule": {},
    "alert_setup.delete_rule": {},
    "alert_setup.create_hook": {"url": "https://example.com/hook"},
    "alert_setup.update_hook": {"url": "https://example.com/hook"},
    "alert_setup.delete_hook": {},
    "push.attr_names_set": {"names": "x"},
    "safety.local_add": {"words": "x"},
    "safety.local_delete": {"words": "x"},
    "safety.local_import": {},
    "safety.cloud_add": {"words": "x"},
    "safety.cloud_delete": {"words": "x"},
    "safety.cloud_import": {},
    "safety.file_ban": {"url": "x"},
    "safety.file_unban": {"url": "x"},
    "groups.destroy_many": {"ids": "x", "confirm": "destroy 1 group"},
    "bots.delete": {"confirm": "x"},
    "official.disband": {"confirm": "x"},
    "message_history.delete_one_sided_range": {"owner": "x", "peer": "y", "confirm": "x"},
    "groups.clear_history": {"confirm": "x"},
    "groups.broadcast": {"kind": "text", "text": "x"},
    "groups.disband_topic": {"topic_id": "x"},
    "groups.disband_permission_group": {"permission_group_id": "x"},
    "messages.mute_set": {"user_id": "x", "c2c": "0", "group": "0"},
    "operators.create": {"name": "newbie", "role": "viewer", "password": "long enough pass"},
    "operators.reset_password": {"password": "long enough pass"},
    "operators.set_access": {"disabled": "1"},
    "operators.set_role": {"role": "operator"},
    "push.send": {"target": "all"},
    "sessions.end_operator_sessions": {},
    "twofactor.policy": {"role": "admin"},
    "twofactor.recovery": {},
    "twofactor.reset": {},
    "twofactor.start": {},
}
#: conditional guards: a request that does not need the proof
UNGUARDED_FORMS = {
    "accounts.bulk": {"action": "check", "ids": "x"},
    "account_relations.delete_conversation": {"type": "c2c", "to": "y"},
    "push.send": {"target": "tags"},
}


def _is_guarded(view) -> bool:
    while view is not None:
        if getattr(view, "sudo_required", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _url(app, endpoint: str, op_id: int) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    # integer arguments (a list id, ...) get 1, strings "x"; the guard answers before any lookup
    values = {a: (op_id if a == "op_id" else 1 if isinstance(rule._converters[a], NumberConverter) else "x")
              for a in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _stale(app, name: str = "admin") -> None:
    """Make every session of `name` proved 11 minutes ago."""
    with db.new_session(app) as sess:
        op_id = sess.scalar(select(Operator.id).where(Operator.name == name))
        sess.execute(update(OperatorSession).where(OperatorSession.operator_id == op_id)
                     .values(proved_at=utcnow() - dt.timedelta(minutes=11)))


def _audit_count(app) -> int:
    with db.new_session(app) as sess:
        return len(list(sess.scalars(select(AuditEntry.id))))


def _viewer_id(app) -> int:
    with db.new_session(app) as sess:
        return sess.scalar(select(Operator.id).where(Operator.name == "viewer"))


def test_guarded_endpoints_are_exactly_these(app):
    found = {endpoint for endpoint, view in app.view_functions.items() if _is_guarded(view)}
    assert found == set(GUARDED)


@pytest.mark.parametrize("endpoint", sorted(GUARDED))
def test_each_guarded_action_prompts_when_the_proof_is_old(app, signed_in, endpoint):
    admin = signed_in("admin")
    _stale(app)
    before = _audit_count(app)
    url = _url(app, endpoint, _viewer_id(app))
    resp = admin.post(url, data=GUARDED[endpoint])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 401 and 'data-sudo-prompt' in html, html[:300]
    assert f'action="{url}"' in html  # the prompt posts the same form again, to the same URL
    resp = admin.post(url, data=GUARDED[endpoint], htmx=True)
    assert resp.status_code == 200 and "sudo-required" in resp.headers["HX-Trigger"]
    assert resp.headers["HX-Reswap"] == "none"
    assert _audit_count(app) == before  # nothing was done


def test_the_prompt_replays_the_form_after_the_password(app, signed_in, audit_rows):
    admin = signed_in("admin")
    _stale(app)
    data = {"name": "newbie", "role": "viewer", "password": "long enough pass"}
    prompt = admin.post("/operators", data=data).get_data(as_text=True)
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in prompt
    wrong = admin.post("/operators", data={**data, "sudo_password": "not it"})
    assert wrong.status_code == 401 and "The password is wrong." in wrong.get_data(as_text=True)
    done = admin.post("/operators", data={**data, "sudo_password": PASSWORD})
    assert done.status_code == 302
    assert audit_rows()[-1].action == "operator.create"
    # proved again: the next guarded action within 10 minutes does not ask
    viewer_id = _viewer_id(app)
    assert admin.post(f"/operators/{viewer_id}/role", data={"role": "operator"}).status_code == 302


def test_the_htmx_dialog_proves_then_the_action_runs(app, signed_in):
    admin = signed_in("admin")
    _stale(app)
    assert "sudo-required" in admin.post("/events/callback-token", htmx=True).headers.get("HX-Trigger", "")
    assert admin.post("/sudo", data={"sudo_password": "wrong"}, htmx=True).status_code == 400
    assert admin.post("/sudo", data={"sudo_password": PASSWORD}, htmx=True).status_code == 204
    resp = admin.post("/events/callback-token", htmx=True)
    assert "HX-Trigger" not in resp.headers and resp.status_code == 200


def test_signing_in_is_a_proof(app, signed_in):
    admin = signed_in("admin")
    resp = admin.post(f"/operators/{_viewer_id(app)}/role", data={"role": "operator"})
    assert resp.status_code == 302


@pytest.mark.parametrize("endpoint", sorted(UNGUARDED_FORMS))
def test_conditional_guards_ask_only_when_needed(app, signed_in, endpoint):
    admin = signed_in("admin")
    _stale(app)
    resp = admin.post(_url(app, endpoint, 1), data=UNGUARDED_FORMS[endpoint], htmx=True)
    assert "sudo-required" not in resp.headers.get("HX-Trigger", "")
    assert resp.status_code != 401


def test_reads_never_prompt(app, signed_in):
    admin = signed_in("admin")
    _stale(app)
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout", "auth.setup"):
            continue
        values = {a: {"fmt": "csv", "section": "accounts"}.get(a, "x") for a in rule.arguments}
        values.update({a: 1 for a in rule.arguments if isinstance(rule._converters[a], NumberConverter)})
        resp = admin.get(rule.build(values, append_unknown=False)[1], buffered=False)
        try:
            assert resp.status_code != 401, rule.rule
            if resp.mimetype == "text/html":
                assert b"data-sudo-prompt" not in resp.data, rule.rule
        finally:
            resp.close()
        seen += 1
    assert seen > 20


def test_failed_proofs_are_limited(app, signed_in):
    admin = signed_in("admin")
    _stale(app)
    for _ in range(security.SUDO_MAX_FAILURES):
        assert admin.post("/sudo", data={"sudo_password": "wrong"}, htmx=True).status_code == 400
    resp = admin.post("/sudo", data={"sudo_password": PASSWORD}, htmx=True)
    assert resp.status_code == 400 and "Too many" in resp.get_data(as_text=True)
