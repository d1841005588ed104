"""Callback ingest, the event store and the live broker.

`init_app(app)` wires one `EventsRuntime` per app (in `app.extensions["events"]`):
- the lean `/callback` WSGI handler mounted in front of Flask (console/events/endpoint.py);
- the group-commit writer, whose commits wake the broker (in-process, or Redis pub/sub with
  `REDIS_URL`) and feed the account directory from the writer thread, between commits;
- the retention pruner and the `flask events export|prune` commands.

The moderation rules that answer before-callbacks are `rules`; the Events and Rules pages are
`views`.

Settings (environment or create_app config): `CALLBACK_MAX_BYTES` (1 MiB), `CALLBACK_MAX_SKEW`
(60 s), `CALLBACK_COMMIT_TIMEOUT` (1.5 s), `EVENTS_RETENTION_DAYS` (30; 0 keeps everything),
`EVENTS_MAX_STREAMS` (open live viewers per process: 200 in a gevent worker, where each is a
greenlet; 8 with threads, where each holds one of gunicorn's --threads),
`RULES_CACHE_SECONDS` (5).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time

from flask import Flask
from sqlalchemy.pool import NullPool

from console import db
from console.events import rules
from console.events import live, store
from console.events.broker import Hub, make_bus
from console.events.feed import DirectoryFeed, feed_directory
from console.events.writer import GroupWriter
from console.monitoring import metrics
from console.tim import text as tim_text

log = logging.getLogger(__name__)

DEFAULTS = {
    "CALLBACK_MAX_BYTES": 1024 * 1024,
    "CALLBACK_MAX_SKEW": 60,
    "CALLBACK_COMMIT_TIMEOUT": 1.5,
    "EVENTS_RETENTION_DAYS": 30,
    "EVENTS_MAX_STREAMS": None,  # by worker type, see max_streams()
    "RULES_CACHE_SECONDS": 5,
}
PRUNE_EVERY = 3600.0
#: EVENTS_MAX_STREAMS when unset: a greenlet per viewer is cheap, a thread per viewer is not
STREAMS_GEVENT, STREAMS_THREADS = 200, 8


class EventsRuntime:
    """The per-process machinery behind the callback endpoint and the live viewer."""

    def __init__(self, app: Flask):
        self.config = app.config
        self.engine = app.extensions["db_engine"]
        # The writer's connection never waits on the shared pool (open streams and pages use it).
        self.write_engine = db.make_engine(app.config["DATABASE_URL"], poolclass=NullPool)
        self.hub = Hub()
        self.bus = make_bus(self.hub, app.config.get("REDIS_URL"))
        self.feed = DirectoryFeed()
        self.writer = GroupWriter(self.write_engine, on_commit=self._after_commit,
                                  on_idle=self._idle)
        self.streams = threading.BoundedSemaphore(max_streams(app.config["EVENTS_MAX_STREAMS"]))
        self.fragments = live.FragmentCache()
        self.recent = live.RecentRows(self.engine, self.hub)
        self.stopping = threading.Event()
        self._pruned_at = time.monotonic()
        rules.cache.ttl = float(app.config["RULES_CACHE_SECONDS"])

    def _idle(self, connect) -> None:
        """Between groups, every quarter second at most: the callback metrics, the directory."""
        metrics.flush()
        self.feed.feed(connect)

    def _after_commit(self, rows: list[dict]) -> None:
        self.bus.publish()
        self.feed.add(rows)
        if time.monotonic() - self._pruned_at > PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            threading.Thread(target=self.prune_expired, name="events-prune", daemon=True).start()

    def retention_ms(self) -> int | None:
        days = int(self.config.get("EVENTS_RETENTION_DAYS") or 0)
        return days * 86400 * 1000 if days > 0 else None

    def prune_expired(self) -> int:
        keep = self.retention_ms()
        if keep is None:
            return 0
        try:
            return store.prune(self.engine, store.now_ms() - keep)
        except Exception:  # noqa: BLE001 - retried at the next interval
            log.exception("pruning expired callback events failed")
            return 0

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait for the writer and the directory feed (tests and CLI)."""
        return self.writer.flush(timeout)

    def replay(self, event_id: int):
        """Run a stored event through the current rules and the directory feed again.

        Returns (row, decision) with decision None for after-callbacks, or None if not found.
        Nothing is stored: the audit entry the caller writes is the record of a replay.
        """
        with self.engine.connect() as conn:
            row = store.get(conn, event_id)
        if row is None:
            return None
        try:
            body = tim_text.loads(row.payload)
        except ValueError:
            body = {}
        decision = rules.decide(self.engine, row.command, body if isinstance(body, dict) else {})
        with self.engine.connect() as conn:
            feed_directory(conn, [{**row._mapping, "duplicate_of": None}])
        return row, decision


def _setting(app: Flask, key: str, default):
    raw = os.environ.get(key)
    if key in app.config:
        return app.config[key]
    if raw in (None, ""):
        return default
    try:
        return (int if default is None else type(default))(raw)
    except ValueError:
        from console.config import ConfigError

        raise ConfigError(f"{key}: expected a number, got {raw!r}") from None


def runtime(app: Flask) -> EventsRuntime:
    return app.extensions["events"]


def token_fingerprint(token: str) -> str:
    """A short, non-reversible tag that tells two tokens apart without showing either."""
    return hashlib.sha256(b"tim-console callback token\n" + token.encode()).hexdigest()[:12]


def _callback_settings(app: Flask):
    def settings() -> dict:
        cfg = app.config
        token = cfg.get("TIM_CALLBACK_TOKEN")
        return {"token_set": bool(token), "fingerprint": token_fingerprint(token) if token else None,
                "window": cfg["CALLBACK_MAX_SKEW"], "max_kib": int(cfg["CALLBACK_MAX_BYTES"]) // 1024,
                "retention_days": cfg["EVENTS_RETENTION_DAYS"]}
    return settings


def max_streams(setting) -> int:
    """Live viewers allowed per process: the setting, else what the worker type affords."""
    if setting not in (None, ""):
        return int(setting)
    return STREAMS_GEVENT if db.gevent_patched() else STREAMS_THREADS


def init_app(app: Flask) -> EventsRuntime:
    from console.events.endpoint import CallbackEndpoint
    from console.events.cli import events_cli

    for key, default in DEFAULTS.items():
        app.config[key] = _setting(app, key, default)
    events = EventsRuntime(app)
    app.extensions["events"] = events
    app.wsgi_app = CallbackEndpoint(app, app.wsgi_app)
    app.cli.add_command(events_cli)
    app.jinja_env.globals["callback_settings"] = _callback_settings(app)
    return events
