// Progressive enhancement only: every page works without this file.
// A form that came back with problems: move the focus to their summary, so that it is read first.
document.addEventListener("DOMContentLoaded", () => {
  const problems = document.querySelector("[data-focus]");
  if (problems) problems.focus();
});
