"""Template filters. `localtime` is the one way a page shows a time."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_datetime, format_timedelta, gettext

UNITS = {"s": 1, "ms": 1000}
ISO = "iso"


def as_datetime(value, unit: str = "s") -> dt.datetime | None:
    """An aware UTC datetime from a datetime or a Unix time in `unit` (s or ms); None when empty
    (None, 0, "") or unreadable."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    if not value or isinstance(value, bool):
        return None
    try:
        return dt.datetime.fromtimestamp(int(value) / UNITS[unit], dt.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def localtime(value, fmt: str = "yyyy-MM-dd HH:mm:ss", unit: str = "s") -> str:
    """Jinja filter `localtime`: a datetime, or Unix seconds (`unit="ms"`: milliseconds) as IM and
    the callback store keep them, in the operator's time zone. Empty for no time; a value that is
    not a time is shown as it is. `fmt="iso"` gives the UTC ISO form for `<time datetime=...>`."""
    when = as_datetime(value, unit)
    if when is None:
        return "" if not value else str(value)
    if fmt == ISO:
        return when.isoformat()
    return format_datetime(when, fmt)


def reltime(value, unit: str = "s", now: dt.datetime | None = None) -> str:
    """Jinja filter `reltime`: how long ago (or how soon) a time is, in the reader's language
    ("3 minutes ago", "in 2 hours", "3分钟前"); empty for no time. The exact time goes beside it
    (the `ui.time` macro puts it in the tooltip)."""
    when = as_datetime(value, unit)
    if when is None:
        return "" if not value else str(value)
    delta = when - (now or dt.datetime.now(dt.timezone.utc))
    if abs(delta.total_seconds()) < 45:
        return gettext("just now")
    return format_timedelta(delta, granularity="minute", add_direction=True, threshold=0.9)
