"""The group's members tab: paged list and search, and every member action.

Invalid forms raise `console.forms.FormError`, which console.errors answers beside the form."""
from __future__ import annotations

from flask import abort, g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from console import forms
from console.forms import FormError
from console.groups import domain, rows
from console.groups import jobs as group_jobs
from console.groups.views.common import bp, checked, done, load_group, outcomes, tab_url
from console.security import role_required
from console.ui.htmx import targets, trigger_all



@bp.route("/<path:group_id>/members")
@role_required("viewer")
def members(group_id: str):
    group = load_group(group_id)
    no = domain.forbidden(group.type)
    ctx = dict(group=group, tab="members", no=no, members=[], q="", complete=True, page=None,
               offset=0, cursor="", muted=g.tim.group.get_group_muted_account(group.id).items,
               online=None, durations=domain.DURATION_UNITS)
    if "members" in no:
        ctx["online"] = g.tim.group.get_online_member_num(group.id)
        return render_template("groups/members.html", **ctx)
    q = (request.args.get("q") or "").strip()[:128]
    if q:
        found, complete = domain.search_members(g.tim.group, group.id, q)
        ctx.update(members=found, q=q, complete=complete)
    else:
        offset = forms.query_int(request.args, "offset", default=0, hi=forms.UINT32_MAX, clamp=True)
        cursor = (request.args.get("next") or "")[:256]
        page = g.tim.group.fetch_members(group.id, domain.MEMBER_PAGE, offset, next=cursor)
        ctx.update(members=page.members, page=page, offset=offset, cursor=cursor)
    if targets("member-rows"):
        return render_template("groups/_members_rows.html", **ctx)
    return render_template("groups/members.html", **ctx)


#: the dialogs of the member rows' actions: action -> the feature the group type must allow
DIALOGS = {"remove": "members", "mute": "mute", "unmute": "mute", "role": "admin_role", "card": "members",
           "owner": "owner"}


@bp.route("/<path:group_id>/members/dialog/<action>")
@role_required("operator")
def member_dialog(group_id: str, action: str):
    """Fragment: the dialog of an action on the given member rows, naming the count and who."""
    if action not in DIALOGS:
        abort(404)
    group = load_group(group_id, need=DIALOGS[action])
    limit = domain.DELETE_BATCH if action == "remove" else domain.MUTE_MAX
    ids = forms.user_ids(request.args.getlist("accounts"), "accounts", _("Accounts"), limit=limit)
    if action in ("role", "card", "owner") and len(ids) != 1:
        raise FormError(_("Choose one member."), "accounts")
    return render_template("groups/_member_dialog.html", group=group, action=action, ids=ids,
                           durations=domain.DURATION_UNITS)


def row_outcomes(message: str, items: list):
    """Per-row results of an action on member rows; the rows reload and the selection clears."""
    return outcomes(message, items), 200, trigger_all("members-changed", "selection-clear")


def _accounts(max_items: int | None = None) -> list[str]:
    """The pasted list, or the rows of a dialog (one hidden field each)."""
    return forms.user_ids(request.form.getlist("accounts"), "accounts", _("Accounts"), limit=max_items)


def _account(label: str | None = None) -> str:
    return forms.user_id(request.form.get("account"), "account", label or _("Account"))


@bp.route("/<path:group_id>/members/add", methods=["POST"])
@role_required("operator")
def add_members(group_id: str):
    group = load_group(group_id, need="add")
    ids = _accounts()
    silence = checked("silence")
    if len(ids) > domain.INLINE_ADD_MAX:
        job = group_jobs.start_add(current_user, group.id, ids, silence)
        return outcomes(ngettext("Adding %(num)d account in batches of %(b)d as a job.",
                                 "Adding %(num)d accounts in batches of %(b)d as a job.", len(ids), b=domain.ADD_BATCH),
                        [], job=job)
    return outcomes(_("Add members"), rows.add(g.tim.group, g.tim.account, group.id, ids, silence))


@bp.route("/<path:group_id>/members/remove", methods=["POST"])
@role_required("operator")
def remove_members(group_id: str):
    group = load_group(group_id, need="members")
    ids = _accounts(domain.DELETE_BATCH)
    reason = forms.text(request.form.get("reason"), "reason", _("Reason"), max_bytes=200)
    results = rows.remove(g.tim.group, group.id, ids, silence=checked("silence"), reason=reason)
    removed = sum(1 for r in results if r.ok)
    return row_outcomes(ngettext("%(num)d member removed.", "%(num)d members removed.", removed), results)


@bp.route("/<path:group_id>/members/role", methods=["POST"])
@role_required("operator")
def set_role(group_id: str):
    group = load_group(group_id, need="admin_role")
    user, role = _account(), request.form.get("role")
    if role not in ("Admin", "Member"):
        raise FormError(_("Choose Admin or Member."), "role")
    g.tim.group.set_member_role(group.id, user, role)
    return done(_("%(user)s is now %(role)s.", user=user, role=role), tab_url("members", group.id))


@bp.route("/<path:group_id>/members/namecard", methods=["POST"])
@role_required("operator")
def name_card(group_id: str):
    group = load_group(group_id, need="members")
    user = _account()
    card = forms.text(request.form.get("name_card"), "name_card", _("Name card"), max_bytes=domain.MAX_NAME_CARD) or ""
    g.tim.group.set_member_name_card(group.id, user, card)
    return done(_("Name card of %(user)s saved.", user=user), tab_url("members", group.id))


@bp.route("/<path:group_id>/members/mute", methods=["POST"])
@role_required("operator")
def mute(group_id: str):
    group = load_group(group_id, need="mute")
    unmute = request.form.get("action") == "unmute"
    ids = _accounts(domain.MUTE_MAX)
    seconds = 0 if unmute else domain.parse_duration(request.form)
    results = rows.mute(g.tim.group, group, ids, seconds)
    n = sum(1 for r in results if r.ok)
    message = (ngettext("%(num)d member unmuted.", "%(num)d members unmuted.", n) if unmute else
               ngettext("%(num)d member muted.", "%(num)d members muted.", n))
    return row_outcomes(message, results)


@bp.route("/<path:group_id>/members/owner", methods=["POST"])
@role_required("operator")
def transfer_owner(group_id: str):
    group = load_group(group_id, need="owner")
    user = _account(_("New owner"))
    if user == group.owner:
        raise FormError(_("%(user)s already owns the group.", user=user), "account")
    g.tim.group.change_group_owner(group.id, user)
    return done(_("%(user)s now owns the group.", user=user), tab_url("members", group.id))


@bp.route("/<path:group_id>/members/import", methods=["POST"])
@role_required("operator")
def import_members(group_id: str):
    group = load_group(group_id, need="import")
    specs = domain.parse_member_lines(request.form.get("members"), "members", _("Members"), with_history=True)
    if not specs:
        raise FormError(_("Members: give at least one line."), "members")
    admin_refused = domain.forbidden(group.type).get("admin_role")
    if admin_refused and any(s.role for s in specs):
        raise FormError(admin_refused, "members")
    return outcomes(_("Import members"), domain.import_members(g.tim.group, group.id, specs))


@bp.route("/<path:group_id>/members/unread", methods=["POST"])
@role_required("operator")
def set_unread(group_id: str):
    group = load_group(group_id)
    user = _account()
    count = forms.integer(request.form.get("unread"), "unread", _("Unread count"), hi=2**31 - 1, required=True)
    g.tim.group.set_member_unread_msg_num(group.id, user, count)
    return done(_("Unread count of %(user)s set to %(n)d.", user=user, n=count), tab_url("members", group.id))


@bp.route("/<path:group_id>/members/roles", methods=["POST"])
@role_required("viewer")
def look_up_roles(group_id: str):
    """Fragment: the role of each given account (a read; viewers may use it)."""
    group = load_group(group_id, need="members")
    result = g.tim.group.get_roles_in_group(group.id, _accounts(domain.ROLES_MAX))
    return render_template("groups/_roles.html", roles=result.items)
