"""POST /callback: accepted callbacks are stored before the ack; refusals are counted, never stored."""
from __future__ import annotations

import json
import os
import threading
import time

from events_support import OK, Callbacks, account_rows, callbacks, stored_events  # noqa: F401
from sqlalchemy import select

from console.models.events import CallbackRefusal
LOGIN = {"CallbackCommand": "State.StateChange", "EventTime": 1717000000123,
         "Info": {"Action": "Login", "To_Account": "alice", "Reason": "Register"}}


def test_every_published_body_is_acked_stored_and_shown(app, callbacks, signed_in, examples_dir):
    admin = signed_in("admin")
    names = sorted(n for n in os.listdir(os.path.join(examples_dir, "callbacks")) if n.endswith(".json"))
    assert len(names) >= 50
    problems = []
    for name in names:
        with open(os.path.join(examples_dir, "callbacks", name), encoding="utf-8") as fh:
            example = json.load(fh)
        response = callbacks.post(example["command"], example["body"])
        if response.status_code != 200:
            problems.append(f"{name}: HTTP {response.status_code}")
            continue
        ack = response.get_json()
        if set(example.get("expected_ack_keys") or ["ActionStatus", "ErrorCode", "ErrorInfo"]) - set(ack):
            problems.append(f"{name}: ack {ack}")
        if ack.get("ErrorCode") != 0:  # no rules configured: everything is allowed
            problems.append(f"{name}: not allowed: {ack}")
    assert problems == []

    rows = stored_events(app)
    assert [r.command for r in rows] == [json.load(open(os.path.join(examples_dir, "callbacks", n),
                                                        encoding="utf-8"))["command"] for n in names]
    for row in rows:
        assert row.sign_status == "verified"
        assert row.app_id == int(app.config["TIM_APP_ID"]) and row.client_ip == "203.0.113.7" and row.platform == "Android"
        assert row.request_time and abs(row.request_time - time.time()) < 60
        assert json.loads(row.ack)["ErrorCode"] == 0
        assert isinstance(json.loads(row.payload), dict)
        assert row.handling_ms is not None and row.duplicate_of is None

    page = history = admin.get("/events").get_data(as_text=True)
    marker = 'hx-get="/events/history?before='
    while marker in history:  # walk every page of the stored history (keyset pagination)
        before = history.split(marker, 1)[1].split('"', 1)[0]
        history = admin.get(f"/events/history?before={before}").get_data(as_text=True)
        page += history
    for row in rows:
        assert f'data-event-id="{row.id}"' in page, row.command
        assert row.command in page


def test_ack_is_sent_after_the_commit_and_names_the_stored_row(app, callbacks):
    assert callbacks.ack("State.StateChange", LOGIN) == OK
    # No flush: the row must already be committed when the ack comes back.
    with app.extensions["db_engine"].connect() as conn:
        from console.events import store

        assert store.max_id(conn) == 1
        row = store.get(conn, 1)
    assert row.command == "State.StateChange" and row.category == "State"
    assert row.event_time == 1717000000123 and "|alice|" in row.accounts
    assert json.loads(row.payload) == LOGIN


def test_unknown_command_is_stored_and_acked_ok(app, callbacks):
    body = {"CallbackCommand": "Future.CallbackSomethingNew", "Who_Account": "zoe", "Extra": [1, 2]}
    assert callbacks.ack("Future.CallbackSomethingNew", body) == OK
    (row,) = stored_events(app)
    assert row.command == "Future.CallbackSomethingNew" and row.category == "Other"
    assert row.accounts == "|zoe|" and row.decision is None


def test_redelivery_is_flagged_and_answered_like_the_first(app, callbacks):
    body = {"CallbackCommand": "C2C.CallbackAfterSendMsg", "From_Account": "a", "To_Account": "b",
            "MsgKey": "1_2_3", "MsgBody": [], "EventTime": 1717000001000}
    first = callbacks.ack("C2C.CallbackAfterSendMsg", body)
    again = callbacks.ack("C2C.CallbackAfterSendMsg", body, at=int(time.time()) - 5)
    other = callbacks.ack("C2C.CallbackAfterSendMsg", {**body, "MsgKey": "9_9_9"})
    assert first == again == other == OK
    rows = stored_events(app)
    assert [r.duplicate_of for r in rows] == [None, rows[0].id, None]
    assert rows[0].dedup_key == rows[1].dedup_key != rows[2].dedup_key


def test_concurrent_requests_share_group_commits_and_all_are_stored(app):
    client_count, per_client = 8, 25
    errors = []

    def worker(n):
        sender = Callbacks(app)
        for i in range(per_client):
            body = {"CallbackCommand": "Group.CallbackAfterSendMsg", "GroupId": f"@TGS#{n}",
                    "From_Account": f"u{n}", "MsgSeq": i, "MsgBody": []}
            response = sender.post("Group.CallbackAfterSendMsg", body)
            if response.status_code != 200:
                errors.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(client_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    writer = app.extensions["events"].writer
    rows = stored_events(app)
    assert len(rows) == client_count * per_client
    assert writer.rows == len(rows)
    assert writer.groups < writer.rows  # some requests waited on the same commit


def _refusal_counts(app) -> dict:
    app.extensions["events"].flush()
    with app.extensions["db_engine"].connect() as conn:
        return {r.reason: (r.status, r.count) for r in conn.execute(select(CallbackRefusal.__table__))}


def test_refusals_get_the_right_status_are_counted_and_store_nothing(app, callbacks, caplog):
    client = callbacks.client
    now = int(time.time())
    cases = [
        ("foreign_app", 403, dict(app_id=1400099999)),
        ("bad_sign", 401, dict(token="not-the-token")),
        ("stale", 401, dict(at=now - 3600)),
        ("stale", 401, dict(at=now + 3600)),
        ("missing", 401, dict(token=None)),
    ]
    for reason, status, args in cases:
        response = callbacks.post("State.StateChange", LOGIN, **args)
        assert response.status_code == status, reason
        assert response.get_json()["ActionStatus"] == "FAIL"
    forged = client.post("/callback?" + callbacks.query("State.StateChange").replace("Sign=", "Sign=0"),
                         data=json.dumps(LOGIN), content_type="application/json")
    assert forged.status_code == 401
    assert callbacks.post("State.StateChange", b"{not json").status_code == 400
    assert callbacks.post("State.StateChange", b"\xff\xfe\x00garbage").status_code == 415  # UTF-16
    assert callbacks.post("State.StateChange", "[1, 2, 3]").status_code == 400
    assert callbacks.post("State.StateChange", '"just a string"').status_code == 400
    big = {"CallbackCommand": "State.StateChange", "Pad": "x" * (1024 * 1024)}
    assert callbacks.post("State.StateChange", big).status_code == 413
    assert client.get("/callback?" + callbacks.query("State.StateChange")).status_code == 405

    assert stored_events(app) == []
    counts = _refusal_counts(app)
    assert counts["foreign_app"] == (403, 1)
    assert counts["bad_sign"] == (401, 2)
    assert counts["stale"] == (401, 2)
    assert counts["missing"] == (401, 1)
    assert counts["malformed_json"] == (400, 1)
    assert counts["not_utf8"] == (415, 1)
    assert counts["not_object"] == (400, 2)
    assert counts["too_large"] == (413, 1)
    assert counts["method"] == (405, 1)
    refused_logs = [r for r in caplog.records if r.name == "console.callback" and "refused" in r.message]
    assert len(refused_logs) == 12
    assert all(callbacks.token not in r.getMessage() for r in refused_logs)


def test_unauthenticated_callbacks_never_reach_the_writer(app, callbacks):
    """The Sign, app id and charset are checked by the request itself; only what passes them is
    handed to the writer's leader (which parses the JSON of a whole group)."""
    writer = app.extensions["events"].writer
    handed: list = []
    real_store = writer.store

    def store(item, timeout, prepare=None):
        handed.append(item)
        return real_store(item, timeout, prepare)

    writer.store = store
    assert callbacks.post("State.StateChange", LOGIN, token="not-the-token").status_code == 401
    assert callbacks.post("State.StateChange", LOGIN, app_id=1400099999).status_code == 403
    assert handed == []
    assert callbacks.post("State.StateChange", b"{not json").status_code == 400  # refused by the leader
    assert callbacks.post("State.StateChange", LOGIN).status_code == 200
    assert len(handed) == 2 and len(stored_events(app)) == 1


def test_oversized_body_is_refused_before_reading_it(app, callbacks):
    response = callbacks.post("State.StateChange", b"{" + b" " * (1024 * 1024 + 10) + b"}")
    assert response.status_code == 413
    assert stored_events(app) == []


def test_window_is_configurable(make_app):
    app = make_app(CALLBACK_MAX_SKEW=600)
    assert Callbacks(app).ack("State.StateChange", LOGIN, at=int(time.time()) - 300) == OK


def test_without_a_token_callbacks_are_accepted_unsigned(make_app):
    app = make_app(TIM_CALLBACK_TOKEN="")
    assert Callbacks(app).ack("State.StateChange", LOGIN) == OK
    (row,) = stored_events(app)
    assert row.sign_status == "unsigned"


def test_callback_needs_no_login_and_no_csrf_while_pages_do(app, callbacks):
    assert callbacks.client.get("/events").status_code in (302, 401)
    assert callbacks.ack("State.StateChange", LOGIN) == OK


def test_accounts_named_in_callbacks_feed_the_directory(app, callbacks):
    callbacks.ack("State.StateChange", LOGIN)
    callbacks.ack("Group.CallbackAfterNewMemberJoin", {
        "CallbackCommand": "Group.CallbackAfterNewMemberJoin", "GroupId": "@TGS#g1", "Type": "Public",
        "JoinType": "Apply", "Operator_Account": "bob",
        "NewMemberList": [{"Member_Account": "carol"}, {"Member_Account": "dave"}]})
    accounts = account_rows(app)
    assert {"alice", "bob", "carol", "dave"} <= set(accounts)
    assert accounts["alice"].online_state == "Online" and accounts["alice"].source == "callback"
    assert accounts["carol"].online_state is None and accounts["carol"].last_seen is not None

    logout = {**LOGIN, "EventTime": LOGIN["EventTime"] + 1,
              "Info": {"Action": "Logout", "To_Account": "alice", "Reason": "Unregister"}}
    callbacks.ack("State.StateChange", logout)
    assert account_rows(app)["alice"].online_state == "Offline"


def _hold_write_lock(app):
    """A connection of its own that blocks every insert into callback_event until released."""
    from sqlalchemy.pool import NullPool

    from console import db

    engine = db.make_engine(app.config["DATABASE_URL"], poolclass=NullPool)
    conn = engine.connect()
    raw = conn.connection.dbapi_connection
    if engine.dialect.name == "sqlite":
        raw.isolation_level = None
        raw.execute("BEGIN IMMEDIATE")
    else:
        raw.execute("LOCK TABLE callback_event IN EXCLUSIVE MODE")

    def release():
        if engine.dialect.name == "sqlite":
            raw.execute("ROLLBACK")
        else:
            raw.rollback()
        conn.close()
        engine.dispose()
    return release


def test_a_callback_not_committed_in_time_gets_503_and_is_not_stored(make_app, caplog):
    """The leader always finishes its own group; a request waiting behind it gives up after
    CALLBACK_COMMIT_TIMEOUT with a 503 (IM retries), and its row is withdrawn, not stored later."""
    app = make_app(CALLBACK_COMMIT_TIMEOUT=0.3)
    release = _hold_write_lock(app)
    answers = {}

    def post(name):
        body = {**LOGIN, "Info": {**LOGIN["Info"], "To_Account": name}}
        answers[name] = Callbacks(app).post("State.StateChange", body)

    leader = threading.Thread(target=post, args=("leader",))
    leader.start()
    time.sleep(0.3)  # the leader is inside its INSERT, waiting for the lock
    post("follower")
    assert answers["follower"].status_code == 503
    assert answers["follower"].get_json() == {"ActionStatus": "FAIL", "ErrorCode": 1,
                                              "ErrorInfo": "not stored"}
    release()
    leader.join(30)
    assert answers["leader"].status_code == 200 and answers["leader"].get_json() == OK
    post("later")  # the commit turn was handed on: the next callback is stored at once
    assert answers["later"].status_code == 200
    assert [r.accounts for r in stored_events(app)] == ["|leader|", "|later|"]
    assert "callback not stored in time" in caplog.text
