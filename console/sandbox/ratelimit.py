"""Per-endpoint token buckets at the documented default rates (over the limit -> 60007)."""
from __future__ import annotations

import threading
import time


class TokenBucket:
    def __init__(self, rate: float, capacity: float | None = None, per: float = 1.0):
        self.rate = rate / per                 # tokens per second
        self.capacity = capacity if capacity is not None else max(rate, 1.0)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self, n: float = 1.0) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= n:
            self.tokens -= n
            return True
        return False


class RateLimiter:
    """One bucket per endpoint (requests/s) plus an optional per-minute budget counted in units.

    `overrides` maps an endpoint name to its requests/s (0 or None disables the limit)."""

    def __init__(self, overrides: dict[str, float | None] | None = None):
        self.overrides = dict(overrides or {})
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._seconds: dict[str, tuple[int, int]] = {}  # endpoint -> (second, calls in it)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._seconds.clear()

    def calls_this_second(self, endpoint: str) -> int:
        second, calls = self._seconds.get(endpoint, (0, 0))
        return calls if second == int(time.monotonic()) else 0

    def limit_of(self, endpoint: str, rate: float) -> float:
        return self.overrides.get(endpoint, rate) or 0

    def configure(self, overrides: dict[str, float | None]) -> None:
        with self._lock:
            self.overrides.update(overrides)
            self._buckets.clear()

    def allow(self, endpoint: str, rate: float, per_minute: float | None = None,
              units: float = 1.0) -> bool:
        rate = self.overrides.get(endpoint, rate)
        if not rate:
            return True
        with self._lock:
            now = int(time.monotonic())
            second, calls = self._seconds.get(endpoint, (now, 0))
            self._seconds[endpoint] = (now, calls + 1 if second == now else 1)
            if not self._bucket((endpoint, "s"), rate, 1.0).take():
                return False
            if per_minute and endpoint not in self.overrides:
                return self._bucket((endpoint, "m"), per_minute, 60.0).take(units)
            return True

    def _bucket(self, key, rate, per) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, per=per)
        return bucket
