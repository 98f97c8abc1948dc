"""Setting up the race: elections, their candidates, and the candidates' submissions.

Every function here takes the request's unit of work (`Session`) and never commits: the caller
does, so the change and its audit event land together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.services.audit import record
from pipelines import thresholds
from pipelines.domain import SubmissionStatus
from pipelines.regions import default_regions
from storage.models import Candidate, Election, Submission, VoterImport

SUBMISSION_KINDS = ("initial", "repair")


@dataclass(frozen=True)
class ElectionFigures:
    """What the law asks of a pair in this election, from its voter list and its region."""

    required_support: int
    spread_unit: thresholds.SpreadUnit
    spread_total: int  # regencies of the province, or districts of the regency
    spread_required: int


def figures(election: Election) -> ElectionFigures:
    level = thresholds.level_of(election.region_code)
    regions = default_regions()
    if level == "province":
        total = len(regions.regencies_of(election.region_code))
    else:
        total = len(regions.districts_of(election.region_code))
    return ElectionFigures(
        required_support=thresholds.required_support(level, election.dpt_total),
        spread_unit=thresholds.spread_unit(level),
        spread_total=total,
        spread_required=thresholds.spread_required(level, total),
    )


def _check_region(region_code: str) -> thresholds.Level:
    try:
        level = thresholds.level_of(region_code)
    except ValueError:
        raise errors.BadInput("region_code has 2 digits (province) or 4 digits (regency or city)",
                              code="REGION_CODE_INVALID") from None
    regions = default_regions()
    if level == "province":
        known = regions.province(region_code) is not None
    else:
        # Only a current code: an election is set up today; historic codes live on in NIKs only.
        known = (regions.regency(region_code) is not None
                 and regions.canonical_regency(region_code) == region_code)
    if not known:
        raise errors.BadInput(f"region_code {region_code} is not a current Kemendagri {level} code",
                              code="REGION_UNKNOWN")
    return level


def election_snapshot(e: Election) -> dict[str, object]:
    return {"code": e.code, "name": e.name, "region_code": e.region_code, "level": e.level,
            "voting_date": e.voting_date, "dpt_total": e.dpt_total}


def create_election(session: Session, actor: str, code: str, name: str, region_code: str,
                    voting_date: dt.date) -> Election:
    level = _check_region(region_code)
    if session.scalar(select(Election.id).where(Election.code == code)) is not None:
        raise errors.AlreadyExists(f"an election with code {code!r} exists", code="ELECTION_CODE_TAKEN")
    election = Election(code=code, name=name, region_code=region_code, level=level,
                        voting_date=voting_date, dpt_total=0)
    session.add(election)
    session.flush()
    record(session, actor, "election.create", election.id, None, election_snapshot(election))
    return election


def get_election(session: Session, election_id: str) -> Election:
    election = session.get(Election, election_id)
    if election is None:
        raise errors.NotFound.of("election", election_id)
    return election


def get_import(session: Session, import_id: str) -> VoterImport:
    imp = session.get(VoterImport, import_id)
    if imp is None:
        raise errors.NotFound.of("import", import_id)
    return imp


def create_candidate(session: Session, actor: str, election_id: str, name: str,
                     running_mate: str) -> Candidate:
    get_election(session, election_id)
    candidate = Candidate(election_id=election_id, name=name, running_mate=running_mate)
    session.add(candidate)
    session.flush()
    record(session, actor, "candidate.create", candidate.id, None,
           {"election_id": election_id, "name": name, "running_mate": running_mate})
    return candidate


def list_candidates(session: Session, election_id: str, only: str | None = None) -> list[Candidate]:
    """The election's candidates in the order they were registered; `only` narrows to one id."""
    get_election(session, election_id)
    stmt = select(Candidate).where(Candidate.election_id == election_id)
    if only is not None:
        stmt = stmt.where(Candidate.id == only)
    return list(session.scalars(stmt.order_by(Candidate.created_at, Candidate.id)))


def get_candidate(session: Session, candidate_id: str) -> Candidate:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise errors.NotFound.of("candidate", candidate_id)
    return candidate


def create_submission(session: Session, actor: str, candidate_id: str, kind: str) -> Submission:
    if kind not in SUBMISSION_KINDS:
        raise errors.BadInput(f"kind is one of {', '.join(SUBMISSION_KINDS)}", code="SUBMISSION_KIND_INVALID")
    get_candidate(session, candidate_id)
    sub = Submission(candidate_id=candidate_id, kind=kind, status=SubmissionStatus.OPEN)
    session.add(sub)
    session.flush()
    record(session, actor, "submission.create", sub.id, None,
           {"candidate_id": candidate_id, "kind": kind, "status": sub.status})
    return sub


def get_submission(session: Session, submission_id: str) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise errors.NotFound.of("submission", submission_id)
    return sub
