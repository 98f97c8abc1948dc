"""Where the e-KTPs are on a page: a card photo, a photocopy sheet of 1-8 cards, a letter.

OpenCV only, on a copy scaled to 1000 px (a few tens of ms a page: it also runs on every
letter). Three cues give candidates, because none works everywhere:
- *blobs of ink*: the card's text, photo and signature, closed into one blob (photocopies
  wash the card's own edge out to the paper's white), built from ink *density* so that
  the dust of a speckled or bilevel scan does not weld the page into one blob;
- *photos*: a photo-sized dense patch not inside any card found so far places a card
  around it (a stamp or a neighbour touching the card merges its blob with theirs);
- *outlines*: regions lighter or darker than their surroundings (a card on a table, a
  grey card on white paper).
A candidate must be card-shaped (long/short side 1.35-2.0, turned any way), card-sized
for the page, and hold a *photo*: a dense patch in the outer quarter of its long side,
much denser than the text beside it. That last test is what tells a pasted card from a
paragraph or the signature box of a letter.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.domain import BBox
from pipelines.engines.base import Image
from pipelines.table import components

_WORK_SIDE = 1000  # px: the long side of the working copy
_ASPECT = (1.35, 2.05)  # the card is 1.585; its inked area ~1.7
_MIN_LONG = 0.22  # a card's long side, as a share of the page's short side (A4: 0.41)
_MIN_FILL = 0.45  # a candidate covers this share of its rectangle at least (text has gaps)
_DENSE = (20, 35)  # of 255: a window is inked when more than 8 % (14 %) of it is ink
_MIN_MARK = 3  # px at work scale: smaller ink marks are dust (a letter's stroke is larger)
_CARD_MM = (85.6, 54.0)
_PHOTO_MM = (63.0, 12.0, 18.0, 24.0)  # the photo's left, top, width, height on the card
_MARGIN = 0.035  # an ink blob stops ~2-3 mm inside the card's edge: grow it by this share


_LAST: dict[str, tuple[Callable[[], object], tuple[BBox, ...]]] = {}


@dataclass(frozen=True)
class _Candidate:
    rect: tuple[tuple[float, float], tuple[float, float], float]  # cv2.minAreaRect, work pixels
    score: float


def find_cards(image: Image) -> list[BBox]:
    """Card boxes in page pixels, in reading order (rows top to bottom, then left to right).

    The answer for the last image is remembered (page reading asks twice for the same
    array: to mask the cards, then to read them); a weak reference, so nothing is kept alive."""
    last = _LAST.get("find_cards")
    if last is not None and last[0]() is image:
        return list(last[1])
    boxes = _find_cards(image)
    if isinstance(image, np.ndarray):
        _LAST["find_cards"] = (weakref.ref(image), tuple(boxes))
    return boxes


def _find_cards(image: Image) -> list[BBox]:
    gray, scale = _work_copy(image)
    cards = _find(gray)
    h, w = np.asarray(image).shape[:2]
    boxes = []
    for c in cards:
        pts = cv2.boxPoints(_grown(c.rect))
        x0, y0 = pts.min(axis=0) / scale
        x1, y1 = pts.max(axis=0) / scale
        boxes.append((max(0, int(x0)), max(0, int(y0)), min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1)))))
    return _reading_order(boxes)


def looks_like_card_page(image: Image) -> bool:
    """True when cards hold most of the page's ink (a card photo or a photocopy sheet),
    False for a letter with a pasted card, a list, or a page without cards."""
    gray, _ = _work_copy(image)
    cards = _find(gray)
    if not cards:
        return False
    ink = _ink(gray)
    inside = np.zeros_like(ink)
    for c in cards:
        cv2.fillPoly(inside, [cv2.boxPoints(_grown(c.rect)).astype(np.int32)], 255)
    total = int(np.count_nonzero(ink))
    outside = int(np.count_nonzero(ink & ~inside))
    return total > 0 and outside < 0.2 * total


def crop_card(image: Image, box: BBox) -> NDArray[np.uint8]:
    """The box cut out of the page (a view is enough: the card reader copies what it keeps)."""
    x0, y0, x1, y1 = box
    return np.asarray(image)[y0:y1, x0:x1]


# ---------------------------------------------------------------------------------------


def _work_copy(image: Image) -> tuple[NDArray[np.uint8], float]:
    arr = np.asarray(image)
    if arr.ndim == 3:
        arr = np.asarray(cv2.cvtColor(arr[:, :, :3], cv2.COLOR_RGB2GRAY))
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    h, w = arr.shape[:2]
    scale = min(1.0, _WORK_SIDE / max(h, w))
    if scale < 1.0:
        arr = np.asarray(cv2.resize(arr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA))
    return np.ascontiguousarray(arr, dtype=np.uint8), scale


def _ink(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Dark marks against the local background (robust to toner and uneven light), without
    dust: a speckled or bilevel scan sprinkles the page with specks that closing would weld
    into one page-wide blob, so marks smaller than a letter's stroke are dropped."""
    block = max(15, (min(gray.shape) // 20) | 1)
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    n, labels, stats, _ = components(ink)
    if n <= 1:
        return np.asarray(ink, dtype=np.uint8)
    keep = stats[:, cv2.CC_STAT_AREA] >= _MIN_MARK
    keep[0] = False
    return np.asarray(keep[labels].astype(np.uint8) * 255, dtype=np.uint8)


def _find(gray: NDArray[np.uint8]) -> list[_Candidate]:
    h, w = gray.shape
    short = min(h, w)
    ink = _ink(gray)
    k = max(5, round(short * 0.025))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    # Ink density over a letter-sized window, not the ink itself: dust (speckle, a bilevel
    # scan's noise) stays sparse, a card's text and photo become one dense blob once closed.
    # Two density levels: sparse text (a bilevel copy) needs the low one, a stamp or toner
    # bridging two cards the high one. Opened as well: thin bridges between two
    # neighbouring cards (outlines touching after skew, noise) are cut again.
    density = cv2.blur(ink, (k, k))
    shrink = cv2.getStructuringElement(cv2.MORPH_RECT, (k // 3 | 1, k // 3 | 1))
    masks = []
    for level in _DENSE:
        blobs = cv2.morphologyEx(np.asarray((density > level) * 255, dtype=np.uint8), cv2.MORPH_CLOSE, kernel)
        blobs = cv2.erode(blobs, shrink)  # the window spread the blob beyond the ink
        masks += [blobs, cv2.morphologyEx(blobs, cv2.MORPH_OPEN, kernel)]
    _, otsu = cv2.threshold(cv2.GaussianBlur(gray, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 20, 60), np.ones((3, 3), np.uint8))
    masks += [otsu, 255 - otsu, edges]
    found: list[_Candidate] = []
    for mask in masks:
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for cnt in contours:
            area = cv2.contourArea(cnt)
            if area < (short * _MIN_LONG) ** 2 / 2.2:
                continue
            (cx, cy), (rw, rh), ang = cv2.minAreaRect(cnt)
            rect = ((float(cx), float(cy)), (float(rw), float(rh)), float(ang))
            long_side, short_side = max(rw, rh), min(rw, rh)
            if short_side <= 0 or not _ASPECT[0] <= long_side / short_side <= _ASPECT[1]:
                continue
            if long_side < short * _MIN_LONG or area < _MIN_FILL * rw * rh:
                continue
            _, _, bw, bh = cv2.boundingRect(cnt)
            if bh > bw:
                continue  # upright pages hold cards landscape; a portrait blob is part of one
            if bw >= 0.95 * w and bh >= 0.95 * h:
                continue  # the whole image: a card photo without margins is read whole anyway
            score = _photo_score(gray, ink, rect)
            if score > 0:
                found.append(_Candidate(rect, score))
    found += _from_photos(gray, ink, found)
    return _suppress(found, gray.shape)


def _from_photos(gray: NDArray[np.uint8], ink: NDArray[np.uint8], found: list[_Candidate]) -> list[_Candidate]:
    """Cards placed around their photo: the densest patch of a card, and the one part a
    stamp, toner or a neighbour touching it does not merge with its surroundings. The
    card's size comes from the cards already found, else from an A4 sheet's width."""
    h, w = gray.shape
    longs = sorted(max(c.rect[1]) / (1 + 2 * _MARGIN) for c in found)
    mm = (longs[len(longs) // 2] / _CARD_MM[0]) if longs else min(h, w) / 210
    pw, ph = _PHOTO_MM[2] * mm, _PHOTO_MM[3] * mm
    win = max(3, round(pw / 3))
    dense = np.asarray((cv2.blur(ink, (win, win)) > 150) * 255, dtype=np.uint8)
    contours, _ = cv2.findContours(dense, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    covered = [cv2.boxPoints(c.rect).astype(np.float32) for c in found]
    out: list[_Candidate] = []
    for cnt in contours:
        x, y, bw, bh = cv2.boundingRect(cnt)
        if not (0.6 * pw <= bw <= 1.4 * pw and 0.6 * ph <= bh <= 1.4 * ph):
            continue
        centre = (x + bw / 2, y + bh / 2)
        if any(cv2.pointPolygonTest(pts, centre, False) >= 0 for pts in covered):
            continue  # a card already found holds this photo: its own outline is better
        u = (bw / _PHOTO_MM[2] + bh / _PHOTO_MM[3]) / 2
        x0, y0 = x - _PHOTO_MM[0] * u, y - _PHOTO_MM[1] * u
        cw, ch = _CARD_MM[0] * u, _CARD_MM[1] * u
        if x0 < -0.1 * cw or y0 < -0.1 * ch or x0 + cw > w + 0.1 * cw or y0 + ch > h + 0.1 * ch:
            continue
        rect = ((x0 + cw / 2, y0 + ch / 2), (cw, ch), 0.0)
        score = _photo_score(gray, ink, rect)
        if score > 0:
            out.append(_Candidate(rect, score))
    return out


def _upright(img: NDArray[np.uint8], rect: tuple[tuple[float, float], tuple[float, float], float],
             size: tuple[int, int]) -> NDArray[np.uint8]:  # fmt: skip
    """The rect's content warped to `size` (w, h), long side horizontal."""
    pts = cv2.boxPoints(rect).astype(np.float32)
    # order: the long side horizontal
    (rw, rh) = rect[1]
    if rw < rh:
        pts = np.roll(pts, 1, axis=0)
    w, h = size
    dst = np.array([[0, h - 1], [0, 0], [w - 1, 0], [w - 1, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(pts, dst)
    return np.asarray(cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_NEAREST), dtype=np.uint8)


def _photo_score(
    gray: NDArray[np.uint8], ink: NDArray[np.uint8], rect: tuple[tuple[float, float], tuple[float, float], float]
) -> float:
    """> 0 when one end of the rect holds a photo-like dense patch beside sparser text."""
    card = _upright(ink, _grown(rect), (170, 107)) > 0
    tone = _upright(gray, _grown(rect), (170, 107)).astype(np.float32)
    best = 0.0
    for flip in (False, True):
        c = card[::-1, ::-1] if flip else card
        t = tone[::-1, ::-1] if flip else tone
        photo = c[22:72, 126:160]  # 63-81 mm x 12-36 mm on the 85.6 x 54 mm card (inset)
        text = c[30:70, 8:100]
        # A photo is a solid patch well below the card's paper in tone: most of it is dark.
        # Dense small text (the values column beside the photo, a paragraph) is strokes on
        # paper: less than half of it is, however dense it looks to the ink mask.
        paper = float(np.median(t[30:70, 8:100]))
        dark = paper - 0.25 * max(paper - float(np.percentile(t, 1)), 40.0)
        photo_dark = float(np.mean(t[22:72, 126:160] < dark))
        photo_dark = photo_dark if photo_dark >= 0.5 else 0.0
        density = max(float(photo.mean()), photo_dark)
        text_density = float(text.mean())
        if density >= 0.35 and text_density >= 0.04 and density >= 1.8 * text_density:
            best = max(best, density - text_density)
    return best


def _grown(
    rect: tuple[tuple[float, float], tuple[float, float], float],
) -> tuple[tuple[float, float], tuple[float, float], float]:
    (cx, cy), (rw, rh), ang = rect
    g = 1 + 2 * _MARGIN
    return (cx, cy), (rw * g, rh * g), ang


def _suppress(found: list[_Candidate], shape: tuple[int, ...]) -> list[_Candidate]:
    """One candidate per card: among overlapping ones keep the best; drop a candidate that
    contains two or more others (a whole sheet, a paragraph around a card)."""
    h, w = shape[:2]

    def box(c: _Candidate) -> tuple[float, float, float, float]:
        pts = cv2.boxPoints(c.rect)
        return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())

    def area(b: tuple[float, float, float, float]) -> float:
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    def inter(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
        return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))

    boxes = [box(c) for c in found]
    keep_idx = [
        i for i, b in enumerate(boxes)
        if sum(1 for j, o in enumerate(boxes) if j != i and inter(b, o) > 0.8 * area(o) and area(o) < 0.7 * area(b)) < 2
    ]  # fmt: skip
    kept: list[int] = []
    for i in sorted(keep_idx, key=lambda i: -found[i].score * area(boxes[i]) ** 0.25):
        if all(inter(boxes[i], boxes[j]) < 0.3 * min(area(boxes[i]), area(boxes[j])) for j in kept):
            kept.append(i)
    del h, w
    return [found[i] for i in kept]


def _reading_order(boxes: list[BBox]) -> list[BBox]:
    """Rows of cards (vertical overlap of more than half a card) top to bottom, each left to right."""
    rows: list[list[BBox]] = []
    for b in sorted(boxes, key=lambda b: b[1]):
        for row in rows:
            r = row[0]
            overlap = min(r[3], b[3]) - max(r[1], b[1])
            if overlap > 0.5 * min(r[3] - r[1], b[3] - b[1]):
                row.append(b)
                break
        else:
            rows.append([b])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]
