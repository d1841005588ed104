"""Conversation lists (`recentcontact/*`). Seed module: RecentContact."""
from __future__ import annotations

from typing import Iterator

from console.tim.api._base import Namespace, check_int, check_str, check_user_id, invalid, paginate
from console.tim.api.conversation_groups import ConversationGroupsMixin
from console.tim.results import Result, Session, SessionPage

GET_LIST, DELETE = "recentcontact/get_list", "recentcontact/delete"
C2C, GROUP = 1, 2
SESSION_TYPES = {"c2c": C2C, "group": GROUP, C2C: C2C, GROUP: GROUP}
# AssistFlags bits: 1 pinned conversations supported, 2 include empty ones, 4 page the pinned ones.
ALLOW_TOP, RETURN_EMPTY, TOP_PAGING = 1, 2, 4
DEFAULT_FLAGS = ALLOW_TOP | TOP_PAGING


class ConversationAPI(ConversationGroupsMixin, Namespace):
    name = "conversation"

    def fetch_sessions(self, user_id: str, timestamp: int = 0, start_index: int = 0, top_timestamp: int = 0,
                       top_start_index: int = 0, assist_flags: int = DEFAULT_FLAGS) -> SessionPage:
        """One page of `user_id`'s conversations; pass the returned cursors back for the next page."""
        body = {"From_Account": check_user_id("user_id", user_id),
                "TimeStamp": check_int("timestamp", timestamp),
                "StartIndex": check_int("start_index", start_index),
                "TopTimeStamp": check_int("top_timestamp", top_timestamp),
                "TopStartIndex": check_int("top_start_index", top_start_index),
                "AssistFlags": check_int("assist_flags", assist_flags, hi=7)}
        raw = self._call(GET_LIST, body, op="fetch_sessions", retry_safe=True)
        sessions = [Session(type=int(e.get("Type") or C2C), peer=e.get("To_Account", ""),
                            group_id=e.get("GroupId", ""), msg_time=int(e.get("MsgTime") or 0),
                            pinned=bool(e.get("TopFlag")), raw=e) for e in raw.get("SessionItem") or []]
        return SessionPage(sessions=sessions, timestamp=int(raw.get("TimeStamp") or 0),
                           start_index=int(raw.get("StartIndex") or 0),
                           top_timestamp=int(raw.get("TopTimeStamp") or 0),
                           top_start_index=int(raw.get("TopStartIndex") or 0),
                           has_more=int(raw.get("CompleteFlag", 1) or 0) != 1, raw=raw)

    def iter_sessions(self, user_id: str, assist_flags: int = DEFAULT_FLAGS) -> Iterator[Session]:
        """Every conversation of `user_id`, carrying all four cursors forward, on demand."""
        def fetch(cursor):
            return self.fetch_sessions(user_id, *cursor, assist_flags=assist_flags)
        return paginate(fetch, (0, 0, 0, 0), lambda page: page.sessions,
                        lambda page: (page.timestamp, page.start_index, page.top_timestamp, page.top_start_index)
                        if page.has_more else None)

    def delete_session(self, user_id: str, to: str, session_type: int | str = C2C,
                       clear_history: bool = False) -> Result:
        """Delete one conversation from `user_id`'s list (`clear_history`: also its roaming messages).

        `session_type` 1/"c2c" (`to` is the peer) or 2/"group" (`to` is the group ID, sent as
        `ToGroupid` as the current API requires).
        """
        kind = SESSION_TYPES.get(session_type)
        if kind is None:
            raise invalid(f"session_type must be 1/'c2c' or 2/'group', got {session_type!r}")
        body = {"From_Account": check_user_id("user_id", user_id), "Type": kind}
        if kind == C2C:
            body["To_Account"] = check_user_id("to", to)
        else:
            body["ToGroupid"] = check_str("to", to, max_bytes=96)
        body["ClearRamble"] = 1 if clear_history else 0
        return Result(raw=self._call(DELETE, body, op="delete_session", retry_safe=True))

    def delete_c2c_session(self, user_id: str, peer: str, clear_history: bool = False) -> Result:
        return self.delete_session(user_id, peer, C2C, clear_history)

    def delete_group_session(self, user_id: str, group_id: str, clear_history: bool = False) -> Result:
        return self.delete_session(user_id, group_id, GROUP, clear_history)
