"""The Events page in a real browser, fed by the sandbox's traffic simulator over signed callbacks."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

LIVE_ROWS = "#live-list details.event"


@pytest.fixture
def traffic(live_server):
    """The sandbox sends its callbacks to the live console while simulating users."""
    from console.sandbox.simulate import Simulator

    live_server.sandbox.callbacks.configure(live_server.url + "/callback",
                                            live_server.app.config["TIM_CALLBACK_TOKEN"])
    simulator = Simulator(live_server.sandbox, rate=8, seed=7).start()
    yield simulator
    simulator.stop()


def _count(page) -> int:
    return page.locator(LIVE_ROWS).count()


def test_events_arrive_live_pause_expand_resume_filter(live_server, traffic, page, screenshot):
    live_server.sign_in(page)
    page.goto(live_server.url + "/events")
    page.wait_for_selector("#live-state[data-state=live]")

    # Events appear at the top as the simulator produces them.
    page.locator(LIVE_ROWS).nth(2).wait_for()
    first_ids = [int(x) for x in page.locator(LIVE_ROWS).evaluate_all(
        "rows => rows.map(r => r.dataset.eventId)")]
    assert first_ids == sorted(first_ids, reverse=True)

    # Pause: the list freezes while a counter shows what arrived meanwhile.
    page.click("#live-pause")
    frozen = _count(page)
    expect(page.locator("#live-pending")).to_have_text(re.compile(r"^([3-9]|\d\d+) new"), timeout=15_000)
    pending = int(re.match(r"\d+", page.text_content("#live-pending")).group(0))
    assert pending >= 3 and _count(page) == frozen
    assert page.text_content("#live-pause").strip() == "Resume"

    # Expand one row: pretty payload, the ack, a copy button.
    page.locator(LIVE_ROWS).nth(0).locator("summary").click()
    payload = page.locator(LIVE_ROWS).nth(0).locator(".ev-payload")
    payload.wait_for()
    assert '"CallbackCommand"' in payload.text_content()
    assert '"ActionStatus": "OK"' in page.locator(LIVE_ROWS).nth(0).locator(".ev-ack").text_content()
    assert page.locator(LIVE_ROWS).nth(0).locator("button.copy").count() == 2

    screenshot(page, "events-live-paused-expanded")

    # Resume: what was held back is shown, newest first, above what was there.
    before_resume = int(re.match(r"\d+", page.text_content("#live-pending")).group(0))
    page.click("#live-pause")
    assert page.locator("#live-pending").is_hidden()
    assert _count(page) >= frozen + before_resume
    ids = [int(x) for x in page.locator(LIVE_ROWS).evaluate_all("rows => rows.map(r => r.dataset.eventId)")]
    assert ids == sorted(ids, reverse=True)
    page.locator(LIVE_ROWS).nth(_count(page)).wait_for()  # and live again

    # Filter by category: the page reloads, the live stream and the history only show it.
    categories = page.locator("select[name=category] option").evaluate_all(
        "opts => opts.map(o => o.value).filter(v => v)")
    wanted = "Group" if "Group" in categories else categories[0]
    page.select_option("select[name=category]", wanted)
    with page.expect_navigation():
        page.click("#event-filters button[type=submit]")
    assert f"category={wanted}" in page.url
    page.wait_for_selector("#live-state[data-state=live]")
    page.locator(LIVE_ROWS).first.wait_for(timeout=20_000)
    commands = page.locator("details.event").evaluate_all("rows => rows.map(r => r.dataset.command)")
    assert commands and all(c.startswith(wanted + ".") for c in commands)

    assert page.console_log.csp_violations() == []
    assert page.console_log.errors() == []
