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
    assert 'class="copy"' in html
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
    assert "Group: 3" in html and "State: 1" in html and "<svg" in html


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
