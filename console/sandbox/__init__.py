"""The IM sandbox: a local, stateful emulator of the Tencent Cloud IM REST API (docs/sandbox.md)."""
from .server import Sandbox

__all__ = ["Sandbox"]
