"""The one validation path: console.forms parsers, FormError, and how the console answers one."""
from __future__ import annotations

import json

import pytest

from console import forms
from console.tim.api._base import MAX_USER_ID_BYTES


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _problems(call) -> dict:
    with pytest.raises(forms.FormError) as caught:
        call()
    return caught.value.problems


def test_integer_bounds_and_huge_numbers(ctx):
    assert forms.integer(" 42 ", "n", "N", lo=1, hi=50) == 42
    assert forms.integer("", "n", "N") is None
    assert "whole number between 1 and 50" in _problems(lambda: forms.integer("51", "n", "N", lo=1, hi=50))["n"]
    # a number far past any column or timestamp is refused as a problem, never an OverflowError
    assert "n" in _problems(lambda: forms.integer("9" * 30, "n", "N"))
    assert "n" in _problems(lambda: forms.integer("9" * 100, "n", "N"))
    assert "whole number" in _problems(lambda: forms.integer("1e3", "n", "N"))["n"]
    assert "required" in _problems(lambda: forms.integer(" ", "n", "N", required=True))["n"]


def test_user_ids_use_the_clients_limit(ctx):
    ok = "u" * MAX_USER_ID_BYTES
    assert forms.user_ids(f"a, b;a\n{ok}", "ids", "IDs") == ["a", "b", ok]
    assert forms.user_ids(["a b", "c"], "ids", "IDs") == ["a", "b", "c"]
    assert "ids" in _problems(lambda: forms.user_ids(ok + "u", "ids", "IDs"))
    assert "at most 2" in _problems(lambda: forms.user_ids("a b c", "ids", "IDs", limit=2))["ids"]
    assert forms.user_ids("", "ids", "IDs", required=False) == []
    assert "control characters" in _problems(lambda: forms.user_id("a\tb", "who", "Who"))["who"]


def test_group_ids(ctx):
    assert forms.group_id("@TGS#_team", "g", "G", group_type="Community") == "@TGS#_team"
    assert "@TGS#_" in _problems(lambda: forms.group_id("team", "g", "G", group_type="Community"))["g"]
    assert "g" in _problems(lambda: forms.group_id("@TGS#mine", "g", "G", group_type="Public"))
    assert "g" in _problems(lambda: forms.group_id("群", "g", "G"))
    assert forms.group_id("@TGS#existing", "g", "G") == "@TGS#existing"  # an ID IM gave: any type


def test_collect_reports_every_problem(ctx):
    problems = _problems(lambda: forms.collect(
        lambda: forms.integer("x", "a", "A"), lambda: forms.text("ok", "b", "B", max_bytes=5),
        lambda: forms.user_id("", "c", "C")))
    assert set(problems) == {"a", "c"}
    assert forms.collect(lambda: 1, lambda: "two") == [1, "two"]


def test_htmx_forms_get_their_problems_and_the_field_event(signed_in, audit_rows):
    op = signed_in("operator")
    resp = op.post("/jobs/directory-check", {"ids": "ok\nbad id\x01"}, htmx=True)
    assert resp.status_code == 200 and "form-problems" in resp.get_data(as_text=True)
    assert resp.headers["HX-Retarget"] == "#toasts"  # the form being filled in is never replaced
    event = json.loads(resp.headers["HX-Trigger"])["form-problems"]["fields"]
    assert list(event) == ["ids"] and "control characters" in event["ids"]
    assert audit_rows() == []


def test_a_full_page_form_gets_a_page_with_its_problems(signed_in):
    op = signed_in("operator")
    resp = op.post("/jobs/directory-check", {"ids": ""}, headers={"Referer": "http://localhost/jobs"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "give at least one user ID" in html and 'href="http://localhost/jobs"' in html


def test_a_page_form_is_shown_again_with_the_values_and_problems_beside_fields(signed_in):
    op = signed_in("operator")
    resp = op.post("/groups/new", {"type": "Public", "name": "x" * 31, "owner": "has space"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert html.count('class="field-problem"') == 2 and 'value="has space"' in html
