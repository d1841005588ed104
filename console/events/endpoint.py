"""POST /callback: where Tencent IM delivers its callbacks. A lean WSGI handler in front of Flask.

IM waits at most 2 s and treats anything but HTTP 200 + JSON as a failure, so this path does the
least that keeps the promise, without Flask's request machinery (no session, login or CSRF):

  check size -> charset -> app id -> Sign/RequestTime -> [JSON object -> rules decide -> row]
  -> writer commits (in a group with its neighbours) -> ack

Nothing unauthenticated gets past the door: the Sign is checked by the request itself. The
bracketed steps run in the writer's group leader, for the whole group in a row
(`GroupWriter.store(..., prepare=...)`): a callback waits for its group's commit anyway, and the
same code run for 30 callbacks in a row costs about half of what it costs once per request.

Refusals (403 foreign app, 401 bad/missing/stale Sign, 413 too large, 400 not a JSON object or
shorter than its Content-Length, 415 not UTF-8, 405 not POST) are answered in JSON, counted per
reason and logged, and never stored. A repeated query key counts by its first value (SdkAppid,
Sign and every other). Text that is not valid Unicode (an escaped lone surrogate or NUL) is
cleaned by `console.tim.text` before the rules see it, and the cleaned body is what is stored. Accepted
callbacks are acked only once their row is committed; unknown commands are stored and acked OK.
"""
from __future__ import annotations

import json
import logging
import time
from typing import NamedTuple
from urllib.parse import parse_qsl

from werkzeug.http import parse_options_header

from console.events import rules
from console.events import ingest
from console.monitoring import metrics
from console.tim import callbacks, text
from console.tim.callbacks import SignCheck

log = logging.getLogger("console.callback")

PATH = "/callback"
#: IM's servers read the answer, no browser does: no caching or sniffing headers to send (each
#: header costs the server a few microseconds, on every callback)
JSON_HEADERS = [("Content-Type", "application/json; charset=utf-8")]
STATUS_TEXT = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized",
               403: "403 Forbidden", 405: "405 Method Not Allowed",
               413: "413 Content Too Large", 415: "415 Unsupported Media Type",
               503: "503 Service Unavailable"}
#: refusal reason -> (HTTP status, ErrorInfo)
REFUSALS = {
    "method": (405, "POST only"),
    "too_large": (413, "body too large"),
    "foreign_app": (403, "SdkAppid is not this app"),
    SignCheck.MISSING.value: (401, "Sign and RequestTime required"),
    SignCheck.MALFORMED.value: (401, "RequestTime malformed"),
    SignCheck.BAD_SIGN.value: (401, "Sign does not match"),
    SignCheck.STALE.value: (401, "RequestTime outside the accepted window"),
    "truncated": (400, "body shorter than its Content-Length"),
    "not_utf8": (415, "body must be JSON in UTF-8"),
    "malformed_json": (400, "body is not JSON"),
    "not_object": (400, "body is not a JSON object"),
}


#: the ack of every after-callback and unknown command, serialised once
OK_ACK = json.dumps(callbacks.ack_ok(), ensure_ascii=False, separators=(",", ":"))


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Received(NamedTuple):
    """A callback that passed the checks at the door, for the writer's leader to prepare."""

    raw: bytes
    query: dict
    started: float


class CallbackEndpoint:
    """WSGI middleware: answers PATH itself, hands every other request to the Flask app."""

    def __init__(self, app, wrapped):
        self.app = app
        self.wrapped = wrapped

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.wrapped(environ, start_response)
        started = time.perf_counter()
        try:
            status, body = self.handle(environ, started)
        except Refused as refusal:
            status, body = self.refuse(environ, refusal.reason, started)
        except Exception:  # noqa: BLE001 - never a stack trace to IM; the log has it
            log.exception("callback handling failed")
            metrics.callback(metrics.OTHER, "failed", time.perf_counter() - started)
            status, body = 503, {"ActionStatus": "FAIL", "ErrorCode": 1, "ErrorInfo": "not stored"}
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8") \
            if isinstance(body, dict) else body
        start_response(STATUS_TEXT[status], JSON_HEADERS + [("Content-Length", str(len(data)))])
        return [data]

    # ---- the steps --------------------------------------------------------------------------
    def handle(self, environ, started: float) -> tuple[int, dict | bytes]:
        """The checks at the door, then the writer (which prepares and commits the row)."""
        cfg = self.app.config
        if environ.get("REQUEST_METHOD") != "POST":
            raise Refused("method")
        raw = _read_body(environ, int(cfg["CALLBACK_MAX_BYTES"]))
        _check_charset(environ.get("CONTENT_TYPE"))
        query = _query(environ.get("QUERY_STRING", ""))
        check = callbacks.verify_query(query, app_id=cfg["TIM_APP_ID"],
                                       token=cfg.get("TIM_CALLBACK_TOKEN"),
                                       window=float(cfg["CALLBACK_MAX_SKEW"]))
        if check is SignCheck.WRONG_APP:
            raise Refused("foreign_app")
        if not check:
            raise Refused(check.value)
        stored = self.app.extensions["events"].writer.store(
            Received(raw, query, started), float(cfg["CALLBACK_COMMIT_TIMEOUT"]), self.prepare)
        if stored is None:
            command = ingest.clean(query.get("CallbackCommand"), 96) or ingest.MISSING_COMMAND
            log.error("callback not stored in time: command=%s", command)
            metrics.callback(command, "failed", time.perf_counter() - started)
            return 503, {"ActionStatus": "FAIL", "ErrorCode": 1, "ErrorInfo": "not stored"}
        metrics.callback(stored.command, "accepted" if stored.duplicate_of is None else "redelivery",
                         time.perf_counter() - started)
        return 200, stored.ack.encode("utf-8")

    def prepare(self, received: Received) -> dict:
        """(in the writer's leader) The row of an accepted callback: its JSON object, what it
        says, the rules' decision and ack. Refused is raised to the callback's own request."""
        cfg = self.app.config
        query = received.query
        payload, body = _json_object(received.raw)
        described = ingest.describe(query, body)
        decision = _decide(self.app.extensions["events"].engine, described.command, body)
        if decision is not None:
            metrics.rule_decision(decision.rule_id, decision.action)
        return ingest.build_row(
            query=query, raw=received.raw, text=payload, described=described,
            decision=decision, ack=decision.ack if decision else OK_ACK,
            sign_status="verified" if cfg.get("TIM_CALLBACK_TOKEN") else "unsigned",
            received_ms=int(time.time() * 1000),
            handling_ms=(time.perf_counter() - received.started) * 1000,
            app_id=int(cfg["TIM_APP_ID"]))

    def refuse(self, environ, reason: str, started: float) -> tuple[int, dict]:
        status, info = REFUSALS[reason]
        query = _query(environ.get("QUERY_STRING", ""))
        metrics.refused(reason, query.get("CallbackCommand"), time.perf_counter() - started)
        detail = "remote={} app={} command={}".format(
            environ.get("REMOTE_ADDR", "?"), ingest.clean(query.get("SdkAppid"), 24) or "-",
            ingest.clean(query.get("CallbackCommand"), 96) or "-")
        log.warning("callback refused (%s, %d): %s", reason, status, detail)
        events = self.app.extensions.get("events")
        if events is not None:
            events.writer.count_refusal(reason, status, detail)
        return status, {"ActionStatus": "FAIL", "ErrorCode": status, "ErrorInfo": info}


def _query(qs: str) -> dict:
    """The query as name -> value; a repeated name counts by its FIRST value, as
    `console.tim.callbacks` reads lists (so `SdkAppid` and `Sign` resolve alike). The unquoting
    work is skipped when nothing is quoted (IM's queries: digits, hex, dotted names)."""
    query: dict = {}
    if "%" in qs or "+" in qs:
        for name, value in parse_qsl(qs, keep_blank_values=True):
            query.setdefault(text.clean(name), text.clean(value))
        return query
    for part in qs.split("&"):
        if part:
            name, _eq, value = part.partition("=")
            query.setdefault(name, value)
    return query


def _check_charset(content_type: str | None) -> None:
    """Refuse (415) a body declared in any charset but UTF-8: it is never stored garbled."""
    if not content_type or "charset" not in content_type.lower():
        return
    _mime, options = parse_options_header(content_type)
    charset = (options.get("charset") or "").strip().lower().replace("_", "-")
    if charset not in ("", "utf-8", "utf8"):
        raise Refused("not_utf8")


def _read_body(environ, limit: int) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length > limit:
        raise Refused("too_large")
    stream = environ["wsgi.input"]
    raw = stream.read(length) if length >= 0 else stream.read(limit + 1)
    if len(raw) > limit:
        raise Refused("too_large")
    if 0 <= length != len(raw):  # the client stopped early: a cut body is never stored
        raise Refused("truncated")
    return raw


def _json_object(raw: bytes) -> tuple[str, dict]:
    """(the text to store, the body): UTF-8 only; the stored text is the cleaned body re-encoded
    when `console.tim.text` had anything to clean, else the body's own text."""
    try:
        decoded = text.decode_utf8(raw)
    except text.NotUtf8:
        raise Refused("not_utf8") from None
    try:
        body, cleaned = text.loads_cleaned(decoded, from_utf8=True)
    except (ValueError, RecursionError):
        raise Refused("malformed_json") from None
    if not isinstance(body, dict):
        raise Refused("not_object")
    if cleaned:
        decoded = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return decoded, body


def _decide(engine, command: str, body: dict):
    """The rules' decision; a failing rule set lets the callback through (never block traffic)."""
    try:
        return rules.decide(engine, command, body)
    except Exception:  # noqa: BLE001
        log.exception("moderation rules failed for %s; allowing", command)
        return rules.Decision("allow", callbacks.ack_ok()) if command in callbacks.BEFORE_COMMANDS \
            else None
