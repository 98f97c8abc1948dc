"""The database schema (SQLAlchemy 2). Alembic migrations in storage/migrations build it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # SQLAlchemy reads this as a class attribute
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: DateTime(timezone=True)}  # noqa: RUF012


class Election(Base):
    __tablename__ = "elections"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(4))
    level: Mapped[str] = mapped_column(String(10))  # province | regency
    voting_date: Mapped[dt.date] = mapped_column(Date)
    dpt_total: Mapped[int] = mapped_column(Integer, default=0)
    second_look: Mapped[bool] = mapped_column(Boolean, default=False)
    voter_import_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the live DPT
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class VoterImport(Base):
    __tablename__ = "voter_imports"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="running")  # running | done | failed
    object_key: Mapped[str] = mapped_column(String(200))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Voter(Base):
    """One DPT record. Rows belong to one import; the election points at its live import."""

    __tablename__ = "voters"
    __table_args__ = (UniqueConstraint("import_id", "nik", name="uq_voters_import_nik"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    import_id: Mapped[str] = mapped_column(String(32))
    nik: Mapped[str] = mapped_column(String(16))
    nkk: Mapped[str | None] = mapped_column(String(16), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_place: Mapped[str | None] = mapped_column(String(100), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    marital_status: Mapped[str | None] = mapped_column(String(1), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    rt: Mapped[str | None] = mapped_column(String(3), nullable=True)
    rw: Mapped[str | None] = mapped_column(String(3), nullable=True)
    district_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    tps: Mapped[str | None] = mapped_column(String(10), nullable=True)


class Candidate(Base):
    __tablename__ = "candidates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    running_mate: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    candidate_id: Mapped[str | None] = mapped_column(ForeignKey("candidates.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """Only the SHA-256 of a token is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Submission(Base):
    __tablename__ = "submissions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # initial | repair
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_candidate_sha", "candidate_id", "sha256"),
        Index("ix_documents_candidate_status", "candidate_id", "status"),  # 0002
        Index("ix_documents_status", "status"),  # 0002
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"))
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="received")
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(32), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_pages_document_number"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="split")  # split | read | failed
    kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    image_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    text_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    notes: Mapped[list[Any]] = mapped_column(default=list)
    read_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class IdCard(Base):
    __tablename__ = "id_cards"
    __table_args__ = (
        UniqueConstraint("document_id", "page", "index", name="uq_id_cards_place"),
        Index("ix_id_cards_candidate_nik", "candidate_id", "nik"),
        Index("ix_id_cards_candidate_keyset", "candidate_id", "id"),  # 0002
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"))
    submission_id: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    page: Mapped[int] = mapped_column(Integer)
    index: Mapped[int] = mapped_column(Integer)
    nik: Mapped[str | None] = mapped_column(String(16), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    birth_place: Mapped[str | None] = mapped_column(String(100), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    nik_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    bbox: Mapped[list[Any] | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Supporter(Base):
    """One person's support for one candidate, read from one place on one page."""

    __tablename__ = "supporters"
    __table_args__ = (
        UniqueConstraint("document_id", "page", "row", name="uq_supporters_place"),
        Index("ix_supporters_candidate_status", "candidate_id", "status"),
        Index("ix_supporters_election_nik", "election_id", "nik"),
        Index("ix_supporters_candidate_nik", "candidate_id", "nik"),
        # 0002 (plus ix_supporters_review_reasons, a partial index that differs per database)
        Index("ix_supporters_candidate_status_district", "candidate_id", "status", "district_code"),
        Index("ix_supporters_candidate_keyset", "candidate_id", "id"),
        Index("ix_supporters_candidate_status_keyset", "candidate_id", "status", "id"),
        Index("ix_supporters_submission_status", "submission_id", "status"),
        Index("ix_supporters_id_card", "id_card_id"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"))
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    page: Mapped[int] = mapped_column(Integer)
    row: Mapped[int] = mapped_column(Integer)
    nik: Mapped[str | None] = mapped_column(String(16), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    birth_place: Mapped[str | None] = mapped_column(String(100), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    signed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    district_code: Mapped[str | None] = mapped_column(String(6), nullable=True)  # from the DPT record
    status: Mapped[str] = mapped_column(String(12), default="processing")
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    read_reasons: Mapped[list[Any]] = mapped_column(default=list)  # doubts of the reading stage
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    read_values: Mapped[dict[str, Any]] = mapped_column(default=dict)  # as read, before corrections
    check_details: Mapped[dict[str, Any]] = mapped_column(default=dict)  # inputs of the last check
    bbox: Mapped[list[Any] | None] = mapped_column(nullable=True)
    card_index: Mapped[int | None] = mapped_column(Integer, nullable=True)  # card pasted on the page
    id_card_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    id_card_document_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SupportClaim(Base):
    """The first entry of a NIK for a candidate holds the claim: a unique index decides races."""

    __tablename__ = "support_claims"
    __table_args__ = (
        UniqueConstraint("candidate_id", "nik", name="uq_support_claims_candidate_nik"),
        Index("ix_support_claims_election_nik", "election_id", "nik"),
        Index("ix_support_claims_supporter", "supporter_id"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    election_id: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[str] = mapped_column(String(32))
    nik: Mapped[str] = mapped_column(String(16))
    supporter_id: Mapped[str] = mapped_column(String(32))


class ReviewItem(Base):
    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_queue", "status", "election_id", "priority", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    supporter_id: Mapped[str] = mapped_column(ForeignKey("supporters.id"), unique=True)
    election_id: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | second_look | escalated | done
    priority: Mapped[int] = mapped_column(Integer, default=0)  # lower first
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    first_decision: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class AuditEvent(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # a user id, or "machine"
    action: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)


class SupporterCount(Base):
    """Supporter entries per (candidate, submission, status, district), kept by database triggers.

    `reason = ''`: the entries with that status and district (`district_code = ''`: unknown).
    `reason = R`: the entries needing review whose reasons include R (then `district_code = ''`).
    See migration 0003; `dukungan.services.counting` reads it.
    """

    __tablename__ = "supporter_counts"
    candidate_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True, server_default="")
    reason: Mapped[str] = mapped_column(String(), primary_key=True, server_default="")
    n: Mapped[int] = mapped_column(BigInteger)


class SupporterCountDelta(Base):
    """Changes to `supporter_counts` not folded in yet (PostgreSQL; writers append, never lock)."""

    __tablename__ = "supporter_count_deltas"
    __table_args__ = (Index("ix_supporter_count_deltas_candidate", "candidate_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(String(32))
    submission_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))
    district_code: Mapped[str] = mapped_column(String(6), server_default="")
    reason: Mapped[str] = mapped_column(String(), server_default="")
    n: Mapped[int] = mapped_column(BigInteger)
