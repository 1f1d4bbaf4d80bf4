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
  // A table wider than a phone scrolls sideways inside .table-responsive: a keyboard user must be
  // able to reach and scroll it, so an overflowing wrapper becomes a focusable, named region.
  function labelScrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      var overflows = wrapper.scrollWidth > wrapper.clientWidth;
      if (overflows && !wrapper.hasAttribute("tabindex")) {
        var caption = wrapper.querySelector("caption");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", (caption && caption.textContent.trim()) || "表格（可左右滚动）");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelScrollableTables);
  } else {
    labelScrollableTables();
  }
  window.addEventListener("resize", labelScrollableTables);
}());
