"""Repository hygiene: vendored files match their pins, no CDN, no secrets or local state committed."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VENDOR = os.path.join(ROOT, "static", "vendor")


def _pins() -> list[dict]:
    """Rows of static/vendor/VERSIONS.txt: file package version licence path sha256 sri."""
    rows = []
    with open(os.path.join(VENDOR, "VERSIONS.txt"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                file, package, version, licence, path, sha256, sri = line.split()
                rows.append(dict(file=file, package=package, version=version, licence=licence,
                                 path=path, sha256=sha256, sri=sri))
    return rows


def _tracked_files() -> list[str]:
    if not shutil.which("git") or not os.path.isdir(os.path.join(ROOT, ".git")):
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p]


def test_vendored_pins_cover_htmx_2_and_sse_extension():
    pins = {row["package"]: row for row in _pins()}
    assert pins["htmx.org"]["version"] == "2.0.11"
    assert pins["htmx-ext-sse"]["version"] == "2.2.4"


@pytest.mark.parametrize("row", _pins(), ids=lambda row: row["file"])
def test_vendored_file_matches_its_pinned_hashes(row):
    with open(os.path.join(VENDOR, row["file"]), "rb") as fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == row["sha256"]
    sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    assert sri == row["sri"]


def test_vendored_htmx_is_the_pinned_build():
    with open(os.path.join(VENDOR, "htmx.min.js"), encoding="utf-8") as fh:
        assert 'version:"2.0.11"' in fh.read().replace(" ", "")


CDN = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.I)


def test_templates_and_static_load_nothing_from_another_host():
    offenders = []
    for base in ("templates", "static"):
        for dirpath, _dirs, files in os.walk(os.path.join(ROOT, base)):
            if os.path.abspath(dirpath) == VENDOR:
                continue
            for name in files:
                if name.endswith((".html", ".css", ".js")):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        for lineno, line in enumerate(fh, 1):
                            if CDN.search(line) and "xmlns" not in line:
                                offenders.append(f"{os.path.relpath(path, ROOT)}:{lineno}")
    assert offenders == [], "external URLs in src/href (the console must work offline)"


STATIC_REF = re.compile(r"""url_for\(\s*['"]static['"]\s*,\s*filename\s*=\s*['"]([^'"]+)['"]""")


def _template_files():
    for dirpath, _dirs, files in os.walk(os.path.join(ROOT, "templates")):
        for name in files:
            if name.endswith(".html"):
                yield os.path.join(dirpath, name)


def test_every_static_file_a_template_names_exists():
    named, missing = set(), []
    for path in _template_files():
        with open(path, encoding="utf-8") as fh:
            for ref in STATIC_REF.findall(fh.read()):
                named.add(ref)
                if not os.path.isfile(os.path.join(ROOT, "static", ref)):
                    missing.append(f"{os.path.relpath(path, ROOT)} -> static/{ref}")
    assert {"vendor/htmx.min.js", "vendor/sse.js"} <= named, "the base layout must load the vendored htmx"
    assert missing == []


LOCAL_STATE = re.compile(r"(^|/)(instance/|\.venv/|test-artifacts/|node_modules/)|\.(db|sqlite3?|pem|key)$")


def test_no_local_state_or_key_files_are_tracked():
    assert [p for p in _tracked_files() if LOCAL_STATE.search(p)] == []


def test_no_private_key_or_generated_secret_in_tracked_files():
    # Test fixtures may carry throwaway keys; everything else must not.
    secrets_on_disk = []
    instance = os.path.join(ROOT, "instance")
    for name in ("secret-key", "sandbox-secret", "sandbox-callback-token"):
        path = os.path.join(instance, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                value = fh.read().strip()
            if len(value) >= 16:
                secrets_on_disk.append(value)
    offenders = []
    for rel in _tracked_files():
        path = os.path.join(ROOT, rel)
        if not os.path.isfile(path) or os.path.getsize(path) > 2_000_000:
            continue
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", errors="replace")
        if "PRIVATE KEY-----" in text and not rel.startswith("tests/"):
            offenders.append(rel)
        if any(value in text for value in secrets_on_disk):
            offenders.append(rel)
    assert offenders == []


def test_gitignore_keeps_local_state_out():
    with open(os.path.join(ROOT, ".gitignore"), encoding="utf-8") as fh:
        ignored = {line.strip() for line in fh}
    assert {"instance/", ".venv/", "test-artifacts/"} <= ignored


def test_readme_names_the_pinned_front_end_versions():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    for row in _pins():
        assert f"{row['package']} {row['version']}" in readme or \
            f"{row['package']}@{row['version']}" in readme, row["package"]


SETTING_READ = re.compile(r"""(?:env\.get|env\[|_int|_url|_bool|_names)\(?\s*(?:env,\s*)?["']([A-Z][A-Z0-9_]+)["']""")


def test_readme_documents_every_setting_the_config_reads():
    with open(os.path.join(ROOT, "console", "config.py"), encoding="utf-8") as fh:
        settings = set(SETTING_READ.findall(fh.read()))
    assert {"TIM_APP_ID", "TIM_SECRET", "DATABASE_URL", "SECRET_KEY"} <= settings, "the pattern went stale"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    assert sorted(name for name in settings if f"`{name}`" not in readme) == []


def test_readme_shows_the_event_settings_with_their_defaults():
    from console.events import DEFAULTS, STREAMS_GEVENT, STREAMS_THREADS

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    by_worker = f"`{STREAMS_GEVENT}` (gevent), `{STREAMS_THREADS}` (threads)"  # the None default
    assert [name for name, value in DEFAULTS.items()
            if f"| `{name}` | {by_worker if value is None else f'`{value}`'} |" not in readme] == []


def test_test_modules_have_unique_basenames():
    """tests/ has no packages, so two test files with one basename cannot both be collected."""
    import collections
    import pathlib

    root = pathlib.Path(__file__).parent
    names = collections.Counter(p.name for p in root.rglob("*.py") if p.name != "conftest.py")
    assert [n for n, c in names.items() if c > 1] == []
