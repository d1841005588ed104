"""Translations (Flask-Babel) and time zones: the operator's choice, else the browser's, else UTC."""
from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from flask import request
from flask_babel import Babel, get_locale, get_timezone, gettext
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
    return gettext(text) if text else ""


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
    app.jinja_env.globals.update(LOCALES=LOCALES, get_locale=get_locale, get_timezone=get_timezone)
