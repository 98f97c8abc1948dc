"""The read side: documents, page images, supporters, ID cards, the export and the audit trail.

Lists are paged by keyset on the primary key: the cursor is an opaque token around the last
id of the page, so a page costs one index range scan however deep the client has gone, and
rows written meanwhile neither repeat nor shift the pages.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.runtime import Runtime
from dukungan.services.audit import record
from pipelines.domain import Reason, SupporterStatus
from storage.models import AuditEvent, Document, IdCard, Page, Supporter

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
EXPORT_BATCH = 2000
_CURSOR_VERSION = 1


# -- cursors -----------------------------------------------------------------------------------

def encode_cursor(last_id: str) -> str:
    raw = json.dumps({"v": _CURSOR_VERSION, "after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after = data["after"]
        if data.get("v") != _CURSOR_VERSION or not isinstance(after, str):
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise errors.BadInput("the cursor is not one this API gave out", code="CURSOR_INVALID") from None
    return after


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.BadInput(f"limit is between 1 and {MAX_LIMIT}", code="LIMIT_INVALID")
    return limit


T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list and the cursor of the next (None: this is the last page)."""

    items: list[T]
    next_cursor: str | None


# -- documents and pages -------------------------------------------------------------------------

def get_document(session: Session, document_id: str) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise errors.NotFound.of("document", document_id)
    return doc


@dataclass(frozen=True)
class PageImage:
    data: bytes
    content_type: str


def _image_type(head: bytes) -> str:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def page_image(rt: Runtime, session: Session, document: Document, number: int) -> PageImage:
    """Page `number` (from 1). A duplicate upload shows the pages of the document it repeats."""
    source_id = document.duplicate_of or document.id
    page = session.scalar(select(Page).where(Page.document_id == source_id, Page.number == number))
    if page is None:
        raise errors.NotFound(f"document {document.id} has no page {number}", code="PAGE_NOT_FOUND")
    if page.image_key is None:
        raise errors.NotFound(f"page {number} of document {document.id} has no image yet",
                              code="PAGE_IMAGE_NOT_READY")
    from storage.objects import ObjectNotFound

    try:
        data = rt.store.get(page.image_key)
    except ObjectNotFound:
        raise errors.NotFound(f"the image of page {number} is missing from the store",
                              code="PAGE_IMAGE_MISSING") from None
    return PageImage(data, _image_type(data[:16]))


# -- supporters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupporterFilter:
    status: SupporterStatus | None = None
    reason: Reason | None = None
    submission_id: str | None = None


def _reason_test(reason: Reason) -> Any:
    # `reasons` is a JSON array of codes from a fixed vocabulary with no code inside another once
    # quoted, so a LIKE on the stored text is exact, and the same on SQLite and PostgreSQL.
    return cast(Supporter.reasons, String).like(f'%"{reason.value}"%')


def list_supporters(session: Session, candidate_id: str, flt: SupporterFilter, limit: int,
                    cursor: str | None) -> Listing[Supporter]:
    stmt = select(Supporter).where(Supporter.candidate_id == candidate_id)
    if flt.status is not None:
        stmt = stmt.where(Supporter.status == flt.status.value)
    if flt.reason is not None:
        stmt = stmt.where(_reason_test(flt.reason))
    if flt.submission_id is not None:
        stmt = stmt.where(Supporter.submission_id == flt.submission_id)
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(Supporter.id > after)
    rows = list(session.scalars(stmt.order_by(Supporter.id).limit(check_limit(limit) + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Listing(rows, encode_cursor(rows[-1].id) if more else None)


# -- ID cards --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IdCardView:
    card: IdCard
    supporter_ids: list[str]


def list_id_cards(session: Session, candidate_id: str, limit: int, cursor: str | None) -> Listing[IdCardView]:
    stmt = select(IdCard).where(IdCard.candidate_id == candidate_id)
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(IdCard.id > after)
    cards = list(session.scalars(stmt.order_by(IdCard.id).limit(check_limit(limit) + 1)))
    more = len(cards) > limit
    cards = cards[:limit]
    linked: dict[str, list[str]] = {c.id: [] for c in cards}
    if cards:
        for card_id, supporter_id in session.execute(
            select(Supporter.id_card_id, Supporter.id)
            .where(Supporter.id_card_id.in_(list(linked))).order_by(Supporter.id)
        ):
            if card_id is not None:
                linked[card_id].append(supporter_id)
    views = [IdCardView(c, linked[c.id]) for c in cards]
    return Listing(views, encode_cursor(cards[-1].id) if more else None)


# -- the export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "supporter_id", "candidate_id", "submission_id", "document_id", "filename", "page", "row", "nik",
    "name", "birth_place", "birth_date", "sex", "address", "district_code", "status", "reasons",
    "confidence", "id_card_document_id", "decided_by", "decided_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    # Text read off a scan lands in spreadsheets: never let it start a formula (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_chunk(rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for values in rows:
        writer.writerow([_cell(v) for v in values])
    return buf.getvalue()


def export_csv(rt: Runtime, actor: str, candidate_id: str) -> Iterator[str]:
    """Note the export in the audit trail (it hands out personal data in bulk), then stream it."""
    with rt.db.session() as session:
        record(session, actor, "candidate.export", candidate_id, None, {"format": "csv"})
    return export_rows(rt, candidate_id)


_EXPORT_SELECT = (
    Supporter.id, Supporter.candidate_id, Supporter.submission_id, Supporter.document_id, Supporter.page,
    Supporter.row, Supporter.nik, Supporter.name, Supporter.birth_place, Supporter.birth_date, Supporter.sex,
    Supporter.address, Supporter.district_code, Supporter.status, Supporter.reasons, Supporter.confidence,
    Supporter.id_card_document_id, Supporter.decided_by, Supporter.decided_at,
)


def export_rows(rt: Runtime, candidate_id: str) -> Iterator[str]:
    """CSV text in chunks (one per batch of rows), in handover order: document, page, row.

    Each batch is its own short transaction (a long export must not hold a lock or a snapshot
    for minutes), so the file reflects the data as it was while it was being written. Plain
    column tuples, not ORM objects: this runs over millions of rows.
    """
    yield _csv_chunk([EXPORT_COLUMNS])
    with rt.db.session() as session:
        documents = session.execute(
            select(Document.id, Document.filename).where(Document.candidate_id == candidate_id)
            .order_by(Document.created_at, Document.id)
        ).all()
    for document_id, filename in documents:
        position = (0, 0)
        while True:
            with rt.db.session() as session:
                batch = session.execute(
                    select(*_EXPORT_SELECT).where(
                        Supporter.document_id == document_id,
                        (Supporter.page > position[0])
                        | ((Supporter.page == position[0]) & (Supporter.row > position[1])),
                    ).order_by(Supporter.page, Supporter.row).limit(EXPORT_BATCH)
                ).all()
            if batch:
                yield _csv_chunk((*r[:4], filename, *r[4:]) for r in batch)
            if len(batch) < EXPORT_BATCH:
                break
            position = (batch[-1].page, batch[-1].row)


# -- the audit trail -------------------------------------------------------------------------------

def audit_events(session: Session, object_id: str | None, after: int | None, limit: int) -> list[AuditEvent]:
    stmt = select(AuditEvent)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if after is not None:
        stmt = stmt.where(AuditEvent.id > after)
    return list(session.scalars(stmt.order_by(AuditEvent.id).limit(limit)))
