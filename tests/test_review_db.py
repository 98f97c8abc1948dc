"""Databases for the review tests (SQLite file and a throw-away PostgreSQL database), a seeder,
and the check that the audit trail refuses edits on both.

PostgreSQL is a throw-away database from the `db` fixture of `conftest_services` (skipped when unreachable,
failing under `CI`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from storage.models import (
    AuditEvent,
    Candidate,
    Document,
    Election,
    ReviewItem,
    Submission,
    Supporter,
)


@dataclass
class Seeded:
    election_id: str
    candidate_id: str
    submission_id: str
    document_id: str
    supporter_ids: list[str]
    item_ids: list[str]


T0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


def seed(database: Database, n: int, *, second_look: bool = False, priorities: list[int] | None = None,
         reasons: tuple[str, ...] = ("NOT_IN_DPT",)) -> Seeded:
    """An election with one candidate and `n` flagged supporters, each with an open review item."""
    with database.session() as s:
        el = Election(code=f"E-{uuid.uuid4().hex[:8]}", name="Pilkada Uji", region_code="3171",
                      level="regency", voting_date=dt.date(2026, 11, 27), second_look=second_look)
        s.add(el)
        s.flush()
        cand = Candidate(election_id=el.id, name="Calon A", running_mate="Wakil A")
        s.add(cand)
        s.flush()
        sub = Submission(candidate_id=cand.id, kind="initial", status="closed")
        s.add(sub)
        s.flush()
        doc = Document(submission_id=sub.id, candidate_id=cand.id, filename="f.pdf", sha256="0" * 64,
                       size=1, content_type="application/pdf", status="done", pages=n)
        s.add(doc)
        s.flush()
        sup_ids, item_ids = [], []
        for i in range(n):
            sup = Supporter(election_id=el.id, candidate_id=cand.id, submission_id=sub.id, document_id=doc.id,
                            page=i + 1, row=1, nik=f"317101170880{i:04d}", name=f"PENDUKUNG {i}",
                            birth_date=dt.date(1980, 1, 1), sex="L", signed=True, status="needs_review",
                            reasons=list(reasons), read_values={"nik": f"317101170880{i:04d}"})
            s.add(sup)
            s.flush()
            prio = priorities[i] if priorities else 0
            item = ReviewItem(supporter_id=sup.id, election_id=el.id, candidate_id=cand.id, priority=prio,
                              created_at=T0 + dt.timedelta(seconds=i))
            s.add(item)
            s.flush()
            sup_ids.append(sup.id)
            item_ids.append(item.id)
        return Seeded(el.id, cand.id, sub.id, doc.id, sup_ids, item_ids)


def test_audit_trail_refuses_update_and_delete(db: Database) -> None:
    with db.session() as s:
        s.add(AuditEvent(actor="v1", action="review.accept", object_id="x", before={}, after={}))
    for stmt in (update(AuditEvent).values(actor="someone else"), delete(AuditEvent)):
        with pytest.raises(DBAPIError, match="append-only"), db.session() as s:
            s.execute(stmt)
    with db.session() as s:
        assert s.execute(text("SELECT actor FROM audit_events")).scalars().all() == ["v1"]
