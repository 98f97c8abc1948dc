// Admin: voter-list uploads with progress and import polling, user tokens, escalations.
"use strict";
(() => {
  document.addEventListener("api:done", (e) => {
    if (e.target.dataset.then !== "token") return;
    const box = document.querySelector(".token");
    box.hidden = false;
    box.querySelector("code").textContent = e.detail.token;
  });

  function watchImport(node, id) {
    const tick = async () => {
      try {
        const imp = await api("GET", "/api/v1/imports/" + id);
        node.querySelector(".badge").className = "badge s-" + imp.status;
        node.querySelector(".badge").textContent = T("status." + imp.status);
        node.querySelector(".rows").textContent = imp.rows_loaded + "/" + imp.rows_total;
        if (imp.status === "running") setTimeout(tick, 1000); else if (imp.status === "done") location.reload();
      } catch (_) { setTimeout(tick, 3000); }
    };
    tick();
  }
  for (const node of document.querySelectorAll(".import[data-status=running]")) watchImport(node, node.dataset.import);

  for (const form of document.querySelectorAll("form.voters")) {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const bar = form.querySelector("progress");
      bar.hidden = false;
      try {
        const res = await upload("/api/v1/elections/" + form.dataset.election + "/voters", new FormData(form),
          (loaded, total) => { bar.value = Math.round((loaded * 100) / total); });
        const node = el("div", { class: "import", "data-import": res.import_id },
          el("span", { class: "badge s-running", text: T("status.running") }), " ", el("span", { class: "rows", text: "0/0" }));
        form.closest("tr").querySelector("td.imports").replaceChildren(node);
        watchImport(node, res.import_id);
      } catch (err) { alert(T("common.error") + ": " + err.message); }
    });
  }

  document.addEventListener("change", async (e) => {
    const box = e.target.closest("[data-second-look]");
    if (!box) return;
    try {
      await api("PUT", "/api/v1/review/elections/" + box.dataset.secondLook + "/second-look", { enabled: box.checked });
    } catch (err) { box.checked = !box.checked; alert(T("common.error") + ": " + err.message); }
  });

  document.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-resolve]");
    if (!button) return;
    try {
      await api("POST", "/api/v1/review/items/" + button.dataset.resolve + "/resolve", { decision: button.dataset.decision });
      location.reload();
    } catch (err) { alert(T("common.error") + ": " + err.message); }
  });
})();
