"""The review queue service on SQLite and PostgreSQL: leases, races, decisions, second look."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from dukungan import errors
from dukungan.services import review
from storage.db import Database
from storage.models import AuditEvent, ReviewItem, Supporter
from tests.test_review_db import T0, seed

LEASE = 600


def _claim(database: Database, verifier: str, election_id: str | None = None,
           now: dt.datetime | None = None) -> str | None:
    with database.session() as s:
        item = review.claim(s, verifier, election_id, LEASE, now=now)
        return None if item is None else item.id


def _decide(database: Database, item_id: str, verifier: str, decision: review.Decision = "accept",
            **kw: object) -> Supporter:
    with database.session() as s:
        return review.decide(s, item_id, verifier, decision, **kw)  # type: ignore[arg-type]


def _run_threads(n: int, target: object) -> float:
    barrier = threading.Barrier(n)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            target(i)  # type: ignore[operator]
        except BaseException as exc:  # reported below, in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    elapsed = time.perf_counter() - started
    assert not failures, failures
    return elapsed


def test_concurrent_claims_never_hand_one_item_to_two_verifiers(db: Database) -> None:
    """20 verifiers, 5 items, all at once: 5 distinct winners, the rest get nothing."""
    seeded = seed(db, 5)
    got: dict[int, str | None] = {}
    _run_threads(20, lambda i: got.__setitem__(i, _claim(db, f"v{i}", seeded.election_id)))
    won = [item for item in got.values() if item is not None]
    assert sorted(won) == sorted(seeded.item_ids)
    with db.session() as s:
        holders = {it.id: it.claimed_by for it in s.scalars(select(ReviewItem))}
    assert {holders[item] for item in won} == {f"v{i}" for i, item in got.items() if item is not None}


def test_claim_decide_race_drains_the_queue_exactly_once(db: Database, capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """16 verifiers loop claim -> decide until the queue is empty: each item decided once."""
    seeded = seed(db, 120)
    decided: list[tuple[str, str]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        me = f"verifier-{i}"
        while (item := _claim(db, me, seeded.election_id)) is not None:
            _decide(db, item, me, "accept")
            with lock:
                decided.append((item, me))

    elapsed = _run_threads(16, work)
    counts = Counter(item for item, _ in decided)
    assert set(counts) == set(seeded.item_ids)
    assert max(counts.values()) == 1
    with db.session() as s:
        statuses = Counter(s.scalars(select(Supporter.status)))
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "review.accept")).all()
    assert statuses == {"accepted": 120}
    assert len(events) == 120
    with capsys.disabled():
        print(f"\n[{db.engine.dialect.name}] 16 verifiers drained 120 items in {elapsed:.2f}s, "
              f"{len({v for _, v in decided})} verifiers took part, no item twice")


def test_priority_then_age(db: Database) -> None:
    seeded = seed(db, 4, priorities=[2, 0, 1, 0])
    order = []
    for _ in range(4):
        item = _claim(db, "v1")
        assert item is not None
        order.append(seeded.item_ids.index(item))
        _decide(db, item, "v1")
    assert order == [1, 3, 2, 0]
    assert _claim(db, "v1") is None


def test_a_reclaim_returns_the_item_already_held_and_release_hands_it_on(db: Database) -> None:
    seeded = seed(db, 2)
    first = _claim(db, "v1")
    assert _claim(db, "v1") == first
    with db.session() as s:
        review.release(s, first, "v1")  # type: ignore[arg-type]
        nxt = review.claim(s, "v1", None, LEASE, exclude=[first])  # type: ignore[list-item]
        assert nxt is not None and nxt.id == seeded.item_ids[1]
    assert _claim(db, "v2") == first


def test_an_expired_lease_returns_the_item_and_the_old_holder_gets_409(db: Database) -> None:
    seeded = seed(db, 1)
    item = _claim(db, "v1", now=T0)
    assert item == seeded.item_ids[0]
    assert _claim(db, "v2", now=T0 + dt.timedelta(seconds=LEASE - 1)) is None
    # expired but nobody took it: the holder may still renew and decide
    with db.session() as s:
        renewed = review.renew(s, item, "v1", LEASE, now=T0 + dt.timedelta(seconds=LEASE + 5))
        assert review.aware(renewed.lease_expires_at) == T0 + dt.timedelta(seconds=2 * LEASE + 5)
    later = T0 + dt.timedelta(seconds=2 * LEASE + 6)
    assert _claim(db, "v2", now=later) == item
    with pytest.raises(errors.LeaseLost), db.session() as s:
        review.decide(s, item, "v1", "accept")
    with pytest.raises(errors.LeaseLost), db.session() as s:
        review.renew(s, item, "v1", LEASE)
    sup = _decide(db, item, "v2", "reject", reason="NOT_IN_DPT", note="tidak ada di DPT")
    assert (sup.status, sup.reasons, sup.decided_by) == ("rejected", ["NOT_IN_DPT"], "v2")
    with pytest.raises(errors.LeaseLost), db.session() as s:
        review.decide(s, item, "v2", "accept")  # decided items leave the queue


def test_reject_without_reason_takes_the_most_blocking_flag_and_bad_reasons_are_refused(db: Database) -> None:
    seed(db, 1, reasons=("DATA_MISMATCH", "NIK_UNREADABLE"))
    item = _claim(db, "v1")
    assert item is not None
    with pytest.raises(errors.BadInput), db.session() as s:
        review.decide(s, item, "v1", "reject", reason="BECAUSE")
    assert _decide(db, item, "v1", "reject").reasons == ["NIK_UNREADABLE"]


def test_second_look_agreement_makes_the_rejection_final(db: Database) -> None:
    seeded = seed(db, 1, second_look=True)
    item = _claim(db, "v1")
    sup = _decide(db, item, "v1", "reject", reason="NOT_IN_DPT")  # type: ignore[arg-type]
    assert sup.status == "needs_review" and sup.decided_by is None
    assert _claim(db, "v1") is None  # nobody confirms their own rejection
    assert _claim(db, "v2") == item
    sup = _decide(db, item, "v2", "reject")  # type: ignore[arg-type]
    assert (sup.status, sup.reasons, sup.decided_by) == ("rejected", ["NOT_IN_DPT"], "v2")
    with db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(
            AuditEvent.object_id == seeded.supporter_ids[0]).order_by(AuditEvent.id))]
    assert actions == ["review.reject_first", "review.reject_confirmed"]


def test_second_look_disagreement_escalates_to_an_admin(db: Database) -> None:
    seeded = seed(db, 1, second_look=True)
    item = _claim(db, "v1")
    _decide(db, item, "v1", "reject", reason="DATA_MISMATCH")  # type: ignore[arg-type]
    assert _claim(db, "v2") == item
    sup = _decide(db, item, "v2", "accept", note="data sama dengan KTP")  # type: ignore[arg-type]
    assert sup.status == "needs_review"
    assert _claim(db, "v3") is None  # escalated items are not in the verifiers' queue
    with db.session() as s:
        assert [i.id for i in review.list_items(s, review.ESCALATED)] == [item]
        with pytest.raises(errors.NotFound):
            review.get_item(s, item, "v3", "verifier")  # type: ignore[arg-type]
        first = review.get_item(s, item, "adm", "admin").first_decision  # type: ignore[arg-type]
        assert first is not None
        assert (first["by"], first["second"]["by"]) == ("v1", "v2")
    with db.session() as s:
        sup = review.resolve(s, item, "adm", "accept", note="diterima")  # type: ignore[arg-type]
        assert (sup.status, sup.decided_by) == ("accepted", "adm")
    with pytest.raises(errors.Conflict), db.session() as s:
        review.resolve(s, item, "adm", "reject")  # type: ignore[arg-type]
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.object_id == seeded.supporter_ids[0])
                           .order_by(AuditEvent.id)).all()
        assert [(e.actor, e.action) for e in events] == [
            ("v1", "review.reject_first"), ("v2", "review.escalate"), ("adm", "review.resolve")]
        assert events[-1].before is not None and events[-1].before["status"] == "needs_review"
        assert events[-1].after is not None and events[-1].after["status"] == "accepted"


def test_claims_stay_inside_the_requested_election(db: Database) -> None:
    a = seed(db, 1)
    b = seed(db, 1)
    assert _claim(db, "v1", b.election_id) == b.item_ids[0]
    assert _claim(db, "v2", b.election_id) is None
    assert _claim(db, "v2") == a.item_ids[0]
