"""Browser fixtures: the real console served over HTTP, driven by Debian's Chromium through Playwright.

- `live_server`: create_app() on a temporary SQLite database, migrated and given an admin through
  the app's own CLI, talking to the test sandbox, served by werkzeug's threaded server on an
  ephemeral port in a background thread.
- `page`: a fresh browser context and page; console messages are collected on `page.console_log`,
  the origins of every request on `page.origins`, and a screenshot is saved to
  test-artifacts/screenshots/ when a test fails.
Chromium is Debian's /usr/bin/chromium (never a Playwright download). Without it the tests skip,
except under CI, where its absence is a failure.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from testenv import SANDBOX_ADMIN, SANDBOX_APP_ID, SANDBOX_SECRET

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARTIFACTS = os.environ.get("TEST_ARTIFACTS") or os.path.join(ROOT, "test-artifacts")
SCREENSHOTS = os.path.join(ARTIFACTS, "screenshots")

ADMIN_NAME = "ada"
ADMIN_PASSWORD = "correct horse battery staple"
CALLBACK_TOKEN = "browser-test-callback-token"


def pytest_collection_modifyitems(items):
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_REPORT_KEY] = report


_REPORT_KEY = pytest.StashKey()


def _screenshot(page, name: str) -> str:
    """Save a full-page PNG under test-artifacts/screenshots/ and return its path."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves test-artifacts/screenshots/<name>.png."""
    return _screenshot


# ---- the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing (install Debian's chromium: `make test` does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class ConsoleLog:
    """Messages the page printed to its console, plus uncaught page errors."""
    entries: list[tuple[str, str]] = field(default_factory=list)

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions, less htmx's report of a request that the browser
        aborted because the page navigated away (htmx logs "htmx:afterRequest" then
        "htmx:sendAbort" for it; that is not a fault of the page)."""
        errors = [text for kind, text in self.entries if kind in ("error", "pageerror")]
        kept = []
        for i, text in enumerate(errors):
            aborted_next = i + 1 < len(errors) and errors[i + 1].startswith("htmx:sendAbort")
            if text.startswith("htmx:sendAbort") or (text.startswith("htmx:afterRequest") and aborted_next):
                continue
            kept.append(text)
        return kept

    def csp_violations(self) -> list[str]:
        return [text for _kind, text in self.entries if "Content Security Policy" in text]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True,
                                  locale="en-US", timezone_id="UTC")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log = ConsoleLog()
    page.on("console", lambda msg: log.entries.append((msg.type, msg.text)))
    page.on("pageerror", lambda exc: log.entries.append(("pageerror", str(exc))))
    page.console_log = log
    # Every origin the page loaded anything from (the console must work on a closed network).
    page.origins = set()
    context.on("request", lambda req: page.origins.add(_origin(req.url)))
    yield page
    report = request.node.stash.get(_REPORT_KEY, None)
    if report is not None and report.failed:
        try:
            _screenshot(page, f"FAILED-{request.node.name}")
        except Exception:  # the page may be gone; the failure itself is what matters
            pass
    context.close()


# ---- the console -------------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: object
    username: str
    password: str
    sandbox: object

    def sign_in(self, page, username: str | None = None, password: str | None = None) -> None:
        page.goto(self.url + "/login")
        page.fill("input[name=name]", username or self.username)
        page.fill("input[name=password]", password or self.password)
        with page.expect_navigation():
            page.click("form [type=submit]")


def _cli(app, *args: str, input: str | None = None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    assert result.exit_code == 0, f"flask {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"
    return result


@pytest.fixture
def serve_console(sandbox, tmp_path):
    """`serve_console(admin=True)` starts a console (migrated, with the admin unless admin=False)."""
    from werkzeug.serving import make_server

    from console.app import create_app

    running = []

    def start(admin: bool = True) -> LiveServer:
        base = tmp_path / f"console-{len(running)}"
        app = create_app({
            "TESTING": True,
            "INSTANCE_PATH": str(base / "instance"),
            "DATABASE_URL": f"sqlite:///{base / 'console.db'}",
            "SECRET_KEY": "browser-test-secret-key",
            "TIM_APP_ID": str(SANDBOX_APP_ID),
            "TIM_SECRET": SANDBOX_SECRET,
            "TIM_ADMIN": SANDBOX_ADMIN,
            "TIM_BASE_URL": sandbox.base_url,
            "TIM_CALLBACK_TOKEN": CALLBACK_TOKEN,
            "JOBS_IMMEDIATE": "1",
            "LOGIN_LIMIT": "1000 per minute",
        })
        _cli(app, "db", "upgrade")
        if admin:
            _cli(app, "operators", "create", ADMIN_NAME, "--role", "admin", "--password-stdin",
                 input=ADMIN_PASSWORD + "\n")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="live-console", daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_URL"] = url
        running.append((app, server, thread))
        return LiveServer(url=url, app=app, username=ADMIN_NAME, password=ADMIN_PASSWORD, sandbox=sandbox)

    yield start
    for app, server, thread in running:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        client = app.extensions.get("tim_client")
        if client is not None:
            client.close()
        app.extensions["db_engine"].dispose()


@pytest.fixture
def live_server(serve_console) -> LiveServer:
    """The console on an ephemeral port, with one admin (ADMIN_NAME / ADMIN_PASSWORD)."""
    return serve_console()

