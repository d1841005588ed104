"""A tour of the console: every page worth looking at, and a console with demo data to look at.

- `tour_paths(page, base)`: with a signed-in Playwright page, every page of the navigation, the
  tabs of each, an event's detail (EVENT_DETAIL, opened with `open_page`) and the first account,
  group, audit entry and job pages with their tabs. scripts/screenshot.py and the accessibility
  test (tests/browser/test_accessibility.py) walk the same pages.
- `demo_console(workdir)`: the IM sandbox with the demo seed (sending its signed callbacks to the
  console), a console on a temporary SQLite database with one admin, both on ephemeral ports in
  this process, and a little simulated traffic so the event viewer, the audit log and the charts
  have something to show.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

ADMIN_NAME = "demo-admin"
APP_ID = 1400000000
IM_ADMIN = "administrator"


@dataclass
class DemoConsole:
    url: str
    name: str
    password: str
    app: object
    sandbox: object


def _cli(app, *args: str, input: str | None = None) -> None:
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.output}")


@contextlib.contextmanager
def demo_console(workdir: str, traffic_seconds: float = 4.0):
    from werkzeug.serving import make_server

    from console.app import create_app
    from console.sandbox import Sandbox, simulate

    secret, token, password = secrets.token_hex(16), secrets.token_hex(16), secrets.token_urlsafe(18)
    sandbox = Sandbox(app_id=APP_ID, secret=secret, admin=IM_ADMIN, seed="demo").start("127.0.0.1", 0)
    server = None
    try:
        app = create_app({
            "INSTANCE_PATH": os.path.join(workdir, "instance"),
            "DATABASE_URL": f"sqlite:///{os.path.join(workdir, 'console.db')}",
            "SECRET_KEY": secrets.token_hex(16),
            "TIM_APP_ID": str(APP_ID), "TIM_SECRET": secret, "TIM_ADMIN": IM_ADMIN,
            "TIM_BASE_URL": sandbox.base_url, "TIM_CALLBACK_TOKEN": token, "TIM_TRIAL": "1",
            "JOBS_IMMEDIATE": "1", "COOKIE_SECURE": "0", "LOGIN_LIMIT": "1000 per minute",
        })
        _cli(app, "db", "upgrade")
        _cli(app, "operators", "create", ADMIN_NAME, "--role", "admin", "--password-stdin", input=password + "\n")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, name="demo-console", daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_URL"] = url
        sandbox.callbacks.configure(url + "/callback", token)
        if traffic_seconds:
            simulator = simulate.start(sandbox, 20, seed=7)
            time.sleep(traffic_seconds)
            simulator.stop()
        from console import jobs

        with app.test_request_context():  # a finished job, for the Jobs pages
            jobs.start("directory.check", {}, operator=None, items=["alice", "nobody-here"])
        yield DemoConsole(url=url, name=ADMIN_NAME, password=password, app=app, sandbox=sandbox)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        sandbox.stop()


# ---- the pages -------------------------------------------------------------------------------

#: an event's detail, shown in the Events page itself: open the newest event there
EVENT_DETAIL = "/events#first-event"
_SKIP = re.compile(r"\.(csv|jsonl?)(\?|$)|/stream|/export")
_DETAILS = (("/accounts", r"^/accounts/u/[^/]+$"), ("/groups", r"^/groups/[^/?]+$"),
            ("/audit", r"^/audit/\d+$"), ("/jobs", r"^/jobs/\d+$"),
            ("/bots", r"^/bots/[^/?]+$"))
#: rows to take a detail page from: an unprotected one first (an App admin's page shows less)
_ROWS = ("main table tr:not(:has(.badge)) a[href]", "main table a[href]")


def sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form [type=submit]")


def _hrefs(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("els => els.map(a => a.getAttribute('href'))")


def _local(href: str | None) -> str | None:
    """The path (and query) of a link within the console, None for anything else."""
    if not href or not href.startswith("/") or href.startswith("//") or _SKIP.search(href):
        return None
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def open_page(page, base: str, path: str):
    """Go to `path` (EVENT_DETAIL: the Events page with its newest event open) and wait until
    htmx has loaded the page's fragments; return the document's response."""
    response = page.goto(base + path)
    page.wait_for_load_state("networkidle")
    if path == EVENT_DETAIL:
        event = page.locator("[data-event-id]").first
        event.wait_for()
        target = event.locator("summary, a").first
        (target if target.count() else event).click()
        page.wait_for_load_state("networkidle")
    return response


def tour_paths(page, base: str) -> list[str]:
    """Every page of the navigation (signed in as `page`'s operator) and of the operator's own
    account, the tabs of each and the pages their heads link to, an event's detail, and the first
    account, group, audit entry and job with their tabs, in that order."""
    found: list[str] = []

    def add(href):
        path = _local(href)
        if path and path not in found:
            found.append(path)

    page.goto(base + "/")
    for href in _hrefs(page, ".sidebar nav.nav a") + _hrefs(page, ".sidebar .me a"):
        add(href)
        open_page(page, base, href)
        for tab in _hrefs(page, "main nav.tabs a, main .subnav a"):
            add(tab)
        # pages a section opens from its head: "Add accounts", "New group", "Moderation rules" ...
        for link in _hrefs(page, "main .page-head a, main > p a.button, main .page-actions a"):
            if _local(link) and not urlsplit(link).query:
                add(link)
    found.append(EVENT_DETAIL)
    for listing, pattern in _DETAILS:
        open_page(page, base, listing)
        detail = next((h for rows in _ROWS for h in _hrefs(page, rows) if re.match(pattern, h or "")), None)
        if detail:
            add(detail)
            open_page(page, base, detail)
            for tab in _hrefs(page, "main nav.tabs a"):
                add(tab)
    return found
