"""Friends and blacklist rows (issue #15 items 2, 3): checkboxes, a selection toolbar and a ⋯ menu
per row whose dialogs name the count and who, then post to the tab's own routes."""
from __future__ import annotations

import html
import re

import pytest
from test_accounts_support import im_import

HX = {"HX-Request": "true"}
BASE = "/accounts/u"


def text(resp) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))))


@pytest.fixture
def people(sandbox, tim):
    im_import(sandbox, "ann", "ben", "cat", "dan", "eve")
    tim.sns.import_friends("ann", ["ben", "cat"])
    tim.sns.add_blacklist("ann", ["dan", "eve"])   # (blocking a friend would end the friendship)


def test_friend_rows_toolbar_menus_and_dialogs(signed_in, people, tim):
    op = signed_in("operator")
    page = op.get(f"{BASE}/ann/friends").get_data(as_text=True)
    assert page.count('data-select-row="friends"') == 2 and 'data-selection-bar="friends"' in page
    ben = page.split('data-friend="ben"')[1].split("</tr>")[0]
    assert f"{BASE}/ann/friends/dialog/delete?ids=ben" in ben and 'id="row-dialog"' in page
    dialog = op.get(f"{BASE}/ann/friends/dialog/delete?ids=ben&ids=cat", headers=HX)
    assert "Remove 2 friends from the list of ann: ben, cat" in text(dialog)
    assert 'hx-post="/accounts/u/ann/friends/delete"' in dialog.get_data(as_text=True)
    resp = op.post(f"{BASE}/ann/friends/delete", {"ids": ["ben"]}, htmx=True)
    assert "1 succeeded" in text(resp) and "selection-clear" in resp.headers["HX-Trigger"]
    assert [f.id for f in tim.sns.fetch_friends("ann").items] == ["cat"]
    move = text(op.get(f"{BASE}/ann/friends/dialog/move?ids=cat", headers=HX))
    assert "Put 1 friend of ann in one friend group: cat" in move


def test_blacklist_rows_unblock_from_the_row(signed_in, people, tim):
    op = signed_in("operator")
    page = op.get(f"{BASE}/ann/blacklist").get_data(as_text=True)
    assert page.count('data-select-row="blacklist"') == 2
    assert f"{BASE}/ann/blacklist/dialog/unblock?ids=dan" in page.split('data-blocked="dan"')[1].split("</tr>")[0]
    dialog = text(op.get(f"{BASE}/ann/blacklist/dialog/unblock?ids=dan", headers=HX))
    assert "Take 1 account off the blacklist of ann: dan" in dialog and "Unblock 1 account" in dialog
    op.post(f"{BASE}/ann/blacklist/remove", {"ids": ["dan"]}, htmx=True)
    assert [b.id for b in tim.sns.fetch_blacklist("ann").items] == ["eve"]


def test_relation_dialogs_refuse_unknown_actions_and_viewers(signed_in, people):
    assert signed_in("operator").get(f"{BASE}/ann/friends/dialog/explode?ids=ben").status_code == 404
    assert signed_in("operator").get(f"{BASE}/ann/blacklist/dialog/delete?ids=ben").status_code == 404
    viewer = signed_in("viewer")
    assert viewer.get(f"{BASE}/ann/friends/dialog/delete?ids=ben").status_code == 403
    page = viewer.get(f"{BASE}/ann/friends").get_data(as_text=True)
    assert "data-select-row" not in page and "row-menu" not in page and 'data-friend="ben"' in page
