"""An in-process document flow for tests and benchmarks: real actors on a stub broker, a real
database and object store, and a scripted page reader in place of OCR (so the flow and the
checks are exercised apart from reading)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker
from PIL import Image
from sqlalchemy import select

from dukungan.runtime import Runtime
from dukungan.services import processing
from dukungan.services.uploads import ingest_uploads
from dukungan.settings import Settings
from pipelines.domain import PageReading
from storage import dpt
from storage.migrate import upgrade
from storage.models import Candidate, Document, Election, Submission, Supporter, VoterImport
from workers.actors import register
from workers.broker import build_broker, make_sender


@dataclass
class Read:
    reading: PageReading
    image: Image.Image


class ScriptedReader:
    """Reads a page by its image width: each scripted page is a PNG of a distinct width."""

    def __init__(self) -> None:
        self.pages: dict[int, PageReading | Callable[[], PageReading]] = {}
        self.calls = 0

    def page(self, reading: PageReading | Callable[[], PageReading]) -> bytes:
        width = 100 + len(self.pages)
        self.pages[width] = reading
        buf = io.BytesIO()
        Image.new("L", (width, 80), 255).save(buf, format="PNG")
        return buf.getvalue()

    def __call__(self, source: Any, engines: Any) -> Read:
        self.calls += 1
        got = self.pages[source.image.width]
        return Read(got() if callable(got) else got, source.image)


@dataclass
class World:
    rt: Runtime
    broker: StubBroker
    reader: ScriptedReader
    election_id: str
    candidates: list[str]

    def submission(self, candidate: int = 0) -> str:
        with self.rt.db.session() as s:
            sub = Submission(candidate_id=self.candidates[candidate], kind="initial")
            s.add(sub)
            s.flush()
            return sub.id

    def upload(self, submission_id: str, *files: tuple[str, bytes]) -> list[Document]:
        docs = ingest_uploads(self.rt, submission_id, [(n, io.BytesIO(b)) for n, b in files], "op")
        self.drain()
        return docs

    def drain(self) -> None:
        self.broker.join(self.rt.settings.queue_name, timeout=600_000, fail_fast=False)

    def supporters(self, submission_id: str | None = None) -> dict[str, Supporter]:
        """Entries keyed `filename:row`."""
        with self.rt.db.session() as s:
            q = select(Supporter, Document.filename).join(Document, Document.id == Supporter.document_id)
            if submission_id:
                q = q.where(Supporter.submission_id == submission_id)
            return {f"{name}:{x.row}": x for x, name in s.execute(q)}

    def doc(self, doc_id: str) -> Document:
        with self.rt.db.session() as s:
            d = s.get(Document, doc_id)
            assert d is not None
            return d


@contextmanager
def open_world(url: str, objects_dir: Path, voters_csv: bytes, *, candidates: int = 2,
               region_code: str = "31") -> Iterator[World]:
    upgrade(url)
    settings = Settings(database_url=url, storage_url=f"file://{objects_dir}", queue_name="flow", render_dpi=72)
    broker = build_broker(settings, stub=True)
    assert isinstance(broker, StubBroker)
    rt = Runtime.build(settings, send=make_sender(broker, settings.queue_name))
    reader = ScriptedReader()
    real_reader = processing.read_page
    processing.read_page = reader
    register(broker, rt, lambda: None)
    worker = dramatiq.Worker(broker, worker_timeout=50, worker_threads=2)
    worker.start()
    try:
        with rt.db.session() as s:
            e = Election(code="T", name="T", region_code=region_code, level="province" if len(region_code) == 2
                         else "regency", voting_date=dt.date(2024, 11, 27))
            s.add(e)
            s.flush()
            cands = [Candidate(election_id=e.id, name=f"C{i}", running_mate=f"W{i}") for i in range(candidates)]
            s.add_all(cands)
            imp = VoterImport(election_id=e.id, object_key="originals/00/x")
            s.add(imp)
            s.flush()
            eid, cids, import_id = e.id, [c.id for c in cands], imp.id
        dpt.load(rt.db, import_id, io.BytesIO(voters_csv))
        yield World(rt, broker, reader, eid, cids)
    finally:
        processing.read_page = real_reader
        worker.stop()
        broker.close()
        rt.close()
