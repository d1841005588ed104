"""Top-level navigation, and "coming soon" pages for sections whose blueprint is not built yet."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from console.security import role_required

# (section, label, the endpoint its real blueprint will provide, minimum role)
SECTIONS = [
    ("dashboard", _l("Dashboard"), "dashboard.index", "viewer"),
    ("accounts", _l("Accounts"), "accounts.index", "viewer"),
    ("groups", _l("Groups"), "groups.index", "viewer"),
    ("messages", _l("Messages"), "messages.index", "viewer"),
    ("push", _l("Push"), "push.index", "viewer"),
    ("operations", _l("Operations"), "operations.index", "viewer"),
    ("events", _l("Events"), "events.index", "viewer"),
    ("audit", _l("Audit"), "audit.index", "viewer"),
    ("jobs", _l("Jobs"), "jobs.index", "viewer"),
    ("operators", _l("Operators"), "operators.index", "admin"),
    ("settings", _l("Settings"), "settings.index", "viewer"),
]

def _soon_view(section: str, label):
    @role_required("viewer")
    def view():
        return render_template("placeholder.html", section=section, label=label)

    view.__name__ = section
    return view


def register_missing(app) -> None:
    """Add /<section> "coming soon" pages for sections no blueprint serves yet."""
    missing = [(s, label) for s, label, endpoint, _ in SECTIONS if endpoint not in app.view_functions]
    if not missing:
        return
    soon = Blueprint("placeholders", __name__)
    for section, label in missing:
        soon.add_url_rule(f"/{section}", section, _soon_view(section, label))
    app.register_blueprint(soon)


def nav_items(user) -> list[dict]:
    """The navigation entries `user` may open: section, label, url."""
    items = []
    for section, label, endpoint, role in SECTIONS:
        if not (user and user.is_authenticated and user.has_role(role)):
            continue
        if endpoint not in current_app.view_functions:
            endpoint = f"placeholders.{section}"
        items.append({"section": section, "label": label, "url": url_for(endpoint)})
    return items
