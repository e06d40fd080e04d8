// The bell's count of unread notices, asked once the page has loaded: a page's own
// queries (and the dashboards' kept bodies) stay as they are.
document.addEventListener("DOMContentLoaded", () => {
  const bell = document.querySelector(".notice-bell[data-unread-url]");
  if (!bell) return;
  fetch(bell.dataset.unreadUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data || !data.unread) return;
      const badge = bell.querySelector(".notice-count");
      badge.textContent = String(data.unread);
      badge.hidden = false;
    })
    .catch(() => {});
});
