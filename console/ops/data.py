"""The 30-day operations data (openconfigsvr/getappinfo) as chart series."""
from __future__ import annotations


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
