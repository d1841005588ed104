"""Answers to htmx actions that every section shares: a table of per-item outcomes, a one-line
success note. Both can fire an htmx event (e.g. `bots-changed`) for the page's list to reload."""
from __future__ import annotations

from flask import render_template

from console.errors import hint_for
from console.ui.htmx import trigger as htmx_trigger
from console.ui.htmx import trigger_all


def item_rows(items) -> list[dict]:
    """Per-item outcomes (BatchResult items or job results) as rows of the outcome table."""
    rows = []
    for item in items:
        code = getattr(item, "code", None)
        rows.append({"id": getattr(item, "id", None) or getattr(item, "item", ""), "ok": item.ok, "code": code,
                     "info": getattr(item, "info", None) or getattr(item, "detail", None) or "",
                     "hint": hint_for(code) if code and not item.ok else ""})
    return rows


def item_results(items, title: str, event: str | None = None):
    """The per-item outcome table (accounts/_items.html, the console's one such table); `event`
    names an htmx event for lists to refresh (and any row selection clears)."""
    rows = item_rows(items)
    html = render_template("accounts/_items.html", rows=rows, title=title,
                           ok=sum(1 for r in rows if r["ok"]), failed=sum(1 for r in rows if not r["ok"]))
    return html, 200, changed(event)


def changed(event: str | None) -> dict:
    """Headers of a write's answer: `event` reloads its list, and any row selection clears."""
    return trigger_all(event, "selection-clear") if event else {}


def done(message: str, event: str | None = None):
    """A success note (accounts/_done.html)."""
    return render_template("accounts/_done.html", message=message), 200, htmx_trigger(event)
