/* perfsite: the measures filter — progressive enhancement of plain links.
 *
 * Without JavaScript, /measures/ links to a page per status, priority, directorate and
 * committee. With it, the form above the table narrows the table in place: by the same
 * facets (each row carries data-status, data-priority, data-directorate, data-committee) and
 * by whole words, so "red" finds red measures and not "answered". ?status=red&committee=...
 * in the address preselects the choices.
 */
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}£%]+/u).filter(Boolean);
  }

  function setUp(form) {
    if (form.hasAttribute("data-filter-ready")) return;
    var table = document.getElementById(form.getAttribute("data-measure-filter"));
    if (!table || !table.tBodies.length) return;
    form.setAttribute("data-filter-ready", "");
    form.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var index = rows.map(function (row) {
      var seen = new Set();
      // cell by cell: a row's textContent runs its cells together ("Place58.9")
      Array.prototype.forEach.call(row.cells, function (cell) {
        words(cell.textContent).forEach(function (w) { seen.add(w); });
      });
      return seen;
    });
    var input = form.querySelector("input[type=search]");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
    var count = form.querySelector(".ps-filter-count");
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = params.get(select.getAttribute("data-facet"));
      if (wanted && select.querySelector('option[value="' + CSS.escape(wanted) + '"]')) select.value = wanted;
    });

    function apply() {
      var query = input ? words(input.value) : [];
      var chosen = selects.filter(function (s) { return s.value; });
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = query.every(function (w) { return index[i].has(w); }) &&
          chosen.every(function (s) { return row.getAttribute("data-" + s.getAttribute("data-facet")) === s.value; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) {
        count.textContent = query.length || chosen.length ? shown + " of " + rows.length + " measures shown" : "";
      }
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  function enhance() {
    document.querySelectorAll("form[data-measure-filter]").forEach(setUp);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
