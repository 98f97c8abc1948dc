"""Taking uploads in: every byte is stored before anything else happens.

Each uploaded file (or ZIP member) becomes one Document. A file the pipeline cannot take
(empty, not a PDF/JPEG/PNG/TIFF, an unsafe archive member) is still stored and becomes a
`failed` document with an error code, so nothing is lost silently and the operator sees why.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.runtime import Runtime
from dukungan.services.audit import record
from pipelines import containers
from pipelines.domain import DocumentStatus, SubmissionStatus
from storage import objects
from storage.models import Document, Submission

log = logging.getLogger(__name__)

PIPELINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/tiff"}
ZIP = "application/zip"
ACTOR_PROCESS = "process_document"


@dataclass(frozen=True)
class _Spooled:
    filename: str
    path: Path
    sha256: str
    size: int
    content_type: str | None
    error: tuple[str, str] | None = None  # (code, message) when the file cannot be processed


def _sniff(path: Path) -> str | None:
    with path.open("rb") as f:
        return containers.sniff_type(f.read(containers.SNIFF_BYTES))


def _spool(stream: BinaryIO, filename: str, tmp: Path, max_bytes: int) -> _Spooled:
    try:
        sp = objects.spool_and_hash(stream, tmp, max_bytes)
    except objects.TooLarge as exc:
        raise errors.TooLarge(f"{filename}: larger than the limit of {exc.max_bytes} bytes") from None
    if sp.size == 0:
        return _Spooled(filename, sp.path, sp.sha256, 0, None, ("EMPTY_FILE", "the file is empty"))
    ctype = _sniff(sp.path)
    if ctype is None:
        return _Spooled(filename, sp.path, sp.sha256, sp.size, None,
                        ("UNSUPPORTED_TYPE", "not a PDF, JPEG, PNG, TIFF or ZIP (checked by its content, "
                                             "not its name)"))
    return _Spooled(filename, sp.path, sp.sha256, sp.size, ctype)


def _unpack(rt: Runtime, archive: _Spooled, tmp: Path) -> list[_Spooled]:
    """Each member of a ZIP becomes a file of its own, in the archive's order."""
    s = rt.settings
    out: list[_Spooled] = []
    try:
        for member in containers.iter_zip_members(
            archive.path, max_members=s.max_zip_members, max_total_bytes=s.max_upload_bytes * 5,
            max_ratio=s.max_zip_ratio,
        ):
            sp = _spool(member.stream, member.name, tmp, s.max_upload_bytes)
            if sp.content_type == ZIP:
                sp = _Spooled(sp.filename, sp.path, sp.sha256, sp.size, ZIP,
                              ("UNSUPPORTED_TYPE", "a ZIP inside a ZIP is not unpacked; upload it on its own"))
            out.append(sp)
    except containers.ArchiveError as exc:
        for sp in out:
            sp.path.unlink(missing_ok=True)
        return [_Spooled(archive.filename, archive.path, archive.sha256, archive.size, ZIP,
                         (exc.code, str(exc)))]
    return out


def ingest_uploads(rt: Runtime, submission_id: str, files: list[tuple[str, BinaryIO]],
                   actor_id: str) -> list[Document]:
    """Store every file, create its Document, commit, then queue the new ones for reading."""
    with rt.db.session() as session:
        _open_submission(session, submission_id)
    tmp = Path(tempfile.mkdtemp(prefix="dukungan-upload-"))
    try:
        spooled: list[_Spooled] = []
        for filename, stream in files:  # spool all first: a 413 stores nothing of this request
            spooled.append(_spool(stream, _clean_name(filename), tmp, rt.settings.max_upload_bytes))
        expanded: list[_Spooled] = []
        for sp in spooled:
            rt.store.put_original_file(sp.path, sp.content_type or "application/octet-stream")
            if sp.content_type == ZIP and sp.error is None:
                expanded.extend(_unpack(rt, sp, tmp))
            else:
                expanded.append(sp)
        for sp in expanded:
            rt.store.put_original_file(sp.path, sp.content_type or "application/octet-stream")
        with rt.db.session() as session:
            sub = _open_submission(session, submission_id)
            docs = [_document_for(session, sub, sp, actor_id) for sp in expanded]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for doc in docs:
        if doc.status == DocumentStatus.RECEIVED:
            rt.send(ACTOR_PROCESS, doc.id)
    return docs


def _open_submission(session: Session, submission_id: str) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise errors.NotFound.of("submission", submission_id)
    if sub.status != SubmissionStatus.OPEN:
        raise errors.SubmissionNotOpen(submission_id, sub.status)
    return sub


def _clean_name(filename: str | None) -> str:
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:300] or "upload"


def _document_for(session: Session, sub: Submission, sp: _Spooled, actor_id: str) -> Document:
    now = dt.datetime.now(dt.UTC)
    earlier = session.scalars(
        select(Document).where(Document.candidate_id == sub.candidate_id, Document.sha256 == sp.sha256,
                               Document.duplicate_of.is_(None))
        .order_by(Document.created_at).limit(1)
    ).first()
    doc = Document(submission_id=sub.id, candidate_id=sub.candidate_id, filename=sp.filename,
                   sha256=sp.sha256, size=sp.size, content_type=sp.content_type or "application/octet-stream")
    if earlier is not None:
        # The same bytes again: nothing new to read; point at the document that holds the results.
        doc.duplicate_of = earlier.id
        doc.status = DocumentStatus.DONE
        doc.pages = earlier.pages
        doc.finished_at = now
    elif sp.error is not None:
        doc.status = DocumentStatus.FAILED
        doc.error_code, doc.error_message = sp.error
        doc.finished_at = now
    session.add(doc)
    session.flush()
    record(session, actor_id, "document.upload", doc.id, None,
           {"filename": doc.filename, "sha256": doc.sha256, "size": doc.size, "status": doc.status,
            "duplicate_of": doc.duplicate_of, "error": doc.error_code})
    return doc
