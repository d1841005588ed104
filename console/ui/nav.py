"""The navigation (a sidebar of sections in groups), and links that pages of one feature make to
another's pages.

Sections name their blueprint's endpoint as a string: the core knows the map of the console
without importing any feature. Each section has an icon, a symbol of static/icons.svg.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

# (group, section, label, endpoint, icon, minimum role); group None: above the groups
SECTIONS = [
    (None, "dashboard", _l("Dashboard"), "dashboard.index", "home", "viewer"),
    ("people", "accounts", _l("Accounts"), "accounts.index", "user", "viewer"),
    ("people", "groups", _l("Groups"), "groups.index", "users", "viewer"),
    ("people", "communities", _l("Communities"), "groups.communities", "layers", "viewer"),
    ("messaging", "messages", _l("Messages"), "messages.index", "message", "viewer"),
    ("messaging", "push", _l("Push"), "push.index", "megaphone", "viewer"),
    ("messaging", "broadcast", _l("Live broadcast"), "groups.broadcast", "send", "admin"),
    ("monitoring", "events", _l("Events"), "events.index", "activity", "viewer"),
    ("monitoring", "alerts", _l("Alerts"), "alerts.index", "alert", "viewer"),
    ("monitoring", "operations", _l("Operations"), "operations.index", "chart", "viewer"),
    ("monitoring", "audit", _l("Audit"), "audit.index", "clipboard", "viewer"),
    ("monitoring", "jobs", _l("Jobs"), "jobs.index", "layers", "viewer"),
    ("monitoring", "review", _l("Review queue"), "review.index", "inbox", "viewer"),  # nav_groups: keep in its group
    ("admin", "operators", _l("Operators"), "operators.index", "shield", "admin"),
    ("admin", "settings", _l("Settings"), "settings.index", "settings", "viewer"),
    ("admin", "keywords", _l("Keyword lists"), "keywords.index", "filter", "admin"),
    # issue 17 (pages-people): each line names its group; nav_groups keeps the groups' order
    ("people", "bots", _l("Bots"), "bots.index", "user", "viewer"),
    ("messaging", "official", _l("Official accounts"), "official.index", "megaphone", "viewer"),
    ("messaging", "moderation-services", _l("Moderation services"), "safety.index", "shield", "viewer"),
]
GROUPS = {"people": _l("People"), "messaging": _l("Messaging"), "monitoring": _l("Monitoring"),
          "admin": _l("Admin")}


def nav_items(user) -> list[dict]:
    """The navigation entries `user` may open: group, section, label, url, icon."""
    if not (user and user.is_authenticated):
        return []
    return [{"group": group, "section": section, "label": label, "url": url_for(endpoint), "icon": icon}
            for group, section, label, endpoint, icon, role in SECTIONS if user.has_role(role)]


def nav_groups(user) -> list[dict]:
    """`nav_items(user)` in their groups, in order: [{"key", "label" (None above the groups),
    "items"}]; a group with nothing `user` may open is left out."""
    groups: dict = {}
    for item in nav_items(user):  # a section listed late still joins its group (first-seen order)
        key = item["group"]
        groups.setdefault(key, {"key": key, "label": GROUPS.get(key), "items": []})["items"].append(item)
    return list(groups.values())


def active_section(path: str, items: list[dict]) -> str | None:
    """The section whose page `path` is in (the longest matching URL prefix)."""
    best = None
    for item in items:
        url = item["url"].rstrip("/")
        inside = path == item["url"] or (url and (path == url or path.startswith(url + "/")))
        if inside and (best is None or len(item["url"]) > len(best["url"])):
            best = item
    return best["section"] if best else None


def account_url(user_id: str) -> str:
    """The page of one IM account."""
    return url_for("account.detail", user_id=user_id)
