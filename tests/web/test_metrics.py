"""GET /metrics: what it counts as callbacks, IM calls and jobs happen, and who may read it.

The app runs in one process here (prometheus_client's own registry); tests/web/test_metrics_gunicorn.py
checks the multi-process mode under gunicorn. Counters are process-wide, so each test compares
a scrape after with a scrape before.
"""
from __future__ import annotations

import pytest
from events_support import Callbacks
from prometheus_client.parser import text_string_to_metric_families

from console import db
from console.events import rules
from console.models import Job
from console.models.events import Rule
from console.tim.limiter import Limiter

TOKEN = "metrics-test-token-3f9c1a"
LOGIN = {"CallbackCommand": "State.StateChange", "EventTime": 1717000000456,
         "Info": {"Action": "Login", "To_Account": "mia", "Reason": "Register"}}


def samples(text: str) -> dict:
    """{(sample name, ((label, value), ...)): value} of an exposition, read by Prometheus' parser."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def scrape(client) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def app(make_app):
    return make_app(METRICS_TOKEN=TOKEN)


def test_a_wrong_or_missing_token_is_refused(app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "tim_console" not in response.get_data(as_text=True)
    assert "tim_console_callbacks_total" in client.get(
        "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)


def test_without_a_token_it_needs_a_signed_in_operator(make_app, browser_for):
    app = make_app(METRICS_TOKEN="")
    browser = browser_for(app, roles=("viewer",))
    signed_out = browser.get("/metrics")
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    assert browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 302
    browser.login("viewer")
    page = browser.get("/metrics")
    assert page.status_code == 200
    names = {family.name for family in text_string_to_metric_families(page.get_data(as_text=True))}
    assert {"tim_console_callbacks", "tim_console_im_calls", "tim_console_jobs"} <= names


def test_callbacks_are_counted_by_command_and_outcome(app):
    client = app.test_client()
    callbacks = Callbacks(app)
    before = scrape(client)
    callbacks.ack("State.StateChange", LOGIN)
    callbacks.ack("State.StateChange", LOGIN)  # the same event again: a re-delivery
    assert callbacks.post("State.StateChange", LOGIN, token="not-the-token").status_code == 401
    assert callbacks.post("State.StateChange", LOGIN, app_id=1400099999).status_code == 403
    assert callbacks.post("Made.Up", LOGIN, token="not-the-token").status_code == 401
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("tim_console_callbacks_total", command="State.StateChange", outcome="accepted") == 1
    assert grew("tim_console_callbacks_total", command="State.StateChange", outcome="redelivery") == 1
    assert grew("tim_console_callbacks_total", command="State.StateChange", outcome="refused") == 2
    assert grew("tim_console_callbacks_total", command="other", outcome="refused") == 1
    assert grew("tim_console_callback_refusals_total", reason="bad_sign") == 2
    assert grew("tim_console_callback_refusals_total", reason="foreign_app") == 1
    assert grew("tim_console_callback_seconds_count") == 5
    assert not any(name == "tim_console_callbacks_total" and ("command", "Made.Up") in labels
                   for name, labels in after)


def test_rule_decisions_are_counted_by_rule(app):
    with db.new_session(app) as sess:
        rule = Rule(name="no spam", scope="c2c_msg", match="words", pattern="spam", action="deny",
                    enabled=True, position=0, created_ms=0, updated_ms=0)
        sess.add(rule)
    rules.cache.invalidate()
    client = app.test_client()
    callbacks = Callbacks(app)
    before = scrape(client)
    for n, text in enumerate(("buy spam now", "hello")):
        callbacks.ack("C2C.CallbackBeforeSendMsg", {
            "CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a", "To_Account": "b",
            "MsgRandom": n, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})
    after = scrape(client)
    for labels in (dict(rule=str(rule.id), action="deny"), dict(rule="none", action="allow")):
        assert value(after, "tim_console_rule_decisions_total", **labels) \
            - value(before, "tim_console_rule_decisions_total", **labels) == 1, labels


def test_im_calls_errors_latency_and_audit_rows(app, operators, signed_in, sandbox):
    client = app.test_client()
    operator = signed_in("operator")
    before = scrape(client)
    assert operator.post("/accounts/import", {"user_id": "mia"}, htmx=True).status_code == 200
    sandbox.faults.set(error_rate=1.0, error_code=70500, endpoints=["im_open_login_svc/account_import"])
    operator.post("/accounts/import", {"user_id": "noa"}, htmx=True)
    after = scrape(client)
    endpoint = "im_open_login_svc/account_import"

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("tim_console_im_calls_total", endpoint=endpoint, outcome="ok") == 1
    assert grew("tim_console_im_calls_total", endpoint=endpoint, outcome="failed") == 1
    assert grew("tim_console_im_errors_total", endpoint=endpoint, code="70500") == 1
    assert grew("tim_console_im_call_seconds_count", endpoint=endpoint) == 2
    assert grew("tim_console_im_call_seconds_bucket", endpoint=endpoint, le="+Inf") == 2
    assert grew("tim_console_audit_rows_total", source="web", outcome="ok") >= 1
    assert grew("tim_console_audit_rows_total", source="web", outcome="failed") == 1


def test_rate_limit_waits_are_counted(app):
    client = app.test_client()
    tim = app.extensions["tim_client"]
    tim.limiter = Limiter({"im_open_login_svc/account_check": 4})
    before = scrape(client)
    for _ in range(3):  # a burst of 3 at 4/s: the limiter holds the later ones back
        tim.account.check_accounts(["someone"])
    after = scrape(client)
    labels = dict(endpoint="im_open_login_svc/account_check")
    assert value(after, "tim_console_im_rate_limit_waits_total", **labels) \
        - value(before, "tim_console_im_rate_limit_waits_total", **labels) >= 1
    assert value(after, "tim_console_im_rate_limit_wait_seconds_total", **labels) \
        > value(before, "tim_console_im_rate_limit_wait_seconds_total", **labels)


def test_jobs_by_kind_and_state(app, operators, signed_in):
    client = app.test_client()
    before = scrape(client)
    resp = signed_in("operator").post("/jobs/directory-check", {"ids": "a1\na2"})
    assert resp.status_code == 302
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="failed", params={"items": []}))
    after = scrape(client)
    kind = "directory.check"
    assert value(after, "tim_console_jobs", kind=kind, state="done") == 1
    assert value(after, "tim_console_jobs", kind=kind, state="failed") == 1
    assert value(after, "tim_console_jobs", kind=kind, state="running") == 0
    for state in ("queued", "done"):
        assert value(after, "tim_console_job_transitions_total", kind=kind, state=state) \
            - value(before, "tim_console_job_transitions_total", kind=kind, state=state) == 1


def test_the_token_never_reaches_an_audit_row(app, audit_rows):
    from console.audit import AuditContext, write_entry

    write_entry(app, AuditContext(source="cli"), action="test.token", endpoint=None, targets=[],
                outcome="ok", detail={"note": f"token is {TOKEN}"})
    assert TOKEN not in str(audit_rows()[-1].detail)



def test_latencies_applied_in_bulk_match_one_observe_each():
    """metrics.flush applies a batch of callback latencies as one increment per bucket: the
    exposition is the one observe() per latency would give, bucket by bucket (bounds included)."""
    from prometheus_client import CollectorRegistry, Histogram, generate_latest

    from console.monitoring import metrics

    amounts = [0.0, 0.0004, 0.001, 0.001000001, 0.0025, 0.007, 0.3, 2.0, 2.5, 40.0]
    one_by_one, in_bulk = CollectorRegistry(), CollectorRegistry()
    h1 = Histogram("lat", "x", buckets=metrics.CALLBACK_BUCKETS, registry=one_by_one)
    h2 = Histogram("lat", "x", buckets=metrics.CALLBACK_BUCKETS, registry=in_bulk)
    for amount in amounts:
        h1.observe(amount)
    metrics._observe_all(h2, amounts)
    bulk, single = (samples(generate_latest(r).decode()) for r in (in_bulk, one_by_one))
    assert {k: v for k, v in bulk.items() if k[0] != "lat_created"} \
        == {k: v for k, v in single.items() if k[0] != "lat_created"}
    assert bulk[("lat_bucket", (("le", "0.001"),))] == 3  # a bound counts in its own bucket


def test_callback_samples_wait_for_a_flush_and_are_applied_once(app):
    from console.monitoring import metrics

    metrics.flush()
    before = value(scrape(app.test_client()), "tim_console_callback_seconds_count")
    metrics.callback("State.StateChange", "accepted", 0.003)
    metrics.callback("Not.ACommand", "failed", 0.2)
    assert metrics.flush() == 2
    assert metrics.flush() == 0
    assert value(scrape(app.test_client()), "tim_console_callback_seconds_count") == before + 2
