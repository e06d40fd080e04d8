/* kpitracker: when Chart.js comes from a CDN (CHARTJS_SOURCE=cdn), this file runs
   right after the CDN's <script> tags and loads the vendored copies of whatever did
   not arrive: a CDN unreachable from the reader's network, blocked, or refused by
   Subresource Integrity. Charts must never go missing because of a CDN.
   While it loads, <html data-chartjs-loading> is set and charts.js waits for the
   "kpi:chartjs-ready" event. An external file, not an inline script, so the strict
   Content-Security-Policy holds. */
(() => {
  "use strict";
  const script = document.currentScript;
  const root = document.documentElement;
  // data-annotation is empty on pages that draw no target line (no plugin needed).
  const annotation = script.dataset.annotation;
  const missing = [];
  if (!window.Chart) {
    missing.push(script.dataset.chart);
  }
  if (annotation && !(window.Chart && window.Chart.registry.plugins.get("annotation"))) {
    missing.push(annotation);
  }
  if (missing.length === 0) {
    return;
  }
  root.dataset.chartjsLoading = "true";

  const ready = () => {
    delete root.dataset.chartjsLoading;
    document.dispatchEvent(new Event("kpi:chartjs-ready"));
  };
  // One after the other: the plugin registers itself with the Chart global.
  const load = (i) => {
    if (i === missing.length) {
      ready();
      return;
    }
    const tag = document.createElement("script");
    tag.src = missing[i];
    tag.addEventListener("load", () => load(i + 1));
    tag.addEventListener("error", ready); // charts.js then leaves the tables alone
    document.head.append(tag);
  };
  load(0);
})();
