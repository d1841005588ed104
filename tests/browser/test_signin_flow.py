"""Sign-in for teams in a real browser (issue #20): enrol a TOTP second factor (the QR code is
drawn by the server and allowed by the CSP), sign in again with a code, then delete an account
after the re-authentication dialog of sudo mode (static/js/sudo.js repeats the htmx request)."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from console import db
from console.accounts.directory import upsert_accounts
from console.models import OperatorSession, utcnow

pytestmark = pytest.mark.browser


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(utcnow() + dt.timedelta(seconds=30 * steps))


def _age_proofs(app, minutes: int = 11) -> None:
    with db.new_session(app) as sess:
        sess.execute(update(OperatorSession).values(proved_at=utcnow() - dt.timedelta(minutes=minutes)))


def test_enrol_sign_in_with_a_code_and_delete_after_re_authentication(page, live_server, screenshot):
    sb = live_server.sandbox
    live_server.sign_in(page)

    # -- enrolment ----------------------------------------------------------------------------
    page.goto(live_server.url + "/me")
    with page.expect_navigation():
        page.get_by_role("link", name="Manage two-factor authentication").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-factor authentication").click()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the CSP let the data: SVG in
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    page.get_by_label("The 6-digit code the app shows").fill(_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on").click()
    codes = page.locator("[data-recovery-codes] li")
    expect(codes).to_have_count(10)
    screenshot(page, "signin-01-recovery-codes")

    # -- sign out, sign in with password + code ---------------------------------------------------
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    live_server.sign_in(page)
    expect(page.locator("h1")).to_contain_text("Two-factor authentication")
    page.get_by_label("Code").fill(_code(secret, 1))
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()
    assert page.url.rstrip("/") == live_server.url

    # -- a re-authenticated account deletion -------------------------------------------------------
    resp = sb.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["doomed", "keeper"]})
    assert resp["ErrorCode"] == 0
    with db.new_session(live_server.app) as sess:
        upsert_accounts(sess, [{"user_id": "doomed"}, {"user_id": "keeper"}], "imported")
    live_server.app.config["TIM_TRIAL"] = True
    page.goto(live_server.url + "/accounts")
    _age_proofs(live_server.app)  # the last proof is 11 minutes old
    page.get_by_label("Select doomed").check()
    page.locator("#bulk-form select[name=action]").select_option("delete")
    page.get_by_label('To delete, type "delete N accounts"').fill("delete 1 account")
    page.locator("#bulk-form").get_by_role("button", name="Run").click()

    dialog = page.locator("#sudo-dialog")
    expect(dialog).to_be_visible()
    screenshot(page, "signin-02-sudo-dialog")
    dialog.get_by_label("Password").fill("not the password")
    dialog.get_by_role("button", name="Confirm and continue").click()
    expect(dialog.locator("[data-sudo-error]")).to_contain_text("The password is wrong.")
    dialog.get_by_label("Password").fill(live_server.password)
    dialog.get_by_role("button", name="Confirm and continue").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#bulk-result")).to_contain_text("doomed", timeout=15_000)

    resp = sb.invoke("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "doomed"}, {"UserID": "keeper"}]})
    status = {item["UserID"]: item["AccountStatus"] for item in resp["ResultItem"]}
    assert status == {"doomed": "NotImported", "keeper": "Imported"}
    assert not page.console_log.csp_violations()


def test_sign_in_pages_meet_wcag_aa(page, live_server):
    """axe on the pages the navigation tour does not reach: the two-factor pages, the second step
    of sign-in, an operator's page, the sudo prompt and its dialog."""
    import os

    from test_accessibility import AXE, _axe

    if not os.path.exists(AXE):
        pytest.skip(f"axe-core is missing at {AXE} (`make axe` installs it from npm)")
    with open(AXE, encoding="utf-8") as fh:
        source = fh.read()
    problems = []

    def check(name):
        problems.extend(f"{name}: {v['id']} ({v['impact']})" for v in _axe(page, source))

    live_server.sign_in(page)
    page.goto(live_server.url + "/me/2fa")
    check("/me/2fa off")
    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-factor authentication").click()
    check("/me/2fa enrolling")
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    page.get_by_label("The 6-digit code the app shows").fill(_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on").click()
    check("/me/2fa recovery codes")
    page.goto(live_server.url + "/operators/1")
    check("/operators/1")
    page.goto(live_server.url + "/operators")
    check("/operators")
    _age_proofs(live_server.app)
    page.goto(live_server.url + "/messages/mute")
    page.evaluate("""() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/messages/mute';
        for (const [k, v] of [['csrf_token', document.querySelector('input[name=csrf_token]').value], ['user_id', 'x']]) {
          const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
        document.body.appendChild(f); f.submit(); }""")
    expect(page.locator("[data-sudo-prompt]")).to_be_visible()
    check("sudo prompt")
    page.evaluate("() => document.getElementById('sudo-dialog').showModal()")
    check("sudo dialog")
    page.goto(live_server.url + "/me")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    live_server.sign_in(page)
    expect(page.get_by_label("Code")).to_be_visible()
    check("/login/code")
    assert not problems, "WCAG 2.1 AA violations:\n" + "\n".join(problems)
