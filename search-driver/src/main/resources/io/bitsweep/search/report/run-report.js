"use strict";
/* report.html: one run's fronts (memory, cycles, energy), a point's formats and per-layer costs, hypervolume. */
(function () {
  var B = BitSweep, el = B.el, num = B.num;
  var D = B.data();
  var metric = D.quality_metric;
  var app = document.getElementById("app");
  var points = D.points;
  var front = points.filter(function (p) { return p.front; });
  var feasible = points.filter(function (p) { return !p.front && p.feasible; });
  var infeasible = points.filter(function (p) { return !p.front && !p.feasible; });
  var baselines = points.filter(function (p) { return p.baseline; });
  var selected = null;

  app.appendChild(el("h1", { text: "BitSweep search report" }));
  var r = D.run;
  var meta = [["run", r.location], ["model", r.model + " (sha256 " + r.model_sha256.substring(0, 12) + "\u2026)"],
    ["data", r.data + " (sha256 " + r.data_sha256.substring(0, 12) + "\u2026)"], ["target", r.target],
    ["objectives", (r.objectives || []).join(", ")],
    ["search", r.population + " candidates \u00d7 " + r.generations + " generations, seed " + r.seed + ", evaluator " +
      r.evaluator], ["run id", r.run_id + ", created " + r.created + ", bitsweep " + r.bitsweep]];
  var metaTable = el("table", { class: "meta" });
  meta.forEach(function (m) { metaTable.appendChild(el("tr", {}, el("td", { text: m[0] }), el("td", { text: m[1] }))); });
  app.appendChild(metaTable);

  // --- the fronts ---------------------------------------------------------------------------------------------------
  app.appendChild(el("h2", { text: "Pareto front (" + front.length + " points of " + points.length + " evaluated)" }));
  app.appendChild(el("p", { class: "note", text: "Hover a point for its numbers; click a front point (or a row of the " +
    "table below) for its per-channel formats, per-layer costs and the commands that reproduce and deploy it. " +
    "Faint: evaluated points the front dominates (red triangles: infeasible). Squares: uniform baselines of " +
    "generation 0. Scroll to zoom." }));
  var frontBox = el("div", { class: "chart", id: "front-chart" });
  var frontChart;
  var axisSwitch = B.axisSwitch(function (axis) {
    var series = [].concat(
      B.frontSeries("dominated", "evaluated, dominated (" + feasible.length + ")", feasible, axis,
        { color: "#7f7f7f", opacity: 0.3, size: 6, z: 1 }),
      B.frontSeries("infeasible", "infeasible (" + infeasible.length + ")", infeasible, axis,
        { color: "#d62728", opacity: 0.3, size: 7, symbol: "triangle", z: 1 }),
      B.frontSeries("front", "front (" + front.length + ")", front, axis, { color: "#1f77b4", step: true, z: 3 }),
      B.frontSeries("baselines", "uniform baselines (" + baselines.length + ")", baselines, axis,
        { color: "rgba(0,0,0,0)", border: "#000", symbol: "rect", size: 13, z: 4,
          label: function (p) { return p.data.point.baseline; } }));
    frontChart.setOption(B.frontOption(axis, metric, series), { notMerge: true });
    frontBox.setAttribute("data-axis", axis);
  });
  app.appendChild(axisSwitch);
  app.appendChild(frontBox);
  frontChart = B.chart(frontBox);
  frontChart.on("click", function (params) {
    if (params.data && params.data.point) { select(params.data.point.id); }
  });

  var detail = el("div", { id: "detail", class: "empty", text: "Click a point to see its formats and costs." });
  app.appendChild(detail);

  // --- the front table ---------------------------------------------------------------------------------------------
  app.appendChild(el("h2", { text: "Front points" }));
  var rows = front.map(function (p) {
    return [p.id, B.pct(p.quality), num(p.weight_bits / B.KIB_BITS, 2), num(p.memory_bytes, 0), num(p.cycles, 0),
      num(p.energy_pj / 1e6, 3), p.origin];
  });
  var frontTable = B.table([{ name: "id", text: true }, { name: metric }, { name: "weight memory (KiB)" },
    { name: "memory (bytes)" }, { name: "cycles" }, { name: "energy (\u00b5J)" }, { name: "origin", text: true }],
  rows, { onRow: function (i) { select(front[i].id); } });
  frontTable.id = "front-table";
  app.appendChild(frontTable);

  // --- hypervolume -------------------------------------------------------------------------------------------------
  app.appendChild(el("h2", { text: "Hypervolume per generation" }));
  app.appendChild(el("p", { class: "note", text: "Of the archive after each generation, on the objectives " +
    (r.objectives || []).join(", ") + " normalised by the uniform int8 model (generations/gen=N/summary.json)." }));
  var hvBox = el("div", { class: "chart small", id: "hypervolume-chart" });
  app.appendChild(hvBox);
  B.chart(hvBox).setOption(B.hypervolumeOption([{ name: "hypervolume", generations: D.generations }]));
  app.appendChild(B.table([{ name: "generation" }, { name: "evaluated" }, { name: "reused" }, { name: "front" },
    { name: "hypervolume" }], D.generations.map(function (g) {
    return [g.generation, g.evaluated, g.reused, g.front_size, num(g.hypervolume, 4)];
  })));

  optionalPanels();

  // --- one point ---------------------------------------------------------------------------------------------------
  function select(id) {
    var p = points.filter(function (q) { return q.id === id; })[0];
    if (!p) { return; }
    selected = id;
    Array.prototype.forEach.call(frontTable.tBodies[0].rows, function (tr, i) {
      tr.className = "clickable" + (front[i].id === id ? " selected" : "");
    });
    detail.querySelectorAll(".chart").forEach(function (c) {
      var inst = echarts.getInstanceByDom(c);
      if (inst) { inst.dispose(); }
    });
    detail.innerHTML = "";
    detail.className = "";
    detail.setAttribute("data-point-id", id);
    detail.appendChild(el("h3", { text: "Point " + id + (p.run ? "" : "") }));
    detail.appendChild(el("p", {}, metric + " " + B.pct(p.quality) + ", weight memory " +
      num(p.weight_bits / B.KIB_BITS, 2) + " KiB (" + num(p.memory_bytes, 0) + " bytes), " + num(p.cycles, 0) +
      " cycles, " + num(p.energy_pj / 1e6, 3) + " \u00b5J per inference; made in generation " + p.generation +
      " (" + p.origin + ")" + (p.feasible ? "" : ", infeasible")));
    var d = D.details[id];
    if (!d) {
      detail.appendChild(el("p", { class: "note", text: "Not on the final front, so the run keeps no best/" + id +
        ".json for it: its assignment is in generations/gen=" + String(p.generation).padStart(5, "0") +
        "/evaluations.parquet (column assignment)." }));
      return;
    }
    detail.appendChild(el("p", {}, "Assignment: ", el("a", { href: d.assignment, text: d.assignment }),
      " (loadable by bitsweep eval --assignment, hwsim --assignment)"));
    detail.appendChild(el("h3", { text: "Weight bits per output channel" }));
    var heat = el("div", { class: "chart", id: "heatmap-chart" });
    heat.style.height = Math.max(220, 60 + 22 * d.layers.length) + "px";
    detail.appendChild(heat);
    heatmap(heat, d);
    costs(d);
    detail.appendChild(el("h3", { text: "Reproduce and deploy" }));
    detail.appendChild(el("p", { class: "note", text: "Accuracy on the search's evaluation split " +
      "(prints the accuracy above):" }));
    detail.appendChild(el("pre", { class: "cmd", id: "cmd-eval", text: d.commands.eval }));
    detail.appendChild(el("p", { class: "note", text: "Per-layer cycles and energy on the target (static cost; " +
      "a data-dependent target also takes --data):" }));
    detail.appendChild(el("pre", { class: "cmd", id: "cmd-hwsim", text: d.commands.hwsim }));
    detail.appendChild(el("p", { class: "note", text: "Deploy (C99 sources for an MCU):" }));
    detail.appendChild(el("pre", { class: "cmd", id: "cmd-export", text: d.commands.export }));
    window.bitsweepReport.selected = id;
  }

  /* Layers (rows, model order) x output channels: the weight bits of each channel, its format in the tooltip. */
  function heatmap(container, d) {
    var width = 0, cells = [];
    d.layers.forEach(function (l, li) {
      width = Math.max(width, l.weights.length);
      l.weights.forEach(function (f, c) { cells.push([c, li, d.formats[f].bits, f]); });
    });
    var levels = d.formats.map(function (f) { return f.bits; })
      .filter(function (v, i, a) { return a.indexOf(v) === i; }).sort(function (a, b) { return a - b; });
    var palette = ["#d9d9d9", "#440154", "#3b528b", "#21918c", "#5ec962", "#fde725", "#f28e2b", "#e15759"];
    var chart = B.chart(container);
    chart.setOption({
      animation: false,
      grid: { left: 190, right: 110, top: 10, bottom: 40 },
      tooltip: { formatter: function (params) {
        var v = params.value, l = d.layers[v[1]];
        return l.name + ", channel " + v[0] + ": " + d.formats[v[3]].spec + " (" + num(v[2], 2) + " bits)<br>" +
          "activations: " + l.activations;
      } },
      xAxis: { type: "category", name: "output channel", nameLocation: "middle", nameGap: 25,
        data: Array.from({ length: width }, function (_, i) { return i; }) },
      yAxis: { type: "category", inverse: true, data: d.layers.map(function (l) {
        return l.name + "  (a=" + l.activations + ")";
      }) },
      visualMap: { type: "piecewise", dimension: 2, orient: "vertical", right: 0, top: 10,
        pieces: levels.map(function (v, i) {
          return { value: v, label: num(v, v % 1 === 0 ? 0 : 2) + " bits" + (v === 0 ? " (pruned)" : ""),
            color: v === 0 ? palette[0] : palette[1 + (i % (palette.length - 1))] };
        }) },
      series: [{ id: "bits", type: "heatmap", data: cells, itemStyle: { borderColor: "#fff", borderWidth: 0.5 } }]
    });
    window.bitsweepReport.heatmap = chart;
  }

  /*
   * Per-layer cycles (compute, requantization, stall) and energy (requantization and the rest) from
   * best/<id>.hwsim.csv, if the run has it. Runs written before hw-sim priced requantization have no requant_*
   * columns; their bars are then compute + stall and one energy bar.
   */
  function costs(d) {
    detail.appendChild(el("h3", { text: "Cycles and energy per layer on " + r.target }));
    if (!d.layer_costs) {
      detail.appendChild(el("p", { class: "note", text: "Not available: the search's cost model gave no per-layer " +
        "costs for this point (see docs/RUN-STORE.md, best/<id>.hwsim.csv)." }));
      return;
    }
    var cols = d.layer_costs.columns, all = d.layer_costs.rows;
    var layers = all.filter(function (row) { return row[0] !== "total"; });
    var total = all.filter(function (row) { return row[0] === "total"; })[0];
    var col = function (name) { return cols.indexOf(name); };
    var names = layers.map(function (row) { return row[0] + " (" + row[1] + ")"; });
    var box = el("div", { class: "row" });
    var cyc = el("div", { class: "chart", id: "layer-cycles-chart" });
    var en = el("div", { class: "chart", id: "layer-energy-chart" });
    var h = Math.max(220, 60 + 20 * layers.length) + "px";
    cyc.style.height = h;
    en.style.height = h;
    box.appendChild(cyc);
    box.appendChild(en);
    detail.appendChild(box);
    function bars(container, title, series) {
      B.chart(container).setOption({
        animation: false, title: { text: title, textStyle: { fontSize: 12 } },
        grid: { left: 190, right: 20, top: 40, bottom: 30 }, legend: { top: 18, right: 0 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value" }, yAxis: { type: "category", inverse: true, data: names },
        series: series
      });
    }
    var values = function (name) { return layers.map(function (row) { return row[col(name)]; }); };
    var requant = col("requant_cycles") >= 0;
    var cycleBars = [{ name: "compute", type: "bar", stack: "c", data: values("compute_cycles") }];
    if (requant) {
      cycleBars.push({ name: "requantization", type: "bar", stack: "c", data: values("requant_cycles") });
    }
    cycleBars.push({ name: "stall", type: "bar", stack: "c", data: values("stall_cycles") });
    bars(cyc, "cycles per layer (total " + num(total[col("total_cycles")], 0) + ")", cycleBars);
    var energyBars = requant ? [
      { name: "compute and memory", type: "bar", stack: "e", itemStyle: { color: "#2ca02c" },
        data: layers.map(function (row) { return row[col("energy_pj")] - row[col("requant_energy_pj")]; }) },
      { name: "requantization", type: "bar", stack: "e", itemStyle: { color: "#9467bd" },
        data: values("requant_energy_pj") }
    ] : [{ name: "energy", type: "bar", data: values("energy_pj"), itemStyle: { color: "#2ca02c" } }];
    bars(en, "energy per layer, pJ (total " + num(total[col("energy_pj")] / 1e6, 3) + " \u00b5J)", energyBars);
    detail.appendChild(B.table(cols.map(function (c, i) { return { name: c, text: i < 2 }; }),
      all.map(function (row) {
        return row.map(function (v, i) { return i < 2 ? v : num(v, v % 1 === 0 ? 0 : 3); });
      })));
  }

  /* Panels for run-store tables that only some runs have (docs/RUN-STORE.md): drawn when the data holds them. */
  function optionalPanels() {
    (D.panels || []).forEach(function (panel) {
      app.appendChild(el("h2", { text: panel.title }));
      if (panel.note) { app.appendChild(el("p", { class: "note", text: panel.note })); }
      var t = B.table(panel.columns.map(function (c) { return { name: c, text: panel.text.indexOf(c) >= 0 }; }),
        panel.rows.map(function (row) {
          return row.map(function (v) {
            return v === null ? "-" : typeof v === "number" ? num(v, v % 1 === 0 ? 0 : 4) : v;
          });
        }));
      t.id = panel.id + "-table";
      app.appendChild(t);
    });
  }

  window.bitsweepReport = { front: frontChart, select: select, axis: axisSwitch, selected: selected, heatmap: null };
  axisSwitch.choose("weight_bits");
  document.body.setAttribute("data-ready", "true");
})();
