"""The domain vocabulary shared by every layer: statuses, reasons, and what a page reading yields.

Everything here is plain data (frozen dataclasses and string enums); no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Reason(StrEnum):
    """Why a supporter entry needs a human (API.md, fixed vocabulary)."""

    NIK_UNREADABLE = "NIK_UNREADABLE"
    NIK_INVALID = "NIK_INVALID"
    NOT_IN_DPT = "NOT_IN_DPT"
    DATA_MISMATCH = "DATA_MISMATCH"
    KTP_MISSING = "KTP_MISSING"
    KTP_MISMATCH = "KTP_MISMATCH"
    DUPLICATE_INTERNAL = "DUPLICATE_INTERNAL"
    DUPLICATE_EXTERNAL = "DUPLICATE_EXTERNAL"
    OUT_OF_AREA = "OUT_OF_AREA"
    UNDERAGE = "UNDERAGE"
    SIGNATURE_MISSING = "SIGNATURE_MISSING"
    LOW_QUALITY = "LOW_QUALITY"


class SupporterStatus(StrEnum):
    PROCESSING = "processing"
    VERIFIED = "verified"
    NEEDS_REVIEW = "needs_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class DocumentStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class SubmissionStatus(StrEnum):
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    VERIFIER = "verifier"
    CANDIDATE = "candidate"


class PageKind(StrEnum):
    LETTER = "letter"  # one supporter per page (B.1-KWK-PERSEORANGAN)
    LIST = "list"  # a ruled table of supporters (B.1.1-KWK)
    ID_CARDS = "id_cards"  # one e-KTP image, or a photocopy sheet of 1-8 cards
    OTHER = "other"  # cover letters, blank pages, anything else


Sex = str  # "L" (laki-laki) or "P" (perempuan)

BBox = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the (upright) page image


@dataclass(frozen=True)
class IdCardRead:
    """One e-KTP as read from a page. `index` counts cards on the page from 1 in reading order."""

    index: int
    nik: str | None
    name: str | None
    birth_place: str | None
    birth_date: dt.date | None
    sex: Sex | None
    confidence: float  # 0..1, the weakest of the field confidences that matter (NIK first)
    bbox: BBox | None = None
    nik_confidence: float = 0.0
    reasons: tuple[Reason, ...] = ()  # reading doubts: NIK_UNREADABLE, LOW_QUALITY
    # The card's fields were found only with its crop turned 180°: where most cards of a card
    # page read so, the page itself lies upside down (reading.py turns it).
    upside_down: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class SupporterRead:
    """One supporter as read from a letter (row 1) or one row of a list (row counts from 1)."""

    row: int
    nik: str | None
    name: str | None
    birth_place: str | None
    birth_date: dt.date | None
    sex: Sex | None
    signed: bool | None  # None: the pipeline cannot tell (goes to review)
    confidence: float  # 0..1 overall
    nik_confidence: float = 0.0
    name_confidence: float = 0.0
    address: str | None = None
    district: str | None = None  # the kecamatan as printed, if any
    bbox: BBox | None = None  # the row (list) or the value block (letter)
    card_index: int | None = None  # an e-KTP pasted on the same page (IdCardRead.index)
    reasons: tuple[Reason, ...] = ()  # reading doubts only: NIK_UNREADABLE, LOW_QUALITY, SIGNATURE_MISSING


@dataclass(frozen=True)
class PageReading:
    """What one page yielded. Every page ends as supporters, ID cards, or `other`."""

    kind: PageKind
    supporters: tuple[SupporterRead, ...] = ()
    id_cards: tuple[IdCardRead, ...] = ()
    rotation: int = 0  # degrees the page was turned to be upright (0, 90, 180, 270)
    skew: float = 0.0
    from_text_layer: bool = False
    notes: tuple[str, ...] = field(default=())  # free-text diagnostics, never personal data


def mask_nik(nik: str | None) -> str:
    """`3524********0001`: NIKs are personal data; logs and error messages carry only this."""
    if not nik:
        return "-"
    if len(nik) < 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]
