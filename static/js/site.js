// Behaviour shared by every page. Pages carry no inline script or on* attributes (the
// Content-Security-Policy refuses them); they mark elements with data- attributes instead.
(function () {
  "use strict";
  // <form data-confirm="确定……？">: ask before submitting; nothing is sent if the user cancels.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // <button data-print>: print the page (receipts), with the page's print stylesheet.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
    // <button data-back>: return to the page the user came from (error pages).
    if (event.target.closest && event.target.closest("[data-back]")) {
      window.history.back();
    }
  });
}());
