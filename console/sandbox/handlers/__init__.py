"""Every emulated endpoint; importing this package registers them all in registry.REGISTRY."""
from . import account, c2c, conversation, group, mute, ops, profile, push, sns  # noqa: F401
