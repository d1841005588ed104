// The Events page: one list, new events on top over SSE; a paused state ("Paused — 15 new") entered
// by the Pause button, by scrolling down the list or by opening an event, left by Resume (or, when
// scrolling paused it, by scrolling back to the top); the detail pane; copy buttons.
// No inline script anywhere (strict CSP): everything hangs off ids and data attributes.
(function () {
  "use strict";

  var MAX_ROWS = 1000;
  var SCROLL_SLACK = 48;  // px the list's top may pass the viewport's before scrolling pauses
  var paused = null;      // null (live), or why: "button", "scroll", "select"
  var buffered = [];      // SSE fragments that arrived while paused, oldest first
  var received = 0;

  function $(id) { return document.getElementById(id); }

  function fill(el, n) {
    if (el) { el.textContent = el.dataset.template.replace("{n}", String(n)); }
  }

  function setState(state) {
    var badge = $("live-state");
    if (!badge) { return; }
    badge.dataset.state = state;
    badge.textContent = state === "live" ? badge.dataset.labelLive : badge.dataset.labelLost;
  }

  function eventId(html) {
    var found = /data-event-id="(\d+)"/.exec(html);
    return found ? found[1] : null;
  }

  function shown(id) {
    var list = $("event-list");
    return !!(id && list && list.querySelector('li.event[data-event-id="' + id + '"]'));
  }

  // Keep the list bounded; the "Older" button then continues after the last row kept.
  function trim(list) {
    var rows = list.querySelectorAll("li.event");
    if (rows.length <= MAX_ROWS) { return; }
    for (var i = MAX_ROWS; i < rows.length; i++) { rows[i].remove(); }
    var pager = list.querySelector("li.pager button");
    var last = rows[MAX_ROWS - 1].dataset.eventId;
    if (pager) {
      pager.setAttribute("hx-get", pager.getAttribute("hx-get").replace(/before=\d+/, "before=" + last));
      if (window.htmx) { window.htmx.process(pager); }
    }
  }

  function arrived() {
    received += 1;
    fill($("live-received"), received);
    var empty = $("live-empty");
    if (empty) { empty.remove(); }
  }

  function render() {
    var pending = $("live-pending");
    var button = $("live-pause");
    if (pending) {
      pending.hidden = paused === null;
      if (buffered.length) { fill(pending, buffered.length); } else { pending.textContent = pending.dataset.none; }
    }
    if (button) {
      button.textContent = paused ? button.dataset.labelResume : button.dataset.labelPause;
      button.setAttribute("aria-pressed", paused ? "true" : "false");
    }
    document.body.classList.toggle("events-paused", paused !== null);
  }

  function pause(reason) {
    if (paused === null) { paused = reason; }
    else if (reason !== "scroll") { paused = reason; }  // a deliberate pause outlasts scrolling back
    render();
  }

  function resume(scrollToTop) {
    var list = $("event-list");
    paused = null;
    buffered.forEach(function (html) {
      if (shown(eventId(html))) { return; }
      list.insertAdjacentHTML("afterbegin", html);
      if (window.htmx) { window.htmx.process(list.firstElementChild); }
    });
    buffered = [];
    trim(list);
    render();
    if (scrollToTop && listTop() < -SCROLL_SLACK) {
      $("live").scrollIntoView({block: "start"});
    }
  }

  function listTop() {
    var list = $("event-list");
    return list ? list.getBoundingClientRect().top : 0;
  }

  document.addEventListener("htmx:sseOpen", function () { setState("live"); });
  document.addEventListener("htmx:sseError", function () { setState("lost"); });

  // Paused: keep what arrives (and count it) instead of letting htmx swap it in. A row already in
  // the list (a reconnect replaying from the page's start) is not shown twice.
  document.addEventListener("htmx:sseBeforeMessage", function (evt) {
    if (evt.target.id !== "event-list") { return; }
    var html = evt.detail.data;
    if (shown(eventId(html))) { evt.preventDefault(); return; }
    arrived();
    if (paused !== null) {
      evt.preventDefault();
      buffered.push(html);
      render();
    }
  });
  document.addEventListener("htmx:sseMessage", function (evt) {
    if (evt.target.id === "event-list") { trim(evt.target); }
  });

  // Scrolling down the list pauses it (rows would move under the reader); back at the top, a
  // pause that scrolling started ends.
  var ticking = false;
  document.addEventListener("scroll", function () {
    if (ticking) { return; }
    ticking = true;
    window.requestAnimationFrame(function () {
      ticking = false;
      if (!$("event-list")) { return; }
      var below = listTop() < -SCROLL_SLACK;
      if (below && paused === null) { pause("scroll"); }
      else if (!below && paused === "scroll") { resume(false); }
    });
  }, {passive: true, capture: true});

  // Opening an event: it is marked in the list, the list pauses, and the pushed URL keeps the
  // page's filters (/events/<id>?category=…), so a reload or a shared link shows the same.
  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (!(target instanceof Element)) { return; }
    if (target.closest("#live-pause")) {
      if (paused !== null) { resume(true); } else { pause("button"); }
      return;
    }
    if (target.closest("#live-pending")) { resume(true); return; }
    var copyButton = target.closest("button.copy");
    if (copyButton) { copy(copyButton); return; }
    var link = target.closest("a[hx-target='#event-detail']");
    if (link && !evt.ctrlKey && !evt.metaKey && !evt.shiftKey) {
      link.setAttribute("hx-push-url", link.pathname + window.location.search);
      select(link.pathname.split("/").pop());
      pause("select");
    }
  }, true);

  function select(id) {
    document.querySelectorAll("#event-list li.event.selected").forEach(function (li) {
      li.classList.remove("selected");
      var a = li.querySelector(".ev-link");
      if (a) { a.removeAttribute("aria-current"); }
    });
    var row = document.querySelector('#event-list li.event[data-event-id="' + id + '"]');
    if (row) {
      row.classList.add("selected");
      var link = row.querySelector(".ev-link");
      if (link) { link.setAttribute("aria-current", "true"); }
    }
  }

  // The pane's content arrived: mark its event in the list (also after Back/Forward) and move the
  // focus to its heading, so the keyboard goes on in the pane rather than down the list.
  document.addEventListener("htmx:afterSettle", function (evt) {
    var pane = $("event-detail");
    if (!pane || !pane.contains(evt.target)) { return; }
    var detail = pane.querySelector(".event-detail");
    if (!detail) { return; }
    select(detail.dataset.eventId);
    var heading = $("event-detail-title");
    if (!heading || !evt.detail || !evt.detail.requestConfig) { return; }
    // beside the list it is in view; below it (a narrow screen) it is brought into view
    var box = pane.getBoundingClientRect();
    var inView = box.top < window.innerHeight && box.bottom > 0;
    heading.focus({preventScroll: inView});
    if (!inView) { pane.scrollIntoView({block: "start"}); }
  });

  // Escape in the pane: back to the event's row in the list.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape" || !evt.target.closest || !evt.target.closest("#event-detail")) { return; }
    var row = document.querySelector("#event-list li.event.selected .ev-link");
    if (row) { evt.preventDefault(); row.focus(); }
  });

  // A page opened on one event (a shared link): start paused on it, the list as it was.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("#event-detail .event-detail")) { pause("select"); }
  });

  // The filter form leaves its empty fields out of the URL (the address to share stays short).
  document.addEventListener("submit", function (evt) {
    if (evt.target.id !== "event-filters") { return; }
    evt.target.querySelectorAll("input, select").forEach(function (field) {
      if (field.name && !field.value) { field.disabled = true; }
    });
  });

  function copy(button) {
    var scope = button.closest(".event-detail") || document;
    var source = scope.querySelector(button.dataset.copy);
    if (!source) { return; }
    var text = source.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.dataset.done;
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source);
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected */ }
    }
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
}());
