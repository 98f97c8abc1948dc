"""The candidate status stays fast with millions of entries: its queries run on indexes.

The plan test runs always (on PostgreSQL): every query of `candidate_status` and
`submission_counts` must be answerable without a sequential scan of `supporters`; a
predicate that stops matching a partial index (a bound parameter instead of the literal, say)
fails it. The timing test loads `DUKUNGAN_SCALE_ROWS` entries (2,000,000 in the brief; it
takes minutes) and runs only when that variable is set.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from typing import Any

import pytest
from sqlalchemy import event, text

from dukungan.services import counting, elections
from storage.models import Candidate, Submission


def _pg_only(runtime: Any) -> None:
    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("plans and scale are measured on PostgreSQL")


def _setup(runtime: Any) -> tuple[str, str]:
    with runtime.db.session() as s:
        e = elections.create_election(s, "test", f"SCALE-{time.time_ns()}", "Scale", "3524", dt.date(2024, 11, 27))
        c = elections.create_candidate(s, "test", e.id, "A", "B")
        sub = elections.create_submission(s, "test", c.id, "initial")
        return c.id, sub.id


def _fill(runtime: Any, candidate_id: str, submission_id: str, n: int) -> None:
    with runtime.db.engine.begin() as conn:
        election_id = conn.execute(
            text("SELECT election_id FROM candidates WHERE id = :c"), {"c": candidate_id}
        ).scalar()
        conn.execute(
            text("""
            INSERT INTO documents (id, submission_id, candidate_id, filename, sha256, size, content_type, status,
                                   attempts, created_at)
            SELECT md5(:s || 'd' || g), :s, :c, 'f' || g || '.pdf', md5('a' || g) || md5('b' || g), 1,
                   'application/pdf', 'done', 0, now()
            FROM generate_series(0, :docs) g"""),
            {"s": submission_id, "c": candidate_id, "docs": n // 1000},
        )
        conn.execute(
            text("""
            INSERT INTO supporters (id, election_id, candidate_id, submission_id, document_id, page, "row", nik,
                                    status, reasons, read_reasons, confidence, read_values, check_details,
                                    district_code, created_at, updated_at)
            SELECT md5(:s || 'p' || g), :e, :c, :s, md5(:s || 'd' || (g / 1000)), 1 + (g % 1000) / 10, 1 + g % 10,
                   (3524010000000000 + g)::text,
                   (ARRAY['verified','verified','verified','verified','needs_review','accepted','rejected',
                          'duplicate','processing','verified'])[1 + g % 10],
                   CASE WHEN g % 10 = 4 THEN '["NOT_IN_DPT"]'::json ELSE '[]'::json END,
                   '[]'::json, 0.9, '{}'::json, '{}'::json, '3524' || lpad((1 + g % 27)::text, 2, '0'), now(), now()
            FROM generate_series(0, :n - 1) g"""),
            {"s": submission_id, "c": candidate_id, "e": election_id, "n": n},
        )
    with runtime.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE supporters"))
        conn.execute(text("VACUUM ANALYZE documents"))


def test_status_reads_the_counters_never_a_scan_of_supporters(runtime: Any) -> None:
    """The status and submission counts come from the trigger-kept counters (migration 0003):
    no statement of theirs touches `supporters`, so they stay fast at millions of entries."""
    _pg_only(runtime)
    candidate_id, submission_id = _setup(runtime)
    _fill(runtime, candidate_id, submission_id, 5000)
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", note)
    try:
        with runtime.db.session() as s:
            cand, sub = s.get(Candidate, candidate_id), s.get(Submission, submission_id)
            assert cand is not None and sub is not None
            status = counting.candidate_status(s, cand)
            counting.submission_counts(s, sub)
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", note)
    assert status.counts.supporters["needs_review"] == 500 and status.spread.covered == 27
    assert statements, "no statement was seen"
    assert not [st for st in statements if re.search(r"\bsupporters\b", st)], statements


@pytest.mark.slow
def test_status_at_scale(runtime: Any) -> None:
    rows = int(os.environ.get("DUKUNGAN_SCALE_ROWS", "0"))
    if not rows:
        pytest.skip("set DUKUNGAN_SCALE_ROWS (e.g. 2000000) to measure")
    _pg_only(runtime)
    candidate_id, submission_id = _setup(runtime)
    _fill(runtime, candidate_id, submission_id, rows)
    with runtime.db.session() as s:
        cand = s.get(Candidate, candidate_id)
        assert cand is not None
        counting.candidate_status(s, cand)  # warm the cache
        start = time.perf_counter()
        status = counting.candidate_status(s, cand)
        took = time.perf_counter() - start
    print(f"candidate_status over {rows} entries: {took:.3f}s")
    assert sum(status.counts.supporters.values()) == rows
    assert took < 2.0
