"""The admin endpoints: users, elections, voter lists, candidates, the audit trail; and auth."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from dukungan.services.auth import hash_token
from storage.models import ApiToken, Election

API = "/api/v1"
VOTERS = (
    "nik,nkk,name,birth_place,birth_date,sex,marital_status,address,rt,rw,district_code,tps\n"
    "3171015708450001,3171010101010001,SITI CONTOH,JAKARTA,1945-08-17,P,S,JL. CONTOH 1,001,002,317101,001\n"
    "3171011708450002,3171010101010002,BUDI CONTOH,JAKARTA,1945-08-17,L,S,JL. CONTOH 2,001,002,317101,001\n"
)


# -- auth --------------------------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(api: Any) -> None:
    r = api.get(f"{API}/elections/x/candidates")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["code"] == "NO_TOKEN"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_a_bad_token_is_401(api: Any, header: str) -> None:
    r = api.post(f"{API}/elections", headers={"Authorization": header}, json={})
    assert r.status_code == 401


def test_bootstrap_admin_creates_a_user_whose_token_is_stored_hashed(
    api: Any, admin: dict[str, str], runtime: Any
) -> None:
    r = api.post(f"{API}/users", json={"name": "Operator Satu", "role": "operator"}, headers=admin)
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"id", "name", "role", "candidate_id", "token"}
    assert body["role"] == "operator" and body["candidate_id"] is None
    with runtime.db.session() as s:
        rows = s.query(ApiToken).filter_by(user_id=body["id"]).all()
    assert [t.token_hash for t in rows] == [hash_token(body["token"])]
    me = {"Authorization": f"Bearer {body['token']}"}
    assert api.post(f"{API}/users", json={"name": "x", "role": "operator"}, headers=me).status_code == 403


@pytest.mark.parametrize("role", ["operator", "verifier", "candidate"])
def test_only_admins_create_users_elections_and_candidates(
    api: Any, race: Callable[..., Any], make_user: Callable[..., Any], role: str
) -> None:
    r = race()
    cand_id = r["candidates"][0]["id"]
    who = make_user(role, cand_id if role == "candidate" else None)
    el = r["election"]["id"]
    assert api.post(f"{API}/users", headers=who, json={"name": "x", "role": "admin"}).status_code == 403
    assert api.post(f"{API}/elections", headers=who, json={"code": "X"}).status_code == 403
    assert (
        api.post(
            f"{API}/elections/{el}/candidates", headers=who, json={"name": "a", "running_mate": "b"}
        ).status_code
        == 403
    )
    assert (
        api.post(
            f"{API}/elections/{el}/voters",
            headers=who,
            files={"file": ("dpt.csv", VOTERS.encode(), "text/csv")},
        ).status_code
        == 403
    )
    assert api.get(f"{API}/audit", headers=who).status_code == 403


def test_a_candidate_user_needs_an_existing_candidate(
    api: Any, admin: dict[str, str], race: Callable[..., Any]
) -> None:
    def post(body: dict[str, Any]) -> Any:
        return api.post(f"{API}/users", headers=admin, json=body)

    assert post({"name": "team", "role": "candidate"}).json()["error"]["code"] == "CANDIDATE_ID_REQUIRED"
    assert post({"name": "team", "role": "candidate", "candidate_id": "nope"}).status_code == 422
    cand = race()["candidates"][0]["id"]
    assert post({"name": "op", "role": "operator", "candidate_id": cand}).status_code == 422
    ok = post({"name": "team", "role": "candidate", "candidate_id": cand})
    assert ok.status_code == 201 and ok.json()["candidate_id"] == cand
    assert post({"name": "x", "role": "superuser"}).status_code == 422
    assert post({"role": "operator"}).status_code == 422


# -- elections ---------------------------------------------------------------------------------------


def test_election_level_and_figures_follow_the_region_code(api: Any, admin: dict[str, str]) -> None:
    prov = api.post(
        f"{API}/elections",
        headers=admin,
        json={"code": "PROV-31-T", "name": "Pilgub DKI", "region_code": "31", "voting_date": "2024-11-27"},
    )
    assert prov.status_code == 201, prov.text
    p = prov.json()
    assert p["level"] == "province" and p["spread_unit"] == "regency"
    assert p["dpt_total"] == 0 and p["required_support"] == 0
    assert p["spread_total"] == 6 and p["spread_required"] == 4  # more than half of 6
    reg = api.post(
        f"{API}/elections",
        headers=admin,
        json={
            "code": "REG-3524-T",
            "name": "Pilbup Lamongan",
            "region_code": "3524",
            "voting_date": "2024-11-27",
        },
    ).json()
    assert reg["level"] == "regency" and reg["spread_unit"] == "district"
    assert reg["spread_total"] == 27 and reg["spread_required"] == 14
    for e in (p, reg):
        got = api.get(f"{API}/elections/{e['id']}", headers=admin)
        assert got.status_code == 200 and got.json() == e


def test_required_support_follows_the_loaded_voter_list(
    api: Any, admin: dict[str, str], runtime: Any, race: Callable[..., Any]
) -> None:
    el = race(region_code="31")["election"]
    with runtime.db.session() as s:
        row = s.get(Election, el["id"])
        assert row is not None
        row.dpt_total = 8_252_897  # DKI 2024: 7.5% rounded up is 618,968 (DOMAIN.md)
    got = api.get(f"{API}/elections/{el['id']}", headers=admin).json()
    assert got["required_support"] == 618_968


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("3", "VALIDATION_FAILED"),
        ("123", "VALIDATION_FAILED"),
        ("31a1", "VALIDATION_FAILED"),
        ("99", "REGION_UNKNOWN"),
        ("3199", "REGION_UNKNOWN"),
        ("9101", "REGION_UNKNOWN"),  # 9101: historic code
    ],
)
def test_election_region_code_is_validated(api: Any, admin: dict[str, str], region: str, code: str) -> None:
    r = api.post(
        f"{API}/elections",
        headers=admin,
        json={"code": f"BAD-{region}", "name": "x", "region_code": region, "voting_date": "2024-11-27"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == code


def test_election_body_is_validated_and_codes_are_unique(api: Any, admin: dict[str, str]) -> None:
    body = {"code": "DUP-1", "name": "x", "region_code": "3171", "voting_date": "2024-11-27"}
    bad_date = {**body, "voting_date": "27/11/2024"}
    assert api.post(f"{API}/elections", headers=admin, json=bad_date).status_code == 422
    assert (
        api.post(
            f"{API}/elections", headers=admin, json={k: v for k, v in body.items() if k != "name"}
        ).status_code
        == 422
    )
    assert api.post(f"{API}/elections", headers=admin, json=body).status_code == 201
    again = api.post(f"{API}/elections", headers=admin, json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "ELECTION_CODE_TAKEN"


def test_validation_errors_do_not_echo_the_input(api: Any, admin: dict[str, str]) -> None:
    r = api.post(
        f"{API}/elections",
        headers=admin,
        json={"code": "X", "name": "x", "region_code": "3171015708450001", "voting_date": "2024-11-27"},
    )
    assert r.status_code == 422
    assert "3171015708450001" not in r.text


# -- voter lists -------------------------------------------------------------------------------------


def test_voter_upload_starts_an_import_that_can_be_read_back(
    api: Any, admin: dict[str, str], runtime: Any, race: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    el = race()["election"]
    r = api.post(
        f"{API}/elections/{el['id']}/voters",
        headers=admin,
        files={"file": ("dpt.csv", VOTERS.encode(), "text/csv")},
    )
    assert r.status_code == 202, r.text
    import_id = r.json()["import_id"]
    assert ("import_voters", import_id) in runtime.extras["sent"]
    job = api.get(f"{API}/imports/{import_id}", headers=admin)
    assert job.status_code == 200
    body = job.json()
    assert {"id", "status", "rows_total", "rows_loaded", "rows_rejected", "errors"} <= set(body)
    assert body["status"] == "running" and body["errors"] == []
    # the worker's half, run here, finishes it
    from dukungan.services.dpt import run_voter_import

    run_voter_import(runtime, import_id)
    done = api.get(f"{API}/imports/{import_id}", headers=make_user("operator")).json()
    assert done["status"] == "done" and done["rows_loaded"] == 2


def test_voter_upload_to_a_missing_election_is_404(api: Any, admin: dict[str, str]) -> None:
    r = api.post(f"{API}/elections/nope/voters", headers=admin, files={"file": ("d.csv", b"x", "text/csv")})
    assert r.status_code == 404
    assert api.get(f"{API}/imports/nope", headers=admin).status_code == 404


def test_voter_upload_needs_the_file_field(api: Any, admin: dict[str, str], race: Callable[..., Any]) -> None:
    el = race()["election"]
    r = api.post(
        f"{API}/elections/{el['id']}/voters",
        headers=admin,
        files={"other": ("d.csv", io.BytesIO(b"x"), "text/csv")},
    )
    assert r.status_code == 422


# -- candidates --------------------------------------------------------------------------------------


def test_candidates_are_created_and_listed_as_an_array(
    api: Any, admin: dict[str, str], race: Callable[..., Any]
) -> None:
    r = race(candidates=2)
    listed = api.get(f"{API}/elections/{r['election']['id']}/candidates", headers=admin)
    assert listed.status_code == 200
    assert listed.json() == r["candidates"]
    for c in listed.json():
        assert set(c) == {"id", "election_id", "name", "running_mate"}
    bad = api.post(f"{API}/elections/{r['election']['id']}/candidates", headers=admin, json={"name": "x"})
    assert bad.status_code == 422
    assert (
        api.post(
            f"{API}/elections/nope/candidates", headers=admin, json={"name": "a", "running_mate": "b"}
        ).status_code
        == 404
    )


def test_a_candidate_user_sees_its_own_pair_and_election_only(
    api: Any, race: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    mine, other = race(), race()
    team = make_user("candidate", mine["candidates"][0]["id"])
    listed = api.get(f"{API}/elections/{mine['election']['id']}/candidates", headers=team)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [mine["candidates"][0]["id"]]
    assert api.get(f"{API}/elections/{other['election']['id']}/candidates", headers=team).status_code == 404
    assert api.get(f"{API}/elections/{other['election']['id']}", headers=team).status_code == 404
    assert api.get(f"{API}/candidates/{mine['candidates'][1]['id']}", headers=team).status_code == 404
    assert api.get(f"{API}/candidates/{mine['candidates'][0]['id']}", headers=team).status_code == 200
    verifier = make_user("verifier")
    assert len(api.get(f"{API}/elections/{mine['election']['id']}/candidates", headers=verifier).json()) == 2


# -- audit -------------------------------------------------------------------------------------------


def test_admin_actions_are_audited(api: Any, admin: dict[str, str], race: Callable[..., Any]) -> None:
    r = race(candidates=1)
    el, cand = r["election"], r["candidates"][0]
    user = api.post(
        f"{API}/users", headers=admin, json={"name": "team", "role": "candidate", "candidate_id": cand["id"]}
    ).json()
    for object_id, action in (
        (el["id"], "election.create"),
        (cand["id"], "candidate.create"),
        (user["id"], "user.create"),
    ):
        events = api.get(f"{API}/audit", params={"object_id": object_id}, headers=admin)
        assert events.status_code == 200
        [ev] = events.json()
        assert {"at", "actor", "action", "object_id", "before", "after"} <= set(ev)
        assert ev["action"] == action and ev["actor"] == "bootstrap-admin" and ev["object_id"] == object_id
        assert ev["before"] is None and ev["after"]
        assert ev["at"].endswith(("Z", "+00:00"))
    assert user["token"] not in api.get(f"{API}/audit", params={"object_id": user["id"]}, headers=admin).text
    everything = api.get(f"{API}/audit", headers=admin).json()
    assert isinstance(everything, list) and len(everything) >= 3
    first = api.get(f"{API}/audit", params={"limit": 1}, headers=admin).json()
    after = api.get(f"{API}/audit", params={"after": first[0]["id"], "limit": 1}, headers=admin).json()
    assert after[0]["id"] > first[0]["id"]


def test_an_audited_action_by_a_user_names_the_user(
    api: Any, race: Callable[..., Any], make_user: Callable[..., Any], admin: dict[str, str]
) -> None:
    cand = race(candidates=1)["candidates"][0]
    op = make_user("operator")
    op_id = api.get(f"{API}/audit", headers=admin).json()[-1]["object_id"]  # the user.create just made
    sub = api.post(f"{API}/candidates/{cand['id']}/submissions", headers=op, json={"kind": "initial"}).json()
    [ev] = api.get(f"{API}/audit", params={"object_id": sub["id"]}, headers=admin).json()
    assert ev["actor"] == op_id and ev["action"] == "submission.create"


def test_without_an_admin_token_setting_there_is_no_bootstrap_admin(runtime: Any) -> None:
    from fastapi.testclient import TestClient

    from ingest_api.app import create_app

    token = runtime.settings.admin_token
    runtime.settings.admin_token = None
    with TestClient(create_app(runtime)) as client:
        assert client.get(f"{API}/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 401
