"""The Live tab of an AVChatRoom: who is online (filtered by mark), member marks, room admins.

Invalid forms raise `console.forms.FormError`, which console.errors answers beside the form."""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from console import forms
from console.groups import domain, domain_depth
from console.groups.views.common import bp, done, load_group, outcomes, tab_url
from console.security import role_required
from console.tim.api import avchatroom as av


@bp.route("/<path:group_id>/live")
@role_required("viewer")
def live(group_id: str):
    group = load_group(group_id)
    no = domain.forbidden(group.type)
    ctx = dict(group=group, tab="live", no=no, page=None, admins=[], mark=None, ts=0, limits=av)
    if "live" in no:
        return render_template("groups/live.html", **ctx)
    mark = forms.integer(request.args.get("mark"), "mark", _("Mark"), lo=1) if request.args.get("mark") else None
    ts = max(request.args.get("ts", 0, type=int) or 0, 0)
    ctx.update(page=g.tim.avchatroom.fetch_members(group.id, ts, mark=mark), mark=mark, ts=ts,
               admins=g.tim.avchatroom.get_admins(group.id).items,
               online=g.tim.group.get_online_member_num(group.id))
    return render_template("groups/live.html", **ctx)


@bp.route("/<path:group_id>/live/marks", methods=["POST"])
@role_required("operator")
def marks(group_id: str):
    group = load_group(group_id, need="live")
    plan = domain_depth.plan_marks(request.form)
    if request.form.get("action") == "remove":
        result = g.tim.avchatroom.remove_member_marks(group.id, plan)
        title = _("Remove marks")
    else:
        result = g.tim.avchatroom.set_member_marks(group.id, plan)
        title = _("Set marks")
    items = [domain.ItemOutcome(i.id, i.ok, ", ".join(map(str, i.marks)) if i.ok else _("not online, or unchanged"))
             for i in result.items]
    return outcomes(title, items)


@bp.route("/<path:group_id>/live/admins", methods=["POST"])
@role_required("operator")
def room_admins(group_id: str):
    group = load_group(group_id, need="live")
    ids = domain_depth.plan_accounts(request.form, av.MAX_ADMINS)
    if request.form.get("action") == "remove":
        g.tim.avchatroom.remove_admins(group.id, ids)
        message = ngettext("%(num)d admin removed.", "%(num)d admins removed.", len(ids))
    else:
        g.tim.avchatroom.add_admins(group.id, ids)
        message = ngettext("%(num)d admin added.", "%(num)d admins added.", len(ids))
    return done(message, tab_url("live", group.id))
