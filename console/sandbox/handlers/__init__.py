"""Every emulated endpoint; importing this package registers them all in registry.REGISTRY."""
from . import account, c2c, conversation, group, mute, ops, profile, push, sns  # noqa: F401
# issue 16, api-social: follow, official accounts, moderation services
from . import follow, moderation, official_account  # noqa: F401
# messages, extensions, conversation groups and marks, bots (issue #16 items 3, 4, 7)
from . import c2c_history, contact_group, message_ext, robot  # noqa: F401
from . import avchatroom  # noqa: F401  (group depth, issue #16: group_open_avchatroom_http_svc)

# communities: topics and permission groups (uses the group package's helpers)
from . import community  # noqa: E402,F401
