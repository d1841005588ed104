"""One-to-one messages: send (with a live preview), batch send, conversation viewer (recall, mark
read, unread counts), history import, global mute."""
from __future__ import annotations

import datetime as dt
import random

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from console import db, forms, jobs
from console.messaging import domain as messaging
from console.messaging import jobs as message_jobs
from console.ui.htmx import toast, trigger
from console.forms import FormError
from console.models import Account, Job
from console.security import current_user, role_required, sudo_required

bp = Blueprint("messages", __name__, url_prefix="/messages")

PAGE_SIZE = 50
ACCOUNT_PAGE = "account.detail"  # the accounts section's page of one account


def _composer_context(**extra) -> dict:
    return dict(kinds=messaging.ELEMENT_KINDS, controls=messaging.SEND_CONTROLS,
                forbid=messaging.FORBID_CALLBACKS, lifetimes=messaging.LIFETIMES,
                admin=current_app.config.get("TIM_ADMIN"), **extra)


@bp.route("")
@role_required("viewer")
def index():
    return render_template("messaging/index.html", **_composer_context(
        to=request.args.get("to", ""), sender=request.args.get("sender", "")))


@bp.route("/element")
@role_required("viewer")
def element():
    """Fragment: one more element editor (kind and index from the query)."""
    index = forms.query_int(request.args, "i", hi=999, clamp=True)
    if index is None:  # the page's script numbers new editors; without it, pick a high free-ish one
        index = random.randint(100, 999)
    kind = request.args.get("kind") or request.args.get(f"el-{index}-type") or "text"
    if kind not in messaging.ELEMENT_KINDS:
        abort(404)
    return render_template("messaging/_element.html", kind=kind, spec=messaging.ELEMENT_KINDS[kind],
                           index=max(0, min(index, 999)), kinds=messaging.ELEMENT_KINDS)


def _display_name(user_id: str | None) -> str:
    """The nickname the directory knows for `user_id` (the admin when None), else the ID."""
    if not user_id:
        return current_app.config.get("TIM_ADMIN") or ""
    nickname = db.session.scalar(select(Account.nickname).where(Account.user_id == user_id))
    return nickname or user_id


@bp.route("/preview", methods=["POST"])
@role_required("viewer")
def preview():
    """Fragment: what the recipient will see, for the composer's current state."""
    single = request.form.get("mode") != "batch"
    try:
        composed = messaging.compose(request.form, single=single)
    except FormError as exc:
        if messaging.nothing_written(request.form):
            return render_template("messaging/_preview.html", problems=None, empty=True)
        return render_template("messaging/_preview.html", problems=exc.problems)
    options = composed.options
    push = options.get("offline_push_info")
    sender = options.get("sender")
    return render_template("messaging/_preview.html", problems=None, body=composed.body, options=options,
                           sender=sender or current_app.config.get("TIM_ADMIN"),
                           sender_name=_display_name(sender),
                           notification=messaging.notification_text(composed.body, push),
                           push=push, size=messaging.message_size(composed.body),
                           limit=messaging.tm.MAX_MESSAGE_BYTES)


@bp.route("/send", methods=["POST"])
@role_required("operator")
def send():
    to, composed = forms.collect(lambda: forms.user_id(request.form.get("to"), "to", _("Recipient")),
                                 lambda: messaging.compose(request.form, single=True))
    result = g.tim.c2c.send_message(to, composed.body, **composed.options)
    sender = composed.options.get("sender") or current_app.config.get("TIM_ADMIN")
    return render_template("messaging/_sent.html", result=result, to=to, sender=sender,
                           at=dt.datetime.fromtimestamp(result.msg_time or 0, dt.timezone.utc))


# ---- batch ----------------------------------------------------------------------------------

@bp.route("/batch")
@role_required("viewer")
def batch():
    return render_template("messaging/batch.html", pacing=messaging.pacing(0),
                           recent=_recent_jobs(message_jobs.BATCH_SEND), **_composer_context())


def _recent_jobs(kind: str) -> list[Job]:
    return jobs.recent(db.session, kind)


@bp.route("/batch", methods=["POST"])
@role_required("operator")
def batch_send():
    ids, composed = forms.collect(lambda: messaging.recipients(request.form, request.files, db.session),
                                  lambda: messaging.compose(request.form, single=False))
    if len(ids) <= messaging.MAX_BATCH and request.form.get("as_job") != "1":
        result = g.tim.c2c.send_messages(ids, composed.body, **composed.options)
        return render_template("messaging/_batch_result.html", result=result, items=result.items,
                               pacing=messaging.pacing(len(ids)))
    job = jobs.start(message_jobs.BATCH_SEND, {"body": composed.body, "options": composed.options},
                     current_user, items=ids)
    return render_template("messaging/_batch_job.html", job=job, pacing=messaging.pacing(len(ids)))


# ---- conversation viewer ---------------------------------------------------------------------

def _range(args) -> tuple[int, int]:
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    until, since = forms.collect(lambda: forms.local_time(args.get("until"), "until", _("Until")),
                                 lambda: forms.local_time(args.get("since"), "since", _("Since")))
    until = until or now
    if since is None:
        since = until - 7 * 86400
    return min(since, until), until


@bp.route("/conversation")
@role_required("viewer")
def conversation():
    a, b = (request.args.get("a") or "").strip(), (request.args.get("b") or "").strip()
    return render_template("messaging/conversation.html", a=a, b=b, since=request.args.get("since", ""),
                           until=request.args.get("until", ""), account_urls=_account_urls(a, b))


def _account_urls(*user_ids: str) -> dict[str, str]:
    """Links to the account pages (when the accounts section is installed)."""
    if ACCOUNT_PAGE not in current_app.view_functions:
        return {}
    return {uid: url_for(ACCOUNT_PAGE, user_id=uid) for uid in user_ids if uid}


@bp.route("/conversation/page")
@role_required("viewer")
def conversation_page():
    """Fragment: one page of the history as `a` sees it, with an "older" link while there is more."""
    a, b = forms.collect(lambda: forms.user_id(request.args.get("a"), "a", _("Account")),
                         lambda: forms.user_id(request.args.get("b"), "b", _("Peer")))
    since, until = _range(request.args)
    max_time = forms.query_int(request.args, "max_time", hi=forms.UINT32_MAX) or until
    page = g.tim.c2c.fetch_messages(a, b, min_time=since, max_time=min(max_time, until),
                                    max_count=PAGE_SIZE, last_msg_key=request.args.get("last_key") or None)
    more = None
    if page.has_more and page.last_msg_key:
        more = url_for("messages.conversation_page", a=a, b=b, since=request.args.get("since", ""),
                       until=request.args.get("until", ""), max_time=page.last_msg_time,
                       last_key=page.last_msg_key)
    return render_template("messaging/_conversation_page.html", rows=messaging.message_rows(page), a=a, b=b,
                           more=more, first=not request.args.get("last_key"))


@bp.route("/recall", methods=["POST"])
@role_required("operator")
def recall():
    sender, to, key = (request.form.get(k, "").strip() for k in ("sender", "to", "msg_key"))
    if not (sender and to and key):
        raise FormError(_("A recall needs the sender, the recipient and the message key."))
    g.tim.c2c.revoke_message(sender, to, key)
    # the history reloads in place (history-changed), showing the message as IM now lists it
    return render_template("messaging/_recalled.html", key=key), 200, trigger("history-changed")


@bp.route("/read", methods=["POST"])
@role_required("operator")
def mark_read():
    user, peer = forms.collect(lambda: forms.user_id(request.form.get("user"), "user", _("Reader")),
                               lambda: forms.user_id(request.form.get("peer"), "peer", _("Peer")))
    g.tim.c2c.set_message_read(user, peer)
    return _unread(user, [peer], done=_("Marked read: %(user)s’s conversation with %(peer)s.",
                                        user=user, peer=peer))


def _unread(user: str, peers: list[str], done: str | None = None):
    counts = messaging.unread_counts(g.tim, user, peers)
    return render_template("messaging/_unread.html", counts=counts, done=done)


@bp.route("/unread")
@role_required("viewer")
def unread():
    user, peers = forms.collect(
        lambda: forms.user_id(request.args.get("user"), "user", _("Account")),
        lambda: forms.user_ids(request.args.get("peers"), "peers", _("Peers"), required=False,
                               limit=messaging.MAX_UNREAD_PEERS))
    return _unread(user, peers)


# ---- history import --------------------------------------------------------------------------

@bp.route("/import")
@role_required("viewer")
def import_page():
    return render_template("messaging/import.html", recent=_recent_jobs(message_jobs.IMPORT), **_composer_context())


@bp.route("/import/one", methods=["POST"])
@role_required("operator")
def import_one():
    record = messaging.plan_import_one(request.form)
    sender, to = record["From_Account"], record["To_Account"]
    messaging.import_record(g.tim, record, realtime=request.form.get("realtime") == "1")
    return toast(_("Imported: %(sender)s → %(to)s.", sender=sender, to=to), level="success")


@bp.route("/import/file", methods=["POST"])
@role_required("operator")
def import_file():
    upload = request.files.get("file")
    text = upload.read().decode("utf-8-sig", errors="replace") if upload and upload.filename else \
        request.form.get("lines", "")
    records, problems = messaging.parse_jsonl(text)
    if problems:
        shown = problems[:50] + ([_("… and %(n)d more.", n=len(problems) - 50)] if len(problems) > 50 else [])
        raise FormError({f"line-{n}": problem for n, problem in enumerate(shown)})
    job = jobs.start(message_jobs.IMPORT, {"records": records, "realtime": request.form.get("realtime") == "1"},
                     current_user, items=[str(n) for n in range(1, len(records) + 1)])
    return render_template("messaging/_batch_job.html", job=job, pacing=None)


# ---- global mute -----------------------------------------------------------------------------

@bp.route("/mute")
@role_required("viewer")
def mute():
    return render_template("messaging/mute.html", user_id=request.args.get("user_id", ""),
                           muted=messaging.muted_accounts(db.session), choices=messaging.MUTE_CHOICES)


@bp.route("/mute/panel")
@role_required("viewer")
def mute_panel():
    """Fragment: an account's global mute state, read from IM (embeddable on the account page)."""
    return _mute_state(forms.user_id(request.args.get("user_id"), "user_id", _("Account")))


def _mute_state(user_id: str, done: str | None = None):
    state = g.tim.mute.get_no_speaking(user_id)
    messaging.remember_mute(db.session, user_id, state.c2c, state.group)
    db.session.commit()
    return render_template("messaging/_mute_state.html", user_id=user_id, state=state, done=done,
                           choices=messaging.MUTE_CHOICES, describe=messaging.describe_seconds)


@bp.route("/mute", methods=["POST"])
@role_required("operator")
@sudo_required
def mute_set():
    user_id, c2c, group = messaging.plan_mute(request.form)
    g.tim.mute.set_no_speaking(user_id, c2c=c2c, group=group)
    return _mute_state(user_id, done=_("Saved the mute of %(user)s.", user=user_id))
