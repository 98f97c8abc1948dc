"""Find a ruled table on an upright page: its outline, row and column boundaries.

OpenCV morphology: an adaptive threshold (photocopies have uneven toner), then openings
with long thin kernels keep only horizontal and vertical strokes; a line is a row or column
boundary when it runs across most of the table. Gaps in lines (a dry toner, JPEG) are
bridged by a closing first. Everything is measured in pixels of the page given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]
Box = tuple[int, int, int, int]


def u8(a: object) -> Gray:
    """OpenCV's results typed as what they are (uint8 images); no copy."""
    return np.asarray(a, dtype=np.uint8)


def spread(gray: Gray) -> float:
    """The standard deviation of the pixels (`cv2.meanStdDev`: ~10x faster than `ndarray.std`)."""
    _, std = cv2.meanStdDev(gray)
    return float(std[0][0])


def components(binary: cv2.typing.MatLike) -> tuple[int, NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """`cv2.connectedComponentsWithStats(binary, connectivity=8)`, the same labels, stats and
    centroids, by Grana's algorithm: OpenCV's default for 8-connectivity (Spaghetti) took 2-3x
    as long on a page (38 against 12 ms at 1754 x 1240) and ~20 % longer on a table cell."""
    n, labels, stats, centroids = cv2.connectedComponentsWithStatsWithAlgorithm(binary, 8, cv2.CV_32S, cv2.CCL_GRANA)
    return int(n), np.asarray(labels, np.int32), np.asarray(stats, np.int32), np.asarray(centroids, np.float64)


def labels_in(labels: object, n: int, chosen: NDArray[np.intp]) -> NDArray[np.bool_]:
    """Pixels whose component label (of `n`, from `cv2.connectedComponents*`) is among `chosen`:
    `np.isin` by a lookup table, without sorting the labels."""
    table = np.zeros(n, dtype=bool)
    table[chosen] = True
    return np.asarray(table[np.asarray(labels)], dtype=np.bool_)


def morph(image: Gray, op: int, size: tuple[int, int]) -> Gray:
    """`cv2.morphologyEx` with a rectangular kernel of `size` (width, height)."""
    return u8(cv2.morphologyEx(image, op, cv2.getStructuringElement(cv2.MORPH_RECT, size)))


@dataclass(frozen=True)
class Grid:
    """Boundaries of a ruled table: `ys` row lines and `xs` column lines, top-down and left-right."""

    xs: tuple[int, ...]
    ys: tuple[int, ...]
    line_width: int

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def cols(self) -> int:
        return len(self.xs) - 1

    def cell(self, row: int, col: int, *, inset: int | None = None) -> Box:
        """A cell's box without its ruling (`inset` pixels in from the line centres)."""
        d = self.line_width + 1 if inset is None else inset
        return (self.xs[col] + d, self.ys[row] + d, self.xs[col + 1] - d, self.ys[row + 1] - d)

    def turned(self, width: int, height: int) -> Grid:
        """The same table on its page turned 180° (`width` x `height` px): no search again."""
        return Grid(
            tuple(sorted(width - 1 - x for x in self.xs)),
            tuple(sorted(height - 1 - y for y in self.ys)),
            self.line_width,
        )

    def span(self, row: int, col0: int, col1: int) -> Box:
        d = self.line_width + 1
        return (self.xs[col0] + d, self.ys[row] + d, self.xs[col1] - d, self.ys[row + 1] - d)


def binarize(gray: Gray) -> Gray:
    """Ink = 255. Adaptive, so that grey toner and shadows do not become ink."""
    h, w = gray.shape
    block = max(15, (min(h, w) // 60) | 1)
    return u8(cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15))


def line_masks(binary: Gray, min_len: int, *, bridge: int = 0) -> tuple[Gray, Gray]:
    """(horizontal, vertical) masks of straight strokes at least `min_len` pixels long.

    `bridge` closes gaps of up to that many pixels first (broken ruling on a page); keep it 0
    inside a cell, where it would join the bars of neighbouring letters into a "line".
    """
    return horizontal_lines(binary, min_len, bridge=bridge), vertical_lines(binary, min_len, bridge=bridge)


def horizontal_lines(binary: Gray, min_len: int, *, bridge: int = 0) -> Gray:
    """The horizontal half of `line_masks` (when only one direction is wanted, half the cost)."""
    closed = morph(binary, cv2.MORPH_CLOSE, (bridge, 1)) if bridge > 1 else binary
    return _open_along(closed, min_len, axis=1)


def vertical_lines(binary: Gray, min_len: int, *, bridge: int = 0) -> Gray:
    """The vertical half of `line_masks`."""
    closed = morph(binary, cv2.MORPH_CLOSE, (1, bridge)) if bridge > 1 else binary
    return _open_along(closed, min_len, axis=0)


def _open_along(binary: Gray, min_len: int, *, axis: int) -> Gray:
    """The opening of `binary` (0/255) by a `min_len` stroke along `axis` (1: rows, 0: columns).
    Each row (column) is opened on its own, so only those holding `min_len` ink pixels at all
    are opened; in a table cell or a letter's line, that is a few rows, not all (the same
    pixels as opening the whole image, at a fraction of the cost). A run touching the image's
    edge is kept from half the length on (OpenCV's border counts as ink for the erosion)."""
    size = (min_len, 1) if axis == 1 else (1, min_len)
    inked = np.asarray(binary > 0, dtype=np.uint8)
    counts = cv2.reduce(inked, axis, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    lines = np.flatnonzero(counts >= (min_len + 1) // 2)
    if len(lines) == 0:
        return np.zeros_like(binary)
    if len(lines) * 3 > len(counts):
        return morph(binary, cv2.MORPH_OPEN, size)
    out = np.zeros_like(binary)
    if axis == 1:
        out[lines] = morph(binary[lines], cv2.MORPH_OPEN, size)
    else:
        out[:, lines] = morph(np.ascontiguousarray(binary[:, lines]), cv2.MORPH_OPEN, size)
    return out


LINE_BRIDGE = 4  # px: a column line's gaps up to one less than this are closed
GRID_SIZE = 1700  # long side of the copy searched for ruling lines (3x faster than A4 at 300 dpi)


def find_grid(gray: Gray, *, min_rows: int = 3, min_cols: int = 3, size: int = GRID_SIZE) -> Grid | None:
    """The largest ruled table of the page, or None when there is none. The search runs on a
    copy whose long side is `size` px (a smaller one suits clean computer-made pages)."""
    small = gray
    while max(small.shape) > size * 1.4:  # halving by pyrDown is ~10x cheaper than resize(INTER_AREA)
        small = u8(cv2.pyrDown(small))
    f = small.shape[1] / gray.shape[1]
    if f < 1.0:
        grid = _find_grid(small, min_rows, min_cols)
        if grid is None:
            return None
        return Grid(
            tuple(round(x / f) for x in grid.xs),
            tuple(round(y / f) for y in grid.ys),
            max(1, round(grid.line_width / f)),
        )
    return _find_grid(gray, min_rows, min_cols)


def grid_from_rulings(rulings: Sequence[Box], *, min_rows: int = 3, min_cols: int = 3) -> Grid | None:
    """The largest ruled table among vector ruling strokes (a PDF's drawn lines, in pixels), by
    the same rules as `find_grid` on pixels: row lines span most of the table; column lines run
    through the header row and most of the table's height (a NIK's digit boxes do neither).
    None when the strokes make no table (then the pixels are searched)."""
    horiz = [b for b in rulings if b[2] - b[0] > b[3] - b[1]]
    vert = [b for b in rulings if b[2] - b[0] <= b[3] - b[1]]
    rows: list[list[int]] = []  # [y, x0, x1, thickness] of each row line, strokes merged
    for x0, y0, x1, y1 in sorted(horiz, key=lambda b: (b[1] + b[3]) / 2):
        y = (y0 + y1) // 2
        near = next((r for r in rows if abs(r[0] - y) <= 3 and x0 <= r[2] + 3 and x1 >= r[1] - 3), None)
        if near is None:
            rows.append([y, x0, x1, max(1, y1 - y0)])
        else:
            near[1], near[2] = min(near[1], x0), max(near[2], x1)
    if not rows:
        return None
    widest = max(r[2] - r[1] for r in rows)
    table = [r for r in rows if r[2] - r[1] >= 0.9 * widest]
    left = min(r[1] for r in table)
    right = max(r[2] for r in table)
    ys = sorted({r[0] for r in table})
    if len(ys) - 1 < min_rows:
        return None
    top, bottom = ys[0], ys[-1]
    cover: dict[int, list[tuple[int, int]]] = {}
    for x0, y0, x1, y1 in vert:
        x = (x0 + x1) // 2
        if not left - 3 <= x <= right + 3 or y1 < top - 3 or y0 > bottom + 3:
            continue
        key = next((k for k in cover if abs(k - x) <= 3), x)
        cover.setdefault(key, []).append((max(y0, top), min(y1, bottom)))
    xs: list[int] = []
    for x, spans in sorted(cover.items()):
        length = sum(b - a for a, b in spans)
        header = sum(max(0, min(b, ys[1]) - max(a, ys[0])) for a, b in spans)
        if length >= 0.5 * (bottom - top) and header >= 0.6 * (ys[1] - ys[0]):
            xs.append(x)
    if len(xs) - 1 < min_cols:
        return None
    thickness = sorted(r[3] for r in table)
    return Grid(tuple(xs), tuple(ys), thickness[len(thickness) // 2])


def _find_grid(gray: Gray, min_rows: int, min_cols: int) -> Grid | None:
    h, w = gray.shape
    binary = binarize(gray)
    unit = max(h, w) / 1000.0  # ~2.5-3.5 px at 300 dpi
    min_len = max(20, int(40 * unit))
    horiz, vert = line_masks(binary, min_len, bridge=max(3, min_len // 10))
    frame = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    # The piece of ruling whose box is largest: each 8-connected piece's box is that of its
    # outer contour (~1 ms a page, where labelling every piece with its stats took ~20).
    outlines, _ = cv2.findContours(frame, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not outlines:
        return None
    x, y, bw, bh = max((cv2.boundingRect(c) for c in outlines), key=lambda r: (r[2] * r[3], -r[1], -r[0]))
    if bw < w * 0.3 or bh < h * 0.08:
        return None
    ys = _boundaries(_covered(horiz[y : y + bh, x : x + bw], rows=True), bw * 0.5, y)
    # Bridging can also weld the tops of a row of capitals into a "line"; a real row line is
    # solid without it.
    solid = horizontal_lines(binary[y : y + bh, x : x + bw], min_len)
    cover = _covered(solid, rows=True)
    ys = [r for r in ys if cover[max(0, r - y - 2) : r - y + 3].max(initial=0.0) >= bw * 0.35]
    # Column lines run through the whole table. Found again without bridging: the boxes of
    # NIKs printed one digit per box line up from row to row, and bridged across the row
    # ruling they would pass for column lines.
    # Column lines also cross the header row, where there are no digit boxes.
    # A thin column line left a little askew steps over a pixel column every few hundred rows
    # (seed 17's 200-dpi list: 5 px over the table's 1,940, no piece in one pixel column as
    # long as asked, and the birth and sex columns merged into one, their 15 values lost):
    # the line is looked for in a band of three pixel columns.
    # (The band is widened from two pixels beyond the table's box: the outer lines stay centred.)
    # Gaps of a few pixels in a thin line are bridged (seed 53's bilevel 200-dpi list: the line
    # between NO and NAMA broken twice by 2-px gaps into pieces of 526, 480 and 204 px, both
    # columns read as one, the header unread and the page's 25 supporters lost); text in one row
    # is 5 px and more from the next row's, across the row line between them.
    left = min(x, 2)
    band = u8(cv2.dilate(binary[y : y + bh, x - left : x + bw + 2], np.ones((1, 3), np.uint8)))
    tall = vertical_lines(band, max(min_len, int(bh * 0.4)), bridge=LINE_BRIDGE)
    xs = _boundaries(_covered(tall, rows=False), _body_height(ys) * 0.5, x - left)
    if len(ys) >= 2:
        # In the header row by themselves: a column line that toner broke below the header is
        # still a column line (its header piece alone is too short for `tall`).
        xs_top = _crossing(binary, xs, x, bw, ys[0], ys[1])
        # A table upside down has its header at the bottom, and the NIK's digit boxes cross its
        # top row (seed 43's 150-dpi list, turned 180 on the cheap turn: 17 digit-box lines
        # taken for columns, the header unread, its 25 supporters lost). The bottom row is the
        # header then: it drops the digit boxes' lines, sixteen and more.
        xs_bottom = _crossing(binary, xs, x, bw, ys[-2], ys[-1]) if len(ys) >= 3 else xs_top
        xs = xs_bottom if len(xs_top) - len(xs_bottom) >= DIGIT_BOX_LINES else xs_top
    if len(ys) - 1 < min_rows or len(xs) - 1 < min_cols:
        return None
    lw = _line_width(horiz[y : y + bh, x : x + bw])
    return Grid(tuple(xs), tuple(ys), lw)


DIGIT_BOX_LINES = 8  # column lines more that only a row of NIK digit boxes (17 lines) explains


def _crossing(binary: Gray, xs: list[int], x: int, bw: int, top: int, bottom: int) -> list[int]:
    """The column lines of `xs` that cross the row between `top` and `bottom` (page pixels) over
    most of its height, on the table's box from `x`, `bw` wide."""
    crossing = vertical_lines(binary[top:bottom, x : x + bw], max(5, int((bottom - top) * 0.6)), bridge=2)
    header = crossing > 0
    return [c for c in xs if header[:, max(0, c - x - 2) : c - x + 3].any(axis=1).mean() >= 0.6]


def _covered(lines: Gray, *, rows: bool) -> NDArray[np.float64]:
    """For each pixel row (`rows`) or column of a mask of ruling, the columns (rows) that hold
    ruling within one pixel of it. A thin line left a little askew by the deskew steps over two
    or three pixel rows (a 150-dpi list's 1-px row lines, 0.1-0.3 deg off, held half the table's
    width on each, and 9 of its 25 rows were lost to their neighbours); counted so, it covers
    the table's width, while a short thick line (a NIK's digit boxes) covers no more than its
    length."""
    kernel = np.ones((3, 1) if rows else (1, 3), np.uint8)
    counts: NDArray[np.float64] = u8(cv2.dilate(lines, kernel)).sum(axis=1 if rows else 0, dtype=np.float64)
    return counts / 255.0


def _body_height(ys: list[int]) -> float:
    if len(ys) < 2:
        return 1e9
    return float(ys[-1] - ys[0])


def runs(on: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D mask, end exclusive, in order."""
    padded = np.concatenate(([False], np.asarray(on, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _boundaries(profile: NDArray[np.float64], threshold: float, offset: int) -> list[int]:
    """Centres of the runs of `profile` above `threshold` (neighbouring runs merged)."""
    out: list[int] = []
    for i, j in runs(profile >= threshold):
        centre = offset + (i + j - 1) // 2
        if out and centre - out[-1] < 8:
            out[-1] = (out[-1] + centre) // 2
        else:
            out.append(centre)
    return out


def _line_width(horiz: Gray) -> int:
    cols = horiz[:, :: max(1, horiz.shape[1] // 50)] > 0
    runs: list[int] = []
    for c in range(cols.shape[1]):
        col = cols[:, c]
        edges = np.flatnonzero(np.diff(np.concatenate(([0], col.astype(np.int8), [0]))))
        runs.extend(int(b - a) for a, b in zip(edges[::2], edges[1::2], strict=False))
    return max(1, int(np.median(runs))) if runs else 2


def remove_lines(binary: Gray, min_len: int) -> Gray:
    """The ink of `binary` without straight strokes of `min_len` pixels or longer (ruling, boxes)."""
    horiz, vert = line_masks(binary, max(5, min_len))
    lines = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    return u8(cv2.bitwise_and(binary, cv2.bitwise_not(lines)))
