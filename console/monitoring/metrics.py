"""Prometheus metrics: what the console counts, and `GET /metrics`'s exposition of it.

Every metric is a `prometheus_client` object defined here, recorded where the thing happens:

- the callback endpoint (console/events/endpoint.py): callbacks by command and outcome,
  refusals by reason, handling latency, rule decisions by rule;
- the shared IM client's observer (`observe_call`, registered by console.app): IM calls by
  endpoint and outcome, their latency, IM error codes, the client's rate-limit waits;
- the audit writer: audit rows written; the job runner: jobs started and finished by kind;
- the live viewer: open viewers.

The job table itself is read at each scrape (`JobsCollector`): jobs by kind and state, whichever
process or host runs them.

Under gunicorn (`gunicorn.conf.py`) the client runs in multi-process mode: with
PROMETHEUS_MULTIPROC_DIR set before the first import, each worker writes its samples to files
there, and a scrape of any worker sums them (`MultiProcessCollector`). Without it (tests, the
job consumer, `flask run`) the process's own registry is exposed.

Cost on the callback path: a callback's samples (its outcome, latency, rule decision) are
appended to an in-memory list, and `flush()` applies them in bulk: one increment per counter
child and histogram bucket for the whole batch. prometheus_client takes a lock and writes the
mmap file for every increment, about 20 us of a callback's 200 when done per callback under
gunicorn. The callback writer's idle thread flushes every quarter second, and a scrape flushes
first, so /metrics is at most that much behind for the other workers, never for its own. Label
values that come from outside are bounded: commands IM does not document count as "other",
refusal reasons are the endpoint's fixed set.
"""
from __future__ import annotations

import bisect
import os
from collections import Counter as Tally

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge,
                               Histogram, generate_latest)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from console.models import JOB_STATUSES, Job
from console.tim.callbacks import COMMANDS

PREFIX = "tim_console"
OTHER = "other"
#: seconds: a callback is acked in milliseconds, IM gives up after 2 s
CALLBACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
#: seconds: an IM call takes tens of milliseconds; retries and pacing make it longer
IM_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CALLBACKS = Counter(f"{PREFIX}_callbacks", "Callbacks received, by command and outcome "
                    "(accepted, redelivery, refused, failed)", ["command", "outcome"])
CALLBACK_REFUSALS = Counter(f"{PREFIX}_callback_refusals", "Callbacks refused, by reason",
                            ["reason"])
CALLBACK_SECONDS = Histogram(f"{PREFIX}_callback_seconds",
                             "Time from receiving a callback to its answer", buckets=CALLBACK_BUCKETS)
RULE_DECISIONS = Counter(f"{PREFIX}_rule_decisions", "Before-callback decisions, by rule id "
                         "(none: no rule matched) and action", ["rule", "action"])
IM_CALLS = Counter(f"{PREFIX}_im_calls", "IM REST calls, by endpoint and outcome (ok, failed)",
                   ["endpoint", "outcome"])
IM_CALL_SECONDS = Histogram(f"{PREFIX}_im_call_seconds", "IM REST call latency, retries and "
                            "pacing included", ["endpoint"], buckets=IM_BUCKETS)
IM_ERRORS = Counter(f"{PREFIX}_im_errors", "IM REST calls that failed, by endpoint and IM error "
                    "code (-1: transport)", ["endpoint", "code"])
RATE_LIMIT_WAITS = Counter(f"{PREFIX}_im_rate_limit_waits", "IM calls the client's limiter held "
                           "back to stay under the documented rate", ["endpoint"])
RATE_LIMIT_SECONDS = Counter(f"{PREFIX}_im_rate_limit_wait_seconds", "Seconds IM calls waited "
                             "for the client's limiter", ["endpoint"])
JOB_RUNS = Counter(f"{PREFIX}_job_transitions", "Jobs started (queued) and ended (done, failed, "
                   "cancelled), by kind", ["kind", "state"])
LIVE_VIEWERS = Gauge(f"{PREFIX}_live_viewers", "Open live-event streams",
                     multiprocess_mode="livesum")
AUDIT_ROWS = Counter(f"{PREFIX}_audit_rows", "Audit rows written, by source and outcome",
                     ["source", "outcome"])
WEBHOOK_DELIVERIES = Counter(f"{PREFIX}_alert_webhook_attempts", "Alert webhook delivery "
                             "attempts, by format and result (delivered, failed)",
                             ["format", "result"])

#: (command, outcome) and (rule id, action) -> the counter's child, looked up once per key;
#: both keys are bounded (documented commands, rules)
_callback_children: dict[tuple[str, str], object] = {}
_decision_children: dict[tuple[int | None, str], object] = {}
#: the callback path's samples not yet applied: ("callback", (command, outcome), seconds) and
#: ("rule", (rule id, action)); list.append and `del list[:n]` are each atomic under the GIL,
#: so requests append while a flush takes what was there without a lock
_deferred: list[tuple] = []


def command_label(command: str) -> str:
    """A documented callback command, else "other" (the label values stay bounded)."""
    return command if command in COMMANDS else OTHER


def callback(command: str, outcome: str, seconds: float) -> None:
    """One callback answered: accepted, redelivery, refused or failed (applied at `flush`)."""
    _deferred.append(("callback", (command_label(command), outcome), seconds))


def refused(reason: str, command: str | None, seconds: float) -> None:
    """One callback refused (`reason`: a key of console.events.endpoint.REFUSALS)."""
    CALLBACK_REFUSALS.labels(reason).inc()
    callback(command or OTHER, "refused", seconds)


def rule_decision(rule_id: int | None, action: str) -> None:
    """One before-callback decided (`action`), by rule `rule_id` or by no rule (applied at
    `flush`)."""
    _deferred.append(("rule", (rule_id, action), 0.0))


def flush() -> int:
    """Apply the callback path's samples recorded since the last flush; how many there were."""
    taken = _deferred[:]
    del _deferred[:len(taken)]
    if not taken:
        return 0
    outcomes, decisions, latencies = Tally(), Tally(), []
    for kind, key, seconds in taken:
        if kind == "callback":
            outcomes[key] += 1
            latencies.append(seconds)
        else:
            decisions[key] += 1
    for key, count in outcomes.items():
        _child(_callback_children, CALLBACKS, key, key).inc(count)
    for (rule_id, action), count in decisions.items():
        rule = str(rule_id) if rule_id is not None else "none"
        _child(_decision_children, RULE_DECISIONS, (rule_id, action), (rule, action)).inc(count)
    _observe_all(CALLBACK_SECONDS, latencies)
    return len(taken)


def _child(children: dict, metric: Counter, key: tuple, labels: tuple):
    """`metric.labels(*labels)`, looked up once per key."""
    child = children.get(key)
    if child is None:
        child = children[key] = metric.labels(*labels)
    return child


def _observe_all(histogram: Histogram, amounts: list[float]) -> None:
    """`histogram.observe` of every amount, as one increment per bucket and one of the sum.
    prometheus_client has no public call for that: this reads the histogram's own bucket bounds
    and values (`_upper_bounds`, `_buckets`, `_sum`), and observes one by one if they are gone."""
    bounds = getattr(histogram, "_upper_bounds", None)
    buckets = getattr(histogram, "_buckets", None)
    total = getattr(histogram, "_sum", None)
    if bounds is None or buckets is None or total is None or len(bounds) != len(buckets):
        for amount in amounts:
            histogram.observe(amount)
        return
    per_bucket = Tally(bisect.bisect_left(bounds, amount) for amount in amounts)
    for index, count in per_bucket.items():
        buckets[index].inc(count)  # bounds end with +Inf: every amount has its bucket
    total.inc(sum(amounts))


def observe_call(event) -> None:
    """The shared IM client's observer: one CallEvent (console.tim.events) per call."""
    endpoint = event.endpoint
    IM_CALLS.labels(endpoint, "ok" if event.error is None else "failed").inc()
    IM_CALL_SECONDS.labels(endpoint).observe(event.duration or 0.0)
    if event.error is not None:
        IM_ERRORS.labels(endpoint, str(event.error.code)).inc()
    waited = getattr(event, "waited", 0.0)
    if waited > 0:
        RATE_LIMIT_WAITS.labels(endpoint).inc()
        RATE_LIMIT_SECONDS.labels(endpoint).inc(waited)


def job(kind: str, state: str) -> None:
    JOB_RUNS.labels(kind, state).inc()


def audit_row(source: str, outcome: str) -> None:
    AUDIT_ROWS.labels(source, outcome).inc()


def webhook_attempt(fmt: str, delivered: bool) -> None:
    WEBHOOK_DELIVERIES.labels(fmt, "delivered" if delivered else "failed").inc()


# ---- exposition ------------------------------------------------------------------------------

def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class JobsCollector:
    """Jobs by kind and state, read from the job table at each scrape."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        family = GaugeMetricFamily(f"{PREFIX}_jobs", "Jobs in the job table, by kind and state",
                                   labels=["kind", "state"])
        with self.engine.connect() as conn:
            rows = conn.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status))
            counts = {(kind, status): n for kind, status, n in rows}
        for kind in sorted({kind for kind, _status in counts}):
            for state in JOB_STATUSES:
                family.add_metric([kind, state], counts.get((kind, state), 0))
        yield family


class _Chain:
    """Collectors read one after the other, as one registry (what generate_latest needs)."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def exposition(engine) -> tuple[bytes, str]:
    """The text format of every metric (all workers' under gunicorn) and its content type."""
    flush()
    if multiprocess():
        source = CollectorRegistry()
        MultiProcessCollector(source)
    else:
        source = REGISTRY
    return generate_latest(_Chain(source, JobsCollector(engine))), CONTENT_TYPE_LATEST
