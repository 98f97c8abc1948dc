"""Read-only lists the pages show and no API answer carries as such (the pages' read model).

Scope is the caller's job (the page routes pass an id already checked by the API's scope
dependencies); everything here is a plain bounded SELECT.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from dukungan.services.counting import COUNTED, _spread_unit_of
from pipelines.regions import default_regions
from storage.models import Candidate, Document, Election, Submission, Supporter, User, VoterImport

LIST_LIMIT = 200


def elections(session: Session, only: str | None = None) -> list[Election]:
    stmt = select(Election).order_by(Election.created_at.desc()).limit(LIST_LIMIT)
    if only is not None:
        stmt = stmt.where(Election.id == only)
    return list(session.scalars(stmt))


def candidates(session: Session, election_ids: list[str]) -> list[Candidate]:
    return list(session.scalars(select(Candidate).where(Candidate.election_id.in_(election_ids))
                                .order_by(Candidate.created_at)))


def submissions(session: Session, candidate_id: str) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.candidate_id == candidate_id)
                                .order_by(Submission.created_at.desc()).limit(LIST_LIMIT)))


def documents(session: Session, submission_id: str) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.submission_id == submission_id)
                                .order_by(Document.created_at, Document.id).limit(2000)))


def imports(session: Session, election_id: str) -> list[VoterImport]:
    return list(session.scalars(select(VoterImport).where(VoterImport.election_id == election_id)
                                .order_by(VoterImport.created_at.desc()).limit(5)))


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.created_at.desc()).limit(LIST_LIMIT)))


def search_supporters(session: Session, candidate_id: str, q: str, limit: int = 50) -> list[Supporter]:
    """By NIK (exact, or its beginning) or by name (contains, case-blind), one candidate only."""
    q = q.strip()
    if not q:
        return []
    match: ColumnElement[bool]
    if q.isdigit():
        match = Supporter.nik.startswith(q) if len(q) < 16 else Supporter.nik == q
    else:
        match = and_(*[func.upper(Supporter.name).contains(w, autoescape=True) for w in q.upper().split()])
    return list(session.scalars(select(Supporter).where(Supporter.candidate_id == candidate_id, match)
                                .order_by(Supporter.name, Supporter.id).limit(limit)))


@dataclass(frozen=True)
class SpreadRow:
    code: str
    name: str
    counted: int


def spread_rows(session: Session, candidate: Candidate, election: Election) -> list[SpreadRow]:
    """Counted supporters per spread unit (district for a regency race, regency for a province),
    by the same unit rule as the candidate status (`counting`), so the table adds up to it."""
    regions = default_regions()
    rows = session.execute(
        select(Supporter.district_code, func.count())
        .where(Supporter.candidate_id == candidate.id, Supporter.status.in_(COUNTED))
        .group_by(Supporter.district_code)
    )
    per_unit: Counter[str] = Counter()
    for district, n in rows:
        if district and regions.contains(election.region_code, district):
            per_unit[_spread_unit_of(election.level, district)] += n
    units = (regions.regencies_of(election.region_code) if election.level == "province"
             else regions.districts_of(election.region_code))
    names = {u.code: u.name for u in units}
    out = [SpreadRow(code, names.get(code, code), per_unit.get(code, 0)) for code in names]
    out += [SpreadRow(code, code, n) for code, n in per_unit.items() if code not in names]
    return sorted(out, key=lambda r: (-r.counted, r.name))
