"""The design system's server side: labels for IM codes, avatars and the CSP, relative times, the
grouped navigation, and the macros that render them (templates/_macros/ui.html)."""
from __future__ import annotations

import datetime as dt
import pathlib
import re

import pytest
from flask import render_template_string

from console.config import ConfigError, load_settings
from console.ui import avatars, labels
from console.ui.filters import reltime
from console.ui.nav import GROUPS, active_section, nav_groups

ROOT = pathlib.Path(__file__).parents[2]
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
ZH = {"Cookie": "lang=zh_Hans"}


def _render(app, source: str, headers=None, **context) -> str:
    with app.test_request_context(headers=headers or {}):
        return render_template_string('{% import "_macros/ui.html" as ui %}' + source, **context)


# ---- labels --------------------------------------------------------------------------------------

def test_im_codes_have_labels_in_both_languages(app):
    with app.test_request_context():
        assert labels.label("gender", "Gender_Type_Female") == "Female"
        assert labels.label("allow_type", "AllowType_Type_NeedConfirm") == "Need confirmation"
        assert labels.label("group_type", "Private") == "Work group"
        assert labels.label("msg_type", "TIMTextElem") == "Text"
        assert labels.label("job_kind", "accounts.import_csv") == "Import accounts from CSV"
        assert labels.label("audit_action", "account.check_accounts") == "Check accounts"
        assert labels.label("gender", "Gender_Type_Martian") is None and labels.label("gender", None) is None
    with app.test_request_context(headers=ZH):
        assert labels.label("gender", "Gender_Type_Female") == "女"
        assert labels.label("job_kind", "accounts.import_csv") == "从 CSV 导入账号"


def test_every_job_kind_has_a_label(app):
    from console.jobs import KINDS

    assert KINDS and set(KINDS) <= set(labels.codes("job_kind"))


def test_every_im_operation_of_the_namespaces_the_console_calls_has_an_audit_label(app):
    """The audit log names each IM call by its operation; every operation of the client's
    namespaces that the console's pages use has words (console/audit/labels.py)."""
    used = set()
    for path in (ROOT / "console").rglob("*.py"):
        if "tim" in path.parts or "sandbox" in path.parts:
            continue
        used |= set(re.findall(r"\btim\.([a-z0-9_]+)\.[a-z_]+\(", path.read_text(encoding="utf-8")))
    assert {"account", "group", "sns", "c2c", "push"} <= used
    api = ROOT / "console" / "tim" / "api"
    mixins = {"c2c_history": "c2c", "conversation_groups": "conversation", "group_attrs": "group",
              "group_members": "group", "group_messages": "group"}
    operations = set()
    for path in api.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        namespace = mixins.get(path.stem) or next(iter(re.findall(r'\n    name = "([a-z_]+)"', source)), None)
        if namespace in used:
            literal_ops = re.findall(r'op="([a-z0-9_]+)"', source)
            helper_ops = re.findall(r'self\._(?:check|black_write|read|write)\([A-Z_"a-z]+, "([a-z_]+)"', source)
            operations |= {f"{namespace}.{op}" for op in literal_ops + helper_ops}
    assert len(operations) > 80
    missing = sorted(operations - set(labels.codes("audit_action")))
    assert not missing, f"audit actions without words: {missing}"


def test_code_label_shows_the_words_with_the_code_in_the_tooltip(app):
    html = _render(app, '{{ ui.code_label("gender", "Gender_Type_Male") }}|{{ ui.code_label("gender", "Odd") }}|{{ ui.code_label("gender", "") }}')
    assert html == '<span class="code-label" title="Gender_Type_Male">Male</span>|<code>Odd</code>|'
    assert ">男</span>" in _render(app, '{{ ui.code_label("gender", "Gender_Type_Male") }}', headers=ZH)


# ---- avatars and the CSP ---------------------------------------------------------------------------

SOURCES = ("https://*.myqcloud.com", "https://cdn.example.com")


@pytest.mark.parametrize("url, shown", [
    ("https://bucket-1250000000.cos.ap-guangzhou.myqcloud.com/a.png", True),
    ("https://cdn.example.com/u/1.jpg", True),
    ("data:image/svg+xml,%3Csvg%3E", True),
    ("https://myqcloud.com/a.png", False),            # the wildcard covers subdomains only
    ("https://cdn.example.com.evil.net/1.jpg", False),
    ("https://cdn.example.com:8443/1.jpg", False),     # another port is another origin
    ("http://cdn.example.com/1.jpg", False),
    ("javascript:alert(1)", False),
    ("data:text/html,<b>x</b>", False),
    ("", False), (None, False), (42, False),
])
def test_avatars_come_only_from_the_allowed_sources(url, shown):
    assert avatars.image_url(url, SOURCES) == (url if shown else None)


def test_initials_and_colours_are_stable():
    assert avatars.initials("Ada Lovelace") == "AL"
    assert avatars.initials("csvuser_0022") == "C"
    assert avatars.initials("李雷") == "李" and avatars.initials("") == "?"
    assert avatars.colour("alice") == avatars.colour("alice") and 0 <= avatars.colour("bob") < avatars.COLOURS


def test_the_csp_allows_the_avatar_sources_and_nothing_else(make_app):
    app = make_app(TIM_AVATAR_SOURCES="https://cdn.example.com, https://*.myqcloud.com")
    csp = app.test_client().get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://cdn.example.com https://*.myqcloud.com;" in csp
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    default = make_app().test_client().get("/login").headers["Content-Security-Policy"]
    img = re.search(r"img-src ([^;]+)", default).group(1).split()
    assert img[:2] == ["'self'", "data:"] and set(img[2:]) == set(avatars.DEFAULT_SOURCES)


@pytest.mark.parametrize("value", ["http://cdn.example.com", "https://cdn.example.com/path", "*", "https://*"])
def test_a_bad_avatar_source_stops_the_start(tmp_path, value):
    with pytest.raises(ConfigError, match="TIM_AVATAR_SOURCES"):
        load_settings(str(tmp_path), {"TIM_AVATAR_SOURCES": value})


def test_the_avatar_macro_draws_initials_for_a_source_the_csp_blocks(make_app):
    app = make_app(TIM_AVATAR_SOURCES="https://cdn.example.com")
    shown = _render(app, '{{ ui.avatar("https://cdn.example.com/a.png", "Ada Lovelace") }}')
    assert shown.startswith('<img class="avatar" src="https://cdn.example.com/a.png" alt=""')
    blocked = _render(app, '{{ ui.avatar("https://elsewhere.example.org/a.png", "Ada Lovelace") }}')
    assert "<img" not in blocked and ">AL</span>" in blocked and "elsewhere" not in blocked


# ---- times -----------------------------------------------------------------------------------------

def test_relative_times_in_both_languages(app):
    with app.test_request_context():
        assert reltime(NOW - dt.timedelta(seconds=10), now=NOW) == "just now"
        assert reltime(NOW - dt.timedelta(minutes=3), now=NOW) == "3 minutes ago"
        assert reltime(NOW + dt.timedelta(hours=2), now=NOW) == "in 2 hours"
        assert reltime(int((NOW - dt.timedelta(days=3)).timestamp()) * 1000, unit="ms", now=NOW) == "3 days ago"
        assert reltime(None) == "" and reltime("soon") == "soon"
    with app.test_request_context(headers=ZH):
        assert reltime(NOW - dt.timedelta(minutes=3), now=NOW) == "3分钟前"


def test_the_time_macro_says_how_long_ago_with_the_exact_time_on_hover(app):
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    html = _render(app, "{{ ui.time(when) }}", when=when)
    exact = when.strftime("%Y-%m-%d %H:%M:%S")
    assert html == (f'<time datetime="{when.isoformat()}" title="{exact}" data-relative>5 minutes ago</time>')
    flipped = _render(app, "{{ ui.time(when, exact=True) }}", when=when)
    assert f">{exact}</time>" in flipped and 'title="5 minutes ago"' in flipped
    assert _render(app, "{{ ui.time(none) }}") == ""


# ---- navigation ------------------------------------------------------------------------------------

def test_the_navigation_is_grouped_and_follows_the_role(app, operators, signed_in):
    from console.models import Operator
    from console import db

    with app.test_request_context():
        viewer = db.session.query(Operator).filter_by(role="viewer").one()
        admin = db.session.query(Operator).filter_by(role="admin").one()
        groups = nav_groups(admin)
        assert [g["key"] for g in groups] == [None, "people", "messaging", "monitoring", "admin"]
        sections = {g["key"]: [i["section"] for i in g["items"]] for g in groups}
        assert sections[None] == ["dashboard"] and sections["people"][:2] == ["accounts", "groups"]
        assert sections["messaging"][:2] == ["messages", "push"]
        assert [str(g["label"]) for g in groups[1:]] == [str(v) for v in GROUPS.values()]
        assert "operators" not in [i["section"] for g in nav_groups(viewer) for i in g["items"]]
        items = [i for g in groups for i in g["items"]]
        assert active_section("/accounts/u/alice/friends", items) == "accounts"
        assert active_section("/", items) == "dashboard" and active_section("/audit/12", items) == "audit"
        assert active_section("/nowhere", items) is None
    html = signed_in("admin").get("/accounts").get_data(as_text=True)
    nav = html[html.index('<nav class="nav"'):html.index("</nav>", html.index('<nav class="nav"'))]
    assert nav.count('aria-current="page"') == 1
    assert re.search(r'<a href="/accounts" class="active" aria-current="page"><svg class="icon', nav)
    for heading in ("People", "Messaging", "Monitoring", "Admin"):
        assert f">{heading}</p>" in nav
    assert 'aria-expanded="false" aria-controls="sidebar-body"' in html  # the small-screen menu button


def test_every_icon_the_navigation_names_is_in_the_sprite():
    from console.ui.nav import SECTIONS

    sprite = (ROOT / "static" / "icons.svg").read_text(encoding="utf-8")
    symbols = set(re.findall(r'<symbol id="([a-z-]+)"', sprite))
    assert {icon for *_, icon, _role in SECTIONS} <= symbols
    used = set()
    for path in (ROOT / "templates").rglob("*.html"):
        used |= set(re.findall(r"icon\('([a-z-]+)'", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'icon_name="([a-z-]+)"', path.read_text(encoding="utf-8")))
    assert used and used <= symbols, f"icons missing from the sprite: {used - symbols}"
