"""Setting up: users, elections, voter lists, candidates, and the audit trail (admin mostly)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status

from dukungan.services import auth, elections, reading_models
from dukungan.services.dpt import start_voter_import
from ingest_api.deps import (
    AdminElection,
    AdminUser,
    CurrentUser,
    OperatorUser,
    ReadableElection,
    RuntimeDep,
    SessionDep,
)
from ingest_api.routes import API_PREFIX, ERROR_RESPONSES
from ingest_api.schemas import (
    AuditEventPublic,
    CandidateCreate,
    CandidatePublic,
    ElectionCreate,
    ElectionPublic,
    ErrorBody,
    ImportAccepted,
    ImportPublic,
    UserCreate,
    UserCreated,
    election_out,
    import_out,
)
from pipelines.domain import Role

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserCreated, tags=["users"])
def create_user(body: UserCreate, user: AdminUser, session: SessionDep) -> UserCreated:
    """A new user with its API token. The token is in this answer only: store it now."""
    created, token = auth.create_user(session, user.actor, body.name, body.role, body.candidate_id)
    return UserCreated(id=created.id, name=created.name, role=Role(created.role),
                       candidate_id=created.candidate_id, token=token)


@router.post("/elections", status_code=status.HTTP_201_CREATED, response_model=ElectionPublic,
             tags=["elections"], responses={409: {"model": ErrorBody, "description": "The code is taken"}})
def create_election(body: ElectionCreate, user: AdminUser, session: SessionDep) -> ElectionPublic:
    """The level follows from `region_code`: 2 digits a province, 4 a regency or city."""
    election = elections.create_election(session, user.actor, body.code, body.name, body.region_code,
                                         body.voting_date)
    return election_out(election)


@router.get("/elections/{election_id}", response_model=ElectionPublic, tags=["elections"])
def get_election(election: ReadableElection) -> ElectionPublic:
    return election_out(election)


@router.post("/elections/{election_id}/voters", status_code=status.HTTP_202_ACCEPTED,
             response_model=ImportAccepted, tags=["elections"],
             responses={413: {"model": ErrorBody, "description": "The file is too large"}})
def import_voters(
    election: AdminElection, user: AdminUser, rt: RuntimeDep,
    file: Annotated[UploadFile, File(description="The DPT as CSV (UTF-8, header row), optionally gzipped")],
) -> ImportAccepted:
    """Store the voter list and load it in the background; a re-import replaces the list atomically."""
    import_id = start_voter_import(rt, election.id, file.file, file.filename or "dpt.csv", user.actor)
    return ImportAccepted(import_id=import_id)


@router.get("/imports/{import_id}", response_model=ImportPublic, tags=["elections"])
def get_import(import_id: str, user: OperatorUser, session: SessionDep) -> ImportPublic:
    return import_out(elections.get_import(session, import_id))


@router.post("/elections/{election_id}/candidates", status_code=status.HTTP_201_CREATED,
             response_model=CandidatePublic, tags=["candidates"])
def create_candidate(body: CandidateCreate, election: AdminElection, user: AdminUser,
                     session: SessionDep) -> CandidatePublic:
    candidate = elections.create_candidate(session, user.actor, election.id, body.name, body.running_mate)
    return CandidatePublic.model_validate(candidate)


@router.get("/elections/{election_id}/candidates", response_model=list[CandidatePublic], tags=["candidates"])
def list_candidates(election: ReadableElection, user: CurrentUser,
                    session: SessionDep) -> list[CandidatePublic]:
    """A candidate user sees its own pair only."""
    only = user.candidate_id if user.role == Role.CANDIDATE else None
    return [CandidatePublic.model_validate(c) for c in elections.list_candidates(session, election.id, only)]


@router.get("/audit", response_model=list[AuditEventPublic], tags=["audit"])
def audit_trail(
    user: AdminUser, session: SessionDep,
    object_id: Annotated[str | None, Query(description="Only the events of this object")] = None,
    after: Annotated[int | None, Query(description="Only events after this event id (paging)")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[AuditEventPublic]:
    """The append-only trail, oldest first: `[{at, actor, action, object_id, before, after}]`."""
    return [AuditEventPublic.model_validate(e)
            for e in reading_models.audit_events(session, object_id, after, limit)]
