"""The sandbox's endpoint registry: every emulated REST command is a plain function.

A handler takes the call context and the parsed JSON body and returns the response
fields beyond ActionStatus/ErrorCode/ErrorInfo. It raises ApiError to fail the call;
`extra` carries fields the real service still returns on failure (ErrorList, ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

Handler = Callable[["Ctx", dict], dict]


class ApiError(Exception):
    def __init__(self, code: int, info: str, extra: dict | None = None):
        super().__init__(f"{code} {info}")
        self.code = code
        self.info = info
        self.extra = extra or {}


@dataclass
class Endpoint:
    name: str                 # "servicename/command"
    handler: Handler
    rate: float = 200.0       # documented default requests/s (token bucket)
    per_minute: float | None = None  # extra per-minute budget (batchsendmsg counts recipients)
    display: bool = False     # response carries ErrorDisplay, as the docs show


REGISTRY: dict[str, Endpoint] = {}


def endpoint(name: str, *, rate: float = 200.0, per_minute: float | None = None,
             display: bool = False) -> Callable[[Handler], Handler]:
    """Register `fn` as the emulation of POST /v4/<name>."""
    def register(fn: Handler) -> Handler:
        if name in REGISTRY:
            raise RuntimeError(f"endpoint {name} registered twice")
        REGISTRY[name] = Endpoint(name, fn, rate, per_minute, display)
        return fn
    return register


@dataclass
class Ctx:
    """What a handler may use: the sandbox (state, callbacks, config) and the caller."""
    sandbox: Any
    identifier: str
    now: float
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self):
        return self.sandbox.state

    @property
    def callbacks(self):
        return self.sandbox.callbacks
