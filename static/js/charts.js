/* kpitracker: draws every <canvas data-chart="ID"> with Chart.js.
   The numbers come from the <script type="application/json" id="ID"> that
   `json_script` writes next to the canvas; what they are is decided in
   targets/charts.py, never here. No inline script anywhere, so the strict
   Content-Security-Policy (script-src 'self') holds. */
(() => {
  "use strict";
  const root = document.documentElement;
  // Chinese labels need a CJK font: Windows, macOS, then Linux (fonts-noto-cjk).
  const FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif';
  const FONT_SIZE = 13; // never below 12 px, on a phone too

  const css = (name) => getComputedStyle(root).getPropertyValue(name).trim();
  // The status palette lives in targets/palette.py; app.css carries the same values as
  // --status-<name> (fill) and --status-<name>-text (text on the fill).
  const statusVar = (status) => `--status-${status.replace(/_/g, "-")}`;

  // Status is never colour alone: each status also has its pattern (palette.py), drawn
  // over the fill in the status' text colour, and its word in the legend.
  function pattern(fill, ink, kind) {
    if (kind === "solid") {
      return fill;
    }
    const size = 10;
    const tile = document.createElement("canvas");
    tile.width = tile.height = size;
    const ctx = tile.getContext("2d");
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = ink;
    ctx.fillStyle = ink;
    ctx.globalAlpha = 0.45;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    if (kind === "diagonal" || kind === "cross") {
      ctx.moveTo(0, size);
      ctx.lineTo(size, 0);
      ctx.moveTo(-2, 2);
      ctx.lineTo(2, -2);
      ctx.moveTo(size - 2, size + 2);
      ctx.lineTo(size + 2, size - 2);
    }
    if (kind === "cross") {
      ctx.moveTo(0, 0);
      ctx.lineTo(size, size);
    }
    if (kind === "horizontal") {
      ctx.moveTo(0, size / 2);
      ctx.lineTo(size, size / 2);
    }
    ctx.stroke();
    if (kind === "dots") {
      ctx.beginPath();
      ctx.arc(size / 2, size / 2, 1.8, 0, 2 * Math.PI);
      ctx.fill();
    }
    return ctx.createPattern(tile, "repeat");
  }

  // Writes each segment's count on it (on a small box of its plain colour, so the
  // pattern never crosses the digits): the bar reads without the legend.
  const segmentCounts = {
    id: "kpiSegmentCounts",
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.font = `bold ${FONT_SIZE}px ${FONT}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      chart.data.datasets.forEach((dataset, i) => {
        const meta = chart.getDatasetMeta(i);
        if (meta.hidden) {
          return;
        }
        meta.data.forEach((bar, j) => {
          const value = dataset.data[j];
          const { x: end, base, y, width } = bar.getProps(["x", "base", "y", "width"], true);
          if (!value || Math.abs(width) < 18) {
            return;
          }
          // In the middle of its segment: a bar's own position is its end, and a label
          // there would be cut off by the chart's right edge on the longest bar.
          const x = (end + base) / 2;
          const text = String(value);
          const w = ctx.measureText(text).width + 8;
          ctx.fillStyle = dataset.plainColour;
          ctx.fillRect(x - w / 2, y - 9, w, 18);
          ctx.fillStyle = dataset.inkColour;
          ctx.fillText(text, x, y + 1);
        });
      });
      ctx.restore();
    },
  };

  function statusByPillar(canvas, data) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.label_lines || data.labels,
        datasets: data.datasets.map((d) => {
          const fill = css(statusVar(d.status));
          const ink = css(`${statusVar(d.status)}-text`);
          return {
            label: d.label,
            data: d.data,
            backgroundColor: pattern(fill, ink, d.pattern),
            borderColor: "#3d4650",
            borderWidth: 1,
            plainColour: fill,
            inkColour: ink,
          };
        }),
      },
      options: {
        indexAxis: "y", // long pillar names read best on the left
        maintainAspectRatio: false,
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: data.axis },
          },
          // Every pillar labelled, however little room: no label skipped.
          y: { stacked: true, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: "top", labels: { boxWidth: 28, boxHeight: 14 } },
        },
      },
      plugins: [segmentCounts],
    });
  }

  function progress(canvas, data, compact) {
    const series = data.series;
    const datasets = [
      {
        type: "bar",
        label: series.quarterly.label,
        data: series.quarterly.data,
        backgroundColor: css("--chart-bar"),
        borderColor: "#6b95bd",
        borderWidth: 1,
        pointStyle: "rect",
        order: 3,
      },
    ];
    if (series.to_date) {
      datasets.push({
        type: "line",
        label: series.to_date.label,
        data: series.to_date.data,
        borderColor: css("--chart-line"),
        backgroundColor: css("--chart-line"),
        pointRadius: 4,
        pointStyle: "circle",
        order: 1,
      });
    }
    if (series.expected) {
      datasets.push({
        type: "line",
        label: series.expected.label,
        data: series.expected.data,
        borderColor: css("--chart-pace"),
        backgroundColor: css("--chart-pace"),
        borderDash: [6, 4],
        pointRadius: 0,
        pointStyle: "line",
        order: 2,
      });
    }
    const annotations = {};
    if (data.reference) {
      annotations.reference = {
        type: "line",
        yMin: data.reference.value,
        yMax: data.reference.value,
        borderColor: css("--chart-target"),
        borderWidth: 2,
        label: {
          display: true,
          content: data.reference.label,
          position: "start",
          backgroundColor: css("--chart-target"),
          color: "#ffffff",
          font: { size: 12 },
        },
      };
    }
    return new window.Chart(canvas, {
      data: { labels: data.labels, datasets },
      options: {
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            // Keep the target line (and its label) inside the chart.
            suggestedMax: data.reference ? data.reference.value * 1.15 : undefined,
          },
        },
        plugins: {
          // The pillar page shows one shared legend above its small charts.
          legend: { display: !compact, position: "bottom", labels: { usePointStyle: true } },
          // The unit as a caption: a rotated axis title would turn CJK sideways.
          subtitle: {
            display: Boolean(data.unit_caption),
            text: data.unit_caption,
            align: "start",
            padding: { bottom: 14 },
          },
          annotation: { annotations },
        },
      },
    });
  }

  // The ledger's items by county/district (ledger/charts.py): one bar per place.
  function divisions(canvas, data) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.label_lines || data.labels,
        datasets: [
          {
            label: data.series,
            data: data.values,
            backgroundColor: css("--chart-bar"),
            borderColor: "#6b95bd",
            borderWidth: 1,
            plainColour: css("--chart-bar"),
            inkColour: css("--ink"),
          },
        ],
      },
      options: {
        indexAxis: "y", // place names read best on the left
        maintainAspectRatio: false,
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.axis } },
          y: { ticks: { autoSkip: false } },
        },
        plugins: { legend: { display: false } },
      },
      plugins: [segmentCounts],
    });
  }

  const DRAW = { "status-by-pillar": statusByPillar, progress, divisions };

  function drawAll() {
    const canvases = document.querySelectorAll("canvas[data-chart]");
    if (!window.Chart) {
      // Neither copy arrived: the tables next to the charts still hold every number.
      canvases.forEach((canvas) => canvas.closest(".chart").classList.add("chart-unavailable"));
      return;
    }
    const Chart = window.Chart;
    Chart.defaults.font.family = FONT;
    Chart.defaults.font.size = FONT_SIZE;
    Chart.defaults.color = css("--ink");
    const still =
      root.dataset.chartAnimation === "off" ||
      window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (still) {
      Chart.defaults.animation = false;
    }
    canvases.forEach((canvas) => {
      const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
      DRAW[canvas.dataset.chartKind](canvas, data, canvas.hasAttribute("data-compact"));
      canvas.dataset.drawn = "true";
    });
    // Printing scales the drawings to the paper in CSS (app.css, @media print).
  }

  if (root.dataset.chartjsLoading) {
    document.addEventListener("kpi:chartjs-ready", drawAll, { once: true });
  } else {
    drawAll();
  }
})();
