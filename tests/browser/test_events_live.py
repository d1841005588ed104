"""The Events page in a real browser, fed by the sandbox's traffic simulator over signed callbacks:
one list with new events on top, the paused state ("Paused — 15 new") and Resume, the detail pane
beside the list, filter chips in the URL."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

ROWS = "#event-list li.event"


@pytest.fixture
def traffic(live_server):
    """The sandbox sends its callbacks to the live console while simulating users."""
    from console.sandbox.simulate import Simulator

    live_server.sandbox.callbacks.configure(live_server.url + "/callback",
                                            live_server.app.config["TIM_CALLBACK_TOKEN"])
    simulator = Simulator(live_server.sandbox, rate=8, seed=7).start()
    yield simulator
    simulator.stop()


def _ids(page) -> list[int]:
    return [int(x) for x in page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.eventId)")]


def _pending(page) -> int:
    found = re.search(r"\d+", page.text_content("#live-pending") or "")
    return int(found.group(0)) if found else 0


def test_one_list_pause_detail_pane_resume_chips(live_server, traffic, page, screenshot):
    live_server.sign_in(page)
    page.goto(live_server.url + "/events")
    page.wait_for_selector("#live-state[data-state=live]")

    # New events arrive at the top of the one list, newest first.
    page.locator(ROWS).nth(2).wait_for()
    ids = _ids(page)
    assert ids == sorted(ids, reverse=True)
    assert page.locator("#live-pending").is_hidden()

    # Pause by the button: the list freezes while "Paused — N new" counts what arrives meanwhile.
    page.click("#live-pause")
    expect(page.locator("#live-pause")).to_have_text("Resume")
    expect(page.locator("#live-pause")).to_have_attribute("aria-pressed", "true")
    frozen = _ids(page)
    expect(page.locator("#live-pending")).to_have_text(re.compile(r"^Paused — ([3-9]|\d\d+) new$"),
                                                       timeout=15_000)
    assert _ids(page) == frozen

    # Resume: what was held back lands on top, newest first, and the list is live again.
    held = _pending(page)
    page.click("#live-pause")
    expect(page.locator("#live-pending")).to_be_hidden()
    after = _ids(page)
    assert len(after) >= len(frozen) + held and after == sorted(after, reverse=True)
    assert after[len(after) - len(frozen):] == frozen
    page.locator(ROWS).nth(len(after)).wait_for()  # live: more keep coming

    # Opening an event: the detail pane beside the list shows it, the row is marked, the URL
    # names the event, and the list pauses so rows stop moving under the reader.
    target = page.locator(ROWS).nth(1)
    event_id = int(target.get_attribute("data-event-id"))
    target.locator("a.ev-link").click()
    pane = page.locator("#event-detail")
    expect(pane.locator(".event-detail")).to_have_attribute("data-event-id", str(event_id))
    expect(page.locator("#live-pending")).to_be_visible()
    assert '"CallbackCommand"' in pane.locator(".ev-payload").text_content()
    assert '"ActionStatus": "OK"' in pane.locator(".ev-ack").text_content()
    assert pane.locator("button.copy").count() == 2
    for words in ("Signature", "Decision", "Delivery"):
        expect(pane.locator("dt", has_text=words)).to_be_visible()
    expect(pane.get_by_role("button", name="Replay through rules and directory")).to_be_visible()
    assert page.url.endswith(f"/events/{event_id}")
    expect(page.locator(f'{ROWS}[data-event-id="{event_id}"] a.ev-link')).to_have_attribute("aria-current", "true")
    pane_box, list_box = pane.bounding_box(), page.locator("#event-list").bounding_box()
    assert pane_box["x"] > list_box["x"] + list_box["width"] - 1  # beside the list, not under it
    expect(page.locator("#live-pending")).to_have_text(re.compile(r"^Paused — \d+ new$"), timeout=15_000)
    screenshot(page, "events-paused-detail")

    # Replay from the pane (the admin is an operator too).
    pane.get_by_role("button", name="Replay through rules and directory").click()
    expect(pane.locator(".replay-result [role=status]")).to_be_visible()

    # The event's own URL, reloaded, opens the page with that event in the pane, still paused.
    page.reload()
    expect(page.locator("#event-detail .event-detail")).to_have_attribute("data-event-id", str(event_id))
    expect(page.locator("#live-pause")).to_have_text("Resume")
    page.click("#live-pause")
    expect(page.locator("#live-pending")).to_be_hidden()

    # Scrolling down the list pauses it; back at the top it goes on by itself.
    page.locator(ROWS).nth(12).wait_for(timeout=20_000)
    page.locator(ROWS).last.scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    expect(page.locator("#live-pending")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("#live-pending")).to_be_hidden()

    # A category chip: the URL carries it, the list and the live stream show only that category.
    chips = page.locator(".event-filters a.chip[data-category]")
    categories = chips.evaluate_all("els => els.map(a => a.dataset.category)")
    wanted = "Group" if "Group" in categories else categories[0]
    with page.expect_navigation():
        page.locator(f'.event-filters a.chip[data-category="{wanted}"]').click()
    assert f"category={wanted}" in page.url
    expect(page.locator(f'.event-filters a.chip[data-category="{wanted}"]')).to_have_attribute("aria-current", "true")
    page.wait_for_selector("#live-state[data-state=live]")
    page.locator(ROWS).first.wait_for(timeout=20_000)
    commands = page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.command)")
    assert commands and all(c.startswith(wanted + ".") for c in commands)
    # the rate chart is stacked by category
    expect(page.locator("#rate-strip svg.chart.stacked")).to_be_visible()
    # the fields add to the chips, and only the filled ones reach the URL
    page.fill("#event-filters input[name=account]", "nobody-here")
    with page.expect_navigation():
        page.locator("#event-filters button[type=submit]").click()
    assert page.url == f"{live_server.url}/events?account=nobody-here&category={wanted}"
    expect(page.locator("#event-list .event-empty")).to_contain_text("No stored event matches")

    assert page.console_log.csp_violations() == []
    assert page.console_log.errors() == []


def test_keyboard_reaches_the_rows_the_pane_and_back(live_server, traffic, page):
    live_server.sign_in(page)
    page.goto(live_server.url + "/events")
    page.locator(ROWS).nth(2).wait_for()

    page.focus("#live-pause")
    page.keyboard.press("Enter")
    expect(page.locator("#live-pause")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.closest('li.event').dataset.eventId")
    assert int(first) == _ids(page)[0]

    # Enter opens the event in the pane and the focus follows it there; Escape goes back.
    page.keyboard.press("Enter")
    expect(page.locator("#event-detail .event-detail")).to_have_attribute("data-event-id", first)
    expect(page.locator("#event-detail-title")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('#event-detail')")
    page.keyboard.press("Escape")
    expect(page.locator(f'{ROWS}[data-event-id="{first}"] a.ev-link')).to_be_focused()
    assert page.console_log.errors() == []


def test_on_a_narrow_screen_the_pane_comes_into_view(live_server, traffic, page):
    page.set_viewport_size({"width": 800, "height": 700})
    live_server.sign_in(page)
    page.goto(live_server.url + "/events")
    page.locator(ROWS).nth(5).wait_for()
    page.locator(ROWS).nth(0).locator("a.ev-link").click()
    pane = page.locator("#event-detail .event-detail")
    pane.wait_for()
    expect(page.locator("#event-detail-title")).to_be_in_viewport()
    list_box, pane_box = page.locator("#event-list").bounding_box(), page.locator("#event-detail").bounding_box()
    assert pane_box["y"] > list_box["y"]  # below the list, one column
