"""Helpers shared by the account view modules (no routes here)."""
from __future__ import annotations

import functools

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from console import forms
from console.accounts.domain import protected_ids
from console.errors import hint_for
from console.ui.htmx import toast
from console.ui.htmx import trigger as htmx_trigger
from console.ui.htmx import trigger_all

MAX_FORM_IDS = 1000


def inline_im_errors(title: str):
    """For lazy-loaded page sections: an IM error is shown inside the section (code and hint)
    instead of leaving it "Loading…"; the failed call is audited like any other."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from console.tim import TimError

            try:
                return view(*args, **kwargs)
            except TimError as exc:
                return render_template("accounts/_im_error.html", title=str(title), code=exc.code,
                                       info=exc.info, hint=hint_for(exc.code))
        return wrapper
    return decorator


def checked_user_id(user_id: str) -> str:
    """The user ID of an account page's address; no account can have an invalid one (404)."""
    if forms.user_id_problem(user_id):
        abort(404)
    return user_id


def is_protected(user_id: str) -> bool:
    return user_id in protected_ids(current_app.config)


def refuse_protected(user_id: str):
    """A toast answer when `user_id` is protected, else None."""
    if is_protected(user_id):
        return toast(_("%(id)s is protected (the console's admin or an App admin): it cannot be deleted, "
                       "kicked or muted from the console.", id=user_id), status=409)
    return None


def form_ids(name: str = "ids", limit: int = MAX_FORM_IDS) -> list[str]:
    """User IDs from a textarea or repeated checkboxes (FormError when unusable)."""
    return forms.user_ids(request.form.getlist(name), name, _("User IDs"), limit=limit)


def item_rows(items) -> list[dict]:
    """Per-item outcomes (BatchResult items or job results) for the shared results table."""
    rows = []
    for item in items:
        code = getattr(item, "code", None)
        rows.append({"id": getattr(item, "id", None) or getattr(item, "item", ""), "ok": item.ok, "code": code,
                     "info": getattr(item, "info", None) or getattr(item, "detail", None) or "",
                     "hint": hint_for(code) if code and not item.ok else ""})
    return rows


def results(items, title: str, trigger: str | None = None):
    """The per-item results fragment; `trigger` names an htmx event for lists to refresh."""
    rows = item_rows(items)
    html = render_template("accounts/_items.html", rows=rows, title=title,
                           ok=sum(1 for r in rows if r["ok"]), failed=sum(1 for r in rows if not r["ok"]))
    return html, 200, changed(trigger)


def changed(trigger: str | None) -> dict:
    """Headers of a write's answer: `trigger` reloads its list, and any row selection clears."""
    return trigger_all(trigger, "selection-clear") if trigger else {}


def done(message: str, trigger: str | None = None):
    """A success note; `trigger` names an htmx event for lists to refresh."""
    return render_template("accounts/_done.html", message=message), 200, htmx_trigger(trigger)
