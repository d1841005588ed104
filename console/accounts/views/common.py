"""Helpers shared by the account view modules (no routes here)."""
from __future__ import annotations

import functools

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from console import forms
from console.accounts.domain import protected_ids
from console.errors import hint_for
from console.ui.htmx import toast
from console.ui.outcomes import changed, done, item_results as results, item_rows  # noqa: F401 (the account views' answers)

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
