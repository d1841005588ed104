"""Bots (`openim_robot_http_svc/*`): create, delete and list `@RBT#` accounts, and the bot's
streaming reply to a user.

Facts from the pages (269/89991 create, 1047/55282 delete, 1047/55280 list, 1047/71131 stream):
a bot's UserID starts with `@RBT#` and has at most 32 bytes; nick and face URL are optional,
the signature at most 500 bytes; creating an existing bot changes nothing; an app has at most 20
bots (10008); a deleted bot leaves the list but its ID is not freed. A streaming message is
written in chunks: the first call returns the MsgKey, later calls pass it back, the last one
sets Finish. Users reach a bot by messaging it (callback `Bot.OnC2CMessage`) or by @-mentioning
it in a group (`Bot.OnGroupMessage`). All commands: 200 calls/s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from console.tim.api._base import Namespace, check_str, check_user_id, drop_none, invalid
from console.tim.results import Result

SVC = "openim_robot_http_svc/"
CREATE, DELETE, LIST, STREAM = SVC + "create_robot", SVC + "delete_robot", SVC + "get_all_robots", SVC + "send_stream_msg"
PREFIX = "@RBT#"
MAX_BOTS = 20
MAX_SIGNATURE_BYTES = 500


def check_bot_id(name: str, value) -> str:
    check_user_id(name, value)
    if not value.startswith(PREFIX) or value == PREFIX:
        raise invalid(f"{name} {value!r} is not a bot ID: bot IDs start with {PREFIX}")
    return value


@dataclass(kw_only=True)
class BotList(Result):
    bots: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class StreamResult(Result):
    msg_key: str = ""
    finished: bool = False


class BotAPI(Namespace):
    name = "bot"

    def create_robot(self, user_id: str, *, nick: str | None = None, face_url: str | None = None,
                     signature: str | None = None) -> Result:
        """Create the bot `user_id` (`@RBT#...`); creating it again changes nothing."""
        body = drop_none({
            "UserID": check_bot_id("user_id", user_id),
            "Nick": check_str("nick", nick, allow_empty=True) if nick is not None else None,
            "FaceUrl": check_str("face_url", face_url, allow_empty=True) if face_url is not None else None,
            "SelfSignature": (check_str("signature", signature, max_bytes=MAX_SIGNATURE_BYTES, allow_empty=True)
                              if signature is not None else None),
        })
        return Result(raw=self._call(CREATE, body, op="create_robot"))

    def delete_robot(self, user_id: str) -> Result:
        """Retire a bot: it leaves the bot list; its ID stays taken."""
        body = {"Robot_Account": check_bot_id("user_id", user_id)}
        return Result(raw=self._call(DELETE, body, op="delete_robot"))

    def get_all_robots(self) -> BotList:
        raw = self._call(LIST, {}, op="get_all_robots", retry_safe=True)
        return BotList(bots=[b for b in raw.get("Robot_Account") or [] if isinstance(b, str)], raw=raw)

    def send_stream_message(self, bot: str, to: str, chunk: str, *, msg_key: str | None = None,
                            finish: bool = False) -> StreamResult:
        """One chunk of a streaming reply from `bot` to `to`: without `msg_key` it starts a new
        message (whose key is returned), with it it continues that one; `finish` ends it."""
        body = drop_none({"From_Account": check_bot_id("bot", bot), "To_Account": check_user_id("to", to),
                          "Chunk": check_str("chunk", chunk, allow_empty=True),
                          "MsgKey": check_str("msg_key", msg_key, max_bytes=50) if msg_key is not None else None,
                          "Finish": 1 if finish else None})
        raw = self._call(STREAM, body, op="send_stream_message")
        return StreamResult(msg_key=raw.get("MsgKey") or msg_key or "", finished=finish, raw=raw)

    def stream_message(self, bot: str, to: str, chunks: Iterable[str]) -> StreamResult:
        """Send a whole streaming reply: each chunk as it comes (e.g. from a model), the last one
        with Finish. Returns the final call's result (its `msg_key` names the message)."""
        result: StreamResult | None = None
        pending: str | None = None
        for chunk in chunks:
            if pending is not None:
                result = self.send_stream_message(bot, to, pending, msg_key=result.msg_key if result else None)
            pending = chunk
        if pending is None:
            raise invalid("chunks is empty: a streaming message needs at least one chunk")
        return self.send_stream_message(bot, to, pending, msg_key=result.msg_key if result else None, finish=True)
