"""The review queue: verifiers lease flagged supporter entries and decide them (MS / TMS).

A claim is a lease. Two verifiers never hold one item: on PostgreSQL the candidate row is
picked with `SELECT ... FOR UPDATE SKIP LOCKED`; on every backend the lease itself is taken
by a conditional `UPDATE ... WHERE id = ? AND (claimed_by IS NULL OR lease_expires_at < now)`
whose row count says whether we won (SQLite runs it under `BEGIN IMMEDIATE`, see storage.db).

Decisions (see `decide`):
- accept, no correction           -> `accepted` (the flagged reasons stay on record).
- accept with a correction        -> the values are corrected (the values as read stay in
  `Supporter.read_values`) and every automatic check runs again. No reason left -> `accepted`;
  the check found an identical duplicate -> `duplicate`. Reasons left -> the item stays with
  the same verifier (lease renewed) showing the new reasons, and a further plain `accept`
  (or `accept_remaining=True` in the same call) accepts them knowingly.
- reject (reason: a Reason code; defaults to the first flagged reason) -> `rejected` (TMS),
  unless the election asks for a second look: then the item waits for a second, different
  verifier. Agreement -> `rejected`; disagreement -> item `escalated`, resolved by an admin.

Every decision writes an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from dukungan import errors
from dukungan.services import audit
from dukungan.services.checking import PRIORITY, check_supporter
from pipelines.domain import Reason, Role, SupporterStatus
from storage import dpt
from storage.db import is_postgres
from storage.models import Election, IdCard, Page, ReviewItem, Supporter, Voter, utcnow
from storage.objects import ObjectNotFound, ObjectStore

Decision = Literal["accept", "reject"]
EvidenceKind = Literal["form_crop", "id_card_crop", "voter_record"]

OPEN = "open"
SECOND_LOOK = "second_look"
ESCALATED = "escalated"
DONE = "done"
CLAIMABLE = (OPEN, SECOND_LOOK)
CORRECTABLE = ("nik", "name", "birth_date", "sex")
_CLAIM_TRIES = 20  # SQLite path: candidates tried before giving up (others won the rest)
_CROP_MARGIN = 0.04  # of the page width, around a bounding box
_CROP_MAX_SIDE = 2000  # pixels; a whole page is scaled down to this


@dataclass(frozen=True)
class Correction:
    nik: str | None = None
    name: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in CORRECTABLE if getattr(self, k) is not None}

    def as_json(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in self.values().items()}


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def lease_seconds_left(item: ReviewItem, now: dt.datetime | None = None) -> int:
    expires = aware(item.lease_expires_at)
    if expires is None:
        return 0
    return max(0, int((expires - (now or utcnow())).total_seconds()))


# -- the lease ------------------------------------------------------------------------------


def _claimable_by(verifier_id: str, now: dt.datetime) -> Any:
    """Free (never claimed, or the lease ran out), and not a second look at one's own rejection."""
    first_by = ReviewItem.first_decision["by"].as_string()
    return and_(
        ReviewItem.status.in_(CLAIMABLE),
        or_(ReviewItem.claimed_by.is_(None), ReviewItem.lease_expires_at < now),
        or_(ReviewItem.status != SECOND_LOOK, first_by.is_(None), first_by != verifier_id),
    )


def _take(session: Session, item_id: str, verifier_id: str, now: dt.datetime, until: dt.datetime) -> bool:
    """The conditional UPDATE that takes a lease; True when this call won it."""
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, _claimable_by(verifier_id, now))
        .values(claimed_by=verifier_id, lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _extend(session: Session, item_id: str, verifier_id: str, until: dt.datetime) -> bool:
    """Renew a lease still held (expired but not taken by anyone else counts as held)."""
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.claimed_by == verifier_id,
               ReviewItem.status.in_(CLAIMABLE))
        .values(lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _reload(session: Session, item_id: str) -> ReviewItem:
    item = session.get(ReviewItem, item_id, populate_existing=True)
    assert item is not None
    return item


def claim(
    session: Session,
    verifier_id: str,
    election_id: str | None,
    lease_seconds: int,
    *,
    exclude: Collection[str] = (),
    now: dt.datetime | None = None,
) -> ReviewItem | None:
    """Lease the next item: lowest priority first, then oldest. None when the queue is empty.

    A verifier who still holds a live lease gets that item back (a reload does not lose it,
    and nobody hoards). `exclude` skips items (the "next" button after a release).
    """
    now = now or utcnow()
    until = now + dt.timedelta(seconds=lease_seconds)
    scope: list[ColumnElement[bool]] = [ReviewItem.id.not_in(list(exclude))] if exclude else []
    if election_id is not None:
        scope.append(ReviewItem.election_id == election_id)

    held = session.scalars(
        select(ReviewItem.id)
        .where(ReviewItem.claimed_by == verifier_id, ReviewItem.status.in_(CLAIMABLE),
               ReviewItem.lease_expires_at >= now, *scope)
        .order_by(ReviewItem.lease_expires_at).limit(1)
    ).first()
    if held is not None and _extend(session, held, verifier_id, until):
        return _reload(session, held)

    queue = (
        select(ReviewItem.id)
        .where(_claimable_by(verifier_id, now), *scope)
        .order_by(ReviewItem.priority, ReviewItem.created_at, ReviewItem.id)
    )
    if is_postgres(session.get_bind().engine):
        # Rows another transaction is claiming are skipped, not waited for.
        picked = session.scalars(queue.limit(1).with_for_update(skip_locked=True)).first()
        candidates = [] if picked is None else [picked]
    else:
        candidates = list(session.scalars(queue.limit(_CLAIM_TRIES)))
    for item_id in candidates:
        if _take(session, item_id, verifier_id, now, until):
            return _reload(session, item_id)
    return None


def renew(
    session: Session, item_id: str, verifier_id: str, lease_seconds: int, *, now: dt.datetime | None = None
) -> ReviewItem:
    """Extend the caller's lease; `LeaseLost` (409) when someone else holds the item now."""
    now = now or utcnow()
    if session.get(ReviewItem, item_id) is None:
        raise errors.NotFound.of("review item", item_id)
    if not _extend(session, item_id, verifier_id, now + dt.timedelta(seconds=lease_seconds)):
        raise errors.LeaseLost(f"review item {item_id} is not leased to you")
    return _reload(session, item_id)


def release(session: Session, item_id: str, verifier_id: str) -> None:
    """Give the item back to the queue unanswered (the "next" key). Idempotent."""
    session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.claimed_by == verifier_id,
               ReviewItem.status.in_(CLAIMABLE))
        .values(claimed_by=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )


def _locked_item(session: Session, item_id: str) -> ReviewItem:
    item = session.scalars(
        select(ReviewItem).where(ReviewItem.id == item_id).with_for_update().execution_options(
            populate_existing=True)
    ).first()
    if item is None:
        raise errors.NotFound.of("review item", item_id)
    return item


# -- decisions ------------------------------------------------------------------------------


def _snapshot(s: Supporter) -> dict[str, Any]:
    # NIKs are in: a correction of a NIK is exactly what the commission must be able to trace.
    return {"status": s.status, "reasons": list(s.reasons), "nik": s.nik, "name": s.name,
            "birth_date": s.birth_date, "sex": s.sex, "decided_by": s.decided_by}


def _validate(correction: Correction) -> dict[str, Any]:
    values = correction.values()
    nik = values.get("nik")
    if nik is not None and not (len(nik) == 16 and nik.isdigit()):
        raise errors.BadInput("a corrected NIK has 16 digits", code="BAD_NIK")
    if "sex" in values and values["sex"] not in ("L", "P"):
        raise errors.BadInput("sex is L or P", code="BAD_SEX")
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
        if not values["name"]:
            raise errors.BadInput("a corrected name cannot be empty", code="BAD_NAME")
    return values


def _apply_correction(session: Session, supporter: Supporter, correction: Correction, actor: str) -> None:
    values = _validate(correction)
    if not values:
        return
    read = dict(supporter.read_values or {})
    for key in values:  # keep the value as read, once (a second correction does not move it)
        if key not in read:
            was = getattr(supporter, key)
            read[key] = was.isoformat() if isinstance(was, dt.date) else was
    supporter.read_values = read
    for key, value in values.items():
        setattr(supporter, key, value)
    session.flush()
    outcome = check_supporter(session, supporter.id, actor=actor)
    # A corrected NIK can make or unmake a duplicate: the other entries of the pair follow.
    for other_id in sorted(outcome.recheck if outcome else ()):
        if other_id != supporter.id:
            check_supporter(session, other_id, actor=actor)


def _reject_reason(reason: str | None, supporter: Supporter) -> str:
    if reason is None:
        if not supporter.reasons:
            raise errors.BadInput("a rejection needs a reason", code="REASON_REQUIRED")
        return str(min(supporter.reasons, key=lambda r: (PRIORITY.get(Reason(r), 4), r)))
    try:
        return Reason(reason).value
    except ValueError:
        raise errors.BadInput(f"unknown reason {reason!r}", code="BAD_REASON") from None


def _finalise(item: ReviewItem, supporter: Supporter, status: str, by: str, now: dt.datetime) -> None:
    supporter.status = status
    supporter.decided_by = by
    supporter.decided_at = now
    item.status = DONE
    item.decided_at = now
    item.lease_expires_at = None


def decide(
    session: Session,
    item_id: str,
    verifier_id: str,
    decision: Decision,
    reason: str | None = None,
    corrected: Correction | None = None,
    note: str | None = None,
    *,
    accept_remaining: bool = False,
    lease_seconds: int = 600,
    now: dt.datetime | None = None,
) -> Supporter:
    """Decide the item the caller holds; `LeaseLost` (409) when they no longer hold it."""
    now = now or utcnow()
    item = _locked_item(session, item_id)
    if item.claimed_by != verifier_id or item.status not in CLAIMABLE:
        raise errors.LeaseLost(f"review item {item_id} is not leased to you")
    stage = item.status
    supporter = supporter_of(session, item, lock=True)
    before = _snapshot(supporter)
    if decision == "reject":
        reason = _reject_reason(reason, supporter)  # before the re-check replaces the reasons
    corrections = corrected.values() if corrected is not None else {}
    if corrected is not None and corrections:
        # The re-check runs in this session: it sees and updates this very item (reasons, priority).
        _apply_correction(session, supporter, corrected, verifier_id)
    record = {"by": verifier_id, "at": now.isoformat(), "decision": decision, "reason": reason,
              "note": note, "corrected": corrected.as_json() if corrected else None}

    if decision == "reject":
        election = session.get(Election, supporter.election_id)
        assert reason is not None
        if stage == OPEN and election is not None and election.second_look:
            action = "review.reject_first"
            supporter.status = SupporterStatus.NEEDS_REVIEW.value
            item.status, item.first_decision = SECOND_LOOK, record
            item.claimed_by, item.lease_expires_at = None, None
        else:
            action = "review.reject_confirmed" if stage == SECOND_LOOK else "review.reject"
            supporter.reasons = [reason]
            _finalise(item, supporter, SupporterStatus.REJECTED.value, verifier_id, now)
    elif stage == SECOND_LOOK:
        action = "review.escalate"
        supporter.status = SupporterStatus.NEEDS_REVIEW.value
        item.status = ESCALATED
        item.first_decision = {**(item.first_decision or {}), "second": record}
        item.claimed_by, item.lease_expires_at = None, None
    elif (corrections and supporter.reasons and not accept_remaining
          and supporter.status != SupporterStatus.DUPLICATE.value):
        action = "review.correct"  # stays with this verifier, who now sees the new reasons
        supporter.status = SupporterStatus.NEEDS_REVIEW.value
        item.status, item.claimed_by = OPEN, verifier_id
        item.lease_expires_at = now + dt.timedelta(seconds=lease_seconds)
    else:
        action = "review.accept"
        final = (SupporterStatus.DUPLICATE.value if supporter.status == SupporterStatus.DUPLICATE.value
                 else SupporterStatus.ACCEPTED.value)
        _finalise(item, supporter, final, verifier_id, now)

    audit.record(session, verifier_id, action, supporter.id, before,
                 {**_snapshot(supporter), "item": item_id, "note": note, "reason": reason})
    session.flush()
    return supporter


def resolve(
    session: Session,
    item_id: str,
    admin_id: str,
    decision: Decision,
    reason: str | None = None,
    note: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Supporter:
    """An admin settles an escalated item (two verifiers disagreed on a rejection)."""
    now = now or utcnow()
    item = _locked_item(session, item_id)
    if item.status != ESCALATED:
        raise errors.Conflict(f"review item {item_id} is {item.status}, not escalated", code="NOT_ESCALATED")
    supporter = supporter_of(session, item, lock=True)
    before = _snapshot(supporter)
    if decision == "reject":
        reason = _reject_reason(reason or (item.first_decision or {}).get("reason"), supporter)
        supporter.reasons = [reason]
        _finalise(item, supporter, SupporterStatus.REJECTED.value, admin_id, now)
    else:
        _finalise(item, supporter, SupporterStatus.ACCEPTED.value, admin_id, now)
    audit.record(session, admin_id, "review.resolve", supporter.id, before,
                 {**_snapshot(supporter), "item": item_id, "note": note, "reason": reason})
    session.flush()
    return supporter


def set_second_look(session: Session, election_id: str, enabled: bool, actor: str) -> Election:
    """Whether a rejection in this election needs a second, different verifier to agree."""
    election = session.get(Election, election_id)
    if election is None:
        raise errors.NotFound.of("election", election_id)
    if election.second_look != enabled:
        audit.record(session, actor, "election.second_look", election_id,
                     {"second_look": election.second_look}, {"second_look": enabled})
        election.second_look = enabled
    return election


# -- reading the queue ----------------------------------------------------------------------


def get_item(session: Session, item_id: str, user_id: str, role: str) -> ReviewItem:
    """The item as its lease holder or an admin may see it; anyone else gets 404."""
    item = session.get(ReviewItem, item_id)
    if item is None or (role != Role.ADMIN.value and item.claimed_by != user_id):
        raise errors.NotFound.of("review item", item_id)
    return item


def supporter_of(session: Session, item: ReviewItem, *, lock: bool = False) -> Supporter:
    supporter = session.get(Supporter, item.supporter_id, with_for_update=lock)
    if supporter is None:  # a foreign key guards this
        raise errors.NotFound.of("supporter", item.supporter_id)
    return supporter


def list_items(session: Session, status: str, election_id: str | None = None, limit: int = 100
               ) -> list[ReviewItem]:
    stmt = select(ReviewItem).where(ReviewItem.status == status)
    if election_id is not None:
        stmt = stmt.where(ReviewItem.election_id == election_id)
    return list(session.scalars(stmt.order_by(ReviewItem.priority, ReviewItem.created_at).limit(limit)))


def queue_counts(session: Session, election_id: str | None = None) -> dict[str, int]:
    stmt = select(ReviewItem.status, func.count()).group_by(ReviewItem.status)
    if election_id is not None:
        stmt = stmt.where(ReviewItem.election_id == election_id)
    counts = {OPEN: 0, SECOND_LOOK: 0, ESCALATED: 0, DONE: 0}
    counts.update({status: n for status, n in session.execute(stmt)})
    return counts


# -- evidence -------------------------------------------------------------------------------


def _id_card(session: Session, supporter: Supporter) -> IdCard | None:
    return session.get(IdCard, supporter.id_card_id) if supporter.id_card_id else None


def voter_record(session: Session, supporter: Supporter) -> Voter | None:
    """The supporter's record in the election's live voter list (by the current NIK)."""
    election = session.get(Election, supporter.election_id)
    if not supporter.nik or election is None:
        return None
    return dpt.find_voter(session, election.voter_import_id, supporter.nik)


def evidence_kinds(session: Session, supporter: Supporter) -> list[EvidenceKind]:
    kinds: list[EvidenceKind] = ["form_crop"]
    if _id_card(session, supporter) is not None:
        kinds.append("id_card_crop")
    if voter_record(session, supporter) is not None:
        kinds.append("voter_record")
    return kinds


def _crop(store: ObjectStore, page: Page | None, bbox: Mapping[int, int] | list[Any] | None) -> bytes:
    if page is None or page.image_key is None:
        raise errors.NotFound("the page image is not available", code="PAGE_IMAGE_NOT_FOUND")
    from PIL import Image  # heavy: only when a crop is asked for

    try:
        data = store.get(page.image_key)
    except ObjectNotFound:
        raise errors.NotFound("the page image is not available", code="PAGE_IMAGE_NOT_FOUND") from None
    with Image.open(io.BytesIO(data)) as img:
        out = img.convert("RGB")
    if bbox is not None and len(bbox) == 4:
        x0, y0, x1, y1 = (int(v) for v in bbox)
        m = int(out.width * _CROP_MARGIN)
        out = out.crop((max(0, x0 - m), max(0, y0 - m), min(out.width, x1 + m), min(out.height, y1 + m)))
    out.thumbnail((_CROP_MAX_SIDE, _CROP_MAX_SIDE))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _page(session: Session, document_id: str, number: int) -> Page | None:
    return session.scalars(select(Page).where(Page.document_id == document_id, Page.number == number)).first()


def evidence_image(session: Session, store: ObjectStore, supporter: Supporter, kind: EvidenceKind) -> bytes:
    """A JPEG cut on the fly from the stored upright page image."""
    if kind == "form_crop":
        return _crop(store, _page(session, supporter.document_id, supporter.page), supporter.bbox)
    card = _id_card(session, supporter)
    if kind != "id_card_crop" or card is None:
        raise errors.NotFound(f"no {kind} for this supporter", code="EVIDENCE_NOT_FOUND")
    return _crop(store, _page(session, card.document_id, card.page), card.bbox)
