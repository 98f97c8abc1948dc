"""Benchmark: reading the scans — accuracy, honesty and speed against plain pytesseract.

    .venv/bin/python -m bench.reading --entries 500 --cards 300     # the issue's figure
    .venv/bin/python -m bench.reading --entries 30 --cards 12       # the CI smoke
    .venv/bin/python -m bench.reading --groups list --list-dpi 150  # the lists at one resolution
    .venv/bin/python -m bench.reading --list-dpi drawn  # one list at a drawn resolution (figures before 2026-11-29)

The report also breaks letters and lists down by resolution ("by_dpi": accuracy, flags, speed).
`--misses FILE` writes every value read wrongly, `--flagged FILE` every entry sent to review
(whether it was read right, and what it lacked: a sure name, NIK, birth date, sex, signature), one
JSON object a line: what to trace when the review load or the accuracy moves.

Generates pages of every kind (synth: letters with and without pasted cards, lists of up to 25
rows, card photos, photocopy sheets of 1-8 cards, cover and blank pages, text-layer PDFs) over
the degradations of DOCUMENTS.md, reads each with the pipeline (`pipelines.reading`), and in
the same run times plain full-page `pytesseract.image_to_string(page, lang="ind")` with
OMP_THREAD_LIMIT=1 on the same pages. The pipeline runs as in a worker: Tesseract and OpenCV on
one thread each (OpenCV's default, all cores, made lists ~5 % and letters ~9 % faster here, a gain a
worker whose threads and processes fill the cores does not see), and with its engines' models
loaded before the first page, as a worker loads them at its start (`Engines.warm`; the load is
reported apart, "seconds_engine_load"). Also reads the public test material in ../shared/external.

"Wrong and not flagged" counts entries whose NIK, name (upper case, spaces folded) or signature
presence was read wrongly and that carry no reading reason (NIK_UNREADABLE, LOW_QUALITY,
SIGNATURE_MISSING, or an unsure signature): it must be 0. "NIK or name wrong and sure" is
stricter: a NIK or name read wrongly at the confidence the pipeline counts as sure, whether or
not the entry went to review for another field (a doubtful name once hid a wrong, sure NIK).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2
import pytesseract

from pipelines.domain import IdCardRead, PageReading, Reason, SupporterRead
from pipelines.engines.registry import Engines
from pipelines.listpage import NAME_MIN_CONFIDENCE, NIK_MIN_CONFIDENCE
from pipelines.pages import PageSource, iter_pages
from pipelines.reading import read_page_image
from synth.card_pages import render_card_photo, render_card_sheet
from synth.degrade import degrade, random_degradation
from synth.people import make_people
from synth.render import render_letter, render_list, render_other
from synth.text_pdf import text_layer_pdf
from synth.truth import CardTruth, PageTruth, RenderedPage, SupporterTruth
from tests.shared import EXTERNAL

SHARED = EXTERNAL


def fold(s: str | None) -> str:
    return " ".join((s or "").upper().split())


@dataclass
class Tally:
    pages: Counter[str] = field(default_factory=Counter)
    kind_right: Counter[str] = field(default_factory=Counter)
    entries: int = 0
    nik_exact: int = 0
    name_exact: int = 0
    birth_ok: int = 0
    sex_ok: int = 0
    signed_ok: int = 0
    empty_read_signed: int = 0
    flagged: int = 0
    wrong_unflagged: list[str] = field(default_factory=list)
    # a NIK or name read wrongly and sure of itself, whether or not the entry went to review for
    # another of its fields: what a doubt elsewhere in the row hid (a wrong NIK, sure, on seed 11)
    wrong_and_sure: list[str] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)  # every field read wrongly, for --misses
    flags: list[dict[str, Any]] = field(default_factory=list)  # every entry sent to review, for --flagged
    missing_entries: int = 0
    cards: int = 0
    card_nik_exact: int = 0
    card_wrong_unflagged: list[str] = field(default_factory=list)
    missing_cards: int = 0
    time_pipeline: Counter[str] = field(default_factory=Counter)
    time_baseline: Counter[str] = field(default_factory=Counter)
    time_pipeline_timed: Counter[str] = field(default_factory=Counter)  # pages also timed by the baseline
    # letters and lists by resolution ("list@150"): entries, fields right, flagged, and timings
    by_dpi: dict[str, Counter[str]] = field(default_factory=dict)


def _flagged(e: SupporterRead) -> bool:
    return bool(e.reasons) or e.signed is None or e.nik is None


def score_entry(t: Tally, truth: SupporterTruth, got: SupporterRead | None, where: str) -> None:
    t.entries += 1
    if got is None:
        t.missing_entries += 1
        t.wrong_unflagged.append(f"{where} row {truth.row}: entry not found")
        return
    nik_ok = got.nik == truth.nik
    name_ok = fold(got.name) == fold(truth.name)
    signed_ok = got.signed == truth.signed
    t.nik_exact += nik_ok
    t.name_exact += name_ok
    t.birth_ok += got.birth_date == truth.birth_date
    t.sex_ok += got.sex == truth.sex
    t.signed_ok += signed_ok
    t.empty_read_signed += (not truth.signed) and got.signed is True
    flagged = _flagged(got)
    if flagged:
        t.flags.append(
            {
                "where": f"{where} row {truth.row}",
                "right": nik_ok and name_ok and signed_ok,
                "name": [truth.name, got.name],
                "reasons": [str(r) for r in got.reasons],
                "name_confidence": got.name_confidence,
                "nik_confidence": got.nik_confidence,
                "unread": [
                    k
                    for k, v in (("birth_date", got.birth_date), ("sex", got.sex), ("signed", got.signed))
                    if v is None
                ],
            }
        )
    for fname, want, have in (
        ("nik", truth.nik, got.nik),
        ("name", fold(truth.name), fold(got.name)),
        ("birth_date", truth.birth_date, got.birth_date),
        ("sex", truth.sex, got.sex),
        ("signed", truth.signed, got.signed),
    ):
        if want != have:
            t.misses.append(
                {
                    "where": f"{where} row {truth.row}",
                    "field": fname,
                    "want": str(want),
                    "got": str(have),
                    "flagged": flagged,
                    "reasons": [str(r) for r in got.reasons],
                }
            )
    t.flagged += flagged
    nik_sure = got.nik_confidence >= NIK_MIN_CONFIDENCE and Reason.NIK_UNREADABLE not in got.reasons
    for fname, ok, sure in (("nik", nik_ok, nik_sure), ("name", name_ok, got.name_confidence >= NAME_MIN_CONFIDENCE)):
        if sure and not ok:
            t.wrong_and_sure.append(f"{where} row {truth.row}: {fname}")
    wrong = [
        w for w, ok in (("nik", nik_ok), ("name", name_ok), ("signature", signed_ok or got.signed is None)) if not ok
    ]
    if wrong and not flagged:
        t.wrong_unflagged.append(f"{where} row {truth.row}: {','.join(wrong)} wrong, not flagged")


def score_card(t: Tally, truth: CardTruth, got: IdCardRead | None, where: str) -> None:
    t.cards += 1
    if got is None:
        t.missing_cards += 1
        t.misses.append(
            {
                "where": f"{where} card {truth.index}",
                "field": "card_found",
                "want": truth.nik,
                "got": "None",
                "flagged": True,
                "reasons": [],
            }
        )
        t.card_wrong_unflagged.append(f"{where} card {truth.index}: not found")
        return
    ok = got.nik == truth.nik
    t.card_nik_exact += ok
    if not ok:
        t.misses.append(
            {
                "where": f"{where} card {truth.index}",
                "field": "card_nik",
                "want": truth.nik,
                "got": str(got.nik),
                "flagged": bool(got.reasons) or got.nik is None,
                "reasons": [str(r) for r in got.reasons],
            }
        )
    if not ok and not got.reasons and got.nik is not None:
        t.card_wrong_unflagged.append(f"{where} card {truth.index}: NIK wrong, not flagged")


def score_page(t: Tally, truth: PageTruth, reading: PageReading, where: str) -> None:
    group = truth.subkind or truth.kind
    t.pages[group] += 1
    t.kind_right[group] += reading.kind.value == truth.kind
    by_row = {e.row: e for e in reading.supporters}
    for s in truth.supporters:
        score_entry(t, s, by_row.get(s.row), where)
    extra = set(by_row) - {s.row for s in truth.supporters}
    for row in sorted(extra):
        e = by_row[row]
        if not _flagged(e):
            t.wrong_unflagged.append(f"{where} row {row}: an entry that is not on the page")
    for c in truth.cards:
        score_card(t, c, _match_card(c, reading.id_cards), where)


def _match_card(truth: CardTruth, cards: tuple[IdCardRead, ...]) -> IdCardRead | None:
    """The card read where the true card lies (boxes are both in upright page pixels), else the
    one with its index: a card that was not found must not shift the others' comparison."""
    x0, y0, x1, y1 = truth.bbox
    for g in cards:
        if g.bbox is not None:
            cx, cy = (g.bbox[0] + g.bbox[2]) / 2, (g.bbox[1] + g.bbox[3]) / 2
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                return g
    if any(g.bbox is not None for g in cards) and len(cards) > 1:
        return None
    return next((g for g in cards if g.index == truth.index), None)


def timed_read(t: Tally, group: str, page: PageSource, engines: Engines, baseline: bool) -> PageReading:
    t0 = time.perf_counter()
    result = read_page_image(page, engines)
    spent = time.perf_counter() - t0
    t.time_pipeline[group] += spent
    if baseline:  # the ratio compares the same pages only
        t.time_pipeline_timed[group] += spent
        t0 = time.perf_counter()
        pytesseract.image_to_string(page.image, lang="ind")
        t.time_baseline[group] += time.perf_counter() - t0
    return result.reading


LIST_DPIS = (150, 200, 300)


def generated_pages(
    n_entries: int, n_cards: int, seed: int, *, list_dpi: str = "mixed"
) -> list[tuple[str, RenderedPage]]:
    """The pages of the set. The supporters of lists are, by `list_dpi`: "mixed", three lists of a
    third each, at 150, 200 and 300 dpi (DOCUMENTS.md's range; the default since 2026-11-29);
    "drawn", one list at a resolution the seed draws (the set of earlier figures: seed 2026 drew
    300 dpi); "150", "200" or "300", one list at that resolution. The other pages stay the same."""
    rng = random.Random(seed)
    people = make_people(n_entries + n_cards + 10, seed)
    pages: list[tuple[str, RenderedPage]] = []
    n_letters = max(1, n_entries // 10)
    letters, listed = people[:n_letters], people[n_letters:n_entries]
    card_people = people[n_entries : n_entries + n_cards]
    for i, p in enumerate(letters):
        pages.append(("letter", render_letter(p, f"{seed}:l{i}", rng.choice((150, 200, 300)))))
    drawn = rng.choice(LIST_DPIS)
    if list_dpi == "mixed":
        third = -(-len(listed) // 3)
        for k, dpi in enumerate(LIST_DPIS):
            part = listed[k * third : (k + 1) * third]
            pages += [("list", page) for page in render_list(part, f"{seed}:list{dpi}", dpi)] if part else []
    else:
        dpi = drawn if list_dpi == "drawn" else int(list_dpi)
        pages += [("list", page) for page in render_list(listed, f"{seed}:list", dpi)]
    k = 0
    while k < len(card_people):
        if rng.random() < 0.3:
            pages.append(("card_photo", render_card_photo(card_people[k], f"{seed}:p{k}")))
            k += 1
        else:
            m = rng.randint(1, 8)
            pages.append(
                ("card_sheet", render_card_sheet(card_people[k : k + m], f"{seed}:s{k}", rng.choice((150, 200, 300))))
            )
            k += m
    for kind in ("cover", "handover", "blank"):
        pages.append(("other", render_other(kind, f"{seed}:{kind}", 200)))
    out = []
    for i, (group, page) in enumerate(pages):
        strength = 0.0 if group == "card_photo" else 1.0
        recipe = random_degradation(rng, allow_rotation=group != "card_photo", strength=strength)
        out.append((group, degrade(page, f"{seed}:d{i}", recipe)))
    return out


def run_generated(t: Tally, args: argparse.Namespace, engines: Engines) -> None:
    pages = generated_pages(args.entries, args.cards, args.seed, list_dpi=args.list_dpi)
    for i, (group, page) in enumerate(pages):
        if args.groups and group not in args.groups.split(","):
            continue  # the pages (and their numbers) stay those of the full set
        src = PageSource(number=1, image=page.image, text=None, dpi=page.truth.dpi)
        before = _counts(t)
        reading = timed_read(t, group, src, engines, baseline=i % args.baseline_every == 0)
        score_page(t, page.truth, reading, f"{group}#{i}")
        if group in ("letter", "list"):
            t.by_dpi.setdefault(f"{group}@{page.truth.dpi}", Counter()).update(_counts(t) - before)


_COUNTED = ("entries", "nik_exact", "name_exact", "birth_ok", "signed_ok", "flagged")


def _counts(t: Tally) -> Counter[str]:
    """What `score_page` and `timed_read` add up, to take the part of one page."""
    c = Counter({k: getattr(t, k) for k in _COUNTED})
    c["wrong_unflagged"] = len(t.wrong_unflagged)
    c["ms_pipeline_timed"] = round(1000 * sum(t.time_pipeline_timed.values()))
    c["ms_baseline"] = round(1000 * sum(t.time_baseline.values()))
    return c


def by_dpi_report(t: Tally) -> dict[str, dict[str, Any]]:
    """Per group and resolution: the accuracy, flags and speed of those pages alone."""
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(t.by_dpi):
        c = t.by_dpi[key]
        n = max(1, c["entries"])
        out[key] = {
            "entries": c["entries"],
            "nik_exact": round(c["nik_exact"] / n, 4),
            "name_exact": round(c["name_exact"] / n, 4),
            "birth_date_right": round(c["birth_ok"] / n, 4),
            "signature_right": round(c["signed_ok"] / n, 4),
            "flagged": c["flagged"],
            "wrong_not_flagged": c["wrong_unflagged"],
            "speed_ratio": round(c["ms_pipeline_timed"] / c["ms_baseline"], 3) if c["ms_baseline"] else None,
        }
    return out


def run_text_layer(t: Tally, args: argparse.Namespace, engines: Engines) -> dict[str, Any]:
    people = make_people(30, args.seed + 5)
    data, truths = text_layer_pdf(letters=people[:3], list_people=people[3:28], seed=args.seed, dpi=150)
    text_s = ocr_s = 0.0
    for page, truth in zip(iter_pages(data, "application/pdf", 150), truths, strict=False):
        t0 = time.perf_counter()
        reading = read_page_image(page, engines).reading
        text_s += time.perf_counter() - t0
        score_page(t, truth, reading, f"text-layer p{page.number}")
        t0 = time.perf_counter()
        read_page_image(PageSource(page.number, page.image, None, page.dpi), engines)
        ocr_s += time.perf_counter() - t0
    return {
        "text_layer_s": round(text_s, 3),
        "same_pages_by_ocr_s": round(ocr_s, 2),
        "text_layer_speedup": round(ocr_s / max(text_s, 1e-6), 1),
    }


def run_external(engines: Engines) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not SHARED.exists():
        return {"skipped": "no ../shared/external"}
    from PIL import Image

    spec = SHARED / "ktp-specimen-chawza" / "image_clean.jpeg"
    img = Image.open(spec)
    img.load()
    r = read_page_image(PageSource(1, img, None, 200), engines).reading
    out["specimen_nik"] = [c.nik for c in r.id_cards]
    out["specimen_nik_exact"] = [c.nik for c in r.id_cards] == ["3171234567890123"]
    ktp = SHARED / "synthetic-ktp-kk-pudan" / "ktp" / "img_0.jpg"
    truth_nik = next(
        (
            ln.rsplit(",", 1)[1].strip()
            for ln in (ktp.parent / "gt_img_0.txt").read_text().splitlines()
            if ln.rsplit(",", 1)[1].strip().isdigit() and len(ln.rsplit(",", 1)[1].strip()) == 16
        ),
        None,
    )
    img = Image.open(ktp)
    img.load()
    r = read_page_image(PageSource(1, img, None, 200), engines).reading
    out["pudan_ktp_nik_exact"] = truth_nik in [c.nik for c in r.id_cards]
    res = SHARED / "ocrmypdf-resources"
    rotations = []
    for page in iter_pages(res / "cardinal.pdf", "application/pdf", 150):
        rotations.append(read_page_image(page, engines).reading.rotation)
    out["cardinal_rotations"] = rotations
    kinds = {}
    for name in ("skew.pdf", "rotated_skew.pdf", "blank.pdf", "multipage.pdf", "ccitt.pdf", "jbig2.pdf"):
        try:
            kinds[name] = [
                read_page_image(p, engines).reading.kind.value for p in iter_pages(res / name, "application/pdf", 150)
            ]
        except Exception as exc:  # a robustness case: report, do not stop the benchmark
            kinds[name] = f"error {type(exc).__name__}: {exc}"
    out["ocrmypdf_kinds"] = kinds
    return out


def main() -> int:
    cv2.setNumThreads(1)  # as in a worker (dukungan.cli.run_worker): the pipeline is timed on one core
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=500)
    ap.add_argument("--cards", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--baseline-every", type=int, default=1, help="time pytesseract on every n-th page")
    ap.add_argument(
        "--list-dpi",
        choices=("mixed", "drawn", *map(str, LIST_DPIS)),
        default="mixed",
        help="the lists' resolution: a third at each of 150, 200 and 300 dpi (default), one the seed draws, or one",
    )
    ap.add_argument("--groups", help="read only these page groups (letter,list,card_photo,card_sheet,other)")
    ap.add_argument("--no-external", action="store_true", help="skip the text-layer and ../shared pages")
    ap.add_argument("--misses", help="write every value read wrongly to this JSON-lines file")
    ap.add_argument("--flagged", help="write every entry sent to review to this JSON-lines file")
    ap.add_argument("--check", action="store_true", help="exit 1 when a hard target is missed")
    args = ap.parse_args()
    engines = Engines()
    t = Tally()
    t0 = time.perf_counter()
    # The models load before the clock of any page runs, as a worker loads them at its start:
    # the first page read would otherwise carry them (~1-2 s, reported apart).
    engines.warm()
    load_s = time.perf_counter() - t0
    run_generated(t, args, engines)
    text = {} if args.no_external else run_text_layer(t, args, engines)
    ext = {} if args.no_external else run_external(engines)
    rows_letters = [g for g in ("letter", "list") if t.time_baseline[g]]
    cards = [g for g in ("card_photo", "card_sheet") if t.time_baseline[g]]

    def ratio(groups: list[str]) -> float | None:  # pipeline / pytesseract on the same pages
        base = sum(t.time_baseline[g] for g in groups)
        return round(sum(t.time_pipeline_timed[g] for g in groups) / base, 3) if base else None

    report = {
        "bench": "reading",
        "pages": dict(t.pages),
        "page_kind_right": f"{sum(t.kind_right.values())}/{sum(t.pages.values())}",
        "entries": t.entries,
        "nik_exact": round(t.nik_exact / max(t.entries, 1), 4),
        "name_exact": round(t.name_exact / max(t.entries, 1), 4),
        "birth_date_right": round(t.birth_ok / max(t.entries, 1), 4),
        "sex_right": round(t.sex_ok / max(t.entries, 1), 4),
        "signature_right": round(t.signed_ok / max(t.entries, 1), 4),
        "empty_box_read_signed": t.empty_read_signed,
        "entries_flagged": t.flagged,
        "entries_missing": t.missing_entries,
        "wrong_not_flagged": len(t.wrong_unflagged),
        "wrong_not_flagged_examples": t.wrong_unflagged[:10],
        "nik_or_name_wrong_and_sure": len(t.wrong_and_sure),
        "wrong_and_sure_examples": t.wrong_and_sure[:10],
        "cards": t.cards,
        "card_nik_exact": round(t.card_nik_exact / max(t.cards, 1), 4),
        "cards_missing": t.missing_cards,
        "cards_wrong_not_flagged": len(t.card_wrong_unflagged),
        "card_examples": t.card_wrong_unflagged[:10],
        "speed_ratio_letters_lists": ratio(rows_letters),
        "speed_ratio_cards": ratio(cards),
        "by_dpi": by_dpi_report(t),
        "seconds_pipeline": {k: round(v, 1) for k, v in t.time_pipeline.items()},
        "seconds_baseline": {k: round(v, 1) for k, v in t.time_baseline.items()},
        **text,
        "external": ext,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "seconds_engine_load": round(load_s, 1),
        "wall_s": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(report, indent=1, default=str))
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as f:
            for m in t.misses:
                f.write(json.dumps(m) + "\n")
    if args.flagged:
        with open(args.flagged, "w", encoding="utf-8") as f:
            for m in t.flags:
                f.write(json.dumps(m) + "\n")
    if args.check:
        hard = (
            report["wrong_not_flagged"] == 0
            and report["cards_wrong_not_flagged"] == 0
            and report["empty_box_read_signed"] == 0
        )
        return 0 if hard else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
