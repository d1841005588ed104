"""Issue #14 item 2: text that is not valid UTF-8 or Unicode survives storing, showing, searching
and exporting. One rule (console.tim.text): a lone surrogate or NUL becomes U+FFFD at the edge."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.tim import text as tim_text
from events_support import Callbacks, callbacks, stored_events  # noqa: F401

FIXTURES = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
#: any code point at all, lone surrogates and NUL included
ANY_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF,
                                 blacklist_categories=()), max_size=40)
HOSTILE = ["\ud800abc", "a\udfffb", "\x00", "nul\x00inside", "\udbff\udc00", "ok \U0001F600",
           "\ud83d", "\ufeff", "\uffff", "\u202e"]
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | ANY_TEXT,
                           lambda kids: st.lists(kids, max_size=4)
                           | st.dictionaries(ANY_TEXT, kids, max_size=4), max_leaves=15)


def encoded(**values) -> str:
    """A query string or form body carrying any code point, as a hostile client sends it (a
    lone surrogate as its UTF-8-style bytes, which no test client would encode)."""
    return "&".join(f"{k}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in values.items())


# ---- the rule itself ----------------------------------------------------------------------

@given(ANY_TEXT)
def test_clean_text_always_encodes_and_keeps_valid_text(value):
    cleaned = tim_text.clean(value)
    cleaned.encode("utf-8")  # never raises
    assert "\x00" not in cleaned and len(cleaned) == len(value)
    if not tim_text.needs_cleaning(value):
        assert cleaned == value


@given(JSON_VALUES)
def test_loads_of_any_json_gives_encodable_strings(value):
    encoded = json.dumps(value)  # ASCII, with \\uXXXX escapes for surrogates and NUL
    loaded = tim_text.loads(encoded)
    json.dumps(loaded, ensure_ascii=False).encode("utf-8")
    assert tim_text.loads(encoded.encode("utf-8")) == loaded


def test_deep_json_and_other_encodings_are_refused_not_crashing():
    for deep in ("[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000):
        with pytest.raises(tim_text.TooDeep):
            tim_text.loads(deep)
    assert tim_text.loads('"[[[[" ') == "[[[["  # brackets inside strings do not count
    for encoding in ("utf-16", "utf-16-le", "utf-32", "utf-32-be"):
        with pytest.raises(tim_text.NotUtf8):
            tim_text.loads('{"a": "中"}'.encode(encoding))
    with pytest.raises(tim_text.NotUtf8):
        tim_text.loads(b'{"a": "\xed\xa0\x80"}')  # a surrogate encoded as UTF-8 bytes
    assert tim_text.loads('\ufeff{"a": 1}'.encode("utf-8")) == {"a": 1}


# ---- callbacks: stored, shown, searched, exported ----------------------------------------

def _message(text: str, n: int = 1, sender: str = "alice") -> str:
    body = {"CallbackCommand": "C2C.CallbackAfterSendMsg", "From_Account": sender, "To_Account": "bob",
            "MsgSeq": n, "MsgRandom": n, "MsgTime": 1700000000 + n,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]}
    return json.dumps(body)  # ensure_ascii: a lone surrogate travels as the escape "\ud800"


def _export(app, tmp_path) -> list[dict]:
    out = tmp_path / "export.jsonl"
    result = app.test_cli_runner().invoke(args=["events", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_hostile_text_in_callbacks_is_stored_shown_searched_and_exported(app, callbacks, signed_in,
                                                                         tmp_path):
    for n, value in enumerate(HOSTILE, 1):
        callbacks.ack("C2C.CallbackAfterSendMsg", _message(value, n))
        callbacks.ack("C2C.CallbackAfterSendMsg", _message("x", 100 + n, sender=value))
    callbacks.ack("C2C.CallbackAfterSendMsg", _message("the last one", 999))
    rows = stored_events(app)
    assert len(rows) == 2 * len(HOSTILE) + 1
    for row in rows:
        row.payload.encode("utf-8")
        assert "\x00" not in row.payload and "\\u0000" not in row.payload.lower()
    viewer = signed_in("viewer")
    for row in rows:
        page = viewer.get(f"/events/{row.id}")
        assert page.status_code == 200, row.payload
    first = viewer.get(f"/events/{rows[0].id}").get_data(as_text=True)
    assert "\ufffdabc" in first
    for value in HOSTILE:
        for url in ("/events", "/events/history", "/events/rate"):
            assert viewer.get(url + "?" + encoded(account=value, command=value)).status_code < 500
    exported = _export(app, tmp_path)
    assert len(exported) == len(rows)
    assert exported[-1]["payload"]["MsgSeq"] == 999
    assert exported[0]["payload"]["MsgBody"][0]["MsgContent"]["Text"] == "\ufffdabc"


def test_a_row_stored_before_the_fix_still_exports_and_shows(app, callbacks, signed_in, tmp_path):
    callbacks.ack("C2C.CallbackAfterSendMsg", _message("first", 1))
    callbacks.ack("C2C.CallbackAfterSendMsg", _message("second", 2))
    rows = stored_events(app)
    from console.models.events import CallbackEvent

    table = CallbackEvent.__table__
    with app.extensions["db_engine"].begin() as conn:  # what the old endpoint stored: the raw text
        conn.execute(table.update().where(table.c.id == rows[0].id)
                     .values(payload=_message("\\ud800 old", 1).replace("\\\\", "\\")))
    exported = _export(app, tmp_path)
    assert [r["id"] for r in exported] == [r.id for r in rows]
    assert signed_in("viewer").get(f"/events/{rows[0].id}").status_code == 200


@FIXTURES
@given(value=ANY_TEXT)
def test_any_text_in_a_callback_survives(app, value):
    callbacks = Callbacks(app)
    response = callbacks.post("C2C.CallbackAfterSendMsg", _message(value, 7))
    assert response.status_code == 200
    row = stored_events(app)[-1]
    row.payload.encode("utf-8")
    assert json.loads(row.payload)["MsgBody"][0]["MsgContent"]["Text"] == tim_text.clean(value)


# ---- form and query input ------------------------------------------------------------------

def test_hostile_text_in_forms_and_queries_never_500s(app, signed_in):
    operator = signed_in("operator")
    form = {"content_type": "application/x-www-form-urlencoded"}
    for value in HOSTILE:
        raw = json.dumps([{"MsgType": "TIMTextElem", "MsgContent": {"Text": value}}])
        response = operator.post("/messages/preview", {"raw_body": raw, "to": "bob"}, htmx=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "\x00" not in page and "MsgContent" in page
        response = operator.post("/messages/preview", encoded(**{"el-0-type": "text", "el-0-Text": value}),
                                 htmx=True, **form)
        assert response.status_code == 200
        for url in ("/accounts", "/groups", "/audit", "/messages", "/messages/conversation"):
            assert operator.get(url + "?" + encoded(q=value, a=value, b=value)).status_code < 500


def test_query_values_are_cleaned_once_for_every_view(app):
    with app.test_request_context("/x?q=a%00b&r=%ED%A0%80", method="POST", data="f=c%00d",
                                  content_type="application/x-www-form-urlencoded"):
        from flask import request

        assert request.args["q"] == "a\ufffdb"
        assert "\x00" not in request.form["f"]
        request.args["r"].encode("utf-8")  # werkzeug keeps undecodable bytes %-quoted


def test_hostile_text_in_url_parts_never_500s(app, signed_in, tim):
    """`<user_id>`, `<path:group_id>` and the like, with NUL, an encoded surrogate or a byte that
    is not UTF-8: cleaned like the query, then refused or looked up, never a 5xx."""
    from test_routes import _routes, _url

    tim.account.import_account("x")
    admin = signed_in("admin")
    for value in ("a%00b", "%ED%A0%80", "%FF", "x%F0%9F%98%80"):
        for rule, _view in _routes(app, "GET"):
            if not rule.arguments:
                continue
            response = admin.get(_url(rule).split("?")[0].replace("/x", "/" + value), buffered=False)
            try:
                assert response.status_code < 500, (rule.rule, value)
            finally:
                response.close()
