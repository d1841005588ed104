"""Client-side rate limiter: one token bucket per endpoint at the documented limits.

It blocks (sleeps) instead of failing, so bulk work paces itself below the service's
limit and never provokes 60007. Thread-safe: callers reserve a slot under a short lock
and sleep outside it, so concurrent threads queue up in order.
"""
from __future__ import annotations

import threading
import time
from collections import deque

DEFAULT_RATE = 200.0  # requests/s per SDKAppID per API unless the API's page says otherwise

_PUSH_ATTR_TAG = ("set_attr_name", "get_attr_name", "get_attr", "set_attr", "remove_attr",
                  "get_tag", "add_tag", "remove_tag")

# Documented per-second limits that differ from DEFAULT_RATE (spec §1.5, endpoints-*.md).
RATES: dict[str, float] = {
    "im_open_login_svc/multiaccount_import": 100,
    "im_open_login_svc/account_delete": 100,
    "im_open_login_svc/account_check": 100,
    "open_msg_svc/get_history": 10,
    "group_open_http_svc/get_appid_group_list": 1,
    "group_open_http_svc/send_broadcast_msg": 1,   # to every AVChatRoom (group depth, issue #16)
    # all-user pushes: 100 a day, at least 1 s apart (the daily quota is the server's business)
    "all_member_push/im_push": 1,
    "timpush/push": 1,
    "timpush/revoke": 1,
    "timpush/batch": 10,  # 10/30/40 per s depending on the push plan: assume the smallest
    **{f"all_member_push/im_{cmd}": 100 for cmd in (*_PUSH_ATTR_TAG, "remove_all_tags")},
    **{f"timpush/{cmd}": 100 for cmd in (*_PUSH_ATTR_TAG, "clear_all_tags")},
}

# Per-minute budgets counted in items of a body field: batchsendmsg counts each recipient.
PER_MINUTE: dict[str, tuple[str, float]] = {
    "openim/batchsendmsg": ("To_Account", 12000),
}


class TokenBucket:
    """`rate` tokens per second, at most `burst` stored. reserve() returns the wait in seconds."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = float(rate), max(1.0, float(burst))
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def reserve(self, n: float = 1.0) -> float:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= n
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


class SlidingWindow:
    """At most `limit` units in any `period` seconds (exact, whatever window the server uses)."""

    def __init__(self, limit: float, period: float = 60.0):
        self.limit, self.period = float(limit), float(period)
        self._slots: deque[tuple[float, float]] = deque()  # (time, units), time-ordered
        self._total = 0.0
        self._lock = threading.Lock()

    def reserve(self, n: float) -> float:
        n = min(float(n), self.limit)
        with self._lock:
            now = time.monotonic()
            at = max(now, self._slots[-1][0]) if self._slots else now
            while self._slots and (self._slots[0][0] <= at - self.period or self._total + n > self.limit):
                t0, n0 = self._slots.popleft()
                self._total -= n0
                at = max(at, t0 + self.period)
            self._slots.append((at, n))
            self._total += n
            return at - now


class Limiter:
    """Per-endpoint pacing. `overrides` maps "service/command" (or "default") to requests/s,
    to None/0 (no limit for it), or to {"per_second": x, "per_minute": y}.

    `headroom` keeps the steady rate a little under the limit and the burst small, so that
    no one-second interval ever carries more than the documented number of requests.
    """

    def __init__(self, overrides: dict | None = None, headroom: float = 0.95):
        self.headroom = headroom
        self._rates = dict(RATES)
        self._per_minute = dict(PER_MINUTE)
        self._default = DEFAULT_RATE
        for endpoint, value in (overrides or {}).items():
            self._override(endpoint, value)
        self._buckets: dict[str, tuple[TokenBucket | None, SlidingWindow | None]] = {}
        self._lock = threading.Lock()

    def _override(self, endpoint: str, value) -> None:
        if isinstance(value, dict):
            unknown = set(value) - {"per_second", "per_minute"}
            if unknown:
                raise ValueError(f"rate_limits[{endpoint!r}]: unknown keys {sorted(unknown)}")
            if "per_minute" in value:
                field = self._per_minute.get(endpoint, ("To_Account", 0))[0]
                self._per_minute[endpoint] = (field, value["per_minute"] or 0)
            if "per_second" not in value:
                return
            value = value["per_second"]
        if value is not None and (not isinstance(value, (int, float)) or value < 0):
            raise ValueError(f"rate_limits[{endpoint!r}] must be a non-negative number or None")
        if endpoint == "default":
            self._default = value or 0
        else:
            self._rates[endpoint] = value or 0

    def rate_for(self, endpoint: str) -> float:
        """Documented (or configured) requests/s for `endpoint`; 0 means unlimited."""
        return self._rates.get(endpoint, self._default)

    def _pacers(self, endpoint: str):
        pacers = self._buckets.get(endpoint)
        if pacers is None:
            with self._lock:
                pacers = self._buckets.get(endpoint)
                if pacers is None:
                    rate = self.rate_for(endpoint)
                    bucket = TokenBucket(rate * self.headroom, rate * (1 - self.headroom)) if rate else None
                    per_minute = self._per_minute.get(endpoint, (None, 0))[1]
                    window = SlidingWindow(per_minute) if per_minute else None
                    pacers = self._buckets[endpoint] = (bucket, window)
        return pacers

    def acquire(self, endpoint: str, body: dict | None = None) -> float:
        """Wait until `endpoint` may be called with `body`; return the seconds slept."""
        wait = self.reserve(endpoint, body)
        if wait > 0:
            time.sleep(wait)
        return wait

    def reserve(self, endpoint: str, body: dict | None = None) -> float:
        """Book a slot for one call and return how long the caller must wait before sending."""
        bucket, window = self._pacers(endpoint)
        wait = bucket.reserve() if bucket else 0.0
        if window is not None:
            items = (body or {}).get(self._per_minute[endpoint][0]) or ()
            wait = max(wait, window.reserve(len(items) if isinstance(items, (list, tuple)) else 1))
        return wait
