"""WCAG 2.1 A/AA on every page, light and dark: axe-core (installed from npm by `make axe`) runs
inside each page reached from the navigation (and the tabs of those pages), on an event's detail,
and on an account's, a group's, an audit entry's and a job's page (scripts/tour.py finds them).
No serious or critical violation is allowed.

The console is filled first: the sandbox's demo seed and its simulated traffic sent as signed
callbacks, so lists, charts and badges are on the pages.
"""
from __future__ import annotations

import os
import re
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from tour import open_page, tour_paths  # noqa: E402  (scripts/ is not a package)

AXE = os.environ.get("AXE_JS") or os.path.join(ROOT, ".venv", "node", "node_modules", "axe-core", "axe.min.js")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
#: states the navigation does not reach by itself: the audit log's reads and an empty result, an
#: Events page whose filter matches nothing
STATES = ["/audit?kind=reads", "/audit?target=nobody-at-all", "/events?outcome=unsigned"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not os.path.exists(AXE):
        message = f"axe-core is missing at {AXE} (`make axe` installs it from npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with open(AXE, encoding="utf-8") as fh:
        return fh.read()


@pytest.fixture
def filled_console(live_server):
    """The live console with the demo data and a few seconds' worth of callbacks stored."""
    from console.sandbox.simulate import Simulator

    sandbox = live_server.sandbox
    sandbox.load_seed("demo")
    sandbox.callbacks.configure(live_server.url + "/callback", live_server.app.config["TIM_CALLBACK_TOKEN"])
    simulator = Simulator(sandbox, rate=40, seed=3, max_events=60).start()
    simulator._thread.join(timeout=20)
    simulator.stop()
    from console import jobs

    with live_server.app.test_request_context():  # a finished job, for the Jobs pages
        jobs.start("directory.check", {}, operator=None, items=["alice", "nobody-here"])
    return live_server


def _axe(page, source: str) -> list[dict]:
    """The serious and critical violations axe finds on the page as it is now."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           TAGS)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _report(page, source: str, scheme: str, path: str) -> list[str]:
    return [f"[{scheme}] {path}: {v['id']} ({v['impact']}, {len(v['nodes'])} elements: "
            f"{', '.join(n['target'][0] for n in v['nodes'][:4])})" for v in _axe(page, source)]


SCHEMES = ("light", "dark")


def _report_both(page, source: str, path: str) -> list[str]:
    """Both colour schemes on the page as loaded: the stylesheet switches by prefers-color-scheme
    alone, so emulating the other scheme re-styles the same page without a second load."""
    problems = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        problems += _report(page, source, scheme, path)
    page.emulate_media(color_scheme=SCHEMES[0])
    return problems


@pytest.mark.timeout(900)
def test_every_page_meets_wcag_aa_in_light_and_dark(browser, filled_console, axe_source, screenshot):
    console = filled_console
    problems: list[str] = []
    checked = 0
    # reduced motion: no colour transition is caught half-way when the scheme switches
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=SCHEMES[0],
                                  reduced_motion="reduce", locale="en-US", timezone_id="UTC")
    page = context.new_page()
    try:
        assert page.goto(console.url + "/login").ok
        problems += _report_both(page, axe_source, "/login")
        backgrounds = set()
        for scheme in SCHEMES:  # the emulated scheme does re-style the page
            page.emulate_media(color_scheme=scheme)
            backgrounds.add(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
        assert len(backgrounds) == len(SCHEMES), backgrounds
        page.emulate_media(color_scheme=SCHEMES[0])
        console.sign_in(page)
        assert page.goto(console.url + "/no-such-page").status == 404
        problems += _report_both(page, axe_source, "/no-such-page")
        paths = tour_paths(page, console.url)
        print(f"{len(paths)} pages: {' '.join(paths)}")
        assert len(paths) >= 20, f"too few pages found: {paths}"
        for kind in (r"^/accounts/u/[^/]+$", r"^/groups/[^/]+$", r"^/audit/\d+$", r"^/events#"):
            assert any(re.match(kind, p) for p in paths), f"no page like {kind} in {paths}"
        for path in paths + STATES:
            response = open_page(page, console.url, path)
            assert response.ok, f"{path}: HTTP {response.status}"
            problems += _report_both(page, axe_source, path)
            checked += len(SCHEMES)
        screenshot(page, "a11y-last-page")
        page.emulate_media(color_scheme="dark")
        screenshot(page, "a11y-dark-last-page")
    finally:
        context.close()
    assert checked >= 40
    assert not problems, "WCAG 2.1 AA violations:\n" + "\n".join(problems)
