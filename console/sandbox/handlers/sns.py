"""Relationship chain (sns/*): friends, friend lists and blocklists."""
from __future__ import annotations

import re

from ..registry import ApiError, endpoint
from .common import UINT32_MAX, account, is_int, item, items, per_item, size
from .profile import profile_values

BAD_PARAM = 30001
NO_ACCOUNT = 30003
MAX_FRIENDS = 3000
MAX_LISTS = 32
MAX_BLOCKED = 1000
MAX_TARGETS = 1000
PAGE = 100
ADD_SOURCE = re.compile(r"AddSource_Type_[A-Za-z]{1,8}")
SNS_CUSTOM = re.compile(r"Tag_SNS_Custom_\w{1,8}", re.ASCII)


def _owner(ctx, body) -> str:
    return account(ctx.state, body, "From_Account", BAD_PARAM, NO_ACCOUNT)


def _targets(body, field="To_Account") -> list[str]:
    return items(body, field, BAD_PARAM, limit=MAX_TARGETS, kind=str)


def _optional_text(entry: dict, field: str, limit: int) -> str:
    value = entry.get(field, "")
    if not isinstance(value, str) or size(value) > limit:
        raise ApiError(BAD_PARAM, f"{field} must be a string of at most {limit} bytes")
    return value


def _list_names(value, owner_lists: list) -> list[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and 0 < size(n) <= 30 for n in names):
        raise ApiError(BAD_PARAM, "friend list names must be non-empty strings of at most 30 bytes")
    if len(set(owner_lists) | set(names)) > MAX_LISTS:
        raise ApiError(30011, f"a user may have at most {MAX_LISTS} friend lists")
    return names


def _relation_source(entry: dict, required: bool) -> str:
    source = entry.get("AddSource")
    if source is None and not required:
        return ""
    if not isinstance(source, str) or not ADD_SOURCE.fullmatch(source):
        raise ApiError(BAD_PARAM, "AddSource must look like AddSource_Type_<up to 8 letters>")
    return source


def _pairs(pairs, initiator=None) -> list[dict]:
    out = []
    for a, b in pairs:
        pair = {"From_Account": a, "To_Account": b}
        if initiator:
            pair["Initiator_Account"] = initiator
        out.append(pair)
    return out


def _notify(ctx, command: str, pairs: list, **extra) -> None:
    if pairs:
        ctx.callbacks.after(command, {"CallbackCommand": command, "PairList": pairs, **extra,
                                      "EventTime": int(ctx.now * 1000)})


# ---- friends ------------------------------------------------------------------------------
def _add_check(state, owner: str, peer: str, both: bool, force: bool) -> None:
    """Raise the per-item code that stops `owner` from adding `peer`."""
    if not state.account_exists(peer):
        raise ApiError(NO_ACCOUNT, "Err_SNS_FriendAdd_Account_Not_Exist")
    if peer == owner:
        raise ApiError(BAD_PARAM, "Err_SNS_FriendAdd_Add_Self")
    if state.profiles.get(owner, {}).get("Tag_Profile_IM_AdminForbidType") == "AdminForbid_Type_SendOut":
        raise ApiError(30009, "Err_SNS_FriendAdd_Forbid_Send_Out")
    if state.is_blocked(owner, peer):
        raise ApiError(30515, "Err_SNS_FriendAdd_Peer_In_My_BlackList")
    if state.is_blocked(peer, owner):
        raise ApiError(30525, "Err_SNS_FriendAdd_I_In_Peer_BlackList")
    if state.is_friend(owner, peer) and (not both or state.is_friend(peer, owner)):
        raise ApiError(BAD_PARAM, "Err_SNS_FriendAdd_Friend_Exist")
    if len(state.friends.get(owner, {})) >= MAX_FRIENDS:
        raise ApiError(30010, "Err_SNS_FriendAdd_My_Friend_Num_Exceed_Threshold")
    if both and len(state.friends.get(peer, {})) >= MAX_FRIENDS:
        raise ApiError(30014, "Err_SNS_FriendAdd_Peer_Friend_Num_Exceed_Threshold")
    allow = state.profiles.get(peer, {}).get("Tag_Profile_IM_AllowType", "AllowType_Type_NeedConfirm")
    if not force and allow == "AllowType_Type_DenyAny":
        raise ApiError(30516, "Err_SNS_FriendAdd_Peer_Deny_Any")
    if not force and allow == "AllowType_Type_NeedConfirm":
        raise ApiError(30539, "Err_SNS_FriendAdd_Need_Confirm")


def _per_entry(ctx, body, field: str, prepare, apply) -> tuple[str, list]:
    """For each `field` item: `prepare(owner, peer, entry)` checks it (ApiError = that item
    fails) and returns a plan, `apply(owner, peer, plan)` carries it out. -> (owner, ResultItem)."""
    entries = items(body, field, BAD_PARAM, limit=MAX_TARGETS, kind=dict)
    results = []
    with ctx.state.lock:
        owner = _owner(ctx, body)
        for entry in entries:
            peer = entry.get("To_Account")
            try:
                if not isinstance(peer, str):
                    raise ApiError(BAD_PARAM, "To_Account must be a string")
                plan = prepare(owner, peer, entry)
            except ApiError as err:
                results.append(item(str(peer), err.code, err.info))
                continue
            apply(owner, peer, plan)
            results.append(item(peer))
    return owner, results


@endpoint("sns/friend_add", rate=200, display=True)
def friend_add(ctx, body):
    add_type = body.get("AddType", "Add_Type_Both")
    if add_type not in ("Add_Type_Single", "Add_Type_Both"):
        raise ApiError(BAD_PARAM, "AddType must be Add_Type_Single or Add_Type_Both")
    force = body.get("ForceAddFlags", 0) == 1
    both = add_type == "Add_Type_Both"
    formed = []

    def prepare(owner, peer, entry):
        group = entry.get("GroupName")
        plan = {"source": _relation_source(entry, required=False),
                "remark": _optional_text(entry, "Remark", 96),
                "wording": _optional_text(entry, "AddWording", 256),
                "groups": _list_names(group, ctx.state.friend_groups.get(owner, [])) if group else []}
        _add_check(ctx.state, owner, peer, both, force)
        return plan

    def apply(owner, peer, plan):
        if not ctx.state.is_friend(owner, peer):
            ctx.state.add_friend(owner, peer, add_time=ctx.now, **plan)
            formed.append((owner, peer))
        if both and not ctx.state.is_friend(peer, owner):
            ctx.state.add_friend(peer, owner, source=plan["source"], add_time=ctx.now)
            formed.append((peer, owner))

    owner, results = _per_entry(ctx, body, "AddFriendItem", prepare, apply)
    _notify(ctx, "Sns.CallbackFriendAdd", _pairs(formed, owner), ClientCmd="friend_add",
            Admin_Account=ctx.identifier, ForceFlag=int(force))
    return per_item(results)


def _custom_items(entries, field: str) -> dict:
    if entries is None:
        return {}
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ApiError(BAD_PARAM, f"{field} must be an array of {{Tag, Value}}")
    out = {}
    for e in entries:
        tag, value = e.get("Tag"), e.get("Value")
        if not isinstance(tag, str) or not SNS_CUSTOM.fullmatch(tag):
            raise ApiError(BAD_PARAM, f"unknown friend tag {tag}")
        if not (isinstance(value, str) and size(value) <= 500) and not is_int(value):
            raise ApiError(BAD_PARAM, f"{tag} takes a string of at most 500 bytes or an integer")
        out[tag] = value
    return out


@endpoint("sns/friend_import", rate=200, display=True)
def friend_import(ctx, body):
    def prepare(owner, peer, entry):
        if not ctx.state.account_exists(peer):
            raise ApiError(NO_ACCOUNT, "Err_SNS_FriendImport_Account_Not_Exist")
        if peer == owner:
            raise ApiError(BAD_PARAM, "Err_SNS_FriendImport_Add_Self")
        plan = {"source": _relation_source(entry, required=True),
                "remark": _optional_text(entry, "Remark", 96),
                "wording": _optional_text(entry, "AddWording", 256),
                "groups": _list_names(entry.get("GroupName") or [], ctx.state.friend_groups.get(owner, [])),
                "custom": _custom_items(entry.get("CustomItem"), "CustomItem"),
                "add_time": entry.get("AddTime") or ctx.now}
        added = entry.get("AddTime")
        if added is not None and not (is_int(added) and 0 <= added <= UINT32_MAX):
            raise ApiError(BAD_PARAM, "AddTime must be a Unix time")
        if not ctx.state.is_friend(owner, peer) and len(ctx.state.friends.get(owner, {})) >= MAX_FRIENDS:
            raise ApiError(30010, "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold")
        return plan

    def apply(owner, peer, plan):
        ctx.state.add_friend(owner, peer, **plan)

    return per_item(_per_entry(ctx, body, "AddFriendItem", prepare, apply)[1])


@endpoint("sns/friend_update", rate=200, display=True)
def friend_update(ctx, body):
    def prepare(owner, peer, entry):
        if not ctx.state.is_friend(owner, peer):
            raise ApiError(BAD_PARAM, "Err_SNS_FriendUpdate_Friend_Not_Exist")
        return _friend_changes(ctx.state, owner, entry.get("SnsItem"))

    def apply(owner, peer, changes):
        rel = ctx.state.friends[owner][peer]
        for key, value in changes.items():
            if key == "Groups":
                for name in value:
                    ctx.state.ensure_friend_group(owner, name)
                rel["Groups"] = list(dict.fromkeys(value))
            elif key == "Remark":
                rel["Remark"] = value
            else:
                rel["Custom"][key] = value
        ctx.state.bump_sns(owner)

    return per_item(_per_entry(ctx, body, "UpdateItem", prepare, apply)[1])


def _friend_changes(state, owner: str, sns_items) -> dict:
    if not isinstance(sns_items, list) or not sns_items:
        raise ApiError(BAD_PARAM, "SnsItem must be a non-empty array")
    changes = {}
    for e in sns_items:
        tag, value = (e.get("Tag"), e.get("Value")) if isinstance(e, dict) else (None, None)
        if tag == "Tag_SNS_IM_Remark":
            changes["Remark"] = _optional_text({"Remark": value}, "Remark", 96)
        elif tag == "Tag_SNS_IM_Group":
            changes["Groups"] = _list_names(value if isinstance(value, list) else [value],
                                            state.friend_groups.get(owner, []))
        else:
            changes.update(_custom_items([e], "SnsItem"))
    return changes


def _delete_type(body) -> bool:
    kind = body.get("DeleteType", "Delete_Type_Single")
    if kind not in ("Delete_Type_Single", "Delete_Type_Both"):
        raise ApiError(BAD_PARAM, "DeleteType must be Delete_Type_Single or Delete_Type_Both")
    return kind == "Delete_Type_Both"


@endpoint("sns/friend_delete", rate=200, display=True)
def friend_delete(ctx, body):
    peers = _targets(body)
    both = _delete_type(body)
    results, removed = [], []
    with ctx.state.lock:
        owner = _owner(ctx, body)
        for peer in peers:
            if not ctx.state.remove_friend(owner, peer):
                results.append(item(peer, 31704, "Err_SNS_FriendDelete_Not_Friend"))
                continue
            removed.append((owner, peer))
            if both and ctx.state.remove_friend(peer, owner):
                removed.append((peer, owner))
            results.append(item(peer))
    _notify(ctx, "Sns.CallbackFriendDelete", _pairs(removed))
    return {"ResultItem": results}  # no Fail_Account: none is documented for friend_delete


@endpoint("sns/friend_delete_all", rate=200, display=True)
def friend_delete_all(ctx, body):
    both = _delete_type(body)
    with ctx.state.lock:
        owner = _owner(ctx, body)
        for peer in list(ctx.state.friends.get(owner, {})):
            ctx.state.remove_friend(owner, peer)
            if both:
                ctx.state.remove_friend(peer, owner)
    return {}


FRIEND_RELATIONS = {(True, True): "CheckResult_Type_BothWay", (True, False): "CheckResult_Type_AWithB",
                    (False, True): "CheckResult_Type_BWithA", (False, False): "CheckResult_Type_NoRelation"}
BLACK_RELATIONS = {(True, True): "BlackCheckResult_Type_BothWay",
                   (True, False): "BlackCheckResult_Type_AWithB",
                   (False, True): "BlackCheckResult_Type_BWithA", (False, False): "BlackCheckResult_Type_NO"}


def _check(ctx, body, test, relations: dict, single: str, both: str, field: str) -> dict:
    peers = _targets(body)
    kind = body.get("CheckType")
    if kind not in (single, both):
        raise ApiError(BAD_PARAM, f"CheckType must be {single} or {both}")
    with ctx.state.lock:
        owner = _owner(ctx, body)
        results = [item(peer, Relation=relations[(test(owner, peer),
                                                  kind == both and test(peer, owner))])
                   for peer in peers]
    return per_item(results, field)


@endpoint("sns/friend_check", rate=200, display=True)
def friend_check(ctx, body):
    return _check(ctx, body, ctx.state.is_friend, FRIEND_RELATIONS, "CheckResult_Type_Single",
                  "CheckResult_Type_Both", "InfoItem")


def _friend_values(rel: dict) -> list[dict]:
    values = [{"Tag": "Tag_SNS_IM_AddSource", "Value": rel["AddSource"]}]
    if rel["Remark"]:
        values.append({"Tag": "Tag_SNS_IM_Remark", "Value": rel["Remark"]})
    if rel["Groups"]:
        values.append({"Tag": "Tag_SNS_IM_Group", "Value": list(rel["Groups"])})
    if rel["AddWording"]:
        values.append({"Tag": "Tag_SNS_IM_AddWording", "Value": rel["AddWording"]})
    values.append({"Tag": "Tag_SNS_IM_AddTime", "Value": rel["AddTime"]})
    values.extend({"Tag": k, "Value": v} for k, v in rel["Custom"].items())
    return values


def _start(body, field: str) -> int:
    value = body.get(field, 0)
    if not is_int(value) or value < 0:
        raise ApiError(BAD_PARAM, f"{field} must be a non-negative integer")
    return value


@endpoint("sns/friend_get", rate=200, display=True)
def friend_get(ctx, body):
    start = _start(body, "StartIndex")
    with ctx.state.lock:
        owner = _owner(ctx, body)
        friends = list(ctx.state.friends.get(owner, {}).items())
        seq = ctx.state.sns_seq.get(owner, 0)
        page = friends[start:start + PAGE]
        unchanged = body.get("StandardSequence") == seq and seq != 0
        done = start + PAGE >= len(friends)
        return {"UserDataItem": [{"To_Account": peer, "ValueItem": [] if unchanged else _friend_values(rel)}
                                 for peer, rel in page],
                "StandardSequence": seq, "CustomSequence": seq, "FriendNum": len(friends),
                "CompleteFlag": int(done), "NextStartIndex": 0 if done else start + PAGE}


@endpoint("sns/friend_get_list", rate=200, display=True)
def friend_get_list(ctx, body):
    peers = _targets(body)
    tags = items(body, "TagList", BAD_PARAM, kind=str)
    results = []
    with ctx.state.lock:
        owner = _owner(ctx, body)
        for peer in peers:
            rel = ctx.state.friends.get(owner, {}).get(peer)
            if rel is None:
                results.append(item(peer, BAD_PARAM, "Err_SNS_FriendGetList_Friend_Not_Exist"))
                continue
            values = {v["Tag"]: v["Value"] for v in _friend_values(rel)}
            values.update({k: v for k, v in ctx.state.profiles.get(peer, {}).items()})
            results.append({"To_Account": peer, "SnsProfileItem": profile_values(values, tags),
                            "ResultCode": 0, "ResultInfo": ""})
    return per_item(results, "InfoItem")


# ---- blocklist ----------------------------------------------------------------------------
def _block_change(ctx, body, command: str, change) -> dict:
    """Apply `change(owner, blocked, peer) -> (code, info)` per target; callback for the changed."""
    peers = _targets(body)
    results, changed = [], []
    with ctx.state.lock:
        owner = _owner(ctx, body)
        blocked = ctx.state.blacklist.setdefault(owner, {})
        for peer in peers:
            code, info = change(owner, blocked, peer)
            results.append(item(peer, code, info))
            if not code:
                changed.append((owner, peer))
        if changed:
            ctx.state.black_seq[owner] = ctx.state.black_seq.get(owner, 0) + 1
    _notify(ctx, command, _pairs(changed))
    return per_item(results)


@endpoint("sns/black_list_add", rate=200, display=True)
def black_list_add(ctx, body):
    def block(owner, blocked, peer):
        if not ctx.state.account_exists(peer):
            return NO_ACCOUNT, "Err_SNS_BlackListAdd_Account_Not_Exist"
        if peer == owner or peer in blocked:
            return BAD_PARAM, "Err_SNS_BlackListAdd_Already_Exist"
        if len(blocked) >= MAX_BLOCKED:
            return 30013, "Err_SNS_BlackListAdd_BlackList_Num_Exceed_Threshold"
        blocked[peer] = int(ctx.now)
        ctx.state.remove_friend(owner, peer)  # blocking dissolves the friendship both ways
        ctx.state.remove_friend(peer, owner)
        return 0, ""
    return _block_change(ctx, body, "Sns.CallbackBlackListAdd", block)


@endpoint("sns/black_list_delete", rate=200, display=True)
def black_list_delete(ctx, body):
    def unblock(owner, blocked, peer):
        if blocked.pop(peer, None) is None:
            return BAD_PARAM, "Err_SNS_BlackListDelete_Not_In_BlackList"
        return 0, ""
    return _block_change(ctx, body, "Sns.CallbackBlackListDelete", unblock)


@endpoint("sns/black_list_get", rate=200, display=True)
def black_list_get(ctx, body):
    start = _start(body, "StartIndex")
    limit = body.get("MaxLimited")
    if not is_int(limit) or limit <= 0:
        raise ApiError(BAD_PARAM, "MaxLimited must be a positive integer")
    with ctx.state.lock:
        owner = _owner(ctx, body)
        blocked = list(ctx.state.blacklist.get(owner, {}).items())
        page = blocked[start:start + limit]
        following = start + limit if start + limit < len(blocked) else 0
        return {"BlackListItem": [{"To_Account": p, "AddBlackTimeStamp": t} for p, t in page],
                "StartIndex": following, "CurruentSequence": ctx.state.black_seq.get(owner, 0)}


@endpoint("sns/black_list_check", rate=200, display=True)
def black_list_check(ctx, body):
    return _check(ctx, body, ctx.state.is_blocked, BLACK_RELATIONS, "BlackCheckResult_Type_Single",
                  "BlackCheckResult_Type_Both", "BlackListCheckItem")


# ---- friend lists -------------------------------------------------------------------------
@endpoint("sns/group_add", rate=200, display=True)
def group_add(ctx, body):
    names = items(body, "GroupName", BAD_PARAM, limit=MAX_LISTS, limit_code=30011)
    peers = items(body, "To_Account", BAD_PARAM, required=False, kind=str)
    with ctx.state.lock:
        owner = _owner(ctx, body)
        names = _list_names(names, ctx.state.friend_groups.get(owner, []))
        for name in names:
            ctx.state.ensure_friend_group(owner, name)
        results = []
        for peer in peers:
            rel = ctx.state.friends.get(owner, {}).get(peer)
            if rel is None:
                results.append(item(peer, 32216, "Err_SNS_GroupAdd_ToTinyId_Not_Friend"))
                continue
            rel["Groups"] = list(dict.fromkeys(rel["Groups"] + names))
            results.append(item(peer))
        out = {"CurrentSequence": ctx.state.bump_sns(owner)}
    if peers:
        out.update(per_item(results))
    return out


@endpoint("sns/group_delete", rate=200, display=True)
def group_delete(ctx, body):
    names = items(body, "GroupName", BAD_PARAM, kind=str)
    with ctx.state.lock:
        owner = _owner(ctx, body)
        lists = ctx.state.friend_groups.get(owner, [])
        ctx.state.friend_groups[owner] = [n for n in lists if n not in names]
        for rel in ctx.state.friends.get(owner, {}).values():
            rel["Groups"] = [n for n in rel["Groups"] if n not in names]
        return {"CurrentSequence": ctx.state.bump_sns(owner)}


@endpoint("sns/group_get", rate=200, display=True)
def group_get(ctx, body):
    wanted = items(body, "GroupName", BAD_PARAM, required=False, kind=str)
    need_friends = body.get("NeedFriend") == "Need_Friend_Type_Yes"
    with ctx.state.lock:
        owner = _owner(ctx, body)
        friends = ctx.state.friends.get(owner, {})
        results = []
        for name in ctx.state.friend_groups.get(owner, []):
            if wanted and name not in wanted:
                continue
            members = [peer for peer, rel in friends.items() if name in rel["Groups"]]
            entry = {"GroupName": name, "FriendNumber": len(members)}
            if need_friends:
                entry["To_Account"] = members
            results.append(entry)
        return {"ResultItem": results, "CurrentSequence": ctx.state.sns_seq.get(owner, 0)}
