// TIM Console: the little JavaScript the pages need (no inline scripts: the CSP forbids them).
(function () {
  "use strict";

  // Tell the server the browser's time zone; pages show times in it unless the operator chose one.
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + encodeURIComponent(tz)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* very old browser: UTC it is */ }

  function toast(message, level) {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var el = document.createElement("div");
    el.className = "toast toast-" + (level || "error");
    el.setAttribute("role", "alert");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.textContent = "×";
    close.setAttribute("aria-label", document.body.getAttribute("data-msg-close") || "Close");
    var text = document.createElement("strong");
    text.textContent = message;
    el.appendChild(close);
    el.appendChild(text);
    box.appendChild(el);
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest(".toast-close");
    if (btn) { btn.parentElement.remove(); }
  });

  // Toasts fade out by themselves after a while (errors stay longer).
  var observer = new MutationObserver(function (records) {
    records.forEach(function (r) {
      r.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.classList.contains("toast")) {
          var ms = node.classList.contains("toast-error") ? 15000 : 5000;
          setTimeout(function () { node.remove(); }, ms);
        }
      });
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("toasts");
    if (box) { observer.observe(box, { childList: true }); }
  });

  // An invalid form: the server answers with a toast of its problems and the form-problems event,
  // whose detail.fields maps field names to messages; each message goes beside its field in the
  // form that sent the request. The next request of that form clears them.
  function clearProblems(form) {
    form.querySelectorAll(".field-problem").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  document.addEventListener("htmx:beforeRequest", function (ev) {
    var form = ev.target.closest && ev.target.closest("form");
    if (form) { clearProblems(form); }
  });

  document.addEventListener("form-problems", function (ev) {
    var form = ev.target.closest && ev.target.closest("form");
    if (!form) { return; }
    clearProblems(form);
    var fields = (ev.detail && ev.detail.fields) || {};
    Object.keys(fields).forEach(function (name) {
      if (typeof fields[name] !== "string") { return; }
      var field = form.querySelector('[name="' + (window.CSS && CSS.escape ? CSS.escape(name) : name) + '"]');
      if (!field) { return; }
      field.setAttribute("aria-invalid", "true");
      var note = document.createElement("small");
      note.className = "field-problem";
      note.setAttribute("role", "alert");
      note.textContent = fields[name];
      (field.closest("label") || field).insertAdjacentElement("afterend", note);
    });
  });

  // ---- the design system's behaviour (templates/_macros/ui.html) ----------------------------

  // The sidebar's menu button on small screens.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-nav-toggle]");
    if (!btn) { return; }
    var open = document.body.classList.toggle("nav-open");
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Dialogs: data-dialog-open="ID" opens one, data-dialog-close closes the one it is in, and a
  // dialog that arrives with data-open-now (an htmx answer) opens itself. A dialog swapped in by
  // htmx is removed once closed, so the next answer starts clean.
  function openDialog(dialog) {
    if (dialog && !dialog.open && dialog.showModal) { dialog.showModal(); }
  }
  document.addEventListener("click", function (ev) {
    var opener = ev.target.closest && ev.target.closest("[data-dialog-open]");
    if (opener) { openDialog(document.getElementById(opener.getAttribute("data-dialog-open"))); return; }
    var closer = ev.target.closest && ev.target.closest("[data-dialog-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) { dialog.close("cancel"); }
    }
  });
  function openNewDialogs(root) {
    root.querySelectorAll("dialog[data-open-now]").forEach(function (d) {
      d.removeAttribute("data-open-now");
      d.setAttribute("data-swapped", "");
      openDialog(d);
    });
  }
  document.addEventListener("close", function (ev) {
    var d = ev.target;
    if (d && d.tagName === "DIALOG" && d.hasAttribute("data-swapped")) { d.remove(); }
  }, true);
  // A form in a dialog closes it when its htmx request succeeded (its answer lands elsewhere).
  document.addEventListener("htmx:afterRequest", function (ev) {
    var dialog = ev.target.closest && ev.target.closest("dialog");
    if (dialog && ev.detail.successful && !ev.detail.xhr.getResponseHeader("HX-Retarget") &&
        !dialog.contains(ev.detail.target)) {
      dialog.close("done");
    }
  });

  // hx-confirm asks in the page's own dialog (#confirm-dialog) instead of the browser's confirm().
  // An element with class "danger" (or data-confirm-danger) gets a red confirm button, and its
  // data-confirm-label (if any) names that button.
  document.addEventListener("htmx:confirm", function (ev) {
    var question = ev.detail.question;
    var dialog = document.getElementById("confirm-dialog");
    if (!question || !dialog || !dialog.showModal) { return; }
    ev.preventDefault();
    var elt = ev.detail.elt;
    var ok = dialog.querySelector("[data-confirm-ok]");
    if (!ok.hasAttribute("data-default-label")) { ok.setAttribute("data-default-label", ok.textContent); }
    // "{n}" in a question asked from a selection bar is the number of rows selected
    var bar = elt.closest && elt.closest("[data-selection-bar]");
    if (bar && question.indexOf("{n}") >= 0) {
      var picked = rows(bar.getAttribute("data-selection-bar")).filter(function (box) { return box.checked; });
      question = question.split("{n}").join(String(picked.length));
    }
    dialog.querySelector("[data-confirm-question]").textContent = question;
    var danger = elt.classList.contains("danger") || elt.hasAttribute("data-confirm-danger") ||
      !!(elt.querySelector && elt.querySelector("button.danger"));
    ok.className = danger ? "danger" : "primary";
    ok.textContent = elt.getAttribute("data-confirm-label") || ok.getAttribute("data-default-label");
    dialog.returnValue = "";
    dialog.addEventListener("close", function done() {
      dialog.removeEventListener("close", done);
      if (dialog.returnValue === "ok") { ev.detail.issueRequest(true); }
    });
    dialog.showModal();
    ok.focus();
  });

  // Row selection: checkboxes data-select-row="SCOPE", data-select-all="SCOPE", and the bar
  // data-selection-bar="SCOPE" that shows "N selected" with its actions while any row is checked.
  function rows(scope) {
    return Array.prototype.slice.call(document.querySelectorAll('input[data-select-row="' + scope + '"]'));
  }
  function pluralForm(n) {
    try { return new Intl.PluralRules(document.documentElement.lang || "en").select(n); } catch (e) { return n === 1 ? "one" : "other"; }
  }
  function updateSelection(scope) {
    var all = rows(scope);
    var checked = all.filter(function (r) { return r.checked; });
    all.forEach(function (r) {
      var tr = r.closest("tr");
      if (tr) { tr.setAttribute("aria-selected", r.checked ? "true" : "false"); }
    });
    document.querySelectorAll('input[data-select-all="' + scope + '"]').forEach(function (box) {
      box.checked = all.length > 0 && checked.length === all.length;
      box.indeterminate = checked.length > 0 && checked.length < all.length;
    });
    document.querySelectorAll('[data-selection-bar="' + scope + '"]').forEach(function (bar) {
      bar.hidden = checked.length === 0;
      var count = bar.querySelector(".selection-count");
      if (count) {
        var tmpl = count.getAttribute(pluralForm(checked.length) === "one" ? "data-one" : "data-other") || "{n}";
        count.textContent = tmpl.replace("{n}", String(checked.length));
      }
    });
  }
  function clearSelection(scope) {
    rows(scope).forEach(function (r) { r.checked = false; });
    updateSelection(scope);
  }
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t || !t.getAttribute) { return; }
    var all = t.getAttribute("data-select-all");
    if (all) {
      rows(all).forEach(function (r) { if (!r.disabled) { r.checked = t.checked; } });
      updateSelection(all);
      return;
    }
    var scope = t.getAttribute("data-select-row");
    if (scope) { updateSelection(scope); }
  });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-selection-clear]");
    if (btn) { clearSelection(btn.getAttribute("data-selection-clear")); }
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var bar = ev.target.closest && ev.target.closest("[data-selection-bar]");
    if (bar && ev.detail.successful && !ev.detail.xhr.getResponseHeader("HX-Retarget")) {
      clearSelection(bar.getAttribute("data-selection-bar"));
    }
  });
  document.addEventListener("selection-clear", function () {
    document.querySelectorAll("[data-selection-bar]").forEach(function (bar) {
      clearSelection(bar.getAttribute("data-selection-bar"));
    });
  });
  function refreshSelections(root) {
    var scopes = {};
    root.querySelectorAll("[data-select-row], [data-select-all], [data-selection-bar]").forEach(function (el) {
      scopes[el.getAttribute("data-select-row") || el.getAttribute("data-select-all") || el.getAttribute("data-selection-bar")] = true;
    });
    Object.keys(scopes).forEach(updateSelection);
  }

  // Row menus (<details class="row-menu">): one open at a time; Escape or a click elsewhere closes.
  function closeMenus(except) {
    document.querySelectorAll("details.row-menu[open]").forEach(function (d) { if (d !== except) { d.open = false; } });
  }
  document.addEventListener("toggle", function (ev) {
    if (ev.target.matches && ev.target.matches("details.row-menu") && ev.target.open) { closeMenus(ev.target); }
  }, true);
  document.addEventListener("click", function (ev) {
    var inside = ev.target.closest && ev.target.closest("details.row-menu");
    closeMenus(inside);
    // a choice in the menu closes it
    if (inside && ev.target.closest(".menu") && ev.target.closest("button, a")) { inside.open = false; }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    var open = document.querySelector("details.row-menu[open]");
    if (open) { open.open = false; var s = open.querySelector("summary"); if (s) { s.focus(); } }
  });

  // Relative times (<time data-relative>) stay true on a page left open.
  function refreshTimes() {
    var fmt;
    try { fmt = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" }); } catch (e) { return; }
    var now = Date.now();
    document.querySelectorAll("time[data-relative][datetime]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (isNaN(t)) { return; }
      var s = (t - now) / 1000, a = Math.abs(s);
      if (a < 45) { return; }  // the server's "just now" stays
      var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
      for (var i = 0; i < units.length; i++) {
        if (a >= units[i][1] * 0.9 || units[i][0] === "minute") {
          el.textContent = fmt.format(Math.round(s / units[i][1]), units[i][0]);
          return;
        }
      }
    });
  }
  setInterval(refreshTimes, 60000);

  // An avatar that fails to load shows its initials instead.
  document.addEventListener("error", function (ev) {
    var img = ev.target;
    if (!img || img.tagName !== "IMG" || !img.classList.contains("avatar")) { return; }
    var span = document.createElement("span");
    span.className = img.className + " avatar-c" + (img.getAttribute("data-colour") || "7");
    span.setAttribute("aria-hidden", "true");
    span.textContent = img.getAttribute("data-initials") || "?";
    img.replaceWith(span);
  }, true);

  // A region that scrolls (a wide table, a long payload) can be reached and scrolled with the
  // keyboard (WCAG 2.1.1): it joins the tab order while it overflows.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-wrap, pre, .scroll").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  }

  function enhance() {
    openNewDialogs(document);
    refreshSelections(document);
    focusableScrollers(document);
  }
  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("htmx:afterSettle", enhance);
  window.addEventListener("resize", function () { focusableScrollers(document); });

  // The server answers htmx errors with a toast it retargets itself; these cover the rest
  // (network down, a proxy's 502 page) so nothing garbled is ever swapped into the page.
  document.addEventListener("htmx:responseError", function (ev) {
    var status = ev.detail.xhr ? ev.detail.xhr.status : 0;
    var tmpl = document.body.getAttribute("data-msg-server") || "HTTP {status}";
    toast(tmpl.replace("{status}", String(status)));
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.getAttribute("data-msg-network") || "Network error");
  });
})();
