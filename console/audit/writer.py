"""Writing the audit log: redaction, what a call names and how it went, one row per call.

- create_app registers `AuditWriter` as an observer of the shared `console.tim.Client`; the
  client reports every call (endpoint, redacted request, response or error, latency, attempts)
  to it synchronously, in the caller's thread, under the context `console.audit.client` set.
- Each row is written by `write_entry` in its own session and committed at once, so a request
  that later fails or rolls back still leaves its rows. Nothing updates or deletes a row.

Secrets and UserSigs never reach a row: requests are redacted by key, and every stored string is
scrubbed of the app secret and of anything shaped like a UserSig.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from flask import current_app

from console import db
from console.audit.client import AuditContext, current_context, current_detail, request_context
from console.models import AuditEntry, AuditTarget, utcnow
from console.monitoring import metrics

log = logging.getLogger(__name__)

MAX_TARGETS = 500
MAX_STORED_JSON = 64 * 1024

#: request/response keys whose values name a target of the call (accounts, groups, topics)
TARGET_KEYS = frozenset({
    "To_Account", "From_Account", "GroupId", "TopicId", "UserID", "Peer_Account", "Member_Account",
    "Owner_Account", "NewOwner_Account", "AccountList", "Accounts", "Account", "Set_Account",
    "Get_Account", "Identifier", "GroupIdList", "ToGroupId", "Report_Account", "Operator_Account",
    "User_Account", "MemberToDel_Account", "Members_Account", "ToMembers_Account", "Sender_Account",
    "Modified_Account", "MutedAccountList", "Fail_Account",
    "Official_Account", "OfficialAccountUserID", "Subscriber_Account", "SubscriberToDel_Account", "Robot_Account",
})
#: per-item result lists in responses: list key -> (code key, is the code a success?)
ITEM_LISTS = {
    "ResultItem": ("ResultCode", lambda c: c == 0),
    "ErrorList": ("ErrorCode", lambda c: c == 0),
    "InfoItem": ("ResultCode", lambda c: c == 0),
    "UserProfileItem": ("ResultCode", lambda c: c == 0),
    "BlackListCheckItem": ("ResultCode", lambda c: c == 0),
    "RecallRetList": ("RetCode", lambda c: c == 0),
    "GroupInfo": ("ErrorCode", lambda c: c == 0),
    "ImportMsgResult": ("Result", lambda c: c == 0),
    "MemberList": ("Result", lambda c: c != 0),  # 0 failed, 1 done, 2 already a member, 3 pending
}
#: lists of IDs that failed outright
FAIL_LISTS = ("FailAccounts", "Fail_Account")
ITEM_ID_KEYS = ("To_Account", "UserID", "Member_Account", "GroupId", "Peer_Account", "Account",
                "MsgKey", "MsgSeq")

_SENSITIVE_KEY = re.compile(r"(?i)(usersig|^sig$|secret|password|passwd|token|^key$|privatekey)")
# TLS v2 UserSigs are zlib streams in URL-safe base64: they start "eJ" and are long.
_USERSIG_SHAPE = re.compile(r"eJ[A-Za-z0-9*\-_+/=]{40,}")
REDACTED = "[redacted]"


# ---- redaction -------------------------------------------------------------------------------

def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A deep copy of `value` with sensitive keys dropped and secrets/UserSigs masked in strings."""
    secrets = tuple(s for s in secrets if s)
    return _scrub(value, secrets, 0)


def _scrub(value, secrets, depth):
    if depth > 12:
        return "[…]"
    if isinstance(value, dict):
        return {str(k): (REDACTED if _SENSITIVE_KEY.search(str(k)) else _scrub(v, secrets, depth + 1))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v, secrets, depth + 1) for v in value]
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return scrub_text(repr(value), secrets)


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return _USERSIG_SHAPE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Scrub secrets and UserSigs from log records (urllib3 logs request URLs at DEBUG level,
    and those carry `usersig=`)."""

    _QUERY_SIG = re.compile(r"(?i)(usersig=)[^&\s\"']+")

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub_text(self._QUERY_SIG.sub(r"\1" + REDACTED, message), self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction(app) -> None:
    """Attach a RedactingFilter to the loggers that may see request URLs or payloads."""
    redactor = RedactingFilter(_secrets(app))
    for name in ("urllib3.connectionpool", "urllib3", "console", "console.tim", "werkzeug", "huey",
                 "gunicorn.error"):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(old)
        logger.addFilter(redactor)


def _bounded(value: Any) -> Any:
    """Keep stored JSON small: oversize payloads keep their scalars and the sizes of their lists."""
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= MAX_STORED_JSON:
        return value
    if isinstance(value, dict):
        summary = {k: v for k, v in value.items() if isinstance(v, (str, int, float, bool)) and len(str(v)) < 512}
        summary.update({k: f"[{len(v)} items]" for k, v in value.items() if isinstance(v, list)})
        summary["_truncated"] = len(text)
        return summary
    return {"_truncated": len(text)}


# ---- extraction ------------------------------------------------------------------------------

def extract_targets(body: Any) -> list[str]:
    """IDs of the accounts, groups and topics a request names, in order, without duplicates."""
    found: dict[str, None] = {}

    def add(v):
        if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v) and len(found) < MAX_TARGETS:
            found.setdefault(str(v)[:160], None)

    def walk(node, depth):
        if depth > 6 or len(found) >= MAX_TARGETS:
            return
        if isinstance(node, dict):
            for key, val in node.items():
                if key in TARGET_KEYS:
                    if isinstance(val, list):
                        for item in val:
                            add(item) if not isinstance(item, (dict, list)) else walk(item, depth + 1)
                    elif isinstance(val, dict):
                        walk(val, depth + 1)
                    else:
                        add(val)
                elif isinstance(val, (dict, list)) and key not in ("MsgBody", "OfflinePushInfo"):
                    walk(val, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)

    walk(body, 0)
    return list(found)


def _item_id(item: dict) -> str | None:
    for key in ITEM_ID_KEYS:
        if key in item:
            return str(item[key])
    return None


def extract_items(response: dict | None) -> list[dict]:
    """Per-item results of a batch response: [{"target", "ok", "code", "info"}]."""
    if not isinstance(response, dict):
        return []
    items: list[dict] = []
    for list_key, (code_key, is_ok) in ITEM_LISTS.items():
        for entry in response.get(list_key) or ():
            if isinstance(entry, dict) and code_key in entry:
                try:
                    code = int(entry[code_key])
                except (TypeError, ValueError):
                    continue
                items.append({"target": _item_id(entry), "ok": bool(is_ok(code)), "code": code,
                              "info": entry.get("ResultInfo") or entry.get("ErrorInfo") or None})
    for list_key in FAIL_LISTS:
        for failed in response.get(list_key) or ():
            if isinstance(failed, str):
                items.append({"target": failed, "ok": False, "code": None, "info": None})
    return items


def outcome_of(error, items: list[dict]) -> str:
    """failed: the call failed as a whole; partial: it succeeded but some items failed."""
    if error is not None:
        return "failed"
    return "partial" if any(not item["ok"] for item in items) else "ok"


# ---- writing ---------------------------------------------------------------------------------

def _secrets(app) -> list[str]:
    return [v for v in (app.config.get("TIM_SECRET"), app.config.get("SECRET_KEY"),
                        app.config.get("TIM_CALLBACK_TOKEN"), app.config.get("METRICS_TOKEN")) if v]


def write_entry(app, ctx: AuditContext, *, action: str, endpoint: str | None, targets: list[str],
                outcome: str, request_body=None, response=None, error_code=None, error_text=None,
                items=None, detail=None, latency_ms=None, attempts=None) -> int:
    """Insert one audit row (and its target index rows) in its own transaction; return its id."""
    secrets = _secrets(app)
    entry = AuditEntry(
        occurred_at=utcnow(), source=ctx.source, operator_id=ctx.operator_id,
        operator_name=ctx.operator_name, operator_role=ctx.operator_role, action=action[:96],
        endpoint=endpoint, targets=scrub(targets, secrets), request=_bounded(scrub(request_body, secrets)),
        response=_bounded(scrub(response, secrets)), outcome=outcome, error_code=error_code,
        error_text=scrub_text(error_text, secrets)[:2000] if error_text else None,
        items=_bounded(scrub(items, secrets)) if items else None,
        detail=_bounded(scrub(detail, secrets)) if detail else None,
        latency_ms=latency_ms, attempts=attempts, request_id=ctx.request_id, job_id=ctx.job_id,
        ip=ctx.ip, user_agent=ctx.user_agent,
    )
    with db.new_session(app) as sess:
        sess.add(entry)
        sess.flush()
        sess.add_all(AuditTarget(entry_id=entry.id, target=t) for t in dict.fromkeys(entry.targets or []))
    metrics.audit_row(ctx.source, outcome)
    return entry.id


class AuditWriter:
    """The observer registered on the shared client: turns each CallEvent into one audit row."""

    def __init__(self, app):
        self.app = app

    def __call__(self, event) -> None:
        ctx = current_context() or AuditContext(source="system")
        error = getattr(event, "error", None)
        response = getattr(event, "response", None)
        items = extract_items(response if error is None else getattr(error, "response", None))
        try:
            write_entry(
                self.app, ctx,
                action=event.operation or f"call.{event.endpoint}",
                endpoint=event.endpoint,
                targets=extract_targets(event.request),
                outcome=outcome_of(error, items),
                request_body=event.request,
                response=response if response is not None else getattr(error, "response", None),
                error_code=getattr(error, "code", None),
                error_text=getattr(error, "info", None) or (str(error) if error is not None else None),
                items=items,
                detail=current_detail(),
                latency_ms=int(round((event.duration or 0) * 1000)),
                attempts=getattr(event, "attempts", None),
            )
        except Exception:  # the IM call already happened; never turn it into a 500 here
            log.exception("audit: could not record %s", event.endpoint)


def record_action(action: str, targets: Iterable[str] = (), outcome: str = "ok", detail=None,
                  error=None) -> int:
    """Audit a console-side action (operator management, settings, rules) for the current operator."""
    ctx = current_context() or request_context()
    return write_entry(current_app._get_current_object(), ctx, action=action, endpoint=None,
                       targets=[str(t) for t in targets], outcome=outcome, detail=detail,
                       error_text=str(error) if error else None)
