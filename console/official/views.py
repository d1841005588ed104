"""Official accounts (`/official`): the ones the console knows of (IM cannot list them all) and a
lookup by ID; create, edit, disband (typed confirmation); subscribers (add, remove); compose,
send, recall and the history of its messages. One audited IM call per action."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from htmx_flask import make_response

from console import db, errors, forms
from console.official import domain
from console.security import role_required, sudo_required
from console.tim import TimError
from console.tim.api.official_account import LIMITS, MAX_HISTORY_PAGE, PREFIX
from console.ui.htmx import targets, wants_fragment
from console.ui.outcomes import done, item_results

bp = Blueprint("official", __name__, url_prefix="/official")

SUBSCRIBERS_CHANGED, MESSAGES_CHANGED = "subscribers-changed", "official-messages-changed"
SUBSCRIBER_PAGE = 100


def _checked(account_id: str) -> str:
    if domain.account_id_problem(account_id):
        abort(404)
    return account_id


def _tabs(account_id: str) -> list[tuple]:
    return [("profile", _("Profile"), url_for("official.detail", account_id=account_id)),
            ("subscribers", _("Subscribers"), url_for("official.subscribers", account_id=account_id)),
            ("messages", _("Messages"), url_for("official.messages", account_id=account_id))]


def _go(url: str, message: str):
    """Send the browser to `url` (HX-Redirect for htmx), where `message` is shown."""
    flash(message, "success")
    return make_response("", 204, redirect=url) if wants_fragment() else redirect(url, code=303)


@bp.route("")
@role_required("viewer")
def index():
    wanted = (request.args.get("id") or "").strip()
    if wanted:
        return redirect(url_for("official.detail", account_id=domain.account_id(wanted)))
    ids = domain.known_ids(db.session)
    accounts = [a for a in g.tim.official_account.get_accounts(ids)] if ids else []
    return render_template("official/index.html", accounts=accounts, prefix=PREFIX, limits=LIMITS)


@bp.route("/create", methods=["POST"])
@role_required("operator")
def create():
    created = g.tim.official_account.create(**domain.plan_create(request.form))
    return _go(url_for("official.detail", account_id=created.account_id),
               _("Official account %(id)s created.", id=created.account_id))


def _account(account_id: str):
    return g.tim.official_account.get_account(_checked(account_id))


@bp.route("/<account_id>")
@role_required("viewer")
def detail(account_id: str):
    account = _account(account_id)
    return render_template("official/detail.html", account=account, account_id=account_id, tab="profile",
                           tabs=_tabs(account_id), limits=LIMITS)


@bp.route("/<account_id>/update", methods=["POST"])
@role_required("operator")
def update(account_id: str):
    account = _account(account_id)
    changes = domain.plan_update(request.form, account)
    g.tim.official_account.update(account_id, **changes)
    return _go(url_for("official.detail", account_id=account_id), _("Official account %(id)s saved.", id=account_id))


@bp.route("/<account_id>/disband", methods=["POST"])
@role_required("admin")
@sudo_required
def disband(account_id: str):
    account_id = _checked(account_id)
    forms.typed_confirmation(request.form.get("confirm"), account_id)
    g.tim.official_account.destroy(account_id)
    return _go(url_for("official.index"), _("Official account %(id)s disbanded.", id=account_id))


def _page(fetch, cursor: str | None):
    """One page of a list; a page cursor IM refuses (a hand-made address) is a 400, not a 502."""
    try:
        return fetch()
    except TimError as exc:
        if cursor and exc.code not in (-1, *errors.RATE_LIMIT_CODES):
            abort(400, _("This page of the list does not exist (the page cursor was refused)."))
        raise


# ---- subscribers --------------------------------------------------------------------------------

@bp.route("/<account_id>/subscribers")
@role_required("viewer")
def subscribers(account_id: str):
    account_id = _checked(account_id)
    cursor = (request.args.get("next") or "")[:256]
    page = _page(lambda: g.tim.official_account.fetch_subscribers(account_id, cursor, SUBSCRIBER_PAGE), cursor)
    template = "official/_subscriber_list.html" if targets("subscriber-list") else "official/subscribers.html"
    return render_template(template, account_id=account_id, page=page, cursor=cursor, tab="subscribers",
                           tabs=_tabs(account_id))


def _user_ids() -> list[str]:
    return forms.user_ids(request.form.getlist("ids"), "ids", _("User IDs"), limit=1000)


@bp.route("/<account_id>/subscribers/add", methods=["POST"])
@role_required("operator")
def add_subscribers(account_id: str):
    result = g.tim.official_account.add_subscribers(_checked(account_id), _user_ids())
    return item_results(result, _("Add subscribers"), SUBSCRIBERS_CHANGED)


@bp.route("/<account_id>/subscribers/remove", methods=["POST"])
@role_required("operator")
def remove_subscribers(account_id: str):
    result = g.tim.official_account.delete_subscribers(_checked(account_id), _user_ids())
    return item_results(result, _("Remove subscribers"), SUBSCRIBERS_CHANGED)


# ---- messages -----------------------------------------------------------------------------------

@bp.route("/<account_id>/messages")
@role_required("viewer")
def messages(account_id: str):
    account_id = _checked(account_id)
    before = (request.args.get("before") or "")[:128] or None
    page = _page(lambda: g.tim.official_account.fetch_messages(account_id, before, MAX_HISTORY_PAGE,
                                                               with_recalled=True), before)
    template = "official/_message_list.html" if targets("official-messages") else "official/messages.html"
    return render_template(template, account_id=account_id, page=page, first=before is None, tab="messages",
                           tabs=_tabs(account_id))


@bp.route("/<account_id>/messages/send", methods=["POST"])
@role_required("operator")
def send(account_id: str):
    sent = g.tim.official_account.send_message(_checked(account_id), **domain.plan_send(request.form))
    return done(_("Sent to every subscriber (message key %(key)s).", key=sent.msg_key), MESSAGES_CHANGED)


@bp.route("/<account_id>/messages/recall", methods=["POST"])
@role_required("operator")
def recall(account_id: str):
    keys, reason = domain.plan_recall(request.form)
    result = g.tim.official_account.revoke_messages(_checked(account_id), keys, reason)
    return item_results(result, _("Recall messages"), MESSAGES_CHANGED)
