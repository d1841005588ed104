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


def card(page, rid: str):
    """The action card of a group page whose result area is `rid` (templates/groups/_macros.html)."""
    return page.locator(f"#card-{rid}")


def tab(page, name: str):
    """Open the group page's tab called `name`."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Group").get_by_role("link", name=name, exact=True).click()


def reloads(page, click):
    """Click something whose answer reloads the page (HX-Redirect), and wait for the new page."""
    with page.expect_navigation():
        click()
