"""The review queue over HTTP: roles, leases and 409, evidence, corrections, second look, audit."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import update

from dukungan.services.dpt import run_voter_import
from storage.models import Election, IdCard, Page, ReviewItem, Supporter

API = "/api/v1"
VOTERS = (
    "nik,nkk,name,birth_place,birth_date,sex,marital_status,address,rt,rw,district_code,tps\n"
    "3171015708450001,3171010101010001,SITI CONTOH,JAKARTA,1945-08-17,P,S,JL. CONTOH 1,001,002,317101,001\n"
    "3171011708450002,3171010101010002,BUDI CONTOH,JAKARTA,1945-08-17,L,S,JL. CONTOH 2,001,002,317101,001\n"
)
GOOD_NIK = "3171015708450001"
MISREAD = "3171015708450007"  # one digit off: not on the voter list


def scope(case: dict[str, Any]) -> dict[str, str]:
    """Claims stay inside the test's own election (the test database outlives one test)."""
    return {"election_id": case["election"]["id"]}


@pytest.fixture
def flagged(api: Any, admin: dict[str, str], race: Callable[..., Any], seed: Any, runtime: Any
            ) -> Callable[..., dict[str, Any]]:
    """`flagged(second_look=False)` -> one needs_review supporter (NIK misread) with its evidence."""

    def make(second_look: bool = False) -> dict[str, Any]:
        r = race(region_code="3171", candidates=1)
        election, cand = r["election"], r["candidates"][0]
        imp = api.post(f"{API}/elections/{election['id']}/voters", headers=admin,
                       files={"file": ("dpt.csv", VOTERS.encode(), "text/csv")})
        run_voter_import(runtime, imp.json()["import_id"])
        sub = seed.submission(cand["id"], status="closed")
        doc = seed.document(sub)
        page = Image.new("RGB", (800, 1100), "white")
        buf = io.BytesIO()
        page.save(buf, "PNG")
        runtime.store.put(f"derived/{'a' * 64}/pages/{doc}.png", buf.getvalue(), "image/png")
        [sup_id] = seed.supporters(doc, 1, status="needs_review", reasons=["KTP_MISMATCH", "NOT_IN_DPT"],
                                   nik=MISREAD, birth_date=dt.date(1945, 8, 17), sex="P", signed=True,
                                   read_values={"nik": MISREAD}, bbox=[50, 100, 750, 400], card_index=1)
        with runtime.db.session() as s:
            s.execute(update(Supporter).where(Supporter.id == sup_id).values(name="SITI CONTOH"))
            s.execute(update(Election).where(Election.id == election["id"]).values(second_look=second_look))
            s.add(Page(document_id=doc, number=1, status="read", kind="letter",
                       image_key=f"derived/{'a' * 64}/pages/{doc}.png", width=800, height=1100))
            card = IdCard(candidate_id=cand["id"], submission_id=sub, document_id=doc, page=1, index=1,
                          nik=GOOD_NIK, name="SITI CONTOH", birth_place="JAKARTA",
                          birth_date=dt.date(1945, 8, 17), sex="P", confidence=0.95,
                          bbox=[400, 600, 780, 840])
            s.add(card)
            s.flush()
            s.execute(update(Supporter).where(Supporter.id == sup_id).values(id_card_id=card.id))
            s.add(ReviewItem(supporter_id=sup_id, election_id=election["id"], candidate_id=cand["id"]))
        return {"election": election, "candidate": cand, "supporter_id": sup_id}

    return make


def test_claim_renew_decide_and_the_shapes(api: Any, make_user: Callable[..., Any],
                                           flagged: Callable[..., Any]) -> None:
    case = flagged()
    v1, v2 = make_user("verifier"), make_user("verifier")
    r = api.post(f"{API}/review/claim", headers=v1, json=scope(case))
    assert r.status_code == 200, r.text
    item = r.json()
    assert {"id", "supporter", "reasons", "evidence", "lease_expires_at"} <= set(item)
    assert item["supporter"]["id"] == case["supporter_id"]
    assert item["reasons"] == ["KTP_MISMATCH", "NOT_IN_DPT"]
    assert 590 <= item["lease_seconds_left"] <= 600
    assert api.post(f"{API}/review/claim", headers=v2, json=scope(case)).status_code == 204
    assert api.post(f"{API}/review/items/{item['id']}/renew", headers=v2).status_code == 409
    assert api.post(f"{API}/review/items/{item['id']}/decision", headers=v2,
                    json={"decision": "accept"}).status_code == 409
    assert api.post(f"{API}/review/items/{item['id']}/renew", headers=v1).status_code == 200
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1,
                 json={"decision": "reject", "reason": "NOT_IN_DPT", "note": "NIK tidak ada di DPT"})
    assert r.status_code == 200, r.text
    sup = r.json()
    assert (sup["status"], sup["reasons"]) == ("rejected", ["NOT_IN_DPT"])
    assert sup["decided_by"] and sup["decided_at"]


def test_roles(api: Any, make_user: Callable[..., Any], flagged: Callable[..., Any]) -> None:
    case = flagged()
    assert api.post(f"{API}/review/claim", json=scope(case)).status_code == 401
    for who in (make_user("operator"), make_user("candidate", case["candidate"]["id"])):
        assert api.post(f"{API}/review/claim", headers=who, json=scope(case)).status_code == 403
    verifier = make_user("verifier")
    assert api.get(f"{API}/review/items", headers=verifier).status_code == 403


def test_a_lost_lease_is_409(api: Any, make_user: Callable[..., Any], flagged: Callable[..., Any],
                             runtime: Any) -> None:
    case = flagged()
    v1, v2 = make_user("verifier"), make_user("verifier")
    item = api.post(f"{API}/review/claim", headers=v1, json=scope(case)).json()
    with runtime.db.session() as s:  # the lease runs out
        s.execute(update(ReviewItem).where(ReviewItem.supporter_id == case["supporter_id"])
                  .values(lease_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert api.post(f"{API}/review/claim", headers=v2, json=scope(case)).json()["id"] == item["id"]
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1, json={"decision": "accept"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "LEASE_LOST"
    assert api.get(f"{API}/review/items/{item['id']}", headers=v1).status_code == 404  # no longer theirs


def test_evidence_crops_and_voter_record(api: Any, make_user: Callable[..., Any],
                                         flagged: Callable[..., Any]) -> None:
    case = flagged()
    v1, v2 = make_user("verifier"), make_user("verifier")
    item = api.post(f"{API}/review/claim", headers=v1, json=scope(case)).json()
    kinds = {e["kind"]: e["url"] for e in item["evidence"]}
    assert set(kinds) == {"form_crop", "id_card_crop"}  # the misread NIK is not on the voter list
    for kind in ("form_crop", "id_card_crop"):
        r = api.get(kinds[kind], headers=v1)
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(r.content)).size[0] < 800  # a crop, not the page
        assert api.get(kinds[kind], headers=v2).status_code == 404  # only the lease holder
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1,
                 json={"decision": "accept", "corrected": {"nik": "3171011708450002"}})
    assert r.status_code == 200
    assert r.json()["status"] == "needs_review"  # now on the list, but the ID card says otherwise
    again = api.get(f"{API}/review/items/{item['id']}", headers=v1).json()
    assert "voter_record" in {e["kind"] for e in again["evidence"]}
    voter = api.get(f"{API}/review/items/{item['id']}/evidence/voter_record", headers=v1).json()
    assert (voter["nik"], voter["name"]) == ("3171011708450002", "BUDI CONTOH")
    assert voter["district_code"] == "317101"


def test_a_correction_that_passes_is_accepted_and_the_read_value_is_kept(
    api: Any, make_user: Callable[..., Any], flagged: Callable[..., Any], admin: dict[str, str], runtime: Any
) -> None:
    case = flagged()
    v1 = make_user("verifier")
    item = api.post(f"{API}/review/claim", headers=v1, json=scope(case)).json()
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1,
                 json={"decision": "accept", "corrected": {"nik": GOOD_NIK}, "note": "salah baca 1→7"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reasons"], r.json()["nik"]) == ("accepted", [], GOOD_NIK)
    with runtime.db.session() as s:
        sup = s.get(Supporter, case["supporter_id"])
        assert sup is not None and sup.read_values["nik"] == MISREAD
    trail = api.get(f"{API}/audit", headers=admin, params={"object_id": case["supporter_id"]}).json()
    decision = [e for e in trail if e["action"] == "review.accept"]
    assert len(decision) == 1
    assert decision[0]["before"]["nik"] == MISREAD and decision[0]["after"]["nik"] == GOOD_NIK
    assert decision[0]["actor"] == r.json()["decided_by"]
    status = api.get(f"{API}/candidates/{case['candidate']['id']}/status", headers=admin).json()
    assert status["counted"] == 1


def test_a_correction_that_leaves_reasons_stays_with_the_verifier(
    api: Any, make_user: Callable[..., Any], flagged: Callable[..., Any]
) -> None:
    case = flagged()
    v1, v2 = make_user("verifier"), make_user("verifier")
    item = api.post(f"{API}/review/claim", headers=v1, json=scope(case)).json()
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1,
                 json={"decision": "accept", "corrected": {"name": "SITI CONTOH", "nik": "3171015708450003"}})
    assert r.json()["status"] == "needs_review"
    assert api.post(f"{API}/review/claim", headers=v2, json=scope(case)).status_code == 204
    again = api.post(f"{API}/review/claim", headers=v1, json=scope(case)).json()
    assert again["id"] == item["id"] and "NOT_IN_DPT" in again["reasons"]
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1, json={"decision": "accept"})
    assert r.json()["status"] == "accepted"


def test_second_look_over_http_and_the_admin_resolution(
    api: Any, make_user: Callable[..., Any], flagged: Callable[..., Any], admin: dict[str, str]
) -> None:
    case = flagged(second_look=True)
    v1, v2 = make_user("verifier"), make_user("verifier")
    item = api.post(f"{API}/review/claim", headers=v1, json=scope(case)).json()
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v1,
                 json={"decision": "reject", "reason": "KTP_MISMATCH"})
    assert r.json()["status"] == "needs_review"
    assert api.post(f"{API}/review/claim", headers=v1, json=scope(case)).status_code == 204
    second = api.post(f"{API}/review/claim", headers=v2, json=scope(case)).json()
    assert second["first_decision"]["reason"] == "KTP_MISMATCH"
    r = api.post(f"{API}/review/items/{item['id']}/decision", headers=v2, json={"decision": "accept"})
    assert r.json()["status"] == "needs_review"
    escalated = api.get(f"{API}/review/items", headers=admin, params=scope(case)).json()
    assert [i["id"] for i in escalated] == [item["id"]]
    assert api.post(f"{API}/review/items/{item['id']}/resolve", headers=v2,
                    json={"decision": "reject"}).status_code == 403
    r = api.post(f"{API}/review/items/{item['id']}/resolve", headers=admin, json={"decision": "reject"})
    assert (r.json()["status"], r.json()["reasons"]) == ("rejected", ["KTP_MISMATCH"])
    actions = [e["action"] for e in api.get(f"{API}/audit", headers=admin,
                                            params={"object_id": case["supporter_id"]}).json()]
    assert actions[-3:] == ["review.reject_first", "review.escalate", "review.resolve"]


def test_the_audit_trail_has_no_way_to_change_it(api: Any, admin: dict[str, str]) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.request(method, f"{API}/audit", headers=admin).status_code == 405


def test_admins_switch_the_second_look_per_election(api: Any, admin: dict[str, str], race: Callable[..., Any],
                                                    make_user: Callable[..., Any]) -> None:
    election = race(candidates=1)["election"]
    path = f"{API}/review/elections/{election['id']}/second-look"
    assert api.put(path, headers=make_user("verifier"), json={"enabled": True}).status_code == 403
    r = api.put(path, headers=admin, json={"enabled": True})
    assert (r.status_code, r.json()) == (200, {"enabled": True})
    trail = api.get(f"{API}/audit", headers=admin, params={"object_id": election["id"]}).json()
    assert trail[-1]["action"] == "election.second_look" and trail[-1]["after"] == {"second_look": True}
    assert api.put(f"{API}/review/elections/nope/second-look", headers=admin, json={"enabled": True}
                   ).status_code == 404
