"""The audit log in a real browser: actions by default, reads one chip away (in the URL, so the
view can be shared and reloaded), and an empty state that says what was looked for."""
from __future__ import annotations

import re

from playwright.sync_api import expect

ROWS = "#audit-rows tr:not(.empty-row)"


def _actions(page) -> list[str]:
    return page.locator(f"{ROWS} td:nth-child(3) .code-label").evaluate_all(
        "els => els.map(e => e.getAttribute('title'))")


def test_audit_shows_actions_first_and_reads_one_chip_away(live_server, page, screenshot):
    from console.audit import AuditContext, write_entry

    app = live_server.app
    ctx = AuditContext(source="web", operator_name="ada")
    for n in range(3):
        write_entry(app, ctx, action="profile.get_profiles", endpoint="v4/profile/portrait_get",
                    targets=[f"reader{n}"], outcome="ok")
    write_entry(app, ctx, action="account.kick_account", endpoint="v4/im_open_login_svc/kick",
                targets=["kicked"], outcome="ok")
    write_entry(app, ctx, action="account.check_accounts", endpoint="v4/im_open_login_svc/account_check",
                targets=["kicked"], outcome="ok")

    live_server.sign_in(page)
    page.goto(live_server.url + "/audit")
    expect(page.get_by_label("Actions")).to_be_checked()
    actions = _actions(page)
    assert "account.kick_account" in actions
    assert not any(a in actions for a in ("profile.get_profiles", "account.check_accounts"))

    # Reads: one click; the results change in place and the URL says so.
    page.get_by_label("Reads").check()
    expect(page).to_have_url(live_server.url + "/audit?kind=reads")  # no empty fields: the URL to share
    expect(page.locator(ROWS).first).to_be_visible()
    page.wait_for_function("() => !document.querySelector('#audit-rows .code-label[title=\"account.kick_account\"]')")
    reads = _actions(page)
    assert reads.count("profile.get_profiles") == 3 and "account.check_accounts" in reads
    screenshot(page, "audit-reads")

    # The URL is the view: reloading it (or sharing it) shows reads again.
    page.reload()
    expect(page.get_by_label("Reads")).to_be_checked()
    assert "account.kick_account" not in _actions(page)

    # All calls, then a filter that matches no action: the empty state names it.
    page.get_by_label("All calls").check()
    expect(page).to_have_url(re.compile(r"kind=all"))
    page.wait_for_function("() => document.querySelectorAll('#audit-rows tr').length >= 5")
    page.goto(live_server.url + "/audit?target=reader1")
    empty = page.locator("#audit-rows .empty-state")
    expect(empty).to_contain_text("No action matches target “reader1”.")
    expect(empty).to_contain_text("Reads (lookups that change nothing) are hidden.")
    empty.get_by_role("link", name="Show reads and actions").click()
    expect(page).to_have_url(re.compile(r"target=reader1.*kind=all|kind=all.*target=reader1"))
    assert _actions(page) == ["profile.get_profiles"]
    expect(page.get_by_label("All calls")).to_be_checked()

    assert page.console_log.csp_violations() == []
    assert page.console_log.errors() == []
