"""Constants the whole suite shares (import as `from testenv import ...`; tests/ is on sys.path)."""
import os

SANDBOX_APP_ID = 1400000001
SANDBOX_SECRET = "test-sandbox-key-7f3a9c2e5b1d4860a9f2c7e1b3d5a8f0"
SANDBOX_ADMIN = "administrator"

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
EXAMPLES = os.path.join(SHARED, "spec", "examples")
#: the skip reason of every test that reads ../shared (the summary counts skips that name it)
NEEDS_SHARED = "../shared/spec is not present (Tencent's published examples and the seed's lists)"


def shared_params(values: list) -> list:
    """Parameters for a test over files of ../shared: `values`, or one skipped parameter saying why
    when ../shared is absent (pytest's own "empty parameter set" skip would not say)."""
    import pytest

    return values or [pytest.param(None, id="no-shared", marks=pytest.mark.skip(reason=NEEDS_SHARED))]
