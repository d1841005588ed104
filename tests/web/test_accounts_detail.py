"""The account page: profile view and validated edit, presence, kick, global mute, groups, push,
the UserSig generator, events and History - each IM call audited once."""
from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from test_accounts_support import directory, im_import, last_id, rows_after, trial_app  # noqa: F401

from console.accounts import domain as accounts
from console.tim import usersig

HX = {"HX-Request": "true"}
BASE = "/accounts/u"


@pytest.fixture
def bob(sandbox):
    im_import(sandbox, "bob")
    sandbox.invoke("profile/portrait_set", {"From_Account": "bob", "ProfileItem": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Bobby"}, {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Male"},
        {"Tag": "Tag_Profile_IM_Level", "Value": 7}]})
    return "bob"


def test_account_page_shell_and_profile_with_labels(app, signed_in, bob, audit_rows):
    viewer = signed_in("viewer")
    page = viewer.get(f"{BASE}/bob").get_data(as_text=True)
    assert "<h1>bob" in page and f"{BASE}/bob/profile" in page and "History" in page
    assert "UserSig" not in page  # admin only
    # the page asks IM whether bob exists (the directory had not seen him imported) and remembers it
    assert [r.action for r in audit_rows()] == ["account.check_accounts"]
    viewer.get(f"{BASE}/bob")
    assert len(audit_rows()) == 1  # live sections load as fragments
    before = last_id(audit_rows)
    html = viewer.get(f"{BASE}/bob/profile", headers=HX).get_data(as_text=True)
    for field in accounts.PROFILE_FIELDS:
        assert str(field.label) in html
    assert "Bobby" in html and "Male" in html and "Gender_Type_Male" in html
    [row] = rows_after(audit_rows, before)
    assert (row.action, row.outcome, row.targets) == ("profile.get_profiles", "ok", ["bob"])


def test_edit_nickname_sends_only_what_changed(app, signed_in, bob, tim, audit_rows):
    b = signed_in("operator")
    form = b.get(f"{BASE}/bob/profile?edit=1", headers=HX).get_data(as_text=True)
    assert 'name="Tag_Profile_IM_Nick" value="Bobby"' in form
    before = last_id(audit_rows)
    html = b.post(f"{BASE}/bob/profile", {"Tag_Profile_IM_Nick": "Robert", "Tag_Profile_IM_Gender": "Gender_Type_Male",
                                          "Tag_Profile_IM_Level": "7", "Tag_Profile_IM_Role": ""},
                  htmx=True).get_data(as_text=True)
    assert "Profile saved" in html and "Robert" in html
    assert tim.profile.get_profile("bob").attrs["Tag_Profile_IM_Nick"] == "Robert"
    read, write = rows_after(audit_rows, before)
    assert read.action == "profile.get_profiles"
    assert write.action == "profile.set_profile" and write.outcome == "ok"
    assert write.request["ProfileItem"] == [{"Tag": "Tag_Profile_IM_Nick", "Value": "Robert"}]
    assert directory(app)["bob"].nickname == "Robert"


def test_edit_profile_validation(app, signed_in, bob, tim, audit_rows):
    b = signed_in("operator")
    before = last_id(audit_rows)
    html = b.post(f"{BASE}/bob/profile", {"Tag_Profile_IM_Gender": "Gender_Type_Robot", "Tag_Profile_IM_Level": "-1",
                                          "Tag_Profile_IM_Location": "x" * 17, "new_custom_key": "way too long",
                                          "Tag_Profile_IM_BirthDay": str(2**32)}, htmx=True).get_data(as_text=True)
    assert "choose one of the listed values" in html
    assert "whole number between 0 and 4294967295" in html and "longer than 16 bytes" in html
    assert "1 to 8 letters" in html
    assert [r.action for r in rows_after(audit_rows, before)] == ["profile.get_profiles"]  # nothing written
    assert tim.profile.get_profile("bob").attrs["Tag_Profile_IM_Gender"] == "Gender_Type_Male"


def test_custom_profile_field(make_app, browser_for, bob, tim):
    app = make_app(TIM_PROFILE_CUSTOM="mood")
    b = browser_for(app, ["operator"])
    b.login("operator")
    html = b.post(f"{BASE}/bob/profile", {"new_custom_key": "mood", "new_custom_value": "sunny"}, htmx=True)
    assert "Profile saved" in html.get_data(as_text=True)
    assert tim.profile.get_profile("bob", ["Tag_Profile_Custom_mood"]).attrs["Tag_Profile_Custom_mood"] == "sunny"
    assert "sunny" in b.get(f"{BASE}/bob/profile", headers=HX).get_data(as_text=True)


def test_presence_kick_and_mute(app, signed_in, bob, tim, audit_rows):
    b = signed_in("operator")
    html = b.get(f"{BASE}/bob/presence", headers=HX).get_data(as_text=True)
    assert "Offline" in html and "not muted" in html
    before = last_id(audit_rows)
    assert "signed out on every device" in b.post(f"{BASE}/bob/kick", htmx=True).get_data(as_text=True)
    resp = b.post(f"{BASE}/bob/mute", {"c2c": str(accounts.MUTE_FOREVER), "group": "86400"}, htmx=True)
    assert resp.headers.get("HX-Trigger") == "presence"
    mute = tim.mute.get_no_speaking("bob")
    assert mute.c2c == accounts.MUTE_FOREVER and 86000 < mute.group <= 86400
    assert [(r.action, r.outcome) for r in rows_after(audit_rows, before)] == [
        ("account.kick_account", "ok"), ("mute.set_no_speaking", "ok")]
    assert "muted forever" in b.get(f"{BASE}/bob/presence", headers=HX).get_data(as_text=True)
    assert "Choose a duration" in b.post(f"{BASE}/bob/mute", {}, htmx=True).get_data(as_text=True)


def test_protected_accounts_cannot_be_kicked_or_muted(trial_app, browser_for, audit_rows):
    b = browser_for(trial_app, ["operator"])
    b.login("operator")
    for uid in ("administrator", "ops_admin"):
        for action, data in (("kick", {}), ("mute", {"c2c": "3600"})):
            html = b.post(f"{BASE}/{uid}/{action}", data, htmx=True).get_data(as_text=True)
            assert "is protected" in html
    assert audit_rows() == []
    assert "Protected account" in b.get(f"{BASE}/ops_admin/presence", headers=HX).get_data(as_text=True)


def test_viewer_cannot_act(app, signed_in, bob, audit_rows):
    viewer = signed_in("viewer")
    assert viewer.post(f"{BASE}/bob/kick").status_code == 403
    assert viewer.post(f"{BASE}/bob/profile", {"Tag_Profile_IM_Nick": "x"}).status_code == 403
    assert audit_rows() == []


def test_groups_joined_with_roles(app, signed_in, sandbox, tim, bob):
    im_import(sandbox, "owner1")
    created = tim.group.create_group("Public", "Chess club", owner="owner1", members=["bob"])
    tim.group.set_member_role(created.group_id, "bob", "Admin")
    html = signed_in("viewer").get(f"{BASE}/bob/groups", headers=HX).get_data(as_text=True)
    assert "Chess club" in html and f'href="/groups/{quote(created.group_id)}"' in html and "Admin" in html


def test_push_attributes_and_tags(app, signed_in, bob, tim):
    tim.push.add_user_tags({"bob": ["vip", "beta"]})
    html = signed_in("viewer").get(f"{BASE}/bob/push", headers=HX).get_data(as_text=True)
    assert "vip" in html and "beta" in html


def test_usersig_is_admin_only_shown_once_audited_without_the_sig(app, signed_in, bob, audit_rows, caplog,
                                                                    sandbox_secret):
    assert signed_in("operator").post(f"{BASE}/bob/usersig", {"expire": "3600"}).status_code == 403
    admin = signed_in("admin")
    assert "Generate" in admin.get(f"{BASE}/bob").get_data(as_text=True)
    before = last_id(audit_rows)
    caplog.set_level(logging.DEBUG)
    html = admin.post(f"{BASE}/bob/usersig", {"expire": "86400"}, htmx=True).get_data(as_text=True)
    sig = html.split('class="usersig-value"')[1].split(">", 1)[1].split("<", 1)[0].strip()
    info = usersig.verify(app.config["TIM_APP_ID"] and int(app.config["TIM_APP_ID"]), sandbox_secret, "bob", sig)
    assert info.expire == 86400
    [row] = rows_after(audit_rows, before)
    assert row.action == "account.usersig" and row.targets == ["bob"] and row.detail == {"expire_seconds": 86400}
    assert sig not in repr(row.__dict__) and sig not in caplog.text
    assert "Choose an expiry" in admin.post(f"{BASE}/bob/usersig", {"expire": "5"}, htmx=True).get_data(as_text=True)


def test_recent_events_fragment(app, signed_in, bob):
    html = signed_in("viewer").get(f"{BASE}/bob/events", headers=HX).get_data(as_text=True)
    assert "Recent events" in html and ("No callback event names bob" in html or "not available" in html)


def test_im_errors_show_code_and_hint(app, signed_in, bob, sandbox, audit_rows):
    sandbox.faults.set(error_rate=1.0, error_code=70500)
    html = signed_in("viewer").get(f"{BASE}/bob/profile", headers=HX).get_data(as_text=True)
    assert "70500" in html and "The IM service refused the request." in html and "<h2>Profile</h2>" in html
    [row] = audit_rows()
    assert row.outcome == "failed" and row.error_code == 70500


def test_unknown_account_page_and_bad_ids(app, signed_in):
    viewer = signed_in("viewer")
    unknown = viewer.get(f"{BASE}/nobody")
    assert unknown.status_code == 404 and "IM has no account nobody" in unknown.get_data(as_text=True)
    assert viewer.get(f"{BASE}/{'x' * 40}").status_code == 404


def test_push_tags_and_attributes_can_be_changed(app, signed_in, bob, tim, audit_rows):
    tim.push.set_attr_names({0: "city"})
    b = signed_in("operator")
    before = last_id(audit_rows)
    html = b.post(f"{BASE}/bob/push/tags", {"tags": "gold, early", "op": "add"}, htmx=True).get_data(as_text=True)
    assert "Tags added" in html and "gold" in html
    assert sorted(tim.push.get_user_tags(["bob"]).items[0].tags) == ["early", "gold"]
    b.post(f"{BASE}/bob/push/tags", {"tags": "gold", "op": "remove"}, htmx=True)
    assert tim.push.get_user_tags(["bob"]).items[0].tags == ["early"]
    html = b.post(f"{BASE}/bob/push/attrs",
                  {"name": "city", "value": "Lyon", "op": "set"}, htmx=True).get_data(as_text=True)
    assert "Attribute set" in html and "Lyon" in html
    assert tim.push.get_user_attrs(["bob"]).items[0].attrs == {"city": "Lyon"}
    writes = [r.action for r in rows_after(audit_rows, before) if not r.action.startswith("push.get")]
    assert writes == ["push.add_user_tags", "push.delete_user_tags", "push.set_user_attrs"]
    assert "1 to 10 tags" in b.post(f"{BASE}/bob/push/tags", {"tags": ",".join("abcdefghijk")},
                                    htmx=True).get_data(as_text=True)


def test_account_page_links_to_its_messages(app, signed_in, bob):
    viewer = signed_in("viewer").get(f"{BASE}/bob").get_data(as_text=True)
    assert "/accounts/u/bob/messages" in viewer and "/messages?to=bob" not in viewer
    operator = signed_in("operator").get(f"{BASE}/bob").get_data(as_text=True)
    assert "/messages?to=bob" in operator
    # the link leads to the account's Message history tab
    assert signed_in("viewer").get(f"{BASE}/bob/messages").status_code == 200
