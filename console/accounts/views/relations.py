"""Account tabs for relationships: friends (with friend groups), blacklist, conversations, and the
account's message history with one peer (the conversation viewer's pages, inside the account's tabs).

Lists page with the cursors IM returns; every write answers with per-item results and an
htmx event (`friends-changed`, `blacklist-changed`, `conversations-changed`) that reloads the list."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _

from console import forms
from console.accounts import domain as accounts
from console.forms import FormError
from console.security import role_required, sudo_required
from console.accounts.views.common import checked_user_id, done, form_ids, is_protected, results

bp = Blueprint("account_relations", __name__, url_prefix="/accounts/u")

FRIEND_CHANGED, BLACK_CHANGED, CONV_CHANGED = "friends-changed", "blacklist-changed", "conversations-changed"
BLACK_PAGE = 50
MAX_TWO_WAY_IMPORT = 100


def _tab(template: str, user_id: str, tab: str, **ctx):
    """The whole tab page, or only its list fragment when htmx reloads the list."""
    if request.htmx and (request.htmx.target or "").endswith("-list"):
        template = template.replace(".html", "_list.html").replace("accounts/", "accounts/_")
    return render_template(template, user_id=user_id, tab=tab, protected=is_protected(user_id), **ctx)


def _flag(name: str) -> bool:
    return forms.flag(request.form.get(name))


def _int_arg(name: str) -> int:
    return forms.query_int(request.args, name, default=0, hi=forms.UINT32_MAX, clamp=True)


# ---- friends ---------------------------------------------------------------------------------

@bp.route("/<user_id>/friends")
@role_required("viewer")
def friends(user_id: str):
    user_id = checked_user_id(user_id)
    start = _int_arg("start")
    page = g.tim.sns.fetch_friends(user_id, start)
    lists = g.tim.sns.get_groups(user_id, need_friends=True).lists
    return _tab("accounts/friends.html", user_id, "friends", page=page, start=start, lists=lists)


def _friend_specs(ids: list[str]) -> list:
    from console.tim.api.sns import FriendSpec

    remark = request.form.get("remark", "").strip() or None
    group = request.form.get("group", "").strip()
    wording = request.form.get("wording", "").strip() or None
    return [FriendSpec(uid, remark=remark, groups=[group] if group else [], add_wording=wording) for uid in ids]


def with_ids(view):
    """Pass the view a checked account ID and the user IDs of the form's `ids` (or answer the problem)."""
    @functools.wraps(view)
    def wrapper(user_id: str):
        return view(checked_user_id(user_id), form_ids())
    return wrapper


@bp.route("/<user_id>/friends/add", methods=["POST"])
@role_required("operator")
@with_ids
def add_friends(user_id: str, ids: list[str]):
    result = g.tim.sns.add_friends(user_id, _friend_specs(ids), both=_flag("both"), force=_flag("force"))
    return results(result, _("Add friends"), FRIEND_CHANGED)


@bp.route("/<user_id>/friends/import", methods=["POST"])
@role_required("operator")
@with_ids
def import_friends(user_id: str, ids: list[str]):
    """friend_import is one-way; `both` also imports user_id into each friend's list (one call each)."""
    if _flag("both") and len(ids) > MAX_TWO_WAY_IMPORT:
        raise FormError(_("A two-way import takes at most %(n)d friends at once.", n=MAX_TWO_WAY_IMPORT), "ids")
    result = g.tim.sns.import_friends(user_id, _friend_specs(ids))
    items = list(result)
    if _flag("both"):
        for item in [i for i in result if i.ok]:
            back = g.tim.sns.import_friends(item.id, [user_id]).items[0]
            back.id = f"{item.id} → {user_id}"
            items.append(back)
    return results(items, _("Import friends"), FRIEND_CHANGED)


@bp.route("/<user_id>/friends/update", methods=["POST"])
@role_required("operator")
@with_ids
def update_friends(user_id: str, ids: list[str]):
    fields = {}
    if _flag("set_remark"):
        fields["remark"] = request.form.get("remark", "").strip()
    if _flag("set_groups"):
        fields["groups"] = forms.split_list(request.form.get("groups"))
    if not fields:
        raise FormError(_("Tick what to change: the remark and/or the friend groups."))
    result = g.tim.sns.update_friends(user_id, {uid: dict(fields) for uid in ids})
    return results(result, _("Update friends"), FRIEND_CHANGED)


@bp.route("/<user_id>/friends/delete", methods=["POST"])
@role_required("operator")
@with_ids
def delete_friends(user_id: str, ids: list[str]):
    result = g.tim.sns.delete_friends(user_id, ids, both=_flag("both"))
    return results(result, _("Delete friends"), FRIEND_CHANGED)


@bp.route("/<user_id>/friends/delete-all", methods=["POST"])
@role_required("admin")
@sudo_required
def delete_all_friends(user_id: str):
    user_id = checked_user_id(user_id)
    if request.form.get("confirm", "").strip() != user_id:
        raise FormError(_("To delete every friend, type the user ID %(id)s.", id=user_id), "confirm")
    g.tim.sns.delete_all_friends(user_id, both=_flag("both"))
    return done(_("Every friend of %(id)s was removed.", id=user_id), FRIEND_CHANGED)


@bp.route("/<user_id>/friends/check", methods=["POST"])
@role_required("viewer")
@with_ids
def check_friends(user_id: str, ids: list[str]):
    return _check(user_id, ids, g.tim.sns.check_friends, _("Friendship check"))


def _check(user_id: str, ids: list[str], method, title: str):
    check_type = "single" if request.form.get("type") == "single" else "both"
    result = method(user_id, ids, check_type)
    rows = [{"id": r.id, "ok": r.ok, "code": r.code, "relation": r.relation,
             "text": accounts.relation_text(r.relation, user_id, r.id) if r.ok else r.info} for r in result]
    return render_template("accounts/_relations.html", rows=rows, title=title, check_type=check_type)


# ---- friend groups ---------------------------------------------------------------------------

def _list_name(required: bool = True) -> str | None:
    """The friend group name of the form (1 to 30 bytes)."""
    name = request.form.get("name", "").strip()
    if (required or name) and not 0 < forms.nbytes(name) <= 30:
        raise FormError(_("A friend group name has 1 to 30 bytes."), "name")
    return name or None


@bp.route("/<user_id>/friend-groups/create", methods=["POST"])
@role_required("operator")
def create_friend_group(user_id: str):
    user_id = checked_user_id(user_id)
    name = _list_name()
    ids = forms.user_ids(request.form.get("ids"), "ids", _("User IDs"), required=False)
    result = g.tim.sns.add_groups(user_id, [name], ids or None)
    return results(result.items, _("Friend group %(name)s created", name=name), FRIEND_CHANGED)


@bp.route("/<user_id>/friend-groups/delete", methods=["POST"])
@role_required("operator")
def delete_friend_group(user_id: str):
    user_id = checked_user_id(user_id)
    name = _list_name()
    g.tim.sns.delete_groups(user_id, [name])
    return done(_("Friend group %(name)s deleted.", name=name), FRIEND_CHANGED)


@bp.route("/<user_id>/friend-groups/move", methods=["POST"])
@role_required("operator")
@with_ids
def move_friends(user_id: str, ids: list[str]):
    """Put the friends in exactly one friend group (or in none when the name is empty)."""
    name = _list_name(required=False)
    result = g.tim.sns.update_friends(user_id, {uid: {"groups": [name] if name else []} for uid in ids})
    return results(result, _("Move friends"), FRIEND_CHANGED)


# ---- blacklist -------------------------------------------------------------------------------

@bp.route("/<user_id>/blacklist")
@role_required("viewer")
def blacklist(user_id: str):
    user_id = checked_user_id(user_id)
    start = _int_arg("start")
    page = g.tim.sns.fetch_blacklist(user_id, BLACK_PAGE, start)
    return _tab("accounts/blacklist.html", user_id, "blacklist", page=page, start=start)


@bp.route("/<user_id>/blacklist/add", methods=["POST"])
@role_required("operator")
@with_ids
def add_blacklist(user_id: str, ids: list[str]):
    return _black_write(user_id, ids, "add_blacklist", _("Block"))


@bp.route("/<user_id>/blacklist/remove", methods=["POST"])
@role_required("operator")
@with_ids
def remove_blacklist(user_id: str, ids: list[str]):
    return _black_write(user_id, ids, "delete_blacklist", _("Unblock"))


def _black_write(user_id: str, ids: list[str], method: str, title: str):
    return results(getattr(g.tim.sns, method)(user_id, ids), title, BLACK_CHANGED)


@bp.route("/<user_id>/blacklist/check", methods=["POST"])
@role_required("viewer")
@with_ids
def check_blacklist(user_id: str, ids: list[str]):
    return _check(user_id, ids, g.tim.sns.check_blacklist, _("Blacklist check"))


# ---- conversations ---------------------------------------------------------------------------

CURSOR_ARGS = ("ts", "si", "tts", "tsi")


@bp.route("/<user_id>/conversations")
@role_required("viewer")
def conversations(user_id: str):
    user_id = checked_user_id(user_id)
    cursor = [_int_arg(a) for a in CURSOR_ARGS]
    page = g.tim.conversation.fetch_sessions(user_id, *cursor)
    next_args = dict(zip(CURSOR_ARGS, (page.timestamp, page.start_index, page.top_timestamp,
                                       page.top_start_index))) if page.has_more else None
    return _tab("accounts/conversations.html", user_id, "conversations", page=page, next_args=next_args,
                first=not any(cursor))


@bp.route("/<user_id>/conversations/delete", methods=["POST"])
@role_required("operator")
@sudo_required(when=lambda: _flag("clear"))  # clearing the history cannot be undone
def delete_conversation(user_id: str):
    """Delete one conversation; group conversations send the group ID the way the current API wants."""
    user_id = checked_user_id(user_id)
    kind = request.form.get("type", "")
    to = request.form.get("to", "").strip()
    if kind not in ("c2c", "group"):
        abort(400)
    if not to or (kind == "c2c" and forms.user_id_problem(to)) or forms.nbytes(to) > 96:
        raise FormError(_("Name the peer account or the group of the conversation."), "to")
    g.tim.conversation.delete_session(user_id, to, kind, clear_history=_flag("clear"))
    return done(_("Conversation with %(to)s deleted.", to=to), CONV_CHANGED)


# ---- dialogs of the friends' and blacklist's rows ---------------------------------------------

#: list -> action -> the role it needs (the dialogs post to the routes above)
ROW_DIALOGS = {"friends": {"delete": "operator", "update": "operator", "move": "operator"},
               "blacklist": {"unblock": "operator"}}


@bp.route("/<user_id>/<kind>/dialog/<action>")
@role_required("operator")
def row_dialog(user_id: str, kind: str, action: str):
    """Fragment: the dialog of an action on ticked friends or blocked accounts (or one row),
    naming the count and who."""
    user_id = checked_user_id(user_id)
    if action not in ROW_DIALOGS.get(kind, {}):
        abort(404)
    ids = forms.user_ids(request.args.getlist("ids"), "ids", _("User IDs"))
    return render_template("accounts/_relation_dialog.html", user_id=user_id, kind=kind, action=action, ids=ids)


# ---- message history -------------------------------------------------------------------------

@bp.route("/<user_id>/messages")
@role_required("viewer")
def messages(user_id: str):
    """The account's one-to-one history with the peer of `with`, chosen among its recent
    conversations (one IM read) or typed; the pages come from the conversation viewer."""
    user_id = checked_user_id(user_id)
    peer = (request.args.get("with") or "").strip()
    problem = forms.user_id_problem(peer) if peer else None
    sessions = g.tim.conversation.fetch_sessions(user_id).sessions
    peers = list(dict.fromkeys(s.peer for s in sessions if s.type == 1 and s.peer))
    return _tab("accounts/messages.html", user_id, "messages", peers=peers, peer="" if problem else peer,
                typed=peer, problem=problem)
