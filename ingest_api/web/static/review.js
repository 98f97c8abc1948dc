// Verifier: claim, look (form crop beside ID card crop and voter record), decide; keyboard first.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const box = $("item");
  const electionId = box.dataset.election || undefined;
  const FIELDS = ["nik", "name", "birth_date", "sex"];
  const RENEW_BELOW = 90;     // seconds: renew when the lease gets this short ...
  const ACTIVE_WITHIN = 300;  // ... and the verifier did something in the last five minutes
  let item = null, voter = null, left = 0, lastActivity = Date.now(), zoom = 1, skipped = [];

  function say(text, isError) {
    const m = $("message"); m.textContent = text || ""; m.className = "message" + (isError ? " error" : "");
  }

  async function claim() {
    say("");
    hideForms();
    try {
      const next = await api("POST", "/api/v1/review/claim", { election_id: electionId, exclude: skipped.slice(-50) });
      if (!next) { item = null; box.hidden = true; $("lease").hidden = true; say(T("rv.empty")); return; }
      await show(next);
    } catch (err) { say(err.message, true); }
  }

  async function show(next) {
    item = next; left = next.lease_seconds_left; box.hidden = false; $("lease").hidden = false;
    const kinds = Object.fromEntries(next.evidence.map((e) => [e.kind, e.url]));
    $("form-crop").src = kinds.form_crop ? WEB + kinds.form_crop : "";
    $("card-crop").hidden = !kinds.id_card_crop; $("no-card").hidden = !!kinds.id_card_crop;
    if (kinds.id_card_crop) $("card-crop").src = WEB + kinds.id_card_crop;
    voter = kinds.voter_record ? await api("GET", kinds.voter_record).catch(() => null) : null;
    $("no-voter").hidden = !!voter;
    const s = next.supporter;
    const rows = FIELDS.map((f) => {
      const read = next.read_values[f];
      const now = s[f] ?? "–";
      const was = read !== undefined && read !== null && String(read) !== String(s[f])
        ? el("div", { class: "muted small", text: T("rv.as_read") + ": " + read }) : "";
      const dpt = voter ? (voter[f] ?? "–") : "–";
      const differs = voter && String(dpt).toUpperCase() !== String(now).toUpperCase();
      return el("tr", {}, el("th", { text: T("field." + f) }), el("td", { class: "mono" }, String(now), was),
        el("td", { class: "mono" + (differs ? " diff" : ""), text: String(dpt) }));
    });
    if (voter) rows.push(el("tr", {}, el("th", { text: T("field.district") }), el("td", { text: "" }),
      el("td", { class: "mono", text: voter.district_code || "–" })));
    $("values").querySelector("tbody").replaceChildren(...rows);
    $("reasons").replaceChildren(...next.reasons.map((r) => el("span", { class: "chip", "data-reason": r, text: T("reason." + r) })));
    const fd = next.first_decision;
    $("second-look").hidden = !fd;
    if (fd) $("second-look").textContent = T("rv.second_look") + " " + T("reason." + fd.reason) + (fd.note ? " – " + fd.note : "");
    if (next.reasons.length) $("reject-reason").value = next.reasons[0];
    tick();
  }

  function hideForms() { $("reject-form").hidden = true; $("correct-form").hidden = true; }

  async function decide(body) {
    if (!item) return;
    try {
      const sup = await api("POST", "/api/v1/review/items/" + item.id + "/decision", body);
      if (sup.status === "needs_review" && body.corrected) {
        // The correction left reasons: the item stays with us, showing the new ones.
        await show(await api("GET", "/api/v1/review/items/" + item.id));
        hideForms();
        say(T("rv.new_reasons"));
        return;
      }
      await claim();
      say(T("rv.saved"));
    } catch (err) {
      if (err.status === 409) { say(T("rv.lost"), true); item = null; box.hidden = true; }
      else say(err.message, true);
    }
  }

  function accept() { decide({ decision: "accept" }); }
  function openReject() { hideForms(); $("reject-form").hidden = false; $("reject-reason").focus(); }
  function openCorrect() {
    hideForms();
    const form = $("correct-form");
    for (const f of FIELDS) form.elements[f].value = item.supporter[f] ?? "";
    form.hidden = false; form.elements.nik.focus(); form.elements.nik.select();
  }
  async function next() {
    if (!item) return claim();
    skipped.push(item.id);
    await api("POST", "/api/v1/review/items/" + item.id + "/release").catch(() => null);
    await claim();
  }

  $("reject-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formJson(e.target);
    decide({ decision: "reject", reason: f.reason, note: f.note });
  });
  $("correct-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formJson(e.target);
    const corrected = {};
    for (const k of FIELDS) if (f[k] !== undefined && String(f[k]) !== String(item.supporter[k] ?? "")) corrected[k] = f[k];
    decide({ decision: "accept", corrected, note: f.note });
  });
  $("claim").addEventListener("click", claim);
  $("accept").addEventListener("click", accept);
  $("reject").addEventListener("click", openReject);
  $("correct").addEventListener("click", openCorrect);
  $("next").addEventListener("click", next);
  function setZoom(z) { zoom = Math.min(4, Math.max(0.5, z)); document.body.style.setProperty("--zoom", zoom); }
  $("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  $("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));

  document.addEventListener("keydown", (e) => {
    lastActivity = Date.now();
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
    if (e.key === "Escape") { hideForms(); return; }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const actions = { a: accept, r: openReject, n: next, c: openCorrect, "+": () => setZoom(zoom * 1.25),
                      "=": () => setZoom(zoom * 1.25), "-": () => setZoom(zoom / 1.25) };
    const act = actions[e.key];
    if (act && (item || e.key === "n")) { e.preventDefault(); act(); }
  });
  document.addEventListener("pointerdown", () => { lastActivity = Date.now(); });

  function tick() {
    const m = Math.floor(left / 60), s = left % 60;
    $("lease-left").textContent = m + ":" + String(s).padStart(2, "0");
    $("lease").classList.toggle("low", left < RENEW_BELOW);
  }
  setInterval(async () => {
    if (!item) return;
    left = Math.max(0, left - 1);
    tick();
    if (left === RENEW_BELOW && Date.now() - lastActivity < ACTIVE_WITHIN * 1000) {
      try { const renewed = await api("POST", "/api/v1/review/items/" + item.id + "/renew"); left = renewed.lease_seconds_left; }
      catch (err) { if (err.status === 409) { say(T("rv.lost"), true); item = null; box.hidden = true; } }
    }
  }, 1000);
})();
