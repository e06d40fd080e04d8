// The menu's count of reports waiting for this reviewer at their approval step, asked
// once the page has loaded: a page's own queries (and the dashboards' kept bodies)
// stay as they are (targets/views/queue.py, waiting_json).
document.addEventListener("DOMContentLoaded", () => {
  const link = document.querySelector(".review-link[data-waiting-url]");
  if (!link) return;
  fetch(link.dataset.waitingUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data || !data.waiting) return;
      const badge = link.querySelector(".review-count");
      badge.querySelector(".review-count-number").textContent = String(data.waiting);
      badge.hidden = false;
    })
    .catch(() => {});
});
