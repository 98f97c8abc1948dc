"""Voter-list import: streamed, bad rows reported by line, good rows kept, atomic re-import."""

from __future__ import annotations

import datetime as dt
import gzip
import io

import pytest

from storage import dpt
from storage.db import Database
from storage.models import Election, VoterImport

HEADER = "nik,nkk,name,birth_place,birth_date,sex,marital_status,address,rt,rw,district_code,tps\n"
GOOD = [
    "3171015708450001,3171010101010001,Siti  Contoh,JAKARTA,1945-08-17,P,S,JL. CONTOH 1,001,002,317101,001",
    "3171011708450002,,BUDI CONTOH,JAKARTA,1945-08-17,L,S,JL. CONTOH 2,001,002,317101,001",
    "3404021011880001,,ANDI,SLEMAN,1988-11-10,L,B,JL. X,003,004,340402,002",
]
BAD = [
    ("3171011708450002,,AGAIN,JAKARTA,1945-08-17,L,S,JL. C,001,002,317101,001", "earlier"),
    ("317101170845000,,SHORT,JAKARTA,1945-08-17,L,S,JL. C,001,002,317101,001", "16 digits"),
    ("3171013002001234,,FEB30,JAKARTA,2000-02-30,L,S,JL. C,001,002,317101,001", "valid NIK"),
    ("3171011708450003,,X,JAKARTA,17-08-1945,L,S,JL. C,001,002,317101,001", "YYYY-MM-DD"),
    ("3171011708450004,,X,JAKARTA,1945-08-17,M,S,JL. C,001,002,317101,001", "L or P"),
    ("3171011708450005,,X,JAKARTA,1945-08-17,L,S,JL. C,001,002,3171,001", "6 digits"),
]


def _election(db: Database) -> str:
    with db.session() as s:
        e = Election(code="T", name="T", region_code="31", level="province", voting_date=dt.date(2024, 11, 27))
        s.add(e)
        s.flush()
        return e.id


def _import(db: Database, election_id: str) -> str:
    with db.session() as s:
        imp = VoterImport(election_id=election_id, object_key="originals/aa/x")
        s.add(imp)
        s.flush()
        return imp.id


def test_good_rows_load_and_bad_rows_are_reported_by_line(db: Database) -> None:
    eid = _election(db)
    body = HEADER + "\n".join(GOOD + [b for b, _ in BAD]) + "\n"
    rep = dpt.load(db, _import(db, eid), io.BytesIO(body.encode()))
    assert (rep.rows_total, rep.rows_loaded, rep.rows_rejected) == (9, 3, 6)
    by_line = {e["line"]: e["message"] for e in rep.errors}
    for n, (_, why) in enumerate(BAD, start=len(GOOD) + 2):
        assert why in by_line[n], (n, by_line)
    with db.session() as s:
        election = s.get(Election, eid)
        assert election is not None and election.dpt_total == 3
        v = dpt.find_voter(s, election.voter_import_id, "3171015708450001")
        assert v is not None and v.name == "SITI CONTOH" and v.birth_date == dt.date(1945, 8, 17)


def test_gzip_and_reimport_swaps_atomically(db: Database) -> None:
    eid = _election(db)
    first = _import(db, eid)
    dpt.load(db, first, io.BytesIO((HEADER + "\n".join(GOOD) + "\n").encode()))
    second = _import(db, eid)
    rep = dpt.load(db, second, io.BytesIO(gzip.compress((HEADER + GOOD[2] + "\n").encode())))
    assert rep.rows_loaded == 1
    with db.session() as s:
        election = s.get(Election, eid)
        assert election is not None and election.voter_import_id == second
        assert dpt.find_voter(s, second, "3171015708450001") is None
        assert dpt.find_voter(s, second, "3404021011880001") is not None
        assert dpt.count(s, first) == 0  # the old list is gone


def test_a_file_without_the_columns_fails_whole(db: Database) -> None:
    eid = _election(db)
    with pytest.raises(dpt.ImportFailed, match="lacks the columns"):
        dpt.load(db, _import(db, eid), io.BytesIO(b"nik,name\n3171015708450001,X\n"))
    with pytest.raises(dpt.ImportFailed, match="empty"):
        dpt.load(db, _import(db, eid), io.BytesIO(b""))
