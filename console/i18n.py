"""Translations (Flask-Babel) and time zones: the operator's choice, else the browser's, else UTC."""
from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from flask import g, request
from flask_babel import Babel, get_locale, get_timezone, get_translations
from flask_login import current_user

LOCALES = {"en": "English", "zh_Hans": "简体中文"}
TZ_COOKIE = "tz"  # set by static/js/app.js from Intl.DateTimeFormat().resolvedOptions().timeZone
LANG_COOKIE = "lang"

babel = Babel()


def valid_timezone(name: str | None) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def N_(text: str) -> str:
    """Mark an English phrase that is stored (e.g. a job item's detail) for extraction; `tr` shows it."""
    return text


def translate_stored(text: str | None) -> str:
    """Jinja filter `tr`: a stored phrase marked with N_ in the reader's language; other text unchanged."""
    return translations().ugettext(text) if text else ""


def translations():
    """The current translations, looked up once per request and locale.

    Flask-Babel looks them up again on every call (a dozen context-local reads, most of the cost of
    a page of 50 rows that calls gettext some 500 times). The cache lives in Flask-Babel's own
    per-request namespace beside the locale it was made for, so `force_locale` still switches.
    """
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # first call of the request, or no app context
        return get_translations()
    cached = getattr(ctx, "console_translations", None)
    locale = getattr(ctx, "babel_locale", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    found = get_translations()
    ctx.console_translations = (getattr(ctx, "babel_locale", None), found)
    return found


def select_locale() -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-SG"])
    return "zh_Hans" if best and best.startswith("zh") else "en"


def select_timezone() -> str:
    if current_user and current_user.is_authenticated and valid_timezone(current_user.timezone):
        return current_user.timezone
    browser = request.cookies.get(TZ_COOKIE)
    return browser if valid_timezone(browser) else "UTC"


def local_zone() -> dt.tzinfo:
    """The operator's zone as a zoneinfo object, for reading datetime-local inputs.

    Flask-Babel hands out pytz zones; `replace(tzinfo=<pytz zone>)` would apply the zone's first
    historical offset (LMT, e.g. +08:06 for Shanghai) instead of today's.
    """
    name = str(get_timezone() or "UTC")
    return zoneinfo.ZoneInfo(name) if valid_timezone(name) else dt.timezone.utc


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES",
                          os.path.join(os.path.dirname(app.root_path), "translations"))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["tr"] = translate_stored
    app.jinja_env.install_gettext_callables(  # as Flask-Babel's, with the per-request cache
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(LOCALES=LOCALES, get_locale=get_locale, get_timezone=get_timezone)
