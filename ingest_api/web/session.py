"""Signing in to the pages: the API token rides in an HttpOnly cookie, never in page scripts.

Pages and the scripts on them reach the same API with the same rules:

- page routes turn the cookie into a `Principal` with the API's own `authenticate`, then
  apply the API's own `require_roles` / scope dependencies (see `routes.pages`);
- scripts call `/web/api/v1/...`, which `ApiPassThrough` hands, in process, to `/api/v1/...`
  with the cookie's token as `Authorization: Bearer`. Every API dependency (roles, scope,
  upload limits) then applies unchanged.

CSRF: the cookie is `SameSite=Strict`, and a state-changing call through the pass-through must
carry the `X-Dukungan-Web` header, which no cross-site form can send and no cross-origin
script can add without a CORS pre-flight we never grant.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.requests import cookie_parser
from starlette.types import Receive, Scope, Send

from dukungan import errors
from dukungan.runtime import Runtime
from dukungan.services.auth import Principal, authenticate

COOKIE = "dukungan_session"
LANG_COOKIE = "dukungan_lang"
CSRF_HEADER = "x-dukungan-web"
SESSION_SECONDS = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def sign_in(rt: Runtime, token: str) -> Principal:
    """The caller behind `token`, or `errors.Unauthorized`."""
    with rt.db.session() as session:
        return authenticate(session, token.strip(), rt.settings.admin_token)


def set_session(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token.strip(), max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def page_principal(request: Request) -> Principal:
    """Who is looking at a page; no valid cookie -> 303 to the sign-in page."""
    token = request.cookies.get(COOKIE)
    if token:
        try:
            return sign_in(request.app.state.rt, token)
        except errors.Unauthorized:
            pass
    raise HTTPException(status_code=HTTPStatus.SEE_OTHER, headers={"Location": "/signin"})


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class ApiPassThrough:
    """ASGI endpoint for `/web/api/{path}`: re-enters the app at `/api/{path}` with the bearer token.

    The request body and the answer stream through untouched (uploads show real progress).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rest = str(scope.get("path_params", {}).get("path", ""))
        if not rest.startswith("v1/"):
            await _refusal(404, "NOT_FOUND", "only /web/api/v1/... passes through")(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"authorization", b"cookie")]
        raw_cookie = next((v for k, v in scope["headers"] if k == b"cookie"), b"").decode("latin-1")
        token = cookie_parser(raw_cookie).get(COOKIE)
        if scope["method"] not in SAFE_METHODS and not any(k == CSRF_HEADER.encode() for k, _ in headers):
            refusal = _refusal(403, "CSRF", f"a page call must carry the {CSRF_HEADER} header")
            await refusal(scope, receive, send)
            return
        if token:
            headers.append((b"authorization", b"Bearer " + token.encode("latin-1")))
        path = "/api/" + rest
        inner = {k: v for k, v in scope.items() if k not in ("path_params", "endpoint", "route", "router")}
        inner.update(path=path, raw_path=path.encode(), headers=headers, root_path="")
        await scope["app"](inner, receive, send)
