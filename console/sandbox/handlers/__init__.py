"""Every emulated endpoint; importing this package registers them all in registry.REGISTRY."""
from . import account, c2c, conversation, group, mute, ops, profile, push, sns  # noqa: F401
from . import avchatroom  # noqa: F401  (group depth, issue #16: group_open_avchatroom_http_svc)
