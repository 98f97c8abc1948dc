"""End to end on real parts: the HTTP API and a worker as processes, PostgreSQL, Redis and S3.

The fictional specimen e-KTP goes in through the API; its NIK must come out exactly. Bad files
in the same submission end `failed` with a code, and nothing is stuck or lost.
"""

from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest_s3 import S3Server, skip_or_fail
from tests.conftest_services import postgres_database, running_stack
from tests.shared import EXTERNAL

SHARED = EXTERNAL
SPECIMEN = SHARED / "ktp-specimen-chawza" / "image_clean.jpeg"
INVALID_PDF = SHARED / "ocrmypdf-resources" / "invalid.pdf"
VOTERS = (
    "nik,nkk,name,birth_place,birth_date,sex,marital_status,address,rt,rw,district_code,tps\n"
    "3171015708450001,3171010101010001,SITI CONTOH,JAKARTA,1945-08-17,P,S,JL. CONTOH 1,001,002,317101,001\n"
    "3171011708450002,3171010101010002,BUDI CONTOH,JAKARTA,1945-08-17,L,S,JL. CONTOH 2,001,002,317101,001\n"
    "12345,,BAD ROW,JAKARTA,1990-01-01,L,B,JL. X,001,001,317101,001\n"
)

pytestmark = pytest.mark.slow


def _wait(client: httpx.Client, path: str, done: Any, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(path).raise_for_status().json()
        if done(body):
            return body
        time.sleep(0.5)
    raise AssertionError(f"{path} did not finish: {body}")


@pytest.fixture
def stack(tmp_path: Path, s3_server: S3Server, redis_url: str):  # type: ignore[no-untyped-def]
    if not SPECIMEN.exists():
        skip_or_fail(f"the shared specimen is not at {SPECIMEN}")
    token = secrets.token_urlsafe(24)
    with postgres_database() as pg:
        env = {
            "DUKUNGAN_DATABASE_URL": pg,
            "DUKUNGAN_BROKER_URL": redis_url,
            "DUKUNGAN_STORAGE_URL": s3_server.url(f"e2e-{uuid.uuid4().hex[:8]}"),
            "DUKUNGAN_ADMIN_TOKEN": token,
            "DUKUNGAN_QUEUE_NAME": f"e2e-{uuid.uuid4().hex[:8]}",
        }
        with running_stack(env, tmp_path) as st:
            st.token = token  # type: ignore[attr-defined]
            yield st


def test_specimen_ktp_nik_read_exactly_through_real_services(stack) -> None:  # type: ignore[no-untyped-def]
    admin = httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {stack.token}"}, timeout=60)
    try:
        el = admin.post("/api/v1/elections", json={"code": "E2E-31", "name": "Pilgub DKI (test)",
                                                   "region_code": "31", "voting_date": "2024-11-27"})
        assert el.status_code == 201, el.text
        election = el.json()
        imp = admin.post(f"/api/v1/elections/{election['id']}/voters",
                         files={"file": ("dpt.csv", VOTERS.encode(), "text/csv")})
        assert imp.status_code == 202, imp.text
        job = _wait(admin, f"/api/v1/imports/{imp.json()['import_id']}", lambda b: b["status"] != "running")
        assert (job["status"], job["rows_loaded"], job["rows_rejected"]) == ("done", 2, 1), job
        assert job["errors"][0]["line"] == 4
        cand = admin.post(f"/api/v1/elections/{election['id']}/candidates",
                          json={"name": "Calon Satu", "running_mate": "Wakil Satu"}).json()
        op_user = admin.post("/api/v1/users", json={"name": "operator e2e", "role": "operator"}).json()
        op = httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {op_user['token']}"},
                          timeout=60)
        sub = op.post(f"/api/v1/candidates/{cand['id']}/submissions", json={"kind": "initial"}).json()
        files = [
            ("file", ("ktp.jpeg", SPECIMEN.read_bytes(), "image/jpeg")),
            ("file", ("empty.pdf", b"", "application/pdf")),
            ("file", ("notes.pdf", b"this is a text file, not a PDF\n" * 20, "application/pdf")),
            ("file", ("invalid.pdf", INVALID_PDF.read_bytes(), "application/pdf")),
        ]
        up = op.post(f"/api/v1/submissions/{sub['id']}/documents", files=files)
        assert up.status_code == 202, up.text
        docs = up.json()["documents"]
        assert [d["filename"] for d in docs] == ["ktp.jpeg", "empty.pdf", "notes.pdf", "invalid.pdf"]
        final = {d["filename"]: _wait(op, f"/api/v1/documents/{d['id']}",
                                      lambda b: b["status"] in ("done", "failed")) for d in docs}
        assert final["ktp.jpeg"]["status"] == "done", (final["ktp.jpeg"], stack.tail())
        assert final["ktp.jpeg"]["pages"] == 1
        assert final["empty.pdf"]["error"]["code"] == "EMPTY_FILE"
        assert final["notes.pdf"]["error"]["code"] == "UNSUPPORTED_TYPE"
        assert final["invalid.pdf"]["status"] == "failed"
        assert final["invalid.pdf"]["error"]["code"] == "PDF_CORRUPT"

        cards = admin.get(f"/api/v1/candidates/{cand['id']}/id-cards").json()["items"]
        assert [c["nik"] for c in cards] == ["3171234567890123"], cards
        assert cards[0]["name"] == "MIRA SETIAWAN"
        image = admin.get(f"/api/v1/documents/{docs[0]['id']}/pages/1/image")
        assert image.status_code == 200 and image.headers["content-type"].startswith("image/")

        again = op.post(f"/api/v1/submissions/{sub['id']}/documents",
                        files={"file": ("again.jpg", SPECIMEN.read_bytes(), "image/jpeg")}).json()
        assert again["documents"][0]["duplicate_of"] == docs[0]["id"]

        assert op.post(f"/api/v1/submissions/{sub['id']}/close").status_code == 202
        closed = _wait(op, f"/api/v1/submissions/{sub['id']}", lambda b: b["status"] == "closed")
        assert closed["closed_at"]
        late = op.post(f"/api/v1/submissions/{sub['id']}/documents",
                       files={"file": ("late.jpg", SPECIMEN.read_bytes(), "image/jpeg")})
        assert late.status_code == 409
    finally:
        admin.close()
