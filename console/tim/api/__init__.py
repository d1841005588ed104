"""The client's namespaces, one module per seed module. `Client` declares each as a typed
attribute (`account: AccountAPI`) and creates it in `__init__`; every namespace calls back
through `client.call`. NAMESPACES maps the attribute names to the classes (a test keeps the two
lists equal)."""
from console.tim.api.account import AccountAPI
from console.tim.api.avchatroom import AVChatRoomAPI
from console.tim.api.c2c import C2CAPI
from console.tim.api.community import CommunityAPI
from console.tim.api.conversation import ConversationAPI
from console.tim.api.group import GroupAPI
from console.tim.api.mute import MuteAPI
from console.tim.api.operation import OperationAPI
from console.tim.api.profile import ProfileAPI
from console.tim.api.push import PushAPI
from console.tim.api.sns import SnsAPI
# issue 16, api-social
from console.tim.api.follow import FollowAPI
from console.tim.api.moderation import ModerationAPI
from console.tim.api.official_account import OfficialAccountAPI
# messages, extensions, conversation groups and marks, bots (issue #16 items 3, 4, 7)
from console.tim.api.bot import BotAPI
from console.tim.api.message_ext import MessageExtAPI

NAMESPACES: dict[str, type] = {
    "account": AccountAPI,
    "profile": ProfileAPI,
    "sns": SnsAPI,
    "c2c": C2CAPI,
    "push": PushAPI,
    "mute": MuteAPI,
    "operation": OperationAPI,
    "group": GroupAPI,
    "conversation": ConversationAPI,
    # issue 16, api-social
    "follow": FollowAPI,
    "official_account": OfficialAccountAPI,
    "moderation": ModerationAPI,
    # messages, extensions, conversation groups and marks, bots (issue #16 items 3, 4, 7)
    "message_ext": MessageExtAPI,
    "bot": BotAPI,
    # group depth (issue #16): the AVChatRoom service
    "avchatroom": AVChatRoomAPI,
    # communities: topics and permission groups (issue 16, item 1)
    "community": CommunityAPI,
}
