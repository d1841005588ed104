// Sudo mode for htmx actions: a guarded endpoint answers `sudo-required` (console.security.sudo_prompt)
// instead of acting. Ask for the password or a code in #sudo-dialog, post it to /sudo, and once it
// is accepted repeat the request exactly as htmx made it.
(function () {
  "use strict";
  var pending = null;

  document.addEventListener("htmx:beforeSwap", function (ev) {
    var xhr = ev.detail.xhr;
    var trigger = xhr && xhr.getResponseHeader("HX-Trigger");
    if (!trigger || trigger.indexOf("sudo-required") < 0) { return; }
    var cfg = ev.detail.requestConfig;
    pending = { verb: cfg.verb, path: cfg.path, elt: cfg.elt, target: ev.detail.target };
    var dialog = document.getElementById("sudo-dialog");
    if (!dialog) { return; }
    var error = dialog.querySelector("[data-sudo-error]");
    error.hidden = true;
    dialog.querySelector("form").reset();
    if (!dialog.open) { dialog.showModal(); }
    var first = dialog.querySelector("input[name=sudo_password]");
    if (first) { first.focus(); }
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest && ev.target.closest("[data-sudo-form]");
    if (!form) { return; }
    ev.preventDefault();
    var dialog = form.closest("dialog");
    var error = form.querySelector("[data-sudo-error]");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "X-Requested-With": "fetch" } })
      .then(function (resp) {
        return resp.text().then(function (text) { return { ok: resp.ok, text: text }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          error.textContent = answer.text;
          error.hidden = false;
          return;
        }
        dialog.close("done");
        var again = pending;
        pending = null;
        if (again && window.htmx) {
          window.htmx.ajax(again.verb.toUpperCase(), again.path, { source: again.elt, target: again.target });
        }
      })
      .catch(function () {
        error.textContent = document.body.getAttribute("data-msg-network");
        error.hidden = false;
      });
  });
})();
