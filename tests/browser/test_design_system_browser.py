"""The design system's behaviour in a real browser (static/js/app.js on the macros' markup): the
selection bar, dialogs, the page's own confirmation, row menus, and the sidebar on a small screen.

The pieces are rendered by the real macros (templates/_macros/ui.html) and put into a signed-in
page of the live console, where app.js picks them up as it would any htmx answer."""
from __future__ import annotations

import pytest
from browser_support import confirm
from flask import render_template_string

pytestmark = pytest.mark.browser

PIECES = """{% import "_macros/ui.html" as ui %}
<form id="people">
  {% call ui.selection_bar('people') %}<button type="button" id="bar-mute">Mute</button>{% endcall %}
  <table class="table"><thead><tr><th class="check">{{ ui.select_all('people') }}</th><th>ID</th><th></th></tr></thead>
  <tbody>{% for who in ['ann', 'bob', 'cat'] %}<tr><td class="check">{{ ui.row_check('people', 'ids', who, 'Select ' ~ who) }}</td>
    <td>{{ who }}</td><td class="row-actions">{% call ui.row_menu('Actions for ' ~ who) %}<button type="button" data-dialog-open="edit-{{ who }}">Edit</button>{% endcall %}</td></tr>{% endfor %}</tbody>
  </table>
</form>
{% for who in ['ann', 'bob', 'cat'] %}{% call ui.dialog('edit-' ~ who, 'Edit ' ~ who) %}<form method="dialog">
  <div class="dialog-body"><label>Name <input name="name" value="{{ who }}"></label></div>
  {% call ui.dialog_foot() %}<button type="submit" class="primary">Save</button>{% endcall %}</form>{% endcall %}{% endfor %}
"""


def _inject(page, live_server, source: str = PIECES, lang: str = "en") -> None:
    with live_server.app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        html = render_template_string(source)
    page.evaluate("html => { document.querySelector('main').insertAdjacentHTML('beforeend', html);"
                  " document.dispatchEvent(new Event('DOMContentLoaded')); }", html)


def test_selection_bar_counts_selects_all_and_clears(page, live_server):
    live_server.sign_in(page)
    page.goto(live_server.url + "/jobs")
    _inject(page, live_server)
    bar = page.get_by_role("region", name="Selected rows")
    assert bar.is_hidden()

    page.get_by_label("Select ann").check()
    assert bar.is_visible() and bar.locator(".selection-count").inner_text() == "1 selected"
    assert page.locator("tr:has(input[value=ann])").get_attribute("aria-selected") == "true"
    page.get_by_label("Select cat").check()
    assert bar.locator(".selection-count").inner_text() == "2 selected"
    assert page.get_by_label("Select all rows").evaluate("el => el.indeterminate")

    page.get_by_label("Select all rows").check()
    assert bar.locator(".selection-count").inner_text() == "3 selected"
    assert page.locator("input[data-select-row=people]:checked").count() == 3

    bar.get_by_role("button", name="Clear selection").click()
    assert bar.is_hidden() and page.locator("input[data-select-row=people]:checked").count() == 0

    # the server's selection-clear event (an action's answer) clears it too
    page.get_by_label("Select bob").check()
    page.evaluate("document.body.dispatchEvent(new CustomEvent('selection-clear', {bubbles: true}))")
    assert bar.is_hidden() and not page.get_by_label("Select bob").is_checked()


def test_chinese_selection_count_and_row_menu_opens_a_dialog_that_escape_closes(page, live_server):
    page.context.add_cookies([{"name": "lang", "value": "zh_Hans", "url": live_server.url}])
    live_server.sign_in(page)
    page.goto(live_server.url + "/jobs")
    _inject(page, live_server, lang="zh_Hans")
    page.get_by_label("Select bob").check()
    assert page.locator(".selection-count").inner_text() == "已选 1 项"

    # one row menu open at a time; Escape closes it and gives the focus back to its button
    page.get_by_label("Actions for ann").click()
    page.get_by_label("Actions for bob").focus()  # (ann's menu covers bob's button: the keyboard)
    page.keyboard.press("Enter")
    assert page.locator("details.row-menu[open]").count() == 1
    assert page.locator("details.row-menu[open] summary").get_attribute("aria-label") == "Actions for bob"
    page.keyboard.press("Escape")
    assert page.locator("details.row-menu[open]").count() == 0
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Actions for bob"

    # a menu choice opens its dialog (modal, labelled by its title) and closes the menu
    page.get_by_label("Actions for cat").click()
    page.locator("details.row-menu[open] .menu").get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit cat")
    dialog.wait_for()
    assert page.locator("details.row-menu[open]").count() == 0
    assert dialog.get_by_label("Name").input_value() == "cat"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.get_by_label("Actions for cat").click()
    page.locator("details.row-menu[open] .menu").get_by_role("button", name="Edit").click()
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")


def test_hx_confirm_asks_in_the_pages_dialog_and_cancel_sends_nothing(page, live_server):
    live_server.sign_in(page)
    page.goto(live_server.url + "/messages/mute")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/confirm-probe" in r.url else None)
    _inject(page, live_server, '<button type="button" class="danger" id="probe" hx-post="/confirm-probe" '
                               'hx-confirm="Delete 1 account: csvuser_0022?">Delete</button>')
    page.evaluate("htmx.process(document.getElementById('probe'))")

    page.locator("#probe").click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for()
    assert dialog.locator("[data-confirm-ok]").get_attribute("class") == "danger"
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(200)
    assert requests == []

    page.locator("#probe").click()
    with page.expect_request("**/confirm-probe"):
        assert confirm(page, "Delete 1 account: csvuser_0022?")


def test_small_screen_menu_opens_with_the_brand_and_button_on_one_line(page, live_server):
    page.set_viewport_size({"width": 400, "height": 800})
    live_server.sign_in(page)
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Menu")
    assert nav.is_hidden() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    brand, button = page.locator(".brand").bounding_box(), toggle.bounding_box()
    # both sit in the top bar, centred on the same line, whatever the menu's height
    assert abs((brand["y"] + brand["height"] / 2) - (button["y"] + button["height"] / 2)) < 4
    assert button["y"] < 80 and button["x"] > brand["x"] + brand["width"]
    nav.get_by_role("link", name="Audit").click()
    page.wait_for_url("**/audit")
    assert page.get_by_role("navigation", name="Main").is_hidden()
