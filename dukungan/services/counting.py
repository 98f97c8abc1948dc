"""How far a candidate has got: documents and supporters by status, the count, and the spread.

The supporter figures come from `supporter_counts`, which database triggers keep (migration
0003), so the answer reads a few hundred counter rows whatever the number of entries. On
PostgreSQL writers append their changes to `supporter_count_deltas` instead of updating a shared
row, and fold them into the counters now and then; a reader sums counters and deltas in one
statement, which is exact in its snapshot, and writes nothing. Documents are few: they are
still grouped straight from their table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select, text, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dukungan.services.elections import figures
from pipelines.domain import DocumentStatus, Reason, SupporterStatus
from pipelines.regions import default_regions
from storage.models import Candidate, Document, Election, Submission, SupporterCount, SupporterCountDelta

COUNTED = (SupporterStatus.VERIFIED, SupporterStatus.ACCEPTED)
ENTRIES = ""  # the `reason` of a counter row that counts entries, not one reason of them


@dataclass(frozen=True)
class Spread:
    unit: str  # "regency" (province election) or "district" (regency election)
    covered: int
    total: int
    required: int


@dataclass(frozen=True)
class Counts:
    documents: dict[str, int]
    supporters: dict[str, int]
    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def counted(self) -> int:
        return sum(self.supporters.get(s, 0) for s in COUNTED)


@dataclass(frozen=True)
class CandidateStatus:
    candidate_id: str
    counts: Counts
    required_support: int
    spread: Spread


@dataclass(frozen=True)
class _Tally:
    """The counter rows of one candidate (or submission), summed."""

    by_status: dict[str, int]
    districts: dict[str, set[str]]  # status -> districts with at least one entry
    by_reason: dict[str, int]


def _zeroed(keys: type[DocumentStatus] | type[SupporterStatus], found: dict[str, int]) -> dict[str, int]:
    out = {str(k): 0 for k in keys}
    for k, n in found.items():
        out[k] = out.get(k, 0) + n  # an unexpected status still shows instead of vanishing
    return out


def _documents(session: Session, where: ColumnElement[bool]) -> dict[str, int]:
    rows = session.execute(select(Document.status, func.count()).where(where).group_by(Document.status))
    return _zeroed(DocumentStatus, {status: n for status, n in rows})


def fold_deltas(session: Session, candidate_id: str) -> None:
    """Move a candidate's pending counter changes into `supporter_counts` now (PostgreSQL only).

    Writers fold on their own from time to time (migration 0003); this is for maintenance and
    tests. It never waits on another fold: if one holds the candidate, it does nothing.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT supporter_counts_fold(:candidate_id)"), {"candidate_id": candidate_id})


def _tally(session: Session, candidate_id: str, submission_id: str | None = None) -> _Tally:
    parts = []
    for table in (SupporterCount, SupporterCountDelta):
        where = [table.candidate_id == candidate_id]
        if submission_id is not None:
            where.append(table.submission_id == submission_id)
        parts.append(select(table.status, table.district_code, table.reason, table.n).where(*where))
    both = union_all(*parts).subquery()
    rows = session.execute(
        select(both.c.status, both.c.district_code, both.c.reason, func.sum(both.c.n))
        .group_by(both.c.status, both.c.district_code, both.c.reason)
    )
    by_status: dict[str, int] = defaultdict(int)
    districts: dict[str, set[str]] = defaultdict(set)
    by_reason: dict[str, int] = defaultdict(int)
    for status, district, reason, n in rows:
        if not n:
            continue
        if reason != ENTRIES:
            if status == SupporterStatus.NEEDS_REVIEW:
                by_reason[reason] += int(n)
            continue
        by_status[status] += int(n)
        if district:
            districts[status].add(district)
    known = [str(r) for r in Reason if r in by_reason]  # the vocabulary's order first, strays after
    ordered = {r: by_reason[r] for r in known + sorted(set(by_reason) - set(known))}
    return _Tally(dict(by_status), dict(districts), ordered)


def submission_counts(session: Session, submission: Submission) -> Counts:
    tally = _tally(session, submission.candidate_id, submission.id)
    return Counts(
        documents=_documents(session, Document.submission_id == submission.id),
        supporters=_zeroed(SupporterStatus, tally.by_status),
        by_reason=tally.by_reason,
    )


def _spread_unit_of(level: str, district_code: str) -> str:
    canonical = default_regions().canonical_district(district_code)
    return canonical[:4] if level == "province" else canonical


def candidate_status(session: Session, candidate: Candidate) -> CandidateStatus:
    election = session.get(Election, candidate.election_id)
    if election is None:  # a foreign key guards this; say so plainly if it ever breaks
        raise LookupError(f"candidate {candidate.id} points at a missing election")
    tally = _tally(session, candidate.id)
    regions = default_regions()
    # The spread counts units where the support *counts*, inside the election's region only.
    units = {
        _spread_unit_of(election.level, district)
        for status in COUNTED
        for district in tally.districts.get(status, ())
        if regions.contains(election.region_code, district)
    }
    fig = figures(election)
    counts = Counts(
        documents=_documents(session, Document.candidate_id == candidate.id),
        supporters=_zeroed(SupporterStatus, tally.by_status),
        by_reason=tally.by_reason,
    )
    return CandidateStatus(
        candidate_id=candidate.id,
        counts=counts,
        required_support=fig.required_support,
        spread=Spread(unit=fig.spread_unit, covered=len(units), total=fig.spread_total,
                      required=fig.spread_required),
    )
