/* perfsite: charts, sortable tables and table filters — progressive enhancement only.
 *
 * Every page works without this script: tables and summary sentences carry all the
 * information. Charts are plotly figures kept as JSON in data-figure attributes; the one
 * shared plotly.js bundle is loaded (once, without blocking the page) only on pages that
 * have a chart. Material's instant navigation swaps page content without reloading, so the
 * work is hooked to its document$ observable.
 */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var assets = here ? here.replace(/[^/]*$/, "") : "/assets/";
  var plotly = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = assets + "plotly.min.js";
        script.async = true;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { plotly = null; reject(new Error("plotly.js did not load")); };
        document.head.appendChild(script);
      });
    }
    return plotly;
  }

  function drawCharts() {
    var nodes = Array.prototype.slice.call(document.querySelectorAll(".ps-chart[data-figure]:not([data-drawn])"));
    if (!nodes.length) return;
    loadPlotly().then(function (Plotly) {
      nodes.forEach(function (node) {
        if (!node.isConnected) return;
        var figure = JSON.parse(node.getAttribute("data-figure"));
        var layout = figure.layout || {};
        layout.font = { family: "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", size: 14, color: "#0b0c0c" };
        layout.autosize = true;
        Plotly.newPlot(node, figure.data, layout, { displayModeBar: false, responsive: true });
        node.setAttribute("data-drawn", "");
      });
    }).catch(function () { /* the table and sentence beside each chart still say everything */ });
  }

  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var numeric = a !== "" && b !== "" && !isNaN(x) && !isNaN(y) && isFinite(a) && isFinite(b);
    if (numeric) return x - y;
    if (a === "" && b !== "") return 1;
    if (b === "" && a !== "") return -1;
    return a.localeCompare(b, "en-GB", { numeric: true, sensitivity: "base" });
  }

  function makeSortable(table) {
    if (table.hasAttribute("data-sortable-ready")) return;
    table.setAttribute("data-sortable-ready", "");
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ps-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilter(input) {
    if (input.hasAttribute("data-filter-ready")) return;
    input.setAttribute("data-filter-ready", "");
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    var box = input.closest(".ps-filter");
    if (!table || !box) return;
    box.hidden = false;
    var count = box.querySelector(".ps-filter-count");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = words.length ? shown + " of " + table.tBodies[0].rows.length + " measures shown" : "";
    });
  }

  function enhance() {
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
    document.querySelectorAll("input[data-filter-table]").forEach(makeFilter);
    drawCharts();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
