"""Is a signature box signed? True, False, or None when it cannot be told.

An empty box must never read as signed, so the rules are asymmetric:
- the box's own ruling and printed lines are removed first (long straight strokes), and a
  margin along the box edges is ignored (ruling left over after a skewed scan);
- specks are dropped by size (scanner noise, JPEG, toner dust);
- *signed* needs strokes that are both large (spanning a good part of the box) and inked
  enough; *unsigned* needs almost no ink left, or only text-sized marks (the list form prints
  a slot number "5. ...." in each signature cell); everything between is None (review).
Thresholds are relative to the box height, so they hold from 150 to 400 dpi.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.table import line_masks, u8

Gray = NDArray[np.uint8]


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool | None
    ink: float  # share of the box's pixels that are ink, after clean-up
    span: float  # width of the inked strokes as a share of the box width
    confidence: float  # 0..1


def check_signature(
    gray: Gray, *, printed: Gray | None = None, text_height: float | None = None, straight: bool = False
) -> SignatureCheck:
    """Judge a grey crop of the inside of a signature box (ruling may be included at the edges).

    `printed` is an optional mask (255 = printed text such as a caption) to ignore.
    `text_height`: the height in px of the page's printed capitals; a mark no larger than a
    printed glyph (the list's slot number "14. ....", a stray character) is not a signature.
    `straight`: a rendered computer-made page, where the box's ruling cannot reach inside the
    crop (the ruling removal, most of the cost, is skipped).
    """
    h, w = gray.shape[:2]
    if h < 8 or w < 8:
        return SignatureCheck(None, 0.0, 0.0, 0.0)
    # Ink by a fixed threshold and a local one: faint pen strokes and dark toner both count,
    # but a grey photocopy background does not.
    level, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if gray.std() < 6 or level > 235:  # a flat box: Otsu would split noise
        return SignatureCheck(False, 0.0, 0.0, 0.95)
    binary = u8(otsu) & ((gray <= 200).astype(np.uint8) * 255)
    if not straight:
        # Ruling runs across the whole box; a signature's underline flourish does not.
        horiz, _ = line_masks(binary, max(5, int(w * 0.8)))
        _, vert = line_masks(binary, max(5, int(h * 0.8)))
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
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    min_area = max(6, int((h * 0.035) ** 2), int((glyph * 0.3) ** 2))  # specks and printed dots
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    if not keep:
        return SignatureCheck(False, 0.0, 0.0, 0.95)
    area = float(sum(int(stats[i, cv2.CC_STAT_AREA]) for i in keep))
    x0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in keep)
    x1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in keep)
    ink = area / float(h * w)
    span = (x1 - x0) / float(w)
    # Pen strokes of one signature lie close together: join them (dots and specks were
    # dropped above, so a printed "14. ...." stays a glyph-sized blob), then look for marks
    # clearly larger than any printed glyph.
    kept = np.isin(labels, keep).astype(np.uint8) * 255
    reach = max(2, int(glyph / 5))
    joined = cv2.dilate(kept, np.ones((reach, reach), np.uint8))
    n, joined_labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    big = [
        i
        for i in range(1, n)
        if max(int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT])) >= 2.0 * glyph + reach
    ]
    if big:
        big_area = float(np.count_nonzero((kept > 0) & np.isin(joined_labels, big)))
        bx0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in big)
        bx1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in big)
        by0 = min(int(stats[i, cv2.CC_STAT_TOP]) for i in big)
        by1 = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in big)
        if big_area / (h * w) >= 0.003 and ((bx1 - bx0) >= 0.12 * w or (by1 - by0) >= 0.3 * h):
            return SignatureCheck(True, ink, span, min(1.0, 0.6 + ink * 20 + span))
        return SignatureCheck(None, ink, span, 0.3)
    y0 = min(int(stats[i, cv2.CC_STAT_TOP]) for i in range(1, n))
    y1 = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in range(1, n))
    if ink < 0.0015 or (ink < 0.03 and y1 - y0 <= 1.6 * glyph + 2 * reach):
        # Only glyph-sized marks on one text line: the slot number and dots ("5. ....") that
        # the official list prints in each signature cell, or specks that survived. Small
        # marks spread over the box (a signature in short pen strokes) stay undecided.
        return SignatureCheck(False, ink, span, 0.8 if ink < 0.0015 else 0.7)
    return SignatureCheck(None, ink, span, 0.3)
