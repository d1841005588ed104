"""Account tabs Social (follows with their counts, follow/unfollow on the account's behalf, the
official accounts it subscribes to) and Conversation groups (its conversation groups and the
marks of its conversations, editable). Each section is also a fragment (reloaded after a change)
and shows an IM error inside itself, so an app without the follow feature still shows the rest;
every IM call is audited."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from markupsafe import Markup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from console.accounts import social
from console.forms import FormError
from console.accounts.views.common import checked_user_id, done, form_ids, inline_im_errors, is_protected, results
from console.security import role_required
from console.tim.api.official_account import MAX_SUBSCRIBED_PAGE

bp = Blueprint("account_social", __name__, url_prefix="/accounts/u")

FOLLOWS_CHANGED, MARKS_CHANGED = "follows-changed", "conversation-marks-changed"


@bp.route("/<user_id>/social")
@role_required("viewer")
def index(user_id: str):
    user_id = checked_user_id(user_id)
    return render_template("accounts/social.html", user_id=user_id, tab="social", protected=is_protected(user_id),
                           kind=social.follow_kind(request.args.get("kind")), kinds=social.FOLLOW_KINDS,
                           follows_html=Markup(follows(user_id)), subscribed_html=Markup(subscribed(user_id)))


@bp.route("/<user_id>/social/follows")
@role_required("viewer")
@inline_im_errors(_l("Follows"))
def follows(user_id: str):
    """Fragment: the three counts and one page of one list."""
    user_id = checked_user_id(user_id)
    kind = social.follow_kind(request.args.get("kind"))
    cursor = (request.args.get("cursor") or "")[:256]
    counts = g.tim.follow.get_count(user_id)
    page = g.tim.follow.fetch_follows(user_id, kind, cursor, social.FOLLOW_PAGE)
    return render_template("accounts/_follows.html", user_id=user_id, counts=counts, page=page, kind=kind,
                           kinds=social.FOLLOW_KINDS, cursor=cursor)


@bp.route("/<user_id>/social/follow", methods=["POST"])
@role_required("operator")
def follow(user_id: str):
    return _follow_change(user_id, "follow_users", _("%(id)s follows"))


@bp.route("/<user_id>/social/unfollow", methods=["POST"])
@role_required("operator")
def unfollow(user_id: str):
    return _follow_change(user_id, "unfollow_users", _("%(id)s unfollows"))


def _follow_change(user_id: str, method: str, title: str):
    user_id = checked_user_id(user_id)
    result = getattr(g.tim.follow, method)(user_id, form_ids(limit=social.MAX_FOLLOW_IDS))
    return results(result, title % {"id": user_id}, FOLLOWS_CHANGED)


@bp.route("/<user_id>/social/official")
@role_required("viewer")
@inline_im_errors(_l("Subscribed official accounts"))
def subscribed(user_id: str):
    """Fragment: the official accounts the account subscribes to (the first page)."""
    user_id = checked_user_id(user_id)
    page = g.tim.official_account.fetch_subscribed_accounts(user_id, 0, MAX_SUBSCRIBED_PAGE)
    return render_template("accounts/_subscribed.html", user_id=user_id, page=page)


# ---- conversation groups and marks ----------------------------------------------------------------

@bp.route("/<user_id>/conversation-groups")
@role_required("viewer")
def conversation_groups(user_id: str):
    user_id = checked_user_id(user_id)
    return render_template("accounts/conversation_groups.html", user_id=user_id, tab="conversation-groups",
                           protected=is_protected(user_id), marks_html=Markup(marks(user_id)))


@bp.route("/<user_id>/conversation-groups/list")
@role_required("viewer")
@inline_im_errors(_l("Conversation groups and marks"))
def marks(user_id: str):
    """Fragment: every conversation group and the conversations with group or mark data."""
    user_id = checked_user_id(user_id)
    start = max(0, request.args.get("start", type=int) or 0)
    page = g.tim.conversation.fetch_conversation_marks(user_id, start)
    names = {grp.group_id: grp.name for grp in page.groups}
    return render_template("accounts/_conversation_marks.html", user_id=user_id, page=page, names=names,
                           marks=social.MARKS, ref_text=social.ref_text, start=start)


@bp.route("/<user_id>/conversation-groups/create", methods=["POST"])
@role_required("operator")
def create_group(user_id: str):
    user_id = checked_user_id(user_id)
    name = social.group_name(request.form.get("name"))
    change = g.tim.conversation.create_conversation_group(
        user_id, name, social.conversation_refs(request.form.get("conversations")))
    return _conversation_results(change.items, _("Conversation group %(name)s created", name=name))


def _conversation_results(items, title: str):
    for item in items:
        item.id = social.ref_text(item.id)
    return results(items, title, MARKS_CHANGED)


@bp.route("/<user_id>/conversation-groups/update", methods=["POST"])
@role_required("operator")
def update_group(user_id: str):
    """Add conversations to a group and/or take some out."""
    user_id = checked_user_id(user_id)
    name = social.group_name(request.form.get("name"))
    add = social.conversation_refs(request.form.get("add"), "add", required=False)
    remove = social.conversation_refs(request.form.get("remove"), "remove", required=False)
    if not add and not remove:
        raise FormError(_("Name conversations to add or to take out."), "add")
    change = g.tim.conversation.update_conversation_group(user_id, name, add=add, remove=remove)
    return _conversation_results(change.items, _("Conversation group %(name)s changed", name=name))


@bp.route("/<user_id>/conversation-groups/rename", methods=["POST"])
@role_required("operator")
def rename_group(user_id: str):
    user_id = checked_user_id(user_id)
    old, new = social.group_name(request.form.get("name")), social.group_name(request.form.get("new_name"), "new_name")
    g.tim.conversation.rename_conversation_group(user_id, old, new)
    return done(_("Conversation group %(old)s renamed %(new)s.", old=old, new=new), MARKS_CHANGED)


@bp.route("/<user_id>/conversation-groups/delete", methods=["POST"])
@role_required("operator")
def delete_group(user_id: str):
    user_id = checked_user_id(user_id)
    name = social.group_name(request.form.get("name"))
    g.tim.conversation.delete_conversation_group(user_id, name)
    return done(_("Conversation group %(name)s deleted; its conversations stay.", name=name), MARKS_CHANGED)


@bp.route("/<user_id>/conversation-marks", methods=["POST"])
@role_required("operator")
def mark(user_id: str):
    """Set one conversation's IM marks as ticked and its custom mark."""
    user_id = checked_user_id(user_id)
    change = social.plan_marks(request.form)
    result = g.tim.conversation.mark_conversations(user_id, [change])
    return _conversation_results(result.items, _("Marks of %(id)s’s conversation", id=user_id))
