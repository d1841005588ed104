"""Fixtures shared by every test: one sandbox server per session, reset before each test."""
from __future__ import annotations

import os

import pytest

from testenv import EXAMPLES, NEEDS_SHARED, SANDBOX_ADMIN, SANDBOX_APP_ID, SANDBOX_SECRET  # noqa: F401


@pytest.fixture(scope="session")
def _sandbox_server():
    from console.sandbox import Sandbox

    sb = Sandbox(app_id=SANDBOX_APP_ID, secret=SANDBOX_SECRET, admin=SANDBOX_ADMIN)
    sb.start(host="127.0.0.1", port=0)
    yield sb
    sb.stop()


@pytest.fixture
def sandbox(_sandbox_server):
    """The running sandbox with empty state, no faults and no callback target."""
    _sandbox_server.reset()
    yield _sandbox_server
    _sandbox_server.reset()


@pytest.fixture
def tim(sandbox):
    """A console.tim.Client pointed at the sandbox over real HTTP."""
    from console.tim import Client

    client = Client(app_id=SANDBOX_APP_ID, secret=SANDBOX_SECRET, admin=SANDBOX_ADMIN,
                    base_url=sandbox.base_url, timeout=5)
    yield client
    client.close()


@pytest.fixture
def examples_dir():
    """Tencent's published examples, kept outside the project; absent on a user's machine."""
    if not os.path.isdir(EXAMPLES):
        pytest.skip(NEEDS_SHARED)
    return EXAMPLES


def pytest_terminal_summary(terminalreporter):
    """Say how many tests were skipped for want of ../shared (beside the repository in CI and on
    the developers' machines; absent on a user's)."""
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(1 for report in skipped if "../shared" in str(report.longrepr))
    terminalreporter.write_line(f"tests skipped because ../shared is absent: {count}")
