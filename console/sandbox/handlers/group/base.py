"""Shared by the group endpoints: documented limits, reading the request, shaping the answer."""
from __future__ import annotations

import json
from typing import NamedTuple

from ...appconfig import DATA_KEY, LIMITS

from ...groups import Group
from ...registry import ApiError
from ..c2c import ELEMENT_TYPES, MAX_BODY_BYTES, message_body
from ..common import UINT32_MAX, integer, items, size, text

SVC = "group_open_http_svc/"

IMPORT_MSG_TYPES = ("TIMTextElem", "TIMFaceElem", "TIMLocationElem", "TIMCustomElem")
DEDUP_WINDOW = 300               # same sender, Random and body within 5 min: one message

# documented limits
CREATE_MEMBERS_MAX = 100
ADD_MEMBERS_MAX = 300            # intl page (2024, error 10005); the CN page of 2026-02 says 20
DELETE_MEMBERS_MAX = 100
IMPORT_MEMBERS_MAX = 300
ACCOUNTS_MAX = 500               # get_role_in_group, forbid_send_msg, system notification
GROUP_INFO_MAX = 50
RECALL_MAX = 10
IMPORT_MSGS_MAX = 7
HISTORY_MAX = 20
TO_ACCOUNT_MAX = 50
AT_MAX = 30
APP_KEYS_MAX, MEMBER_KEYS_MAX = LIMITS["group_data_keys"], LIMITS["member_data_keys"]
APP_VALUE_MAX, MEMBER_VALUE_MAX = 512, 64
TEXT_LIMITS = {"Name": 30, "Introduction": 240, "Notification": 300, "FaceUrl": 100}
PROFILE_TEXTS = {"Name": "name", "Introduction": "introduction", "Notification": "notification",
                 "FaceUrl": "face_url"}

BASE_FIELDS = ("Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account",
               "CreateTime", "InfoSeq", "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum",
               "MaxMemberNum", "ApplyJoinOption", "MuteAllMember", "InviteJoinOption")
MEMBER_FIELDS = ("Role", "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "NameCard", "MuteUntil")
MEMBER_FIELD_ALIASES = {"ShutUpUntil": "MuteUntil"}     # the older name of MuteUntil


# ---- reading the request ----------------------------------------------------------------

def _bad(info: str) -> ApiError:
    return ApiError(10004, info)


def _text(body: dict, name: str, *, required: bool = False, max_bytes: int | None = None,
          allow_empty: bool = True) -> str | None:
    value = text(body, name, 10004, required=required, max_bytes=max_bytes)
    if value == "" and not allow_empty:
        raise _bad(f"{name} must not be empty")
    return value


def _int(body: dict, name: str, *, required: bool = False, low: int = 0, high: int = UINT32_MAX,
         default: int | None = None) -> int | None:
    return integer(body, name, 10004, required=required, default=default, low=low, high=high)


def _objects(body: dict, name: str, *, required: bool = False, limit: int | None = None,
             limit_code: int = 10004, kind: type = dict) -> list:
    if not required and body.get(name) == []:
        return []
    return items(body, name, 10004, limit=limit, limit_code=limit_code, required=required, kind=kind)


def _strings(body: dict, name: str, *, required: bool = False, limit: int | None = None,
             limit_code: int = 10005) -> list[str]:
    """A list of non-empty UserIDs without duplicates (the first occurrence kept)."""
    value = _objects(body, name, required=required, limit=limit, limit_code=limit_code, kind=str)
    if not all(value):
        raise _bad(f"{name} holds an empty string")
    return list(dict.fromkeys(value))


def _member_list(body: dict, limit: int) -> list[str]:
    """The accounts of a `MemberList[{Member_Account}]` field (required; more than `limit` →
    10005), each named once in request order."""
    accounts = []
    for item in _objects(body, "MemberList", required=True, limit=limit, limit_code=10005):
        account = item.get("Member_Account")
        if not isinstance(account, str) or not account:
            raise _bad("MemberList[].Member_Account is required")
        accounts.append(account)
    return list(dict.fromkeys(accounts))


def _group(ctx, body: dict, *, refuse: tuple = (), code: int = 10007) -> Group:
    """The group named by GroupId: 10004 absent, 10015 malformed, 10010 unknown or
    disbanded; `refuse` lists the group types the endpoint does not support (→ `code`)."""
    if "GroupId" not in body:
        raise _bad("GroupId is required")
    group_id = body["GroupId"]
    if not isinstance(group_id, str) or not group_id or len(group_id.encode()) > 96:
        raise ApiError(10015, "invalid GroupId")
    group = ctx.state.groups.get(group_id)
    if group is None:
        raise ApiError(10010, "group does not exist or has been disbanded")
    if group.type in refuse:
        raise ApiError(code, f"this operation is not supported for {group.type} groups")
    _check_topic(group, body)
    return group


def _member_of(group: Group, account: str, field: str):
    member = group.members.get(account)
    if member is None:
        raise _bad(f"{field} is not a member of the group")
    return member


def _check_topic(group: Group, body: dict) -> None:
    topic = body.get("TopicId")
    if topic is None:
        return
    if not isinstance(topic, str) or not topic.startswith(group.group_id + "@TOPIC#_"):
        raise _bad("invalid TopicId")
    if group.type != "Community" or not group.support_topic:
        raise _bad("TopicId is only for topic-enabled communities")


class DataLevel(NamedTuple):
    """One level of app-defined data: its request field, limits and configured-keys setting."""
    name: str
    key_max: int
    value_max: int
    setting: str


GROUP_DATA = DataLevel("AppDefinedData", APP_KEYS_MAX, APP_VALUE_MAX, "group_data_keys")
MEMBER_DATA = DataLevel("AppMemberDefinedData", MEMBER_KEYS_MAX, MEMBER_VALUE_MAX, "member_data_keys")


def _custom_data(ctx, value, level: DataLevel) -> dict:
    """AppDefinedData / AppMemberDefinedData as an ordered dict (an empty value = delete). Once
    the app's keys are configured (appconfig.py), any other key is refused, as IM refuses it."""
    name = level.name
    if value is None:
        return {}
    if not isinstance(value, list):
        raise _bad(f"{name} must be an array of Key/Value objects")
    configured = ctx.state.app_config[level.setting]
    data = {}
    for item in value:
        key = item.get("Key") if isinstance(item, dict) else None
        val = item.get("Value") if isinstance(item, dict) else None
        if not isinstance(key, str) or not DATA_KEY.fullmatch(key):
            raise _bad(f"{name}: invalid Key")
        if configured is not None and key not in configured:
            raise _bad(f"{name}: the key {key} is not configured for this app")
        if not isinstance(val, str) or len(val.encode()) > level.value_max:
            raise _bad(f"{name}: Value of {key} must be a string of at most {level.value_max} bytes")
        data[key] = val
    if len(data) > level.key_max:
        raise _bad(f"{name}: more than {level.key_max} keys")
    return data


def _merge_custom(current: dict, changes: dict, level: DataLevel) -> dict:
    merged = dict(current)
    for key, val in changes.items():
        if val == "":
            merged.pop(key, None)
        else:
            merged[key] = val
    if len(merged) > level.key_max:
        raise _bad(f"{level.name}: more than {level.key_max} keys")
    return merged


def _msg_body(value, allowed=ELEMENT_TYPES) -> list:
    """MsgBody with the group commands' codes: too long 80002, otherwise invalid 10004."""
    if _too_long(value):
        raise ApiError(80002, "message longer than 12 KB")
    try:
        message_body({"MsgBody": value})
    except ApiError as exc:
        raise _bad(exc.info) from None
    if any(elem["MsgType"] not in allowed for elem in value):
        raise _bad("MsgBody holds an element type this command does not take")
    return value


def _too_long(elems, custom: str = "") -> bool:
    return size(json.dumps(elems, ensure_ascii=False)) + size(custom) > MAX_BODY_BYTES


def _require_accounts(ctx, accounts) -> None:
    missing = ctx.state.require_accounts(accounts)
    if missing:
        raise ApiError(10019, f"account not imported: {missing[0]}")


# ---- shaping the answer ---------------------------------------------------------------

def _base_info(group: Group, names) -> dict:
    """Base fields: all (names None) or those listed; InviteJoinOption only once set."""
    values = {
        "Type": group.type, "Name": group.name, "Introduction": group.introduction,
        "Notification": group.notification, "FaceUrl": group.face_url,
        "Owner_Account": group.owner, "CreateTime": group.create_time,
        "InfoSeq": group.info_seq, "LastInfoTime": group.last_info_time,
        "LastMsgTime": group.last_msg_time, "NextMsgSeq": group.next_msg_seq,
        "MemberNum": group.member_num, "MaxMemberNum": group.max_members,
        "ApplyJoinOption": group.apply_join, "MuteAllMember": "On" if group.mute_all else "Off",
        "InviteJoinOption": group.invite_join,
    }
    if not group.invite_join:
        del values["InviteJoinOption"]
    return {n: values[n] for n in BASE_FIELDS if n in values and (names is None or n in names)}


def _custom_list(data: dict, keys) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in data.items() if keys is None or k in keys]


def _member_info(group: Group, member, now: float, names=None, keys=None, *,
                 with_account: bool = True) -> dict:
    """A member's §0.2 fields (all, or those in `names`) and custom data (all, or `keys`;
    an empty `keys` leaves AppMemberDefinedData out)."""
    values = {"Role": member.role, "JoinTime": member.join_time, "MsgSeq": member.msg_seq,
              "MsgFlag": member.msg_flag, "LastSendMsgTime": member.last_send_time,
              "NameCard": member.name_card, "MuteUntil": group.mute_until(member.account, now)}
    if names is not None:
        names = {MEMBER_FIELD_ALIASES.get(n, n) for n in names}
    info = {"Member_Account": member.account} if with_account else {}
    info.update((n, values[n]) for n in MEMBER_FIELDS if names is None or n in names)
    if keys is None or keys:        # asked for (or no filter): present even when empty
        info["AppMemberDefinedData"] = _custom_list(member.app_data, keys)
    return info


def _filter_list(value, name: str):
    if value is None:
        return None
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise _bad(f"{name} must be an array of strings")
    return value


def _accounts(accounts) -> list[dict]:
    return [{"Member_Account": a} for a in accounts]
