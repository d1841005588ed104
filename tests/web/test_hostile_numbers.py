"""Issue #14 item 4: numbers and sizes without bounds. Huge or negative numbers in query
parameters and form fields, huge search text, JSON nested 100,000 deep and CSV fields of 1 MB
get a clear message or a 400 (or a 404 for a URL part), from the shared parsers in
console.forms; never an OverflowError, RecursionError or csv.Error (a 500)."""
from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console import db, forms
from test_routes import _routes, _url, seeded  # noqa: F401 - the route walker and its fixture

FIXTURES = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HUGE = ["9" * 30, str(2**63), str(-(2**63) - 1), "-1", "1e9", "0x10", " 7 ", "+5", "١٢", "9" * 5000, ""]
NUMBERS = st.integers() | st.integers(min_value=2**62, max_value=2**200) | st.integers(max_value=-(2**62))
NUMBER_TEXT = NUMBERS.map(str) | st.text(alphabet="0123456789+-. e", max_size=60)
PAGING = ("before", "after", "offset", "size", "limit", "seq", "next", "max_time", "i", "job", "page",
          "hour", "nettype", "since", "until", "sandbox", "recent", "groups", "friends")


# ---- the parsers ---------------------------------------------------------------------------

@given(NUMBER_TEXT)
def test_bounded_int_is_a_64_bit_int_or_a_value_error(value):
    try:
        number = forms.bounded_int(value)
    except ValueError:
        return
    assert -(2**63) <= number <= 2**63 - 1


@FIXTURES
@given(value=NUMBER_TEXT)
def test_query_int_gives_a_bounded_number_or_a_form_error(app, value):
    with app.test_request_context():
        for clamp in (False, True):
            try:
                number = forms.query_int({"n": value}, "n", lo=0, hi=500, clamp=clamp)
            except forms.FormError as exc:
                assert not clamp or not value.strip().lstrip("+-").isdigit()
                assert exc.problems["n"]
                continue
            assert number is None or 0 <= number <= 500


def test_search_json_and_csv_parsers_bound_their_input(app):
    with app.test_request_context():
        assert forms.search("x" * 100_000) == "x" * forms.MAX_SEARCH
        assert forms.search("  a  ") == "a" and forms.search(None) == ""
        for deep in ("[" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
            with pytest.raises(forms.FormError) as problem:
                forms.json_value(deep, "raw", "Raw")
            assert "nested" in problem.value.problems["raw"]
        with pytest.raises(forms.FormError):
            forms.json_value("{not json", "raw", "Raw")
        assert forms.json_value('{"a": [1]}', "raw", "Raw") == {"a": [1]}
        with pytest.raises(forms.FormError) as problem:
            forms.csv_rows("id,nick\nalice," + "x" * 1_000_000 + "\n", "file", "File")
        assert "line 2" in problem.value.problems["file"]
        assert forms.csv_rows("a;b\nc;d\n", "file", "File") == [["a", "b"], ["c", "d"]]


# ---- URL parts -----------------------------------------------------------------------------

@pytest.mark.parametrize("number", [str(2**63), str(2**63 + 1), "9" * 30, "9" * 400])
def test_int_url_parts_beyond_64_bits_are_not_found(seeded, signed_in, number):
    admin = signed_in("admin")
    for rule, _view in _routes(seeded, "GET"):
        if not any(type(c).__name__.endswith("IntConverter") for c in rule._converters.values()):
            continue
        url = _url(rule).replace("/1", "/" + number)
        response = admin.get(url, buffered=False)
        try:
            assert response.status_code == 404, url
        finally:
            response.close()
    assert admin.get(f"/audit/{2**63 - 1}").status_code == 404  # the largest id: looked up, absent


# ---- every GET list with hostile paging parameters ------------------------------------------

HOSTILE_QUERIES = [
    {"before": "9" * 20, "offset": "-1", "q": "x" * 100_000},
    {name: "9" * 30 for name in PAGING},
    {name: str(2**63) for name in PAGING} | {"q": "%" * 100_000, "account": "_" * 100_000},
    {name: "-" + "9" * 30 for name in PAGING} | {"q": "\\" * 50_000, "command": "x" * 100_000},
    {name: "nope" for name in PAGING} | {"a": "x" * 100_000, "b": "x" * 100_000, "target": "t" * 100_000},
]


@pytest.mark.parametrize("query", range(len(HOSTILE_QUERIES)))
def test_every_get_route_survives_hostile_paging_parameters(seeded, signed_in, query):
    admin = signed_in("admin")
    seen = 0
    for rule, _view in _routes(seeded, "GET"):
        response = admin.get(_url(rule).split("?")[0], query_string=HOSTILE_QUERIES[query], buffered=False,
                             headers={"Last-Event-ID": "9" * 30})
        try:
            assert response.status_code < 500, f"{rule.rule}: {response.status_code}"
        finally:
            response.close()
        seen += 1
    assert seen >= 15


@FIXTURES
@given(value=NUMBER_TEXT)
def test_any_paging_number_is_a_page_or_a_400(seeded, signed_in, value):
    admin = signed_in("admin")
    for url in ("/audit", "/events/history", "/events", "/audit/history", "/jobs", "/groups"):
        response = admin.get(url, query_string={"before": value, "size": value, "limit": value,
                                                "after": value, "offset": value, "target": "x",
                                                "q": "x"})
        assert response.status_code in (200, 400), (url, value)


# ---- form fields ---------------------------------------------------------------------------

def test_rule_position_and_code_of_any_size_get_a_message(app, signed_in):
    admin = signed_in("admin")
    for value in HUGE:
        response = admin.post("/rules", {"name": "r", "scope": "c2c_message", "match": "contains",
                                         "pattern": "spam", "action": "deny", "error_code": value,
                                         "position": value})
        assert response.status_code in (200, 302, 400), value


def test_deep_json_in_a_raw_body_field_gets_a_message(app, signed_in):
    operator = signed_in("operator")
    for deep in ("[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000):
        response = operator.post("/messages/preview", {"raw_body": deep}, htmx=True)
        assert response.status_code == 200
        assert "nested" in response.get_data(as_text=True)
    lines = '{"From_Account": ' * 50_000
    response = operator.post("/messages/import/file", {"lines": lines}, htmx=True)
    assert response.status_code < 500


def test_a_csv_field_of_a_megabyte_gets_a_message(app, signed_in):
    operator = signed_in("operator")
    big = b"alice," + b"x" * 1_000_000 + b"\nbob,Bob\n"
    response = operator.post("/accounts/csv/preview", {"file": (io.BytesIO(big), "accounts.csv")},
                             htmx=True, content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    assert "line 1" in response.get_data(as_text=True)
    response = operator.post("/messages/batch", {"csv": (io.BytesIO(big), "ids.csv"), "el-0-type": "text",
                                                 "el-0-Text": "hi", "as_job": "1"},
                             htmx=True, content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    assert json.dumps("line 1")[1:-1] in response.get_data(as_text=True) or "line 1" in \
        response.headers.get("HX-Trigger", "") + response.get_data(as_text=True)


def test_a_number_no_parser_bounded_is_a_400_not_a_500(app, signed_in):
    """The safety net behind the parsers: a view that hands an unchecked 30-digit number to the
    database (or recurses without end) answers 400, logged as a warning."""
    from flask import Blueprint, request

    from console.models import AuditEntry
    from console.security import role_required

    bp = Blueprint("unbounded", __name__)

    @bp.route("/unbounded")
    @role_required("viewer")
    def unbounded():
        return str(db.session.get(AuditEntry, int(request.args["id"])))

    @bp.route("/recursing")
    @role_required("viewer")
    def recursing():
        def down(n):
            return down(n + 1)
        return down(0)

    app.register_blueprint(bp)
    viewer = signed_in("viewer")
    assert viewer.get("/unbounded?id=" + "9" * 30).status_code == 400  # SQLite and PostgreSQL alike
    assert viewer.get("/recursing").status_code == 400
