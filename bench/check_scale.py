"""Benchmark: checking one entry, and the status endpoint, with millions of entries stored.

    .venv/bin/python -m bench.check_scale --entries 2000000      # the issue's figure
    .venv/bin/python -m bench.check_scale --entries 50000        # the CI smoke

On PostgreSQL: a DPT of `entries` voters, `entries` supporter entries over two candidates with
their duplicate claims (bulk-loaded with COPY), then: `check_supporter` on fresh entries
(median, p99: the DPT, card and duplicate look-ups must stay O(1)), and
`GET /api/v1/candidates/{id}/status` through the real app (p50, p95; target p95 < 100 ms). The
first status call is reported apart: it folds the counter changes the checks left (migration
0003). The answer is compared with a GROUP BY over the supporters (`status_exact`), and the load
average is printed beside the figures, since a busy machine skews them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid

import psycopg

from dukungan.runtime import Runtime
from dukungan.services import checking
from dukungan.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Candidate, Document, Election, Submission, Supporter, VoterImport
from tests.conftest_services import scratch_database

DISTRICTS = [f"3171{i:02d}" for i in range(1, 9)] + [f"3172{i:02d}" for i in range(1, 7)] + \
    [f"3173{i:02d}" for i in range(1, 9)]
STATUSES = ["verified"] * 70 + ["needs_review"] * 20 + ["processing"] * 5 + ["duplicate"] * 3 + ["accepted"] * 2
REASONS = ['["NOT_IN_DPT"]', '["KTP_MISSING"]', '["DATA_MISMATCH"]', '["SIGNATURE_MISSING", "KTP_MISSING"]']


def nik(i: int) -> str:
    d = DISTRICTS[i % len(DISTRICTS)]
    day, month, yy = 1 + (i // 7) % 28, 1 + (i // 211) % 12, 40 + (i // 2999) % 60
    return f"{d}{day:02d}{month:02d}{yy:02d}{1 + i % 9999:04d}"


def bulk(url: str, n: int) -> tuple[str, list[str], str]:
    db = Database(url)
    with db.session() as s:
        e = Election(code="SCALE", name="scale", region_code="31", level="province",
                     voting_date=dt.date(2024, 11, 27))
        s.add(e)
        s.flush()
        imp = VoterImport(election_id=e.id, object_key="originals/00/x", status="done")
        s.add(imp)
        s.flush()
        e.voter_import_id = imp.id
        e.dpt_total = n
        cands = [Candidate(election_id=e.id, name=f"C{i}", running_mate="W") for i in range(2)]
        s.add_all(cands)
        s.flush()
        subs = [Submission(candidate_id=c.id, kind="initial") for c in cands]
        s.add_all(subs)
        s.flush()
        docs = [Document(submission_id=sb.id, candidate_id=sb.candidate_id, filename="bulk.pdf", sha256=f"{i}" * 64,
                         size=1, content_type="application/pdf", status="done") for i, sb in enumerate(subs)]
        s.add_all(docs)
        s.flush()
        eid, imp_id = e.id, imp.id
        ids = [(c.id, sb.id, d.id) for c, sb, d in zip(cands, subs, docs, strict=True)]
    db.dispose()
    rng = random.Random(3)
    seen: set[str] = set()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn, conn.cursor() as cur:
        with cur.copy("COPY voters (import_id, nik, name, birth_date, sex, marital_status, district_code) "
                      "FROM STDIN") as cp:
            for i in range(n):
                k = nik(i)
                if k in seen:
                    continue
                seen.add(k)
                cp.write_row((imp_id, k, f"ORANG {i}", dt.date(1980, 1, 1), "L", "S", k[:6]))
        now = dt.datetime.now(dt.UTC)
        with cur.copy("COPY supporters (id, election_id, candidate_id, submission_id, document_id, page, row, nik, "
                      "name, status, reasons, read_reasons, confidence, read_values, check_details, district_code, "
                      "created_at, updated_at) FROM STDIN") as cp:
            claims = []
            for i, k in enumerate(sorted(seen)):
                cand, sub, doc = ids[i % 2]
                st = rng.choice(STATUSES)
                sid = uuid.uuid4().hex
                cp.write_row((sid, eid, cand, sub, doc, 1 + i // 25, 1 + i % 25, k, f"ORANG {i}", st,
                              rng.choice(REASONS) if st == "needs_review" else "[]", "[]", 0.99, "{}", "{}",
                              k[:6], now, now))
                claims.append((eid, cand, k, sid))
        with cur.copy("COPY support_claims (election_id, candidate_id, nik, supporter_id) FROM STDIN") as cp:
            for row in claims:
                cp.write_row(row)
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")
    return eid, [c for c, _, _ in ids], ids[0][2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=2_000_000)
    ap.add_argument("--checks", type=int, default=300)
    ap.add_argument("--status-calls", type=int, default=100)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    a = ap.parse_args()
    with scratch_database(a.pg, "dukungan_scale") as url:
        upgrade(url)
        load_before = os.getloadavg()
        t0 = time.perf_counter()
        eid, cands, doc_id = bulk(url, a.entries)
        load_s = time.perf_counter() - t0
        settings = Settings(database_url=url, storage_url=f"file://{tempfile.mkdtemp()}",
                            admin_token="bench-" + "x" * 20)
        rt = Runtime.build(settings)
        new_ids = []
        with rt.db.session() as s:
            doc = s.get(Document, doc_id)
            assert doc is not None
            for i in range(a.checks):
                k = nik(a.entries + 10_000 + i * 7919) if i % 3 else nik(i * 13)  # new people, and duplicates
                sup = Supporter(election_id=eid, candidate_id=cands[0], submission_id=doc.submission_id,
                                document_id=doc_id, page=900_000 + i, row=1, nik=k, name=f"ORANG {i}",
                                birth_date=dt.date(1980, 1, 1), sex="L", signed=True, read_values={"nik": k})
                s.add(sup)
                s.flush()
                new_ids.append(sup.id)
        times = []
        for sid in new_ids:
            t = time.perf_counter()
            with rt.db.session() as s:
                checking.check_supporter(s, sid)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        from fastapi.testclient import TestClient

        from ingest_api.app import create_app

        client = TestClient(create_app(rt))
        headers = {"Authorization": f"Bearer {settings.admin_token}"}
        t = time.perf_counter()
        r = client.get(f"/api/v1/candidates/{cands[0]}/status", headers=headers)
        first_ms = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, r.text
        st = []
        for _ in range(a.status_calls):
            t = time.perf_counter()
            r = client.get(f"/api/v1/candidates/{cands[0]}/status", headers=headers)
            st.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
        st.sort()
        body = r.json()
        load_after = os.getloadavg()
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
            truth: dict[str, int] = dict(conn.execute("SELECT status, count(*) FROM supporters WHERE candidate_id = %s "
                                      "GROUP BY status", (cands[0],)).fetchall())
        exact = {k: v for k, v in body["supporters"].items() if v} == truth
        rt.close()
        print(json.dumps({
            "bench": "check_scale", "entries_stored": a.entries, "load_s": round(load_s, 1),
            "check_ms_median": round(statistics.median(times), 2),
            "check_ms_p99": round(times[int(len(times) * 0.99) - 1], 2),
            "status_ms_p50": round(statistics.median(st), 1), "status_ms_p95": round(st[int(len(st) * 0.95) - 1], 1),
            "status_ms_first": round(first_ms, 1), "status_exact": exact,
            "status_counted": body["counted"], "status_supporters": body["supporters"],
            "loadavg_1m_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        }))


if __name__ == "__main__":
    main()
