"""The FastAPI application, built by `create_app(rt)`: no globals, the runtime rides on app.state.

Errors: services raise `dukungan.errors.DukunganError`; one handler here turns each into its
HTTP status and the body `{"error": {"code", "message", "details"?}}`. Request validation
errors and framework HTTP errors get the same shape.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException as StarletteHTTPException

from dukungan.errors import DukunganError
from dukungan.runtime import Runtime
from ingest_api.middleware import BodySizeLimit, RequestMetrics
from ingest_api.routes import admin, documents, service, supporters

log = logging.getLogger(__name__)

# Routers of other modules, included when present (the review queue and the web pages).
OPTIONAL_ROUTERS = ("ingest_api.routes.review", "ingest_api.routes.pages")
MULTIPART_SLACK = 1024 * 1024  # part headers and boundaries around the files themselves
VOTER_LIST_FACTOR = 10  # a voter list may be ten times an upload (as `services.dpt` allows)

DESCRIPTION = """Reads and checks the support documents of independent candidates (KPU Pilkada).

Every `/api/v1` call takes `Authorization: Bearer <token>`: 401 without a known token, 403 when
the role may not make the call, 404 when the object is outside the caller's scope. A
`candidate` user sees its own pair only; `admin`, `operator` and `verifier` work across all
candidates of the deployment (one election commission). Errors answer
`{"error": {"code", "message"}}`.
"""


def _error(status: int, code: str, message: str, details: dict[str, Any] | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def handle_dukungan_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DukunganError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return _error(exc.status, exc.code, exc.message, exc.details, headers)


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only where and what: the offending input may be personal data (a NIK), so it stays out.
    problems = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                for e in exc.errors()]
    first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    return _error(422, "VALIDATION_FAILED", f"{where}: {first['msg']}" if where else str(first["msg"]),
                  {"errors": problems})


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return _error(exc.status_code, f"HTTP_{exc.status_code}", str(exc.detail), headers=headers)


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _error(500, "INTERNAL", "internal error; the server log has the details")


def _optional_router(module: str) -> APIRouter | None:
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise  # the module exists but something it imports does not: say so
    router: APIRouter = found.router
    return router


def create_app(rt: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            rt.close()

    app = FastAPI(title="dukungan", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.rt = rt

    registry = CollectorRegistry()
    requests = Counter("dukungan_http_requests", "HTTP requests by route template and status",
                       ["method", "route", "status"], registry=registry)
    latency = Histogram("dukungan_http_request_duration_seconds", "HTTP request latency by route template",
                        ["method", "route"], registry=registry)
    registry.register(service.DatabaseCollector(rt))
    app.state.metrics_registry = registry

    app.add_exception_handler(DukunganError, handle_dukungan_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)

    for router in (service.router, admin.router, documents.router, supporters.router):
        app.include_router(router)
    for module in OPTIONAL_ROUTERS:
        optional = _optional_router(module)
        if optional is not None:
            app.include_router(optional)

    max_bytes = rt.settings.max_upload_bytes
    app.add_middleware(BodySizeLimit, rules=[
        (r"/api/v1/submissions/[^/]+/documents", max_bytes + MULTIPART_SLACK),
        (r"/api/v1/elections/[^/]+/voters", max_bytes * VOTER_LIST_FACTOR + MULTIPART_SLACK),
    ])
    app.add_middleware(RequestMetrics, requests=requests, latency=latency)  # outermost: sees every answer
    return app
