"""Benchmark: DPT import rows per second on PostgreSQL, and the worker's peak memory.

    .venv/bin/python -m bench.dpt_import --rows 1000000      # the issue's figure
    .venv/bin/python -m bench.dpt_import --rows 20000        # the CI smoke

Generates a CSV of structurally valid fictional voters (gzip), loads it through the same
code the worker runs (`storage.dpt.load`), and prints rows/s and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from storage import dpt
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Election, VoterImport
from tests.conftest_services import scratch_database

HEADER = "nik,nkk,name,birth_place,birth_date,sex,marital_status,address,rt,rw,district_code,tps\n"
DISTRICTS = ["317101", "317102", "317103", "317104", "317201", "317202", "340401", "340402"]
NAMES = ["SITI", "BUDI", "ANDI", "DEWI", "AGUS", "RINA", "JOKO", "SRI", "HADI", "NUR", "TUTI", "EKO"]


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    serial: dict[str, int] = {}
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
        f.write(HEADER)
        for _ in range(rows):
            d = rng.choice(DISTRICTS)
            born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 65))
            female = rng.random() < 0.5
            stem = f"{d}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}"
            n = serial.get(stem, 0) + 1
            serial[stem] = n
            if n > 9999:
                continue
            name = f"{rng.choice(NAMES)} {rng.choice(NAMES)}"
            f.write(f"{stem}{n:04d},,{name},JAKARTA,{born.isoformat()},{'P' if female else 'L'},S,"
                    f"JL. CONTOH {n},001,002,{d},{rng.randrange(1, 60):03d}\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    a = ap.parse_args()
    with scratch_database(a.pg, "dukungan_bench") as url:
        upgrade(url)
        db = Database(url)
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "dpt.csv.gz"
            t0 = time.perf_counter()
            write_csv(csv_path, a.rows)
            gen_s = time.perf_counter() - t0
            with db.session() as s:
                e = Election(code="B", name="bench", region_code="31", level="province",
                             voting_date=dt.date(2024, 11, 27))
                s.add(e)
                s.flush()
                imp = VoterImport(election_id=e.id, object_key="originals/00/bench")
                s.add(imp)
                s.flush()
                import_id = imp.id
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()
            with csv_path.open("rb") as raw:
                rep = dpt.load(db, import_id, io.BufferedReader(raw))
            secs = time.perf_counter() - t0
            rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()
            with db.session() as s:
                for _ in range(1000):
                    dpt.find_voter(s, import_id, "3171010101400001")
            lookup_ms = (time.perf_counter() - t0)
        db.dispose()
        print(json.dumps({"bench": "dpt_import", "rows": rep.rows_total, "loaded": rep.rows_loaded,
                          "rejected": rep.rows_rejected, "seconds": round(secs, 2),
                          "rows_per_s": round(rep.rows_total / secs), "generate_s": round(gen_s, 1),
                          "peak_rss_mb_before": rss0 // 1024, "peak_rss_mb": rss1 // 1024,
                          "lookup_ms_avg": round(lookup_ms, 3)}))


if __name__ == "__main__":
    main()
