// Messages, push and operations pages: number new element editors, remove editors, copy buttons.
(function () {
  "use strict";

  function nextIndex() {
    var max = -1;
    document.querySelectorAll(".element-editor").forEach(function (el) {
      var n = parseInt((el.id || "").replace("el-", ""), 10);
      if (!isNaN(n) && n > max) { max = n; }
    });
    return max + 1;
  }

  // "Add element": tell the server which index the new editor gets.
  document.addEventListener("htmx:configRequest", function (ev) {
    if (ev.detail.elt && ev.detail.elt.hasAttribute && ev.detail.elt.hasAttribute("data-element-add")) {
      ev.detail.parameters.i = String(nextIndex());
    }
  });

  function changed() {
    document.body.dispatchEvent(new CustomEvent("elements-changed", { bubbles: true }));
  }

  document.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail.target && (ev.detail.target.id === "elements" || ev.detail.target.classList.contains("element-editor"))) {
      changed();
    }
  });

  document.addEventListener("click", function (ev) {
    var remove = ev.target.closest && ev.target.closest(".el-remove");
    if (remove) {
      var editor = remove.closest(".element-editor");
      if (editor) { editor.remove(); changed(); }
      return;
    }
    var copy = ev.target.closest && ev.target.closest("[data-copy-target]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy-target"));
      if (!source) { return; }
      var text = source.value !== undefined ? source.value : source.textContent;
      var done = function () { copy.textContent = copy.getAttribute("data-copied") || "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { source.select(); document.execCommand("copy"); done(); });
      } else {
        source.select();
        document.execCommand("copy");
        done();
      }
    }
  });
})();
