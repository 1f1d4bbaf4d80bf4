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
  // <button data-print>: print the page (cases, records, receipts, guides) with print.css.
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
  // <input data-no-id-number>: a search box whose form is a GET. A 公民身份号码 must never be in
  // an address, so the browser does not send one: a value that is a valid ID number (17 digits
  // and the ISO 7064 MOD 11-2 check character) stops the submit with a message.
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  function isIdNumber(raw) {
    var value = raw.replace(/[\s-]/g, "").replace(/[\uff10-\uff19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) { return false; }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += Number(value[i]) * ID_WEIGHTS[i]; }
    return "10X98765432"[sum % 11] === value[17];
  }
  document.addEventListener("submit", function (event) {
    var box = event.target.querySelector && event.target.querySelector("[data-no-id-number]");
    if (!box) { return; }
    box.setCustomValidity(isIdNumber(box.value) ? "为保护个人信息，身份证号码不作为搜索词；请按姓名、统一社会信用代码或编号搜索。" : "");
    if (!box.checkValidity()) {
      event.preventDefault();
      box.reportValidity();
    }
  }, true);
  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-no-id-number")) {
      event.target.setCustomValidity("");
    }
  });
  // The print header (base.html, on paper only) names the page — the document's title without the
  // site's name, which the header shows first — and when and from where it was printed. The
  // address goes without its query (a search term is no one's business on paper), and without its
  // path when a part of it is a 公民身份号码 (a refused address someone typed).
  var printHeader = document.querySelector("[data-print-header]");
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function printedAddress() {
    var typedId = window.location.pathname.split("/").some(function (part) {
      try { return isIdNumber(decodeURIComponent(part)); } catch (e) { return false; }
    });
    return window.location.origin + (typedId ? "/" : window.location.pathname);
  }
  // Nantong's time whatever the printing computer's clock zone, as the server's dates are.
  function shanghaiNow() {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", hourCycle: "h23"
    }).formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    return parts;
  }
  function fillPrintHeader() {
    var now = shanghaiNow();
    var when = now.year + "年" + Number(now.month) + "月" + Number(now.day) + "日 " + pad(Number(now.hour)) + ":" + pad(Number(now.minute));
    printHeader.querySelector(".print-header-meta").setAttribute("data-text", "打印时间：" + when + "　网址：" + printedAddress());
  }
  if (printHeader) {
    var siteName = printHeader.querySelector(".print-header-site").getAttribute("data-text");
    var pageTitle = document.title.split(" — ").filter(function (part) { return part.trim() !== siteName; }).join(" — ");
    printHeader.querySelector(".print-header-title").setAttribute("data-text", pageTitle);
    fillPrintHeader();
  }
  // Closed <details> open for printing (print.css shows their content in browsers that can; this
  // covers the others) and close again afterwards.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    if (printHeader) { fillPrintHeader(); }
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = [];
  });
  // <form data-busy="正在生成报告，请稍候…">: a long request (a report rendered in-process in the
  // embedded mode takes seconds). Once the submit is really going (nothing above stopped it),
  // the buttons are disabled against a second click, the pressed one says what is happening,
  // and a status line tells screen readers. The pressed button's name and value still go.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-busy");
    if (!message || event.defaultPrevented) { return; }
    var pressed = event.submitter;
    if (pressed && pressed.name) {
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = pressed.name;
      carried.value = pressed.value;
      form.appendChild(carried);
    }
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    if (pressed) {
      pressed.textContent = "";
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-2";
      spinner.setAttribute("aria-hidden", "true");
      pressed.appendChild(spinner);
      pressed.appendChild(document.createTextNode(message));
    }
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.className = "visually-hidden";
    status.textContent = message;
    form.appendChild(status);
  });
}());
