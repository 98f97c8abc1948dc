"""The pages without a browser: sign-in cookie, the same roles and scopes as the API, the
pass-through to the API (and its CSRF guard), languages, and what each page shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest_api.web import i18n
from ingest_api.web.session import COOKIE
from tests.conftest import ADMIN_TOKEN

WEB = {"X-Dukungan-Web": "1"}


def _sign_in(api: Any, headers: dict[str, str]) -> None:
    api.cookies.clear()
    token = headers["Authorization"].removeprefix("Bearer ")
    r = api.post("/signin", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text


def test_sign_in_sets_an_http_only_strict_cookie(api: Any) -> None:
    assert api.get("/operator", follow_redirects=False).headers["location"] == "/signin"
    assert api.post("/signin", data={"token": "nope"}).status_code == 401
    r = api.post("/signin", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/admin")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert api.get("/admin").status_code == 200
    api.post("/signout")
    assert api.get("/admin", follow_redirects=False).status_code == 303


def test_pages_admit_the_roles_the_api_admits(api: Any, make_user: Callable[..., Any],
                                              race: Callable[..., Any]) -> None:
    cands = race()["candidates"]
    _sign_in(api, make_user("verifier"))
    for page in ("/admin", "/operator"):
        assert api.get(page, follow_redirects=False).headers["location"] == "/"
    assert api.get("/", follow_redirects=False).headers["location"] == "/review"
    assert api.get("/review").status_code == 200
    _sign_in(api, make_user("operator"))
    assert api.get("/operator").status_code == 200
    assert api.get("/review", follow_redirects=False).status_code == 303
    _sign_in(api, make_user("candidate", cands[0]["id"]))
    own = api.get("/candidate")
    assert own.status_code == 200 and cands[0]["name"] in own.text
    assert api.get(f"/candidate?candidate_id={cands[1]['id']}").status_code == 404  # never another's


def test_the_pass_through_reaches_the_api_with_the_cookie_and_needs_the_page_header(
    api: Any, race: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    cand = race()["candidates"][0]
    body, path = {"kind": "initial"}, f"/web/api/v1/candidates/{cand['id']}/submissions"
    assert api.post(path, json=body, headers=WEB).status_code == 401
    _sign_in(api, make_user("operator"))
    r = api.post(path, json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "CSRF")
    r = api.post(path, json=body, headers=WEB)
    assert r.status_code == 201, r.text
    sub = r.json()
    assert api.get(f"/web/api/v1/submissions/{sub['id']}").json()["status"] == "open"
    assert api.post("/web/api/v1/users", json={"name": "x", "role": "admin"}, headers=WEB).status_code == 403
    assert api.get("/web/api/v2/anything").status_code == 404
    poll = api.get(f"/web/submissions/{sub['id']}/documents").json()
    assert poll["status"] == "open" and poll["documents"] == []


def test_indonesian_by_default_english_on_request(api: Any) -> None:
    api.post("/signin", data={"token": ADMIN_TOKEN})
    assert i18n.translator("id")("ad.title") in api.get("/admin").text
    english = api.get("/admin?lang=en")
    assert i18n.translator("en")("ad.title") in english.text
    assert i18n.translator("en")("ad.title") in api.get("/admin").text  # remembered in a cookie
    assert set(i18n.strings("id")) == set(i18n.strings("en"))


def test_candidate_page_counts_spread_and_search(api: Any, race: Callable[..., Any], seed: Any,
                                                 make_user: Callable[..., Any]) -> None:
    mine, other = race(region_code="3171")["candidates"]
    doc = seed.document(seed.submission(mine["id"]))
    seed.supporters(doc, 3, status="verified", district_code="317101", nik="3171015708450001")
    seed.supporters(doc, 1, status="needs_review", reasons=["NOT_IN_DPT"], nik="3171011708450002")
    other_doc = seed.document(seed.submission(other["id"]))
    seed.supporters(other_doc, 1, status="verified", nik="3171011708450009")
    _sign_in(api, make_user("candidate", mine["id"]))
    page = api.get("/candidate").text
    assert 'data-testid="counted">3<' in page
    assert i18n.translator("id")("reason.NOT_IN_DPT") in page
    found = api.get("/candidate", params={"q": "317101170845"}).text
    assert "3171011708450002" in found and "3171011708450009" not in found
    assert "PENDUKUNG" in api.get("/candidate", params={"q": "pendukung 1"}).text


def test_static_files_are_served_and_nothing_else(api: Any) -> None:
    assert api.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert api.get("/static/review.js").status_code == 200
    assert api.get("/static/..%2Fpages.py").status_code == 404
    assert api.get("/static/i18n.py").status_code == 404
