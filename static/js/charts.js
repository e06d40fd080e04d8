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

  const css = (name) => getComputedStyle(root).getPropertyValue(name).trim();
  // The same colours as the status badges (static/css/app.css).
  const STATUS_COLOUR = {
    met: "--met",
    on_track: "--on-track",
    at_risk: "--at-risk",
    behind: "--behind",
    not_reported: "--none",
  };

  function statusByPillar(canvas, data) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((d) => ({
          label: d.label,
          data: d.data,
          backgroundColor: css(STATUS_COLOUR[d.status]),
        })),
      },
      options: {
        indexAxis: "y", // long Chinese pillar names read best on the left
        maintainAspectRatio: false,
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: data.axis },
          },
          y: { stacked: true },
        },
        plugins: { legend: { position: "bottom" } },
      },
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
          font: { size: compact ? 10 : 12 },
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
            // The unit on the ticks ("10家"): a rotated axis title would turn CJK sideways.
            ticks: { callback: (value) => (compact ? value : `${value}${data.unit}`) },
          },
        },
        plugins: {
          legend: { display: !compact, position: "bottom" },
          annotation: { annotations },
        },
      },
    });
  }

  const DRAW = { "status-by-pillar": statusByPillar, progress };

  function drawAll() {
    const canvases = document.querySelectorAll("canvas[data-chart]");
    if (!window.Chart) {
      // Neither copy arrived: the tables next to the charts still hold every number.
      canvases.forEach((canvas) => canvas.closest(".chart").classList.add("chart-unavailable"));
      return;
    }
    const Chart = window.Chart;
    Chart.defaults.font.family = FONT;
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
