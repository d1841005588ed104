"""Official accounts (official_account_open_http_svc/*): accounts, subscribers, broadcasts.

Facts from Tencent's pages (1047/60755-60767, callbacks 1047/60795-60805, and the doocs Java
SDK's field names): IDs start with `@TOA#_` (custom IDs too, else 130007; a taken one 130008);
`Name` ≤ 150 bytes, `Introduction` ≤ 400, `FaceUrl` ≤ 500, `Organization` ≤ 500, `CustomString`
≤ 3000, `MaxSubscriberNum` defaults to 100000; `get_official_account_info` ≤ 50 accounts with an
`OfficialAccountBaseInfoFilter`; `add_subscriber` ≤ 100 users, per-user `Result` 0 failed / 1 added
/ 2 already subscribed (delete: 2 = was not subscribed); `get_subscriber_info` pages with a `Next`
string ("" = first page and last page) and `Limit` ≤ 200 (absent = everyone); subscribers'
`MsgFlag` is a string like group members' (`AcceptAndNotify`); `get_subscribed_official_account_list`
pages by `Offset`/`Limit` (≤ 200, default 200) with `CompleteFlag`, `Next` and each account's
`SelfInfo`; broadcasts are limited to 1 per second and 2 per hour per account, and the same
content with the same `Random` within 5 minutes is dropped as a repeat; `MsgKey` is
`<Seq>_1_<server time>`; history (`official_account_msg_get_simple`) pages backwards from
`LastMsgKey` with `IsFinished` and `IsPlaceMsg` 2 for recalled messages (`WithRecalledMsg` 1);
recall takes ≤ 10 keys and a `Reason` ≤ 100 bytes. Documented codes: 6017 bad parameter, 130002
not permitted, 130004 no such (or destroyed) account, 130007 bad ID, 130008 ID taken.

Sandbox choices where the pages are silent: an `Owner_Account` or subscriber never imported is a
bad parameter (6017) or a failed item (`Result` 0); a before-callback that denies answers 130002
(or the app's code in 120001-130000 for messages); the per-second broadcast limit answers 60018
and the hourly one 60019 (the "too frequent" codes); a recall of an unknown or already recalled
key has `RetCode` 10030, as for groups; a custom ID is at most 48 bytes; the subscriber's
`CustomString` at most 3000 bytes; `modify_official_account_base_info` also accepts the
`OfficialAccount` spelling the Java SDK sends. Broadcasts are stored in the account's history
(not fanned out to conversations); `OnlineOnlyFlag` 1 stores nothing.
"""
from __future__ import annotations

import base64
import binascii
import json

from console.tim.callbacks import read_ack

from ..registry import ApiError, endpoint
from ..social import MAX_OFFICIAL_HISTORY, OFFICIAL_PREFIX
from .c2c import message_body
from .common import UINT32_MAX, integer, items, size

SVC = "official_account_open_http_svc/"
BAD = 6017
DENIED = 130002
NO_SUCH = 130004
BAD_ID = 130007
TAKEN = 130008
TOO_LONG = 80002
PER_SECOND_CODE, PER_HOUR_CODE = 60018, 60019
NO_SUCH_MESSAGE = 10030

MAX_ID_BYTES = 48
LIMITS = {"Name": 150, "Introduction": 400, "FaceUrl": 500, "Organization": 500, "CustomString": 3000}
MAX_SUBSCRIBER_CUSTOM = 3000
MAX_INFO = 50
MAX_SUBSCRIBERS_PER_CALL = 100
MAX_SUBSCRIBER_PAGE = 200
MAX_LIST_PAGE = 200
MAX_RECALL = 10
MAX_REASON = 100
HISTORY_PAGE = 20
BROADCASTS_PER_HOUR = 2
REPEAT_WINDOW = 300
BASE_FIELDS = ("CreateTime", "Name", "Owner_Account", "LastMsgTime", "SubscriberNum", "Introduction",
               "FaceUrl", "Organization", "CustomString", "MaxSubscriberNum")
SELF_FIELDS = ("SubscribeTime", "CustomString")
CHANGE_REPORTED = ("Name", "Introduction", "FaceUrl", "Organization")


def _bad(info: str) -> ApiError:
    return ApiError(BAD, info)


def _string(body: dict, field: str, *, required: bool = False, limit: int | None = None) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            raise _bad(f"{field} is missing")
        return None
    if not isinstance(value, str) or (required and not value):
        raise _bad(f"{field} must be a {'non-empty ' if required else ''}string")
    if limit is not None and size(value) > limit:
        raise _bad(f"{field} is longer than {limit} bytes")
    return value


def _account(ctx, body: dict, field: str = "Official_Account") -> dict:
    account_id = body.get(field)
    if field == "Official_Account" and account_id is None:
        account_id = body.get("OfficialAccount")
    if not isinstance(account_id, str) or not account_id:
        raise _bad(f"{field} must be a non-empty string")
    account = ctx.state.social.official_accounts.get(account_id)
    if account is None:
        raise ApiError(NO_SUCH, f"official account {account_id} does not exist")
    return account


def _event(ctx) -> int:
    return int(ctx.now * 1000)


def _after(ctx, command: str, payload: dict, forbid: bool = False) -> None:
    ctx.callbacks.after(command, {"CallbackCommand": command, **payload, "EventTime": _event(ctx)},
                        forbid=forbid)


def _ask(ctx, command: str, payload: dict, forbid: bool = False):
    """The decision on a before-callback (console.tim.callbacks.read_ack); a deny raises."""
    ack = ctx.callbacks.before(command, {"CallbackCommand": command, **payload, "EventTime": _event(ctx)},
                               forbid=forbid)
    decision = read_ack(command, ack)
    if decision.action == "deny":
        if 120001 <= decision.code <= 130000:
            raise ApiError(decision.code, decision.info or f"refused by {command}")
        raise ApiError(DENIED, f"refused by {command}")
    return decision


def _profile_fields(body: dict) -> dict:
    fields = {name: _string(body, name, limit=limit) for name, limit in LIMITS.items()}
    if body.get("MaxSubscriberNum") is not None:
        fields["MaxSubscriberNum"] = integer(body, "MaxSubscriberNum", BAD, low=1, high=UINT32_MAX)
    return {k: v for k, v in fields.items() if v is not None}


# ---- accounts ---------------------------------------------------------------------------

@endpoint(SVC + "create_official_account", rate=200)
def create_official_account(ctx, body):
    owner = _string(body, "Owner_Account", required=True)
    name = _string(body, "Name", required=True, limit=LIMITS["Name"])
    fields = _profile_fields(body)
    fields.pop("Name", None)
    custom_id = body.get("OfficialAccountUserID")
    if custom_id is not None and custom_id != "":
        if (not isinstance(custom_id, str) or not custom_id.startswith(OFFICIAL_PREFIX)
                or custom_id == OFFICIAL_PREFIX or size(custom_id) > MAX_ID_BYTES):
            raise ApiError(BAD_ID, f"a custom official-account ID starts with {OFFICIAL_PREFIX} "
                                   f"and has at most {MAX_ID_BYTES} bytes")
    with ctx.state.lock:
        if not ctx.state.account_exists(owner):
            raise _bad(f"Owner_Account {owner} was never imported")
        if custom_id and custom_id in ctx.state.social.official_accounts:
            raise ApiError(TAKEN, f"official-account ID {custom_id} is taken")
    _ask(ctx, "OfficialAccount.CallbackBeforeCreateOfficialAccount",
         {"Operator_Account": ctx.identifier, "Owner_Account": owner, "Name": name})
    with ctx.state.lock:
        social = ctx.state.social
        if custom_id and custom_id in social.official_accounts:
            raise ApiError(TAKEN, f"official-account ID {custom_id} is taken")
        account_id = custom_id or social.new_official_id()
        social.create_official(account_id, owner, name, ctx.now, **fields)
    _after(ctx, "OfficialAccount.CallbackAfterCreateOfficialAccount",
           {"Official_Account": account_id, "Operator_Account": ctx.identifier, "Owner_Account": owner,
            "Name": name})
    return {"OfficialAccountUserID": account_id}


@endpoint(SVC + "destroy_official_account", rate=200)
def destroy_official_account(ctx, body):
    with ctx.state.lock:
        account = _account(ctx, body)
        ctx.state.social.destroy_official(account["Official_Account"])
    _after(ctx, "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
           {"Official_Account": account["Official_Account"], "Owner_Account": account["Owner_Account"],
            "Name": account["Name"]})
    return {}


@endpoint(SVC + "modify_official_account_base_info", rate=200)
def modify_official_account_base_info(ctx, body):
    fields = _profile_fields(body)
    if "Name" in fields and not fields["Name"]:
        raise _bad("Name must not be empty")
    with ctx.state.lock:
        account = _account(ctx, body)
        account.update(fields)
    changed = {k: fields[k] for k in CHANGE_REPORTED if k in fields}
    if fields:
        _after(ctx, "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
               {"Official_Account": account["Official_Account"], "Operator_Account": ctx.identifier,
                **changed})
    return {}


def _filter(value, allowed: tuple, field: str) -> tuple:
    if value is None:
        return allowed
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{field} must be an array of field names")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise _bad(f"{field}: unknown field {unknown[0]}")
    return tuple(value)


def _filters(body: dict, with_self: bool) -> tuple[tuple, tuple]:
    spec = body.get("ResponseFilter") or {}
    if not isinstance(spec, dict):
        raise _bad("ResponseFilter must be an object")
    base = _filter(spec.get("OfficialAccountBaseInfoFilter"), BASE_FIELDS, "OfficialAccountBaseInfoFilter")
    own = _filter(spec.get("SelfInfoFilter"), SELF_FIELDS, "SelfInfoFilter") if with_self else ()
    return base, own


def _base_info(account: dict, fields: tuple) -> dict:
    values = {**account, "SubscriberNum": len(account["subscribers"])}
    return {name: values[name] for name in fields}


@endpoint(SVC + "get_official_account_info", rate=200)
def get_official_account_info(ctx, body):
    entries = items(body, "OfficialAccountIdList", BAD, limit=MAX_INFO, kind=dict)
    fields, _ = _filters(body, with_self=False)
    out = []
    with ctx.state.lock:
        for entry in entries:
            account_id = entry.get("Official_Account")
            account = ctx.state.social.official_accounts.get(account_id) if isinstance(account_id, str) else None
            if account is None:
                out.append({"Official_Account": account_id, "ErrorCode": NO_SUCH,
                            "ErrorInfo": "official account does not exist"})
                continue
            out.append({"Official_Account": account_id, "ErrorCode": 0, "ErrorInfo": "",
                        **_base_info(account, fields)})
    return {"OfficialAccountInfoList": out}


# ---- subscribers ----------------------------------------------------------------------------

def _accounts_in(entries: list, key: str) -> list[str]:
    out = []
    for entry in entries:
        uid = entry.get(key) if isinstance(entry, dict) else entry
        if not isinstance(uid, str) or not uid:
            raise _bad(f"every item needs a {key} string")
        out.append(uid)
    return list(dict.fromkeys(out))


def _subscribers(uids) -> list[dict]:
    return [{"Subscriber_Account": uid} for uid in uids]


@endpoint(SVC + "add_subscriber", rate=200)
def add_subscriber(ctx, body):
    uids = _accounts_in(items(body, "SubscriberList", BAD, limit=MAX_SUBSCRIBERS_PER_CALL),
                        "Subscriber_Account")
    with ctx.state.lock:
        account = _account(ctx, body)
        newcomers = [u for u in uids if ctx.state.account_exists(u) and u not in account["subscribers"]]
    refused = set()
    if newcomers:
        decision = _ask(ctx, "OfficialAccount.CallbackBeforeAddSubscriber",
                        {"Official_Account": account["Official_Account"], "Operator_Account": ctx.identifier,
                         "SubscribeAccountList": _subscribers(newcomers)})
        refused = set(decision.refused)
    added, results, filled = [], [], False
    with ctx.state.lock:
        account = _account(ctx, body)
        subscribers = account["subscribers"]
        for uid in uids:
            if uid in subscribers:
                results.append({"Subscriber_Account": uid, "Result": 2})
            elif (uid in refused or not ctx.state.account_exists(uid)
                  or len(subscribers) >= account["MaxSubscriberNum"]):
                results.append({"Subscriber_Account": uid, "Result": 0})
            else:
                ctx.state.social.subscribe(account, uid, ctx.now)
                added.append(uid)
                results.append({"Subscriber_Account": uid, "Result": 1})
                filled = len(subscribers) >= account["MaxSubscriberNum"]
    if added:
        _after(ctx, "OfficialAccount.CallbackAfterAddSubscriber",
               {"Official_Account": account["Official_Account"], "Operator_Account": ctx.identifier,
                "SubscribeAccountList": _subscribers(added)})
    if filled:
        _after(ctx, "OfficialAccount.CallbackAfterOfficialAccountFull",
               {"Official_Account": account["Official_Account"]})
    return {"SubscriberList": results}


@endpoint(SVC + "delete_subscriber", rate=200)
def delete_subscriber(ctx, body):
    uids = _accounts_in(items(body, "SubscriberToDel_Account", BAD, limit=MAX_SUBSCRIBERS_PER_CALL),
                        "Subscriber_Account")
    removed, results = [], []
    with ctx.state.lock:
        account = _account(ctx, body)
        for uid in uids:
            if uid not in account["subscribers"]:
                results.append({"Subscriber_Account": uid, "Result": 2})
                continue
            ctx.state.social.unsubscribe(account, uid)
            removed.append(uid)
            results.append({"Subscriber_Account": uid, "Result": 1})
    if removed:
        _after(ctx, "OfficialAccount.CallbackAfterDeleteSubscriber",
               {"Official_Account": account["Official_Account"], "Operator_Account": ctx.identifier,
                "SubscribeAccountList": _subscribers(removed)})
    return {"SubscriberList": results}


@endpoint(SVC + "modify_subscriber_info", rate=200)
def modify_subscriber_info(ctx, body):
    uid = _string(body, "Subscriber_Account", required=True)
    custom = _string(body, "CustomString", limit=MAX_SUBSCRIBER_CUSTOM)
    with ctx.state.lock:
        account = _account(ctx, body)
        subscriber = account["subscribers"].get(uid)
        if subscriber is None:
            raise _bad(f"{uid} does not subscribe to {account['Official_Account']}")
        if custom is not None:
            subscriber["custom"] = custom
    return {}


def _offset_cursor(raw) -> int:
    if raw is None or raw == "":
        return 0
    if not isinstance(raw, str):
        raise _bad("Next must be a string")
    try:
        offset = int(base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii"))
    except (ValueError, UnicodeError, binascii.Error):
        raise _bad("Next is not a cursor this service returned") from None
    if offset < 0:
        raise _bad("Next is not a cursor this service returned")
    return offset


def _cursor_for(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode("ascii")).decode("ascii")


@endpoint(SVC + "get_subscriber_info", rate=200)
def get_subscriber_info(ctx, body):
    limit = integer(body, "Limit", BAD, required=False, low=1, high=MAX_SUBSCRIBER_PAGE)
    start = _offset_cursor(body.get("Next"))
    with ctx.state.lock:
        account = _account(ctx, body)
        everyone = list(account["subscribers"].items())
        page = everyone[start:] if limit is None else everyone[start:start + limit]
        listed = [{"Subscriber_Account": uid, "SubscribeTime": sub["time"], "CustomString": sub["custom"],
                   "MsgFlag": sub["msg_flag"], "LastSendMsgTime": sub["last_send"]} for uid, sub in page]
        end = start + len(page)
        return {"Next": _cursor_for(end) if end < len(everyone) else "", "SubscriberNum": len(everyone),
                "SubscriberList": listed}


@endpoint(SVC + "get_subscribed_official_account_list", rate=200)
def get_subscribed_official_account_list(ctx, body):
    uid = _string(body, "Subscriber_Account", required=True)
    limit = integer(body, "Limit", BAD, required=False, default=MAX_LIST_PAGE, low=1, high=MAX_LIST_PAGE)
    offset = integer(body, "Offset", BAD, required=False, default=0)
    base, own = _filters(body, with_self=True)
    with ctx.state.lock:
        if not ctx.state.account_exists(uid):
            raise _bad(f"Subscriber_Account {uid} was never imported")
        social = ctx.state.social
        subscribed = sorted(social.subscriptions.get(uid, {}).items(), key=lambda kv: (kv[1], kv[0]))
        page = subscribed[offset:offset + limit]
        listed = []
        for account_id, _ in page:
            account = social.official_accounts[account_id]
            sub = account["subscribers"][uid]
            mine = {"SubscribeTime": sub["time"], "CustomString": sub["custom"]}
            listed.append({"Official_Account": account_id, **_base_info(account, base),
                           "SelfInfo": {name: mine[name] for name in own}})
        end = offset + len(page)
        done = end >= len(subscribed)
        return {"OfficialAccountInfoList": listed, "TotalCount": len(subscribed),
                "CompleteFlag": 1 if done else 0, "Next": 0 if done else end}


# ---- messages -------------------------------------------------------------------------------

def _checked_body(body: dict) -> list:
    try:
        return message_body(body)
    except ApiError as exc:
        raise ApiError(TOO_LONG if exc.code == 93000 else BAD, exc.info) from None


def _controls(body: dict, field: str, allowed: tuple) -> set:
    value = body.get(field)
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        raise _bad(f"{field} takes {', '.join(allowed)}")
    return set(value)


def _repeat(account: dict, rnd: int, elems: list, now: float) -> dict | None:
    for msg in reversed(account["messages"]):
        if msg["MsgTimeStamp"] < now - REPEAT_WINDOW:
            return None
        if msg["MsgRandom"] == rnd and msg["MsgBody"] == elems:
            return msg
    return None


def _check_pace(account: dict, now: float) -> None:
    sends = [t for t in account["sends"] if t > now - 3600]
    account["sends"] = sends
    if sends and now - sends[-1] < 1:
        raise ApiError(PER_SECOND_CODE, "an official account sends at most 1 message per second")
    if len(sends) >= BROADCASTS_PER_HOUR:
        raise ApiError(PER_HOUR_CODE, f"an official account sends at most {BROADCASTS_PER_HOUR} "
                                      "broadcasts per hour")


@endpoint(SVC + "send_official_account_msg", rate=200)
def send_official_account_msg(ctx, body):
    elems = _checked_body(body)
    rnd = integer(body, "Random", BAD, required=False)
    online_only = integer(body, "OnlineOnlyFlag", BAD, required=False, default=0, high=1)
    send_control = _controls(body, "SendMsgControl", ("NoLastMsg",))
    if online_only and send_control:
        raise _bad("SendMsgControl cannot be used with OnlineOnlyFlag 1")
    forbid = _controls(body, "ForbidCallbackControl",
                       ("ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"))
    custom = _string(body, "CloudCustomData") or ""
    if size(json.dumps(body, ensure_ascii=False)) > 12 * 1024:
        raise ApiError(TOO_LONG, "the message is larger than 12 KB")
    rnd = ctx.state.random_u32() if rnd is None else rnd
    ts = int(ctx.now)
    with ctx.state.lock:
        account = _account(ctx, body)
        old = _repeat(account, rnd, elems, ctx.now)
        if old is not None:
            return {"MsgTime": old["MsgTimeStamp"], "MsgKey": old["MsgKey"]}
        _check_pace(account, ctx.now)
        account["sends"].append(ctx.now)
        account_id = account["Official_Account"]
    decision = _ask(ctx, "OfficialAccount.CallbackBeforeSendMsg",
                    {"Official_Account": account_id, "OnlineOnlyFlag": online_only, "MsgBody": elems,
                     "CloudCustomData": custom}, forbid="ForbidBeforeSendMsgCallback" in forbid)
    elems = decision.msg_body or elems
    custom = decision.cloud_custom_data if decision.cloud_custom_data is not None else custom
    with ctx.state.lock:
        account = _account(ctx, body)
        if decision.action == "drop" or online_only:
            seq = account["next_seq"]
            return {"MsgTime": ts, "MsgKey": f"{seq}_1_{ts}"}
        msg = ctx.state.social.store_official_message(account, rnd=rnd, ts=ts, body=elems, custom=custom)
    _after(ctx, "OfficialAccount.CallbackAfterSendMsg",
           {"Official_Account": account_id, "MsgKey": msg["MsgKey"], "MsgTime": ts, "OnlineOnlyFlag": 0,
            "MsgBody": elems, "CloudCustomData": custom}, forbid="ForbidAfterSendMsgCallback" in forbid)
    return {"MsgTime": ts, "MsgKey": msg["MsgKey"]}


@endpoint(SVC + "official_account_msg_recall", rate=200)
def official_account_msg_recall(ctx, body):
    keys = items(body, "MsgKeyList", BAD, limit=MAX_RECALL, kind=str)
    _string(body, "Reason", limit=MAX_REASON)
    results, recalled = [], []
    with ctx.state.lock:
        account = _account(ctx, body)
        by_key = {m["MsgKey"]: m for m in account["messages"]}
        for key in keys:
            msg = by_key.get(key)
            if msg is None or msg["Recalled"]:
                results.append({"MsgKey": key, "MsgSeq": msg["MsgSeq"] if msg else 0,
                                "RetCode": NO_SUCH_MESSAGE})
                continue
            msg["Recalled"] = True
            recalled.append(key)
            results.append({"MsgKey": key, "MsgSeq": msg["MsgSeq"], "RetCode": 0})
    if recalled:
        _after(ctx, "OfficialAccount.CallbackAfterMsgWithDraw",
               {"Official_Account": account["Official_Account"], "Operator_Account": ctx.identifier,
                "WithdrawMsgList": [{"MsgKey": k} for k in recalled]})
    return {"RecallRetList": results}


def _history_item(account_id: str, msg: dict) -> dict:
    recalled = msg["Recalled"]
    return {"From_Account": account_id, "IsPlaceMsg": 2 if recalled else 0, "IsSystemMsg": 0,
            "MsgBody": [] if recalled else msg["MsgBody"], "CloudCustomData": "" if recalled else msg["CloudCustomData"],
            "MsgPriority": 2, "MsgRandom": msg["MsgRandom"], "MsgKey": msg["MsgKey"],
            "MsgSeq": msg["MsgSeq"], "MsgTimeStamp": msg["MsgTimeStamp"]}


@endpoint(SVC + "official_account_msg_get_simple", rate=200)
def official_account_msg_get_simple(ctx, body):
    wanted = integer(body, "ReqMsgNumber", BAD, low=1, high=MAX_OFFICIAL_HISTORY)
    with_recalled = integer(body, "WithRecalledMsg", BAD, required=False, default=0, high=1)
    last_key = _string(body, "LastMsgKey")
    with ctx.state.lock:
        account = _account(ctx, body)
        history = account["messages"]
        end = len(history)
        if last_key:
            positions = [i for i, m in enumerate(history) if m["MsgKey"] == last_key]
            if not positions:
                raise _bad(f"LastMsgKey {last_key} names no message of this account")
            end = positions[0]
        count = min(wanted, HISTORY_PAGE)
        found, index = [], end - 1
        while index >= 0 and len(found) < count:
            msg = history[index]
            if with_recalled or not msg["Recalled"]:
                found.append(_history_item(account["Official_Account"], msg))
            index -= 1
        older = any(with_recalled or not m["Recalled"] for m in history[:index + 1])
        return {"Official_Account": account["Official_Account"], "IsFinished": 0 if older else 1,
                "RspMsgList": found, "LastMsgKey": found[-1]["MsgKey"] if found else ""}
