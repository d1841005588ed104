"""The group's messages tab: history by seq, send, system notification, recall, import.

Invalid forms raise `console.forms.FormError`, which console.errors answers beside the form."""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from console import forms
from console.forms import FormError
from console.groups import domain
from console.security import role_required
from console.groups.views.common import bp, done, load_group, outcomes, refuse, tab_url
from console.ui.htmx import trigger



@bp.route("/<path:group_id>/messages")
@role_required("viewer")
def messages(group_id: str):
    group = load_group(group_id)
    no = domain.forbidden(group.type)
    seq = forms.query_int(request.args, "seq", hi=forms.UINT32_MAX)
    page = None
    if "history" not in no:
        page = g.tim.group.fetch_messages(group.id, domain.HISTORY_PAGE, seq if seq and seq > 0 else None,
                                          with_recalled=True)
    return render_template("groups/messages.html", group=group, tab="messages", no=no, page=page,
                           seq=seq, kinds=domain.MSG_KINDS)


@bp.route("/<path:group_id>/messages/send", methods=["POST"])
@role_required("operator")
def send(group_id: str):
    group = load_group(group_id)
    sent = g.tim.group.send_message(group.id, **domain.plan_send(request.form))
    if sent.drop_reason:
        raise FormError(_("IM dropped the message: %(reason)s", reason=sent.drop_reason))
    if "history" in domain.forbidden(group.type):
        return done(_("Sent. Live groups keep no history, so it will not be listed."), tab_url("messages", group.id))
    return done(_("Sent as seq %(seq)d.", seq=sent.msg_seq), tab_url("messages", group.id))


@bp.route("/<path:group_id>/messages/notify", methods=["POST"])
@role_required("operator")
def notify(group_id: str):
    group = load_group(group_id)
    content = forms.text(request.form.get("content"), "content", _("Content"), max_bytes=12 * 1024, required=True)
    ids = forms.user_ids(request.form.get("accounts"), "accounts", _("Recipients"), required=False,
                         limit=domain.NOTIFY_MAX) or None
    if ids:
        refuse(group, "notify_some")
    g.tim.group.send_notification(group.id, content, ids)
    who = ngettext("%(num)d member", "%(num)d members", len(ids)) if ids else _("all members")
    return done(_("System notification sent to %(who)s.", who=who), tab_url("messages", group.id))


@bp.route("/<path:group_id>/messages/recall", methods=["POST"])
@role_required("operator")
def recall(group_id: str):
    group = load_group(group_id, need="history")
    seqs = domain.parse_seqs(request.form.getlist("seq"))
    reason = forms.text(request.form.get("reason"), "reason", _("Reason"), max_bytes=100)
    items = domain.recall(g.tim.group, group.id, seqs, reason)
    recalled = sum(1 for i in items if i.ok)
    # per-message results; the history reloads in place (messages-changed) showing what IM now lists
    return (outcomes(ngettext("%(num)d message recalled.", "%(num)d messages recalled.", recalled), items), 200,
            trigger("messages-changed"))


@bp.route("/<path:group_id>/messages/recall-sender", methods=["POST"])
@role_required("admin")
def recall_sender(group_id: str):
    group = load_group(group_id, need="history")
    user = forms.user_id(request.form.get("account"), "account", _("Sender"))
    if (request.form.get("confirm") or "").strip() != user:
        raise FormError(_("Type the sender's user ID again to confirm."), "confirm")
    g.tim.group.revoke_member_messages(group.id, user)
    return done(_("Everything %(user)s sent among the latest 1000 messages was withdrawn.", user=user),
                tab_url("messages", group.id))


@bp.route("/<path:group_id>/messages/import", methods=["POST"])
@role_required("operator")
def import_messages(group_id: str):
    group = load_group(group_id, need="import")
    msgs = domain.parse_import_messages(request.form.get("messages"), "messages", _("Messages"))
    return outcomes(_("Import messages"), domain.import_messages(g.tim.group, group.id, msgs))
