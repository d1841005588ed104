"""Shared web helpers every feature's pages use: navigation, htmx answers, the time filter and
server-rendered charts. Core: it imports no feature."""
from __future__ import annotations

from console.ui.filters import localtime
from console.ui.nav import account_url, nav_items


def init_app(app) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals.update(nav_items=nav_items, account_url=account_url)
