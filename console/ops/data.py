"""The 30-day operations data (openconfigsvr/getappinfo) as chart series."""
from __future__ import annotations

from flask_babel import gettext as _

from console.tim.regions import resolve


def days_oldest_first(result) -> list[dict]:
    """The days of an operation.get_operation_data() result, oldest first."""
    return sorted(result.days, key=lambda d: str(d.get("Date", "")))


def number(value) -> int:
    """IM sends every value as a string; anything unreadable counts as 0."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def series(days: list[dict], key: str) -> list[tuple[str, int]]:
    """(MM-DD, value) of one metric for each day."""
    out = []
    for day in days:
        date = str(day.get("Date", ""))
        out.append((f"{date[4:6]}-{date[6:8]}", number(day.get(key))))
    return out


def region_text(config) -> str:
    """The IM region as the dashboard and Settings both say it: the data centre's name for
    TIM_REGION, or that the console talks to an address of its own (TIM_BASE_URL, the sandbox)."""
    name = config.get("TIM_REGION")
    if not name:
        return _("none (a custom API address)")
    try:
        return resolve(name).label
    except ValueError:
        return str(name)


def summary(points: list[tuple[str, int]], additive: bool) -> dict:
    """What a line under a daily chart may say. A count of events per day (messages, new
    accounts) adds up to a total; a count of people per day (active users, peak online) does not:
    the same person is in every day's figure, so it gets the average and the highest day instead."""
    values = [v for _day, v in points]
    if not values:
        return {}
    peak_day, peak = max(points, key=lambda p: p[1])
    return {"total": sum(values) if additive else None, "average": round(sum(values) / len(values)),
            "peak": peak, "peak_day": peak_day}
