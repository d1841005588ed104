"""The errors the callback modules raise."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .signing import SignCheck


class CallbackError(ValueError):
    """Base of the errors this module raises."""


class CallbackParseError(CallbackError):
    """The body is not a JSON object (every documented callback body is one)."""


class CallbackAuthError(CallbackError):
    """A request failed the Sign / app id check; `.check` says why (a SignCheck)."""

    def __init__(self, check: "SignCheck"):
        super().__init__(f"callback rejected: {check.value}")
        self.check = check
