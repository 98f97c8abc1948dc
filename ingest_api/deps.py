"""Dependencies: the runtime, the request's unit of work, who is calling, and what they may see.

Auth and scope are decided here, once, never inside a route:

- no or an unknown token → 401; a role the route does not admit → 403; an object outside the
  caller's scope → 404 (the same answer as a missing object, so ids cannot be probed);
- a `candidate` user sees its own candidate only: its election, its submissions, documents,
  supporters and ID cards;
- `admin`, `operator` and `verifier` work across all candidates: one deployment serves one
  election commission (KPU of a province or regency), whose staff handle every pair's papers.

Lookups for auth and scope run in short units of work of their own (not the route's session):
on SQLite every transaction takes the write lock, and a route that hands over to a service
running its own unit of work (uploads, close) must not be holding it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.runtime import Runtime
from dukungan.services import elections, reading_models
from dukungan.services.auth import Principal, authenticate
from pipelines.domain import Role
from storage.models import Candidate, Document, Election, Submission

ALL_ROLES = (Role.ADMIN, Role.OPERATOR, Role.VERIFIER, Role.CANDIDATE)
# Admins may do what operators do: a fresh install is driven by the bootstrap admin alone.
OPERATORS = (Role.ADMIN, Role.OPERATOR)
# The CSV export carries full NIKs in bulk: the commission's staff and the pair itself only.
EXPORTERS = (Role.ADMIN, Role.OPERATOR, Role.CANDIDATE)


def get_runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.rt
    return rt


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(rt: RuntimeDep) -> Iterator[Session]:
    with rt.db.session() as session:
        yield session


# scope="function": the unit of work commits when the route returns, before the answer leaves,
# so a client never sees 201 for a change that then failed to commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False,
                     description="An API token (POST /api/v1/users) or DUKUNGAN_ADMIN_TOKEN")


def get_current_user(
    rt: RuntimeDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise errors.Unauthorized("an `Authorization: Bearer <token>` header is required", code="NO_TOKEN")
    with rt.db.session() as session:
        return authenticate(session, credentials.credentials, rt.settings.admin_token)


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def _check_role(user: Principal, roles: tuple[Role, ...]) -> None:
    if user.role not in roles:
        raise errors.Forbidden(f"a {user.role} user may not do this", code="ROLE_NOT_ALLOWED")


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only `roles`: `Depends(require_roles(Role.ADMIN))`."""

    def dependency(user: CurrentUser) -> Principal:
        _check_role(user, roles)
        return user

    return dependency


AdminUser = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
OperatorUser = Annotated[Principal, Depends(require_roles(*OPERATORS))]


def check_candidate_scope(user: Principal, candidate_id: str, kind: str, object_id: str) -> None:
    """A candidate user reaching past its own candidate gets the answer a missing object gets."""
    if user.role == Role.CANDIDATE and user.candidate_id != candidate_id:
        raise errors.NotFound.of(kind, object_id)


# -- scoped objects, one factory per kind: the role check first (403), then the scope (404) ------

def election_in_scope(*roles: Role) -> Callable[..., Election]:
    def dependency(election_id: str, user: CurrentUser, rt: RuntimeDep) -> Election:
        _check_role(user, roles)
        with rt.db.session() as session:
            election = elections.get_election(session, election_id)
            if user.role == Role.CANDIDATE:
                own = session.get(Candidate, user.candidate_id) if user.candidate_id else None
                if own is None or own.election_id != election.id:
                    raise errors.NotFound.of("election", election_id)
        return election

    return dependency


def candidate_in_scope(*roles: Role) -> Callable[..., Candidate]:
    def dependency(candidate_id: str, user: CurrentUser, rt: RuntimeDep) -> Candidate:
        _check_role(user, roles)
        check_candidate_scope(user, candidate_id, "candidate", candidate_id)
        with rt.db.session() as session:
            return elections.get_candidate(session, candidate_id)

    return dependency


def submission_in_scope(*roles: Role) -> Callable[..., Submission]:
    def dependency(submission_id: str, user: CurrentUser, rt: RuntimeDep) -> Submission:
        _check_role(user, roles)
        with rt.db.session() as session:
            sub = elections.get_submission(session, submission_id)
        check_candidate_scope(user, sub.candidate_id, "submission", submission_id)
        return sub

    return dependency


def document_in_scope(*roles: Role) -> Callable[..., Document]:
    def dependency(document_id: str, user: CurrentUser, rt: RuntimeDep) -> Document:
        _check_role(user, roles)
        with rt.db.session() as session:
            doc = reading_models.get_document(session, document_id)
        check_candidate_scope(user, doc.candidate_id, "document", document_id)
        return doc

    return dependency


ReadableElection = Annotated[Election, Depends(election_in_scope(*ALL_ROLES))]
AdminElection = Annotated[Election, Depends(election_in_scope(Role.ADMIN))]
ReadableCandidate = Annotated[Candidate, Depends(candidate_in_scope(*ALL_ROLES))]
OperableCandidate = Annotated[Candidate, Depends(candidate_in_scope(*OPERATORS))]
ExportableCandidate = Annotated[Candidate, Depends(candidate_in_scope(*EXPORTERS))]
ReadableSubmission = Annotated[Submission, Depends(submission_in_scope(*ALL_ROLES))]
OperableSubmission = Annotated[Submission, Depends(submission_in_scope(*OPERATORS))]
ReadableDocument = Annotated[Document, Depends(document_in_scope(*ALL_ROLES))]
