"""The results over HTTP: supporters (filters, keyset pages), ID cards, the status, the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from storage.models import IdCard
from tests.conftest import Seeder

API = "/api/v1"
SUPPORTER_KEYS = {
    "id",
    "candidate_id",
    "submission_id",
    "document_id",
    "page",
    "row",
    "nik",
    "name",
    "birth_date",
    "sex",
    "status",
    "reasons",
    "confidence",
    "id_card_document_id",
    "decided_by",
    "decided_at",
}


@pytest.fixture
def filled(race: Callable[..., Any], seed: Seeder) -> dict[str, Any]:
    """Candidate 0 of a regency race (3171, 8 districts) with 12 entries on one document."""
    r = race(region_code="3171")
    cand = r["candidates"][0]["id"]
    sub = seed.submission(cand)
    doc = seed.document(sub)
    ids = {
        "verified": seed.supporters(
            doc, 5, status="verified", district_code="317101", nik="3171015708450001"
        ),
        "review": seed.supporters(
            doc, 4, status="needs_review", reasons=["NOT_IN_DPT"], district_code="317102"
        ),
        "both": seed.supporters(doc, 2, status="needs_review", reasons=["KTP_MISSING", "NIK_INVALID"]),
        "rejected": seed.supporters(doc, 1, status="rejected", reasons=["UNDERAGE"], page=2),
    }
    return {**r, "candidate": cand, "submission": sub, "document": doc, "ids": ids}


def all_pages(api: Any, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        r = api.get(path, headers=headers, params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ran out")


# -- supporters ----------------------------------------------------------------------------------------


def test_supporters_list_every_entry_with_the_published_fields(
    api: Any, admin: dict[str, str], filled: dict[str, Any]
) -> None:
    r = api.get(f"{API}/candidates/{filled['candidate']}/supporters", headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    assert len(body["items"]) == 12
    for item in body["items"]:
        assert set(item) == SUPPORTER_KEYS
        assert item["candidate_id"] == filled["candidate"]
    first = next(i for i in body["items"] if i["id"] == filled["ids"]["verified"][0])
    assert first["nik"] == "3171015708450001"  # the value read, unmasked, to those who may see it
    assert first["page"] == 1 and first["row"] >= 1


@pytest.mark.parametrize(
    ("params", "group"),
    [
        ({"status": "verified"}, ["verified"]),
        ({"status": "needs_review"}, ["review", "both"]),
        ({"reason": "NOT_IN_DPT"}, ["review"]),
        ({"reason": "NIK_INVALID"}, ["both"]),
        ({"reason": "UNDERAGE", "status": "rejected"}, ["rejected"]),
        ({"status": "accepted"}, []),
    ],
)
def test_supporters_filter_by_status_and_reason(
    api: Any, admin: dict[str, str], filled: dict[str, Any], params: dict[str, str], group: list[str]
) -> None:
    got = all_pages(api, f"{API}/candidates/{filled['candidate']}/supporters", admin, **params)
    assert sorted(i["id"] for i in got) == sorted(x for g in group for x in filled["ids"][g])


def test_supporters_filter_by_submission(
    api: Any, admin: dict[str, str], seed: Seeder, filled: dict[str, Any]
) -> None:
    repair = seed.submission(filled["candidate"], kind="repair")
    new = seed.supporters(seed.document(repair), 3)
    got = all_pages(api, f"{API}/candidates/{filled['candidate']}/supporters", admin, submission_id=repair)
    assert sorted(i["id"] for i in got) == sorted(new)


def test_supporters_page_by_cursor_without_gaps_or_repeats(
    api: Any, admin: dict[str, str], seed: Seeder, filled: dict[str, Any]
) -> None:
    seed.supporters(seed.document(filled["submission"]), 250, status="verified")
    path = f"{API}/candidates/{filled['candidate']}/supporters"
    default = api.get(path, headers=admin).json()
    assert len(default["items"]) == 100 and default["next_cursor"]  # the default limit
    got = all_pages(api, path, admin, limit=37)
    ids = [i["id"] for i in got]
    assert len(ids) == 262 and len(set(ids)) == 262
    assert ids == sorted(ids)  # a stable order
    whole = api.get(path, headers=admin, params={"limit": 1000}).json()
    assert [i["id"] for i in whole["items"]] == ids and whole["next_cursor"] is None
    # rows written between pages neither repeat nor push earlier rows out (a new row shows
    # only if its id sorts after the cursor: ids are opaque, not a time line)
    page1 = api.get(path, headers=admin, params={"limit": 10}).json()
    new = seed.supporters(filled["document"], 5, page=9)
    rest = all_pages(api, path, admin, limit=500, cursor=page1["next_cursor"])
    seen = [i["id"] for i in page1["items"]] + [i["id"] for i in rest]
    assert len(seen) == len(set(seen))
    assert set(ids) <= set(seen) <= set(ids) | set(new)
    assert {n for n in new if n > page1["items"][-1]["id"]} <= set(seen)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": "many"},
        {"status": "valid"},
        {"reason": "NIK_WRONG"},
        {"cursor": "not-a-cursor"},
        {"cursor": "eyJ2IjoyfQ"},
    ],
)
def test_supporters_query_is_validated(
    api: Any, admin: dict[str, str], filled: dict[str, Any], params: dict[str, Any]
) -> None:
    r = api.get(f"{API}/candidates/{filled['candidate']}/supporters", headers=admin, params=params)
    assert r.status_code == 422, r.text


def test_supporters_scope_and_auth(api: Any, filled: dict[str, Any], make_user: Callable[..., Any]) -> None:
    path = f"{API}/candidates/{filled['candidate']}/supporters"
    assert api.get(path).status_code == 401
    own = make_user("candidate", filled["candidate"])
    other = make_user("candidate", filled["candidates"][1]["id"])
    assert api.get(path, headers=own).status_code == 200
    assert api.get(path, headers=other).status_code == 404
    assert api.get(path, headers=make_user("verifier")).status_code == 200
    assert api.get(path, headers=make_user("operator")).status_code == 200
    assert api.get(f"{API}/candidates/nope/supporters", headers=own).status_code == 404


# -- ID cards -----------------------------------------------------------------------------------------


def test_id_cards_list_with_the_supporters_they_back(
    api: Any, admin: dict[str, str], runtime: Any, filled: dict[str, Any], seed: Seeder
) -> None:
    with runtime.db.session() as s:
        cards = [
            IdCard(
                candidate_id=filled["candidate"],
                submission_id=filled["submission"],
                document_id=filled["document"],
                page=3,
                index=i + 1,
                nik=f"317101570845000{i}",
                name=f"KARTU {i}",
                confidence=0.8,
            )
            for i in range(3)
        ]
        s.add_all(cards)
        s.flush()
        card_ids = [c.id for c in cards]
    backed = seed.supporters(
        filled["document"], 2, page=4, id_card_id=card_ids[0], id_card_document_id=filled["document"]
    )
    path = f"{API}/candidates/{filled['candidate']}/id-cards"
    got = all_pages(api, path, admin, limit=2)
    assert sorted(c["id"] for c in got) == sorted(card_ids)
    by_id = {c["id"]: c for c in got}
    assert set(by_id[card_ids[0]]) == {
        "id",
        "document_id",
        "page",
        "index",
        "nik",
        "name",
        "birth_place",
        "birth_date",
        "sex",
        "confidence",
        "supporter_ids",
    }
    assert sorted(by_id[card_ids[0]]["supporter_ids"]) == sorted(backed)
    assert by_id[card_ids[1]]["supporter_ids"] == []
    supporters = all_pages(api, f"{API}/candidates/{filled['candidate']}/supporters", admin)
    assert {s["id_card_document_id"] for s in supporters if s["id"] in backed} == {filled["document"]}
    other = api.get(f"{API}/candidates/{filled['candidates'][1]['id']}/id-cards", headers=admin)
    assert other.status_code == 200 and other.json()["items"] == []


def test_id_cards_scope(api: Any, filled: dict[str, Any], make_user: Callable[..., Any]) -> None:
    path = f"{API}/candidates/{filled['candidate']}/id-cards"
    assert api.get(path).status_code == 401
    assert api.get(path, headers=make_user("candidate", filled["candidates"][1]["id"])).status_code == 404
    assert api.get(path, headers=make_user("candidate", filled["candidate"])).status_code == 200


# -- the status ---------------------------------------------------------------------------------------


def test_status_counts_documents_supporters_reasons_and_spread(
    api: Any, admin: dict[str, str], seed: Seeder, race: Callable[..., Any]
) -> None:
    r = race(region_code="3171")  # 8 districts: spread needs 5
    cand = r["candidates"][0]["id"]
    sub = seed.submission(cand)
    doc = seed.document(sub, status="done")
    seed.document(sub, status="received")
    seed.document(sub, status="failed", error=("EMPTY_FILE", "empty"))
    seed.supporters(doc, 3, status="verified", district_code="317101")
    seed.supporters(doc, 2, status="accepted", district_code="317102")
    seed.supporters(doc, 4, status="needs_review", district_code="317103", reasons=["NOT_IN_DPT"])
    seed.supporters(doc, 1, status="needs_review", reasons=["NOT_IN_DPT", "DATA_MISMATCH"])
    seed.supporters(doc, 2, status="rejected", district_code="317104", reasons=["UNDERAGE"])
    seed.supporters(doc, 1, status="duplicate", district_code="317105")
    seed.supporters(doc, 1, status="processing", district_code="317106")
    seed.supporters(doc, 1, status="verified", district_code="320101")  # outside the region: no spread
    seed.supporters(doc, 1, status="verified")  # no district known
    # another candidate's entries never show
    seed.supporters(
        seed.document(seed.submission(r["candidates"][1]["id"])), 7, status="verified", district_code="317107"
    )
    got = api.get(f"{API}/candidates/{cand}/status", headers=admin)
    assert got.status_code == 200, got.text
    assert got.json() == {
        "candidate_id": cand,
        "documents": {"received": 1, "processing": 0, "done": 1, "failed": 1},
        "supporters": {
            "processing": 1,
            "verified": 5,
            "needs_review": 5,
            "accepted": 2,
            "rejected": 2,
            "duplicate": 1,
        },
        "counted": 7,
        "required_support": 0,
        "spread": {"unit": "district", "covered": 2, "total": 8, "required": 5},
        "by_reason": {"NOT_IN_DPT": 5, "DATA_MISMATCH": 1},
    }


def test_status_of_a_province_race_counts_regencies(
    api: Any, admin: dict[str, str], seed: Seeder, runtime: Any, race: Callable[..., Any]
) -> None:
    from storage.models import Election

    r = race(region_code="31")  # DKI: 6 regencies/cities, spread needs 4
    with runtime.db.session() as s:
        e = s.get(Election, r["election"]["id"])
        assert e is not None
        e.dpt_total = 8_252_897
    cand = r["candidates"][0]["id"]
    doc = seed.document(seed.submission(cand))
    for district in ("317101", "317102", "317201", "310101"):  # three regencies
        seed.supporters(doc, 2, status="verified", district_code=district)
    seed.supporters(doc, 2, status="needs_review", district_code="317301", reasons=["KTP_MISSING"])
    st = api.get(f"{API}/candidates/{cand}/status", headers=admin).json()
    assert st["spread"] == {"unit": "regency", "covered": 3, "total": 6, "required": 4}
    assert st["required_support"] == 618_968 and st["counted"] == 8


def test_status_of_a_new_candidate_is_all_zero(
    api: Any, admin: dict[str, str], race: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    cand = race()["candidates"][0]["id"]
    st = api.get(f"{API}/candidates/{cand}/status", headers=make_user("candidate", cand))
    assert st.status_code == 200
    body = st.json()
    assert body["counted"] == 0 and body["by_reason"] == {} and set(body["documents"].values()) == {0}
    assert api.get(f"{API}/candidates/{cand}/status").status_code == 401
    other = race()["candidates"][0]["id"]
    assert (
        api.get(f"{API}/candidates/{other}/status", headers=make_user("candidate", cand)).status_code == 404
    )


# -- the export ---------------------------------------------------------------------------------------


def test_export_is_one_csv_row_per_entry_in_handover_order(
    api: Any, admin: dict[str, str], seed: Seeder, filled: dict[str, Any]
) -> None:
    r = api.get(f"{API}/candidates/{filled['candidate']}/export.csv", headers=admin)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 12
    assert [(int(x["page"]), int(x["row"])) for x in rows] == sorted(
        (int(x["page"]), int(x["row"])) for x in rows
    )
    assert {x["supporter_id"] for x in rows} == {i for g in filled["ids"].values() for i in g}
    full = [x for x in rows if x["nik"]]
    assert full and all(x["nik"] == "3171015708450001" for x in full)  # full NIK: the commission's record
    both = next(x for x in rows if x["supporter_id"] == filled["ids"]["both"][0])
    assert both["reasons"] == "KTP_MISSING;NIK_INVALID" and both["status"] == "needs_review"


def test_export_neutralises_spreadsheet_formulas(
    api: Any, admin: dict[str, str], runtime: Any, seed: Seeder, filled: dict[str, Any]
) -> None:
    from storage.models import Supporter

    [sid] = seed.supporters(filled["document"], 1, page=5)
    with runtime.db.session() as s:
        row = s.get(Supporter, sid)
        assert row is not None
        row.name = '=HYPERLINK("http://evil","x")'
    rows = list(
        csv.DictReader(
            io.StringIO(api.get(f"{API}/candidates/{filled['candidate']}/export.csv", headers=admin).text)
        )
    )
    assert next(x for x in rows if x["supporter_id"] == sid)["name"].startswith("'=")


def test_export_is_for_the_commission_and_the_pair_itself(
    api: Any, admin: dict[str, str], filled: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    path = f"{API}/candidates/{filled['candidate']}/export.csv"
    assert api.get(path).status_code == 401
    assert api.get(path, headers=make_user("verifier")).status_code == 403
    assert api.get(path, headers=make_user("operator")).status_code == 200
    assert api.get(path, headers=make_user("candidate", filled["candidate"])).status_code == 200
    assert api.get(path, headers=make_user("candidate", filled["candidates"][1]["id"])).status_code == 404
    audit = api.get(f"{API}/audit", headers=admin, params={"object_id": filled["candidate"]}).json()
    assert [e["action"] for e in audit].count("candidate.export") == 2


def test_export_streams_in_batches(
    api: Any, admin: dict[str, str], seed: Seeder, filled: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dukungan.services import reading_models

    monkeypatch.setattr(reading_models, "EXPORT_BATCH", 5)
    seed.supporters(filled["document"], 23, page=3)
    rows = list(
        csv.DictReader(
            io.StringIO(api.get(f"{API}/candidates/{filled['candidate']}/export.csv", headers=admin).text)
        )
    )
    assert len(rows) == 35 and len({x["supporter_id"] for x in rows}) == 35
