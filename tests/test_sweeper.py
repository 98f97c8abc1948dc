"""Lost messages never leave a document stuck: the sweeper re-sends, then fails with STALLED."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from PIL import Image

from dukungan.runtime import Runtime
from dukungan.services.sweeper import SweepRules, sweep
from dukungan.services.uploads import ingest_uploads
from dukungan.settings import Settings
from storage.migrate import upgrade
from storage.models import Candidate, Document, Election, Submission


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (50, 50), 255).save(buf, format="PNG")
    return buf.getvalue()


def test_stuck_documents_are_resent_then_failed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    upgrade(url)
    sent: list[tuple[str, ...]] = []
    rt = Runtime.build(Settings(database_url=url, storage_url=f"file://{tmp_path / 'o'}"),
                       send=lambda *a: sent.append(a))
    with rt.db.session() as s:
        e = Election(code="S", name="S", region_code="31", level="province", voting_date=dt.date(2024, 11, 27))
        s.add(e)
        s.flush()
        c = Candidate(election_id=e.id, name="C", running_mate="W")
        s.add(c)
        s.flush()
        sub = Submission(candidate_id=c.id, kind="initial")
        s.add(sub)
        s.flush()
        sub_id = sub.id
    [doc] = ingest_uploads(rt, sub_id, [("a.png", io.BytesIO(_png()))], "op")
    assert sent == [("process_document", doc.id)]  # the upload's own message (then "lost")
    sent.clear()
    now = dt.datetime.now(dt.UTC)
    assert sweep(rt, now) == []  # too fresh to call stuck
    later = now + dt.timedelta(minutes=3)
    assert sweep(rt, later) == [("process_document", doc.id)]
    with rt.db.session() as s:  # a worker took it, then died mid-way
        d = s.get(Document, doc.id)
        assert d is not None
        d.status, d.started_at, d.attempts = "processing", now, 1
    rules = SweepRules(max_attempts=2)
    assert sweep(rt, now + dt.timedelta(minutes=5), rules) == []
    assert sweep(rt, now + dt.timedelta(minutes=20), rules) == [("process_document", doc.id)]
    with rt.db.session() as s:
        d = s.get(Document, doc.id)
        assert d is not None
        d.attempts = 2
    sweep(rt, now + dt.timedelta(minutes=40), rules)
    with rt.db.session() as s:
        d = s.get(Document, doc.id)
        assert d is not None and (d.status, d.error_code) == ("failed", "STALLED")
    rt.close()
