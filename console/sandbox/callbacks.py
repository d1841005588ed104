"""Outbound callbacks: the sandbox calls the app's callback URL as Tencent IM would.

Every request is `POST <url>?SdkAppid&CallbackCommand&contenttype=json&ClientIP&OptPlatform`
(+ `Sign&RequestTime` when a token is set, signed with console.tim.callbacks.sign) with the JSON
body. "Before" callbacks are synchronous: the handler waits at most 2 s for the answer and gets
the ack dict, or None when there is nothing to ask, the call failed or timed out (IM then lets
the action proceed). "After" callbacks go to a bounded queue drained by one background thread,
in order, so they never slow the API answer; failures are counted, never raised.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit

import requests

from console.tim.callbacks import sign

log = logging.getLogger(__name__)

TIMEOUT = 2.0          # IM waits 2 s for the app's answer
QUEUE_SIZE = 1000      # after-callbacks waiting to be sent; beyond that they are dropped
POOL_SIZE = 8          # idle keep-alive sessions kept for before-callbacks
_STOP = object()


def forbidden(body: dict, flag: str) -> bool:
    """True when the request's ForbidCallbackControl list holds `flag`
    (e.g. "ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback")."""
    controls = body.get("ForbidCallbackControl") if isinstance(body, dict) else None
    return isinstance(controls, list) and flag in controls


def wire_platform(command: str, platform: str) -> str:
    """OptPlatform as IM writes it: State.StateChange spells iOS in capitals."""
    if command == "State.StateChange" and platform == "iOS":
        return "IOS"
    return platform


class CallbackSender:
    """Sends the sandbox's callbacks to one configured URL (none configured: nothing is sent).

    Counters for tests and the health page: `sent[command]` delivered (HTTP 200 and a JSON
    answer), `failed[command]` not delivered, `skipped[reason]` not attempted ("forbidden" by
    ForbidCallbackControl, "paused"), `dropped` after-callbacks lost to a full queue.
    """

    def __init__(self, app_id: int, url: str | None = None, token: str | None = None, *,
                 timeout: float = TIMEOUT, queue_size: int = QUEUE_SIZE):
        self.app_id = int(app_id)
        self.timeout = timeout
        self._target: tuple[str, str | None] | None = None
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._worker: threading.Thread | None = None
        self._sessions: queue.LifoQueue = queue.LifoQueue()
        self._paused = 0
        self._origin = threading.local()
        self.sent: Counter = Counter()
        self.failed: Counter = Counter()
        self.skipped: Counter = Counter()
        self.dropped = 0
        self.configure(url, token)

    def __repr__(self) -> str:  # never shows the token
        url = self._target[0] if self._target else None
        return f"CallbackSender(app_id={self.app_id}, url={url!r}, signed={self.signed})"

    # ---- configuration ------------------------------------------------------------------
    def configure(self, url: str | None = None, token: str | None = None) -> None:
        """Send to `url` (http or https), signing with `token` when given; None = send nothing."""
        if url:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise ValueError("the callback URL must be an http(s) URL")
            self._target = (url, token or None)
        else:
            self._target = None

    @property
    def url(self) -> str | None:
        return self._target[0] if self._target else None

    @property
    def signed(self) -> bool:
        return bool(self._target and self._target[1])

    def reset(self) -> None:
        """No target, nothing queued, counters at zero."""
        self.configure(None, None)
        self._drain()
        with self._lock:
            self.sent.clear()
            self.failed.clear()
            self.skipped.clear()
            self.dropped = 0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Send nothing inside the block (e.g. while loading demo data)."""
        with self._lock:
            self._paused += 1
        try:
            yield
        finally:
            with self._lock:
                self._paused -= 1

    @contextmanager
    def origin(self, *, client_ip: str | None = None,
               platform: str | None = None) -> Iterator[None]:
        """Callbacks sent by this thread inside the block come from this client (ClientIP,
        OptPlatform) instead of a REST call (127.0.0.1, RESTAPI): the simulator's users."""
        saved = getattr(self._origin, "value", None)
        self._origin.value = (client_ip, platform)
        try:
            yield
        finally:
            self._origin.value = saved

    def _from(self, client_ip: str | None, platform: str | None) -> tuple[str, str]:
        ip, plat = getattr(self._origin, "value", None) or (None, None)
        return client_ip or ip or "127.0.0.1", platform or plat or "RESTAPI"

    # ---- sending ---------------------------------------------------------------------------
    def before(self, command: str, payload: dict, forbid: bool = False, *,
               client_ip: str | None = None, platform: str | None = None) -> dict | None:
        """Ask the app synchronously; its ack, or None (no target, forbidden, failed, timed out)."""
        target = self._target_for(forbid)
        if target is None:
            return None
        return self._send(target, command, self._encode(command, payload),
                          *self._from(client_ip, platform))

    def after(self, command: str, payload: dict, forbid: bool = False, *,
              client_ip: str | None = None, platform: str | None = None) -> None:
        """Queue a notification; returns at once. A full queue drops it (counted in `dropped`)."""
        target = self._target_for(forbid)
        if target is None:
            return
        self._ensure_worker()
        item = (target, command, self._encode(command, payload), *self._from(client_ip, platform))
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            with self._lock:
                self.dropped += 1

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued after-callback has been sent or has failed (for tests)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def stop(self, timeout: float = 5.0) -> None:
        """Finish what is queued (within `timeout`), stop the worker, close connections."""
        worker = self._worker
        if worker is not None and worker.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                self._drain()
                self._queue.put(_STOP)
            worker.join(timeout)
        self._worker = None
        while True:
            try:
                self._sessions.get_nowait().close()
            except queue.Empty:
                break

    close = stop

    # ---- internals ---------------------------------------------------------------------------
    def _target_for(self, forbid: bool) -> tuple[str, str | None] | None:
        target = self._target
        if target is None:
            return None
        reason = "forbidden" if forbid else "paused" if self._paused else None
        if reason:
            with self._lock:
                self.skipped[reason] += 1
            return None
        return target

    @staticmethod
    def _encode(command: str, payload: dict) -> bytes:
        """The body as bytes, serialized now: the handler may change its dicts afterwards."""
        if "Events" in payload:  # batched push results carry the command in each event
            body = payload
        else:
            body = {"CallbackCommand": command}
            body.update((k, v) for k, v in payload.items() if k != "CallbackCommand")
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def _query(self, command: str, token: str | None, client_ip: str, platform: str) -> dict:
        query = {"SdkAppid": str(self.app_id), "CallbackCommand": command, "contenttype": "json",
                 "ClientIP": client_ip, "OptPlatform": wire_platform(command, platform)}
        if token:
            now = str(int(time.time()))
            query["Sign"] = sign(token, now)
            query["RequestTime"] = now
        return query

    def _send(self, target, command: str, body: bytes, client_ip: str,
              platform: str) -> dict | None:
        url, token = target
        session = self._borrow()
        ack = None
        try:
            resp = session.post(url, params=self._query(command, token, client_ip, platform),
                                data=body, timeout=self.timeout,
                                headers={"Content-Type": "application/json; charset=utf-8"})
            if resp.status_code == 200:
                answer = resp.json()
                ack = answer if isinstance(answer, dict) else None
        except (requests.RequestException, ValueError) as exc:
            log.debug("callback %s to the app failed: %s", command, type(exc).__name__)
        finally:
            self._give_back(session)
        with self._lock:
            (self.sent if ack is not None else self.failed)[command] += 1
        return ack

    def _borrow(self) -> requests.Session:
        try:
            return self._sessions.get_nowait()
        except queue.Empty:
            session = requests.Session()
            session.trust_env = False  # the app is reached directly, never through a proxy
            return session

    def _give_back(self, session: requests.Session) -> None:
        if self._sessions.qsize() < POOL_SIZE:
            self._sessions.put(session)
        else:
            session.close()

    def _ensure_worker(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            return
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="sandbox-callbacks",
                                                daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self._send(*item)
            except Exception:  # never let one bad callback end the worker
                log.exception("after-callback worker error")
            finally:
                self._queue.task_done()

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return
            self._queue.task_done()
