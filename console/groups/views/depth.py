"""Group depth tabs: Data (custom attributes and counters) and Bans; the message page (read
receipts, edit); clearing a group's history; the broadcast to every AVChatRoom.

Invalid forms raise `console.forms.FormError`, which console.errors answers beside the form."""
from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from console import db
from console.audit.client import detail
from console.groups import domain, domain_depth
from console.groups.views.common import bp, done, load_group, tab_url
from console.security import role_required, sudo_required
from console.tim.api import group_attrs as ga


# ---- Data: custom attributes and counters ------------------------------------------------------

@bp.route("/<path:group_id>/data")
@role_required("viewer")
def data(group_id: str):
    group = load_group(group_id)
    no = domain.forbidden(group.type)
    counters = None if "counters" in no else g.tim.group.get_group_counters(group.id).counters
    return render_template("groups/data.html", group=group, tab="data", no=no,
                           attrs=g.tim.group.get_group_attrs(group.id).attrs, counters=counters,
                           limits=ga)


@bp.route("/<path:group_id>/data/attrs", methods=["POST"])
@role_required("operator")
def save_attrs(group_id: str):
    group = load_group(group_id)
    attrs = domain_depth.plan_attrs(request.form)
    if request.form.get("action") == "replace":
        g.tim.group.set_group_attrs(group.id, attrs)
        message = ngettext("Attributes replaced: the group now has %(num)d.", "Attributes replaced: the group now has %(num)d.", len(attrs))
    else:
        g.tim.group.modify_group_attrs(group.id, attrs)
        message = ngettext("%(num)d attribute saved.", "%(num)d attributes saved.", len(attrs))
    return done(message, tab_url("data", group.id))


@bp.route("/<path:group_id>/data/attrs/delete", methods=["POST"])
@role_required("operator")
def delete_attrs(group_id: str):
    group = load_group(group_id)
    keys = domain_depth.plan_keys(request.form, "keys", _("Keys"), ga.MAX_ATTR_KEYS, ga.MAX_ATTR_KEY_BYTES)
    g.tim.group.delete_group_attrs(group.id, keys)
    return done(ngettext("Deleted %(num)d attribute.", "Deleted %(num)d attributes.", len(keys)), tab_url("data", group.id))


@bp.route("/<path:group_id>/data/attrs/clear", methods=["POST"])
@role_required("operator")
def clear_attrs(group_id: str):
    group = load_group(group_id, need="attrs_clear")
    g.tim.group.clear_group_attrs(group.id)
    return done(_("Every attribute of the group was removed."), tab_url("data", group.id))


@bp.route("/<path:group_id>/data/counters", methods=["POST"])
@role_required("operator")
def update_counter(group_id: str):
    group = load_group(group_id, need="counters")
    counters, mode = domain_depth.plan_counter(request.form)
    after = g.tim.group.update_group_counters(group.id, counters, mode).counters
    key = next(iter(counters))
    return done(_("Counter %(key)s is now %(value)s.", key=key, value=after.get(key, "?")), tab_url("data", group.id))


@bp.route("/<path:group_id>/data/counters/delete", methods=["POST"])
@role_required("operator")
def delete_counters(group_id: str):
    group = load_group(group_id, need="counters")
    keys = domain_depth.plan_keys(request.form, "keys", _("Counters"), ga.MAX_COUNTER_KEYS, ga.MAX_COUNTER_KEY_BYTES)
    g.tim.group.delete_group_counters(group.id, keys)
    return done(ngettext("Deleted %(num)d counter.", "Deleted %(num)d counters.", len(keys)), tab_url("data", group.id))


# ---- Bans ----------------------------------------------------------------------------------------

@bp.route("/<path:group_id>/bans")
@role_required("viewer")
def bans(group_id: str):
    group = load_group(group_id)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    page = g.tim.group.fetch_banned_members(group.id, offset=offset)
    by = domain_depth.banned_by(db.session, group.id, [m.id for m in page.members])
    return render_template("groups/bans.html", group=group, tab="bans", no=domain.forbidden(group.type),
                           page=page, offset=offset, banned_by=by, durations=domain.DURATION_UNITS)


@bp.route("/<path:group_id>/bans/ban", methods=["POST"])
@role_required("operator")
def ban(group_id: str):
    group = load_group(group_id)
    plan = domain_depth.plan_ban(request.form)
    g.tim.group.ban_members(group.id, **plan)
    return done(ngettext("Banned %(num)d account.", "Banned %(num)d accounts.", len(plan["user_ids"])), tab_url("bans", group.id))


@bp.route("/<path:group_id>/bans/unban", methods=["POST"])
@role_required("operator")
def unban(group_id: str):
    group = load_group(group_id)
    ids = domain_depth.plan_accounts(request.form, domain.MUTE_MAX)
    g.tim.group.unban_members(group.id, ids)
    return done(ngettext("Lifted the ban of %(num)d account.", "Lifted the ban of %(num)d accounts.", len(ids)), tab_url("bans", group.id))


# ---- one message: read receipts and edits ------------------------------------------------------

@bp.route("/<path:group_id>/messages/<int:seq>")
@role_required("viewer")
def message(group_id: str, seq: int):
    group = load_group(group_id, need="history")
    stored = domain_depth.find_message(g.tim.group, group.id, seq)
    if stored is None:
        abort(404)
    no = domain.forbidden(group.type)
    receipt = None if "receipts" in no else domain_depth.receipt(g.tim.group, group.id, seq)
    return render_template("groups/message.html", group=group, tab="messages", no=no, m=stored, receipt=receipt,
                           text=domain_depth.text_of(stored.body))


@bp.route("/<path:group_id>/messages/<int:seq>/edit", methods=["POST"])
@role_required("operator")
def edit_message(group_id: str, seq: int):
    group = load_group(group_id, need="history")
    body = domain_depth.plan_edit_message(request.form)
    stored = domain_depth.find_message(g.tim.group, group.id, seq)
    if stored is None:
        abort(404)
    with detail(before=stored.body, after=body):
        g.tim.group.modify_message(group.id, seq, body=body)
    return done(_("Message %(seq)d edited.", seq=seq), url_for("groups.message", group_id=group.id, seq=seq))


@bp.route("/<path:group_id>/messages/clear", methods=["POST"])
@role_required("admin")
@sudo_required
def clear_history(group_id: str):
    group = load_group(group_id, need="clear_history")
    up_to = domain_depth.plan_clear(request.form, group.id)
    g.tim.group.clear_messages(group.id, up_to)
    message = (_("Messages up to seq %(seq)d are hidden from the members.", seq=up_to) if up_to else
               _("The whole history is hidden from the members."))
    return done(message, tab_url("messages", group.id))


# ---- broadcast to every AVChatRoom ---------------------------------------------------------------

@bp.route("/broadcast", methods=["GET", "POST"])
@role_required("admin")
@sudo_required
def broadcast():
    if request.method == "GET":
        return render_template("groups/broadcast.html", kinds=domain.MSG_KINDS)
    sent = g.tim.group.send_broadcast(**domain_depth.plan_broadcast(request.form))
    return done(_("Broadcast to every live group as seq %(seq)d.", seq=sent.msg_seq), url_for("groups.broadcast"))
