"""GET /healthz for load balancers: 200 when the database answers, 503 when it does not."""
from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlparse

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from console import db

bp = Blueprint("health", __name__)

IM_CHECK_TTL = 30.0  # seconds; probes hit /healthz often, IM reachability changes slowly
_im_cache: dict[str, tuple[float, dict]] = {}
_im_lock = threading.Lock()


def database_status() -> dict:
    started = time.monotonic()
    try:
        with db.get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down" for a probe
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def im_status(base_url: str | None) -> dict:
    """Whether the IM host accepts a TCP connection (no credentials are sent, nothing is audited)."""
    if not base_url:
        return {"ok": False, "error": "not configured"}
    now = time.monotonic()
    with _im_lock:
        cached = _im_cache.get(base_url)
        if cached and now - cached[0] < IM_CHECK_TTL:
            return cached[1]
    url = urlparse(base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    started = time.monotonic()
    try:
        with socket.create_connection((url.hostname, port), timeout=2):
            status = {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}
    except OSError as exc:
        status = {"ok": False, "error": type(exc).__name__}
    with _im_lock:
        _im_cache[base_url] = (now, status)
    return status


@bp.route("/healthz")
def healthz():
    client = current_app.extensions.get("tim_client")
    database = database_status()
    body = {
        "status": "ok" if database["ok"] else "unavailable",
        "database": database,
        "im": im_status(getattr(client, "base_url", None)),
        "mode": "sandbox" if current_app.config["TIM_SANDBOX"] else "live",
    }
    response = jsonify(body)
    response.status_code = 200 if database["ok"] else 503
    return response
