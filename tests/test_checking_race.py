"""Two workers racing on one NIK never both win: the claim goes through a unique index."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from dukungan.services import checking
from storage.db import Database
from storage.models import Candidate, Document, Election, IdCard, Submission, SupportClaim, Supporter

NIK = "3171014503900001"
RACERS = 8


def _seed(db: Database, candidates: int, per_candidate: int) -> list[str]:
    ids: list[str] = []
    with db.session() as s:
        e = Election(code="R", name="R", region_code="31", level="province", voting_date=dt.date(2024, 11, 27))
        s.add(e)
        s.flush()
        for c in range(candidates):
            cand = Candidate(election_id=e.id, name=f"C{c}", running_mate="W")
            s.add(cand)
            s.flush()
            sub = Submission(candidate_id=cand.id, kind="initial")
            s.add(sub)
            s.flush()
            for i in range(per_candidate):
                doc = Document(submission_id=sub.id, candidate_id=cand.id, filename=f"{i}.png", sha256=f"{c}{i}",
                               size=1, content_type="image/png", status="processing")
                s.add(doc)
                s.flush()
                s.add(IdCard(candidate_id=cand.id, submission_id=sub.id, document_id=doc.id, page=1, index=1,
                             nik=NIK, name="ANI SUSANTI", birth_date=dt.date(1990, 3, 5), sex="P", confidence=1))
                sup = Supporter(election_id=e.id, candidate_id=cand.id, submission_id=sub.id, document_id=doc.id,
                                page=1, row=1, nik=NIK, name="ANI SUSANTI", birth_date=dt.date(1990, 3, 5),
                                sex="P", signed=True, read_values={"nik": NIK})
                s.add(sup)
                s.flush()
                ids.append(sup.id)
    return ids


def _race(db: Database, ids: list[str]) -> set[str]:
    start = threading.Barrier(len(ids))
    recheck: set[str] = set()
    errors: list[BaseException] = []

    def run(sid: str) -> None:
        try:
            start.wait()
            for _attempt in range(5):
                try:
                    with db.session() as s:
                        out = checking.check_supporter(s, sid)
                        if out:
                            recheck.update(out.recheck)
                    return
                except Exception as exc:  # a deadlock victim retries, as the worker would
                    if "deadlock" not in str(exc).lower() and "locked" not in str(exc).lower():
                        raise
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(sid,)) for sid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return recheck


def test_racing_identical_entries_leave_exactly_one_counted(db: Database) -> None:
    ids = _seed(db, candidates=1, per_candidate=RACERS)
    _race(db, ids)
    with db.session() as s:
        statuses = sorted(x.status for x in s.scalars(select(Supporter)))
        claims = list(s.scalars(select(SupportClaim)))
    assert statuses.count("duplicate") == RACERS - 1
    assert len([x for x in statuses if x != "duplicate"]) == 1
    assert len(claims) == 1


def test_racing_candidates_are_both_flagged_external(db: Database) -> None:
    ids = _seed(db, candidates=2, per_candidate=1)
    recheck = _race(db, ids)
    with db.session() as s:  # the worker re-checks what a check touched
        for sid in recheck:
            checking.check_supporter(s, sid)
    with db.session() as s:
        for sup in s.scalars(select(Supporter)):
            assert "DUPLICATE_EXTERNAL" in sup.reasons and sup.status == "needs_review"
