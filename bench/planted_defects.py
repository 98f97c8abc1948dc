"""Benchmark: generated submissions with planted defects through the real flow and checks.

    .venv/bin/python -m bench.planted_defects --entries 2000            # the issue's figure
    .venv/bin/python -m bench.planted_defects --entries 200 --min-recall 1 --max-false 0.03  # CI smoke

Fictional people (synth) are read by a scripted reader (OCR is measured by bench/reading), so
this measures the checks alone: every planted defect must be found (recall 100 %) and clean
entries flagged at most 3 %. About 30 % of the entries carry a defect, every reason of API.md
is planted, and the entries arrive over several files, cards after lists, in mixed order.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dukungan.services.submissions import close_submission
from pipelines.domain import IdCardRead, PageKind, PageReading, Reason, SupporterRead
from storage.models import Supporter
from synth.people import Person, make_people, voter_list_csv
from synth.regions import JAKARTA, SLEMAN
from tests.flow_harness import World, open_world

DEFECTS = ["NIK_INVALID", "NOT_IN_DPT", "DATA_MISMATCH", "OUT_OF_AREA", "UNDERAGE", "SIGNATURE_MISSING",
           "KTP_MISMATCH", "KTP_MISSING", "DUPLICATE_INTERNAL", "DUPLICATE_EXTERNAL", "NIK_UNREADABLE",
           "LOW_QUALITY", "GANDA_IDENTIK"]
ROWS = 25


@dataclasses.dataclass
class Planted:
    person: Person
    defect: str | None
    entry: dict[str, Any]
    card: dict[str, Any] | None
    candidate: int = 0


def _entry(p: Person) -> dict[str, Any]:
    return {"nik": p.nik, "name": p.name, "birth_place": p.birth_place, "birth_date": p.birth_date,
            "sex": p.sex, "signed": True, "reasons": ()}


def plan(n: int, seed: int, defect_share: float) -> tuple[list[Planted], list[Person]]:
    rng = random.Random(seed)
    people = make_people(n + n // 5, seed, JAKARTA)
    outsiders = make_people(n // 10 + 20, seed + 1, SLEMAN)
    young = make_people(n // 10 + 20, seed + 2, JAKARTA, min_age=13, max_age=16)
    voters = list(people)
    plan_: list[Planted] = []
    pool = iter(people)
    for i in range(n):
        p = next(pool)
        defect = DEFECTS[i % len(DEFECTS)] if rng.random() < defect_share else None
        e, c = _entry(p), dict(_entry(p))
        cand = 0
        if defect == "NIK_INVALID":
            e["nik"] = c["nik"] = p.nik[:8] + "13" + p.nik[10:]  # month 13
        elif defect == "NOT_IN_DPT":
            voters.remove(p)
        elif defect == "DATA_MISMATCH":
            e["birth_date"] = c["birth_date"] = p.birth_date.replace(year=p.birth_date.year - 3)
        elif defect == "OUT_OF_AREA":
            p = outsiders.pop()
            voters.append(p)
            e, c = _entry(p), _entry(p)
        elif defect == "UNDERAGE":
            p = young.pop()
            e, c = _entry(p), _entry(p)
        elif defect == "SIGNATURE_MISSING":
            e["signed"] = False
        elif defect == "KTP_MISMATCH":
            c["nik"] = p.nik[:-1] + ("8" if p.nik[-1] != "8" else "0")
        elif defect == "KTP_MISSING":
            c = None
        elif defect == "NIK_UNREADABLE":
            e["nik"], e["reasons"] = None, (Reason.NIK_UNREADABLE,)
        elif defect == "LOW_QUALITY":
            e["signed"], e["reasons"] = None, (Reason.LOW_QUALITY,)
        elif defect == "DUPLICATE_EXTERNAL":
            cand = 1
            plan_.append(Planted(p, "DUPLICATE_EXTERNAL", dict(e), dict(c), 0))
        plan_.append(Planted(p, defect, e, c, cand))
        if defect == "DUPLICATE_INTERNAL":
            other = dict(e, name=p.name + " SUSANTO" if len(p.name) < 30 else "ORANG LAIN")
            plan_.append(Planted(p, defect, other, None))
        elif defect == "GANDA_IDENTIK":
            plan_.append(Planted(p, defect, dict(e), None))
    rng.shuffle(plan_)
    return plan_, voters


def _read(e: dict[str, Any], row: int) -> SupporterRead:
    return SupporterRead(row=row, nik=e["nik"], name=e["name"], birth_place=e["birth_place"],
                         birth_date=e["birth_date"], sex=e["sex"], signed=e["signed"], confidence=0.95,
                         nik_confidence=0.95, name_confidence=0.95, reasons=e["reasons"])


def _card(c: dict[str, Any], index: int) -> IdCardRead:
    return IdCardRead(index=index, nik=c["nik"], name=c["name"], birth_place=c["birth_place"],
                      birth_date=c["birth_date"], sex=c["sex"], confidence=0.95, nik_confidence=0.95)


def run(world: World, planted: list[Planted]) -> dict[str, Any]:
    subs = [world.submission(0), world.submission(1)]
    for cand in (0, 1):
        mine = [p for p in planted if p.candidate == cand]
        files = []
        for k in range(0, len(mine), ROWS):
            chunk = mine[k:k + ROWS]
            page = PageReading(PageKind.LIST, tuple(_read(p.entry, r) for r, p in enumerate(chunk, 1)))
            files.append((f"c{cand}-list-{k // ROWS}.png", world.reader.page(page)))
        cards = [p.card for p in mine if p.card is not None]
        for k in range(0, len(cards), 8):
            sheet = PageReading(PageKind.ID_CARDS, (), tuple(_card(c, i) for i, c in enumerate(cards[k:k + 8], 1)))
            files.append((f"c{cand}-cards-{k // 8}.png", world.reader.page(sheet)))
        random.Random(cand).shuffle(files)
        for f in files:
            world.upload(subs[cand], f)
    for s in subs:
        close_submission(world.rt, s, "bench")
    world.drain()
    with world.rt.db.session() as s:
        rows = list(s.scalars(select(Supporter)))
    by_key: dict[tuple[Any, ...], list[Supporter]] = defaultdict(list)
    for r in rows:
        by_key[(r.nik, r.name, r.birth_date, r.signed, r.candidate_id)].append(r)
    cands = world.candidates
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    clean_flagged = clean = 0
    misses: list[str] = []
    for p in planted:
        e = p.entry
        got = by_key[(e["nik"], e["name"], e["birth_date"], e["signed"], cands[p.candidate])]
        assert got, f"entry lost: {p.defect}"
        r = got[0]
        if p.defect is None:
            clean += 1
            if r.status != "verified":
                clean_flagged += 1
                misses.append(f"clean flagged {r.status} {r.reasons}")
            continue
        total[p.defect] += 1
        if p.defect == "GANDA_IDENTIK":
            ok = sorted(x.status for x in got) in (["duplicate", "verified"], ["duplicate", "duplicate"]) or any(
                x.status == "duplicate" for x in got)
        else:
            ok = p.defect in r.reasons and r.status != "verified"
        found[p.defect] += ok
        if not ok:
            misses.append(f"{p.defect} missed: {r.status} {r.reasons}")
    return {"entries": len(planted), "clean": clean, "clean_flagged": clean_flagged,
            "clean_flag_rate": round(clean_flagged / max(clean, 1), 4),
            "recall": {d: f"{found[d]}/{total[d]}" for d in sorted(total)},
            "recall_all": round(sum(found.values()) / max(sum(total.values()), 1), 4),
            "misses": misses[:20]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--share", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--min-recall", type=float, default=None)
    ap.add_argument("--max-false", type=float, default=None)
    a = ap.parse_args()
    planted, voters = plan(a.entries, a.seed, a.share)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with open_world(f"sqlite:///{Path(tmp) / 'b.sqlite3'}", Path(tmp) / "obj",
                        voter_list_csv(voters).encode()) as world:
            out = run(world, planted)
        out["seconds"] = round(time.perf_counter() - t0, 1)
    out["bench"] = "planted_defects"
    out["date"] = dt.date.today().isoformat()
    print(json.dumps(out, indent=1))
    if a.min_recall is not None and out["recall_all"] < a.min_recall:
        return 1
    if a.max_false is not None and out["clean_flag_rate"] > a.max_false:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
