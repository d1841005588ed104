"""Answers for htmx requests: is this a fragment request, a toast that lands in #toasts whatever
the request targeted, and events for the page to react to.

Request facts come from htmx-flask's `request.htmx` (HX-Request, HX-Boosted, HX-Target ...);
nothing in the console reads the HX-* request headers itself. The response headers are set
directly: htmx-flask's `reswap=` argument rejects `afterbegin` and `beforebegin`.
"""
from __future__ import annotations

import json

from flask import render_template, request


def wants_fragment() -> bool:
    """True for an htmx request that swaps a piece of the page (not a boosted navigation)."""
    return bool(request.htmx) and not request.htmx.boosted


def targets(element_id: str) -> bool:
    """True when htmx will swap the answer into the element `element_id` (e.g. a list reload)."""
    return wants_fragment() and request.htmx.target == element_id


def toast(message: str, *, code: int | None = None, hint: str | None = None, level: str = "error",
          status: int = 200, problems: list[str] | None = None, headers: dict | None = None):
    """An htmx answer that appends a toast to #toasts, whatever the request's own target was (so
    nothing on the page, a form being filled in least of all, is replaced)."""
    html = render_template("_toast.html", message=message, code=code, hint=hint, level=level, problems=problems)
    return html, status, {"HX-Retarget": "#toasts", "HX-Reswap": "beforeend", **(headers or {})}


def trigger(event: str | None, payload=None) -> dict:
    """Response headers that fire `event` on the requesting element (nothing for None)."""
    if not event:
        return {}
    return {"HX-Trigger": json.dumps({event: payload}) if payload is not None else event}


def trigger_all(*events: str) -> dict:
    """Response headers that fire each of `events` (no payload)."""
    return {"HX-Trigger": json.dumps(dict.fromkeys(events))}
