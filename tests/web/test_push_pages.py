"""Push pages: compose → confirm → push (tags, attributes, everyone), history, attribute names, user
attributes and tags; both the current (timpush) and the legacy push API."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def users(sandbox):
    ids = ["alice", "bob", "carol"]
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ids})
    return ids


def _rows(audit_rows, suffix):
    return [r for r in audit_rows() if (r.endpoint or "").endswith(suffix)]


def _confirm_then_push(client, form):
    html = client.post("/push/confirm", form, htmx=True).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(msg_random|confirmed)" value="([^"]*)"', html))
    assert hidden, html
    import html as htmlmod

    hidden = {k: htmlmod.unescape(v) for k, v in hidden.items()}
    return html, client.post("/push/send", {**form, **hidden}, htmx=True).get_data(as_text=True)


def test_push_by_tag_confirms_audience_and_records_the_task(signed_in, app, sandbox, users, audit_rows):
    sandbox.invoke("timpush/add_tag", {"UserTags": [{"To_Account": "alice", "Tags": ["vip"]}]})
    op = signed_in("operator")
    form = {"target": "tags", "tags_or": "vip", "el-0-type": "text", "el-0-Text": "sale today"}
    op.post("/push/confirm", form, htmx=True)
    assert _rows(audit_rows, "/push") == []  # nothing sent before the confirmation
    confirm, sent = _confirm_then_push(op, form)
    assert "users with any of the tags vip" in confirm
    assert "Task ID" in sent
    task_id = re.search(r'<code class="task-id">([^<]+)</code>', sent).group(1)
    with sandbox.state.lock:
        tasks = [t for t in sandbox.state.push_tasks if t["Kind"] == "push"]
    assert [t["TaskId"] for t in tasks] == [task_id] and tasks[0]["Targets"] == 1
    rows = _rows(audit_rows, "timpush/push")
    assert len(rows) == 1 and rows[0].request["Condition"] == {"TagsOr": ["vip"]}
    history = op.get("/push/history").get_data(as_text=True)
    assert task_id in history and "users with any of the tags vip" in history


def test_push_by_attributes_and_or(signed_in, sandbox, users, audit_rows):
    sandbox.invoke("timpush/set_attr_name", {"AttrNames": {"0": "city", "1": "plan"}})
    op = signed_in("operator")
    form = {"target": "attrs", "attrs_and": "city=Shenzhen\nplan=pro", "attrs_or": "city=Beijing",
            "el-0-type": "text", "el-0-Text": "hello"}
    confirm, sent = _confirm_then_push(op, form)
    assert "city=Shenzhen, plan=pro" in confirm and "city=Beijing" in confirm
    assert "Task ID" in sent
    cond = _rows(audit_rows, "timpush/push")[0].request["Condition"]
    assert cond == {"AttrsAnd": {"city": "Shenzhen", "plan": "pro"}, "AttrsOr": {"city": "Beijing"}}


def test_push_to_everyone_needs_admin_and_typed_confirmation(signed_in, sandbox, users, audit_rows):
    form = {"target": "all", "el-0-type": "text", "el-0-Text": "to all"}
    op = signed_in("operator")
    assert "Only an admin" in op.post("/push/confirm", form, htmx=True).get_data(as_text=True)
    admin = signed_in("admin")
    confirm, refused = _confirm_then_push(admin, form)
    assert "every user of the app" in confirm and 'name="typed"' in confirm
    assert "Type “everyone”" in refused
    assert _rows(audit_rows, "timpush/push") == []
    _confirm, sent = _confirm_then_push(admin, {**form, "typed": "everyone"})
    assert "Task ID" in sent
    rows = _rows(audit_rows, "timpush/push")
    assert len(rows) == 1 and "Condition" not in rows[0].request


def test_push_validation_and_changed_audience(signed_in, users, audit_rows):
    op = signed_in("operator")
    html = op.post("/push/confirm", {"target": "tags", "tags_and": "a", "tags_or": "a", "el-0-type": "text",
                                     "el-0-Text": "x"}, htmx=True).get_data(as_text=True)
    assert "both in “all of” and in “any of”" in html
    form = {"target": "tags", "tags_or": "a", "el-0-type": "text", "el-0-Text": "x"}
    confirm = op.post("/push/confirm", form, htmx=True).get_data(as_text=True)
    token = re.search(r'name="confirmed" value="([^"]+)"', confirm).group(1)
    for changed in ({"tags_or": "b"}, {"el-0-Text": "y"}, {"push_title": "new title"}):
        html = op.post("/push/send", {**form, **changed, "confirmed": token}, htmx=True).get_data(as_text=True)
        assert "changed since you reviewed it" in html
    assert _rows(audit_rows, "/push") == []


def test_push_refused_by_im_is_recorded_with_its_code(signed_in, sandbox, users, audit_rows):
    sandbox.faults.set(error_rate=1.0, error_code=90045, endpoints=["timpush/push"])
    op = signed_in("operator")
    _confirm, sent = _confirm_then_push(op, {"target": "tags", "tags_or": "x", "el-0-type": "text", "el-0-Text": "x"})
    assert "90045" in sent
    history = op.get("/push/history").get_data(as_text=True)
    assert "90045" in history
    assert _rows(audit_rows, "timpush/push")[0].outcome == "failed"


def test_tags_and_attributes_bulk_and_per_user(signed_in, sandbox, users, audit_rows):
    op = signed_in("operator")
    html = op.post("/push/users", {"action": "add_tags", "lines": "alice: vip, beta\nbob: vip\nghost: x"},
                   htmx=True).get_data(as_text=True)
    assert "2 users updated, 1 failed" in html and "70107" in html
    with sandbox.state.lock:
        assert sandbox.state.user_tags["alice"] == ["vip", "beta"]
    assert len(_rows(audit_rows, "timpush/add_tag")) == 1
    sandbox.invoke("timpush/set_attr_name", {"AttrNames": {"0": "city"}})
    op.post("/push/users", {"action": "set_attrs", "lines": "alice: city=Shenzhen"}, htmx=True)
    with sandbox.state.lock:
        assert sandbox.state.user_attrs["alice"] == {"city": "Shenzhen"}
    html = op.get("/push/users?ids=alice,bob", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "city=Shenzhen" in html and '<span class="badge badge-info">beta</span>' in html
    op.post("/push/users", {"action": "remove_tags", "lines": "alice: beta"}, htmx=True)
    op.post("/push/users", {"action": "clear_tags", "ids": "bob"}, htmx=True)
    op.post("/push/users", {"action": "remove_attrs", "lines": "alice: city"}, htmx=True)
    with sandbox.state.lock:
        assert sandbox.state.user_tags.get("alice") == ["vip"]
        assert not sandbox.state.user_tags.get("bob")
        assert not sandbox.state.user_attrs.get("alice")
    too_many = "\n".join(f"u{n}: t" for n in range(101))
    assert "At most 100 users" in op.post("/push/users", {"action": "add_tags", "lines": too_many},
                                          htmx=True).get_data(as_text=True)


def test_attribute_names(signed_in, sandbox, audit_rows):
    op = signed_in("operator")
    html = op.post("/push/attributes/names", {"name_0": "city", "type_0": "0", "name_3": "level"},
                   htmx=True).get_data(as_text=True)
    assert "Attribute names saved" in html and 'value="level"' in html
    with sandbox.state.lock:
        assert sandbox.state.push_attr_names == {"0": "city", "3": "level"}
    assert len(_rows(audit_rows, "timpush/set_attr_name")) == 1
    assert "Name at least one attribute" in op.post("/push/attributes/names", {}, htmx=True).get_data(as_text=True)


def test_legacy_push_api(make_app, sandbox, browser_for, audit_rows):
    app = make_app(TIM_PUSH_API="legacy")
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["alice"]})
    client = browser_for(app, roles=("operator",))
    client.login("operator")
    page = client.get("/push").get_data(as_text=True)
    assert "all_member_push (legacy)" in page and 'name="tags_not"' not in page
    client.post("/push/users", {"action": "add_tags", "lines": "alice: vip"}, htmx=True)
    html = client.post("/push/confirm", {"target": "tags", "tags_or": "vip", "tags_not": "x", "el-0-type": "text",
                                         "el-0-Text": "x"}, htmx=True).get_data(as_text=True)
    assert "needs the current push API" in html
    _confirm, sent = _confirm_then_push(client, {"target": "tags", "tags_or": "vip", "el-0-type": "text",
                                                 "el-0-Text": "legacy hello"})
    assert "Task ID" in sent
    from sqlalchemy import select

    from console import db
    from console.models import AuditEntry

    with db.new_session(app) as sess:
        endpoints = [e.endpoint for e in sess.scalars(select(AuditEntry))]
    assert "all_member_push/im_add_tag" in endpoints and "all_member_push/im_push" in endpoints
