"""Helpers of the browser tests (import: from browser_support import confirm)."""
from __future__ import annotations


def confirm(page, expect: str | None = None) -> str:
    """Answer the console's confirmation dialog (hx-confirm, static/js/app.js) with its confirm
    button; return the question it asked (checked to contain `expect` when given)."""
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    question = dialog.locator("[data-confirm-question]").inner_text()
    if expect is not None:
        assert expect in question, f"the confirmation asked {question!r}, not {expect!r}"
    dialog.locator("[data-confirm-ok]").click()
    dialog.wait_for(state="hidden")
    return question
