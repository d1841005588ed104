"""Operations: statistics (openconfigsvr/getappinfo), message-log links (open_msg_svc/get_history)
and the server IP list (ConfigSvc/GetIPList)."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import random

from ..registry import ApiError, endpoint
from ..state import IP_LISTS
from .common import items

METRICS = ("AppName", "AppId", "Company", "ActiveUserNum", "RegistUserNumOneDay", "RegistUserNumTotal",
           "LoginTimes", "LoginUserNum", "UpMsgNum", "SendMsgUserNum", "APNSMsgNum", "C2CUpMsgNum",
           "C2CDownMsgNum", "C2CSendMsgUserNum", "C2CAPNSMsgNum", "MaxOnlineNum", "DownMsgNum",
           "ChainIncrease", "ChainDecrease", "GroupUpMsgNum", "GroupDownMsgNum", "GroupSendMsgUserNum",
           "GroupAPNSMsgNum", "GroupSendMsgGroupNum", "GroupJoinGroupTimes", "GroupQuitGroupTimes",
           "GroupNewGroupNum", "GroupAllGroupNum", "GroupDestroyGroupNum", "CallBackReq", "CallBackRsp")
DAYS = 30
CHINA = dt.timezone(dt.timedelta(hours=8))  # message-log hours are Beijing time
LOG_DAYS = 7
LINK_LIFETIME = dt.timedelta(hours=12)


def _day_stats(ctx, day: dt.date, accounts: int) -> dict:
    """One day of statistics: this sandbox's own counters on top of a steady synthetic baseline."""
    rng = random.Random(f"{ctx.sandbox.app_id}-{day:%Y%m%d}")
    real = ctx.state.counters.get(f"{day:%Y%m%d}", {})
    base = {name: rng.randint(0, 50) for name in METRICS}
    stats = {name: base[name] + real.get(name, 0) for name in METRICS}
    stats["C2CUpMsgNum"] = base["C2CUpMsgNum"] + real.get("C2CUpMsgNum", 0)
    stats["UpMsgNum"] = stats["C2CUpMsgNum"] + stats["GroupUpMsgNum"]
    stats["DownMsgNum"] = stats["C2CDownMsgNum"] + stats["GroupDownMsgNum"]
    stats["RegistUserNumTotal"] = accounts
    stats["ActiveUserNum"] = min(accounts, stats["ActiveUserNum"] + stats["LoginUserNum"])
    stats["CallBackRsp"] = min(stats["CallBackRsp"], stats["CallBackReq"])
    stats.update(AppName="TIM Sandbox", AppId=ctx.sandbox.app_id, Company="Sandbox")
    return {name: str(value) for name, value in stats.items()}


@endpoint("openconfigsvr/getappinfo", rate=200)
def getappinfo(ctx, body):
    fields = items(body, "RequestField", 130001, required=False, kind=str) or list(METRICS)
    today = dt.datetime.fromtimestamp(ctx.now, dt.timezone.utc).date()
    with ctx.state.lock:
        accounts = len(ctx.state.accounts)
        days = [_day_stats(ctx, today - dt.timedelta(days=n), accounts) for n in range(DAYS)]
    return {"ErrorInfo": "OK",
            "Result": [{**{f: d[f] for f in fields if f in d}, "Date": f"{today - dt.timedelta(days=n):%Y%m%d}"}
                       for n, d in enumerate(days)]}


def _hour(value) -> dt.datetime:
    if not isinstance(value, str) or len(value) != 10 or not value.isdigit():
        raise ApiError(1002, "MsgTime must look like YYYYMMDDHH")
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H").replace(tzinfo=CHINA)
    except ValueError:
        raise ApiError(1002, "MsgTime is not a valid hour") from None


def _log_lines(ctx, chat_type: str, start: int, end: int) -> list[dict]:
    if chat_type == "C2C":
        return [{"From_Account": m["From_Account"], "To_Account": m["To_Account"],
                 "MsgTimestamp": m["MsgTimeStamp"], "MsgSeq": m["MsgSeq"], "MsgRandom": m["MsgRandom"],
                 "MsgBody": m["MsgBody"]}
                for history in ctx.state.messages.values() for m in history
                if start <= m["MsgTimeStamp"] < end]
    return [{"From_Account": m.sender, "GroupId": g.group_id, "MsgTimestamp": m.time, "MsgSeq": m.seq,
             "MsgBody": m.body}
            for g in ctx.state.groups.groups.values() for m in getattr(g, "messages", [])
            if start <= m.time < end and not m.system]


@endpoint("open_msg_svc/get_history", rate=10)
def get_history(ctx, body):
    chat_type = body.get("ChatType")
    if chat_type not in ("C2C", "Group"):
        raise ApiError(1002, "ChatType must be C2C or Group")
    hour = _hour(body.get("MsgTime"))
    now = dt.datetime.fromtimestamp(ctx.now, CHINA)
    if hour + dt.timedelta(hours=1) > now:
        raise ApiError(1004, "the file of this hour is not generated yet")
    if hour < now - dt.timedelta(days=LOG_DAYS):
        raise ApiError(1005, "the file of this hour has expired")
    start = int(hour.timestamp())
    with ctx.state.lock:
        lines = _log_lines(ctx, chat_type, start, start + 3600)
    if not lines:
        raise ApiError(1004, "no messages in this hour")
    head = json.dumps({"SdkAppId": ctx.sandbox.app_id, "ChatType": chat_type, "MsgTime": body["MsgTime"]})
    rows = ",\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    raw = f'{head[:-1]}, "MsgList": [\n{rows}\n]}}\n'.encode("utf-8")  # one message per line
    packed = gzip.compress(raw, mtime=0)
    name = f"{hashlib.sha1(packed).hexdigest()}.gz"
    ctx.sandbox.keep_history_file(name, packed)
    expire = now + LINK_LIFETIME
    return {"File": [{"URL": f"{ctx.sandbox.base_url or 'http://127.0.0.1'}/msg_history/{name}",
                      "ExpireTime": expire.strftime("%Y-%m-%d %H:%M:%S"), "FileSize": len(raw),
                      "FileMD5": hashlib.md5(raw).hexdigest(), "GzipSize": len(packed),
                      "GzipMD5": hashlib.md5(packed).hexdigest()}]}


@endpoint("ConfigSvc/GetIPList", rate=200)
def get_ip_list(ctx, body):
    nettype = str(ctx.extras.get("query", {}).get("nettype", "0"))
    kind = int(nettype) if nettype.isdigit() else 0
    if kind in IP_LISTS:
        return {"IPList": list(IP_LISTS[kind])}
    return {"IPList": [ip for k in sorted(IP_LISTS) for ip in IP_LISTS[k]]}
