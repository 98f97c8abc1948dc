"""Benchmark: peak memory of one worker process reading pages, one page at a time.

    .venv/bin/python -m bench.reading_memory --pages 16     # the issue's figure (target <= 700 MB)
    .venv/bin/python -m bench.reading_memory --pages 3      # the CI smoke

A worker holds one page at a time: this process does the same. Each page is generated and
degraded in a helper process (the generator's float copies of a 300-dpi page are no part of a
worker: they set the peak at 767 MB where reading alone needs less), handed over as PNG bytes as
a worker gets a scan from storage, split by `iter_pages`, read with every engine a worker loads
(Tesseract's two models, RapidOCR), then dropped; the pages cycle through letters with a pasted
card, 25-row lists and photocopy sheets of 8 cards at 300 dpi, the largest pages the pipeline
reads. The figure is this process's peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import multiprocessing
import os
import random
import resource
import sys
import time
from functools import partial

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2

from pipelines.engines.registry import Engines
from pipelines.pages import iter_pages
from pipelines.reading import read_page_image
from synth.card_pages import render_card_sheet
from synth.degrade import degrade, random_degradation
from synth.people import make_people
from synth.render import render_letter, render_list_page
from synth.truth import RenderedPage


def page(i: int, seed: int) -> RenderedPage:
    people = make_people(25, seed * 1000 + i)
    kind = i % 3
    if kind == 0:
        rendered = render_letter(people[0], f"{seed}:m{i}", 300)
    elif kind == 1:
        rendered = render_list_page(people, f"{seed}:m{i}", 300)
    else:
        rendered = render_card_sheet(people[:8], f"{seed}:m{i}", 300)
    recipe = random_degradation(random.Random(f"{seed}:{i}"))
    return degrade(rendered, f"{seed}:md{i}", recipe)


def scan(i: int, seed: int) -> tuple[bytes, int]:
    """Page `i` as PNG bytes, and its resolution: what a worker reads from storage."""
    rendered = page(i, seed)
    buf = io.BytesIO()
    rendered.image.save(buf, format="PNG")
    return buf.getvalue(), rendered.truth.dpi


def main() -> int:
    cv2.setNumThreads(1)  # as in a worker (dukungan.cli.run_worker): the pipeline is timed on one core
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=16)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    engines = Engines()
    t0 = time.perf_counter()
    kinds: dict[str, int] = {}
    with multiprocessing.get_context("spawn").Pool(1) as helper:
        for data, dpi in helper.imap(partial(scan, seed=args.seed), range(args.pages)):
            for src in iter_pages(data, "image/png", dpi):
                reading = read_page_image(src, engines).reading
                kinds[reading.kind.value] = kinds.get(reading.kind.value, 0) + 1
                del src, reading
            del data
            gc.collect()
    report = {
        "bench": "reading_memory",
        "pages": args.pages,
        "kinds": kinds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "wall_s": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
