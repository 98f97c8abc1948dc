"""The service endpoints (health, readiness, metrics), /openapi.json, and the error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukungan import errors
from storage.objects import ObjectStoreUnavailable

API = "/api/v1"

# Every path of API.md (the review ones come from the review module when it is present).
PUBLISHED = [
    "/api/v1/users",
    "/api/v1/elections",
    "/api/v1/elections/{}/voters",
    "/api/v1/imports/{}",
    "/api/v1/elections/{}/candidates",
    "/api/v1/candidates/{}/submissions",
    "/api/v1/submissions/{}/documents",
    "/api/v1/documents/{}",
    "/api/v1/documents/{}/pages/{}/image",
    "/api/v1/submissions/{}/close",
    "/api/v1/submissions/{}",
    "/api/v1/candidates/{}/supporters",
    "/api/v1/candidates/{}/id-cards",
    "/api/v1/candidates/{}/status",
    "/api/v1/candidates/{}/export.csv",
    "/api/v1/audit",
    "/healthz",
    "/readyz",
    "/metrics",
]
REVIEW = ["/api/v1/review/claim", "/api/v1/review/items/{}/renew", "/api/v1/review/items/{}/decision"]


def _flat(path: str) -> str:
    return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))


def test_healthz_needs_no_token(api: Any) -> None:
    r = api.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_checks_database_store_and_broker(api: Any, runtime: Any) -> None:
    r = api.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"]["database"] == "ok" and r.json()["checks"]["object_store"] == "ok"
    runtime.extras["broker_ping"] = lambda: None
    assert api.get("/readyz").json()["checks"]["broker"] == "ok"


def test_readyz_is_503_naming_the_failing_part(
    api: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down() -> None:
        raise ConnectionError("DUKUNGAN_BROKER_URL: cannot reach redis://127.0.0.1:1/0")

    runtime.extras["broker_ping"] = broker_down
    r = api.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"].startswith("DUKUNGAN_BROKER_URL")
    assert body["checks"]["database"] == "ok"

    def store_down() -> None:
        raise ObjectStoreUnavailable("object store directory /nowhere does not exist")

    runtime.extras["broker_ping"] = lambda: None
    monkeypatch.setattr(runtime.store, "ping", store_down)
    r = api.get("/readyz")
    assert r.status_code == 503 and "does not exist" in r.json()["checks"]["object_store"]


def test_metrics_count_requests_by_route_template_and_documents_by_status(
    api: Any, admin: dict[str, str], race: Callable[..., Any], seed: Any
) -> None:
    cand = race()["candidates"][0]["id"]
    sub = seed.submission(cand)
    seed.document(sub, status="failed")
    api.get(f"{API}/candidates/{cand}/status", headers=admin)
    api.get("/no/such/path")
    text = api.get("/metrics").text
    assert "# TYPE dukungan_http_requests_total counter" in text
    assert 'route="/api/v1/candidates/{candidate_id}/status"' in text
    assert cand not in text  # templates, never ids
    assert 'route="unmatched"' in text
    assert "dukungan_http_request_duration_seconds_bucket" in text
    failed = [line for line in text.splitlines() if line.startswith('dukungan_documents{status="failed"}')]
    assert failed and float(failed[0].split()[-1]) >= 1


def test_openapi_describes_every_published_endpoint(api: Any) -> None:
    spec = api.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    have = {_flat(p) for p in paths}
    missing = [p for p in PUBLISHED if _flat(p) not in have]
    assert not missing
    assert "bearer" in str(spec.json()["components"]["securitySchemes"]).lower()
    upload = paths["/api/v1/submissions/{submission_id}/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"202", "401", "403", "404", "409", "413"} <= set(upload["responses"])


def test_openapi_has_the_review_paths_when_that_module_is_present(api: Any) -> None:
    try:
        import ingest_api.routes.review  # noqa: F401
    except ModuleNotFoundError:
        pytest.skip("the review module is not there yet")
    have = {_flat(p) for p in api.get("/openapi.json").json()["paths"]}
    assert all(_flat(p) in have for p in REVIEW)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (errors.NotFound("x"), 404),
        (errors.Forbidden("x"), 403),
        (errors.SubmissionNotOpen("s1", "closed"), 409),
        (errors.TooLarge("x"), 413),
        (errors.UnsupportedMedia("x"), 415),
        (errors.BadInput("x"), 422),
        (errors.Unauthorized("x"), 401),
    ],
)
def test_one_handler_maps_the_error_tree(runtime: Any, exc: errors.DukunganError, status: int) -> None:
    from fastapi.testclient import TestClient

    from ingest_api.app import create_app

    app = create_app(runtime)

    @app.get("/boom")
    def boom() -> None:
        raise exc

    with TestClient(app) as client:
        r = client.get("/boom")
    assert r.status_code == status
    assert r.json()["error"]["code"] == exc.code and r.json()["error"]["message"] == exc.message


def test_an_unexpected_error_is_a_500_without_internals(runtime: Any) -> None:
    from fastapi.testclient import TestClient

    from ingest_api.app import create_app

    app = create_app(runtime)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("secret internals 3171015708450001")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/crash")
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "INTERNAL" and "3171015708450001" not in r.text


def test_the_runtime_is_disposed_when_the_app_stops(runtime: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from ingest_api.app import create_app

    closed: list[bool] = []
    monkeypatch.setattr(runtime, "close", lambda: closed.append(True))
    with TestClient(create_app(runtime)):
        assert not closed
    assert closed == [True]
