"""Bots (openim_robot_http_svc/*): create, delete, list, and the bot's streaming message.

From the pages (269/89991, 1047/55280-55282, 269/104537): a bot is an account whose UserID
starts with `@RBT#` (<= 32 bytes) with a nick, face URL and signature (<= 500 bytes);
creating the same ID twice makes one bot; an app has at most 20 (10008 beyond); a deleted bot
leaves the list but its ID is not freed; 10004 for bad parameters. The sandbox keeps a bot as
an account (so that it can send and receive messages), and `sendmsg` to an active bot also
sends `Bot.OnC2CMessage` (handlers/c2c.py).

`send_stream_msg` (From_Account a bot, To_Account a user, Chunk, MsgKey from the second call
on, Finish 1 on the last) grows one stored C2C message chunk by chunk (see messaging.py for
its body). The page lists no private codes, so the sandbox answers as the openim commands do:
20003 for a sender that is not an active bot or an unknown recipient, 20001 for a missing Chunk,
an unknown MsgKey or one whose stream is finished, 93000 past the 12 KB message limit.
"""
from __future__ import annotations

import json

from ..messaging import ROBOT_PREFIX, ROBOTS_MAX, c2c_ext_key, stream_body
from ..registry import ApiError, endpoint
from ..state import msg_key
from .c2c import MAX_BODY_BYTES
from .common import size, text

BAD, REFUSED = 10004, 10008
SVC = "openim_robot_http_svc/"
PROFILE_TAGS = {"Nick": "Tag_Profile_IM_Nick", "FaceUrl": "Tag_Profile_IM_Image",
                "SelfSignature": "Tag_Profile_IM_SelfSignature"}


def _robot_id(body: dict, field: str) -> str:
    uid = text(body, field, BAD, max_bytes=32)
    if not uid.startswith(ROBOT_PREFIX) or uid == ROBOT_PREFIX:
        raise ApiError(BAD, f"{field} must start with {ROBOT_PREFIX}")
    return uid


@endpoint(SVC + "create_robot", rate=200)
def create_robot(ctx, body):
    uid = _robot_id(body, "UserID")
    profile = {tag: text(body, field, BAD, required=False, max_bytes=500) for field, tag in PROFILE_TAGS.items()}
    with ctx.state.lock:
        messaging = ctx.state.messaging
        if not messaging.is_robot(uid) and len(messaging.active_robots()) >= ROBOTS_MAX:
            raise ApiError(REFUSED, f"an app has at most {ROBOTS_MAX} bots")
        ctx.state.import_account(uid, now=ctx.now)
        messaging.add_robot(uid, ctx.now)
        ctx.state.profiles[uid].update({tag: value for tag, value in profile.items() if value is not None})
    return {}


@endpoint(SVC + "delete_robot", rate=200)
def delete_robot(ctx, body):
    uid = _robot_id(body, "Robot_Account")
    with ctx.state.lock:
        if not ctx.state.messaging.is_robot(uid):
            raise ApiError(BAD, f"{uid} is not a bot")
        ctx.state.messaging.robots[uid]["active"] = False
    return {}


@endpoint(SVC + "get_all_robots", rate=200)
def get_all_robots(ctx, body):
    with ctx.state.lock:
        return {"Robot_Account": ctx.state.messaging.active_robots()}


@endpoint(SVC + "send_stream_msg", rate=200)
def send_stream_msg(ctx, body):
    chunk = body.get("Chunk")
    if not isinstance(chunk, str):
        raise ApiError(20001, "Chunk must be a string")
    finish = body.get("Finish", 0) == 1
    key = body.get("MsgKey")
    if key is not None and (not isinstance(key, str) or not key):
        raise ApiError(20001, "MsgKey must be the key the first call returned")
    with ctx.state.lock:
        state, messaging = ctx.state, ctx.state.messaging
        bot, user = body.get("From_Account"), body.get("To_Account")
        if not messaging.is_robot(bot):
            raise ApiError(20003, "From_Account is not an active bot")
        if not state.account_exists(user):
            raise ApiError(20003, "To_Account was never imported")
        if key is None:
            return _start(ctx, bot, user, chunk, finish)
        stream = messaging.streams.get(c2c_ext_key(bot, user, key))
        msg = state.find_c2c(bot, user, key)
        if stream is None or msg is None or stream["finished"]:
            raise ApiError(20001, f"no open stream {key} from {bot} to {user}")
        new_body = stream_body(stream["chunks"] + [chunk], finish)
        _check_size(new_body)
        stream["chunks"].append(chunk)
        stream["finished"] = finish
        msg["MsgBody"] = new_body
        return {"MsgKey": key}


def notify_mentioned_bots(ctx, payload: dict, at_info: list) -> None:
    """Called by send_group_msg: a group message that @-mentions active bots also goes to
    `Bot.OnGroupMessage`, with the bots in `AtRobots_Account` (as the published body shows)."""
    bots = [a.get("GroupAt_Account") for a in at_info
            if isinstance(a, dict) and ctx.state.messaging.is_robot(a.get("GroupAt_Account"))]
    if bots:
        ctx.callbacks.after("Bot.OnGroupMessage", {**payload, "AtRobots_Account": list(dict.fromkeys(bots))})


def _check_size(elems: list) -> None:
    if size(json.dumps(elems, ensure_ascii=False)) > MAX_BODY_BYTES:
        raise ApiError(93000, "the streamed message is larger than 12 KB")


def _start(ctx, bot: str, user: str, chunk: str, finish: bool) -> dict:
    state = ctx.state
    elems = stream_body([chunk], finish)
    _check_size(elems)
    ts, seq, rnd = int(ctx.now), state.random_u32(), state.random_u32()
    key = msg_key(seq, rnd, ts)
    state.store_c2c(bot, user, seq=seq, rnd=rnd, ts=ts, body=elems, key=key)
    state.touch_conversation(user, "c2c", bot, ts)
    state.touch_conversation(bot, "c2c", user, ts)
    state.messaging.streams[c2c_ext_key(bot, user, key)] = {"chunks": [chunk], "finished": finish}
    return {"MsgKey": key}
