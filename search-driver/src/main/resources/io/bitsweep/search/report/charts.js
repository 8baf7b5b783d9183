"use strict";
/* Shared by report.html and compare.html: the page data, DOM and number helpers, and the front charts. */
var BitSweep = (function () {
  var KIB_BITS = 8 * 1024;
  /* The cost axes a front is drawn against: the run-store column, its label and the factor to the shown unit. */
  var AXES = {
    weight_bits: { label: "weight memory (KiB)", short: "memory", scale: 1 / KIB_BITS, digits: 2 },
    cycles: { label: "cycles per inference (M)", short: "cycles", scale: 1e-6, digits: 4 },
    energy_pj: { label: "energy per inference (\u00b5J)", short: "energy", scale: 1e-6, digits: 3 }
  };

  function data() {
    return JSON.parse(document.getElementById("report-data").textContent);
  }

  /* el("div", {class: "x"}, child, "text", ...) */
  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c !== null && c !== undefined) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    }
    return e;
  }

  function num(v, digits) {
    return v === null || v === undefined || isNaN(v) ? "-" : Number(v).toLocaleString("en-US",
      { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function pct(q) { return num(100 * q, 2) + "%"; }

  /* A table: columns [{name, text?}], rows of cells (strings or numbers); options.onRow(i) makes rows clickable. */
  function table(columns, rows, options) {
    var head = el("tr", {});
    columns.forEach(function (c) { head.appendChild(el("th", { class: c.text ? "text" : "", text: c.name })); });
    var t = el("table", { class: "data" }, el("thead", {}, head));
    var body = el("tbody", {});
    rows.forEach(function (r, i) {
      var tr = el("tr", {});
      r.forEach(function (cell, j) {
        tr.appendChild(el("td", { class: columns[j].text ? "text" : "", text: String(cell) }));
      });
      if (options && options.onRow) {
        tr.className = "clickable";
        tr.addEventListener("click", function () { options.onRow(i, tr); });
      }
      body.appendChild(tr);
    });
    t.appendChild(body);
    return t;
  }

  /* Buttons that choose one of AXES; calls onChange(key) at once and on every click. */
  function axisSwitch(onChange) {
    var box = el("div", { class: "switch", id: "axis-switch" }, "x axis: ");
    var buttons = {};
    function choose(key) {
      Object.keys(buttons).forEach(function (k) { buttons[k].className = k === key ? "on" : ""; });
      onChange(key);
    }
    Object.keys(AXES).forEach(function (key) {
      var b = el("button", { type: "button", "data-axis": key, text: AXES[key].label });
      b.addEventListener("click", function () { choose(key); });
      buttons[key] = b;
      box.appendChild(b);
    });
    box.choose = choose;
    return box;
  }

  /* The points not dominated in (axis minimised, quality maximised), sorted by axis: the step line of a front. */
  function projectedFront(points, axis) {
    var sorted = points.slice().sort(function (a, b) { return a[axis] - b[axis] || b.quality - a.quality; });
    var best = -Infinity;
    return sorted.filter(function (p) {
      if (p.quality > best) { best = p.quality; return true; }
      return false;
    });
  }

  function item(p, axis) {
    return { value: [p[axis] * AXES[axis].scale, 100 * p.quality], point: p };
  }

  /* A scatter series of points plus, if step, the line through those non-dominated in this projection. */
  function frontSeries(id, name, points, axis, style) {
    var series = [{
      id: id, name: name, type: "scatter", data: points.map(function (p) { return item(p, axis); }),
      symbol: style.symbol || "circle", symbolSize: style.size || 9, z: style.z || 3,
      itemStyle: { color: style.color, opacity: style.opacity === undefined ? 0.9 : style.opacity,
        borderColor: style.border || null, borderWidth: style.border ? 1.5 : 0 },
      label: style.label ? { show: true, position: "right", fontSize: 10, formatter: style.label } : { show: false },
      emphasis: { scale: 1.6 }
    }];
    if (style.step) {
      series.push({
        id: id + "-step", name: name, type: "line", step: "end", silent: true, symbol: "none", z: 2,
        data: projectedFront(points, axis).map(function (p) { return item(p, axis).value; }),
        lineStyle: { color: style.color, width: 1.5, opacity: 0.6 }, tooltip: { show: false }
      });
    }
    return series;
  }

  function pointTooltip(metric) {
    return function (params) {
      var p = params.data && params.data.point;
      if (!p) { return ""; }
      return "<b>" + p.id + "</b>" + (p.run ? " (" + p.run + ")" : "") + "<br>" +
        metric + ": " + pct(p.quality) + "<br>" +
        "weight memory: " + num(p.weight_bits / KIB_BITS, 2) + " KiB (" + num(p.memory_bytes, 0) + " bytes)<br>" +
        "cycles: " + num(p.cycles, 0) + "<br>" +
        "energy: " + num(p.energy_pj / 1e6, 3) + " \u00b5J<br>" +
        "<span style='color:#777'>" + (p.origin || "") + (p.feasible === false ? ", infeasible" : "") + "</span>";
    };
  }

  function frontOption(axis, metric, series) {
    return {
      animation: false,
      grid: { left: 60, right: 120, top: 60, bottom: 50 },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "item", formatter: pointTooltip(metric) },
      xAxis: { type: "value", name: AXES[axis].label, nameLocation: "middle", nameGap: 30, scale: true },
      yAxis: { type: "value", name: metric + " (%)", scale: true },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }, { type: "inside", yAxisIndex: 0 }],
      series: series
    };
  }

  /* Hypervolume per generation, one line per run: runs [{name, generations: [{generation, hypervolume}]}]. */
  function hypervolumeOption(runs) {
    return {
      animation: false,
      grid: { left: 60, right: 30, top: 30, bottom: 45 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", name: "generation", nameLocation: "middle", nameGap: 28, minInterval: 1 },
      yAxis: { type: "value", name: "hypervolume", scale: true },
      series: runs.map(function (r) {
        return { name: r.name, type: "line", symbolSize: 7,
          data: r.generations.map(function (g) { return [g.generation, g.hypervolume]; }) };
      })
    };
  }

  function chart(container) {
    return echarts.init(container, null, { renderer: "canvas" });
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll(".chart").forEach(function (c) {
      var inst = echarts.getInstanceByDom(c);
      if (inst) { inst.resize(); }
    });
  });

  return { AXES: AXES, KIB_BITS: KIB_BITS, data: data, el: el, num: num, pct: pct, table: table,
    axisSwitch: axisSwitch, projectedFront: projectedFront, frontSeries: frontSeries, frontOption: frontOption,
    hypervolumeOption: hypervolumeOption, chart: chart };
})();
