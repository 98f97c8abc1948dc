"""Who is calling: API tokens (only their SHA-256 is stored), users, and the bootstrap admin.

A `Principal` is what the rest of the code sees of the caller: a user row, or the bootstrap
admin of `DUKUNGAN_ADMIN_TOKEN` (no row; its audit actor is "bootstrap-admin").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.services.audit import BOOTSTRAP_ACTOR, record
from pipelines.domain import Role
from storage.models import ApiToken, Candidate, User

TOKEN_BYTES = 32


@dataclass(frozen=True)
class Principal:
    id: str  # a user id, or "bootstrap-admin"
    name: str
    role: Role
    candidate_id: str | None = None  # set for (and only for) the candidate role

    @property
    def actor(self) -> str:
        """The name written into the audit trail."""
        return self.id


BOOTSTRAP_ADMIN = Principal(id=BOOTSTRAP_ACTOR, name="bootstrap admin", role=Role.ADMIN)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def authenticate(session: Session, token: str, bootstrap_token: str | None) -> Principal:
    """The caller behind a bearer token, or `Unauthorized`."""
    if bootstrap_token and hmac.compare_digest(token.encode("utf-8"), bootstrap_token.encode("utf-8")):
        return BOOTSTRAP_ADMIN
    row = session.execute(
        select(User).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        raise errors.Unauthorized("unknown or revoked token", code="BAD_TOKEN")
    return Principal(id=row.id, name=row.name, role=Role(row.role), candidate_id=row.candidate_id)


def create_user(session: Session, actor: str, name: str, role: Role,
                candidate_id: str | None) -> tuple[User, str]:
    """A new user and its first token; the raw token is returned here once and never stored."""
    if role == Role.CANDIDATE:
        if not candidate_id:
            raise errors.BadInput("a candidate user needs candidate_id", code="CANDIDATE_ID_REQUIRED")
        if session.get(Candidate, candidate_id) is None:
            raise errors.BadInput(f"candidate {candidate_id} does not exist", code="CANDIDATE_NOT_FOUND")
    elif candidate_id is not None:
        raise errors.BadInput(f"only a candidate user has a candidate_id, not a {role} user",
                              code="CANDIDATE_ID_NOT_ALLOWED")
    user = User(name=name, role=str(role), candidate_id=candidate_id)
    session.add(user)
    session.flush()
    token = new_token()
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    record(session, actor, "user.create", user.id, None,
           {"name": name, "role": str(role), "candidate_id": candidate_id})
    session.flush()
    return user, token
