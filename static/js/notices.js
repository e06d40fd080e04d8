// The count of unread notices, asked once the page has loaded: a page's own queries
// (and the dashboards' kept bodies) stay as they are. Shown on the bell and on the
// menu's toggle, which is all a phone shows of the menu while it is folded.
document.addEventListener("DOMContentLoaded", () => {
  const bell = document.querySelector(".notice-bell[data-unread-url]");
  if (!bell) return;
  fetch(bell.dataset.unreadUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data || !data.unread) return;
      document.querySelectorAll(".notice-count").forEach((badge) => {
        badge.textContent = String(data.unread);
        badge.hidden = false;
        const wrap = badge.closest(".notice-count-wrap");
        if (wrap) wrap.hidden = false;
      });
    })
    .catch(() => {});
});
