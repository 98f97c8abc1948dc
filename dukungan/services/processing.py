"""The document flow's steps: split → read each page → check → done, and the submission close.

Each step is idempotent (keyed by document, page and step) and says what should happen next;
the worker actors in `workers/` only load ids, call one step, and send what it asks for.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dukungan.runtime import Runtime
from dukungan.services import checking
from dukungan.services.audit import record
from pipelines import pages as page_split
from pipelines.domain import (
    DocumentStatus,
    IdCardRead,
    PageReading,
    SubmissionStatus,
    SupporterRead,
    SupporterStatus,
)
from storage import objects
from storage.models import Candidate, Document, IdCard, Page, Submission, Supporter

log = logging.getLogger(__name__)
CHECK_BATCH = 200


@dataclass
class Next:
    """What the flow should do after a step (the worker turns this into messages)."""

    read_pages: list[int] = field(default_factory=list)
    check_document: bool = False
    reconcile_submission: str | None = None
    recheck: set[str] = field(default_factory=set)


class OriginalCache:
    """Originals fetched once per worker process (a 500-page PDF is read by many page tasks)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.gettempdir()) / "dukungan-originals"
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, rt: Runtime, sha256: str) -> Path:
        target = self.root / sha256
        if not target.exists():
            part = target.with_suffix(f".{id(self)}.part")
            rt.store.download_to(objects.original_key(sha256), part)
            part.replace(target)
        return target

    def drop(self, sha256: str) -> None:
        (self.root / sha256).unlink(missing_ok=True)


def read_page(source: page_split.PageSource, engines: Any) -> Any:
    """The reading stage (imported on first use: the API process never loads the OCR stack)."""
    from pipelines.reading import read_page_image as stage

    return stage(source, engines)


def fail_document(rt: Runtime, document_id: str, code: str, message: str) -> Next:
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        if doc is None or doc.status == DocumentStatus.DONE:
            return Next()
        before = {"status": doc.status}
        doc.status = DocumentStatus.FAILED
        doc.error_code, doc.error_message = code, message[:2000]
        doc.finished_at = dt.datetime.now(dt.UTC)
        record(session, "machine", "document.failed", doc.id, before,
               {"status": doc.status, "error": {"code": code, "message": message[:500]}})
        return Next(reconcile_submission=_closing_submission(session, doc.submission_id))


def split_document(rt: Runtime, cache: OriginalCache, document_id: str) -> Next:
    """Count the pages and create one row per page; the page images are rendered by the readers."""
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        if doc is None or doc.status in (DocumentStatus.DONE, DocumentStatus.FAILED) or doc.duplicate_of:
            return Next()
        doc.status = DocumentStatus.PROCESSING
        doc.started_at = doc.started_at or dt.datetime.now(dt.UTC)
        doc.attempts += 1
        sha, ctype = doc.sha256, doc.content_type
    try:
        n = page_split.count_pages(cache.path(rt, sha), ctype)
    except page_split.PageError as exc:
        return fail_document(rt, document_id, exc.code, str(exc))
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        assert doc is not None
        doc.pages = n
        have = set(session.scalars(select(Page.number).where(Page.document_id == document_id)))
        for number in range(1, n + 1):
            if number not in have:
                session.add(Page(document_id=document_id, number=number))
        session.flush()
        todo = list(session.scalars(select(Page.number).where(
            Page.document_id == document_id, Page.status == "split").order_by(Page.number)))
    return Next(read_pages=todo, check_document=not todo)


def read_document_page(rt: Runtime, cache: OriginalCache, engines: Any, document_id: str,
                       number: int) -> Next:
    """Render, read and save one page. Re-running replaces what an earlier run saved."""
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        page = session.scalars(select(Page).where(Page.document_id == document_id,
                                                  Page.number == number)).first()
        if doc is None or page is None or doc.status != DocumentStatus.PROCESSING or page.status != "split":
            return Next()
        sha, ctype = doc.sha256, doc.content_type
    try:
        source = page_split.load_page(cache.path(rt, sha), ctype, number, rt.settings.render_dpi)
    except page_split.PageError as exc:
        _page_failed(rt, document_id, number, exc.code)
        return _after_page(rt, document_id)
    result = read_page(source, engines)
    image_key = objects.derived_key(sha, "pages", f"{number:04d}.jpg")
    rt.store.put(image_key, _jpeg(result.image), "image/jpeg")
    _save_page(rt, document_id, number, result.reading, image_key, result.image.size)
    return _after_page(rt, document_id)


def _jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    im = image if image.mode in ("L", "RGB") else image.convert("L" if image.mode in ("1", "LA") else "RGB")
    im.save(buf, format="JPEG", quality=88, optimize=False)
    return buf.getvalue()


def _page_failed(rt: Runtime, document_id: str, number: int, code: str) -> None:
    with rt.db.session() as session:
        page = session.scalars(select(Page).where(Page.document_id == document_id,
                                                  Page.number == number)).one()
        page.status, page.error_code = "failed", code
        page.read_at = dt.datetime.now(dt.UTC)


def _after_page(rt: Runtime, document_id: str) -> Next:
    with rt.db.session() as session:
        left = session.scalar(select(func.count()).select_from(Page).where(
            Page.document_id == document_id, Page.status == "split"))
    return Next(check_document=not left)


def _save_page(rt: Runtime, document_id: str, number: int, reading: PageReading, image_key: str,
               size: tuple[int, int]) -> None:
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        assert doc is not None
        sub = session.get(Submission, doc.submission_id)
        cand = session.get(Candidate, doc.candidate_id)
        assert sub is not None and cand is not None
        page = session.scalars(select(Page).where(Page.document_id == document_id,
                                                  Page.number == number).with_for_update()).one()
        if page.status != "split":
            return
        session.execute(delete(Supporter).where(Supporter.document_id == document_id,
                                                Supporter.page == number))
        session.execute(delete(IdCard).where(IdCard.document_id == document_id, IdCard.page == number))
        for card in reading.id_cards:
            session.add(_card_row(card, doc, number))
        for entry in reading.supporters:
            session.add(_supporter_row(entry, doc, cand.election_id, number))
        page.status, page.kind, page.rotation = "read", reading.kind.value, reading.rotation
        page.image_key, page.width, page.height = image_key, size[0], size[1]
        page.notes = list(reading.notes)
        page.read_at = dt.datetime.now(dt.UTC)


def _card_row(card: IdCardRead, doc: Document, number: int) -> IdCard:
    return IdCard(candidate_id=doc.candidate_id, submission_id=doc.submission_id, document_id=doc.id,
                  page=number, index=card.index, nik=card.nik, name=card.name,
                  birth_place=card.birth_place, birth_date=card.birth_date, sex=card.sex,
                  confidence=card.confidence, nik_confidence=card.nik_confidence,
                  reasons=[r.value for r in card.reasons], bbox=list(card.bbox) if card.bbox else None)


def _supporter_row(entry: SupporterRead, doc: Document, election_id: str, number: int) -> Supporter:
    values = {"nik": entry.nik, "name": entry.name, "birth_place": entry.birth_place,
              "birth_date": entry.birth_date.isoformat() if entry.birth_date else None,
              "sex": entry.sex, "signed": entry.signed, "nik_confidence": entry.nik_confidence,
              "name_confidence": entry.name_confidence, "address": entry.address,
              "district": entry.district}
    return Supporter(election_id=election_id, candidate_id=doc.candidate_id,
                     submission_id=doc.submission_id, document_id=doc.id, page=number, row=entry.row,
                     nik=entry.nik, name=entry.name, birth_place=entry.birth_place,
                     birth_date=entry.birth_date, sex=entry.sex, signed=entry.signed,
                     address=entry.address, status=SupporterStatus.PROCESSING,
                     read_reasons=[r.value for r in entry.reasons], confidence=entry.confidence,
                     read_values=values, bbox=list(entry.bbox) if entry.bbox else None,
                     card_index=entry.card_index)


def check_document(rt: Runtime, document_id: str) -> Next:
    """Every page is read: check its entries, re-check entries its cards may satisfy, finish."""
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        if doc is None or doc.status != DocumentStatus.PROCESSING:
            return Next()
        pages = list(session.scalars(select(Page).where(Page.document_id == document_id)))
        if any(p.status == "split" for p in pages):
            return Next()
        ids = list(session.scalars(select(Supporter.id).where(Supporter.document_id == document_id)
                                   .order_by(Supporter.page, Supporter.row)))
        card_niks = [n for n in session.scalars(select(IdCard.nik).where(
            IdCard.document_id == document_id, IdCard.nik.is_not(None))) if n]
        others = set(checking.supporters_for_cards(session, doc.candidate_id, card_niks)) - set(ids)
        failed = sorted(p.number for p in pages if p.status == "failed")
        codes = sorted({p.error_code or "PAGE_FAILED" for p in pages if p.status == "failed"})
    recheck = check_many(rt, ids) | check_many(rt, sorted(others))
    with rt.db.session() as session:
        doc = session.get(Document, document_id)
        assert doc is not None
        if failed:
            doc.status = DocumentStatus.FAILED
            doc.error_code = codes[0] if len(codes) == 1 else "PAGES_FAILED"
            doc.error_message = f"pages that could not be read: {', '.join(map(str, failed[:50]))}"
        else:
            doc.status = DocumentStatus.DONE
        doc.finished_at = dt.datetime.now(dt.UTC)
        record(session, "machine", "document.read", doc.id, {"status": "processing"},
               {"status": doc.status, "pages": doc.pages, "supporters": len(ids),
                "failed_pages": failed})
        closing = _closing_submission(session, doc.submission_id)
    return Next(reconcile_submission=closing, recheck=recheck)


def check_many(rt: Runtime, supporter_ids: list[str], *, final: bool | None = None) -> set[str]:
    """Check entries in small transactions; return other entries whose verdict may now change."""
    recheck: set[str] = set()
    for i in range(0, len(supporter_ids), CHECK_BATCH):
        with rt.db.session() as session:
            for sid in supporter_ids[i:i + CHECK_BATCH]:
                out = checking.check_supporter(session, sid, final=final)
                if out is not None:
                    recheck |= out.recheck
    return recheck - set(supporter_ids)


def recheck(rt: Runtime, supporter_ids: list[str]) -> None:
    """Re-check entries another entry's verdict touched (duplicates); one level deep is enough."""
    check_many(rt, supporter_ids)


def _closing_submission(session: Session, submission_id: str) -> str | None:
    sub = session.get(Submission, submission_id)
    return sub.id if sub is not None and sub.status == SubmissionStatus.CLOSING else None


def reconcile_submission(rt: Runtime, submission_id: str) -> Next:
    """Once every document is finished: the final checks (KTP_MISSING), then `closed`."""
    with rt.db.session() as session:
        sub = session.get(Submission, submission_id)
        if sub is None or sub.status != SubmissionStatus.CLOSING:
            return Next()
        busy = session.scalar(select(func.count()).select_from(Document).where(
            Document.submission_id == submission_id,
            Document.status.in_([DocumentStatus.RECEIVED, DocumentStatus.PROCESSING])))
        if busy:
            return Next()  # the last document to finish sends this again
        ids = checking.pending_supporters(session, submission_id)
    recheck = check_many(rt, ids, final=True)
    with rt.db.session() as session:
        sub = session.get(Submission, submission_id, with_for_update=True)
        assert sub is not None
        if sub.status == SubmissionStatus.CLOSING:
            sub.status = SubmissionStatus.CLOSED
            sub.closed_at = dt.datetime.now(dt.UTC)
            record(session, "machine", "submission.closed", sub.id, {"status": "closing"},
                   {"status": "closed", "entries_checked": len(ids)})
    return Next(recheck=recheck)
