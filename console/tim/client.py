"""The IM REST client core: URL and query, transport, retries, pacing, errors, observers.

Every namespace method (console/tim/api/) ends in Client.call(); nothing else talks HTTP.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from typing import Callable
from urllib.parse import quote, urlencode

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from . import regions, text
from .api.account import AccountAPI
from .api.avchatroom import AVChatRoomAPI
from .api.c2c import C2CAPI
from .api.community import CommunityAPI
from .api.conversation import ConversationAPI
from .api.group import GroupAPI
from .api.mute import MuteAPI
from .api.operation import OperationAPI
from .api.profile import ProfileAPI
from .api.push import PushAPI
from .api.sns import SnsAPI
# issue 16, api-social
from .api.follow import FollowAPI
from .api.moderation import ModerationAPI
from .api.official_account import OfficialAccountAPI
# messages, extensions, conversation groups and marks, bots (issue #16 items 3, 4, 7)
from .api.bot import BotAPI
from .api.message_ext import MessageExtAPI
from .errors import (RATE_LIMIT_CODES, TRANSIENT_CODES, InvalidArgumentError, TimError, TransportError,
                     error_for, scrub)
from .events import CallEvent, redact
from .limiter import Limiter
from .usersig import DEFAULT_EXPIRE, EXPIRED, SigCache, generate

log = logging.getLogger("console.tim")

PUSH_APIS = ("timpush", "legacy")
IM_BACKEND_TIMEOUT = 3.0  # the service gives up on a request after 3 s (spec §1.3)
_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
_RETRY_HTTP = frozenset({502, 503, 504})
_RESERVED_QUERY = frozenset({"sdkappid", "identifier", "usersig", "random", "contenttype"})

Observer = Callable[[CallEvent], None]


def _timeouts(timeout) -> tuple[float, float]:
    if isinstance(timeout, (tuple, list)):
        connect, read = (float(t) for t in timeout)
    else:
        read = float(timeout)
        connect = min(read, 5.0)
    if connect <= 0 or read <= 0:
        raise ValueError("timeouts must be positive")
    return connect, read


def _endpoint(name: str) -> str:
    name = str(name).strip().strip("/")
    if name.startswith("v4/"):
        name = name[3:]
    service, _, command = name.partition("/")
    if not service or not command or "/" in command or "?" in name:
        raise InvalidArgumentError(f"endpoint must look like 'service/command', got {name!r}")
    return name


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(exc, requests.exceptions.SSLError):
        reason = exc.args[0] if exc.args else None
        return isinstance(getattr(reason, "reason", reason), NewConnectionError)
    return False


def _describe(exc: requests.RequestException) -> str:
    """A short text for a transport failure, without the URL (which carries the UserSig)."""
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError -> the real cause
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        kind = "connect timeout"
    elif isinstance(exc, requests.exceptions.ReadTimeout):
        kind = "read timeout (the request may have been processed)"
    elif isinstance(exc, requests.exceptions.SSLError):
        kind = "TLS error"
    elif _never_sent(exc):
        kind = "connection failed"
    else:
        kind = f"connection error ({type(exc).__name__})"
    detail = str(reason).split(": ", 1)[-1] if reason is not exc else type(exc).__name__
    return f"{kind}: {detail}"


class _Tally:
    """What one call() did, for its CallEvent."""
    __slots__ = ("attempts", "response", "error", "waited")

    def __init__(self):
        self.attempts = 0
        self.waited = 0.0
        self.response: dict | None = None
        self.error: TimError | None = None


def _prepare(endpoint: str, body: dict | None, query: dict | None) -> tuple[str, dict, bytes, str]:
    """Check and encode a call's arguments: (endpoint, body, JSON payload, extra query string)."""
    endpoint = _endpoint(endpoint)
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise InvalidArgumentError(f"body must be a dict, got {type(body).__name__}", endpoint)
    try:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"body is not JSON-serialisable: {exc}", endpoint) from None
    if not query:
        return endpoint, body, payload, ""
    clash = _RESERVED_QUERY.intersection(query)
    if clash:
        raise InvalidArgumentError(f"query may not set {', '.join(sorted(clash))}", endpoint)
    return endpoint, body, payload, "&" + urlencode(query)


class Client:
    """A client for one IM app (SDKAppID), safe to share across threads.

    >>> client = Client(app_id=1400000001, secret="...", region="singapore")
    >>> client.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "alice"}]})
    >>> client.account.check_accounts(["alice"])

    One namespace per part of the API (console/tim/api/, listed in `api.NAMESPACES`), each
    calling back through `call`.
    """

    account: AccountAPI
    profile: ProfileAPI
    sns: SnsAPI
    c2c: C2CAPI
    push: PushAPI
    mute: MuteAPI
    operation: OperationAPI
    group: GroupAPI
    conversation: ConversationAPI
    # issue 16, api-social
    follow: FollowAPI
    official_account: OfficialAccountAPI
    moderation: ModerationAPI
    # messages, extensions, conversation groups and marks, bots (issue #16 items 3, 4, 7)
    message_ext: MessageExtAPI
    bot: BotAPI
    # group depth (issue #16): the AVChatRoom service
    avchatroom: AVChatRoomAPI
    community: CommunityAPI          # communities: topics and permission groups

    def __init__(self, app_id: int, secret: str, admin: str = "administrator", *,
                 region: str | None = None, base_url: str | None = None, backup_domain: bool = False,
                 timeout: float | tuple[float, float] = 10, push_api: str = "timpush",
                 rate_limits: dict | bool | None = None, max_retries: int = 3,
                 backoff: float = 0.25, backoff_max: float = 8.0, verify: bool | str = True,
                 pool_size: int = 32, sig_expire: int = 7 * 86400, user_agent: str = "tim-console"):
        if not secret:
            raise ValueError("secret (the app's key) is required")
        if not admin:
            raise ValueError("admin (an App admin identifier) is required")
        if (region is None) == (base_url is None):
            raise ValueError("pass exactly one of region= (e.g. 'singapore') or base_url=")
        if push_api not in PUSH_APIS:
            raise ValueError(f"push_api must be one of {PUSH_APIS}, got {push_api!r}")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.app_id = int(app_id)
        self.admin = admin
        if region is not None:
            self.region: regions.Region | None = regions.resolve(region)
            self.base_url = self.region.base_url(backup=backup_domain)
        else:
            self.region = None
            self.base_url = base_url.rstrip("/")
        self.timeout = _timeouts(timeout)
        self.push_api = push_api
        self.max_retries = int(max_retries)
        self.backoff, self.backoff_max = float(backoff), float(backoff_max)
        self.limiter = None if rate_limits is False else Limiter(rate_limits or None)
        self._secret = secret
        self._sigs = SigCache(self.app_id, secret, admin, sig_expire)
        self._prefix = f"{self.base_url}/v4/"
        self._query = f"?sdkappid={self.app_id}&identifier={quote(admin, safe='')}&usersig="
        self._observers: tuple[Observer, ...] = ()
        self._observers_lock = threading.Lock()
        self._session = requests.Session()
        self._session.verify = verify
        self._session.headers["User-Agent"] = user_agent
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self.account = AccountAPI(self)
        self.profile = ProfileAPI(self)
        self.sns = SnsAPI(self)
        self.c2c = C2CAPI(self)
        self.push = PushAPI(self)
        self.mute = MuteAPI(self)
        self.operation = OperationAPI(self)
        self.group = GroupAPI(self)
        self.conversation = ConversationAPI(self)
        # issue 16, api-social
        self.follow = FollowAPI(self)
        self.official_account = OfficialAccountAPI(self)
        self.moderation = ModerationAPI(self)
        # messages, extensions, conversation groups and marks, bots (issue #16 items 3, 4, 7)
        self.message_ext = MessageExtAPI(self)
        self.bot = BotAPI(self)
        self.avchatroom = AVChatRoomAPI(self)
        self.community = CommunityAPI(self)

    def __repr__(self) -> str:
        return f"Client(app_id={self.app_id}, admin={self.admin!r}, base_url={self.base_url!r})"

    # ---- observers -------------------------------------------------------------------
    def add_observer(self, fn: Observer) -> Observer:
        """Call fn(CallEvent) after every call(), in the calling thread. Returns fn."""
        with self._observers_lock:
            self._observers = (*self._observers, fn)
        return fn

    def remove_observer(self, fn: Observer) -> None:
        with self._observers_lock:
            self._observers = tuple(o for o in self._observers if o is not fn)

    def _notify(self, event: CallEvent) -> None:
        for fn in self._observers:
            try:
                fn(event)
            except Exception:  # an observer must never break the call
                log.exception("observer %r failed on %s", fn, event.endpoint)

    # ---- user sigs ---------------------------------------------------------------------
    def user_sig(self, identifier: str, expire: int = DEFAULT_EXPIRE) -> str:
        """A UserSig for an app user (to hand to a client SDK)."""
        return generate(self.app_id, self._secret, identifier, expire)

    # ---- the call ----------------------------------------------------------------------
    def call(self, endpoint: str, body: dict | None = None, *, retry_safe: bool = False,
             operation: str | None = None, query: dict | None = None) -> dict:
        """POST `body` to /v4/<endpoint>; the response dict when ErrorCode is 0, else a TimError.

        `query` adds command-specific URL parameters (e.g. GetIPList's `nettype`).

        Retries (up to max_retries, jittered exponential backoff): rate-limit answers and
        connections that never reached the server, always; timeouts, gateway errors and
        the service's "internal timeout" codes only when `retry_safe` says repeating the
        call cannot do harm.
        """
        started = time.monotonic()
        request_id = random.getrandbits(32)
        tally = _Tally()
        sent_body = body
        try:
            endpoint, sent_body, payload, extra_query = _prepare(endpoint, body, query)
            return self._send(endpoint, sent_body, payload, request_id, extra_query, retry_safe, tally)
        except TimError as exc:
            tally.error = exc
            raise
        finally:
            duration = time.monotonic() - started
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s code=%s attempts=%d %.1f ms", endpoint, tally.error.code if tally.error else 0,
                          tally.attempts, duration * 1000)
            if self._observers:
                self._notify(CallEvent(
                    endpoint=str(endpoint), operation=operation,
                    request=redact(sent_body) if isinstance(sent_body, dict) else {}, response=tally.response,
                    error=tally.error, duration=duration, attempts=tally.attempts, request_id=str(request_id),
                    waited=tally.waited))

    def _send(self, endpoint: str, body: dict, payload: bytes, request_id: int, extra_query: str,
              retry_safe: bool, tally: "_Tally") -> dict:
        renewed_sig = False
        while True:
            tally.attempts += 1
            if self.limiter is not None:
                tally.waited += self.limiter.acquire(endpoint, body)
            try:
                tally.response = self._attempt(endpoint, body, payload, request_id, extra_query)
                return tally.response
            except TimError as exc:
                tally.response = exc.response
                if exc.code == EXPIRED and not renewed_sig:  # our cached sig: re-sign, repeat once
                    renewed_sig = True
                    self._sigs.invalidate()
                    continue
                if tally.attempts > self.max_retries or not self._retryable(exc, retry_safe):
                    raise
                log.info("%s failed with %s; retry %d of %d", endpoint, exc.code, tally.attempts, self.max_retries)
                time.sleep(self._delay(tally.attempts))

    def _retryable(self, exc: TimError, retry_safe: bool) -> bool:
        if exc.code in RATE_LIMIT_CODES:
            return True  # refused before it ran
        if isinstance(exc, TransportError):
            if not exc.sent or exc.http_status == 429:
                return True
            return retry_safe and (exc.http_status is None or exc.http_status in _RETRY_HTTP)
        return retry_safe and exc.code in TRANSIENT_CODES

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with jitter: half to all of base * 2^(attempt-1), capped."""
        return min(self.backoff_max, self.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)

    def _attempt(self, endpoint: str, body: dict, payload: bytes, request_id: int, extra_query: str = "") -> dict:
        sig = self._sigs.get()
        url = f"{self._prefix}{endpoint}{self._query}{sig}&random={request_id}&contenttype=json{extra_query}"
        try:
            resp = self._session.post(url, data=payload, headers=_HEADERS, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransportError(scrub(_describe(exc), sig, self._secret), endpoint,
                                 sent=not _never_sent(exc)) from None
        if resp.status_code != 200:
            raise TransportError(f"HTTP {resp.status_code} {resp.reason or ''}".strip(), endpoint,
                                 http_status=resp.status_code)
        try:
            # text that is not valid Unicode is cleaned here, at the edge (console.tim.text)
            data = text.loads(resp.content.decode("utf-8", "replace"))
        except ValueError:
            raise TransportError("response is not JSON", endpoint, http_status=200) from None
        if not isinstance(data, dict):
            raise TransportError("response is not a JSON object", endpoint, http_status=200)
        try:
            code = int(data.get("ErrorCode") or 0)
        except (TypeError, ValueError):
            raise TransportError(f"ErrorCode is not a number: {data.get('ErrorCode')!r}", endpoint,
                                 response=data, http_status=200) from None
        if code:
            raise error_for(code, scrub(data.get("ErrorInfo", ""), sig, self._secret), endpoint, data)
        if data.get("ActionStatus") == "FAIL":
            raise TimError(-2, "ActionStatus FAIL without an ErrorCode", endpoint, data)
        return data

    # ---- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
