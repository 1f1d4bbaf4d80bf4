// Follows a bulk import while it is processed: polls the progress endpoint every 1.5 s and
// reloads the page (which then shows the result) once the batch has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var part = function (name) { return box.querySelector("[data-progress-" + name + "]"); };
  function show(progress) {
    part("status").textContent = progress.status_label;
    part("processed").textContent = progress.processed;
    part("total").textContent = progress.total || "—";
    part("bar").style.width = progress.percent + "%";
    box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", progress.percent);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (!progress) { return setTimeout(poll, 5000); }
        show(progress);
        if (progress.finished) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
}());
