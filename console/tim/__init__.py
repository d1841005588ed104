"""console.tim: a Python client for the Tencent Cloud IM REST API, UserSig and callbacks.

Imports no Flask and nothing else from `console`.
"""
from .client import Client
from .errors import (AuthError, InvalidArgumentError, MalformedResponseError, NotFoundError,
                     RateLimitedError, TimError, TransportError, error_for)
from .events import CallEvent, redact
from .usersig import SigInfo, UserSigError

__all__ = ["Client", "TimError", "RateLimitedError", "AuthError", "NotFoundError", "InvalidArgumentError",
           "TransportError", "MalformedResponseError", "error_for", "CallEvent", "redact", "UserSigError", "SigInfo"]
