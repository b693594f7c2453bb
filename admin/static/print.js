// A button that prints the page (the report), wired here because the Content-Security-Policy
// allows no inline handler (onclick="…").
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
