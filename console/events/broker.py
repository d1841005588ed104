"""Live fan-out: who has to wake up when new callback rows are committed.

The database is the source of truth; the broker only says "something new was committed". Each
open SSE stream holds a `Subscription` of the process-wide `Hub` and reads its rows from the
database when woken, which also gives `Last-Event-ID` replay for free.

- `Hub`: in-process fan-out, enough for one process (the embedded default).
- `RedisBus`: with `REDIS_URL`, the writer publishes to a Redis channel and one listener thread
  per process feeds the local hub, so viewers on every worker and host see every event.
"""
from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger(__name__)

CHANNEL = "tim-console:callback-events"


class Subscription:
    """One listener's wake-up flag: bursts of notifications coalesce into one wake-up."""

    def __init__(self):
        self._flag = threading.Event()
        self.closed = False

    def wait(self, timeout: float) -> bool:
        """True when woken by new events; False on timeout."""
        woken = self._flag.wait(timeout)
        self._flag.clear()
        return woken

    def wake(self) -> None:
        self._flag.set()


class Hub:
    """The subscribers of this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subs: set[Subscription] = set()
        #: bumped on every notification: readers compare it to know their cache is stale
        self.generation = 0

    def subscribe(self) -> Subscription:
        sub = Subscription()
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        sub.closed = True
        sub.wake()
        with self._lock:
            self._subs.discard(sub)

    def notify(self) -> None:
        with self._lock:  # commits are published from several request threads at once
            self.generation += 1
            subs = list(self._subs)
        for sub in subs:
            sub.wake()

    def close_all(self) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            self.unsubscribe(sub)

    @property
    def count(self) -> int:
        return len(self._subs)


class LocalBus:
    """Single process: publishing is notifying the hub."""

    name = "memory"

    def __init__(self, hub: Hub):
        self.hub = hub

    def publish(self) -> None:
        self.hub.notify()

    def start(self) -> None:
        pass


class RedisBus:
    """Publish through Redis pub/sub; one listener thread per process feeds the local hub."""

    name = "redis"

    def __init__(self, hub: Hub, url: str, channel: str = CHANNEL):
        import redis

        self.hub = hub
        self.channel = channel
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=3, health_check_interval=30)
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def publish(self) -> None:
        self.start()
        try:
            self._redis.publish(self.channel, b"new")
        except Exception as exc:  # noqa: BLE001 - Redis down: local viewers still hear of it
            log.warning("redis publish failed (%s); notifying this process only", type(exc).__name__)
            self.hub.notify()

    def start(self) -> None:
        """Start the listener (once per process: after a gunicorn fork it starts again)."""
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._listen, name="events-redis", daemon=True)
                self._thread.start()

    def _listen(self) -> None:
        delay = 0.5
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                delay = 0.5
                # A subscriber may have missed something while we were (re)connecting.
                self.hub.notify()
                for _message in pubsub.listen():
                    self.hub.notify()
            except Exception as exc:  # noqa: BLE001 - reconnect forever; streams also poll
                log.warning("redis listener lost (%s); reconnecting", type(exc).__name__)
                time.sleep(delay)
                delay = min(delay * 2, 10.0)


def make_bus(hub: Hub, redis_url: str | None):
    return RedisBus(hub, redis_url) if redis_url else LocalBus(hub)
