"""What the groups pages share: the blueprint, group loading, answers for actions and errors."""
from __future__ import annotations


from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from htmx_flask import make_response

from console import db, errors, forms
from console.forms import FormError
from console.groups import domain
from console.ui import labels
from console.ui.htmx import wants_fragment
from console.tim import TimError

bp = Blueprint("groups", __name__, url_prefix="/groups")

def hint(code: int | None) -> str:
    return domain.hint_for(code) or errors.hint_for(code)


@bp.app_template_global("group_type_label")
def group_type_label(group_type: str) -> str:
    return labels.label("group_type", group_type) or group_type


@bp.errorhandler(TimError)
def _errors(exc: TimError):
    """IM errors on group pages: the console's answer, with the groups' own hints."""
    db.session.rollback()
    return errors.im_error_page(exc, hint=hint(exc.code))


def load_group(group_id: str, need: str | None = None):
    """The group's full record from IM (404 when it does not exist). With `need`, a group whose type
    forbids that feature is refused with the reason (a FormError), before any other IM call."""
    if not group_id or len(group_id.encode()) > 128:
        abort(404)
    group = g.tim.group.get_group(group_id)
    if need:
        refuse(group, need)
    return group


def refuse(group, feature: str) -> None:
    """Raise FormError with the reason when `group`'s type forbids `feature`."""
    reason = domain.forbidden(group.type).get(feature)
    if reason:
        raise FormError(reason)


def tab_url(tab: str, group_id: str) -> str:
    """Where an action of a tab sends the operator back to."""
    return url_for(f"groups.{tab}", group_id=group_id)


def done(message: str, url: str):
    """A successful action: flash `message` and reload `url` (HX-Redirect for htmx)."""
    flash(message, "success")
    if wants_fragment():
        return make_response("", 204, redirect=url)
    return redirect(url, code=303)


def outcomes(message: str, items: list, *, job=None):
    """Per-item results of a batch action, as a fragment."""
    return render_template("groups/_result.html", message=message, items=items, job=job,
                           ok=sum(1 for i in items if i.ok), failed=sum(1 for i in items if not i.ok))


def checked(name: str) -> bool:
    return forms.flag(request.form.get(name))
