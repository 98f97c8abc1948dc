"""Shared fixtures. The plugins hold the real services (S3, PostgreSQL, Redis); below them, the
API's fixtures: a migrated database on SQLite and on PostgreSQL, a runtime, and a client."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.conftest_s3", "tests.conftest_services"]

# -- the API's fixtures: a migrated database on SQLite and on PostgreSQL, a runtime, a client ----

ADMIN_TOKEN = "test-bootstrap-admin-9c1f0a"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head (Alembic), once per test session and backend.

    PostgreSQL is a throw-away database on 127.0.0.1:5432, dropped at the end; unreachable, the
    PostgreSQL half is skipped locally and fails under CI.
    """
    from storage.migrate import upgrade
    from tests.conftest_services import postgres_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'api.sqlite3'}"
        upgrade(url)
        yield url
    else:
        with postgres_database() as url:
            upgrade(url)
            yield url


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """A Runtime on the test database and a temp object store; `rt.extras["sent"]` logs messages."""
    from dukungan.runtime import Runtime
    from dukungan.settings import Settings

    settings = Settings(database_url=database_url, storage_url=f"file://{tmp_path / 'objects'}",
                        admin_token=ADMIN_TOKEN, max_upload_bytes=4 * 1024 * 1024)
    sent: list[tuple[Any, ...]] = []
    rt = Runtime.build(settings, send=lambda *args, **_kw: sent.append(args))
    rt.extras["sent"] = sent
    yield rt
    rt.close()


@pytest.fixture
def api(runtime: Any) -> Iterator[Any]:
    """A TestClient of `create_app(runtime)`, lifespan included."""
    from fastapi.testclient import TestClient

    from ingest_api.app import create_app

    with TestClient(create_app(runtime)) as client:
        yield client


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def make_user(api: Any, admin: dict[str, str]) -> Callable[..., dict[str, str]]:
    """`make_user("operator")` → the Authorization headers of a new user of that role."""

    def make(role: str, candidate_id: str | None = None) -> dict[str, str]:
        body: dict[str, Any] = {"name": f"{role} {uuid.uuid4().hex[:6]}", "role": role}
        if candidate_id is not None:
            body["candidate_id"] = candidate_id
        r = api.post("/api/v1/users", json=body, headers=admin)
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return make


@pytest.fixture
def race(api: Any, admin: dict[str, str]) -> Callable[..., dict[str, Any]]:
    """`race(region_code="3171")` → {"election": …, "candidates": [two candidates]} made through the API."""

    def make(region_code: str = "3171", candidates: int = 2) -> dict[str, Any]:
        r = api.post("/api/v1/elections", headers=admin, json={
            "code": f"T-{uuid.uuid4().hex[:10]}", "name": "Pilkada uji", "region_code": region_code,
            "voting_date": dt.date(2024, 11, 27).isoformat()})
        assert r.status_code == 201, r.text
        election = r.json()
        made = []
        for i in range(candidates):
            c = api.post(f"/api/v1/elections/{election['id']}/candidates", headers=admin,
                         json={"name": f"Calon {i + 1}", "running_mate": f"Wakil {i + 1}"})
            assert c.status_code == 201, c.text
            made.append(c.json())
        return {"election": election, "candidates": made}

    return make


class Seeder:
    """Rows written straight into the database, for tests of what the API reads back."""

    def __init__(self, rt: Any) -> None:
        self.rt = rt
        self._n = 0

    def submission(self, candidate_id: str, kind: str = "initial", status: str = "open") -> str:
        from storage.models import Submission

        with self.rt.db.session() as s:
            sub = Submission(candidate_id=candidate_id, kind=kind, status=status)
            s.add(sub)
            s.flush()
            return sub.id

    def document(self, submission_id: str, status: str = "done", pages: int | None = 1,
                 error: tuple[str, str] | None = None) -> str:
        from storage.models import Document, Submission

        self._n += 1
        with self.rt.db.session() as s:
            sub = s.get(Submission, submission_id)
            assert sub is not None
            doc = Document(submission_id=submission_id, candidate_id=sub.candidate_id,
                           filename=f"scan-{self._n}.pdf", sha256=uuid.uuid4().hex * 2, size=1234,
                           content_type="application/pdf", status=status, pages=pages,
                           error_code=error[0] if error else None, error_message=error[1] if error else None)
            s.add(doc)
            s.flush()
            return doc.id

    def supporters(self, document_id: str, count: int, *, status: str = "verified",
                   reasons: list[str] | None = None, district_code: str | None = None, page: int = 1,
                   nik: str | None = None, **extra: Any) -> list[str]:
        """`count` entries on `page` of the document, rows numbered after those already there."""
        from sqlalchemy import func, select

        from storage.models import Candidate, Document, Supporter

        with self.rt.db.session() as s:
            doc = s.get(Document, document_id)
            assert doc is not None
            cand = s.get(Candidate, doc.candidate_id)
            assert cand is not None
            start = s.scalar(select(func.coalesce(func.max(Supporter.row), 0))
                             .where(Supporter.document_id == document_id, Supporter.page == page)) or 0
            rows = [Supporter(election_id=cand.election_id, candidate_id=cand.id,
                              submission_id=doc.submission_id, document_id=doc.id, page=page,
                              row=start + i + 1, nik=nik, name=f"PENDUKUNG {start + i + 1}", status=status,
                              reasons=list(reasons or []), district_code=district_code, confidence=0.9,
                              **extra)
                    for i in range(count)]
            s.add_all(rows)
            s.flush()
            return [r.id for r in rows]


@pytest.fixture
def seed(runtime: Any) -> Seeder:
    return Seeder(runtime)
