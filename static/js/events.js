// The Events page: connection badge, pause/resume of the live list, expanding rows, copy buttons.
// No inline script anywhere (strict CSP): everything hangs off ids and data attributes.
(function () {
  "use strict";

  var MAX_LIVE_ROWS = 500;
  var paused = false;
  var buffered = [];   // SSE fragments that arrived while paused, oldest first
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

  function trim(list) {
    while (list.children.length > MAX_LIVE_ROWS) { list.removeChild(list.lastElementChild); }
  }

  function arrived(n) {
    received += n;
    fill($("live-received"), received);
    var empty = $("live-empty");
    if (empty) { empty.hidden = true; }
  }

  function showPending() {
    var pending = $("live-pending");
    if (!pending) { return; }
    pending.hidden = buffered.length === 0;
    fill(pending, buffered.length);
  }

  function resume() {
    var list = $("live-list");
    paused = false;
    buffered.forEach(function (html) {
      list.insertAdjacentHTML("afterbegin", html);
      if (window.htmx) { window.htmx.process(list.firstElementChild); }
    });
    buffered = [];
    trim(list);
    showPending();
  }

  function togglePause(button) {
    if (paused) {
      resume();
    } else {
      paused = true;
    }
    button.textContent = paused ? button.dataset.labelResume : button.dataset.labelPause;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    document.body.classList.toggle("events-paused", paused);
  }

  document.addEventListener("htmx:sseOpen", function () { setState("live"); });
  document.addEventListener("htmx:sseError", function () { setState("lost"); });

  // Paused: keep what arrives (and count it) instead of letting htmx swap it in.
  document.addEventListener("htmx:sseBeforeMessage", function (evt) {
    if (evt.target.id !== "live-list") { return; }
    arrived(1);
    if (paused) {
      evt.preventDefault();
      buffered.push(evt.detail.data);
      showPending();
    }
  });
  document.addEventListener("htmx:sseMessage", function (evt) {
    if (evt.target.id === "live-list") { trim(evt.target); }
  });

  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (target.id === "live-pause") { togglePause(target); return; }
    if (target.id === "live-pending") { togglePause($("live-pause")); return; }
    if (target.classList && target.classList.contains("copy")) { copy(target); }
  });

  // <details> fires "toggle" without bubbling: listen in the capture phase, load the detail once.
  document.addEventListener("toggle", function (evt) {
    var details = evt.target;
    if (details.tagName !== "DETAILS" || !details.open || !details.classList.contains("event")) { return; }
    var slot = details.querySelector(".ev-detail");
    if (slot && window.htmx) { window.htmx.trigger(slot, "expand"); }
  }, true);

  function copy(button) {
    var scope = button.closest(".ev-detail") || document;
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
