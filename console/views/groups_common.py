"""What the groups pages share: the blueprint, group loading, answers for actions and errors."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from console import db, errors
from console import groups as domain
from console.errors import wants_fragment
from console.tim import TimError

bp = Blueprint("groups", __name__, url_prefix="/groups")

#: plain hints for the group error codes an operator meets (others: console.errors.HINTS)
GROUP_HINTS = {
    10004: _l("IM rejected a parameter, or this group type does not allow the operation."),
    10005: _l("Too many accounts in one request."),
    10006: _l("IM's frequency limit for this operation was reached. Wait and retry."),
    10007: _l("No permission: the group type or the member's role does not allow this."),
    10014: _l("The group is full. Raise its max members, or add fewer."),
    10017: _l("The sender is muted in this group (or everyone is)."),
    10021: _l("This group ID is already used. Choose another one."),
    10025: _l("You already used this group ID. Destroy that group first, or choose another one."),
    10030: _l("No such message (already recalled, or the seq is wrong)."),
    10036: _l("The edition's limit of live groups (AVChatRoom) is reached."),
    10037: _l("The account has created or joined too many groups."),
    10038: _l("More members than the group (or the edition) allows."),
    10053: _l("Too many @ mentions in one message."),
    10058: _l("The edition's group quota is used up."),
    80002: _l("The message is too long (12 KB at most)."),
}


def hint(code: int | None) -> str:
    return str(GROUP_HINTS.get(code) or errors.hint_for(code))


@bp.app_template_filter("unixtime")
def unixtime(value) -> str:
    """Unix seconds -> the operator's local time (empty for 0)."""
    if not value:
        return ""
    from console.i18n import localtime

    return localtime(dt.datetime.fromtimestamp(int(value), dt.timezone.utc))


@bp.app_template_global("account_url")
def account_url(user_id: str) -> str:
    """The account page of `user_id` (built by the accounts pages)."""
    return "/accounts/" + quote(user_id, safe="")


@bp.app_template_global("group_type_label")
def group_type_label(group_type: str) -> str:
    label = domain.TYPE_LABELS.get(group_type)
    return str(label) if label else group_type


@bp.errorhandler(TimError)
def _errors(exc: TimError):
    """IM errors on group pages: a toast with code and hint for htmx; 404 for a missing group."""
    db.session.rollback()
    title = _("IM error %(code)s", code=exc.code)
    if wants_fragment():
        return errors.toast(f"{title}: {exc.info}" if exc.info else title, code=exc.code, hint=hint(exc.code))
    status = 404 if exc.code in (10010, 10015) else (400 if exc.code == 0 else 502)
    return render_template("error.html", status=status, title=title, message=exc.info or "",
                           code=exc.code, hint=hint(exc.code)), status


def load_group(group_id: str):
    """The group's full record from IM (404 when it does not exist)."""
    if not group_id or len(group_id.encode()) > 128:
        abort(404)
    return g.tim.group.get_group(group_id)


def form_problem(message: str, target_status: int = 400):
    """A validation error: a fragment for htmx (200 so it is swapped), else a 400 page."""
    if wants_fragment():
        return render_template("groups/_result.html", error=message)
    return render_template("error.html", status=target_status, title=_("Check the form"), message=message,
                           code=None, hint=None), target_status


def done(message: str, url: str):
    """A successful action: flash `message` and reload `url` (HX-Redirect for htmx)."""
    flash(message, "success")
    if wants_fragment():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, code=303)


def outcomes(message: str, items: list, *, job=None):
    """Per-item results of a batch action, as a fragment."""
    return render_template("groups/_result.html", message=message, items=items, job=job,
                           ok=sum(1 for i in items if i.ok), failed=sum(1 for i in items if not i.ok))


def group_url(endpoint: str, group_id: str, **kwargs) -> str:
    return url_for(endpoint, group_id=group_id, **kwargs)


def checked(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "yes")
