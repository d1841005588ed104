"""The Events page: SSE live tail and Last-Event-ID replay, history, detail, replay, rate, CLI."""
from __future__ import annotations

import json
import re
import threading
import time

import pytest
from events_support import (Callbacks, account_rows, audit_actions, callbacks,  # noqa: F401
                            sign_in_new, stored_events)


def message(n: int, sender: str = "alice", group: str = "@TGS#1") -> dict:
    return {"CallbackCommand": "Group.CallbackAfterSendMsg", "GroupId": group, "Type": "Public",
            "From_Account": sender, "Operator_Account": sender, "MsgSeq": n, "Random": n,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"hello {n}"}}]}


def read_sse(response, count: int, timeout: float = 10.0) -> list[tuple[int, str]]:
    """(id, data) of the first `count` SSE messages of a streamed response."""
    found, buffer, deadline = [], "", time.monotonic() + timeout
    chunks = iter(response.response)
    while len(found) < count:
        assert time.monotonic() < deadline, f"only {len(found)} of {count} SSE messages: {buffer!r}"
        buffer += next(chunks).decode()
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields = [line.split(": ", 1) for line in block.splitlines() if ": " in line]
            ids = [v for k, v in fields if k == "id"]
            if ids:
                found.append((int(ids[0]), "\n".join(v for k, v in fields if k == "data")))
    response.close()
    return found


@pytest.fixture
def viewer(signed_in):
    return signed_in("viewer")


def test_stream_replays_from_last_event_id(app, callbacks, viewer):
    for n in range(5):
        callbacks.ack("Group.CallbackAfterSendMsg", message(n))
    ids = [r.id for r in stored_events(app)]
    response = viewer.get("/events/stream", headers={"Last-Event-ID": str(ids[1])}, buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    got = read_sse(response, 3)
    assert [i for i, _ in got] == ids[2:]
    assert "Group.CallbackAfterSendMsg" in got[0][1] and f'data-event-id="{ids[2]}"' in got[0][1]


def test_stream_header_beats_the_after_parameter(app, callbacks, viewer):
    for n in range(3):
        callbacks.ack("Group.CallbackAfterSendMsg", message(n))
    ids = [r.id for r in stored_events(app)]
    response = viewer.get(f"/events/stream?after={ids[2]}", headers={"Last-Event-ID": str(ids[0])},
                          buffered=False)
    assert [i for i, _ in read_sse(response, 2)] == ids[1:]


def test_stream_pushes_new_events_live_and_filters(app, viewer):
    callbacks = Callbacks(app)
    callbacks.ack("Group.CallbackAfterSendMsg", message(0))
    response = viewer.get("/events/stream?account=bob", buffered=False)  # starts after the newest

    def later():
        time.sleep(0.3)
        callbacks.ack("Group.CallbackAfterSendMsg", message(1, sender="alice"))
        callbacks.ack("Group.CallbackAfterSendMsg", message(2, sender="bob"))

    thread = threading.Thread(target=later)
    thread.start()
    got = read_sse(response, 1)
    thread.join()
    assert "bob" in got[0][1] and "hello" not in got[0][1]  # the row, not the payload
    assert got[0][0] == stored_events(app)[-1].id


def test_too_many_streams_get_503(make_app):
    app = make_app(EVENTS_MAX_STREAMS=1)
    client = sign_in_new(app, "viewer")
    first = client.get("/events/stream", buffered=False)
    next(iter(first.response))  # the stream is open and holds the only slot
    assert client.get("/events/stream").status_code == 503
    first.close()
    second = client.get("/events/stream", buffered=False)
    assert second.status_code == 200
    second.close()


def test_a_starting_stream_never_holds_two_pool_connections(app, viewer):
    """Fifty viewers reconnecting at once must not hold the pool while each waits for a second
    connection (that stalled every stream for the pool timeout)."""
    from sqlalchemy import event

    engine = app.extensions["db_engine"]
    held, peak = [0], [0]

    def checkout(*_args):
        held[0] += 1
        peak[0] = max(peak[0], held[0])

    def checkin(*_args):
        held[0] -= 1

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        response = viewer.get("/events/stream", buffered=False)
        assert response.status_code == 200
        next(iter(response.response))
        response.close()
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)
    assert peak[0] == 1


def test_page_history_filters_and_keyset_pages(app, callbacks, viewer):
    for n in range(60):
        callbacks.ack("Group.CallbackAfterSendMsg", message(n, sender="alice" if n % 2 else "bob"))
    callbacks.ack("State.StateChange", {"CallbackCommand": "State.StateChange", "EventTime": 1,
                                        "Info": {"Action": "Login", "To_Account": "zed"}})
    ids = [r.id for r in stored_events(app)]
    page = viewer.get("/events").get_data(as_text=True)
    shown = [int(i) for i in re.findall(r'data-event-id="(\d+)"', page)]
    assert shown == list(reversed(ids))[:50]
    assert f'sse-connect="/events/stream?after={ids[-1]}"' in page
    nxt = re.search(r'hx-get="(/events/history\?before=\d+)"', page).group(1)
    rest = viewer.get(nxt).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'data-event-id="(\d+)"', rest)] == list(reversed(ids))[50:]
    assert "/events/history?before=" not in rest

    bob = viewer.get("/events?account=bob").get_data(as_text=True)
    assert len(re.findall(r'data-event-id="', bob)) == 30
    assert 'sse-connect="/events/stream?after=' in bob and "account=bob" in bob
    state = viewer.get("/events?category=State").get_data(as_text=True)
    assert re.findall(r'data-event-id="(\d+)"', state) == [str(ids[-1])]
    assert len(re.findall(r'data-event-id="', viewer.get("/events?group=@TGS%231").get_data(as_text=True))) == 50
    command = viewer.get("/events?command=State.StateChange").get_data(as_text=True)
    assert re.findall(r'data-event-id="(\d+)"', command) == [str(ids[-1])]


def test_detail_shows_pretty_payload_ack_and_badges(app, callbacks, viewer):
    callbacks.ack("Group.CallbackAfterSendMsg", message(7))
    (row,) = stored_events(app)
    html = viewer.get(f"/events/{row.id}").get_data(as_text=True)
    assert "&#34;MsgSeq&#34;: 7" in html or '"MsgSeq": 7' in html  # indented JSON
    assert "ActionStatus" in html and "signed" in html and "203.0.113.7" in html
    assert 'class="copy small"' in html
    assert viewer.get("/events/999999").status_code == 404


def test_replay_runs_rules_and_directory_and_is_audited(app, callbacks, signed_in):
    body = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "eve", "To_Account": "bob",
            "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "spam"}}]}
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", body)["ErrorCode"] == 0
    (row,) = stored_events(app)
    admin = signed_in("admin")
    admin.post("/rules", data={"name": "no spam", "scope": "c2c_msg", "match": "words", "pattern": "spam",
                               "action": "deny", "position": "0", "enabled": "1"})
    with app.extensions["db_engine"].begin() as conn:  # forget the directory, replay refills it
        from console.models import Account

        conn.execute(Account.__table__.delete())
    assert signed_in("viewer").post(f"/events/{row.id}/replay").status_code == 403
    response = signed_in("operator").post(f"/events/{row.id}/replay", htmx=True)
    assert response.status_code == 200
    assert "deny" in response.get_data(as_text=True) and "no spam" in response.get_data(as_text=True)
    assert {"eve", "bob"} <= set(account_rows(app))
    (entry,) = audit_actions(app, "events.replay")
    assert entry.targets == [f"event:{row.id}"] and entry.detail["decision"] == "deny"
    assert len(stored_events(app)) == 1  # a replay stores nothing new


def test_rate_strip_counts_per_category(app, callbacks, viewer):
    for n in range(3):
        callbacks.ack("Group.CallbackAfterSendMsg", message(n))
    callbacks.ack("State.StateChange", {"CallbackCommand": "State.StateChange",
                                        "Info": {"Action": "Login", "To_Account": "a"}})
    html = viewer.get("/events/rate").get_data(as_text=True)
    # one stacked chart: the summary in its label, a legend in words with the code on hover
    assert "Groups: 3, Online state: 1" in html and html.count("<svg") == 1
    assert '<span title="Group">Groups</span> <span class="muted">3</span>' in html


def test_refusals_are_listed_on_the_page(app, callbacks, viewer):
    callbacks.post("State.StateChange", {"CallbackCommand": "State.StateChange"}, token="forged")
    app.extensions["events"].flush()
    html = viewer.get("/events").get_data(as_text=True)
    assert "bad_sign" in html and "Refused requests" in html


def test_export_and_prune_commands(app, callbacks, tmp_path):
    for n in range(3):
        callbacks.ack("Group.CallbackAfterSendMsg", message(n))
    callbacks.ack("State.StateChange", {"CallbackCommand": "State.StateChange",
                                        "Info": {"Action": "Login", "To_Account": "a"}})
    app.extensions["events"].flush()
    runner = app.test_cli_runner()
    out = tmp_path / "events.jsonl"
    result = runner.invoke(args=["events", "export", "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["command"] for r in lines] == ["Group.CallbackAfterSendMsg"] * 3 + ["State.StateChange"]
    assert lines[0]["payload"]["MsgSeq"] == 0 and lines[0]["ack"]["ErrorCode"] == 0
    assert lines[0]["accounts"] == ["alice"]

    only = runner.invoke(args=["events", "export", "--command", "State.StateChange", "--since", "1h"])
    assert [json.loads(x)["command"] for x in only.stdout.splitlines()] == ["State.StateChange"]
    future = runner.invoke(args=["events", "export", "--since", "2999-01-01"])
    assert future.stdout.strip() == ""
    assert runner.invoke(args=["events", "export", "--since", "yesterday-ish"]).exit_code != 0

    with app.extensions["db_engine"].begin() as conn:  # age two events by 40 days
        from console.models.events import CallbackEvent

        table = CallbackEvent.__table__
        conn.execute(table.update().where(table.c.id <= 2)
                     .values(received_ms=table.c.received_ms - 40 * 86400 * 1000))
    result = runner.invoke(args=["events", "prune", "--older-than", "30d"])
    assert result.exit_code == 0 and "2 events deleted" in result.output
    assert len(stored_events(app)) == 2
    assert runner.invoke(args=["events", "prune", "--older-than", "soon"]).exit_code != 0


def test_retention_setting_drives_prune(make_app, tmp_path):
    app = make_app(EVENTS_RETENTION_DAYS=1)
    callbacks = Callbacks(app)
    callbacks.ack("State.StateChange", {"CallbackCommand": "State.StateChange",
                                        "Info": {"Action": "Login", "To_Account": "a"}})
    with app.extensions["db_engine"].begin() as conn:
        from console.models.events import CallbackEvent

        table = CallbackEvent.__table__
        conn.execute(table.update().values(received_ms=table.c.received_ms - 2 * 86400 * 1000))
    callbacks.ack("State.StateChange", {"CallbackCommand": "State.StateChange",
                                        "Info": {"Action": "Logout", "To_Account": "a"}})
    assert app.extensions["events"].prune_expired() == 1
    assert len(stored_events(app)) == 1


def test_settings_show_callback_token_fingerprint_and_reveal_is_admin_and_audited(app, signed_in):
    from console.events import token_fingerprint

    token = app.config["TIM_CALLBACK_TOKEN"]
    viewer = signed_in("viewer")
    page = viewer.get("/settings").get_data(as_text=True)
    assert "/callback" in page and token_fingerprint(token) in page and token not in page
    assert viewer.post("/events/callback-token").status_code == 403
    admin = signed_in("admin")
    revealed = admin.post("/events/callback-token", htmx=True)
    assert revealed.status_code == 200 and token in revealed.get_data(as_text=True)
    (entry,) = audit_actions(app, "settings.callback_token.reveal")
    assert token not in json.dumps(entry.detail)


# ---- one list, detail pane, chips, stacked rate chart (issue #15 item 4) ----------------------

def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="event[^"]*" data-event-id="(\d+)"', html)]


def test_one_list_takes_stored_and_live_events(app, callbacks, viewer):
    for n in range(3):
        callbacks.ack("Group.CallbackAfterSendMsg", message(n))
    ids = [r.id for r in stored_events(app)]
    html = viewer.get("/events").get_data(as_text=True)
    assert html.count('id="event-list"') == 1 and "<h2>Stored events</h2>" not in html
    lists = re.findall(r'<ol class="event-list" id="event-list" sse-swap="callback" hx-swap="afterbegin"', html)
    assert len(lists) == 1  # new events land at the top of the list that holds the stored ones
    assert _ids(html) == list(reversed(ids))
    assert f'sse-connect="/events/stream?after={ids[-1]}"' in html
    assert 'id="event-detail"' in html and "No event selected" in html
    assert 'id="live-pause"' in html and 'data-template="Paused — {n} new"' in html


def test_detail_pane_fragment_and_shareable_page(app, callbacks, viewer):
    callbacks.ack("Group.CallbackAfterSendMsg", message(1))
    callbacks.ack("Group.CallbackAfterSendMsg", message(2, sender="bob"))
    first, second = [r.id for r in stored_events(app)]
    fragment = viewer.get(f"/events/{first}", headers={"HX-Request": "true", "HX-Target": "event-detail"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert f'data-event-id="{first}"' in html and "Payload" in html and "Our answer (ack)" in html
    assert "Sign and RequestTime checked with the callback token" in html
    assert "First delivery, not re-delivered" in html and "none (after-callback)" in html

    page = viewer.get(f"/events/{first}?account=alice").get_data(as_text=True)
    assert "<html" in page and _ids(page) == [first]  # the filters of the link apply
    assert re.search(rf'<li class="event selected" data-event-id="{first}"', page)
    assert f'href="/events/{first}" hx-get="/events/{first}"' in page and 'aria-current="true"' in page
    assert "No event selected" not in page and '"MsgSeq": 1' in page.replace("&#34;", '"')
    assert second not in _ids(page)


def test_pane_links_deliveries_both_ways(app, callbacks, viewer):
    body = {**message(5), "EventTime": 1733000000000}
    callbacks.ack("Group.CallbackAfterSendMsg", body)
    callbacks.ack("Group.CallbackAfterSendMsg", body)
    first, again = stored_events(app)
    assert again.duplicate_of == first.id
    hx = {"HX-Request": "true", "HX-Target": "event-detail"}
    original = viewer.get(f"/events/{first.id}", headers=hx).get_data(as_text=True)
    assert "First delivery, re-delivered 1 time:" in original and f'hx-get="/events/{again.id}"' in original
    copy = viewer.get(f"/events/{again.id}", headers=hx).get_data(as_text=True)
    assert "Re-delivery of <a " in copy and f'hx-get="/events/{first.id}"' in copy
    assert "answered the same, not processed again" in copy


def test_outcome_and_category_chips_filter_and_keep_each_other(app, callbacks, signed_in):
    body = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "eve", "To_Account": "bob",
            "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "spam"}}]}
    admin = signed_in("admin")
    admin.post("/rules", data={"name": "no spam", "scope": "c2c_msg", "match": "words", "pattern": "spam",
                               "action": "deny", "position": "0", "enabled": "1"})
    callbacks.ack("C2C.CallbackBeforeSendMsg", body)
    callbacks.ack("Group.CallbackAfterSendMsg", message(1))
    twice = {**message(2), "EventTime": 1733000000000}
    callbacks.ack("Group.CallbackAfterSendMsg", twice)
    callbacks.ack("Group.CallbackAfterSendMsg", twice)
    rows = stored_events(app)
    viewer = signed_in("viewer")

    denied = viewer.get("/events?outcome=deny").get_data(as_text=True)
    assert _ids(denied) == [rows[0].id]
    assert _ids(viewer.get("/events?outcome=redelivery").get_data(as_text=True)) == [rows[3].id]
    assert _ids(viewer.get("/events?outcome=unsigned").get_data(as_text=True)) == []
    assert len(_ids(viewer.get("/events?outcome=nonsense").get_data(as_text=True))) == 4  # ignored

    page = viewer.get("/events?category=Group&outcome=redelivery").get_data(as_text=True)
    assert _ids(page) == [rows[3].id]
    # each chip keeps the other filter; the chosen ones are marked; the fields carry both
    assert 'href="/events?category=C2C&amp;outcome=redelivery"' in page
    assert re.search(r'href="/events\?category=Group&amp;outcome=redelivery" aria-current="true"', page)
    assert 'href="/events?category=Group" aria-current' not in page
    assert re.search(r'<a class="chip" href="/events\?category=Group">all</a>', page)
    assert '<input type="hidden" name="category" value="Group">' in page
    assert '<input type="hidden" name="outcome" value="redelivery">' in page
    assert 'title="C2C">One-to-one messages</span>' in page

    nothing = viewer.get("/events?category=C2C&outcome=redelivery").get_data(as_text=True)
    assert "No stored event matches category “One-to-one messages”, outcome “re-deliveries”." in nothing
    # the stream and the rate chart take the same filters
    assert 'sse-connect="/events/stream?after=' in page and "outcome=redelivery" in page
    assert 'hx-get="/events/rate?category=Group&amp;outcome=redelivery"' in page


def test_the_stream_applies_the_outcome_filter(app, viewer):
    callbacks = Callbacks(app)
    callbacks.ack("Group.CallbackAfterSendMsg", message(0))
    response = viewer.get("/events/stream?outcome=redelivery", buffered=False)
    twice = {**message(1), "EventTime": 1733000000001}

    def later():
        time.sleep(0.3)
        callbacks.ack("Group.CallbackAfterSendMsg", twice)
        callbacks.ack("Group.CallbackAfterSendMsg", twice)

    thread = threading.Thread(target=later)
    thread.start()
    got = read_sse(response, 1)
    thread.join()
    assert got[0][0] == stored_events(app)[-1].id and "re-delivery" in got[0][1]


def test_unsigned_outcome_matches_in_memory_and_in_sql():
    from types import SimpleNamespace

    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite

    from console.events import store

    flt = store.Filters.from_args({"outcome": "unsigned"})
    row = SimpleNamespace(command="State.StateChange", category="State", group_id=None, accounts="",
                          decision=None, duplicate_of=None, sign_status="unsigned")
    assert flt.matches(row) and not flt.matches(SimpleNamespace(**{**row.__dict__, "sign_status": "verified"}))
    sql = str(flt.apply(select(store.EVENTS.c.id)).compile(dialect=sqlite.dialect()))
    assert "sign_status !=" in sql
    assert flt.with_(category="Group") == {"outcome": "unsigned", "category": "Group"}
    assert flt.with_(outcome="") == {}


def test_stacked_chart_geometry():
    from console.ui.charts import stacked_chart

    chart = stacked_chart(["10:00", "10:01", "10:02"], {"Group": [1, 0, 3], "State": [2, 2, 0]},
                          width=200, height=100)
    assert chart.totals == [3, 2, 3] and chart.series == ["Group", "State"]
    first = [s for s in chart.segments if s.label == "10:00"]
    assert [(s.series, s.value) for s in first] == [(0, 1), (1, 2)]
    # stacked: the second sits on the first, and the bar's height is the sum of its segments
    assert first[1].y + first[1].height == pytest.approx(first[0].y, abs=0.2)
    assert first[0].height * 2 == pytest.approx(first[1].height, abs=0.2)
    assert not any(s.value == 0 for s in chart.segments)
    assert stacked_chart(["a"], {}).segments == []
