// Charts drawn with Apache ECharts (static/vendor/echarts/) from data the page hands over as
// JSON, never from inline script (the Content-Security-Policy refuses it):
//
//   {{ config|json_script:"chart-1" }}
//   <div class="nt-chart" data-chart-config="chart-1" role="img" aria-label="…"></div>
//
// `config` is {"option": <an ECharts option, plain JSON>, "height": <px, optional>,
// "renderer": "canvas" | "svg" (optional)}. Any page may use it: it knows nothing of
// statistics. Each chart should sit beside a table of the same figures for screen readers.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var charts = [];
  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart-config"));
    if (!source) {
      return;
    }
    var config = JSON.parse(source.textContent);
    if (config.height) {
      element.style.height = config.height + "px";
    }
    var chart = window.echarts.init(element, null, { renderer: config.renderer || "canvas" });
    chart.setOption(config.option);
    element.setAttribute("data-chart-drawn", "true");
    charts.push(chart);
  }
  function drawAll() {
    var elements = document.querySelectorAll("[data-chart-config]");
    for (var i = 0; i < elements.length; i += 1) {
      draw(elements[i]);
    }
  }
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) { chart.resize(); });
    }, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
