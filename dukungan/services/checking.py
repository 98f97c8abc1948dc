"""The automatic check of one supporter entry, and the final reconciliation of a submission.

The pure rules live in `pipelines.rules`; this module gathers their inputs from the database
(the DPT record, the linked e-KTP, other entries with the same NIK), applies the verdict, and
records what it decided and why. Duplicate claims go through a unique index, so two workers
racing on one NIK never both win.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dukungan.services.audit import record
from pipelines import rules
from pipelines.confusables import one_confusable_away, one_digit_away
from pipelines.domain import Reason, SubmissionStatus, SupporterStatus, mask_nik
from pipelines.names import names_match, normalize_name
from pipelines.nik import is_valid_nik
from storage import dpt
from storage.models import Candidate, Election, IdCard, ReviewItem, Submission, SupportClaim, Supporter, Voter

log = logging.getLogger(__name__)

HUMAN_FINAL = {SupporterStatus.ACCEPTED, SupporterStatus.REJECTED}
# Reasons a human must see first: the most blocking come first in the queue.
PRIORITY = {Reason.LOW_QUALITY: 0, Reason.NIK_UNREADABLE: 0, Reason.KTP_MISMATCH: 1,
            Reason.DUPLICATE_INTERNAL: 1, Reason.DUPLICATE_EXTERNAL: 2, Reason.DATA_MISMATCH: 2,
            Reason.NOT_IN_DPT: 3, Reason.NIK_INVALID: 3}


@dataclass
class CheckOutcome:
    status: str
    reasons: list[str]
    recheck: set[str] = field(default_factory=set)  # other supporters whose verdict may change


def _card_facts(card: IdCard | None) -> rules.CardFacts | None:
    if card is None:
        return None
    return rules.CardFacts(nik=card.nik, name=card.name, birth_date=card.birth_date, sex=card.sex)


def _voter_facts(v: Voter | None) -> rules.VoterRecord | None:
    if v is None:
        return None
    return rules.VoterRecord(nik=v.nik, name=v.name, birth_date=v.birth_date, sex=v.sex,
                             marital_status=v.marital_status, district_code=v.district_code)


def find_card(session: Session, sup: Supporter) -> tuple[IdCard | None, str]:
    """The e-KTP for this entry: the one pasted on its page, else one with its NIK anywhere in the
    candidate's documents, else the same person's card one digit away (which is then a mismatch)."""
    if sup.card_index is not None:
        pasted = session.scalars(select(IdCard).where(
            IdCard.document_id == sup.document_id, IdCard.page == sup.page,
            IdCard.index == sup.card_index)).first()
        if pasted is not None:
            return pasted, "same_page"
    if not sup.nik:
        return None, "none"
    exact = session.scalars(select(IdCard).where(IdCard.candidate_id == sup.candidate_id,
                                                 IdCard.nik == sup.nik)
                            .order_by(IdCard.created_at, IdCard.id)).first()
    if exact is not None:
        return exact, "same_nik"
    near = list(one_digit_away(sup.nik))
    if near:
        for card in session.scalars(select(IdCard).where(IdCard.candidate_id == sup.candidate_id,
                                                         IdCard.nik.in_(near))):
            if sup.name and card.name and names_match(sup.name, card.name)[0]:
                return card, "near_nik"
    return None, "none"


def _claim(session: Session, sup: Supporter) -> Supporter | None:
    """Take (or find) the candidate's claim on this NIK; return the holder when it is another entry.

    The unique index on (candidate_id, nik) decides which entry came first.
    """
    assert sup.nik is not None
    session.execute(delete(SupportClaim).where(SupportClaim.supporter_id == sup.id,
                                               SupportClaim.nik != sup.nik))
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Commit the claim at once, outside this transaction: of two racing checks, the one whose
        # claim commits last is then sure to see the other's (READ COMMITTED), here and below.
        with bind.engine.connect() as conn:
            conn.execute(pg_insert(SupportClaim).values(
                election_id=sup.election_id, candidate_id=sup.candidate_id, nik=sup.nik,
                supporter_id=sup.id).on_conflict_do_nothing())
            conn.commit()
    held = session.scalars(select(SupportClaim).where(SupportClaim.candidate_id == sup.candidate_id,
                                                      SupportClaim.nik == sup.nik)).first()
    if held is None:  # SQLite: the whole check holds the write lock (BEGIN IMMEDIATE)
        try:
            with session.begin_nested():
                session.add(SupportClaim(election_id=sup.election_id, candidate_id=sup.candidate_id,
                                         nik=sup.nik, supporter_id=sup.id))
        except IntegrityError:
            held = session.scalars(select(SupportClaim).where(
                SupportClaim.candidate_id == sup.candidate_id, SupportClaim.nik == sup.nik)).first()
    if held is None or held.supporter_id == sup.id:
        return None
    holder = session.get(Supporter, held.supporter_id)
    if holder is None or holder.nik != sup.nik:  # the holder was corrected away: take over its claim
        held.supporter_id = sup.id
        return None
    return holder


def _identical(a: Supporter, b: Supporter) -> bool:
    """Ganda identik: same NIK, name, birth date and sex (SILON also compares marital status)."""
    return (a.nik == b.nik and a.birth_date == b.birth_date and a.sex == b.sex
            and normalize_name(a.name or "") == normalize_name(b.name or ""))


def _external(session: Session, sup: Supporter) -> list[SupportClaim]:
    return list(session.scalars(select(SupportClaim).where(
        SupportClaim.election_id == sup.election_id, SupportClaim.nik == sup.nik,
        SupportClaim.candidate_id != sup.candidate_id)))


def check_supporter(session: Session, supporter_id: str, *, actor: str = "machine",
                    final: bool | None = None) -> CheckOutcome | None:
    """Re-run every automatic check on the entry's current values and apply the verdict.

    A decision a verifier already made (accepted / rejected) keeps its status; its reasons are
    refreshed. `final` (the submission is closing) turns a missing ID card into KTP_MISSING.
    """
    sup = session.get(Supporter, supporter_id, with_for_update=True)
    if sup is None:
        return None
    election = session.get(Election, sup.election_id)
    assert election is not None
    if final is None:
        sub = session.get(Submission, sup.submission_id)
        final = sub is not None and sub.status != SubmissionStatus.OPEN
    before = {"status": sup.status, "reasons": list(sup.reasons)}
    read = sup.read_values or {}
    reading = {Reason(r) for r in sup.read_reasons}
    if sup.nik and sup.nik != read.get("nik"):
        reading.discard(Reason.NIK_UNREADABLE)  # a verifier typed the NIK in

    voter = dpt.find_voter(session, election.voter_import_id, sup.nik) if sup.nik else None
    card, card_via = find_card(session, sup)
    near = ([] if voter is not None or not sup.nik
            else dpt.find_voters(session, election.voter_import_id, list(one_confusable_away(sup.nik))))
    verdict = rules.decide(
        rules.EntryFacts(nik=sup.nik, name=sup.name, birth_date=sup.birth_date, sex=sup.sex,
                         signed=sup.signed, reading_reasons=tuple(sorted(reading))),
        _voter_facts(voter), _card_facts(card),
        rules.ElectionFacts(region_code=election.region_code, voting_date=election.voting_date),
        near_voters=[v for v in (_voter_facts(n) for n in near) if v is not None],
    )
    reasons = set(verdict.reasons) | reading
    details: dict[str, Any] = {"rules": verdict.details, "card_via": card_via,
                               "voter_nik": mask_nik(voter.nik) if voter else None,
                               "dpt_import_id": election.voter_import_id,
                               "card_id": card.id if card else None}
    outcome = CheckOutcome(status=SupporterStatus.PROCESSING, reasons=[])
    if verdict.suggestion:
        details["suggested_nik"] = verdict.suggestion.nik  # for the verifier; never applied silently
    duplicate_of: str | None = None
    if sup.nik and is_valid_nik(sup.nik) and Reason.NIK_UNREADABLE not in reasons:
        holder = _claim(session, sup)
        if holder is not None:
            if _identical(holder, sup):
                duplicate_of = holder.id
            else:
                reasons.add(Reason.DUPLICATE_INTERNAL)
                if Reason.DUPLICATE_INTERNAL not in holder.reasons:
                    outcome.recheck.add(holder.id)
            details["duplicate_of"] = holder.id
        others = _external(session, sup)
        if others:
            reasons.add(Reason.DUPLICATE_EXTERNAL)
            details["external_candidates"] = sorted({c.candidate_id for c in others})
            outcome.recheck.update(c.supporter_id for c in others)
        # the earlier entry of a differing internal pair is flagged too
        internal = session.scalars(select(Supporter.id).where(
            Supporter.candidate_id == sup.candidate_id, Supporter.nik == sup.nik,
            Supporter.id != sup.id, Supporter.status != SupporterStatus.DUPLICATE)).all()
        if any(not _identical(sup, o) for o in session.scalars(
                select(Supporter).where(Supporter.id.in_(internal)))):
            reasons.add(Reason.DUPLICATE_INTERNAL)
    if card is None and final:
        reasons.add(Reason.KTP_MISSING)

    sup.district_code = voter.district_code if voter else None
    sup.id_card_id = card.id if card else None
    sup.id_card_document_id = card.document_id if card else None
    sup.reasons = sorted(r.value for r in reasons)
    sup.check_details = details
    if sup.status in HUMAN_FINAL:
        status = sup.status
    elif duplicate_of is not None:  # ganda identik: the first entry carries any question
        status = SupporterStatus.DUPLICATE
        sup.reasons = []
    elif reasons:
        status = SupporterStatus.NEEDS_REVIEW
    elif card is None:
        status = SupporterStatus.PROCESSING  # waits for its e-KTP (or the close, for KTP_MISSING)
    else:
        status = SupporterStatus.VERIFIED
    sup.status = status
    _sync_review_item(session, sup)
    outcome.status, outcome.reasons = status, list(sup.reasons)
    after = {"status": sup.status, "reasons": list(sup.reasons)}
    if after != before:
        record(session, actor, "supporter.check", sup.id, before, after | {"inputs": details})
    return outcome


def _sync_review_item(session: Session, sup: Supporter) -> None:
    item = session.scalars(select(ReviewItem).where(ReviewItem.supporter_id == sup.id)).first()
    if sup.status == SupporterStatus.NEEDS_REVIEW:
        prio = min((PRIORITY.get(Reason(r), 4) for r in sup.reasons), default=4)
        if item is None:
            session.add(ReviewItem(supporter_id=sup.id, election_id=sup.election_id,
                                   candidate_id=sup.candidate_id, priority=prio))
        else:
            item.priority = prio
            if item.status == "done":
                item.status, item.claimed_by, item.lease_expires_at = "open", None, None
    elif item is not None and item.status in ("open",) and item.claimed_by is None:
        item.status = "done"
        item.decided_at = dt.datetime.now(dt.UTC)


def supporters_for_cards(session: Session, candidate_id: str, niks: list[str]) -> list[str]:
    """Entries of the candidate whose verdict a newly read card may change (same or near NIK)."""
    wanted: set[str] = set()
    for nik in niks:
        wanted.add(nik)
        wanted.update(one_digit_away(nik))
    if not wanted:
        return []
    ids: list[str] = []
    chunk = list(wanted)
    for i in range(0, len(chunk), 500):
        ids.extend(session.scalars(select(Supporter.id).where(
            Supporter.candidate_id == candidate_id, Supporter.nik.in_(chunk[i:i + 500]))))
    return ids


def pending_supporters(session: Session, submission_id: str) -> list[str]:
    return list(session.scalars(select(Supporter.id).where(
        Supporter.submission_id == submission_id,
        Supporter.status.notin_([SupporterStatus.ACCEPTED, SupporterStatus.REJECTED]))
        .order_by(Supporter.document_id, Supporter.page, Supporter.row)))


def candidate_election(session: Session, candidate_id: str) -> str:
    cand = session.get(Candidate, candidate_id)
    assert cand is not None
    return cand.election_id
