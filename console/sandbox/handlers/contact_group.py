"""Conversation groups and marks (recentcontact/*_contact_group, recentcontact/mark_contact).

Each user's data is kept apart from the conversation list itself, as the docs say: a
conversation may be grouped or marked before it has a message. Codes from the six pages:
50001 From_Account not imported, 50002 bad parameter, 51006 empty MarkItem or more than 100,
51007 a group conversation whose group does not exist, 51008 more than 1000 conversations with
group or mark data, 51009 no such conversation group, 51010 more than 20 groups, 51011 a group
name over 32 bytes. A conversation naming an unknown user is refused per item with 50001.
The sandbox chooses what the pages leave open: creating a group whose name exists is 50002,
and get_contact_group pages 100 conversations at a time.
"""
from __future__ import annotations

from ..messaging import (
    CONTACT_GROUP_NAME_BYTES, CONTACT_GROUPS_MAX, CONTACTS_MAX, MARK_BITS, MessagingState, contact_key,
)
from ..registry import ApiError, endpoint
from .common import account, integer, items, size, text

BAD, UNKNOWN_USER = 50002, 50001
TOO_MANY_MARKS, NO_GROUP, TOO_MANY_CONTACTS, UNKNOWN_GROUP = 51006, 51007, 51008, 51009
TOO_MANY_GROUPS, NAME_TOO_LONG = 51010, 51011
MAX_MARK_ITEMS, MAX_SEARCH, PAGE = 100, 300, 100
MARK_STANDARD, MARK_CUSTOM, MARK_BOTH = 1, 2, 3
CUSTOM_MARK_BYTES = 256


def _owner(ctx, body: dict) -> str:
    return account(ctx.state, body, "From_Account", BAD, UNKNOWN_USER)


def _contact(item) -> tuple[int, str, dict]:
    """(type, peer, the item as answered) of a ContactItem; 50002 when it is malformed."""
    if not isinstance(item, dict):
        raise ApiError(BAD, "ContactItem entries must be objects")
    kind = item.get("Type")
    if kind not in (1, 2) or isinstance(kind, bool):
        raise ApiError(BAD, "ContactItem Type must be 1 (C2C) or 2 (group)")
    field = "To_Account" if kind == 1 else "ToGroupId"
    peer = text(item, field, BAD)
    return kind, peer, {"Type": kind, field: peer}


def _entry(ctx, book: dict, kind: int, peer: str) -> tuple[dict | None, int, str]:
    """The user's data for one conversation, created when needed: (entry, 0, "") or the
    per-item refusal (None, code, info)."""
    if kind == 1 and not ctx.state.account_exists(peer):
        return None, UNKNOWN_USER, f"{peer} was never imported"
    if kind == 2 and ctx.state.groups.get(peer) is None:
        return None, NO_GROUP, f"group {peer} does not exist or has been disbanded"
    if contact_key(kind, peer) not in book["items"] and len(book["items"]) >= CONTACTS_MAX:
        return None, TOO_MANY_CONTACTS, f"more than {CONTACTS_MAX} conversations with group or mark data"
    entry = ctx.state.messaging.entry(book, kind, peer, ctx.now)
    entry["Timestamp"] = int(ctx.now)
    return entry, 0, ""


def _group_name(body: dict, field: str) -> str:
    name = text(body, field, BAD)
    if size(name) > CONTACT_GROUP_NAME_BYTES:
        raise ApiError(NAME_TOO_LONG, f"{field} is longer than {CONTACT_GROUP_NAME_BYTES} bytes")
    return name


def _existing_group(book: dict, name: str) -> dict:
    group = MessagingState.find_group(book, name)
    if group is None:
        raise ApiError(UNKNOWN_GROUP, f"conversation group {name} does not exist")
    return group


def _join(ctx, book: dict, group: dict, item) -> dict:
    """Put one ContactItem into `group`; the per-item result as the API answers it."""
    kind, peer, public = _contact(item)
    entry, code, info = _entry(ctx, book, kind, peer)
    if entry is not None and group["GroupId"] not in entry["ContactGroupId"]:
        entry["ContactGroupId"].append(group["GroupId"])
    return {"ContactItem": public, "ResultCode": code, "ResultInfo": info}


def _leave(ctx, book: dict, group: dict, item) -> dict:
    kind, peer, public = _contact(item)
    entry = ctx.state.messaging.entry(book, kind, peer, ctx.now, create=False)
    if entry is not None and group["GroupId"] in entry["ContactGroupId"]:
        entry["ContactGroupId"].remove(group["GroupId"])
        entry["Timestamp"] = int(ctx.now)
    return {"ContactItem": public, "ResultCode": 0, "ResultInfo": ""}


def _group_item(group: dict) -> dict:
    return {"GroupName": group["GroupName"], "GroupId": group["GroupId"]}


@endpoint("recentcontact/create_contact_group", rate=200, display=True)
def create_contact_group(ctx, body):
    wanted = items(body, "GroupContactItem", BAD, kind=dict)
    if len(wanted) > 1:
        raise ApiError(BAD, "only one conversation group can be created per request")
    name = _group_name(wanted[0], "GroupName")
    contacts = items(wanted[0], "ContactItem", BAD)
    with ctx.state.lock:
        owner = _owner(ctx, body)
        book = ctx.state.messaging.book(owner)
        if MessagingState.find_group(book, name) is not None:
            raise ApiError(BAD, f"conversation group {name} already exists")
        if len(book["groups"]) >= CONTACT_GROUPS_MAX:
            raise ApiError(TOO_MANY_GROUPS, f"a user has at most {CONTACT_GROUPS_MAX} conversation groups")
        group = {"GroupName": name, "GroupId": book["next_id"]}
        book["next_id"] += 1
        book["groups"].append(group)
        results = [_join(ctx, book, group, item) for item in contacts]
    return {"GroupResultItem": [{"GroupItem": _group_item(group), "ResultItem": results}]}


@endpoint("recentcontact/del_contact_group", rate=200)
def del_contact_group(ctx, body):
    names = items(body, "GroupName", BAD, kind=str)
    if len(names) > 1:
        raise ApiError(BAD, "only one conversation group can be deleted per request")
    with ctx.state.lock:
        book = ctx.state.messaging.book(_owner(ctx, body))
        group = _existing_group(book, names[0])
        book["groups"].remove(group)
        for entry in book["items"].values():
            if group["GroupId"] in entry["ContactGroupId"]:
                entry["ContactGroupId"].remove(group["GroupId"])
        ctx.state.messaging.prune(book)
    return {"GroupItem": [_group_item(group)]}


@endpoint("recentcontact/update_contact_group", rate=200)
def update_contact_group(ctx, body):
    if body.get("UpdateType") != 1:
        raise ApiError(BAD, "UpdateType must be 1")
    update = body.get("UpdateGroup")
    if not isinstance(update, dict):
        raise ApiError(BAD, "UpdateGroup must be an object")
    kind = update.get("UpdateGroupType")
    if kind not in (1, 2) or isinstance(kind, bool):
        raise ApiError(BAD, "UpdateGroupType must be 1 (rename) or 2 (conversations)")
    old_name = text(update, "OldGroupName", BAD)
    new_name = _group_name(update, "NewGroupName") if kind == 1 else None
    changes = items(update, "ContactUpdateItem", BAD, kind=dict) if kind == 2 else []
    for change in changes:
        if change.get("ContactOptType") not in (1, 2):
            raise ApiError(BAD, "ContactOptType must be 1 (add) or 2 (remove)")
    with ctx.state.lock:
        book = ctx.state.messaging.book(_owner(ctx, body))
        group = _existing_group(book, old_name)
        result = {"UpdateGroupType": kind, "OldGroupName": old_name}
        if kind == 1:
            if new_name != old_name and MessagingState.find_group(book, new_name) is not None:
                raise ApiError(BAD, f"conversation group {new_name} already exists")
            group["GroupName"] = new_name
        else:
            outcome = []
            for change in changes:
                move = _join if change["ContactOptType"] == 1 else _leave
                outcome.append({"ContactOptType": change["ContactOptType"],
                                **move(ctx, book, group, change.get("ContactItem"))})
            ctx.state.messaging.prune(book)
            result["ContactResultItem"] = outcome
        result.update(GroupName=group["GroupName"], GroupId=group["GroupId"])
    return {"UpdateType": 1, "UpdateGroupResult": result}


def _bits(item: dict, field: str) -> int:
    value = item.get(field)
    if value is None:
        return 0
    if not isinstance(value, list) or not all(isinstance(b, int) and not isinstance(b, bool)
                                              and 0 <= b < MARK_BITS for b in value):
        raise ApiError(BAD, f"{field} must list bit numbers from 0 to {MARK_BITS - 1}")
    mask = 0
    for bit in value:
        mask |= 1 << bit
    return mask


def _mark(ctx, book: dict, item: dict) -> dict:
    option = item.get("OptType")
    if option not in (MARK_STANDARD, MARK_CUSTOM, MARK_BOTH) or isinstance(option, bool):
        raise ApiError(BAD, "OptType must be 1 (standard), 2 (custom) or 3 (both)")
    kind, peer, public = _contact(item.get("ContactItem"))
    set_bits, clear_bits = _bits(item, "SetMark"), _bits(item, "ClearMark")
    custom = item.get("CustomMark")
    if option != MARK_STANDARD and (not isinstance(custom, str) or size(custom) > CUSTOM_MARK_BYTES):
        raise ApiError(BAD, f"CustomMark must be a string of at most {CUSTOM_MARK_BYTES} bytes")
    entry, code, info = _entry(ctx, book, kind, peer)
    if entry is not None:
        if option != MARK_CUSTOM:
            entry["StandardMark"] = (entry["StandardMark"] | set_bits) & ~clear_bits
        if option != MARK_STANDARD:
            entry["CustomMark"] = custom
    return {"OptType": option, "ContactItem": public, "ResultCode": code, "ResultInfo": info}


@endpoint("recentcontact/mark_contact", rate=200, display=True)
def mark_contact(ctx, body):
    marks = body.get("MarkItem")
    if not isinstance(marks, list) or not marks or len(marks) > MAX_MARK_ITEMS:
        raise ApiError(TOO_MANY_MARKS, f"MarkItem must hold 1 to {MAX_MARK_ITEMS} items")
    if not all(isinstance(m, dict) for m in marks):
        raise ApiError(BAD, "MarkItem entries must be objects")
    with ctx.state.lock:
        book = ctx.state.messaging.book(_owner(ctx, body))
        results = [_mark(ctx, book, item) for item in marks]
        ctx.state.messaging.prune(book)
    return {"ResultItem": results}


@endpoint("recentcontact/search_contact_group", rate=200, display=True)
def search_contact_group(ctx, body):
    wanted = [_contact(item) for item in items(body, "ContactItem", BAD, limit=MAX_SEARCH)]
    with ctx.state.lock:
        book = ctx.state.messaging.book(_owner(ctx, body))
        found = []
        for kind, peer, _public in wanted:
            entry = book["items"].get(contact_key(kind, peer)) or {
                "Type": kind, "Peer": peer, "StandardMark": 0, "CustomMark": "", "ContactGroupId": [],
                "Timestamp": 0}
            found.append(ctx.state.messaging.public_entry(entry))
        return {"ContactResultItem": found, "GroupItem": [_group_item(g) for g in book["groups"]]}


@endpoint("recentcontact/get_contact_group", rate=200)
def get_contact_group(ctx, body):
    start = integer(body, "StartIndex", BAD, required=False, default=0)
    with ctx.state.lock:
        book = ctx.state.messaging.book(_owner(ctx, body))
        entries = list(book["items"].values())          # first grouped or marked first: a stable order
        page = [ctx.state.messaging.public_entry(e) for e in entries[start:start + PAGE]]
        complete = start + PAGE >= len(entries)
        return {"ContactItem": page, "GroupItem": [_group_item(g) for g in book["groups"]],
                "CompleteFlag": int(complete), "NextStartIndex": 0 if complete else start + PAGE}
