"""The sandbox: the IM REST protocol over HTTP (served by `httpd`, the standard library's server).

Request path (`_api`): URL -> fault injection -> sdkappid -> identifier/UserSig -> App admin ->
JSON body -> rate limit -> handler -> envelope. `invoke()` runs the handler part in-process.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time

from console.tim import usersig

from . import appconfig, demo, demo_people, handlers  # noqa: F401  (handlers: registers every endpoint)
from .callbacks import CallbackSender
from .faults import Faults
from .httpd import Reply, Request, serve
from .ratelimit import RateLimiter
from .registry import REGISTRY, ApiError, Ctx
from .state import State

log = logging.getLogger("console.sandbox")

_PATH = re.compile(r"/v4/([A-Za-z0-9_]+)/([A-Za-z0-9_]+)/?")

# the "needs an App admin" code each service documents (0.3 of the endpoint reference)
ADMIN_CODES = {"im_open_login_svc": 70403, "profile": 40004, "sns": 30004, "openim": 90009,
               "all_member_push": 90009, "timpush": 90009, "recentcontact": 50003,
               "open_msg_svc": 1002,
               # issue 16, api-social
               "follow": 30004, "official_account_open_http_svc": 130002,
               "im_msg_audit_mgr": 2004, "im_msg_audit": 2004,
               "openim_robot_http_svc": 10008}  # bots: 10008 "needs App admin permissions"
ADMIN_CODE_DEFAULT = 60010
# services that answer an unreadable body with their own code (published samples), else 60003
JSON_CODES = {"openim": 90001, "all_member_push": 90001, "timpush": 90001, "openconfigsvr": 130001,
              "profile": 40001}

# documented success shapes that lack an envelope member (endpoint reference 0.1)
ENVELOPE_OMIT = {
    "openconfigsvr/setnospeaking": ("ActionStatus",),
    "openconfigsvr/getnospeaking": ("ActionStatus",),
    "openconfigsvr/getappinfo": ("ActionStatus",),
    "ConfigSvc/GetIPList": ("ErrorInfo",),
}

SAVE_INTERVAL = 30.0  # seconds between periodic state saves
INTERNAL_ERROR = 70500
MAX_HISTORY_FILES = 100  # get_history downloads kept in memory
ALERT_INTERVAL = 60.0    # seconds between two Alert.RequestOverLimit callbacks for one endpoint


def envelope(code: int = 0, info: str = "", display: bool = False) -> dict:
    out = {"ActionStatus": "OK" if code == 0 else "FAIL", "ErrorCode": code, "ErrorInfo": info}
    if display:
        out["ErrorDisplay"] = ""
    return out


def _json(data: dict, status: int = 200) -> Reply:
    return Reply(status, "application/json; charset=utf-8",
                 json.dumps(data, ensure_ascii=False).encode("utf-8"))


class Sandbox:
    def __init__(self, app_id: int = 1400000001, secret: str = "", admin: str = "administrator",
                 admins=None, callback_url: str | None = None, callback_token: str | None = None,
                 state_file: str | None = None, rate_limits: dict | None = None, seed: str | None = None,
                 app_config: dict | None = None):
        if not secret:
            raise ValueError("the sandbox needs a secret key to check UserSigs")
        self._app_config = appconfig.checked(app_config or {})  # given settings win over the file
        self.app_id = int(app_id)
        self._secret = secret
        self.admin = admin
        self.admins = {admin, *(admins or ())}
        self.state = State()
        self.faults = Faults()
        self.limiter = RateLimiter(rate_limits)
        self.callbacks = CallbackSender(self.app_id)
        self.callbacks.configure(callback_url, callback_token)
        self.state_file = state_file
        self.seed = seed
        self._server = None
        self._thread: threading.Thread | None = None
        self._stop_saving = threading.Event()
        self._saver: threading.Thread | None = None
        self.base_url = ""
        self.history_files: dict[str, bytes] = {}  # message-log files behind get_history links
        self._alerted: dict[str, float] = {}         # endpoint -> last Alert.RequestOverLimit
        self._alert_lock = threading.Lock()
        if state_file:
            self.state.load_file(state_file)
        if seed and not set(self.state.accounts) - self.admins:
            self.load_seed(seed)
        self.state.configure(self._app_config)
        self._import_admins()

    def __repr__(self) -> str:
        return f"Sandbox(app_id={self.app_id}, admin={self.admin!r}, base_url={self.base_url!r})"

    # ---- lifecycle ---------------------------------------------------------------------
    def _import_admins(self) -> None:
        """The App admins are accounts from the start, as the ones created in Tencent's console
        are: they may own groups, send messages and be members without an import."""
        for uid in sorted(self.admins):
            self.state.ensure_account(uid)

    def load_seed(self, name: str) -> bool:
        if name != "demo":
            raise ValueError(f"unknown seed {name!r} (known: demo)")
        demo.load(self)
        demo_people.load(self)   # issue 17's people pages: follows, bots, official accounts ...
        return True

    def start(self, host: str = "127.0.0.1", port: int = 0) -> "Sandbox":
        self._server = serve(host, port, self.respond)
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                        name="sandbox-http", daemon=True)
        self._thread.start()
        if self.state_file:
            self._stop_saving.clear()
            self._saver = threading.Thread(target=self._save_periodically, name="sandbox-save",
                                           daemon=True)
            self._saver.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._stop_saving.set()
        if self._saver is not None:
            self._saver.join(timeout=5)
            self._saver = None
        self.save()
        self.callbacks.close()

    def save(self) -> None:
        if self.state_file:
            self.state.save(self.state_file)

    def _save_periodically(self) -> None:
        while not self._stop_saving.wait(SAVE_INTERVAL):
            try:
                self.save()
            except OSError:
                log.exception("could not save the sandbox state")

    def reset(self) -> None:
        """Empty state (but for the App admins' accounts), no faults, no callback target, full
        rate buckets."""
        self.state.reset()
        self.state.configure(self._app_config)
        self._import_admins()
        self.history_files.clear()
        self.faults.clear()
        self.limiter.reset()
        self._alerted.clear()
        self.callbacks.reset()

    def configure(self, **changes) -> dict:
        """Change the app's console settings, e.g. `configure(group_data_keys=["Level"])` (see
        appconfig.py); returns them all. ValueError when invalid. A reset forgets the change."""
        return self.state.configure(changes)

    def make_usersig(self, identifier: str, expire: int = 86400) -> str:
        """A UserSig signed with the sandbox key (tests, demos, local SDK clients)."""
        return usersig.generate(self.app_id, self._secret, identifier, expire)

    # ---- in-process calls ----------------------------------------------------------------
    def invoke(self, endpoint: str, body: dict, identifier: str | None = None) -> dict:
        """Run `endpoint`'s handler as `identifier` (default: the admin) without HTTP, auth,
        faults or rate limits; returns the response dict (ErrorCode != 0 on failure)."""
        ep = REGISTRY.get(endpoint)
        if ep is None:
            return envelope(60009, f"unknown command {endpoint}")
        if not isinstance(body, dict):
            return envelope(60003, "the body must be a JSON object")
        return self._dispatch(ep, identifier or self.admin, body, {})

    def _dispatch(self, ep, identifier: str, body: dict, query: dict) -> dict:
        ctx = Ctx(sandbox=self, identifier=identifier, now=time.time(), extras={"query": query})
        try:
            result = ep.handler(ctx, body) or {}
        except ApiError as err:
            out = envelope(err.code, err.info, ep.display)
            out.update(err.extra)
            return out
        except Exception:  # a sandbox bug: answer like the service's internal error, keep serving
            log.exception("sandbox handler %s failed", ep.name)
            return envelope(INTERNAL_ERROR, "internal error in the sandbox", ep.display)
        out = envelope(0, "", ep.display)
        out.update(result)
        for member in ENVELOPE_OMIT.get(ep.name, ()):
            out.pop(member, None)
        return out

    # ---- HTTP --------------------------------------------------------------------------
    def respond(self, request: Request) -> Reply | None:
        """The answer to one HTTP request; None drops the connection without one (a fault)."""
        if request.path.startswith("/sandbox/"):
            return self._control(request)
        if request.path.startswith("/msg_history/"):
            return self._history_file(request.path.rsplit("/", 1)[-1])
        return self._api(request)

    def _api(self, request: Request) -> Reply | None:
        match = _PATH.fullmatch(request.path)
        if request.method != "POST" or not match:
            return _json(envelope(60002, "HTTP parse error: POST /v4/<servicename>/<command> expected"))
        name = f"{match.group(1)}/{match.group(2)}"
        ep = REGISTRY.get(name)
        if ep is None:
            return _json(envelope(60009, f"unknown command {name}"))

        decision = self.faults.decide(name)
        if decision.delay:
            time.sleep(decision.delay)
        if decision.action == "drop":
            return None
        if decision.action == "http":
            return Reply(decision.http_status, "text/html",
                         b"<html><body>injected fault</body></html>")
        if decision.action == "error":
            return _json(envelope(decision.error_code, "injected fault", ep.display))

        query = request.query
        failure = self._check_caller(query, match.group(1))
        if failure:
            return _json(envelope(*failure, ep.display))
        try:
            body = json.loads(request.body or b"")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            code = JSON_CODES.get(match.group(1), 60003)
            return _json(envelope(code, "Fail to Parse json data of body, Please check it", ep.display))
        units = len(body.get("To_Account") or []) if ep.per_minute else 1
        if not self.limiter.allow(name, ep.rate, ep.per_minute, units):
            self._alert_over_limit(ep)
            return _json(envelope(60007, "REST API call rate over limit", ep.display))
        return _json(self._dispatch(ep, query["identifier"], body, dict(query)))

    def _alert_over_limit(self, ep) -> None:
        """Alert.RequestOverLimit, at most once a minute per endpoint."""
        now = time.monotonic()
        with self._alert_lock:
            if now - self._alerted.get(ep.name, -ALERT_INTERVAL) < ALERT_INTERVAL:
                return
            self._alerted[ep.name] = now
        service, command = ep.name.split("/", 1)
        self.callbacks.after("Alert.RequestOverLimit", {
            "CallbackCommand": "Alert.RequestOverLimit", "ServiceName": service, "Command": command,
            "Request": self.limiter.calls_this_second(ep.name),
            "Limit": int(self.limiter.limit_of(ep.name, ep.rate))})

    def _check_caller(self, query, service: str) -> tuple[int, str] | None:
        """The public code and text for a request the service would refuse, else None."""
        appid = query.get("sdkappid")
        if not appid:
            return 60012, "sdkappid is missing from the URL"
        if not appid.isdigit():
            return 60006, "sdkappid is invalid"
        if int(appid) != self.app_id:
            return 70020, "SDKAppID not found"
        identifier, sig = query.get("identifier"), query.get("usersig")
        if not identifier:
            return 60004, "identifier is missing from the URL"
        if not sig:
            return 60005, "usersig is missing from the URL"
        try:
            info = usersig.verify(self.app_id, self._secret, identifier, sig)
        except usersig.UserSigError as err:
            return err.code, err.info
        if info.time < self.state.accounts.get(identifier, {}).get("kicked_at", 0):
            return usersig.EXPIRED, "UserSig was issued before the account was kicked"
        if identifier not in self.admins:
            return ADMIN_CODES.get(service, ADMIN_CODE_DEFAULT), "the identifier is not an App admin"
        return None

    def keep_history_file(self, name: str, packed: bytes) -> None:
        """Serve `packed` at /msg_history/<name> (the oldest files are forgotten)."""
        self.history_files[name] = packed
        while len(self.history_files) > MAX_HISTORY_FILES:
            self.history_files.pop(next(iter(self.history_files)))

    def _history_file(self, name: str) -> Reply:
        packed = self.history_files.get(name)
        if packed is None:
            return Reply(404, "text/plain", b"not found")
        return Reply(200, "application/gzip", packed)

    def _config(self, request: Request) -> Reply:
        """GET: the app's console settings; POST {setting: value, ...}: change them."""
        if request.method == "GET":
            with self.state.lock:
                return _json({"ok": True, "config": dict(self.state.app_config)})
        try:
            config = self.configure(**json.loads(request.body or b"{}"))
        except (ValueError, TypeError) as exc:
            return _json({"ok": False, "error": str(exc)}, status=400)
        return _json({"ok": True, "config": config})

    def _control(self, request: Request) -> Reply:
        path = request.path.rstrip("/")
        if path == "/sandbox/health" and request.method == "GET":
            with self.state.lock:
                counts = {"accounts": len(self.state.accounts)}
            return _json({"status": "ok", "app_id": self.app_id, "endpoints": len(REGISTRY),
                          "faults": self.faults.as_dict(), **counts})
        if path == "/sandbox/reset" and request.method == "POST":
            self.reset()
            return _json({"ok": True})
        if path == "/sandbox/config" and request.method in ("GET", "POST"):
            return self._config(request)
        if path == "/sandbox/faults" and request.method == "POST":
            try:
                options = json.loads(request.body or b"{}")
                if not isinstance(options, dict):
                    raise ValueError("a JSON object is expected")
                config = self.faults.set(**options)
            except (ValueError, TypeError) as exc:
                return _json({"ok": False, "error": str(exc)}, status=400)
            return _json({"ok": True, "faults": self.faults.as_dict() if config else {}})
        return _json({"ok": False, "error": "unknown control endpoint"}, status=404)
