"""The server-rendered pages: sign-in, operator, review, candidate and admin screens.

Each page authenticates from the session cookie (`web.session`) and then applies the API's own
dependencies as plain functions: `require_roles(...)` for the role and the `*_in_scope`
factories for the object, so a page never shows what the same user could not fetch from the
API. Changes go through the API itself (`/web/api/v1/...`, see `web.session.ApiPassThrough`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.routing import Route

from dukungan import errors
from dukungan.services import counting, elections, review
from dukungan.services.auth import Principal
from ingest_api.deps import ALL_ROLES, OPERATORS, candidate_in_scope, require_roles, submission_in_scope
from ingest_api.schemas import document_out
from ingest_api.web import i18n, queries
from ingest_api.web.session import (
    LANG_COOKIE,
    ApiPassThrough,
    clear_session,
    page_principal,
    set_session,
    sign_in,
)
from pipelines.domain import Reason, Role, SupporterStatus
from storage.models import Supporter

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
_STATIC_NAME = re.compile(r"[a-z0-9_-]+\.(css|js|svg)")
_MEDIA = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}

router = APIRouter(include_in_schema=False)
PASS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
router.routes.append(Route("/web/api/{path:path}", ApiPassThrough(), methods=PASS_METHODS,
                           include_in_schema=False))
templates = Jinja2Templates(directory=str(WEB / "templates"))

HOME = {Role.ADMIN: "/admin", Role.OPERATOR: "/operator", Role.VERIFIER: "/review",
        Role.CANDIDATE: "/candidate"}
NAV: dict[Role, list[tuple[str, str]]] = {
    Role.ADMIN: [("nav.operator", "/operator"), ("nav.review", "/review"), ("nav.candidate", "/candidate"),
                 ("nav.admin", "/admin")],
    Role.OPERATOR: [("nav.operator", "/operator"), ("nav.candidate", "/candidate")],
    Role.VERIFIER: [("nav.review", "/review")],
    Role.CANDIDATE: [("nav.candidate", "/candidate")],
}


def page_for(*roles: Role) -> Callable[[Request], Principal]:
    """The page's user, admitted by the API's `require_roles`; anyone else goes to their home."""
    check = require_roles(*roles)

    def dependency(request: Request) -> Principal:
        user = page_principal(request)
        try:
            return check(user)
        except errors.Forbidden:
            raise HTTPException(status_code=303, headers={"Location": "/"}) from None

    return dependency


AnyUser = Annotated[Principal, Depends(page_for(*ALL_ROLES))]
OperatorPage = Annotated[Principal, Depends(page_for(*OPERATORS))]
ReviewerPage = Annotated[Principal, Depends(page_for(Role.VERIFIER, Role.ADMIN))]
AdminPage = Annotated[Principal, Depends(page_for(Role.ADMIN))]


def _lang(request: Request) -> str:
    return i18n.pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def render(request: Request, user: Principal | None, name: str, title_key: str, **context: Any) -> Response:
    lang = _lang(request)
    other = "en" if lang == "id" else "id"
    response = templates.TemplateResponse(request, name, {
        "t": i18n.translator(lang), "lang": lang,
        "lang_url": str(request.url.include_query_params(lang=other)),
        "js_strings": i18n.js_strings(lang), "user": user, "title_key": title_key,
        "nav": NAV.get(user.role, []) if user else [], "path": request.url.path,
        "reasons": [r.value for r in Reason], **context,
    })
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


# -- sign-in ---------------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse(HOME[page_principal(request).role], status_code=303)


@router.get("/signin")
def signin_page(request: Request) -> Response:
    return render(request, None, "signin.html", "signin.title", failed=False)


@router.post("/signin")
def signin(request: Request, token: Annotated[str, Form(max_length=500)]) -> Response:
    try:
        user = sign_in(request.app.state.rt, token)
    except errors.Unauthorized:
        response = render(request, None, "signin.html", "signin.title", failed=True)
        response.status_code = 401
        return response
    response = RedirectResponse(HOME[user.role], status_code=303)
    set_session(response, request, token)
    return response


@router.post("/signout")
def signout() -> Response:
    response = RedirectResponse("/signin", status_code=303)
    clear_session(response)
    return response


@router.get("/static/{name}")
def static(name: str) -> Response:
    path = STATIC / name
    if not _STATIC_NAME.fullmatch(name) or not path.is_file():
        raise errors.NotFound.of("file", name)
    return FileResponse(path, media_type=_MEDIA[name.rsplit(".", 1)[1]],
                        headers={"Cache-Control": "no-cache"})


# -- operator --------------------------------------------------------------------------------


@router.get("/operator")
def operator(request: Request, user: OperatorPage, candidate_id: str | None = None,
             submission_id: str | None = None) -> Response:
    rt = request.app.state.rt
    submission = None
    if submission_id:
        submission = submission_in_scope(*OPERATORS)(submission_id, user, rt)
        candidate_id = submission.candidate_id
    candidate = candidate_in_scope(*OPERATORS)(candidate_id, user, rt) if candidate_id else None
    with rt.db.session() as session:
        all_elections = queries.elections(session)
        context = {
            "elections": all_elections,
            "candidates": queries.candidates(session, [e.id for e in all_elections]),
            "candidate": candidate, "submission": submission,
            "submissions": queries.submissions(session, candidate.id) if candidate else [],
            "documents": [document_out(d).model_dump(mode="json")
                          for d in queries.documents(session, submission.id)] if submission else [],
        }
    return render(request, user, "operator.html", "op.title", **context)


@router.get("/web/submissions/{submission_id}/documents")
def submission_documents(request: Request, submission_id: str, user: OperatorPage) -> dict[str, Any]:
    """The operator page's poll: the submission's documents and counts, in one answer."""
    rt = request.app.state.rt
    sub = submission_in_scope(*OPERATORS)(submission_id, user, rt)
    with rt.db.session() as session:
        counts = counting.submission_counts(session, sub)
        docs = [document_out(d).model_dump(mode="json") for d in queries.documents(session, sub.id)]
    return {"status": sub.status, "documents": docs, "supporters": counts.supporters,
            "counted": counts.counted}


# -- review ----------------------------------------------------------------------------------


@router.get("/review")
def review_page(request: Request, user: ReviewerPage, election_id: str | None = None) -> Response:
    rt = request.app.state.rt
    with rt.db.session() as session:
        context = {"elections": queries.elections(session), "election_id": election_id,
                   "queue": review.queue_counts(session, election_id),
                   "lease_seconds": rt.settings.review_lease_seconds}
    return render(request, user, "review.html", "rv.title", **context)


# -- candidate -------------------------------------------------------------------------------


@router.get("/candidate")
def candidate_page(request: Request, user: AnyUser, candidate_id: str | None = None, q: str = "") -> Response:
    rt = request.app.state.rt
    candidate_id = candidate_id or user.candidate_id
    if candidate_id is None:  # staff: pick a pair first
        with rt.db.session() as session:
            all_elections = queries.elections(session)
            choices = queries.candidates(session, [e.id for e in all_elections])
        return render(request, user, "candidate.html", "cd.title", candidate=None, choices=choices,
                      elections=all_elections)
    candidate = candidate_in_scope(*ALL_ROLES)(candidate_id, user, rt)
    with rt.db.session() as session:
        election = elections.get_election(session, candidate.election_id)
        status = counting.candidate_status(session, candidate)
        context = {
            "candidate": candidate, "election": election, "status": status,
            "statuses": [s.value for s in SupporterStatus],
            "spread_rows": queries.spread_rows(session, candidate, election),
            "q": q, "found": queries.search_supporters(session, candidate.id, q) if q else [],
        }
    return render(request, user, "candidate.html", "cd.title", **context)


# -- admin -----------------------------------------------------------------------------------


@router.get("/admin")
def admin_page(request: Request, user: AdminPage) -> Response:
    rt = request.app.state.rt
    with rt.db.session() as session:
        all_elections = queries.elections(session)
        context = {
            "elections": [(e, elections.figures(e), queries.imports(session, e.id)) for e in all_elections],
            "candidates": queries.candidates(session, [e.id for e in all_elections]),
            "users": queries.users(session),
            "escalated": [(i, session.get(Supporter, i.supporter_id))
                          for i in review.list_items(session, review.ESCALATED)],
            "roles": [r.value for r in Role],
        }
    return render(request, user, "admin.html", "ad.title", **context)

