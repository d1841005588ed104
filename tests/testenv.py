"""Constants the whole suite shares (import as `from testenv import ...`; tests/ is on sys.path)."""
import os

SANDBOX_APP_ID = 1400000001
SANDBOX_SECRET = "test-sandbox-key-7f3a9c2e5b1d4860a9f2c7e1b3d5a8f0"
SANDBOX_ADMIN = "administrator"

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
EXAMPLES = os.path.join(SHARED, "spec", "examples")
