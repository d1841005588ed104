"""The TimError family: every failure the client reports is one of these.

`code` is the IM ErrorCode (or 0 for a client-side argument check, -1 for transport
problems), `info` the text, `endpoint` the "service/command" that failed and `response`
the raw response dict when the service answered (batch endpoints keep their per-item
lists there). Messages are scrubbed so that no UserSig ever reaches a log line.
"""
from __future__ import annotations

import re

RATE_LIMIT_CODES = frozenset({60007, 60011, 60018, 60019})
# "internal timeout, retry" and "service timeout": the request may or may not have run.
TRANSIENT_CODES = frozenset({60008, 70169, 70202})
AUTH_CODES = range(70001, 70021)
NOT_FOUND_CODE = 70107

_SIG_IN_TEXT = re.compile(r"(?i)(usersig|user_sig|sig)=([^&\s'\"]+)")


def scrub(text: object, *secrets: str) -> str:
    """`text` as a string with any `usersig=...` value and every given secret blanked."""
    out = _SIG_IN_TEXT.sub(r"\1=***", str(text))
    for secret in secrets:
        if secret and len(secret) >= 6:
            out = out.replace(secret, "***")
    return out


class TimError(Exception):
    """A failed IM call (or a call refused before sending)."""

    def __init__(self, code: int, info: str, endpoint: str = "", response: dict | None = None):
        self.code = int(code)
        self.info = scrub(info)
        self.endpoint = endpoint
        self.response = response
        super().__init__(self.code, self.info, endpoint)

    def __str__(self) -> str:
        where = f"{self.endpoint}: " if self.endpoint else ""
        return f"{where}[{self.code}] {self.info}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, info={self.info!r}, endpoint={self.endpoint!r})"

    def __reduce__(self):  # picklable for task queues
        return (type(self), (self.code, self.info, self.endpoint, self.response))


class RateLimitedError(TimError):
    """60007 (per-API rate), 60011 (app-wide rate), 60018/60019 (too frequent)."""


class AuthError(TimError):
    """70001-70020: UserSig, identifier or SDKAppID rejected."""


class NotFoundError(TimError):
    """70107: the UserID was never imported."""


class InvalidArgumentError(TimError):
    """An argument failed a client-side check; nothing was sent."""

    def __init__(self, info: str, endpoint: str = "", response: dict | None = None, code: int = 0):
        super().__init__(code, info, endpoint, response)

    def __reduce__(self):
        return (type(self), (self.info, self.endpoint, self.response, self.code))


class TransportError(TimError):
    """Connection failure, timeout, HTTP status other than 200 or an unreadable body.

    `sent` is False only when the request provably never left (connection refused,
    connect timeout, DNS failure): such a call is always safe to repeat.
    """

    def __init__(self, info: str, endpoint: str = "", response: dict | None = None, code: int = -1,
                 http_status: int | None = None, sent: bool = True):
        super().__init__(code, info, endpoint, response)
        self.http_status = http_status
        self.sent = sent

    def __reduce__(self):
        return (type(self), (self.info, self.endpoint, self.response, self.code, self.http_status, self.sent))


class MalformedResponseError(TimError):
    """IM answered OK, but a field of the answer had a shape the client cannot read (a number
    that is not one, a list that is an object...). The call itself happened (and was audited)."""

    def __init__(self, info: str, endpoint: str = "", response: dict | None = None, code: int = -3):
        super().__init__(code, info, endpoint, response)

    def __reduce__(self):
        return (type(self), (self.info, self.endpoint, self.response, self.code))


def error_for(code: int, info: str, endpoint: str = "", response: dict | None = None) -> TimError:
    """The TimError subclass instance that fits an IM ErrorCode."""
    code = int(code)
    if code in RATE_LIMIT_CODES:
        cls = RateLimitedError
    elif code in AUTH_CODES:
        cls = AuthError
    elif code == NOT_FOUND_CODE:
        cls = NotFoundError
    elif code == -1:
        return TransportError(info, endpoint, response)
    elif code == 0:
        return InvalidArgumentError(info, endpoint, response)
    else:
        cls = TimError
    return cls(code, info, endpoint, response)
