// 适老化 display preferences: larger text and high contrast, chosen with the buttons in the
// header and kept in localStorage so that every later page opens the same way. Loaded in <head>
// (not deferred) so the classes are on <html> before the first paint: no flash of small text.
(function () {
  "use strict";
  var PREFS = ["large-text", "high-contrast"];
  var root = document.documentElement;
  function stored(name) {
    try { return window.localStorage.getItem("nt-display-" + name) === "on"; } catch (e) { return false; }
  }
  function store(name, on) {
    try { window.localStorage.setItem("nt-display-" + name, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }
  PREFS.forEach(function (name) { root.classList.toggle(name, stored(name)); });
  function syncButtons() {
    document.querySelectorAll("[data-display-pref]").forEach(function (button) {
      var name = button.getAttribute("data-display-pref");
      button.setAttribute("aria-pressed", root.classList.contains(name) ? "true" : "false");
    });
  }
  document.addEventListener("DOMContentLoaded", syncButtons);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-display-pref]");
    if (!button) { return; }
    var name = button.getAttribute("data-display-pref");
    var on = !root.classList.contains(name);
    root.classList.toggle(name, on);
    store(name, on);
    syncButtons();
  });
}());
