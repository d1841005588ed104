"""The account page: directory facts, live profile (view and edit), presence per platform, kick,
global mute, groups joined with roles, push attributes and tags, the UserSig generator (admin),
recent callback events and the History panel. Live sections load as separate fragments so one
failing IM call does not blank the page."""
from __future__ import annotations

import functools

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from console import db, forms
from console.forms import FormError
from console.ui.htmx import toast
from console.accounts import directory
from console.accounts import domain as accounts
from console.audit import record_action
from console.events import store
from console.errors import hint_for
from console.models import Account
from console.security import role_required, sudo_required
from console.tim import TimError
from console.accounts.views.common import checked_user_id, done, inline_im_errors, is_protected, refuse_protected

bp = Blueprint("account", __name__, url_prefix="/accounts/u")

RECENT_EVENTS = 10


def _entry(user_id: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.user_id == user_id))


def _profile_attrs(user_id: str) -> dict:
    tags = [*accounts.STANDARD_TAGS, *accounts.custom_profile_tags(current_app.config)]
    return g.tim.profile.get_profile(user_id, tags).attrs


def unprotected(view):
    """Refuse (with a toast) to act on the console's admin and the App admins."""
    @functools.wraps(view)
    def wrapper(user_id: str):
        user_id = checked_user_id(user_id)
        return refuse_protected(user_id) or view(user_id)
    return wrapper


@bp.route("/<user_id>")
@role_required("viewer")
def detail(user_id: str):
    user_id = checked_user_id(user_id)
    entry = _entry(user_id)
    if not _imported(user_id, entry):
        return render_template("accounts/unknown.html", user_id=user_id, entry=entry), 404
    return render_template("accounts/detail.html", user_id=user_id, entry=entry, tab="overview",
                           protected=is_protected(user_id), mute_choices=accounts.MUTE_CHOICES,
                           expiries=accounts.USERSIG_EXPIRY)


def _imported(user_id: str, entry: Account | None) -> bool:
    """Whether IM knows the account: the directory's word when it has seen it imported, else one
    account_check, whose yes the directory keeps (an IM error leaves the page as it is: each
    section says what it could load)."""
    if (entry and entry.imported) or is_protected(user_id):
        return True
    try:
        imported = g.tim.account.check_account(user_id)
    except TimError:
        return True
    if imported:   # remembered: the next visit asks IM nothing
        directory.upsert_accounts(db.session, [{"user_id": user_id, "imported": True}], "imported")
        db.session.commit()
    return imported


@bp.route("/<user_id>/import", methods=["POST"])
@role_required("operator")
def import_here(user_id: str):
    """The one action of an unknown account's page: import it (no nickname), then show its page."""
    user_id = checked_user_id(user_id)
    g.tim.account.import_account(user_id)
    flash(_("%(id)s imported.", id=user_id), "success")
    return redirect(url_for("account.detail", user_id=user_id), code=303)


@bp.route("/<user_id>/profile")
@role_required("viewer")
@inline_im_errors(_l("Profile"))
def profile(user_id: str):
    user_id = checked_user_id(user_id)
    attrs = _profile_attrs(user_id)
    template = "accounts/_profile_form.html" if request.args.get("edit") else "accounts/_profile.html"
    return render_template(template, user_id=user_id, attrs=attrs, fields=accounts.PROFILE_FIELDS,
                           custom=accounts.custom_fields(attrs), problems={})


@bp.route("/<user_id>/profile", methods=["POST"])
@role_required("operator")
def edit_profile(user_id: str):
    user_id = checked_user_id(user_id)
    current = _profile_attrs(user_id)
    changes = accounts.plan_profile(request.form, current)
    g.tim.profile.set_profile(user_id, changes)
    attrs = {**current, **changes}
    return render_template("accounts/_profile.html", user_id=user_id, attrs=attrs, fields=accounts.PROFILE_FIELDS,
                           custom=accounts.custom_fields(attrs), saved=sorted(changes))


@bp.route("/<user_id>/presence")
@role_required("viewer")
@inline_im_errors(_l("Online state and mute"))
def presence(user_id: str):
    """Fragment: online state with per-platform detail, and the global mute state."""
    user_id = checked_user_id(user_id)
    from console.tim import TimError

    state = g.tim.account.get_accounts_online_state([user_id], detail=True).items[0]
    try:
        mute, mute_error = g.tim.mute.get_no_speaking(user_id), None
    except TimError as exc:  # e.g. an account IM does not know: show the rest of the section
        mute, mute_error = None, exc
    return render_template("accounts/_presence.html", user_id=user_id, state=state, mute=mute,
                           mute_error=mute_error, hint=hint_for(mute_error.code) if mute_error else "",
                           forever=accounts.MUTE_FOREVER, protected=is_protected(user_id),
                           mute_choices=accounts.MUTE_CHOICES)


@bp.route("/<user_id>/kick", methods=["POST"])
@role_required("operator")
@unprotected
def kick(user_id: str):
    g.tim.account.kick_account(user_id)
    return done(_("%(id)s was signed out on every device.", id=user_id))


@bp.route("/<user_id>/mute", methods=["POST"])
@role_required("operator")
@sudo_required
@unprotected
def mute(user_id: str):
    g.tim.mute.set_no_speaking(user_id, **accounts.plan_mute(request.form))
    return done(_("Global mute of %(id)s updated.", id=user_id), "presence")


@bp.route("/<user_id>/groups")
@role_required("viewer")
@inline_im_errors(_l("Groups"))
def groups(user_id: str):
    """Fragment: groups the account belongs to, with its role in each."""
    user_id = checked_user_id(user_id)
    joined = list(g.tim.group.iter_member_groups(user_id, self_fields=["Role", "JoinTime"],
                                                 base_fields=["Type", "Name", "MemberNum"]))
    return render_template("accounts/_groups.html", user_id=user_id, groups=joined)


@bp.route("/<user_id>/push")
@role_required("viewer")
@inline_im_errors(_l("Push attributes and tags"))
def push(user_id: str):
    """Fragment: the account's push attributes and tags."""
    return _push_fragment(checked_user_id(user_id))


def _push_fragment(user_id: str, message: str | None = None):
    attrs = g.tim.push.get_user_attrs([user_id]).items[0]
    tags = g.tim.push.get_user_tags([user_id]).items[0]
    return render_template("accounts/_push.html", user_id=user_id, attrs=attrs, tags=tags, message=message)


def _push_write(user_id: str, batch, message: str):
    """Show the push section again after a one-user write, or the service's refusal."""
    result = batch.items[0]
    if not result.ok:
        return toast(_("IM refused: %(code)s %(info)s", code=result.code, info=result.info), code=result.code)
    return _push_fragment(user_id, message)


@bp.route("/<user_id>/push/tags", methods=["POST"])
@role_required("operator")
def push_tags(user_id: str):
    """Add tags (at most 10 at once) or remove them."""
    user_id = checked_user_id(user_id)
    tags = list(dict.fromkeys(t.strip() for t in request.form.get("tags", "").split(",") if t.strip()))
    if not tags or len(tags) > 10 or any(forms.nbytes(t) > 50 for t in tags):
        raise FormError(_("Give 1 to 10 tags, separated by commas, each at most 50 bytes."), "tags")
    if request.form.get("op") == "remove":
        return _push_write(user_id, g.tim.push.delete_user_tags({user_id: tags}), _("Tags removed."))
    return _push_write(user_id, g.tim.push.add_user_tags({user_id: tags}), _("Tags added."))


@bp.route("/<user_id>/push/attrs", methods=["POST"])
@role_required("operator")
def push_attrs(user_id: str):
    """Set one push attribute (the name must be one of the app's attribute names) or remove it."""
    user_id = checked_user_id(user_id)
    name, value = forms.collect(
        lambda: forms.text(request.form.get("name"), "name", _("Attribute"), max_bytes=50, required=True),
        lambda: forms.text(request.form.get("value"), "value", _("Value"), max_bytes=50) or "")
    if request.form.get("op") == "remove":
        return _push_write(user_id, g.tim.push.delete_user_attrs({user_id: [name]}), _("Attribute removed."))
    return _push_write(user_id, g.tim.push.set_user_attrs({user_id: {name: value}}), _("Attribute set."))


@bp.route("/<user_id>/usersig", methods=["POST"])
@role_required("admin")
@sudo_required
def usersig(user_id: str):
    """Fragment: a UserSig for support, shown once. Audited without the sig; never stored or logged."""
    from console.tim import usersig as sigs

    user_id = checked_user_id(user_id)
    expiries = dict(accounts.USERSIG_EXPIRY)
    expire = request.form.get("expire", type=int)
    if expire not in expiries:
        raise FormError(_("Choose an expiry."), "expire")
    cfg = current_app.config
    sig = sigs.generate(int(cfg["TIM_APP_ID"]), cfg["TIM_SECRET"], user_id, expire)
    record_action("account.usersig", [user_id], detail={"expire_seconds": expire})
    return render_template("accounts/_usersig.html", user_id=user_id, sig=sig, label=expiries[expire])


@bp.route("/<user_id>/events")
@role_required("viewer")
def events(user_id: str):
    """Fragment: the latest callback events naming this account (when the events store exists)."""
    user_id = checked_user_id(user_id)
    with db.get_engine().connect() as conn:
        rows, _next = store.history(conn, store.Filters(account=user_id), limit=RECENT_EVENTS)
    return render_template("accounts/_events.html", user_id=user_id, rows=rows)
