"""Fixtures shared by every test: one sandbox server per session, reset before each test."""
from __future__ import annotations

import os

import pytest

SANDBOX_APP_ID = 1400000001
SANDBOX_SECRET = "test-sandbox-key-7f3a9c2e5b1d4860a9f2c7e1b3d5a8f0"
SANDBOX_ADMIN = "administrator"

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
EXAMPLES = os.path.join(SHARED, "spec", "examples")


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
        pytest.skip("../shared/spec/examples is not present")
    return EXAMPLES
