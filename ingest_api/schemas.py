"""What goes in and out of the API: one family of schemas per entity (`XCreate`, `XPublic`).

`response_model=` on each route decides what leaves the API; ORM rows are read with
`from_attributes`, so a column added to the database never leaks by accident.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dukungan.services import counting, elections, reading_models
from pipelines.domain import DocumentStatus, Reason, Role, SubmissionStatus, SupporterStatus
from storage.models import Document, Election, Submission, VoterImport


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every time we store is UTC, so say so on the way out.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- errors ---------------------------------------------------------------------------------------

class ErrorDetail(BaseModel):
    code: str = Field(examples=["SUBMISSION_NOT_OPEN"])
    message: str
    details: dict[str, Any] | None = None


class ErrorBody(BaseModel):
    """Every error answer: `{"error": {"code", "message", "details"?}}`."""

    error: ErrorDetail


# -- users ------------------------------------------------------------------------------------------

class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    candidate_id: str | None = Field(default=None, description="Required for, and only for, role candidate")


class UserCreated(Public):
    id: str
    name: str
    role: Role
    candidate_id: str | None
    token: str = Field(description="The API token; shown once, only its hash is stored")


# -- elections, voter lists, candidates ------------------------------------------------------------

class ElectionCreate(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    region_code: str = Field(pattern=r"^(\d{2}|\d{4})$", description="Kemendagri code: 2 digits "
                             "(province, governor race) or 4 digits (regency/city, regent or mayor race)")
    voting_date: dt.date


class ElectionPublic(Public):
    id: str
    code: str
    name: str
    region_code: str
    level: Literal["province", "regency"]
    voting_date: dt.date
    dpt_total: int
    required_support: int
    spread_unit: Literal["regency", "district"]
    spread_required: int
    spread_total: int = Field(description="Units in the region (regencies or districts)")


class ImportAccepted(BaseModel):
    import_id: str


class ImportError_(BaseModel):
    line: int
    message: str


class ImportPublic(Public):
    id: str
    election_id: str
    status: Literal["running", "done", "failed"]
    rows_total: int
    rows_loaded: int
    rows_rejected: int
    errors: list[ImportError_] = Field(description="The first 100 problems")
    message: str | None = None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None


class CandidateCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    running_mate: str = Field(min_length=1, max_length=200)


class CandidatePublic(Public):
    id: str
    election_id: str
    name: str
    running_mate: str


# -- submissions and documents ------------------------------------------------------------------------

class SubmissionCreate(BaseModel):
    kind: Literal["initial", "repair"]


class SubmissionPublic(Public):
    id: str
    candidate_id: str
    kind: Literal["initial", "repair"]
    status: SubmissionStatus
    created_at: UtcDateTime
    closed_at: UtcDateTime | None


class DocumentCounts(BaseModel):
    received: int = 0
    processing: int = 0
    done: int = 0
    failed: int = 0


class SupporterCounts(BaseModel):
    processing: int = 0
    verified: int = 0
    needs_review: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0


class Counts(BaseModel):
    documents: DocumentCounts
    supporters: SupporterCounts
    counted: int = Field(description="verified + accepted")
    by_reason: dict[str, int] = Field(description="Reasons of the entries now needing review")


class SubmissionWithCounts(SubmissionPublic):
    counts: Counts


class DocumentError(BaseModel):
    code: str
    message: str


class DocumentPublic(Public):
    id: str
    submission_id: str
    filename: str
    sha256: str
    size: int
    content_type: str
    status: DocumentStatus
    pages: int | None
    error: DocumentError | None
    duplicate_of: str | None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None


class DocumentsAccepted(BaseModel):
    documents: list[DocumentPublic]


# -- supporters and ID cards ----------------------------------------------------------------------------

class SupporterPublic(Public):
    id: str
    candidate_id: str
    submission_id: str
    document_id: str
    page: int = Field(description="From 1 within the document")
    row: int = Field(description="From 1 within the page; a one-supporter letter has row 1")
    nik: str | None = Field(description="The value read; null if unreadable")
    name: str | None
    birth_date: dt.date | None
    sex: str | None = Field(description="L or P")
    status: SupporterStatus
    reasons: list[Reason]
    confidence: float
    id_card_document_id: str | None
    decided_by: str | None
    decided_at: UtcDateTime | None


class SupporterList(BaseModel):
    items: list[SupporterPublic]
    next_cursor: str | None


class IdCardPublic(Public):
    id: str
    document_id: str
    page: int
    index: int = Field(description="Counts cards on the page from 1, in reading order")
    nik: str | None
    name: str | None
    birth_place: str | None
    birth_date: dt.date | None
    sex: str | None = Field(description="L or P")
    confidence: float
    supporter_ids: list[str]


class IdCardList(BaseModel):
    items: list[IdCardPublic]
    next_cursor: str | None


class Spread(BaseModel):
    unit: Literal["regency", "district"]
    covered: int
    total: int
    required: int


class CandidateStatus(BaseModel):
    candidate_id: str
    documents: DocumentCounts
    supporters: SupporterCounts
    counted: int = Field(description="verified + accepted")
    required_support: int
    spread: Spread
    by_reason: dict[str, int]


# -- audit --------------------------------------------------------------------------------------------

class AuditEventPublic(Public):
    id: int
    at: UtcDateTime
    actor: str
    action: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


# -- service --------------------------------------------------------------------------------------------

class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = Field(description="Each part: 'ok' or why it failed")


# -- from the service layer's objects to the published shapes ---------------------------------------

def election_out(e: Election) -> ElectionPublic:
    fig = elections.figures(e)
    return ElectionPublic(
        id=e.id, code=e.code, name=e.name, region_code=e.region_code, level=e.level,
        voting_date=e.voting_date, dpt_total=e.dpt_total, required_support=fig.required_support,
        spread_unit=fig.spread_unit, spread_required=fig.spread_required, spread_total=fig.spread_total,
    )


def import_out(imp: VoterImport) -> ImportPublic:
    out = ImportPublic.model_validate(imp)
    out.errors = out.errors[:100]
    return out


def document_out(d: Document) -> DocumentPublic:
    error = None
    if d.error_code:
        error = DocumentError(code=d.error_code, message=d.error_message or d.error_code)
    return DocumentPublic(
        id=d.id, submission_id=d.submission_id, filename=d.filename, sha256=d.sha256, size=d.size,
        content_type=d.content_type, status=DocumentStatus(d.status), pages=d.pages, error=error,
        duplicate_of=d.duplicate_of, created_at=d.created_at, finished_at=d.finished_at,
    )


def counts_out(c: counting.Counts) -> Counts:
    return Counts(documents=DocumentCounts(**c.documents), supporters=SupporterCounts(**c.supporters),
                  counted=c.counted, by_reason=c.by_reason)


def submission_out(sub: Submission, counts: counting.Counts) -> SubmissionWithCounts:
    return SubmissionWithCounts.model_validate(
        {**SubmissionPublic.model_validate(sub).model_dump(), "counts": counts_out(counts)}
    )


def candidate_status_out(st: counting.CandidateStatus) -> CandidateStatus:
    c = counts_out(st.counts)
    return CandidateStatus(
        candidate_id=st.candidate_id, documents=c.documents, supporters=c.supporters, counted=c.counted,
        required_support=st.required_support,
        spread=Spread(unit=st.spread.unit, covered=st.spread.covered, total=st.spread.total,
                      required=st.spread.required),
        by_reason=c.by_reason,
    )


def id_card_out(view: reading_models.IdCardView) -> IdCardPublic:
    return IdCardPublic.model_validate(
        {**{k: getattr(view.card, k) for k in IdCardPublic.model_fields if k != "supporter_ids"},
         "supporter_ids": view.supporter_ids}
    )
