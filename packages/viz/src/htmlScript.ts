import { NEGATIVE_RGB, POSITIVE_RGB, ZERO_RGB } from "./divergingColor.js";

/**
 * The inline script of {@link renderHtml} pages: reads the page's JSON data, and on a click (or Enter / Space) on
 * a generated token shades every input token by its attribution to it; shows a hovered cell's token and value.
 * Uses the colour scale of {@link divergingColor}; writes only `textContent`, never HTML.
 */
export function htmlScript(decimals: number): string {
  return `(function () {
  "use strict";
  var POS = ${JSON.stringify(POSITIVE_RGB)}, NEG = ${JSON.stringify(NEGATIVE_RGB)}, ZERO = ${JSON.stringify(ZERO_RGB)};
  var HINT = "Click a generated token (or a column header) to shade the input tokens by their attribution to it.";
  var source = document.getElementById("iq-data");
  if (!source) return;
  var data = JSON.parse(source.textContent || "[]");
  function shade(v, m) {
    if (v === null) return "";
    var t = m > 0 ? Math.min(1, Math.abs(v) / m) : 0, end = v >= 0 ? POS : NEG, c = [];
    for (var i = 0; i < 3; i++) c.push(Math.round(ZERO[i] + (end[i] - ZERO[i]) * t));
    return "rgb(" + c.join(",") + ")";
  }
  Array.prototype.forEach.call(document.querySelectorAll("section.iq-seq"), function (section) {
    var d = data[Number(section.getAttribute("data-seq"))];
    var status = section.querySelector(".iq-status");
    var selected = null;
    function all(selector, fn) { Array.prototype.forEach.call(section.querySelectorAll(selector), fn); }
    function select(k) {
      selected = selected === k ? null : k;
      all("[data-step]", function (node) { node.classList.toggle("iq-selected", Number(node.getAttribute("data-step")) === selected); });
      all("td[data-c]", function (td) { td.classList.toggle("iq-colsel", Number(td.getAttribute("data-c")) === selected); });
      all(".iq-tok[data-kind]", function (span) {
        var m = d[span.getAttribute("data-kind")];
        var v = selected === null || !m ? null : m[Number(span.getAttribute("data-i"))][selected];
        span.style.backgroundColor = shade(v, d.maxAbs);
        span.title = v === null ? "" : v.toFixed(${decimals});
      });
      showMessage();
    }
    function showMessage() {
      if (status) status.textContent = selected === null ? HINT : "Shading: attribution of each input token to the generated token \\u201c" + d.columns[selected] + "\\u201d (step " + (selected + 1) + ").";
    }
    function stepOf(target) {
      var node = target && target.closest ? target.closest("[data-step]") : null;
      return node && section.contains(node) ? Number(node.getAttribute("data-step")) : null;
    }
    section.addEventListener("click", function (e) { var k = stepOf(e.target); if (k !== null) select(k); });
    section.addEventListener("keydown", function (e) {
      var k = stepOf(e.target);
      if (k !== null && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); select(k); }
    });
    section.addEventListener("mouseover", function (e) {
      var td = e.target && e.target.closest ? e.target.closest("td[title]") : null;
      if (td && status) status.textContent = td.getAttribute("title");
    });
    section.addEventListener("mouseleave", showMessage);
    showMessage();
  });
})();`;
}
