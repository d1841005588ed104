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
