"""The top-level navigation, and links that pages of one feature make to another's pages.

Sections name their blueprint's endpoint as a string: the core knows the map of the console
without importing any feature.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

# (section, label, endpoint, minimum role)
SECTIONS = [
    ("dashboard", _l("Dashboard"), "dashboard.index", "viewer"),
    ("accounts", _l("Accounts"), "accounts.index", "viewer"),
    ("groups", _l("Groups"), "groups.index", "viewer"),
    ("messages", _l("Messages"), "messages.index", "viewer"),
    ("push", _l("Push"), "push.index", "viewer"),
    ("operations", _l("Operations"), "operations.index", "viewer"),
    ("events", _l("Events"), "events.index", "viewer"),
    ("alerts", _l("Alerts"), "alerts.index", "viewer"),
    ("audit", _l("Audit"), "audit.index", "viewer"),
    ("jobs", _l("Jobs"), "jobs.index", "viewer"),
    ("operators", _l("Operators"), "operators.index", "admin"),
    ("settings", _l("Settings"), "settings.index", "viewer"),
]


def nav_items(user) -> list[dict]:
    """The navigation entries `user` may open: section, label, url."""
    if not (user and user.is_authenticated):
        return []
    return [{"section": section, "label": label, "url": url_for(endpoint)}
            for section, label, endpoint, role in SECTIONS if user.has_role(role)]


def account_url(user_id: str) -> str:
    """The page of one IM account."""
    return url_for("account.detail", user_id=user_id)
