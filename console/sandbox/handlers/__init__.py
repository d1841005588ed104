"""Every emulated endpoint; importing this package registers them all in registry.REGISTRY."""
import importlib

from . import account, c2c, conversation, mute, ops, profile, push, sns  # noqa: F401

try:  # the group endpoints come from another module that may not exist yet
    importlib.import_module(f"{__name__}.group")
except ImportError as exc:  # pragma: no cover - only while the group module is missing
    if exc.name != f"{__name__}.group":
        raise

# communities: topics and permission groups (uses the group module's helpers)
from . import community  # noqa: E402,F401
