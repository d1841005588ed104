"""The client and the sandbox stand alone: importing them loads no web framework and no ORM."""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

# `console/__init__.py` belongs to the console app; what it imports is not the client's doing,
# so the probe registers the bare `console` namespace first and imports below it.
PROBE = """
import json, os, sys, types
console = types.ModuleType("console")
console.__path__ = [os.path.join(sys.argv[1], "console")]
sys.modules["console"] = console
import console.tim, console.tim.callbacks, console.sandbox, console.sandbox.__main__
client = console.tim.Client(app_id=1400000001, secret="k", base_url="http://127.0.0.1:9")
client.close()
sandbox = console.sandbox.Sandbox(secret="k")
print(json.dumps(sorted(sys.modules)))
"""


def test_client_and_sandbox_load_no_framework_or_orm():
    out = subprocess.run([sys.executable, "-c", PROBE, ROOT], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    loaded = json.loads(out.stdout)
    roots = {name.split(".")[0] for name in loaded}
    assert roots.isdisjoint({"flask", "werkzeug", "sqlalchemy", "jinja2", "huey", "redis"})
    console = {name for name in loaded if name.startswith("console.")}
    assert console and all(name.startswith(("console.tim", "console.sandbox")) for name in console)
