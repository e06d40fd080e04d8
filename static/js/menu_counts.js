// The menu's counts, asked in one request once the page has loaded, so that a page's
// own queries (and the dashboards' kept bodies) stay as they are (notices/views.py,
// menu_counts):
// - the unread notices, on the bell and on the menu's toggle, which is all a phone
//   shows of the menu while it is folded;
// - the reports waiting at this reader's approval step, beside "Review". The link is
//   in the page for reviewers and administrators; for anyone else it is rendered
//   hidden, and shown here when the answer says they act in a review (`waiting` is a
//   number, not null): a section head or a leader at a step of a chain.
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.querySelector("[data-counts-url]");
  if (!menu) return;
  fetch(menu.dataset.countsUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data) return;
      if (data.unread) {
        document.querySelectorAll(".notice-count").forEach((badge) => {
          badge.textContent = String(data.unread);
          badge.hidden = false;
          const wrap = badge.closest(".notice-count-wrap");
          if (wrap) wrap.hidden = false;
        });
      }
      const link = document.querySelector(".review-link");
      if (!link || data.waiting === null || data.waiting === undefined) return;
      link.closest(".nav-item").hidden = false;
      if (!data.waiting) return;
      const badge = link.querySelector(".review-count");
      badge.querySelector(".review-count-number").textContent = String(data.waiting);
      badge.hidden = false;
    })
    .catch(() => {});
});
