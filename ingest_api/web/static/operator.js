// Operator: new submission, drag-and-drop upload with per-file and batch progress, live status.
"use strict";
(() => {
  document.addEventListener("api:done", (e) => {
    if (e.target.dataset.then === "submission") location.href = "/operator?submission_id=" + e.detail.id;
  });
  const box = document.getElementById("upload");
  if (!box) return;
  const submissionId = box.dataset.submission;
  const drop = document.getElementById("drop");
  const input = document.getElementById("files");
  const tbody = document.querySelector("#docs tbody");
  const docs = new Map();  // id -> Document
  const FINAL = new Set(["done", "failed"]);
  const PARALLEL = 3;
  let subStatus = box.dataset.status;
  let pollTimer = null;

  function docRow(d) {
    const status = el("span", { class: "badge s-" + d.status, text: T("status." + d.status) });
    const name = el("td", {}, d.filename);
    if (d.duplicate_of) name.append(el("span", { class: "muted", text: " (" + T("op.duplicate") + ")" }));
    const cell = el("td", {}, status);
    if (d.error) cell.append(el("div", { class: "doc-error", text: d.error.code + ": " + d.error.message }));
    return el("tr", { "data-doc": d.id, "data-status": d.status }, name, cell, el("td", { class: "num", text: d.pages ?? "–" }));
  }
  function render() {
    tbody.replaceChildren(...[...docs.values()].map(docRow));
  }
  function remember(list) {
    for (const d of list) docs.set(d.id, d);
    render();
    schedulePoll();
  }
  function setStatus(status) {
    subStatus = status;
    for (const badge of document.querySelectorAll("#sub-status, [data-sub-badge='" + submissionId + "']")) {
      badge.className = "badge s-" + status; badge.textContent = T("status." + status);
    }
    const open = status === "open";
    drop.hidden = !open;
    document.getElementById("closed-note").hidden = open;
    document.getElementById("close-sub").hidden = !open;
  }
  function showCounts(data) {
    const parts = Object.entries(data.supporters).filter(([, n]) => n > 0)
      .map(([k, n]) => T("status." + k) + ": " + n);
    document.getElementById("sub-counts").textContent = parts.join(" · ") || "–";
  }
  async function poll() {
    pollTimer = null;
    try {
      const data = await fetch("/web/submissions/" + submissionId + "/documents", { credentials: "same-origin" })
        .then((r) => r.json());
      for (const d of data.documents) docs.set(d.id, d);
      render(); showCounts(data); setStatus(data.status);
    } catch (_) { /* transient: the next tick tries again */ }
    schedulePoll();
  }
  function schedulePoll() {
    const busy = [...docs.values()].some((d) => !FINAL.has(d.status)) || subStatus === "closing";
    if (busy && !pollTimer) pollTimer = setTimeout(poll, 1000);
  }

  // -- uploads ------------------------------------------------------------------------------
  const batch = { total: 0, loaded: new Map(), sizes: new Map(), done: 0, count: 0 };
  function batchProgress() {
    const loaded = [...batch.loaded.values()].reduce((a, b) => a + b, 0);
    const pct = batch.total ? Math.round((loaded * 100) / batch.total) : 0;
    document.getElementById("batch-bar").value = pct;
    document.getElementById("batch-text").textContent = batch.done + " / " + batch.count + " · " + pct + "%";
  }
  async function send(file, key, item) {
    const bar = item.querySelector("progress");
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const res = await upload("/api/v1/submissions/" + submissionId + "/documents", form, (loaded, total) => {
        bar.value = Math.round((loaded * 100) / total);
        batch.loaded.set(key, Math.min(loaded, file.size));
        batchProgress();
      });
      bar.value = 100;
      item.querySelector(".state").textContent = "✓";
      remember(res.documents);
    } catch (err) {
      item.append(el("span", { class: "err", text: err.message }));
      item.querySelector(".state").textContent = "✗";
    }
    batch.loaded.set(key, file.size);
    batch.done += 1;
    batchProgress();
  }
  async function uploadAll(files) {
    if (!files.length || subStatus !== "open") return;
    document.getElementById("batch").hidden = false;
    const list = document.getElementById("file-list");
    const queue = [];
    for (const file of files) {
      const key = batch.count++;
      batch.total += file.size;
      const item = el("li", { "data-file": file.name }, el("span", { text: file.name }),
        el("progress", { max: "100", value: "0" }), el("span", { class: "state", text: "…" }));
      list.append(item);
      queue.push([file, key, item]);
    }
    batchProgress();
    const workers = Array.from({ length: PARALLEL }, async () => {
      while (queue.length) await send(...queue.shift());
    });
    await Promise.all(workers);
  }
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault(); drop.classList.remove("over");
    uploadAll([...e.dataTransfer.files]);
  });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });
  input.addEventListener("change", () => { uploadAll([...input.files]); input.value = ""; });

  document.getElementById("close-sub").addEventListener("click", async (e) => {
    if (!confirm(e.target.dataset.confirm)) return;
    try {
      const sub = await api("POST", "/api/v1/submissions/" + submissionId + "/close");
      setStatus(sub.status);
      schedulePoll();
    } catch (err) { alert(T("common.error") + ": " + err.message); }
  });

  remember(JSON.parse(document.getElementById("initial-docs").textContent));
  poll();
})();
