"""The first-admin flow in a real browser: the one-time setup link creates an admin, signs them in,
and stops working."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "a long first-admin password"


def _setup_url(console) -> str:
    result = console.app.test_cli_runner().invoke(args=["operators", "setup-url"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith(console.url + "/setup/")
    return url


def test_setup_link_creates_the_first_admin_once(page, serve_console, screenshot):
    console = serve_console(admin=False)
    url = _setup_url(console)

    # Before any operator exists, pages send the visitor to sign in; nobody can.
    page.goto(console.url + "/")
    assert "/login" in page.url

    page.goto(url)
    page.fill("input[name=name]", "root-admin")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    screenshot(page, "setup-first-admin")
    with page.expect_navigation():
        page.click("form [type=submit]")

    me = page.locator(".sidebar .me")
    assert "root-admin" in me.inner_text() and "admin" in me.inner_text()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Operators").is_visible()

    response = page.goto(url)
    assert response.status == 404
    assert console.app.test_cli_runner().invoke(args=["operators", "setup-url"]).exit_code != 0

    # The new admin can sign out and back in with the password chosen on the setup page.
    page.goto(console.url + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    console.sign_in(page, "root-admin", PASSWORD)
    assert "root-admin" in page.locator(".sidebar .me").inner_text()
    assert page.console_log.csp_violations() == []
