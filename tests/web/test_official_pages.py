"""Official accounts: the known list and lookup, create, edit, disband (typed confirmation),
subscribers, send, recall and history; one audit row per IM call, against the sandbox."""
from __future__ import annotations

import json

import pytest
from test_accounts_support import im_import

HX = {"HX-Request": "true"}


@pytest.fixture
def op(signed_in):
    return signed_in("operator")


@pytest.fixture
def people(sandbox):
    im_import(sandbox, "owner1", "sub1", "sub2")


def enc(account_id: str) -> str:
    return account_id.replace("@", "%40").replace("#", "%23")


def test_create_then_list_and_view(app, op, people, tim, audit_rows):
    resp = op.post("/official/create", {"name": "News", "owner": "owner1", "account_id": "@TOA#_news"}, htmx=True)
    assert resp.status_code == 204 and resp.headers["HX-Redirect"].endswith("/official/@TOA%23_news")
    assert tim.official_account.get_account("@TOA#_news").name == "News"
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("official_account.create", "ok") and "@TOA#_news" in row.targets
    page = op.get("/official").get_data(as_text=True)
    assert "News" in page and "@TOA#_news" in page and "created or seen" in page
    detail = op.get("/official/" + enc("@TOA#_news")).get_data(as_text=True)
    assert "owner1" in detail and "official-edit" in detail and "official-disband" not in detail  # admins disband


def test_an_account_created_elsewhere_is_found_by_lookup_and_then_listed(app, op, people, tim):
    created = tim.official_account.create("owner1", "Elsewhere")
    assert created.account_id not in op.get("/official").get_data(as_text=True)
    resp = op.get("/official", query_string={"id": created.account_id})
    assert resp.status_code == 302
    assert "Elsewhere" in op.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Elsewhere" in op.get("/official").get_data(as_text=True)
    assert op.get("/official", query_string={"id": "nope"}).status_code == 400
    assert op.get("/official/nope").status_code == 404


def test_edit_and_disband_with_typed_confirmation(app, op, signed_in, people, tim, audit_rows):
    tim.official_account.create("owner1", "Old", account_id="@TOA#_edit")
    url = "/official/" + enc("@TOA#_edit")
    resp = op.post(url + "/update", {"name": "New", "introduction": "hi"}, htmx=True)
    assert resp.status_code == 204
    account = tim.official_account.get_account("@TOA#_edit")
    assert (account.name, account.introduction) == ("New", "hi")
    assert [r.action for r in audit_rows()][-1] == "official_account.update"
    assert op.post(url + "/disband", {"confirm": "@TOA#_edit"}).status_code == 403
    op = signed_in("admin")
    resp = op.post(url + "/disband", {"confirm": "edit"}, htmx=True)
    assert "form-problems" in resp.headers.get("HX-Trigger", "")
    assert audit_rows()[-1].action != "official_account.destroy"
    resp = op.post(url + "/disband", {"confirm": "@TOA#_edit"}, htmx=True)
    assert resp.status_code == 204
    assert not tim.official_account.get_accounts(["@TOA#_edit"]).items[0].ok
    assert (audit_rows()[-1].action, audit_rows()[-1].outcome) == ("official_account.destroy", "ok")


def test_subscribers_add_list_remove(app, op, people, tim, audit_rows):
    tim.official_account.create("owner1", "Subs", account_id="@TOA#_subs")
    url = "/official/" + enc("@TOA#_subs")
    resp = op.post(url + "/subscribers/add", {"ids": "sub1 sub2 ghost"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert set(json.loads(resp.headers["HX-Trigger"])) == {"subscribers-changed", "selection-clear"} and "2 succeeded" in html and "1 failed" in html
    [row] = audit_rows()
    assert row.action == "official_account.add_subscribers" and "sub1" in row.targets
    page = op.get(url + "/subscribers").get_data(as_text=True)
    assert "2 subscribers" in page and ">sub1</a>" in page
    op.post(url + "/subscribers/remove", {"ids": ["sub1"]}, htmx=True)
    assert [s.user_id for s in tim.official_account.iter_subscribers("@TOA#_subs")] == ["sub2"]
    assert audit_rows()[-1].action == "official_account.delete_subscribers"


def test_send_history_and_recall(app, op, people, tim, audit_rows):
    tim.official_account.create("owner1", "Cast", account_id="@TOA#_cast")
    tim.official_account.add_subscribers("@TOA#_cast", ["sub1"])
    url = "/official/" + enc("@TOA#_cast")
    resp = op.post(url + "/messages/send", {"text": "Hello subscribers"}, htmx=True)
    assert resp.headers["HX-Trigger"] == "official-messages-changed" and "Sent" in resp.get_data(as_text=True)
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("official_account.send_message", "ok")
    page = op.get(url + "/messages").get_data(as_text=True)
    assert "Hello subscribers" in page
    [message] = tim.official_account.fetch_messages("@TOA#_cast").messages
    html = op.post(url + "/messages/recall", {"keys": message.msg_key}, htmx=True).get_data(as_text=True)
    assert "1 succeeded" in html
    assert audit_rows()[-1].action == "official_account.revoke_messages"
    assert "recalled" in op.get(url + "/messages").get_data(as_text=True)
    assert "form-problems" in op.post(url + "/messages/send", {"text": ""}, htmx=True).headers.get("HX-Trigger", "")


def test_viewer_reads_but_cannot_write(app, signed_in, people, tim):
    tim.official_account.create("owner1", "Read", account_id="@TOA#_read")
    viewer = signed_in("viewer")
    url = "/official/" + enc("@TOA#_read")
    for page in ("", "/subscribers", "/messages"):
        html = viewer.get(url + page).get_data(as_text=True)
        assert "@TOA#_read" in html and "official-send" not in html
    assert viewer.post(url + "/messages/send", {"text": "x"}).status_code == 403


def test_accounts_seen_in_a_subscribers_social_tab_join_the_list(app, op, people, tim):
    tim.official_account.create("owner1", "Seen", account_id="@TOA#_seen")
    tim.official_account.add_subscribers("@TOA#_seen", ["sub1"])
    assert "@TOA#_seen" not in op.get("/official").get_data(as_text=True)
    assert "Seen" in op.get("/accounts/u/sub1/social/official").get_data(as_text=True)
    assert "@TOA#_seen" in op.get("/official").get_data(as_text=True)


def test_a_refused_page_cursor_is_a_400(app, op, people, tim):
    tim.official_account.create("owner1", "Pages", account_id="@TOA#_pages")
    url = "/official/" + enc("@TOA#_pages")
    assert op.get(url + "/subscribers", query_string={"next": "9" * 30}).status_code == 400
    assert op.get(url + "/messages", query_string={"before": "nope"}).status_code == 400
