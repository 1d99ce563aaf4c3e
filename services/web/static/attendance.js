// Attendance on the day, with script: each tap is the same form POST as without it, sent with
// fetch so that the list stays where it is — the row updated in place, the focus left on the
// button just tapped, the result announced in the page's status region.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("[data-attendance]");
  const status = document.getElementById("attendance-status");
  if (!list || !status || !window.fetch) return;

  const announce = (text) => {
    status.textContent = "";  // the same words twice are still announced twice
    window.setTimeout(() => { status.textContent = text; }, 50);
  };

  list.addEventListener("submit", async (event) => {
    const form = event.target;
    const button = event.submitter;
    if (!button) return;  // no button to tell which mark: the form goes as it would without script
    event.preventDefault();
    const row = form.closest("[role=group]");
    row.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form, button), credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": form.elements.csrf_token.value },
      });
      const answer = await response.json();
      if (response.ok) {
        form.querySelectorAll("button[aria-pressed]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        row.querySelector("[data-state]").textContent = answer.state;
        row.classList.remove("state-attended", "state-no_show", "state-unmarked");
        row.classList.add(`state-${answer.attendance}`);
      }
      announce(answer.message);
    } catch (error) {
      announce(list.dataset.failed);
    } finally {
      row.removeAttribute("aria-busy");
    }
  });
});
