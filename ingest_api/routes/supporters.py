"""The results: supporter entries, ID cards, a candidate's status, and the CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from dukungan.services import counting, reading_models
from dukungan.services.reading_models import DEFAULT_LIMIT, MAX_LIMIT, SupporterFilter
from ingest_api.deps import CurrentUser, ExportableCandidate, ReadableCandidate, RuntimeDep, SessionDep
from ingest_api.routes import API_PREFIX, ERROR_RESPONSES
from ingest_api.schemas import (
    CandidatePublic,
    CandidateStatus,
    IdCardList,
    SupporterList,
    SupporterPublic,
    candidate_status_out,
    id_card_out,
)
from pipelines.domain import Reason, SupporterStatus

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]


@router.get("/candidates/{candidate_id}", response_model=CandidatePublic, tags=["candidates"])
def get_candidate(candidate: ReadableCandidate) -> CandidatePublic:
    return CandidatePublic.model_validate(candidate)


@router.get("/candidates/{candidate_id}/supporters", response_model=SupporterList, tags=["supporters"])
def list_supporters(
    candidate: ReadableCandidate, session: SessionDep,
    status: SupporterStatus | None = None,
    reason: Reason | None = None,
    submission_id: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> SupporterList:
    """Supporter entries, filtered, in a stable order; follow `next_cursor` until it is null."""
    page = reading_models.list_supporters(
        session, candidate.id, SupporterFilter(status, reason, submission_id), limit, cursor)
    return SupporterList(items=[SupporterPublic.model_validate(s) for s in page.items],
                         next_cursor=page.next_cursor)


@router.get("/candidates/{candidate_id}/id-cards", response_model=IdCardList, tags=["supporters"])
def list_id_cards(candidate: ReadableCandidate, session: SessionDep, limit: Limit = DEFAULT_LIMIT,
                  cursor: Cursor = None) -> IdCardList:
    """The e-KTPs read from the candidate's documents, with the supporter entries they back."""
    page = reading_models.list_id_cards(session, candidate.id, limit, cursor)
    return IdCardList(items=[id_card_out(v) for v in page.items], next_cursor=page.next_cursor)


@router.get("/candidates/{candidate_id}/status", response_model=CandidateStatus, tags=["supporters"])
def candidate_status(candidate: ReadableCandidate, session: SessionDep) -> CandidateStatus:
    """Where the pair stands: counts by status, the count against the minimum, and the spread."""
    return candidate_status_out(counting.candidate_status(session, candidate))


@router.get("/candidates/{candidate_id}/export.csv", tags=["supporters"], response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "One row per supporter entry"}})
def export_csv(candidate: ExportableCandidate, user: CurrentUser, rt: RuntimeDep) -> StreamingResponse:
    """Every supporter entry with its full NIK, in handover order (for the commission's records).

    Open to admins, operators and the pair itself, not to verifiers; each export is audited.
    """
    rows = reading_models.export_csv(rt, user.actor, candidate.id)
    return StreamingResponse(rows, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="supporters-{candidate.id}.csv"',
        "Cache-Control": "no-store",
    })
