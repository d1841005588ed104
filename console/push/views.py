"""Pushes to every user or to a segment (tags / attributes), push history, attribute names and the
attributes and tags of users. Works with the legacy and the current push API (TIM_PUSH_API)."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _

from console import db, forms
from console.messaging import domain as messaging
from console.push import domain as pushing
from console.forms import FormError
from console.security import current_user, role_required, sudo_required

bp = Blueprint("push", __name__, url_prefix="/push")

EVERYONE_WORD = "everyone"


def _api() -> str:
    return g.tim.push.api


@bp.route("")
@role_required("viewer")
def index():
    return render_template("push/index.html", api=_api(), kinds=messaging.ELEMENT_KINDS,
                           lifetimes=messaging.LIFETIMES, everyone_word=EVERYONE_WORD)


def _checked_plan(api: str):
    """The push plan of the submitted composer; FormError when it is not valid or the operator
    may not push to that audience."""
    plan = pushing.plan(request.form, api)
    if plan.audience.kind == "all" and not current_user.has_role("admin"):
        raise FormError(_("Only an admin may push to every user."), "target")
    return plan


@bp.route("/confirm", methods=["POST"])
@role_required("operator")
def confirm():
    """Fragment: check the composer and say whom the push targets, with the button that sends it."""
    api = _api()
    plan = _checked_plan(api)
    return render_template("push/_confirm.html", plan=plan, api=api, everyone_word=EVERYONE_WORD,
                           notification=messaging.notification_text(
                               plan.composed.body, plan.composed.options.get("offline_push_info")))


@bp.route("/send", methods=["POST"])
@role_required("operator")
@sudo_required(when=lambda: (request.form.get("target") or "all") == "all")  # a push to every user
def send():
    api = _api()
    plan = _checked_plan(api)
    if plan.fingerprint != request.form.get("confirmed"):
        raise FormError(_("The audience or the message changed since you reviewed it. Review it again."))
    if plan.audience.kind == "all":
        if (request.form.get("typed") or "").strip().lower() != EVERYONE_WORD:
            raise FormError(_("Type “%(word)s” to confirm a push to every user.", word=EVERYONE_WORD), "typed")
    record = pushing.execute(g.tim, db.session, plan, api, current_user.name)
    return render_template("push/_sent.html", record=record)


@bp.route("/history")
@role_required("viewer")
def history():
    return render_template("push/history.html", records=pushing.history(db.session), api=_api())


# ---- attributes and tags ---------------------------------------------------------------------

@bp.route("/attributes")
@role_required("viewer")
def attributes():
    return render_template("push/attributes.html", api=_api(), ids=request.args.get("ids", ""),
                           slots=pushing.ATTR_SLOTS, max_users=pushing.MAX_USERS)


@bp.route("/attributes/names")
@role_required("viewer")
def attr_names():
    """Fragment: the app's attribute names (IM call), as an editable form."""
    names = g.tim.push.get_attr_names()
    return render_template("push/_attr_names.html", names=names, api=_api(), slots=pushing.ATTR_SLOTS)


@bp.route("/attributes/names", methods=["POST"])
@role_required("operator")
@sudo_required
def attr_names_set():
    api = _api()
    names, types = pushing.attr_names_from_form(request.form, api)
    g.tim.push.set_attr_names(names, types or None)
    return render_template("push/_attr_names.html", names=g.tim.push.get_attr_names(), api=api,
                           slots=pushing.ATTR_SLOTS, done=_("Attribute names saved."))


@bp.route("/users")
@role_required("viewer")
def users():
    """Fragment: the attributes and tags of up to 100 users."""
    ids = forms.user_ids(request.args.get("ids"), "ids", _("Users"), limit=pushing.MAX_USERS)
    return render_template("push/_users.html", rows=pushing.user_overview(g.tim, ids))


WRITERS = {
    "add_tags": ("add_user_tags", pushing.bulk_lines),
    "remove_tags": ("delete_user_tags", pushing.bulk_lines),
    "set_attrs": ("set_user_attrs", pushing.bulk_attrs),
    "remove_attrs": ("delete_user_attrs", pushing.bulk_lines),
}


@bp.route("/users", methods=["POST"])
@role_required("operator")
def users_write():
    """Add/remove tags, set/remove attributes (one line per user), or clear every tag of users."""
    action = request.form.get("action", "")
    if action == "clear_tags":
        ids = forms.user_ids(request.form.get("ids"), "ids", _("Users"), limit=pushing.MAX_USERS)
        result = g.tim.push.delete_user_all_tags(ids)
    elif action in WRITERS:
        method, parse = WRITERS[action]
        data = parse(request.form.get("lines", ""))
        if action == "add_tags" and any(len(v) > 10 for v in data.values()):
            raise FormError(_("At most 10 tags per user in one call."), "lines")
        result = getattr(g.tim.push, method)(data)
    else:
        abort(400)
    return render_template("push/_write_result.html", result=result, action=action,
                           rows=pushing.user_overview(g.tim, [i.id for i in result.items]))
