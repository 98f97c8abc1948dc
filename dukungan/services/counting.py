"""How far a candidate has got: documents and supporters by status, the count, and the spread.

Everything is a handful of index-only queries (the indexes are in migration 0002), so the
answer stays fast with millions of supporter rows: counts by status are one GROUP BY over
`(candidate_id, status)`; the spread walks the distinct districts of the counted statuses on
`(candidate_id, status, district_code)`, one probe per district; the reasons are grouped by
their stored JSON text (a few dozen distinct combinations) on a partial index of the entries
needing review, and split here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dukungan.services.elections import figures
from pipelines.domain import DocumentStatus, Reason, SupporterStatus
from pipelines.regions import default_regions
from storage.models import Candidate, Document, Election, Submission, Supporter

COUNTED = (SupporterStatus.VERIFIED, SupporterStatus.ACCEPTED)


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


def _zeroed(keys: type[DocumentStatus] | type[SupporterStatus], found: dict[str, int]) -> dict[str, int]:
    out = {str(k): 0 for k in keys}
    for k, n in found.items():
        out[k] = out.get(k, 0) + n  # an unexpected status still shows instead of vanishing
    return out


def _documents(session: Session, where: ColumnElement[bool]) -> dict[str, int]:
    rows = session.execute(select(Document.status, func.count()).where(where).group_by(Document.status))
    return _zeroed(DocumentStatus, {status: n for status, n in rows})


# A literal, not a bound parameter: the partial index `ix_supporters_review_reasons` (WHERE
# status = 'needs_review') is only used when the planner can see the value.
_NEEDS_REVIEW: ColumnElement[Any] = literal_column(f"'{SupporterStatus.NEEDS_REVIEW.value}'")


def _by_reason(session: Session, *where: ColumnElement[bool]) -> dict[str, int]:
    reasons_text = cast(Supporter.reasons, String)
    rows = session.execute(
        select(reasons_text, func.count())
        .where(*where, Supporter.status == _NEEDS_REVIEW)
        .group_by(reasons_text)
    )
    tally: Counter[str] = Counter()
    for text, n in rows:
        value: Any = json.loads(text) if text else []
        for reason in set(value) if isinstance(value, list) else ():
            tally[str(reason)] += n
    known = [str(r) for r in Reason if r in tally]  # the vocabulary's order first, strays after
    return {r: tally[r] for r in known + sorted(set(tally) - set(known))}


def submission_counts(session: Session, submission: Submission) -> Counts:
    rows = session.execute(
        select(Supporter.status, func.count()).where(Supporter.submission_id == submission.id)
        .group_by(Supporter.status)
    )
    return Counts(
        documents=_documents(session, Document.submission_id == submission.id),
        supporters=_zeroed(SupporterStatus, {status: n for status, n in rows}),
        by_reason=_by_reason(session, Supporter.candidate_id == submission.candidate_id,
                             Supporter.submission_id == submission.id),
    )


def _spread_unit_of(level: str, district_code: str) -> str:
    canonical = default_regions().canonical_district(district_code)
    return canonical[:4] if level == "province" else canonical


def _districts(session: Session, candidate_id: str, status: str) -> list[str]:
    """The distinct district codes of one status, by a loose index scan ("skip scan").

    One index probe per district on (candidate_id, status, district_code) instead of reading
    every entry: a few hundred probes, where a GROUP BY would read a million index entries.
    """
    s = Supporter
    same = (s.candidate_id == candidate_id, s.status == status)
    walk = select(func.min(s.district_code).label("code")).where(*same).cte("walk", recursive=True)
    step = select(func.min(s.district_code)).where(*same, s.district_code > walk.c.code).scalar_subquery()
    walk = walk.union_all(select(step).where(walk.c.code.is_not(None)))
    return list(session.scalars(select(walk.c.code).where(walk.c.code.is_not(None))))


def candidate_status(session: Session, candidate: Candidate) -> CandidateStatus:
    election = session.get(Election, candidate.election_id)
    if election is None:  # a foreign key guards this; say so plainly if it ever breaks
        raise LookupError(f"candidate {candidate.id} points at a missing election")
    by_status: dict[str, int] = {status: n for status, n in session.execute(
        select(Supporter.status, func.count()).where(Supporter.candidate_id == candidate.id)
        .group_by(Supporter.status)
    )}
    regions = default_regions()
    # The spread counts units where the support *counts*, inside the election's region only.
    units = {
        _spread_unit_of(election.level, district)
        for status in COUNTED if by_status.get(status)
        for district in _districts(session, candidate.id, status)
        if regions.contains(election.region_code, district)
    }
    fig = figures(election)
    counts = Counts(
        documents=_documents(session, Document.candidate_id == candidate.id),
        supporters=_zeroed(SupporterStatus, by_status),
        by_reason=_by_reason(session, Supporter.candidate_id == candidate.id),
    )
    return CandidateStatus(
        candidate_id=candidate.id,
        counts=counts,
        required_support=fig.required_support,
        spread=Spread(unit=fig.spread_unit, covered=len(units), total=fig.spread_total,
                      required=fig.spread_required),
    )
