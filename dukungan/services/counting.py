"""How far a candidate has got: documents and supporters by status, the count, and the spread.

Everything is a handful of GROUP BY queries over indexed columns (see migration 0002), so the
answer stays fast with millions of supporter rows: the supporter counts and the spread come
from one pass over `(candidate_id, status, district_code)`; the reasons are grouped by their
stored JSON text (a few hundred distinct combinations at most) and split here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dukungan.services.elections import figures
from pipelines.domain import DocumentStatus, Reason, SupporterStatus
from pipelines.regions import default_regions
from storage.models import Candidate, Document, Election, Supporter

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


def _by_reason(session: Session, where: ColumnElement[bool]) -> dict[str, int]:
    reasons_text = cast(Supporter.reasons, String)
    rows = session.execute(
        select(reasons_text, func.count())
        .where(where, Supporter.status == SupporterStatus.NEEDS_REVIEW)
        .group_by(reasons_text)
    )
    tally: Counter[str] = Counter()
    for text, n in rows:
        value: Any = json.loads(text) if text else []
        for reason in set(value) if isinstance(value, list) else ():
            tally[str(reason)] += n
    known = [str(r) for r in Reason if r in tally]  # the vocabulary's order first, strays after
    return {r: tally[r] for r in known + sorted(set(tally) - set(known))}


def submission_counts(session: Session, submission_id: str) -> Counts:
    rows = session.execute(
        select(Supporter.status, func.count()).where(Supporter.submission_id == submission_id)
        .group_by(Supporter.status)
    )
    return Counts(
        documents=_documents(session, Document.submission_id == submission_id),
        supporters=_zeroed(SupporterStatus, {status: n for status, n in rows}),
        by_reason=_by_reason(session, Supporter.submission_id == submission_id),
    )


def _spread_unit_of(level: str, district_code: str) -> str:
    canonical = default_regions().canonical_district(district_code)
    return canonical[:4] if level == "province" else canonical


def candidate_status(session: Session, candidate: Candidate) -> CandidateStatus:
    election = session.get(Election, candidate.election_id)
    if election is None:  # a foreign key guards this; say so plainly if it ever breaks
        raise LookupError(f"candidate {candidate.id} points at a missing election")
    rows = session.execute(
        select(Supporter.status, Supporter.district_code, func.count())
        .where(Supporter.candidate_id == candidate.id)
        .group_by(Supporter.status, Supporter.district_code)
    ).all()
    by_status: Counter[str] = Counter()
    units: set[str] = set()
    regions = default_regions()
    for status, district, n in rows:
        by_status[status] += n
        # The spread counts units where the support *counts*, inside the election's region only.
        if status in COUNTED and district and regions.contains(election.region_code, district):
            units.add(_spread_unit_of(election.level, district))
    fig = figures(election)
    counts = Counts(
        documents=_documents(session, Document.candidate_id == candidate.id),
        supporters=_zeroed(SupporterStatus, dict(by_status)),
        by_reason=_by_reason(session, Supporter.candidate_id == candidate.id),
    )
    return CandidateStatus(
        candidate_id=candidate.id,
        counts=counts,
        required_support=fig.required_support,
        spread=Spread(unit=fig.spread_unit, covered=len(units), total=fig.spread_total,
                      required=fig.spread_required),
    )
