"""The shape of the house: import contracts, a client that stands alone, small modules.

docs/architecture.md describes the parts; these tests keep the tree honest about it.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
MAX_TOP_MODULES = 8
MAX_LINES = 800


def _console_files():
    for path in sorted(CONSOLE.rglob("*.py")):
        yield path.relative_to(CONSOLE), path


def _contracts() -> dict[str, dict]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        config = tomllib.load(fh)["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_import_contracts_are_kept():
    lint = pathlib.Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_client_contract_names_every_other_part_of_the_console():
    """A part added to console/ must be added to the contracts too, or the client could import it."""
    parts = {f"console.{p.stem}" for p in CONSOLE.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    forbidden = set(_contracts()["client"]["forbidden_modules"])
    assert parts - {"console.tim"} <= forbidden
    sandbox_forbidden = set(_contracts()["sandbox"]["forbidden_modules"])
    assert parts - {"console.tim", "console.sandbox"} <= sandbox_forbidden


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_client_loads_no_web_stack():
    assert _loaded_after("import console.tim") & {"flask", "werkzeug", "sqlalchemy"} == set()


def test_the_sandbox_loads_no_web_stack():
    # Its HTTP server is the standard library's (console/sandbox/httpd.py).
    assert _loaded_after("import console.sandbox") & {"flask", "werkzeug", "sqlalchemy"} == set()


def test_console_top_holds_at_most_eight_modules():
    top = sorted(p.name for p in CONSOLE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_no_source_file_is_over_800_lines():
    long = [f"{rel}: {n}" for rel, path in _console_files()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_no_import_guards():
    """Modules are imported normally: a guard would hide a real ImportError."""
    guard = re.compile(r"except\s*\(?[^:\n]*\b(ImportError|ModuleNotFoundError)\b")
    found = [str(rel) for rel, path in _console_files() if guard.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_htmx_request_facts_come_from_request_htmx():
    """htmx-flask's request.htmx reads the HX-* request headers; nothing else does."""
    raw = re.compile(r"""headers(\.get\(\s*["']HX-|\[\s*["']HX-[\w-]*["']\](?!\s*=))""")
    found = [str(rel) for rel, path in _console_files() if raw.search(path.read_text(encoding="utf-8"))]
    assert found == []
