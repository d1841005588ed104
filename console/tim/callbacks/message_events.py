"""Events of one-to-one message edits and read receipts (issue #16's message endpoints).

- `C2C.CallbackAfterModifyMsg` (doc 269/128224): a C2C message was edited, by a user in a
  client or by the admin through `openim/modify_c2c_msg`; the body is the message after the
  edit plus `Operator_Account`, who edited it.
- `C2C.CallbackAfterMsgReadReceipt` (doc 269/128223): a user sent read receipts for messages
  of a one-to-one conversation (client, or `openim/c2c_msg_read_receipt`): `Operator_Account`
  read, `Peer_Account` sent them, `C2CMsgInfo` lists each message (`MsgKey`, `MsgId`).
Message extensions and bots use the classes of `events` (MessageExtensionEvent,
C2CMessageEvent, GroupMessageEvent).
"""
from __future__ import annotations

from dataclasses import dataclass

from .events import C2CMessageEvent, CallbackEvent
from .records import _Record, _records, fld


@dataclass(kw_only=True)
class C2CModifyEvent(C2CMessageEvent):
    """C2C.CallbackAfterModifyMsg: the message as edited, and who edited it."""
    operator_account: str | None = fld("Operator_Account", account=True)


@dataclass(kw_only=True)
class C2CReceiptItem(_Record):
    """One message of C2C.CallbackAfterMsgReadReceipt."""
    from_account: str | None = fld("From_Account", account=True)
    to_account: str | None = fld("To_Account", account=True)
    msg_key: str | None = fld("MsgKey")
    msg_id: str | None = fld("MsgId")


@dataclass(kw_only=True)
class C2CReadReceiptEvent(CallbackEvent):
    """C2C.CallbackAfterMsgReadReceipt: `operator_account` read these messages of `peer_account`."""
    operator_account: str | None = fld("Operator_Account", account=True)
    peer_account: str | None = fld("Peer_Account", account=True)
    receipts: list[C2CReceiptItem] = fld("C2CMsgInfo", conv=_records(C2CReceiptItem), account=True)

    @property
    def msg_keys(self) -> list[str]:
        return [r.msg_key for r in self.receipts if r.msg_key]
