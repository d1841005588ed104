"""Alert messages to webhooks: the three formats, the sending, retries and the delivery log.

Formats:
- `generic`: a JSON document about the alert (what changed, the rule, the summary, the events);
  any 2xx answer counts as delivered;
- `wecom`: a WeCom group robot's markdown message (`msgtype` markdown, `content` at most 4096
  bytes); delivered when the robot answers `errcode` 0;
- `dingtalk`: a DingTalk group robot's markdown message (`title`, `text`); with the robot's
  signing secret, the URL carries `timestamp` and `sign` (HMAC-SHA256 of "timestamp\\nsecret",
  base64); delivered when it answers `errcode` 0.

Each change of an alert queues one `AlertDelivery` per enabled webhook
(console/monitoring/alerts.py). `deliver_due(app)` sends those that are due: a failed attempt
is retried after RETRY_DELAYS (1, 2, 5, 15 minutes), then the delivery is given up as failed.
Every attempt is written to the delivery's log. Robots carry their credential in the URL, so
pages and audit rows only ever show `masked_url`.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

import requests
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from console import db, forms
from console.forms import FormError
from console.i18n import LOCALES
from console.models import Alert, AlertDelivery, AlertEvent, Webhook, utcnow
from console.monitoring import metrics
from console.monitoring.alerts import describe, save_row

log = logging.getLogger(__name__)

FORMATS = ("generic", "wecom", "dingtalk")
FORMAT_LABELS = {"generic": _l("Generic JSON"), "wecom": _l("WeCom group robot"),
                 "dingtalk": _l("DingTalk group robot")}
#: seconds to wait after failed attempt 1, 2, 3, 4; attempt 5 is the last
RETRY_DELAYS = (60, 120, 300, 900)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TIMEOUT = 5.0
#: a claimed delivery is not taken by another consumer for this long
LEASE = dt.timedelta(seconds=60)
WECOM_MAX_BYTES = 4096
EVENTS_IN_MESSAGE = 5
BATCH = 50


def masked_url(url: str) -> str:
    """The URL without its secrets: query values and any password become "…"."""
    parts = urlsplit(url or "")
    query = "&".join(f"{quote_plus(k)}=…" for k, _v in parse_qsl(parts.query, keep_blank_values=True))
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"…@{host}"
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def signed_url(url: str, secret: str | None, now_ms: int | None = None) -> str:
    """A DingTalk robot URL with `timestamp` and `sign` when a signing secret is set."""
    if not secret:
        return url
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


# ---- the messages ----------------------------------------------------------------------------

def _change_word(change: str) -> str:
    return {"opened": _("Alert"), "resolved": _("Resolved"), "test": _("Test")}.get(change, change)


def _facts(alert: Alert | None, events: list[AlertEvent], change: str, link: str | None) -> dict:
    if alert is None:  # a test message
        return {"title": _("Test message from TIM Console"), "summary": _("This webhook works."),
                "events": [], "link": link}
    return {"title": f"[{_change_word(change)}] {alert.rule_name}",
            "summary": describe(alert.kind, alert.summary), "link": link,
            "events": [f"{e.at:%Y-%m-%d %H:%M:%S} UTC  {e.text}" for e in events[:EVENTS_IN_MESSAGE]]}


def _markdown(facts: dict) -> str:
    lines = [f"### {facts['title']}", "", facts["summary"]]
    if facts["events"]:
        lines += ["", *(f"> {line}" for line in facts["events"])]
    if facts["link"]:
        lines += ["", f"[{_('Open in the console')}]({facts['link']})"]
    return "\n".join(lines)


def _clip_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit - 3].decode("utf-8", "ignore") + "…"


def message(fmt: str, alert: Alert | None, events: list[AlertEvent], change: str, *,
            link: str | None = None, app_id: int | None = None) -> dict:
    """The body posted to a webhook of format `fmt` (texts in the current locale)."""
    facts = _facts(alert, events, change, link)
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": _clip_bytes(_markdown(facts), WECOM_MAX_BYTES)}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": facts["title"], "text": _markdown(facts)}}
    body = {"source": "tim-console", "app_id": app_id, "change": change, "title": facts["title"],
            "text": facts["summary"], "url": link, "alert": None}
    if alert is not None:
        body["alert"] = {
            "id": alert.id, "rule": alert.rule_name, "rule_id": alert.rule_id, "kind": alert.kind,
            "status": alert.status, "summary": alert.summary,
            "opened_at": alert.opened_at.isoformat() if alert.opened_at else None,
            "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
            "events": [{"at": e.at.isoformat(), "source": e.source, "ref": e.ref, "text": e.text}
                       for e in events],
        }
    return body


# ---- sending ---------------------------------------------------------------------------------

def send(hook: Webhook, body: dict) -> tuple[bool, int | None, str | None]:
    """POST `body`; (delivered, HTTP status, what went wrong). The error never holds the URL."""
    url = signed_url(hook.url, hook.secret) if hook.format == "dingtalk" else hook.url
    try:
        response = requests.post(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "tim-console-alerts"},
                                 timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        return False, None, type(exc).__name__
    if not 200 <= response.status_code < 300:
        return False, response.status_code, f"HTTP {response.status_code}"
    if hook.format in ("wecom", "dingtalk"):
        try:
            answer = response.json()
        except ValueError:
            return False, response.status_code, "the robot's answer is not JSON"
        code = answer.get("errcode") if isinstance(answer, dict) else None
        if code != 0:
            info = str(answer.get("errmsg", "")) if isinstance(answer, dict) else ""
            return False, response.status_code, f"errcode {code}: {info}"[:300]
    return True, response.status_code, None


def _link(app, alert_id: int | None) -> str | None:
    base = app.config.get("PUBLIC_URL")
    return f"{base}/alerts/{alert_id}" if base and alert_id else None


def attempt(app, sess, delivery: AlertDelivery, now: dt.datetime) -> bool:
    """One attempt at `delivery` (claimed by the caller); its log, status and next try updated."""
    hook = sess.get(Webhook, delivery.webhook_id)
    alert = sess.get(Alert, delivery.alert_id) if delivery.alert_id else None
    started = time.monotonic()
    if hook is None:
        ok, status, error = False, None, "the webhook was deleted"
    else:
        events = list(sess.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id)
                                   .order_by(AlertEvent.at.desc(), AlertEvent.id.desc()).limit(20))) if alert else []
        with force_locale(hook.language if hook.language in LOCALES else "en"):
            body = message(hook.format, alert, events, delivery.change, link=_link(app, delivery.alert_id),
                           app_id=app.config.get("TIM_APP_ID"))
        ok, status, error = send(hook, body)
        metrics.webhook_attempt(hook.format, ok)
    delivery.attempts += 1
    delivery.log = [*(delivery.log or []), {"at": now.isoformat(), "ok": ok, "status": status, "error": error,
                                            "ms": int((time.monotonic() - started) * 1000)}]
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
        delivery.last_error = None
    elif hook is None or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at, delivery.last_error = "failed", None, error
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1])
        delivery.last_error = error
    if not ok:
        log.warning("alert webhook %s: attempt %d failed (%s)", delivery.webhook_name, delivery.attempts, error)
    return ok


def deliver_due(app, now: dt.datetime | None = None) -> int:
    """Send every pending delivery whose time has come; how many were delivered."""
    now = now or utcnow()
    with db.new_session(app) as sess:
        due = sess.execute(select(AlertDelivery.id, AlertDelivery.next_attempt_at)
                           .where(AlertDelivery.status == "pending", AlertDelivery.next_attempt_at <= now)
                           .order_by(AlertDelivery.id).limit(BATCH)).all()
    delivered = 0
    for delivery_id, at in due:
        with db.new_session(app) as sess:  # claim it: another consumer skips it for LEASE
            claimed = sess.execute(update(AlertDelivery).where(
                AlertDelivery.id == delivery_id, AlertDelivery.status == "pending",
                AlertDelivery.next_attempt_at == at).values(next_attempt_at=now + LEASE)).rowcount
        if not claimed:
            continue
        with db.new_session(app) as sess:
            delivered += attempt(app, sess, sess.get(AlertDelivery, delivery_id), now)
    return delivered


def send_test(app, hook: Webhook) -> AlertDelivery:
    """A test message to `hook`, sent at once (an admin asked), logged like any delivery."""
    now = utcnow()
    with db.new_session(app) as sess:
        delivery = AlertDelivery(alert_id=None, webhook_id=hook.id, webhook_name=hook.name, change="test",
                                 status="pending", attempts=0, next_attempt_at=None, created_at=now, log=[])
        sess.add(delivery)
        sess.flush()
        attempt(app, sess, delivery, now)
        if delivery.status == "pending":  # a test is tried once
            delivery.status, delivery.next_attempt_at = "failed", None
    return delivery


# ---- the webhook form ------------------------------------------------------------------------

def plan_webhook(form, hook: Webhook | None) -> dict:
    """A webhook's checked values. Editing one, an empty URL or secret keeps the stored one
    (pages never show them: robots' URLs hold their key)."""
    name, url, fmt, language, secret = forms.collect(
        lambda: forms.text(form.get("name"), "name", _l("Name"), max_bytes=128, required=True),
        lambda: forms.url(form.get("url"), "url", _l("URL"), required=hook is None, max_bytes=2048),
        lambda: forms.choice(form.get("format"), "format", _l("Format"), FORMATS, required=True),
        lambda: forms.choice(form.get("language"), "language", _l("Language"), LOCALES) or "en",
        lambda: forms.text(form.get("secret"), "secret", _l("Signing secret"), max_bytes=256))
    if secret and fmt != "dingtalk":
        raise FormError(_("Only a DingTalk robot takes a signing secret."), "secret")
    data = {"name": name, "url": url or hook.url, "format": fmt, "language": language,
            "enabled": forms.flag(form.get("enabled"))}
    if secret or forms.flag(form.get("clear_secret")) or fmt != "dingtalk":
        data["secret"] = secret
    elif hook is None:
        data["secret"] = None
    return data


def save_webhook(sess, hook: Webhook | None, data: dict, by: str) -> tuple[Webhook, dict]:
    """Create or update a webhook; the changes as an audit row may show them (URLs masked,
    the secret only as set / not set)."""
    hook, changes = save_row(sess, Webhook, hook, data, by)
    shown = {"url": lambda v: v and masked_url(v), "secret": lambda v: "set" if v else None}
    return hook, {k: [shown[k](old), shown[k](value)] if k in shown else [old, value]
                  for k, (old, value) in changes.items()}


def webhook_form(hook: Webhook | None) -> dict:
    if hook is None:
        return {"format": "generic", "language": "en", "enabled": "1"}
    return {"name": hook.name, "url": "", "format": hook.format, "language": hook.language,
            "enabled": "1" if hook.enabled else "", "secret": ""}
