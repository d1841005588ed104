"""Settings: the IM connection (the secret is never shown), a connection test, the callback URL."""
from __future__ import annotations

import time
from urllib.parse import urlencode, urlparse

from flask import Blueprint, current_app, g, render_template, request

from console.errors import hint_for
from console.ops import data as ops_data
from console.security import role_required

bp = Blueprint("settings", __name__, url_prefix="/settings")


def callback_url() -> str:
    """The URL to paste into Tencent's callback setting (Tencent appends its own query string)."""
    base = current_app.config.get("PUBLIC_URL") or request.url_root.rstrip("/")
    return f"{base}/callback"


def _database_summary(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        return "SQLite"
    return f"PostgreSQL · {parsed.hostname or 'localhost'}{parsed.path}"  # never the password


def connection() -> dict:
    cfg = current_app.config
    client = current_app.extensions.get("tim_client")
    return {
        "mode": "sandbox" if cfg["TIM_SANDBOX"] else "live",
        "app_id": cfg["TIM_APP_ID"],
        "admin": cfg["TIM_ADMIN"],
        "region": ops_data.region_text(cfg),
        "base_url": getattr(client, "base_url", cfg.get("TIM_BASE_URL")),
        "push_api": cfg["TIM_PUSH_API"],
        "database": _database_summary(cfg["DATABASE_URL"]),
        "redis": urlparse(cfg["REDIS_URL"]).hostname if cfg.get("REDIS_URL") else None,
        "secret_set": bool(cfg.get("TIM_SECRET")),
    }


@bp.route("")
@role_required("viewer")
def index():
    return render_template("ops/settings/index.html", conn=connection(), callback_url=callback_url(),
                           example_query=urlencode({"SdkAppid": current_app.config["TIM_APP_ID"],
                                                    "CallbackCommand": "State.StateChange"}))


@bp.route("/test", methods=["POST"])
@role_required("operator")
def test_connection():
    """Fragment: make one cheap, audited IM call (account_check of the admin) and report."""
    from console.tim import TimError

    started = time.monotonic()
    try:
        g.tim.account.check_accounts([current_app.config["TIM_ADMIN"]])
    except TimError as exc:
        return render_template("ops/settings/_test.html", ok=False, code=exc.code, info=exc.info,
                               hint=hint_for(exc.code))
    return render_template("ops/settings/_test.html", ok=True,
                           latency_ms=round((time.monotonic() - started) * 1000))
