"""Messages after the send: edit a stored one-to-one message, delete messages from one side's
history (typed confirmation), send read receipts, and message extensions (view and edit the
key-value pairs of a C2C or group message). The conversation viewer links here from each message."""
from __future__ import annotations

import itertools

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from console.audit.client import detail as audit_detail
from console.messaging import history
from console.security import role_required, sudo_required
from console.tim import TimError
from console.errors import hint_for
from console.ui.outcomes import done, item_results

bp = Blueprint("message_history", __name__, url_prefix="/messages")

EXT_CHANGED = "extensions-changed"

bp.add_app_template_global(history.text_of, "text_of")


@bp.route("/edit", methods=["POST"])
@role_required("operator")
def edit():
    """Overwrite a stored message's text and/or CloudCustomData (IM keeps no copy of the old one)."""
    plan = history.plan_edit(request.form)
    sender, to, key, at = plan.pop("sender"), plan.pop("to"), plan.pop("msg_key"), plan.pop("at")
    stored = history.stored_message(g.tim, sender, to, key, at)
    before = {"body": stored.body, "cloud_custom_data": stored.cloud_custom_data} if stored else None
    after = {"body": history.text_body(plan["body"]) if "body" in plan else (stored.body if stored else None),
             "cloud_custom_data": plan.get("cloud_custom_data", stored.cloud_custom_data if stored else None)}
    with audit_detail(before=before, after=after):   # the audit entry shows both side by side
        g.tim.c2c.modify_message(sender, to, key, **plan)
    return done(_("Message edited. Reload the conversation to see it."))


@bp.route("/delete-one-sided", methods=["POST"])
@role_required("operator")
def delete_one_sided():
    owner, peer, keys = history.plan_one_sided(request.form)
    result = g.tim.c2c.delete_messages_one_sided(owner, peer, keys)
    return item_results(result, ngettext("%(num)d message deleted from %(id)s’s history only",
                                         "%(num)d messages deleted from %(id)s’s history only", len(keys), id=owner))


@bp.route("/delete-one-sided/range", methods=["POST"])
@role_required("admin")
@sudo_required
def delete_one_sided_range():
    """Every message of a time range leaves one side's history (read page by page, then deleted 30
    keys per IM call; at most MAX_RANGE_DELETE messages at once)."""
    owner, peer, since, until = history.plan_one_sided_range(request.form)
    messages = g.tim.c2c.iter_messages(owner, peer, min_time=since, max_time=until, page_size=100)
    keys = [m.msg_key for m in itertools.islice(messages, history.MAX_RANGE_DELETE) if m.msg_key]
    if not keys:
        return done(_("No messages in this range: nothing was deleted."))
    result = g.tim.c2c.delete_messages_one_sided(owner, peer, keys)
    return item_results(result, ngettext("%(num)d message deleted from %(id)s’s history only",
                                         "%(num)d messages deleted from %(id)s’s history only", len(keys), id=owner))


@bp.route("/read-receipt", methods=["POST"])
@role_required("operator")
def read_receipt():
    reader, peer, keys = history.plan_receipt(request.form)
    g.tim.c2c.send_read_receipts(reader, peer, keys)
    return done(ngettext("%(reader)s reported %(num)d message of %(peer)s as read.",
                         "%(reader)s reported %(num)d messages of %(peer)s as read.", len(keys),
                         reader=reader, peer=peer))


# ---- message extensions --------------------------------------------------------------------------

@bp.route("/extensions")
@role_required("viewer")
def extensions():
    """The page: which message (a C2C key or a group sequence number), then its pairs."""
    target = history.extension_target(request.args) if _asked() else None
    pairs = Markup(extension_pairs()) if target else ""
    return render_template("messaging/extensions.html", target=target, args=request.args, pairs_html=pairs)


def _asked() -> bool:
    return bool(request.args.get("msg_key") or request.args.get("msg_seq"))


@bp.route("/extensions/pairs")
@role_required("viewer")
def extension_pairs():
    """Fragment: the pairs of one message (one page of up to 200), or why IM has none to show."""
    target = history.extension_target(request.args)
    try:
        page = _ext("get", target)
    except TimError as exc:
        return render_template("messaging/_extensions.html", target=target, error=exc, hint=hint_for(exc.code))
    return render_template("messaging/_extensions.html", target=target, page=page)


def _ext(action: str, target: dict, *args):
    api = g.tim.message_ext
    if target["kind"] == "group":
        return getattr(api, f"{action}_group_extensions")(target["group_id"], target["msg_seq"], *args)
    return getattr(api, f"{action}_c2c_extensions")(target["to"], target["msg_key"], *args, sender=target["sender"])


def _write(result, title: str):
    failed = [item for item in result if not item.ok]
    if failed:
        return item_results(result, title, EXT_CHANGED)
    return done(title, EXT_CHANGED)


@bp.route("/extensions/set", methods=["POST"])
@role_required("operator")
def extension_set():
    target = history.extension_target(request.form)
    key, value = history.extension_pair(request.form)
    return _write(_ext("set", target, {key: value}), _("Extension %(key)s set.", key=key))


@bp.route("/extensions/delete", methods=["POST"])
@role_required("operator")
def extension_delete():
    target = history.extension_target(request.form)
    key, _value = history.extension_pair(request.form)
    return _write(_ext("delete", target, [key]), _("Extension %(key)s deleted.", key=key))


@bp.route("/extensions/clear", methods=["POST"])
@role_required("operator")
def extension_clear():
    target = history.extension_target(request.form)
    _ext("clear", target)
    return done(_("Every extension of the message was deleted."), EXT_CHANGED)
