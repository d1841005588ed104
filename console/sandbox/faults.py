"""Fault injection for tests and demos: latency, error answers, HTTP errors, dropped connections, timeouts."""
from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field

MAX_TIMEOUT_SLEEP = 30.0  # a "timeout" fault sleeps this long at most, then drops the connection
HTTP_STATUSES = (500, 502, 503, 504)


@dataclass
class FaultConfig:
    latency: float = 0.0            # seconds added before answering
    error_rate: float = 0.0         # share of calls (0..1) answered with error_code
    error_code: int = 70500
    http_status: int | None = None  # answer every matching call with this HTTP status
    drop: bool = False              # close the connection without answering
    timeout: bool = False           # sleep `timeout_seconds`, then drop
    timeout_seconds: float = 15.0
    endpoints: list[str] | None = None  # "svc/cmd" names; None = every endpoint
    seed: int | None = None         # makes error_rate draws repeatable

    def validate(self) -> "FaultConfig":
        if self.latency < 0:
            raise ValueError("latency must be >= 0")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if self.http_status is not None and self.http_status not in HTTP_STATUSES:
            raise ValueError(f"http_status must be one of {HTTP_STATUSES}")
        if not 0 < self.timeout_seconds <= MAX_TIMEOUT_SLEEP:
            raise ValueError(f"timeout_seconds must be in (0, {MAX_TIMEOUT_SLEEP}]")
        if self.endpoints is not None and not all(isinstance(e, str) for e in self.endpoints):
            raise ValueError("endpoints must be a list of 'service/command' strings")
        return self


@dataclass
class Decision:
    """What to do with one call; `action` is None (answer normally), "error", "http", "drop"."""
    delay: float = 0.0
    action: str | None = None
    error_code: int = 0
    http_status: int = 0
    extra: dict = field(default_factory=dict)


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._rng = random.Random()

    def set(self, **options) -> FaultConfig:
        unknown = set(options) - set(FaultConfig.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
        config = FaultConfig(**options).validate()
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
        return config

    def clear(self) -> None:
        self.set()

    @property
    def config(self) -> FaultConfig:
        return self._config

    def as_dict(self) -> dict:
        return asdict(self._config)

    def decide(self, endpoint: str) -> Decision:
        cfg = self._config
        if cfg.endpoints is not None and endpoint not in cfg.endpoints:
            return Decision()
        decision = Decision(delay=cfg.latency)
        if cfg.timeout:
            decision.delay += cfg.timeout_seconds
            decision.action = "drop"
        elif cfg.drop:
            decision.action = "drop"
        elif cfg.http_status:
            decision.action, decision.http_status = "http", cfg.http_status
        elif cfg.error_rate:
            with self._lock:
                hit = self._rng.random() < cfg.error_rate
            if hit:
                decision.action, decision.error_code = "error", cfg.error_code
        return decision
