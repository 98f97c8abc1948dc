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
from pipelines.table import binarize, components, line_masks, morph, runs, u8

Gray = NDArray[np.uint8]
Box = tuple[int, int, int, int]


BANDS_SIZE = 1800  # long side of the ink map cut into bands: an A4 page above ~150 dpi is halved
STREAK = 0.45  # share of a column's height in ink (gaps closed) that is a toner streak (text: < 0.3)


def text_bands(gray: Gray, *, mask: list[Box] | None = None) -> list[Box]:
    """Boxes of the page's text lines, top to bottom; a line split by a wide gap gives several
    boxes (a label column and a value, two text columns). The ink is found at full size and
    cut on a map of at most `BANDS_SIZE` px, each of its pixels the OR of a block (no blur: a
    speck stays a speck, only a pixel larger); the boxes are given in the page's pixels."""
    ink = binarize(gray)
    f = 1
    while max(ink.shape) > BANDS_SIZE * f:
        f *= 2
    if f > 1:
        ink = np.ascontiguousarray(u8(cv2.dilate(ink, np.ones((f, f), np.uint8), anchor=(0, 0)))[::f, ::f])
    scaled = [(x0 // f, y0 // f, -(-x1 // f), -(-y1 // f)) for x0, y0, x1, y1 in mask or []]
    h, w = gray.shape
    return [(x0 * f, y0 * f, min(w, x1 * f), min(h, y1 * f)) for x0, y0, x1, y1 in _bands(ink, scaled, pooled=f > 1)]


def _bands(ink: Gray, mask: list[Box], *, pooled: bool) -> list[Box]:
    h, w = ink.shape
    for x0, y0, x1, y1 in mask:
        ink[max(0, y0) : y1, max(0, x0) : x1] = 0
    unit = max(h, w) / 1000.0
    horiz, vert = line_masks(ink, max(20, int(30 * unit)))
    ink = u8(cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8)))))
    # A toner streak along the feed direction is broken ink down a few columns: left in, it
    # welds every line it crosses into one band. Its gaps closed, it inks most of the column's
    # height; text, whose lines have blank rows between them, at most ~30 %.
    closed = morph(ink, cv2.MORPH_CLOSE, (1, max(3, int(4 * unit))))
    streak = (closed > 0).mean(axis=0) > STREAK
    if streak.any():
        ink[:, cv2.dilate(streak.astype(np.uint8)[None, :], np.ones((1, 5), np.uint8))[0] > 0] = 0
    n, labels, stats, _ = components(ink)
    # a pooled map grows each blob by up to a pixel a side: specks and dots are measured so too
    min_area = max(4, int((1.6 * unit + (1.0 if pooled else 0.0)) ** 2))
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    if keep.sum() >= 50:  # dense dust joins into blobs of a glyph's area, but not of its height
        tall = float(np.median(stats[keep, cv2.CC_STAT_HEIGHT]))
        keep &= (stats[:, cv2.CC_STAT_HEIGHT] >= 0.5 * tall) | (stats[:, cv2.CC_STAT_WIDTH] >= 1.5 * tall)
    # Dotted leaders: rows of tiny dots, dropped with the specks by size; but a few dots that
    # blur or a descender joined make blobs that stay, and stretch the value's piece to the
    # margin. Dots in a long row are found as one: small blobs closed along the row.
    dot = np.zeros(n, dtype=bool)
    dot[1:] = (stats[1:, cv2.CC_STAT_AREA] < 4 * min_area) & (stats[1:, cv2.CC_STAT_HEIGHT] <= 3 * unit)
    dots = u8(dot[labels].astype(np.uint8) * 255)
    leaders = morph(morph(dots, cv2.MORPH_CLOSE, (max(3, int(6 * unit)), 1)), cv2.MORPH_OPEN, (int(60 * unit), 1))
    big = keep[labels] & (cv2.dilate(leaders, np.ones((3, 3), np.uint8)) == 0)
    rows = big.sum(axis=1)
    spans = [(y0, y) for y0, y in runs(rows > 0) if y - y0 >= max(4, int(4 * unit))]
    if spans:
        typical = float(np.median([y - y0 for y0, y in spans]))
        spans = [part for span in spans for part in _split_tall(big, span, typical)]
    boxes: list[Box] = []
    for y0, y in spans:
        pieces = _split_columns(big[y0:y], y0, gap=int(25 * unit))
        boxes.extend(b for b in pieces if b[2] - b[0] >= 2 * unit)  # narrower: a speck or a stroke
    return boxes


def _split_tall(big: NDArray[np.bool_], span: tuple[int, int], typical: float) -> list[tuple[int, int]]:
    """A band several lines tall (lines that a stamp's rings or a signature's strokes joined)
    cut into the lines that one strip of it, a few words wide, shows apart: a stamp over the
    values leaves the labels clean."""
    y0, y1 = span
    if y1 - y0 <= TALL_BAND * typical:
        return [span]
    best: list[tuple[int, int]] = []
    cols = np.flatnonzero(big[y0:y1].any(axis=0))
    step = max(8, int(8 * typical))
    for x0 in range(int(cols[0]), int(cols[-1]), step):  # strips a few words wide
        lines = [
            (a, b)
            for a, b in runs(np.asarray(big[y0:y1, x0 : x0 + step].any(axis=1), dtype=bool))
            if 0.5 * typical <= b - a <= 1.6 * typical
        ]
        if len(lines) > len(best):
            best = lines
    if len(best) < 2:
        return [span]
    margin = int(0.2 * typical)
    edges = [0, *((a + b) // 2 for (_, a), (b, _) in itertools.pairwise(best)), y1 - y0]
    return [
        (y0 + max(lo, a - margin), y0 + min(hi, b + margin))
        for (a, b), lo, hi in zip(best, edges[:-1], edges[1:], strict=True)
    ]


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
    out: list[OcrLine] = []
    for band in bands:
        box = _padded(band, gray.shape, pad)
        if _welded(band, line_height):
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


def band_lines(
    gray: Gray, engine: OcrEngine, band: Box, *, pad: int = 3, line_height: float | None = None
) -> list[Box]:
    """The boxes `read_bands` gives the text lines of `band`, without reading them (empty for
    a band of lines welded together, which `read_bands` leaves to Tesseract's layout)."""
    if _welded(band, line_height):
        return []
    return OcrCellReader(gray, engine, ruled=False).line_boxes(_padded(band, gray.shape, pad))


def _padded(band: Box, shape: tuple[int, ...], pad: int) -> Box:
    x0, y0, x1, y1 = band
    h, w = shape[:2]
    return (max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad))


def _welded(band: Box, line_height: float | None) -> bool:
    """Whether a band is several lines that other ink joined (taller than TALL_BAND lines)."""
    return line_height is not None and band[3] - band[1] > TALL_BAND * line_height


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
