// TIM Console: acting on rows (templates/_macros/rows.html). A selection toolbar's button
// (data-rows-dialog="URL") asks the server for the dialog of the ticked rows of its scope and puts
// it in the page's dialog slot; the dialog names the count and the targets, its form does the work.
// The request is not sent from the toolbar itself, so the selection stays until the action is done
// (the answer fires selection-clear, app.js).
(function () {
  "use strict";

  function ticked(scope) {
    var boxes = document.querySelectorAll('input[data-select-row="' + scope + '"]');
    return Array.prototype.filter.call(boxes, function (b) { return b.checked; })
      .map(function (b) { return b.value; });
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-rows-dialog]");
    if (!btn || !window.htmx) { return; }
    var values = ticked(btn.getAttribute("data-rows-scope"));
    if (!values.length) { return; }
    var params = new URLSearchParams();
    var name = btn.getAttribute("data-rows-name") || "accounts";
    values.forEach(function (v) { params.append(name, v); });
    var url = btn.getAttribute("data-rows-dialog");
    url += (url.indexOf("?") === -1 ? "?" : "&") + params.toString();
    window.htmx.ajax("GET", url, { target: "#" + (btn.getAttribute("data-rows-slot") || "row-dialog"), swap: "innerHTML" });
  });
})();
