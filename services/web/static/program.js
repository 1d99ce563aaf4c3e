// Progressive enhancement for the program: every page works without this file.
// - The visitor's time zone, told to the server for the pages after this one (times on their clock).
// - Live search: the results follow what is typed or chosen, without a reload; the count is
//   announced (role=status) and the address kept, so the page can be shared or reloaded as it is.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && /^[A-Za-z0-9_+\-/]+$/.test(zone) && !document.cookie.split("; ").includes(`birlikte_tz=${zone}`)) {
    document.cookie = `birlikte_tz=${zone}; path=/; max-age=31536000; samesite=lax`;
  }

  const swap = (results, fresh) => {
    results.querySelector("[role=status]").textContent = fresh.querySelector("[role=status]").textContent;
    results.querySelectorAll(":scope > :not([role=status])").forEach((node) => node.remove());
    fresh.querySelectorAll(":scope > :not([role=status])").forEach((node) => results.append(document.importNode(node, true)));
  };

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-live-search]");
    const results = form && document.getElementById(form.dataset.liveSearch);
    if (!results) return;
    let timer;
    let latest = 0;
    const refresh = async () => {
      const address = `${form.action}?${new URLSearchParams(new FormData(form))}`;
      const asked = ++latest;
      const response = await fetch(address, { headers: { Accept: "text/html" } });
      if (asked !== latest || !response.ok) return; // a later search wins; a refused one waits for the button
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById(results.id);
      if (!fresh) return;
      swap(results, fresh);
      history.replaceState(null, "", address);
    };
    form.addEventListener("input", (event) => {
      clearTimeout(timer);
      timer = setTimeout(refresh, event.target.type === "search" ? 350 : 0);
    });
  });
})();
