"""The command table: each documented CallbackCommand, its event class and before-callback rules."""
from __future__ import annotations

from dataclasses import dataclass

from .events import (AlertEvent, C2CMessageEvent, C2CReadEvent, CallbackEvent, Category,
                     FollowEvent, FriendRequestEvent, GroupEvent, GroupMemberEvent,
                     GroupMessageEvent, GroupQuotaEvent, MessageExtensionEvent, ModerationEvent,
                     OfficialAccountEvent, ProfileEvent, PushEvent, RelationEvent,
                     StateChangeEvent)


@dataclass(frozen=True)
class CommandInfo:
    """What is known about one CallbackCommand.

    For "before" commands: `deny_range` is the documented custom-code range (besides 1),
    `sender_code` what the API caller gets on a plain deny, `can_drop` whether ErrorCode 2
    silently drops, `can_modify` whether MsgBody/CloudCustomData may be rewritten,
    `refuse_key` the list of refused UserIDs it accepts, `per_item` whether it is answered
    with a ResultItem per target instead of a top-level code.
    """
    command: str
    category: Category
    event_class: type[CallbackEvent]
    is_before: bool = False
    deny_range: tuple[int, int] | None = None
    sender_code: int | None = None
    can_drop: bool = False
    can_modify: bool = False
    refuse_key: str | None = None
    per_item: bool = False


_C2C_CUSTOM = (120001, 130000)
_GROUP_CUSTOM = (10100, 10200)
FRIEND_RESULT_RANGE = (38000, 39000)

_MSG_BEFORE = dict(is_before=True, can_drop=True, can_modify=True)
_GROUP_BEFORE = dict(is_before=True, deny_range=_GROUP_CUSTOM, sender_code=10016)

# command -> (event class, before-callback options)
_TABLE: dict[str, tuple[type[CallbackEvent], dict]] = {
    "Alert.RequestOverLimit": (AlertEvent, {}),
    "State.StateChange": (StateChangeEvent, {}),
    "Profile.CallbackPortraitSet": (ProfileEvent, {}),
    "Sns.CallbackPrevFriendAdd": (FriendRequestEvent, dict(is_before=True, per_item=True)),
    "Sns.CallbackPrevFriendResponse": (FriendRequestEvent, dict(is_before=True, per_item=True)),
    "Sns.CallbackFriendAdd": (RelationEvent, {}),
    "Sns.CallbackFriendDelete": (RelationEvent, {}),
    "Sns.CallbackBlackListAdd": (RelationEvent, {}),
    "Sns.CallbackBlackListDelete": (RelationEvent, {}),
    "Follow.CallbackAfterFollowAdd": (FollowEvent, {}),
    "Follow.CallbackAfterFollowDelete": (FollowEvent, {}),
    "C2C.CallbackBeforeSendMsg": (C2CMessageEvent, dict(_MSG_BEFORE, deny_range=_C2C_CUSTOM,
                                                        sender_code=20006)),
    "C2C.CallbackAfterSendMsg": (C2CMessageEvent, {}),
    "C2C.CallbackAfterMsgReport": (C2CReadEvent, {}),
    "C2C.CallbackAfterMsgWithDraw": (C2CMessageEvent, {}),
    "C2C.CallbackAfterC2CMsgExtension": (MessageExtensionEvent, {}),
    "Group.CallbackBeforeCreateGroup": (GroupEvent, _GROUP_BEFORE),
    "Group.CallbackAfterCreateGroup": (GroupEvent, {}),
    "Group.CallbackBeforeApplyJoinGroup": (GroupMemberEvent, _GROUP_BEFORE),
    "Group.CallbackBeforeInviteJoinGroup": (GroupMemberEvent, dict(
        _GROUP_BEFORE, refuse_key="RefusedMembers_Account")),
    "Group.CallbackAfterNewMemberJoin": (GroupMemberEvent, {}),
    "Group.CallbackAfterMemberExit": (GroupMemberEvent, {}),
    "Group.CallbackBeforeSendMsg": (GroupMessageEvent, dict(_MSG_BEFORE, **_GROUP_BEFORE)),
    "Group.CallbackAfterSendMsg": (GroupMessageEvent, {}),
    "Group.CallbackAfterGroupFull": (GroupEvent, {}),
    "Group.CallbackAfterGroupDestroyed": (GroupEvent, {}),
    "Group.CallbackAfterGroupInfoChanged": (GroupEvent, {}),
    "Group.CallbackOnMemberStateChange": (GroupMemberEvent, {}),
    "Group.CallbackSendMsgException": (GroupMessageEvent, {}),
    # topic creation: deny (1) is documented, a custom-code range is not
    "Group.CallbackBeforeCreateTopic": (GroupEvent, dict(is_before=True, sender_code=10016)),
    "Group.CallbackAfterCreateTopic": (GroupEvent, {}),
    "Group.CallbackAfterTopicDestroyed": (GroupEvent, {}),
    "Group.CallbackAfterTopicInfoChanged": (GroupEvent, {}),
    "Group.CallbackAfterMemberFieldChanged": (GroupMemberEvent, {}),
    "Group.CallbackAfterGroupAttrChanged": (GroupEvent, {}),
    "Group.CallbackAfterReadReceipt": (GroupMessageEvent, {}),
    "Group.CallbackAfterChangeGroupOwner": (GroupMemberEvent, {}),
    "Group.CallbackOnDailyGroupQuotaAlarm": (GroupQuotaEvent, {}),
    "Group.CallbackAfterGroupMsgExtension": (MessageExtensionEvent, {}),
    "Group.CallbackAfterRecallMsg": (GroupMessageEvent, {}),
    "ContentCallback.ResultNotify": (ModerationEvent, {}),
    "Bot.OnC2CMessage": (C2CMessageEvent, {}),
    "Bot.OnGroupMessage": (GroupMessageEvent, {}),
    "Chatbot.OnC2CSignalMessage": (C2CMessageEvent, {}),
    "OfficialAccount.CallbackBeforeCreateOfficialAccount": (OfficialAccountEvent,
                                                            dict(is_before=True)),
    "OfficialAccount.CallbackAfterCreateOfficialAccount": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterOfficialAccountInfoChanged": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterOfficialAccountDestroyed": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackBeforeAddSubscriber": (OfficialAccountEvent, dict(
        is_before=True, refuse_key="RefusedSubscribers_Account")),
    "OfficialAccount.CallbackAfterAddSubscriber": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterOfficialAccountFull": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterDeleteSubscriber": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackBeforeSendMsg": (OfficialAccountEvent, dict(
        _MSG_BEFORE, deny_range=_C2C_CUSTOM)),
    "OfficialAccount.CallbackAfterSendMsg": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterMsgWithDraw": (OfficialAccountEvent, {}),
    "Push.OfflinePush": (PushEvent, {}),
    "Push.AllMemberPush": (PushEvent, {}),
}

COMMANDS: dict[str, CommandInfo] = {
    name: CommandInfo(name, Category.of(name), cls, **opts) for name, (cls, opts) in _TABLE.items()
}
BEFORE_COMMANDS: frozenset[str] = frozenset(c for c, i in COMMANDS.items() if i.is_before)
MESSAGE_BEFORE_COMMANDS: frozenset[str] = frozenset(c for c, i in COMMANDS.items() if i.can_drop)
