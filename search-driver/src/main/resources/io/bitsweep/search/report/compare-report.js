"use strict";
/* compare.html: several runs' fronts on the same axes, the iso-accuracy table and hypervolume per generation. */
(function () {
  var B = BitSweep, el = B.el, num = B.num;
  var D = B.data();
  var metric = D.quality_metric;
  var app = document.getElementById("app");
  var colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

  app.appendChild(el("h1", { text: "BitSweep comparison" }));
  var meta = el("table", { class: "meta" });
  D.runs.forEach(function (r, i) {
    meta.appendChild(el("tr", {}, el("td", { text: r.name + (i === 0 ? " (reference)" : "") }),
      el("td", { text: r.location + ", target " + r.target + ", " + r.front.length + " front points" })));
  });
  meta.appendChild(el("tr", {}, el("td", { text: "model / data sha256" }),
    el("td", { text: D.model_sha256 + " / " + D.data_sha256 })));
  app.appendChild(meta);

  app.appendChild(el("h2", { text: "Fronts" }));
  var box = el("div", { class: "chart", id: "front-chart" });
  var chart;
  var sw = B.axisSwitch(function (axis) {
    var series = [];
    D.runs.forEach(function (r, i) {
      series = series.concat(B.frontSeries("run-" + i, r.name + " (" + r.front.length + ")", r.front, axis,
        { color: colors[i % colors.length], step: true }));
    });
    chart.setOption(B.frontOption(axis, metric, series), { notMerge: true });
    box.setAttribute("data-axis", axis);
  });
  app.appendChild(sw);
  app.appendChild(box);
  chart = B.chart(box);

  app.appendChild(el("h2", { text: "Iso-" + metric }));
  app.appendChild(el("p", { class: "note", text: "For each level: the least weight memory, cycles and energy among a " +
    "run's front points with " + metric + " \u2265 level (each on its own), and the saving against " + D.runs[0].name +
    " (positive: less)." }));
  /* As the text table says it: "up to X% less", or "at best X% more" when the run never saves. */
  function headline(s, less, more) {
    if (s === null || s === undefined) { return "- " + less; }
    return s >= 0 ? "up to " + num(s, 1) + "% " + less : "at best " + num(-s, 1) + "% " + more;
  }
  D.headlines.forEach(function (h) {
    app.appendChild(el("p", { class: "headline", text: h.run + " against " + h.against + " at iso-" + metric + " (" +
      h.levels + " levels both reach): " + (h.levels === 0 ? "no common level" : [
      headline(h.max_weight_bits_saving_pct, "less weight memory", "more weight memory"),
      headline(h.max_cycles_saving_pct, "fewer cycles", "more cycles"),
      headline(h.max_energy_pj_saving_pct, "less energy", "more energy")].join(", ")) }));
  });
  /* As the text says it: how many of the first run's front points a run matches in every objective. */
  D.coverage.forEach(function (c) {
    app.appendChild(el("p", { class: "coverage", text: c.covered === null
      ? c.run + " matches - of " + c.against + "'s front points: the runs have different objectives"
      : c.run + " matches " + c.covered + " of " + c.points + " front points of " + c.against +
        " (a point at least as good in " + c.objectives.join(", ") + ")" + (c.covered === c.points ? ": every one" : "") }));
  });
  var rows = [];
  D.iso_accuracy.forEach(function (l) {
    l.runs.forEach(function (c, i) {
      rows.push([i === 0 ? B.pct(l.level) : "", c.run,
        c.weight_bits === null ? "-" : num(c.weight_bits / B.KIB_BITS, 2), saving(c.weight_bits_saving_pct),
        c.cycles === null ? "-" : num(c.cycles / 1e6, 4), saving(c.cycles_saving_pct),
        c.energy_pj === null ? "-" : num(c.energy_pj / 1e6, 3), saving(c.energy_pj_saving_pct)]);
    });
  });
  var t = B.table([{ name: metric }, { name: "run", text: true }, { name: "weight KiB" }, { name: "saving" },
    { name: "cycles (M)" }, { name: "saving" }, { name: "energy (\u00b5J)" }, { name: "saving" }], rows);
  t.id = "iso-table";
  app.appendChild(t);

  app.appendChild(el("h2", { text: "Hypervolume per generation" }));
  app.appendChild(el("p", { class: "note", text: "Each run's own normalisation (its uniform int8 model's costs)." }));
  var hv = el("div", { class: "chart small", id: "hypervolume-chart" });
  app.appendChild(hv);
  B.chart(hv).setOption(B.hypervolumeOption(D.runs));

  function saving(s) { return s === null || s === undefined ? "-" : num(s, 1) + "%"; }

  window.bitsweepReport = { front: chart, axis: sw };
  sw.choose("weight_bits");
  document.body.setAttribute("data-ready", "true");
})();
