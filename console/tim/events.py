"""What observers receive after every Client.call(), and the redaction they rely on."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import TimError

REDACTED = "***"
# Compared lower-cased with "_" and "-" removed: usersig, UserSig, user_sig, Secret, api-key ...
# A bare "key" is not on the list: IM bodies use it for group attributes and message
# extensions (`GroupAttr[].key`, `KeyValues[].Key`), which the audit log must show.
_SECRET_KEYS = frozenset({"usersig", "sig", "secret", "secretkey", "appkey", "apikey", "privatekey",
                          "token", "callbacktoken", "accesstoken", "password", "passwd", "privatemapkey"})


def _is_secret(key: object) -> bool:
    return isinstance(key, str) and key.lower().replace("_", "").replace("-", "") in _SECRET_KEYS


def redact(data: Any) -> Any:
    """A copy of `data` with the value of every secret-looking key blanked, at any depth."""
    if isinstance(data, dict):
        return {k: REDACTED if _is_secret(k) else redact(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact(v) for v in data]
    return data


@dataclass
class CallEvent:
    endpoint: str                 # "service/command"
    operation: str | None         # e.g. "account.import_account"
    request: dict                 # the body sent, redacted
    response: dict | None         # raw response (also on most failures: batch item lists)
    error: TimError | None
    duration: float               # seconds, including retries and limiter waits
    attempts: int
    request_id: str               # the `random` query value
    waited: float = 0.0           # seconds the client's rate limiter held the call back

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def code(self) -> int:
        return 0 if self.error is None else self.error.code
