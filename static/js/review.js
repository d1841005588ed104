// The review queue: once a flagged message arrives live, the "nothing to review" state goes.
// No inline script anywhere (strict CSP). The live badge and the stream come from events.js / htmx.
(function () {
  "use strict";
  document.addEventListener("htmx:sseMessage", function (evt) {
    if (evt.target.id !== "review-live") { return; }
    var empty = document.querySelector("#review-list > .empty-state");
    if (empty) { empty.hidden = true; }
  });
})();
