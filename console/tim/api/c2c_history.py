"""One-to-one history after the send: edits, one-sided deletes, read receipts (`openim/*`).

A mixin of `C2CAPI` (client.c2c). Facts from the pages (the spec only names the commands):
- `modify_c2c_msg` (1047/47722): overwrite a stored message's MsgBody and/or CloudCustomData by
  MsgKey; an edit cannot be undone; IM tells the app through `C2C.CallbackAfterModifyMsg`.
- `delete_c2c_msg_ramble` (269/101439): delete messages from one participant's history only,
  at most 30 MsgKeys per call (the method batches longer lists); the peer keeps them.
- `c2c_msg_read_receipt` (269/104121): the receiver reports messages it read; every message
  must go from the peer to the reader; IM sends `C2C.CallbackAfterMsgReadReceipt`.
All three: 200 calls/s.
"""
from __future__ import annotations

from typing import Any, Iterable

from console.tim.api._base import check_list, check_message_size, check_str, check_user_id, invalid, msg_body
from console.tim.errors import TimError
from console.tim.results import BatchResult, ItemResult, Result

MODIFY, DELETE_ONE_SIDED, READ_RECEIPT = "openim/modify_c2c_msg", "openim/delete_c2c_msg_ramble", \
    "openim/c2c_msg_read_receipt"
MAX_DELETE = 30


def _msg_keys(name: str, keys: Iterable[str]) -> list[str]:
    keys = check_list(name, keys)
    for key in keys:
        check_str(f"{name} item", key, max_bytes=50)
    if len(set(keys)) != len(keys):
        raise invalid(f"{name} contains duplicate MsgKeys")
    return keys


class C2CHistoryMixin:
    """Methods of client.c2c that change messages already sent."""

    def modify_message(self, sender: str, to: str, msg_key: str, *, body: Any = None,
                       cloud_custom_data: str | None = None) -> Result:
        """Overwrite the MsgBody and/or CloudCustomData of the message `msg_key` from `sender` to `to`."""
        payload: dict[str, Any] = {"From_Account": check_user_id("sender", sender), "To_Account": check_user_id("to", to),
                                   "MsgKey": check_str("msg_key", msg_key, max_bytes=50)}
        if body is None and cloud_custom_data is None:
            raise invalid("nothing to modify: give body and/or cloud_custom_data")
        if body is not None:
            payload["MsgBody"] = msg_body("body", body)
        if cloud_custom_data is not None:
            payload["CloudCustomData"] = check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)
        check_message_size("message", payload)
        return Result(raw=self._call(MODIFY, payload, op="modify_message"))

    def delete_messages_one_sided(self, user_id: str, peer_id: str, msg_keys: Iterable[str]) -> BatchResult:
        """Delete messages from `user_id`'s history with `peer_id` only (the peer keeps them).

        One request per 30 keys; one item per key. A failed request fails its keys (with its
        code) and the others are still tried; keys that match no message count as deleted.
        """
        user_id, peer_id = check_user_id("user_id", user_id), check_user_id("peer_id", peer_id)
        keys = _msg_keys("msg_keys", msg_keys)
        items, last = [], {}
        for first in range(0, len(keys), MAX_DELETE):
            chunk = keys[first:first + MAX_DELETE]
            body = {"Operator_Account": user_id, "Peer_Account": peer_id, "MsgKeyList": chunk}
            try:
                last = self._call(DELETE_ONE_SIDED, body, op="delete_messages_one_sided")
                items += [ItemResult(id=key) for key in chunk]
            except TimError as exc:
                last = exc.response or {"ErrorCode": exc.code, "ErrorInfo": exc.info}
                items += [ItemResult(id=key, ok=False, code=exc.code, info=exc.info) for key in chunk]
        failed = [item for item in items if not item.ok]
        return BatchResult(items=items, raw=last, code=failed[-1].code if failed else 0,
                           info=failed[-1].info if failed else "")

    def send_read_receipts(self, reader: str, peer_id: str, msg_keys: Iterable[str]) -> Result:
        """`reader` tells `peer_id` it read these messages (each sent by `peer_id` to `reader`)."""
        reader, peer_id = check_user_id("reader", reader), check_user_id("peer_id", peer_id)
        infos = [{"From_Account": peer_id, "To_Account": reader, "MsgKey": key}
                 for key in _msg_keys("msg_keys", msg_keys)]
        body = {"Operator_Account": reader, "Peer_Account": peer_id, "C2CMsgInfo": infos}
        return Result(raw=self._call(READ_RECEIPT, body, op="send_read_receipts"))
