"""Voter-list (DPT) import: streamed, row-checked, swapped in atomically.

The CSV is read row by row (gzip or plain); good rows go to the database in batches (COPY on
PostgreSQL), bad rows are reported by line without rejecting the good ones. Rows land under a
new import id; one short transaction then points the election at it, so readers never see a
half-loaded list, and the previous list is deleted afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from pipelines.nik import nik_failure
from storage.db import Database, is_postgres
from storage.models import Election, Voter, VoterImport

COLUMNS = ("nik", "nkk", "name", "birth_place", "birth_date", "sex", "marital_status", "address",
           "rt", "rw", "district_code", "tps")
MAX_ERRORS = 100
BATCH = 20_000


class ImportFailed(Exception):
    """The file as a whole cannot be imported (no header, wrong columns, not CSV)."""


@dataclass
class ImportReport:
    rows_total: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, message: str) -> None:
        self.rows_rejected += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"line": line, "message": message})


def open_text(raw: IO[bytes]) -> io.TextIOWrapper:
    """Plain or gzip-compressed UTF-8 (a BOM is dropped)."""
    head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
    if not head:
        pos = raw.tell()
        head = raw.read(2)
        raw.seek(pos)
    stream: IO[bytes] | gzip.GzipFile = raw
    if head == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=raw)
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def _fold(value: str, size: int) -> str | None:
    v = " ".join(value.split()) if "  " in value or value != value.strip() else value
    return v[:size] or None


def parse_row(f: list[str]) -> tuple[Any, ...]:
    """One CSV row (fields in COLUMNS order) to a voter tuple, or ValueError saying what is wrong."""
    nik = f[0].strip()
    if len(nik) != 16 or not nik.isdigit():
        raise ValueError("nik is not 16 digits")
    failure = nik_failure(nik)
    if failure is not None:
        raise ValueError(f"nik is not a valid NIK ({failure})")
    name = _fold(f[2], 200)
    if not name:
        raise ValueError("name is empty")
    try:
        birth = dt.date.fromisoformat(f[4].strip())
    except ValueError:
        raise ValueError(f"birth_date {f[4].strip()!r} is not YYYY-MM-DD") from None
    sex = f[5].strip().upper()
    if sex not in ("L", "P"):
        raise ValueError("sex is not L or P")
    marital = f[6].strip().upper() or None
    if marital not in (None, "B", "S", "P"):
        raise ValueError("marital_status is not B, S or P")
    district = f[10].strip().replace(".", "")
    if len(district) != 6 or not district.isdigit():
        raise ValueError("district_code is not 6 digits")
    nkk = f[1].strip() or None
    if nkk is not None and (len(nkk) != 16 or not nkk.isdigit()):
        raise ValueError("nkk is not 16 digits")
    return (nik, nkk, name.upper(), _fold(f[3], 100), birth, sex, marital, _fold(f[7], 300),
            _fold(f[8], 3), _fold(f[9], 3), district, _fold(f[11], 10))


def read_rows(text_stream: IO[str], report: ImportReport) -> Iterator[tuple[int, tuple[Any, ...]]]:
    reader = csv.DictReader(text_stream)
    if reader.fieldnames is None:
        raise ImportFailed("the file is empty: a header row is needed")
    header = [h.strip().lower() for h in reader.fieldnames]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportFailed(f"the header lacks the columns {', '.join(missing)}")
    width = len(header)
    order = [header.index(c) for c in COLUMNS]
    rows = csv.reader(text_stream)  # the DictReader consumed only the header line
    try:
        for fields in rows:
            line = rows.line_num + 1
            if not fields:
                continue
            report.rows_total += 1
            if len(fields) != width:
                report.reject(line, f"{len(fields)} fields, the header has {width}")
                continue
            try:
                yield line, parse_row([fields[i] for i in order])
            except ValueError as exc:
                report.reject(line, str(exc))
    except (csv.Error, UnicodeDecodeError, EOFError, OSError) as exc:
        raise ImportFailed(f"not a readable CSV near line {rows.line_num + 1}: {exc}") from None


def load(db: Database, import_id: str, raw: IO[bytes],
         progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Load the rows under `import_id`, swap the election to it, drop the previous list."""
    report = ImportReport()
    rows = read_rows(open_text(raw), report)
    with db.session() as session:
        imp = session.get(VoterImport, import_id)
        if imp is None:
            raise ImportFailed(f"import {import_id} does not exist")
        election_id = imp.election_id
    if is_postgres(db.engine):
        _load_postgres(db, import_id, rows, report, progress)
    else:
        _load_batches(db, import_id, rows, report, progress)
    _swap(db, election_id, import_id, report)
    return report


def _load_batches(db: Database, import_id: str, rows: Iterator[tuple[int, tuple[Any, ...]]],
                  report: ImportReport, progress: Callable[[ImportReport], None] | None) -> None:
    seen: set[int] = set()  # 8 bytes a voter; SQLite is the one-machine default, not for 10 M rows
    while batch := list(itertools.islice(rows, BATCH)):
        values = []
        for line, row in batch:
            key = int(row[0])
            if key in seen:
                report.reject(line, "nik appears earlier in the file")
                continue
            seen.add(key)
            values.append(dict(zip(COLUMNS, row, strict=True), import_id=import_id))
        with db.session() as session:
            if values:
                session.execute(insert(Voter), values)
        report.rows_loaded += len(values)
        if progress:
            progress(report)


def _load_postgres(db: Database, import_id: str, rows: Iterator[tuple[int, tuple[Any, ...]]],
                   report: ImportReport, progress: Callable[[ImportReport], None] | None) -> None:
    """COPY into an unlogged staging table, then one INSERT ... SELECT DISTINCT ON (nik)."""
    stage = f"voter_stage_{import_id}"
    raw_conn = db.engine.raw_connection()
    try:
        dbapi: Any = raw_conn.driver_connection
        with dbapi.cursor() as cur:
            cur.execute(f"CREATE UNLOGGED TABLE {stage} (line integer, nik varchar(16), nkk varchar(16), "
                        "name varchar(200), birth_place varchar(100), birth_date date, sex varchar(1), "
                        "marital_status varchar(1), address varchar(300), rt varchar(3), rw varchar(3), "
                        "district_code varchar(6), tps varchar(10))")
            with cur.copy(f"COPY {stage} (line, {', '.join(COLUMNS)}) FROM STDIN") as copy:
                for n, (line, row) in enumerate(rows, 1):
                    copy.write_row((line, *row))
                    if progress and n % 100_000 == 0:
                        report.rows_loaded = n
                        progress(report)
            cur.execute(f"SELECT s.line FROM {stage} s WHERE EXISTS (SELECT 1 FROM {stage} e "
                        "WHERE e.nik = s.nik AND e.line < s.line) ORDER BY s.line")
            dup_lines = [r[0] for r in cur.fetchall()]
            cur.execute(f"INSERT INTO voters (import_id, {', '.join(COLUMNS)}) "
                        f"SELECT DISTINCT ON (nik) %s, {', '.join(COLUMNS)} FROM {stage} ORDER BY nik, line",
                        (import_id,))
            report.rows_loaded = cur.rowcount
            cur.execute(f"DROP TABLE {stage}")
        dbapi.commit()
    except BaseException:
        dbapi.rollback()
        with dbapi.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {stage}")
        dbapi.commit()
        raise
    finally:
        raw_conn.close()
    for line in dup_lines:
        report.reject(line, "nik appears earlier in the file")


def _swap(db: Database, election_id: str, import_id: str, report: ImportReport) -> None:
    with db.session() as session:
        election = session.get(Election, election_id, with_for_update=True)
        assert election is not None
        previous = election.voter_import_id
        election.voter_import_id = import_id
        election.dpt_total = report.rows_loaded
        session.execute(update(VoterImport).where(VoterImport.id == import_id).values(
            status="done", rows_total=report.rows_total, rows_loaded=report.rows_loaded,
            rows_rejected=report.rows_rejected, errors=report.errors,
            finished_at=dt.datetime.now(dt.UTC)))
    if previous and previous != import_id:
        with db.session() as session:
            session.execute(delete(Voter).where(Voter.import_id == previous))


def discard(db: Database, import_id: str) -> None:
    """A failed import leaves nothing behind but its report."""
    with db.session() as session:
        session.execute(delete(Voter).where(Voter.import_id == import_id))


def find_voter(session: Session, import_id: str | None, nik: str) -> Voter | None:
    if not import_id:
        return None
    return session.scalars(select(Voter).where(Voter.import_id == import_id, Voter.nik == nik)).first()


def find_voters(session: Session, import_id: str | None, niks: list[str]) -> list[Voter]:
    if not import_id or not niks:
        return []
    return list(session.scalars(select(Voter).where(Voter.import_id == import_id, Voter.nik.in_(niks))))


def count(session: Session, import_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Voter).where(Voter.import_id == import_id)) or 0)


def analyze(db: Database) -> None:
    if is_postgres(db.engine):
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE voters"))
            conn.commit()
