"""Submissions and documents over HTTP: open, upload, read back, page images, close; and scope."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image

from storage.models import Page
from tests.conftest import Seeder

API = "/api/v1"


def image_bytes(fmt: str = "PNG", color: str = "white", size: tuple[int, int] = (32, 24)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


@pytest.fixture
def opened(api: Any, race: Callable[..., Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """An election with two candidates, an operator, and an open submission of candidate 0."""
    r = race()
    op = make_user("operator")
    sub = api.post(
        f"{API}/candidates/{r['candidates'][0]['id']}/submissions", headers=op, json={"kind": "initial"}
    )
    assert sub.status_code == 201, sub.text
    return {**r, "operator": op, "submission": sub.json()}


# -- submissions -------------------------------------------------------------------------------------


def test_a_submission_is_opened_by_an_operator(opened: dict[str, Any]) -> None:
    sub = opened["submission"]
    assert set(sub) == {"id", "candidate_id", "kind", "status", "created_at", "closed_at"}
    assert sub["status"] == "open" and sub["kind"] == "initial" and sub["closed_at"] is None
    assert sub["candidate_id"] == opened["candidates"][0]["id"]
    assert sub["created_at"].endswith(("Z", "+00:00"))


def test_submission_kind_is_validated_and_the_candidate_must_exist(api: Any, opened: dict[str, Any]) -> None:
    cand, op = opened["candidates"][0]["id"], opened["operator"]
    assert (
        api.post(f"{API}/candidates/{cand}/submissions", headers=op, json={"kind": "final"}).status_code
        == 422
    )
    assert api.post(f"{API}/candidates/{cand}/submissions", headers=op, json={}).status_code == 422
    assert (
        api.post(f"{API}/candidates/nope/submissions", headers=op, json={"kind": "repair"}).status_code == 404
    )
    assert (
        api.post(f"{API}/candidates/{cand}/submissions", headers=op, json={"kind": "repair"}).status_code
        == 201
    )


@pytest.mark.parametrize("role", ["verifier", "candidate"])
def test_only_operators_and_admins_open_upload_and_close(
    api: Any, opened: dict[str, Any], make_user: Callable[..., Any], role: str
) -> None:
    cand = opened["candidates"][0]["id"]
    who = make_user(role, cand if role == "candidate" else None)
    sub = opened["submission"]["id"]
    # 403 even for the candidate's own objects: the role is checked before the scope
    assert (
        api.post(f"{API}/candidates/{cand}/submissions", headers=who, json={"kind": "initial"}).status_code
        == 403
    )
    assert (
        api.post(
            f"{API}/submissions/{sub}/documents",
            headers=who,
            files={"file": ("a.png", image_bytes(), "image/png")},
        ).status_code
        == 403
    )
    assert api.post(f"{API}/submissions/{sub}/close", headers=who).status_code == 403


def test_the_admin_may_do_what_operators_do(api: Any, admin: dict[str, str], opened: dict[str, Any]) -> None:
    cand = opened["candidates"][0]["id"]
    assert (
        api.post(f"{API}/candidates/{cand}/submissions", headers=admin, json={"kind": "repair"}).status_code
        == 201
    )


# -- uploads -----------------------------------------------------------------------------------------


def test_upload_answers_documents_and_queues_them(api: Any, runtime: Any, opened: dict[str, Any]) -> None:
    sub = opened["submission"]["id"]
    r = api.post(
        f"{API}/submissions/{sub}/documents",
        headers=opened["operator"],
        files=[
            ("file", ("one.png", image_bytes("PNG"), "image/png")),
            ("file", ("two.jpg", image_bytes("JPEG", "gray"), "image/jpeg")),
        ],
    )
    assert r.status_code == 202, r.text
    docs = r.json()["documents"]
    assert [d["filename"] for d in docs] == ["one.png", "two.jpg"]
    assert [d["content_type"] for d in docs] == ["image/png", "image/jpeg"]
    for d in docs:
        assert set(d) == {
            "id",
            "submission_id",
            "filename",
            "sha256",
            "size",
            "content_type",
            "status",
            "pages",
            "error",
            "duplicate_of",
            "created_at",
            "finished_at",
        }
        assert d["status"] == "received" and d["error"] is None and d["duplicate_of"] is None
        assert d["submission_id"] == sub
        assert ("process_document", d["id"]) in runtime.extras["sent"]
    got = api.get(f"{API}/documents/{docs[0]['id']}", headers=opened["operator"])
    assert got.status_code == 200 and got.json() == docs[0]


def test_the_same_bytes_again_are_a_duplicate(api: Any, opened: dict[str, Any]) -> None:
    sub, op = opened["submission"]["id"], opened["operator"]
    data = image_bytes("PNG", "red")
    first = api.post(
        f"{API}/submissions/{sub}/documents", headers=op, files={"file": ("a.png", data, "image/png")}
    )
    again = api.post(
        f"{API}/submissions/{sub}/documents",
        headers=op,
        files={"file": ("renamed.bin", data, "application/octet-stream")},
    )
    assert again.status_code == 202
    assert again.json()["documents"][0]["duplicate_of"] == first.json()["documents"][0]["id"]


def test_a_zip_becomes_one_document_per_member_in_order(api: Any, opened: dict[str, Any]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("b/second.png", image_bytes("PNG", "blue"))
        z.writestr("a/first.jpg", image_bytes("JPEG", "green"))
    r = api.post(
        f"{API}/submissions/{opened['submission']['id']}/documents",
        headers=opened["operator"],
        files={"file": ("batch.zip", buf.getvalue(), "application/zip")},
    )
    assert r.status_code == 202, r.text
    docs = r.json()["documents"]
    assert [d["content_type"] for d in docs] == ["image/png", "image/jpeg"]
    assert [d["filename"].rsplit("/", 1)[-1] for d in docs] == ["second.png", "first.jpg"]


def test_an_unreadable_file_is_kept_as_a_failed_document_with_an_error(
    api: Any, opened: dict[str, Any]
) -> None:
    r = api.post(
        f"{API}/submissions/{opened['submission']['id']}/documents",
        headers=opened["operator"],
        files={"file": ("notes.txt", b"just some text, not a scan", "text/plain")},
    )
    assert r.status_code in (202, 415), r.text
    if r.status_code == 202:
        [doc] = r.json()["documents"]
        assert doc["status"] == "failed"
        assert set(doc["error"]) == {"code", "message"} and doc["error"]["code"]


def test_upload_needs_a_file_field(api: Any, opened: dict[str, Any]) -> None:
    r = api.post(
        f"{API}/submissions/{opened['submission']['id']}/documents",
        headers=opened["operator"],
        data={"note": "no file"},
    )
    assert r.status_code == 422


def test_too_large_by_content_length_is_413_before_reading(
    api: Any, runtime: Any, opened: dict[str, Any]
) -> None:
    limit = runtime.settings.max_upload_bytes
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (limit + 2 * 1024 * 1024)
    r = api.post(
        f"{API}/submissions/{opened['submission']['id']}/documents",
        headers=opened["operator"],
        files={"file": ("big.png", big, "image/png")},
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "TOO_LARGE"


def test_too_large_without_content_length_is_cut_off_at_413(
    api: Any, runtime: Any, opened: dict[str, Any]
) -> None:
    limit = runtime.settings.max_upload_bytes
    boundary = "xyzzy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    sent = {"bytes": 0}

    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length
        yield head
        for _ in range(limit // (256 * 1024) + 8):
            sent["bytes"] += 256 * 1024
            yield b"\0" * (256 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = api.post(
        f"{API}/submissions/{opened['submission']['id']}/documents",
        content=chunks(),
        headers={**opened["operator"], "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 413


def test_a_file_over_the_limit_inside_the_request_is_413(
    api: Any, runtime: Any, opened: dict[str, Any]
) -> None:
    """Under the request limit (it has slack for multipart framing) but over the per-file one."""
    over = b"\x89PNG\r\n\x1a\n" + b"\0" * (runtime.settings.max_upload_bytes + 10)
    r = api.post(
        f"{API}/submissions/{opened['submission']['id']}/documents",
        headers=opened["operator"],
        files={"file": ("big.png", over, "image/png")},
    )
    assert r.status_code == 413


# -- documents, pages ------------------------------------------------------------------------------


def test_a_failed_document_carries_its_error(
    api: Any, admin: dict[str, str], seed: Seeder, opened: dict[str, Any]
) -> None:
    doc = seed.document(
        opened["submission"]["id"],
        status="failed",
        pages=None,
        error=("PDF_ENCRYPTED", "the PDF is password-protected"),
    )
    got = api.get(f"{API}/documents/{doc}", headers=admin).json()
    assert got["status"] == "failed"
    assert got["error"] == {"code": "PDF_ENCRYPTED", "message": "the PDF is password-protected"}
    assert api.get(f"{API}/documents/nope", headers=admin).status_code == 404


def test_page_images_are_served_with_their_type(
    api: Any, admin: dict[str, str], runtime: Any, seed: Seeder, opened: dict[str, Any]
) -> None:
    doc = seed.document(opened["submission"]["id"], pages=2)
    png, jpg = image_bytes("PNG"), image_bytes("JPEG")
    runtime.store.put(f"derived/{'a' * 64}/pages/0001.png", png, "image/png")
    runtime.store.put(f"derived/{'a' * 64}/pages/0002.jpg", jpg, "image/jpeg")
    with runtime.db.session() as s:
        s.add(Page(document_id=doc, number=1, image_key=f"derived/{'a' * 64}/pages/0001.png"))
        s.add(Page(document_id=doc, number=2, image_key=f"derived/{'a' * 64}/pages/0002.jpg"))
    one = api.get(f"{API}/documents/{doc}/pages/1/image", headers=admin)
    assert one.status_code == 200 and one.headers["content-type"] == "image/png" and one.content == png
    two = api.get(f"{API}/documents/{doc}/pages/2/image", headers=admin)
    assert two.headers["content-type"] == "image/jpeg" and two.content == jpg
    assert (
        api.get(f"{API}/documents/{doc}/pages/3/image", headers=admin).json()["error"]["code"]
        == "PAGE_NOT_FOUND"
    )
    assert api.get(f"{API}/documents/{doc}/pages/0/image", headers=admin).status_code == 422


def test_a_page_not_rendered_yet_is_404(
    api: Any, admin: dict[str, str], runtime: Any, seed: Seeder, opened: dict[str, Any]
) -> None:
    doc = seed.document(opened["submission"]["id"], status="processing")
    with runtime.db.session() as s:
        s.add(Page(document_id=doc, number=1))
    r = api.get(f"{API}/documents/{doc}/pages/1/image", headers=admin)
    assert r.status_code == 404 and r.json()["error"]["code"] == "PAGE_IMAGE_NOT_READY"


# -- close, and the submission with its counts ----------------------------------------------------


def test_close_answers_202_and_later_uploads_are_409(api: Any, runtime: Any, opened: dict[str, Any]) -> None:
    sub, op = opened["submission"]["id"], opened["operator"]
    r = api.post(f"{API}/submissions/{sub}/close", headers=op)
    assert r.status_code == 202, r.text
    assert r.json()["status"] in ("closing", "closed")
    assert ("reconcile_submission", sub) in runtime.extras["sent"]
    late = api.post(
        f"{API}/submissions/{sub}/documents",
        headers=op,
        files={"file": ("late.jpg", image_bytes("JPEG"), "image/jpeg")},
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "SUBMISSION_NOT_OPEN"
    assert api.post(f"{API}/submissions/nope/close", headers=op).status_code == 404


def test_a_submission_reads_back_with_its_own_counts(api: Any, seed: Seeder, opened: dict[str, Any]) -> None:
    sub = opened["submission"]["id"]
    doc = seed.document(sub, status="done")
    seed.document(sub, status="processing")
    seed.supporters(doc, 3, status="verified")
    seed.supporters(doc, 2, status="needs_review", reasons=["NOT_IN_DPT", "KTP_MISSING"])
    seed.supporters(doc, 1, status="accepted")
    other = seed.document(seed.submission(opened["candidates"][0]["id"]), status="failed")
    seed.supporters(other, 5, status="verified")  # another submission: not counted here
    got = api.get(f"{API}/submissions/{sub}", headers=opened["operator"])
    assert got.status_code == 200
    counts = got.json()["counts"]
    assert counts["documents"] == {"received": 0, "processing": 1, "done": 1, "failed": 0}
    assert counts["supporters"] == {
        "processing": 0,
        "verified": 3,
        "needs_review": 2,
        "accepted": 1,
        "rejected": 0,
        "duplicate": 0,
    }
    assert counts["counted"] == 4
    assert counts["by_reason"] == {"NOT_IN_DPT": 2, "KTP_MISSING": 2}


# -- scope: a candidate team sees its own pair's objects only -------------------------------------


def test_a_candidate_user_reads_its_own_submission_and_documents_only(
    api: Any, seed: Seeder, opened: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    mine, theirs = opened["candidates"][0]["id"], opened["candidates"][1]["id"]
    team = make_user("candidate", mine)
    my_doc = seed.document(opened["submission"]["id"])
    their_sub = seed.submission(theirs)
    their_doc = seed.document(their_sub)
    assert api.get(f"{API}/submissions/{opened['submission']['id']}", headers=team).status_code == 200
    assert api.get(f"{API}/documents/{my_doc}", headers=team).status_code == 200
    for path in (
        f"/submissions/{their_sub}",
        f"/documents/{their_doc}",
        f"/documents/{their_doc}/pages/1/image",
    ):
        r = api.get(API + path, headers=team)
        assert r.status_code == 404, path
    # the 404 of another pair's object reads exactly like a missing one
    assert (
        api.get(f"{API}/documents/{their_doc}", headers=team).json()["error"]["code"] == "DOCUMENT_NOT_FOUND"
    )


def test_verifiers_read_every_candidates_documents(
    api: Any, seed: Seeder, opened: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    verifier = make_user("verifier")
    doc = seed.document(seed.submission(opened["candidates"][1]["id"]))
    assert api.get(f"{API}/documents/{doc}", headers=verifier).status_code == 200
