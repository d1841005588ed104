"""Issue #14 item 4 (and 2): every form of the console, submitted with hostile values in every
field (huge and negative numbers, 100,000 characters, NUL and lone surrogates, JSON nested
100,000 deep, CSV with a 1 MB field), answers with a message or a 4xx, never a 5xx."""
from __future__ import annotations

import pathlib
import re
from urllib.parse import quote

import pytest

from test_routes import _routes, _url, seeded  # noqa: F401 - the route walker and its fixture

ROOT = pathlib.Path(__file__).resolve().parents[2]
#: every field name a template of the console submits
FIELDS = sorted({name for path in (ROOT / "templates").rglob("*.html")
                 for name in re.findall(r'\bname="([A-Za-z_][\w\-]*)"', path.read_text(encoding="utf-8"))}
                - {"csrf_token"})
#: the fields that take long text (textareas, search boxes): a long value goes into these, a
#: shorter cut of it into the others (every field at 1 MB would be a request over any limit)
TEXTAREAS = sorted({name for path in (ROOT / "templates").rglob("*.html")
                    for name in re.findall(r'<textarea[^>]*\bname="([\w\-]+)"', path.read_text(encoding="utf-8"))}
                   | {"q", "pattern", "name"})
HOSTILE_VALUES = {
    "huge": "9" * 30,
    "int64": str(2**63),
    "negative": "-" + "9" * 25,
    "long": "x" * 100_000,
    "invalid_text": "\ud800abc\x00",
    # 20,000 deep: far past the interpreter's recursion limit (1,000) and json_value's (200); the
    # linear-time depth check makes 100,000 no different, only the request 5 times bigger to parse
    "deep_json": "[" * 20_000,
    "csv_field": "alice," + "y" * 1_000_000,
    "like": "%_\\" * 20_000,
}
#: routes that would sign the test's browser out or change the operators it signs in as
SKIP = {"auth.logout"}


def _body(value: str) -> str:
    short = value[:300]
    pairs = [(name, value if name in TEXTAREAS else short) for name in FIELDS]
    pairs += [("el-0-type", "text"), ("el-0-Text", value)]
    return "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in pairs)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("kind", sorted(HOSTILE_VALUES))
def test_every_form_survives_hostile_values_in_every_field(seeded, signed_in, kind):
    """Full-page posts (an htmx request gets its error as a 200 toast, which would hide a 500);
    the forms that change the operators (the admin's own password, access) go last."""
    admin = signed_in("admin")
    token = admin.csrf("/me")
    body = _body(HOSTILE_VALUES[kind])
    failures = []
    routes = sorted(_routes(seeded, "POST"), key=lambda r: r[0].endpoint.startswith(("operators.", "auth.")))
    for rule, _view in routes:
        if rule.endpoint in SKIP or rule.rule == "/callback":
            continue
        response = admin.client.post(_url(rule).split("?")[0], data=body, headers={"X-CSRFToken": token},
                                     content_type="application/x-www-form-urlencoded")
        if response.status_code >= 500:
            failures.append(f"{rule.rule}: {response.status_code}")
    assert not failures, failures
