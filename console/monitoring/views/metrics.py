"""GET /metrics: every metric in Prometheus' text format, for a scraper or a signed-in operator.

With METRICS_TOKEN set, only `Authorization: Bearer <token>` opens it (a wrong or missing token
gets 401); unset, it needs a signed-in operator like every page.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request

from console import db
from console.monitoring import metrics
from console.security import current_user, login_manager

bp = Blueprint("metrics", __name__)


def _bearer_ok(token: str) -> bool:
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@bp.route("/metrics")
def scrape():
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        if not _bearer_ok(token):
            return Response("a valid bearer token is required\n", 401, mimetype="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    elif not current_user.is_authenticated:
        return login_manager.unauthorized()
    body, content_type = metrics.exposition(db.get_engine())
    return Response(body, content_type=content_type)


#: the role a signed-in visitor needs when no token is set (tests/web/test_routes.py reads it)
scrape.required_role = "viewer"
