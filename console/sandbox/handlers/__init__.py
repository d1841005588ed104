"""Every emulated endpoint; importing this package registers them all in registry.REGISTRY."""
import importlib

from . import account, c2c, conversation, mute, ops, profile, push, sns  # noqa: F401
# issue 16, api-social: follow, official accounts, moderation services
from . import follow, moderation, official_account  # noqa: F401

try:  # the group endpoints come from another module that may not exist yet
    importlib.import_module(f"{__name__}.group")
except ImportError as exc:  # pragma: no cover - only while the group module is missing
    if exc.name != f"{__name__}.group":
        raise
