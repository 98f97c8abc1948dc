"""Voter-list imports: the API stores the file and queues it; a worker loads it."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from dukungan import errors
from dukungan.runtime import Runtime
from dukungan.services.audit import record
from storage import dpt, objects
from storage.models import Election, VoterImport

log = logging.getLogger(__name__)
ACTOR_IMPORT = "import_voters"


def start_voter_import(rt: Runtime, election_id: str, stream: BinaryIO, filename: str, actor_id: str) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="dukungan-dpt-"))
    try:
        with rt.db.session() as session:
            if session.get(Election, election_id) is None:
                raise errors.NotFound.of("election", election_id)
        try:
            sp = objects.spool_and_hash(stream, tmp, rt.settings.max_upload_bytes * 10)
        except objects.TooLarge as exc:
            raise errors.TooLarge(f"{filename}: larger than {exc.max_bytes} bytes") from None
        if sp.size == 0:
            raise errors.BadInput("the voter list is empty", code="EMPTY_FILE")
        rt.store.put_original_file(sp.path, "text/csv")
        with rt.db.session() as session:
            imp = VoterImport(election_id=election_id, object_key=objects.original_key(sp.sha256))
            session.add(imp)
            session.flush()
            record(session, actor_id, "voters.import_started", imp.id, None,
                   {"election_id": election_id, "filename": filename, "sha256": sp.sha256, "size": sp.size})
            import_id = imp.id
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rt.send(ACTOR_IMPORT, import_id)
    return import_id


def run_voter_import(rt: Runtime, import_id: str) -> None:
    """The worker's half: load, swap, report. A file-level problem ends the import `failed`."""
    with rt.db.session() as session:
        imp = session.get(VoterImport, import_id)
        if imp is None or imp.status != "running":
            return  # already finished: a redelivered message does nothing
        key = imp.object_key

    def progress(rep: dpt.ImportReport) -> None:
        with rt.db.session() as session:
            row = session.get(VoterImport, import_id)
            if row is not None:
                row.rows_total, row.rows_loaded, row.rows_rejected = (rep.rows_total, rep.rows_loaded,
                                                                      rep.rows_rejected)

    tmp = Path(tempfile.mkdtemp(prefix="dukungan-dpt-"))
    try:
        path = tmp / "dpt"
        rt.store.download_to(key, path)
        with path.open("rb") as raw:
            report = dpt.load(rt.db, import_id, raw, progress)
    except dpt.ImportFailed as exc:
        fail_import(rt, import_id, str(exc))
        return
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    dpt.analyze(rt.db)
    with rt.db.session() as session:
        record(session, "machine", "voters.imported", import_id, None,
               {"rows_total": report.rows_total, "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected})
    log.info("voter import %s: %d loaded, %d rejected", import_id, report.rows_loaded, report.rows_rejected)


def fail_import(rt: Runtime, import_id: str, message: str) -> None:
    """The list as a whole cannot be loaded: drop what was loaded, keep the report."""
    dpt.discard(rt.db, import_id)
    with rt.db.session() as session:
        row = session.get(VoterImport, import_id)
        if row is not None and row.status == "running":
            row.status, row.message = "failed", message
            row.errors = [{"line": 0, "message": message}]
            row.finished_at = dt.datetime.now(dt.UTC)
            record(session, "machine", "voters.import_failed", import_id, None, {"message": message})
