/* perfsite: charts, sortable tables and table filters — progressive enhancement only.
 *
 * Every page works without this script: tables and summary sentences carry all the
 * information, and every chart is already drawn as a static SVG. The figures' JSON sits in
 * data-figure attributes; the one shared plotly.js bundle is loaded (once, without blocking
 * the page) only when a reader reaches for a chart. Material's instant navigation swaps page
 * content without reloading, so listeners live on the document and the table work is
 * hooked to its document$ observable.
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

  // Charts arrive as static SVG (drawn at build time). The interactive plotly chart replaces
  // the picture only when a reader reaches for it — pointer, touch or keyboard focus — so a
  // first visit never downloads plotly.js.
  function layoutFor(node, figure) {
    var canvas = node.querySelector(".ps-chart__canvas");
    // plotly draws the size the stylesheet shows as SVG, so both agree at every width
    var drawing = Array.prototype.filter.call(canvas.querySelectorAll(".ps-chart__svg"), function (svg) {
      return svg.getBoundingClientRect().width > 0;
    })[0];
    var size = drawing ? drawing.getAttribute("data-size") : "wide";
    var chosen = size === "wide" ? figure.layout : (figure.layouts || {})[size] || figure.layout;
    var layout = JSON.parse(JSON.stringify(chosen));
    var width = drawing ? Math.round(drawing.getBoundingClientRect().width) : canvas.clientWidth;
    var design = drawing ? drawing.viewBox.baseVal : null;
    // the same box and type size as the static picture, so nothing moves when plotly takes over
    var scale = design && design.width ? width / design.width : 1;
    layout.width = width;
    layout.height = Math.round((design && design.height ? design.height : layout.height / scale) * scale);
    layout.autosize = false;
    if (layout.margin) ["l", "r", "t", "b"].forEach(function (k) { layout.margin[k] = Math.round(layout.margin[k] * scale); });
    [layout, layout.xaxis && { font: layout.xaxis.tickfont }, layout.yaxis && { font: layout.yaxis.tickfont }].forEach(function (holder) {
      if (holder && holder.font && holder.font.size) holder.font.size = Math.round(holder.font.size * scale * 10) / 10;
    });
    return { layout: layout, size: size + width };
  }

  function goLive(node) {
    if (node.hasAttribute("data-live")) return;
    node.setAttribute("data-live", "loading");
    loadPlotly().then(function (Plotly) {
      if (!node.isConnected) return;
      var figure = JSON.parse(node.getAttribute("data-figure"));
      var canvas = node.querySelector(".ps-chart__canvas");
      var live = document.createElement("div");
      live.className = "ps-chart__live";
      // the static SVG stays in place (invisible) as the chart's accessible picture
      live.setAttribute("aria-hidden", "true");
      canvas.appendChild(live);
      var chosen = layoutFor(node, figure);
      node.__figure = figure;
      node.__size = chosen.size;
      return Plotly.newPlot(live, figure.data, chosen.layout, { displayModeBar: false, responsive: false })
        .then(function () { node.setAttribute("data-live", "drawn"); });
    }).catch(function () { node.removeAttribute("data-live"); /* the static chart stays */ });
  }

  function onReach(event) {
    var target = event.target;
    var node = target && target.closest ? target.closest(".ps-chart[data-figure]") : null;
    if (node) goLive(node);
  }

  var resizing = null;
  function onResize() {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      if (!window.Plotly) return;
      document.querySelectorAll('.ps-chart[data-live="drawn"]').forEach(function (node) {
        var chosen = layoutFor(node, node.__figure);
        if (chosen.size === node.__size) return;
        node.__size = chosen.size;
        window.Plotly.react(node.querySelector(".ps-chart__live"), node.__figure.data, chosen.layout);
      });
    }, 150);
  }

  document.addEventListener("pointerover", onReach, { passive: true });
  document.addEventListener("touchstart", onReach, { passive: true });
  document.addEventListener("focusin", onReach);
  window.addEventListener("resize", onResize);

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

  // Material's search dialog has no accessible name of its own
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search this site");
  }

  // Report pages get a print button (printing needs JavaScript; without it the browser's own
  // Print command gives the same committee pack, as the print styles do not depend on this)
  function addPrintButton() {
    var pager = document.querySelector('.md-content nav.ps-pager[aria-label="Other quarters"]');
    if (!pager || !window.print || document.querySelector(".ps-print")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ps-print ps-print--ready";
    button.textContent = "Print or save as PDF";
    button.addEventListener("click", function () { window.print(); });
    pager.parentNode.insertBefore(button, pager);
  }

  function enhance() {
    nameSearchDialog();
    addPrintButton();
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
    document.querySelectorAll("input[data-filter-table]").forEach(makeFilter);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
