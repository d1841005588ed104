"""Every emulated endpoint; importing this package registers them all in registry.REGISTRY."""
from . import account, c2c, conversation, group, mute, ops, profile, push, sns  # noqa: F401

# communities: topics and permission groups (uses the group package's helpers)
from . import community  # noqa: E402,F401
