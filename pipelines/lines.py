"""Text lines of a page without a full-page layout analysis: ink bands, each read as one line.

A letter or a cover page has 20-40 printed lines; cutting them by projection (ruling lines,
specks and dotted leaders removed first) and reading each with a single-line call costs a
fraction of Tesseract's own page layout. Both the letter reader and the classifier use it.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.cells import OcrCellReader
from pipelines.engines.base import OcrEngine, OcrLine
from pipelines.table import binarize, line_masks, runs, u8

Gray = NDArray[np.uint8]
Box = tuple[int, int, int, int]


def text_bands(gray: Gray, *, mask: list[Box] | None = None) -> list[Box]:
    """Boxes of the page's text lines, top to bottom; a line split by a wide gap gives several
    boxes (a label column and a value, two text columns)."""
    h, w = gray.shape
    ink = binarize(gray)
    for x0, y0, x1, y1 in mask or []:
        ink[max(0, y0) : y1, max(0, x0) : x1] = 0
    unit = max(h, w) / 1000.0
    horiz, vert = line_masks(ink, max(20, int(30 * unit)))
    ink = u8(cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8)))))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    min_area = max(4, int((1.6 * unit) ** 2))
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    # dotted leaders: rows of tiny, equally sized dots; dropped with the specks by size
    big = keep[labels]
    rows = big.sum(axis=1)
    boxes: list[Box] = []
    for y0, y in runs(rows > 0):
        if y - y0 >= max(4, int(4 * unit)):
            boxes.extend(_split_columns(big[y0:y], y0, gap=int(25 * unit)))
    return boxes


def _split_columns(band: NDArray[np.bool_], y0: int, gap: int) -> list[Box]:
    cols = np.flatnonzero(band.any(axis=0))
    if len(cols) == 0:
        return []
    out: list[Box] = []
    start = prev = int(cols[0])
    for c in cols[1:]:
        c = int(c)
        if c - prev > gap:
            out.append((start, y0, prev + 1, y0 + band.shape[0]))
            start = c
        prev = c
    out.append((start, y0, prev + 1, y0 + band.shape[0]))
    return out


BAND_HEIGHT = 22  # px of ink per line: titles in bold and small print both read well


TALL_BAND = 2.5  # a band this many line heights tall is several lines welded together


def read_bands(
    gray: Gray, engine: OcrEngine, bands: list[Box], *, pad: int = 3, line_height: float | None = None
) -> list[OcrLine]:
    """Each band read as one line (several lines if the band holds more).

    A band taller than `TALL_BAND` times `line_height` is lines that other ink (a stamp's rings,
    a scribble) joined into one projection band; cut by projection it would read as one line
    of junk, so Tesseract's own layout analysis reads it as a block of lines instead."""
    reader = OcrCellReader(gray, engine, ruled=False)
    h, w = gray.shape
    out: list[OcrLine] = []
    for x0, y0, x1, y1 in bands:
        box = (max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad))
        if line_height is not None and y1 - y0 > TALL_BAND * line_height:
            crop = np.ascontiguousarray(gray[box[1] : box[3], box[0] : box[2]])
            out.extend(
                OcrLine(
                    ln.text,
                    ln.confidence,
                    (ln.box[0] + box[0], ln.box[1] + box[1], ln.box[2] + box[0], ln.box[3] + box[1]),
                )
                for ln in engine.read_lines(crop, timeout=reader.seconds_budget * 5)
            )
            continue
        out.extend(reader.read_each_line(box, height=BAND_HEIGHT))
    return out


def merge_rows(lines: list[OcrLine]) -> list[OcrLine]:
    """Join the pieces of one visual line (label, colon, value) left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        cy = (line.box[1] + line.box[3]) / 2
        if rows:
            last = rows[-1]
            ly = sum((ln.box[1] + ln.box[3]) / 2 for ln in last) / len(last)
            height = max(ln.box[3] - ln.box[1] for ln in last)
            if abs(cy - ly) < 0.5 * max(height, line.box[3] - line.box[1]):
                last.append(line)
                continue
        rows.append([line])
    out: list[OcrLine] = []
    for row in rows:
        row.sort(key=lambda ln: ln.box[0])
        text = row[0].text
        for prev, ln in itertools.pairwise(row):
            # A wide gap is kept as a tab: past the value column there may be other content
            # (a pasted card beside the labels); readers cut a value at the first tab after it.
            wide = ln.box[0] - prev.box[2] > 2.5 * max(1, ln.box[3] - ln.box[1]) and ln.text.strip() != ":"
            text += ("\t" if wide else " ") + ln.text
        out.append(
            OcrLine(
                text,
                min(ln.confidence for ln in row),
                (
                    min(ln.box[0] for ln in row),
                    min(ln.box[1] for ln in row),
                    max(ln.box[2] for ln in row),
                    max(ln.box[3] for ln in row),
                ),
            )
        )
    return out
