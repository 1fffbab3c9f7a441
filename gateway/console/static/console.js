// omnihub console: the overview refreshes itself; destructive forms ask first.
"use strict";
(function () {
  const live = document.getElementById("live");
  if (live) {
    const refresh = async function () {
      try {
        const answer = await fetch("/console/overview/live", { credentials: "same-origin" });
        if (answer.redirected) { window.location.reload(); return; }  // signed out
        if (answer.ok) { live.innerHTML = await answer.text(); }
      } catch (e) { /* the next refresh tries again */ }
    };
    setInterval(refresh, 5000);
  }
  document.querySelectorAll("details.lazy").forEach(function (details) {
    details.addEventListener("toggle", async function () {
      if (!details.open || details.dataset.loaded) { return; }
      details.dataset.loaded = "yes";
      const answer = await fetch(details.dataset.src, { credentials: "same-origin" });
      const body = document.createElement("div");
      body.innerHTML = answer.ok ? await answer.text() : "<p class=error>Could not read it.</p>";
      details.replaceChildren(details.querySelector("summary"), body);
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
