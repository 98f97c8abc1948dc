"""Is a signature box signed? True, False, or None when it cannot be told.

An empty box must never read as signed, so the rules are asymmetric:
- the box's own ruling and printed lines are removed first (long straight strokes), and a
  margin along the box edges is ignored (ruling left over after a skewed scan);
- specks are dropped by size (scanner noise, JPEG, toner dust);
- *signed* needs strokes that are both large (spanning a good part of the box) and inked
  enough; *unsigned* needs almost no ink left, or only text-sized marks (the list form prints
  a slot number "5. ...." in each signature cell); everything between is None (review);
- a mark in pieces (a thumbprint's ridges on a bilevel scan) is signed only as one patch,
  larger than a printed line both ways, of many short strokes (not round specks).
Thresholds are relative to the box height, so they hold from 150 to 400 dpi.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.table import components, horizontal_lines, labels_in, spread, u8, vertical_lines

Gray = NDArray[np.uint8]


LINE_OF_PRINT = 1.6  # glyph heights a line of printed marks spans at most (capitals, digits, dots)
BROKEN_INK = 0.008  # share of the box in small strokes that is a mark in pieces (dust and dots: < 0.004)


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool | None
    ink: float  # share of the box's pixels that are ink, after clean-up
    span: float  # width of the inked strokes as a share of the box width
    confidence: float  # 0..1
    # signed by marks no taller than a line of print: glyphs run together by toner (a slot
    # number "186." as one blob) look so too, so a list asks whether they read as its number
    one_line: bool = False


def check_signature(
    gray: Gray,
    *,
    printed: Gray | None = None,
    text_height: float | None = None,
    straight: bool = False,
    tall: bool = False,
) -> SignatureCheck:
    """Judge a grey crop of the inside of a signature box (ruling may be included at the edges).

    `printed` is an optional mask (255 = printed text such as a caption) to ignore.
    `text_height`: the height in px of the page's printed capitals; a mark no larger than a
    printed glyph (the list's slot number "14. ....", a stray character) is not a signature.
    `straight`: a rendered computer-made page, where the box's ruling cannot reach inside the
    crop (the ruling removal, most of the cost, is skipped).
    `tall`: printed text of unknown place is left in the box (a caption that was not read):
    only marks taller than two lines of print (`text_height`: the page's line height) count.
    """
    h, w = gray.shape[:2]
    if h < 8 or w < 8:
        return SignatureCheck(None, 0.0, 0.0, 0.0)
    # Ink by a fixed threshold and a local one: faint pen strokes and dark toner both count,
    # but a grey photocopy background does not.
    level, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if spread(gray) < 6 or level > 235:  # a flat box: Otsu would split noise
        return SignatureCheck(False, 0.0, 0.0, 0.95)
    binary = u8(otsu) & ((gray <= 200).astype(np.uint8) * 255)
    if not straight:
        # Ruling runs across the whole box; a signature's underline flourish does not.
        horiz = horizontal_lines(binary, max(5, int(w * 0.8)))
        vert = vertical_lines(binary, max(5, int(h * 0.8)))
        lines = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
        binary = u8(cv2.bitwise_and(binary, cv2.bitwise_not(lines)))
    if printed is not None:
        binary = u8(cv2.bitwise_and(binary, cv2.bitwise_not(printed)))
    edge = max(2, int(min(h, w) * 0.06))
    binary[:edge, :] = 0
    binary[-edge:, :] = 0
    binary[:, :edge] = 0
    binary[:, -edge:] = 0
    glyph = max(6.0, text_height if text_height else 0.2 * h)
    n, labels, stats, _ = components(binary)
    min_area = max(6, int((h * 0.035) ** 2), int((glyph * 0.3) ** 2))  # specks and printed dots
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    # Ink in pieces too small to keep but too many to be dust: the ridges of a thumbprint on a
    # bilevel scan break into dozens of short strokes. Not a signature to see, not an empty box.
    areas = stats[1:, cv2.CC_STAT_AREA]
    broken = float(areas[(areas >= 6) & (areas < min_area)].sum()) / float(h * w)
    if not keep:
        if broken >= BROKEN_INK:
            return _broken_mark(binary, labels, stats, glyph, broken, tall)
        return SignatureCheck(False, 0.0, 0.0, 0.95)
    area = float(sum(int(stats[i, cv2.CC_STAT_AREA]) for i in keep))
    x0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in keep)
    x1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in keep)
    ink = area / float(h * w)
    span = (x1 - x0) / float(w)
    # Pen strokes of one signature lie close together: join them (dots and specks were
    # dropped above, so a printed "14. ...." stays a glyph-sized blob), then look for marks
    # clearly larger than any printed glyph.
    kept = labels_in(labels, n, np.asarray(keep, dtype=np.intp)).astype(np.uint8) * 255
    reach = max(2, int(glyph / 5))
    joined = cv2.dilate(kept, np.ones((reach, reach), np.uint8))
    n_joined, joined_labels, joined_stats, _ = components(joined)
    least = 2.0 * glyph + reach
    big = [
        i
        for i in range(1, n_joined)
        if max(int(joined_stats[i, cv2.CC_STAT_WIDTH]), int(joined_stats[i, cv2.CC_STAT_HEIGHT])) >= least
        and (not tall or int(joined_stats[i, cv2.CC_STAT_HEIGHT]) >= least)
    ]
    if big:
        big_area = float(
            np.count_nonzero((kept > 0) & labels_in(joined_labels, n_joined, np.asarray(big, dtype=np.intp)))
        )
        bx0 = min(int(joined_stats[i, cv2.CC_STAT_LEFT]) for i in big)
        bx1 = max(int(joined_stats[i, cv2.CC_STAT_LEFT] + joined_stats[i, cv2.CC_STAT_WIDTH]) for i in big)
        by0 = min(int(joined_stats[i, cv2.CC_STAT_TOP]) for i in big)
        by1 = max(int(joined_stats[i, cv2.CC_STAT_TOP] + joined_stats[i, cv2.CC_STAT_HEIGHT]) for i in big)
        if big_area / (h * w) >= 0.003 and ((bx1 - bx0) >= 0.12 * w or (by1 - by0) >= 0.3 * h):
            one_line = by1 - by0 <= LINE_OF_PRINT * glyph + 2 * reach
            return SignatureCheck(True, ink, span, min(1.0, 0.6 + ink * 20 + span), one_line)
        if broken >= BROKEN_INK:
            return _broken_mark(binary, labels, stats, glyph, ink, tall)
        return SignatureCheck(None, ink, span, 0.3)
    y0 = min(int(joined_stats[i, cv2.CC_STAT_TOP]) for i in range(1, n_joined))
    y1 = max(int(joined_stats[i, cv2.CC_STAT_TOP] + joined_stats[i, cv2.CC_STAT_HEIGHT]) for i in range(1, n_joined))
    if broken >= BROKEN_INK:
        return _broken_mark(binary, labels, stats, glyph, ink, tall)
    if ink < 0.0015 or (ink < 0.03 and y1 - y0 <= LINE_OF_PRINT * glyph + 2 * reach):
        # Only glyph-sized marks on one text line: the slot number and dots ("5. ....") that
        # the official list prints in each signature cell, or specks that survived. Small
        # marks spread over the box (a signature in short pen strokes) stay undecided.
        return SignatureCheck(False, ink, span, 0.8 if ink < 0.0015 else 0.7)
    return SignatureCheck(None, ink, span, 0.3)


PIECES = 10  # pieces a mark in pieces holds at least (the slot number "214. ...." has 4 to 8)


def _broken_mark(binary: Gray, labels: object, stats: object, glyph: float, ink: float, tall: bool) -> SignatureCheck:
    """Signed, or unsure, for a box with much ink in small pieces (see BROKEN_INK).

    A thumbprint on a bilevel scan breaks into dozens of short ridge strokes lying close
    together. Joined, they make one patch larger than a printed line in both directions (a
    line of digits or capitals is one glyph high), made of many pieces, most of them strokes
    rather than round dots, and dense enough to be a pressed mark. Dust, toner and a
    screened grey background give round specks, sparse or over the whole box; the printed
    slot number gives a few pieces on one line: those stay unsure.
    """
    w = binary.shape[1]
    table = np.asarray(stats, dtype=np.int64)
    areas = table[:, cv2.CC_STAT_AREA]
    length = np.maximum(table[:, cv2.CC_STAT_WIDTH], table[:, cv2.CC_STAT_HEIGHT])
    pieces = np.flatnonzero(areas >= 6)
    pieces = pieces[pieces > 0]
    reach = 2 * max(2, int(glyph / 5))  # twice the pen strokes' join: gaps along and between ridges
    mask = labels_in(labels, len(table), pieces).astype(np.uint8) * 255
    joined = cv2.dilate(mask, np.ones((reach, reach), np.uint8))
    m, joined_labels, jstats, _ = components(joined)
    for j in range(1, m):
        jw = int(jstats[j, cv2.CC_STAT_WIDTH]) - reach + 1  # the pieces' extent, without the join
        jh = int(jstats[j, cv2.CC_STAT_HEIGHT]) - reach + 1
        # Taller than a printed line (digits and capitals: one glyph); over most of the box's
        # width it is the scan's texture, not a mark.
        if jw < 2.0 * glyph or jh < (2.0 if tall else 1.25) * glyph or jw > 0.8 * w:
            continue
        x, y = int(jstats[j, cv2.CC_STAT_LEFT]), int(jstats[j, cv2.CC_STAT_TOP])
        patch = np.s_[y : y + jh + reach, x : x + jw + reach]
        inside = np.unique(np.asarray(labels)[patch][(joined_labels[patch] == j) & (mask[patch] > 0)])
        total = int(areas[inside].sum())
        strokes = int(areas[inside][length[inside] ** 2 >= 3 * areas[inside]].sum())  # >= 3x as long as thick
        if len(inside) >= PIECES and total >= 0.1 * jw * jh and strokes >= 0.6 * total:
            return SignatureCheck(True, ink, jw / float(w), 0.7)
    return SignatureCheck(None, ink, 0.0, 0.3)


# ---- rubber stamps -----------------------------------------------------------------------------

Circle = tuple[float, float, float]  # centre x, centre y, radius, in pixels of the page given
STAMP_SIZE = 700  # long side of the copy searched for stamps
_ANGLES = np.linspace(0.0, 2.0 * np.pi, 120, endpoint=False)


def find_stamps(gray: Gray) -> list[Circle]:
    """Round rubber stamps on an upright page: an outer ring with a second ring inside it.

    Text under a stamp cannot be trusted (a ring passing through a name merged two words and
    kept the reading confident; a stamp over an empty signature box read as signed), so the
    readers send what a stamp covers to review. Candidates come from a Hough transform on a
    ~700 px copy and are kept only when ink runs around nearly all of both rings: text,
    ruling and card photos reach at most ~70 % on the outer ring.
    """
    h, w = gray.shape
    f = STAMP_SIZE / max(h, w)
    if f >= 1.0:
        f = 1.0
        small = gray
    else:
        small = u8(cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA))
    short = min(small.shape)
    if short < 50 or small.std() < 6:
        return []
    ink = u8(cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10))
    blurred = _without_ruling(u8(cv2.medianBlur(small, 3)), ink)
    out: list[Circle] = []
    for x, y, r in _circles(blurred, short, 0.07, 0.13):
        if _two_rings(_ring_cover(ink, x, y, r), _ring_cover(ink, x, y, r * 0.64)) and _stands_out(ink, x, y, r):
            out.append((float(x / f), float(y / f), float(r / f)))
    if not out:
        # The outer ring broken by what lies under it (a table's ruling, heavy text) leaves the
        # inner ring to find: whole, with an outer ring around it at 1/0.64 of its radius. Or a
        # small stamp's outer ring, whole, with its inner ring at 0.64 of it: crowded out of the
        # outer rings' twelve circles by a list's NIK boxes (seed 3's 200-dpi list, a pale grey
        # stamp over three rows' NIKs, unread).
        for x, y, r in _circles(blurred, short, 0.045, 0.083):
            inner = _ring_cover(ink, x, y, r)
            if _two_rings(_ring_cover(ink, x, y, r / 0.64), inner) and _stands_out(ink, x, y, r / 0.64):
                out.append((float(x / f), float(y / f), float(r / 0.64 / f)))
            elif _two_rings(inner, _ring_cover(ink, x, y, r * 0.64)) and _stands_out(ink, x, y, r):
                out.append((float(x / f), float(y / f), float(r / f)))
    kept: list[Circle] = []
    for cx, cy, r in out:
        if not any((cx - ox) ** 2 + (cy - oy) ** 2 < (r * 0.5) ** 2 for ox, oy, _ in kept):
            kept.append((cx, cy, r))
    return kept


RULING = 0.3  # share of the short side from which a straight stroke is ruling (a stamp's ring: < 0.26)


def _without_ruling(blurred: Gray, ink: Gray) -> Gray:
    """`blurred` with long straight strokes of `ink` painted the page's usual grey."""
    length = int(min(ink.shape) * RULING)
    ruling = cv2.bitwise_or(horizontal_lines(ink, length), vertical_lines(ink, length))
    if not cv2.countNonZero(ruling):
        return blurred
    ruling = u8(cv2.dilate(ruling, np.ones((3, 3), np.uint8)))
    counts = np.cumsum(cv2.calcHist([blurred], [0], None, [256], [0, 256]).ravel())
    paper = int(np.searchsorted(counts, counts[-1] / 2))  # the median grey: the paper
    out = blurred.copy()
    out[ruling > 0] = paper
    return out


def _circles(blurred: Gray, short: int, low: float, high: float) -> list[tuple[float, float, float]]:
    """Up to 12 circle candidates with radii between `low` and `high` of the short side."""
    found = cv2.HoughCircles(
        blurred,
        cv2.HOUGH_GRADIENT,
        dp=2,
        minDist=short * 0.05,
        param1=120,
        param2=40,
        minRadius=int(short * low),
        maxRadius=int(short * high),
    )
    if found is None:
        return []
    return [(float(x), float(y), float(r)) for x, y, r in np.asarray(found, dtype=np.float64)[0][:12]]


def _two_rings(outer: float, inner: float) -> bool:
    """Whether the ink around both rings (shares of directions) makes a stamp: both nearly
    whole, or the inner one whole and the outer one mostly (a grey stamp over a table's last
    rows, its outer ring faint where it crossed the ruling: 0.79 and 1.0; its empty signature
    boxes were read as signed), or the outer one whole and the inner mostly (1.0 and 0.75-0.76:
    two stamps on seed 3's and seed 5's lists, unfound). Text and ruling reach ~0.7 on one ring,
    not on two at once; dense print (digit boxes) more, which `_stands_out` tells apart."""
    return (outer >= 0.85 and inner >= 0.8) or (outer >= 0.75 and inner >= 0.95) or (outer >= 0.95 and inner >= 0.7)


RING_CONTRAST = 0.2  # share of directions by which a ring's own radius must out-ink the radii around


def _stands_out(ink: Gray, x: float, y: float, r: float) -> bool:
    """Whether ink runs along the circle itself more than along circles of other radii about
    it: a ring, not a patch of dense print. A list's column of NIK digit boxes passed the two
    rings' test (ink at every radius near each), and its rows were taken to lie under a stamp
    (seeds 13 and 2026): along one exact radius the boxes ink 0.25-0.49 of the
    directions at every radius from 0.5 to 1.3 r, where a stamp's ring inks 0.6-1.0 and the
    radii beside it 0.1-0.35."""
    radii = r * np.arange(0.5, 1.3001, 0.025)
    cover = _inked(ink, x, y, radii[:, None]).mean(axis=1)
    ring = cover[(radii >= 0.9 * r) & (radii <= 1.1 * r)].max()
    return bool(ring - np.median(cover) >= RING_CONTRAST)


def _ring_cover(ink: Gray, x: float, y: float, r: float) -> float:
    """The best share of directions around (x, y) with ink at a radius near `r`."""
    radii = np.arange(r * 0.9, r * 1.1 + 0.01, 1.0)[:, None, None] + np.array([-1.5, 0.0, 1.5])[None, :, None]
    return float(_inked(ink, x, y, radii).any(axis=1).mean(axis=1).max())


def _inked(ink: Gray, x: float, y: float, radii: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Whether `ink` is set at each of `radii` (any shape, its last axis of length 1) from (x,
    y) in each of the _ANGLES directions (the last axis); off the page is no ink."""
    h, w = ink.shape
    px = x + radii * np.cos(_ANGLES)
    py = y + radii * np.sin(_ANGLES)
    inside = (px >= 0) & (px < w) & (py >= 0) & (py < h)
    hit: NDArray[np.bool_] = inside & (
        ink[np.clip(py.astype(np.int64), 0, h - 1), np.clip(px.astype(np.int64), 0, w - 1)] > 0
    )
    return hit


STAMP_MARGIN = 1.15  # a stamp's disk blanked this much wider than its outer ring (radius found ± a few %)


def blank_stamps(crop: Gray, box: tuple[int, int, int, int], stamps: list[Circle] | tuple[Circle, ...]) -> Gray:
    """A copy of `crop` (the pixels of `box` on the page) with the stamps' disks, and a margin,
    painted white: what is left outside them can still be judged."""
    x0, y0 = max(0, box[0]), max(0, box[1])
    out = crop.copy()
    yy, xx = np.ogrid[y0 : y0 + crop.shape[0], x0 : x0 + crop.shape[1]]
    for cx, cy, r in stamps:
        out[(xx - cx) ** 2 + (yy - cy) ** 2 <= (STAMP_MARGIN * r) ** 2] = 255
    return out


def under_stamp(
    box: tuple[int, int, int, int], stamps: list[Circle] | tuple[Circle, ...], *, margin: float = 1.0
) -> bool:
    """Whether a box overlaps the disk of any stamp, widened by `margin`. A signature box is
    asked with the margin `blank_stamps` blanks (STAMP_MARGIN: the radius is found within a few
    %, and a ring's edge 8 px beyond it, in an empty box, was read as a signature on seed 13's
    200-dpi list); print, whose reading a ring's edge does not turn into another sure one, without."""
    x0, y0, x1, y1 = box
    for cx, cy, r in stamps:
        nx, ny = min(max(cx, x0), x1), min(max(cy, y0), y1)
        if (nx - cx) ** 2 + (ny - cy) ** 2 <= (margin * r) ** 2:
            return True
    return False


def all_taken_off(
    box: tuple[int, int, int, int], stamps: list[Circle] | tuple[Circle, ...], taken_off: tuple[Circle, ...]
) -> bool:
    """Whether every stamp over a signature box (with STAMP_MARGIN) is among those `unstamped`
    took off the print: a pen's strokes in the box then show on its page."""
    return all(s in taken_off for s in stamps if under_stamp(box, (s,), margin=STAMP_MARGIN))


INKED = 8.0  # colour (grey levels away from grey, along the ink's hue) below which a pixel keeps its grey
LIT = 0.6  # share of the paper's light under a pixel's ink from which it is paper, below which print


def unstamped(
    gray: Gray, rgb: NDArray[np.uint8], stamps: list[Circle] | tuple[Circle, ...]
) -> tuple[Gray, tuple[Circle, ...]]:
    """(`gray` with the coloured ink of `stamps` (blue, purple, red) taken off, for reading the
    print under them. A stamp's ink is a translucent dye over the print: it filters the light,
    so paper under some share of the ink lies on a line from white to the ink (its colour and
    its brightest channel both go with the share), and print under it stays as dark as toner
    under a filter. The paper's line is drawn through the outer ring's most coloured pixels; a
    coloured pixel that keeps at least LIT of the light the paper keeps under that much ink
    turns white, any other black (JPEG's halved chroma leaves ring edges less coloured than
    their darkness says: at a lower LIT they stay as ink, at a higher one print edges go).
    Outside the disks `gray` itself. A grey stamp, and any stamp on a grey page (`rgb` of
    two dimensions), cannot be told from print by colour: it is taken off by its grey where
    that is lighter than the print's (`_grey_stamp_off`). A blue pen's strokes in a disk are
    taken off with a blue stamp's ink.) And the stamps taken off: those of a colour, and the
    grey ones whose cut `_grey_stamp_off` made."""
    if not stamps:
        return gray, ()
    out = gray.copy()
    taken_off: list[Circle] = []
    for stamp in stamps:
        box = _disk_box(stamp, gray.shape)
        if box is None:
            continue
        found = _stamp_ink(rgb, stamp, box)
        if found is None:
            if _grey_stamp_off(out, stamp):
                taken_off.append(stamp)
            continue
        taken_off.append(stamp)
        x0, y0, x1, y1 = box
        patch, chroma, ink = found
        hue = ink - ink.mean()
        most = float(np.linalg.norm(hue))
        colour = chroma @ (hue / most)  # how far along the ink's hue, in grey levels
        bright = int(np.argmax(ink))
        level = patch[:, bright]
        inked = colour >= INKED
        # the paper around (a photocopy's toner greys it), and under that much ink
        blank = float(np.percentile(level[~inked], 90)) if (~inked).sum() >= 50 else 255.0
        paper = blank - (blank - ink[bright]) * np.minimum(colour, most) / most
        unmixed = np.where(level >= LIT * paper, 255, 0).astype(np.uint8).reshape(y1 - y0, x1 - x0)
        # (a pixel taken for the other side alone: the median restores it from its neighbours)
        clean = u8(cv2.medianBlur(unmixed, 3))
        region = out[y0:y1, x0:x1]
        out[y0:y1, x0:x1] = np.where(inked.reshape(y1 - y0, x1 - x0), clean, region)
    return out, tuple(taken_off)


INK_HUE = 30.0  # grey levels of colour below which a stamp's inkiest pixels are grey ink
RING_INKIEST = 90  # percentile of colour on the outer ring from which its pixels are the stamp's inkiest


def _disk_box(stamp: Circle, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """The box around a stamp's disk, widened to STAMP_MARGIN (the radius is found within a few
    %), on a page of `shape`, or None when it lies off the page."""
    cx, cy, r = stamp
    h, w = shape[:2]
    x0, y0 = max(0, int(cx - r * STAMP_MARGIN)), max(0, int(cy - r * STAMP_MARGIN))
    x1, y1 = min(w, int(cx + r * STAMP_MARGIN) + 1), min(h, int(cy + r * STAMP_MARGIN) + 1)
    return None if x1 - x0 < 8 or y1 - y0 < 8 else (x0, y0, x1, y1)


def _stamp_ink(
    rgb: NDArray[np.uint8], stamp: Circle, box: tuple[int, int, int, int]
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]] | None:
    """(the pixels of a stamp's `box` as rows of RGB, their colour (each less its grey), the
    colour of the inkiest pixels on its outer ring), or None when that ink has no colour to
    speak of (a grey stamp, a grey page). The ring, not the whole disk: a blue pen's signature
    in a red stamp's disk is inkier than the stamp, and the red ring was left on the page as
    print."""
    if rgb.ndim != 3:
        return None
    x0, y0, x1, y1 = box
    cx, cy, r = stamp
    patch = rgb[y0:y1, x0:x1].reshape(-1, 3).astype(np.float32)
    chroma = patch - patch.mean(axis=1, keepdims=True)
    strength = np.linalg.norm(chroma, axis=1)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    dist = np.hypot(xx - cx, yy - cy).reshape(-1)
    on_ring = (dist >= 0.93 * r) & (dist <= 1.05 * r)
    if on_ring.sum() < 50:
        return None
    inkiest = on_ring & (strength >= np.percentile(strength[on_ring], RING_INKIEST))
    ink = np.median(patch[inkiest], axis=0)  # the ring's inkiest pixels: paper and ink
    if float(np.linalg.norm(ink - ink.mean())) < INK_HUE:
        return None
    return patch, chroma, ink


GREY_STAMP_LOSS = 0.1  # share of the print around a grey stamp that its cut may take, else left alone
GREY_RING_TAKEN = 0.5  # share of its outer ring's ink the cut must take for a grey stamp to be taken off
# How far (px) from print darker than the cut a lighter pixel keeps its grey: one, else two where
# the print's grey edges reach further (seed 5's 150-dpi JPEG list: at one pixel the cut took 15 % of the print
# around the disk, at two 8 %, and still 62 % of the ring's ink). Over the eleven bench sets 3
# NIKs and 2 names more read right under stamps so taken off, none less.
EDGE_REACH = (1, 2)


def _grey_stamp_off(gray: Gray, stamp: Circle) -> bool:
    """Takes a grey stamp's ink off `gray` (in place) where it is lighter than the print: the
    dye filters the paper's light, the toner under it stays as dark as it was. Within the disk
    (widened to STAMP_MARGIN: a ring just beyond the radius found cut the first letters of
    seven names on seed 17's 300-dpi list) a pixel lighter than half-way from the print's grey
    (the darkest fifth of the dark pixels around the disk) to the stamp's (the median of the
    dark pixels on its outer ring) turns paper, unless it lies within a pixel of one darker (a
    print stroke's grey edge stays with it), or within two where print is blurred wider
    (`EDGE_REACH`). The cut is tried on the print around the disk first: where it would take
    more than GREY_STAMP_LOSS of that print at either reach (pale print at 150 dpi, an ink as
    dark as the toner, a bilevel page), the disk is left as it is (False); so it is where the cut
    would leave more than half of the ring's ink (GREY_RING_TAKEN): a bilevel stamp's speckle,
    greyed by the deskew, passed the print's test and lost 9 % of its ring, and the stamp
    counted as taken off (its signature boxes judged on that page, the ring still on it)."""
    cx, cy, r = stamp
    h, w = gray.shape
    x0, y0 = max(0, int(cx - r * 1.4)), max(0, int(cy - r * 1.4))
    x1, y1 = min(w, int(cx + r * 1.4) + 1), min(h, int(cy + r * 1.4) + 1)
    patch = gray[y0:y1, x0:x1]
    yy, xx = np.ogrid[y0:y1, x0:x1]
    dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    paper = float(np.percentile(patch, 90))
    dark = patch < paper - 40
    ring = dark & (dist >= 0.85 * r) & (dist <= 1.05 * r)
    marks = u8(dark.astype(np.uint8) * 255)
    length = max(10, int(r * 0.6))
    ruling = cv2.bitwise_or(horizontal_lines(marks, length, bridge=3), vertical_lines(marks, length, bridge=3)) > 0
    around = dark & (dist >= STAMP_MARGIN * r) & ~ruling  # the print beyond the cut (ruling is not print)
    if ring.sum() < 50 or around.sum() < 50:
        return False
    cut = (float(np.median(patch[ring])) + float(np.percentile(patch[around], 20))) / 2
    for reach in EDGE_REACH:
        edge = cv2.dilate((patch < cut).astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
        lighter = (patch >= cut) & ~edge
        if (lighter & around).sum() <= GREY_STAMP_LOSS * around.sum():
            break
    else:
        return False
    if (lighter & ring).sum() < GREY_RING_TAKEN * ring.sum():
        return False
    inside = lighter & (dist <= STAMP_MARGIN * r)
    patch[inside] = np.maximum(patch[inside], int(paper))
    return True
