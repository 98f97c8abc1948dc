"""The review queue over HTTP: claim a lease, renew it, decide, and see the evidence.

Routes parse, call one function of `dukungan.services.review`, and answer; who may call is
decided by the dependencies. An item is visible to the verifier holding its lease and to
admins; anyone else gets 404 (ids cannot be probed).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.services import review
from dukungan.services.auth import Principal
from ingest_api.deps import AdminElection, AdminUser, RuntimeDep, SessionDep, require_roles
from ingest_api.routes import API_PREFIX, ERROR_RESPONSES
from ingest_api.schemas import ErrorBody, SupporterPublic, UtcDateTime
from pipelines.domain import Reason, Role
from storage.models import ReviewItem, Supporter

router = APIRouter(prefix=f"{API_PREFIX}/review", tags=["review"], responses=ERROR_RESPONSES)
LEASE_LOST: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "The caller does not hold the lease (it expired and was taken)"}}

# Admins may do what verifiers do (a small commission may have one person for both).
Reviewer = Annotated[Principal, Depends(require_roles(Role.VERIFIER, Role.ADMIN))]


# -- schemas -----------------------------------------------------------------------------------


class ClaimRequest(BaseModel):
    election_id: str | None = None
    exclude: list[str] = Field(default_factory=list, max_length=100,
                               description="Items not to hand out now (the one just skipped)")


class Evidence(BaseModel):
    kind: Literal["form_crop", "id_card_crop", "voter_record"]
    url: str


class FirstDecision(BaseModel):
    by: str
    at: str
    decision: Literal["accept", "reject"]
    reason: str | None = None
    note: str | None = None
    corrected: dict[str, Any] | None = None
    second: dict[str, Any] | None = Field(default=None, description="The disagreeing second look")


class ReviewItemPublic(BaseModel):
    id: str
    supporter: SupporterPublic
    reasons: list[Reason]
    evidence: list[Evidence]
    lease_expires_at: UtcDateTime | None
    lease_seconds_left: int
    status: Literal["open", "second_look", "escalated", "done"]
    election_id: str
    candidate_id: str
    read_values: dict[str, Any] = Field(description="The values as read, before any correction")
    first_decision: FirstDecision | None = Field(
        description="Set on a second look: the first verifier's rejection (to confirm or not)")


class Correction(BaseModel):
    nik: str | None = Field(default=None, pattern=r"^\d{16}$")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    birth_date: dt.date | None = None
    sex: Literal["L", "P"] | None = None


class DecisionRequest(BaseModel):
    decision: Literal["accept", "reject"]
    reason: Reason | None = Field(default=None, description="Why TMS; defaults to the most blocking flag")
    corrected: Correction | None = None
    note: str | None = Field(default=None, max_length=2000)
    accept_remaining: bool = Field(
        default=False, description="With a correction that leaves reasons: accept them now instead "
        "of seeing the item again with the new reasons")


class ResolveRequest(BaseModel):
    decision: Literal["accept", "reject"]
    reason: Reason | None = None
    note: str | None = Field(default=None, max_length=2000)


class VoterRecordPublic(BaseModel):
    nik: str
    name: str
    birth_place: str | None
    birth_date: dt.date | None
    sex: str | None
    marital_status: str | None
    address: str | None
    rt: str | None
    rw: str | None
    district_code: str | None
    tps: str | None


class SecondLook(BaseModel):
    enabled: bool = Field(description="A rejection becomes final only when a second verifier agrees")


class QueueCounts(BaseModel):
    open: int
    second_look: int
    escalated: int
    done: int


# -- helpers -----------------------------------------------------------------------------------


def _public(session: Session, item: ReviewItem) -> ReviewItemPublic:
    supporter = review.supporter_of(session, item)
    base = f"{API_PREFIX}/review/items/{item.id}/evidence"
    return ReviewItemPublic(
        id=item.id,
        supporter=SupporterPublic.model_validate(supporter),
        reasons=[Reason(r) for r in supporter.reasons],
        evidence=[Evidence(kind=k, url=f"{base}/{k}") for k in review.evidence_kinds(session, supporter)],
        lease_expires_at=item.lease_expires_at,
        lease_seconds_left=review.lease_seconds_left(item),
        status=item.status,
        election_id=item.election_id,
        candidate_id=item.candidate_id,
        read_values=supporter.read_values or {},
        first_decision=FirstDecision.model_validate(item.first_decision) if item.first_decision else None,
    )


# -- routes ------------------------------------------------------------------------------------


@router.post("/claim", response_model=ReviewItemPublic,
             responses={204: {"description": "The queue is empty"}})
def claim(body: ClaimRequest, user: Reviewer, session: SessionDep, rt: RuntimeDep) -> Any:
    """Lease the next item (most blocking, then oldest). A lease lasts `review_lease_seconds`."""
    item = review.claim(session, user.id, body.election_id, rt.settings.review_lease_seconds,
                        exclude=body.exclude)
    if item is None:
        return Response(status_code=204)
    return _public(session, item)


@router.get("/queue", response_model=QueueCounts)
def queue(user: Reviewer, session: SessionDep, election_id: str | None = None) -> QueueCounts:
    """How many items wait, by queue status."""
    return QueueCounts(**review.queue_counts(session, election_id))


@router.get("/items", response_model=list[ReviewItemPublic])
def list_items(user: AdminUser, session: SessionDep,
               status: Literal["open", "second_look", "escalated"] = "escalated",
               election_id: str | None = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ReviewItemPublic]:
    """(admin) Items by queue status; by default the escalated ones waiting for an admin."""
    return [_public(session, i) for i in review.list_items(session, status, election_id, limit)]


@router.get("/items/{item_id}", response_model=ReviewItemPublic)
def get_item(item_id: str, user: Reviewer, session: SessionDep) -> ReviewItemPublic:
    return _public(session, review.get_item(session, item_id, user.id, user.role))


@router.post("/items/{item_id}/renew", response_model=ReviewItemPublic, responses=LEASE_LOST)
def renew(item_id: str, user: Reviewer, session: SessionDep, rt: RuntimeDep) -> ReviewItemPublic:
    """Extend the caller's lease; 409 when someone else holds the item now."""
    return _public(session, review.renew(session, item_id, user.id, rt.settings.review_lease_seconds))


@router.post("/items/{item_id}/release", status_code=204)
def release(item_id: str, user: Reviewer, session: SessionDep) -> Response:
    """Hand the item back to the queue undecided."""
    review.release(session, item_id, user.id)
    return Response(status_code=204)


@router.post("/items/{item_id}/decision", response_model=SupporterPublic,
             responses=LEASE_LOST)
def decide(item_id: str, body: DecisionRequest, user: Reviewer, session: SessionDep,
           rt: RuntimeDep) -> Supporter:
    corrected = review.Correction(**body.corrected.model_dump()) if body.corrected else None
    return review.decide(session, item_id, user.id, body.decision, body.reason, corrected, body.note,
                         accept_remaining=body.accept_remaining,
                         lease_seconds=rt.settings.review_lease_seconds)


@router.post("/items/{item_id}/resolve", response_model=SupporterPublic,
             responses={409: {"model": ErrorBody, "description": "The item is not escalated"}})
def resolve(item_id: str, body: ResolveRequest, user: AdminUser, session: SessionDep) -> Supporter:
    """(admin) Settle an item the two verifiers of a second look disagreed on."""
    return review.resolve(session, item_id, user.id, body.decision, body.reason, body.note)


@router.put("/elections/{election_id}/second-look", response_model=SecondLook)
def set_second_look(body: SecondLook, election: AdminElection, user: AdminUser,
                    session: SessionDep) -> SecondLook:
    """(admin) Turn the second look on or off for an election's rejections."""
    return SecondLook(enabled=review.set_second_look(session, election.id, body.enabled, user.id).second_look)


@router.get("/items/{item_id}/evidence/{kind}",
            responses={200: {"content": {"image/jpeg": {}, "application/json": {}},
                             "description": "A JPEG crop, or the voter record as JSON"}})
def evidence(item_id: str, kind: Literal["form_crop", "id_card_crop", "voter_record"], user: Reviewer,
             session: SessionDep, rt: RuntimeDep) -> Any:
    supporter = review.supporter_of(session, review.get_item(session, item_id, user.id, user.role))
    if kind == "voter_record":
        voter = review.voter_record(session, supporter)
        if voter is None:
            raise errors.NotFound("the NIK is not on the voter list", code="VOTER_NOT_FOUND")
        return VoterRecordPublic.model_validate(voter, from_attributes=True)
    data = review.evidence_image(session, rt.store, supporter, kind)
    return Response(content=data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=60"})
