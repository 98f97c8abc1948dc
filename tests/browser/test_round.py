"""One round in a real browser: upload -> processing -> a flagged entry reviewed -> the count moves.

Saves a screenshot of each page to docs/ (operator, review, candidate, admin).
"""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingest_api.web import i18n
from tests.browser.conftest import ADMIN_TOKEN, Live

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ID = i18n.translator("id")
EN = i18n.translator("en")


def _setup(live: Live) -> dict[str, Any]:
    """Election, voter list, candidate and users, made by the admin through the API."""
    from synth.people import make_people, voter_list_csv
    from synth.regions import JAKARTA
    from synth.text_pdf import text_layer_pdf

    people = make_people(3, 11, JAKARTA)
    admin = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30)
    el = admin.post("/api/v1/elections", json={"code": "PILGUB-UJI", "name": "Pilgub DKI Jakarta (uji)",
                                               "region_code": "31", "voting_date": "2024-11-27"}).json()
    # people[1] signs but is not on the voter list: a second reason for the reviewer
    imp = admin.post(f"/api/v1/elections/{el['id']}/voters", files={
        "file": ("dpt.csv", voter_list_csv([people[0], people[2]]).encode(), "text/csv")}).json()
    deadline = time.monotonic() + 20
    while admin.get(f"/api/v1/imports/{imp['import_id']}").json()["status"] == "running":
        assert time.monotonic() < deadline, "the voter list import did not finish"
        time.sleep(0.2)
    cand = admin.post(f"/api/v1/elections/{el['id']}/candidates",
                      json={"name": "Budi Santoso", "running_mate": "Sri Wahyuni"}).json()
    tokens = {role: admin.post("/api/v1/users", json={
        "name": f"{role.title()} Uji", "role": role, **({"candidate_id": cand["id"]} if role == "candidate" else {}),
    }).json()["token"] for role in ("operator", "verifier", "candidate")}
    pdf, _ = text_layer_pdf(people[:2], [], 11)
    return {"election": el, "candidate": cand, "tokens": tokens, "pdf": pdf, "admin": admin}


def _page(browser: Any, live: Live, token: str, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport, base_url=live.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/signin")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _counted(page: Any) -> int:
    return int(page.inner_text("[data-testid=counted]"))


def test_upload_process_review_count(browser: Any, live: Live) -> None:
    DOCS.mkdir(exist_ok=True)
    case = _setup(live)
    cand = case["candidate"]

    # -- operator: a new submission, one file dropped, one chosen, live status, close -------
    op = _page(browser, live, case["tokens"]["operator"])
    assert op.url.endswith("/operator")
    op.click(f"a[href='/operator?candidate_id={cand['id']}']")
    op.click("[data-testid=new-submission]")
    op.wait_for_url("**/operator?submission_id=*")
    dropped = op.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, { type: "application/pdf" }));
            return dt;
        }""", ["formulir_dukungan.pdf", base64.b64encode(case["pdf"]).decode()])
    op.dispatch_event("#drop", "drop", {"dataTransfer": dropped})
    op.set_input_files("#files", files=[{"name": "catatan.txt", "mimeType": "text/plain",
                                         "buffer": b"bukan dokumen dukungan"}])
    op.wait_for_selector("#docs tr[data-status=done]")
    op.wait_for_selector("#docs tr[data-status=failed] .doc-error")
    assert op.eval_on_selector("#batch-bar", "b => b.value") == 100
    op.once("dialog", lambda dialog: dialog.accept())
    op.click("#close-sub")
    op.wait_for_selector("#sub-status.s-closed")
    op.wait_for_function("(word) => document.getElementById('sub-counts').textContent.includes(word)",
                         arg=ID("status.needs_review"))
    op.screenshot(path=str(DOCS / "operator.png"), full_page=True)

    # -- candidate before the review: nothing counts yet -------------------------------------
    team = _page(browser, live, case["tokens"]["candidate"])
    assert team.url.endswith("/candidate")
    before = _counted(team)

    # -- verifier: claim, see the evidence and reasons, accept with the keyboard ------------
    rv = _page(browser, live, case["tokens"]["verifier"])
    rv.click("[data-testid=claim]")
    rv.wait_for_selector("#reasons .chip")
    rv.wait_for_function("document.getElementById('form-crop').complete && "
                         "document.getElementById('form-crop').naturalWidth > 0")
    assert rv.inner_text("[data-testid=lease-left]").startswith(("9:", "10:"))
    reasons = rv.eval_on_selector_all("#reasons .chip", "cs => cs.map(c => c.dataset.reason)")
    assert "KTP_MISSING" in reasons
    rv.screenshot(path=str(DOCS / "review.png"), full_page=True)
    rv.keyboard.press("a")
    rv.wait_for_function("document.getElementById('message').textContent.length > 0")
    assert ID("rv.saved") in rv.inner_text("#message") or ID("rv.empty") in rv.inner_text("#message")

    # -- candidate after: the count moved; spread, reasons, search; phone width; English -----
    team.reload()
    assert _counted(team) == before + 1
    team.fill("[data-testid=search]", "31")
    team.press("[data-testid=search]", "Enter")
    team.wait_for_selector("[data-testid=results] tbody tr")
    assert team.locator("[data-testid=results] tbody td.mono").count() >= 1
    team.screenshot(path=str(DOCS / "candidate.png"), full_page=True)
    team.click("[data-testid=lang-toggle]")
    assert EN("cd.title") in team.inner_text("h1")
    phone = _page(browser, live, case["tokens"]["candidate"], PHONE)
    assert _fits(phone)
    phone_rv = _page(browser, live, case["tokens"]["verifier"], PHONE)
    assert _fits(phone_rv)

    # -- admin ----------------------------------------------------------------------------------
    adm = _page(browser, live, ADMIN_TOKEN)
    assert adm.url.endswith("/admin")
    assert "PILGUB-UJI" in adm.inner_text("main")
    adm.screenshot(path=str(DOCS / "admin.png"), full_page=True)
    assert _fits(_page(browser, live, ADMIN_TOKEN, PHONE))  # wide tables scroll inside their card
