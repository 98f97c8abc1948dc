"""Turn a page upright: quarter turns (0/90/180/270) and skew up to about ±6°.

Measured on the tesseract-test and OCRmyPDF samples (A4 at 300 dpi, one core):
Tesseract OSD (`DetectOrientationScript`) costs 300-550 ms a page, about as much as reading
a whole list page cell by cell, and on noisy generated lists with stamps it was wrong
(180° for an upright page). So OSD is only the last resort:

1. *Axis and skew* from projection profiles of a ~1000 px copy with ruling lines removed:
   ink pixels are sheared by candidate angles and binned by row; text lines make the
   sharpest profile at the true angle. Doing it on the transposed points too tells
   horizontal text (0/180) from vertical text (90/270). ~20-40 ms. (reading.py tries a
   supporter list on this cheap turn first: its header row, read both ways up, settles
   up and down without any of the below.)
2. *Which way up*: a few text-line strips are read with Tesseract (single-line mode, ~10 ms
   each) for each candidate turn, and scored by the *known words* they yield (the forms'
   vocabulary, dates, long numbers). Upside-down text can read with high confidence as
   junk, so confidence is only a tie-breaker. A tied axis tries all four turns. No known
   word either way: OSD, then the profile's guess.

A shortcut before step 2 (`heading_turn`): on a page whose text is left-aligned (a letter's
labels and paragraphs), the aligned edges say which way is up, and one read line of a known
centred heading (the letter's title) confirms it; the read test is then not needed.

The skew is corrected with one affine warp of the full image (white border); a half turn of
an already deskewed copy is a transpose, not a second warp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image
from rapidfuzz import fuzz

from pipelines.engines.base import OcrText
from pipelines.table import components, morph, runs, u8

AXIS_RATIO = 1.15  # profile sharpness of one axis over the other that settles the axis
UNREAD = 0.2  # confidence of a turn no reading decided
CLEAR_AXIS = 1.5  # profile ratio above which an undecided reading does not put the axis in question
_FORM_WORDS_TEXT = """NAMA NIK TEMPAT TGL TANGGAL LAHIR JENIS KELAMIN ALAMAT TANDA TANGAN CAP JEMPOL NO RT RW
    KEL DESA KELURAHAN KECAMATAN KABUPATEN KOTA PROVINSI PEKERJAAN AGAMA SURAT PERNYATAAN
    DUKUNGAN PEMILIHAN GUBERNUR WAKIL BUPATI WALIKOTA WALI TAHUN DAN YANG INI DENGAN DI BAWAH
    SAYA ATAS CALON PASANGAN PERSEORANGAN DAERAH KHUSUS DAFTAR PENDUKUNG HALAMAN DARI MODEL
    JL JALAN DUSUN KP PERUM BLOK LAKI PEREMPUAN ISLAM KRISTEN KATOLIK HINDU BUDDHA WNI KAWIN
    BELUM SEUMUR HIDUP GOL DARAH BERLAKU HINGGA JAKARTA UNTUK KEPADA OLEH KOMISI PEMILIHAN UMUM
    KPU THE AND OF TO IN IS FOR THAT WITH ON ARE THIS IT AS BE"""
FORM_WORDS = frozenset(_FORM_WORDS_TEXT.split())
_NUMBERS = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4,}")
WORK_SIZE = 1000  # long side of the copy used for axis and skew
READ_SIZE = 1800  # long side of the copy read to tell up from down
MAX_SKEW = 6.0
_MIN_INK = 0.001


class _OrientationEngine(Protocol):
    def read_line(self, image: NDArray[np.uint8], *, charset: str | None = None, timeout: float = 10.0) -> OcrText: ...

    def detect_orientation(self, image: NDArray[np.uint8]) -> tuple[int, float] | None: ...


@dataclass(frozen=True)
class Upright:
    image: Image.Image  # the page turned upright and deskewed
    rotation: int  # clockwise degrees applied to the stored image (0, 90, 180, 270)
    skew: float  # degrees of skew that were removed
    confidence: float  # 0..1, how sure the quarter-turn decision is
    method: str  # "profile", "ocr", "osd", "heading" or "blank"
    angles: tuple[float, float, float] | None = None  # (horizontal, vertical, axis ratio) of the profiles
    heading: tuple[int, int, int, int] | None = None  # the heading line that settled the turn ("heading")
    # (horizontal, vertical) skew measured on the ruling of a page ruled both ways like a table
    # (see `ruled_turn`); measured without an engine only
    ruled: tuple[float, float] | None = None
    # `image`'s pixels as an array, when the warp made them (None: ask `image`). Converting a
    # PIL page to an array copies it through bytes: ~25 ms for an A4 page at 300 dpi in colour.
    pixels: NDArray[np.uint8] | None = field(default=None, repr=False, compare=False)

    def rgb(self) -> NDArray[np.uint8]:
        """The upright page in colour (a grey page's three channels alike), without a copy where
        the pixels are at hand."""
        if self.pixels is None:
            image = self.image if self.image.mode == "RGB" else self.image.convert("RGB")
            return np.asarray(image, dtype=np.uint8)
        if self.pixels.ndim == 2:
            return u8(cv2.cvtColor(self.pixels, cv2.COLOR_GRAY2RGB))
        return self.pixels

    def gray(self) -> NDArray[np.uint8]:
        """The upright page in grey, contiguous."""
        if self.pixels is None:
            return np.ascontiguousarray(to_gray(self.image))
        if self.pixels.ndim == 2:
            return np.ascontiguousarray(self.pixels)
        return u8(cv2.cvtColor(self.pixels, cv2.COLOR_RGB2GRAY))


def to_gray(image: Image.Image) -> NDArray[np.uint8]:
    return np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.uint8)


def make_upright(
    image: Image.Image, engine: _OrientationEngine | None = None, *, cheap: Upright | None = None
) -> Upright:
    """The page turned upright. Without an engine only the axis and skew are fixed (0 vs 180 unknown).

    `cheap`: this page's earlier result without an engine; its profiles are reused (and its
    image, when the engine confirms the turn) instead of being measured again."""
    image = _eight_bit(image)
    if cheap is not None and cheap.method == "blank":
        return cheap
    ruled: tuple[float, float] | None = None
    if cheap is not None and cheap.angles is not None:
        h_angle, v_angle, ratio = cheap.angles
        quarter = cheap.rotation
    else:
        gray = to_gray(image)
        ink = _ink_points(gray)
        if ink is None:
            return Upright(image, 0, 0.0, 1.0, "blank")
        ys, xs, (hy, hx), (vy, vx) = ink
        h_angle, h_score = _best_angle(xs, ys)
        v_angle, v_score = _best_angle(ys, xs)
        ratio = max(h_score, v_score) / max(min(h_score, v_score), 1e-9)
        quarter = 90 if v_score > h_score else 0
        cheap = None
        if min(len(hx), len(vy)) >= TABLE_RULING:
            ruled = (_ruled_angle(hx, hy, h_angle), _ruled_angle(vy, vx, v_angle))
    angles = (h_angle, v_angle, ratio)
    method, confidence = "profile", min(1.0, (ratio - 1.0) * 3)
    if engine is not None:
        # A clear axis leaves up or down to decide; a tie (tables, stamps) all four turns.
        candidates = (quarter, quarter + 180) if ratio >= AXIS_RATIO else (0, 90, 180, 270)
        done = {cheap.rotation: cheap.image} if cheap is not None else {}
        quarter, confidence, method = _read_test(image, candidates, (h_angle, v_angle), engine, done)
        if len(candidates) == 2 and method == "ocr" and confidence <= UNREAD and ratio < CLEAR_AXIS:
            # Neither way up of the profiles' barely sharper axis reads as our words, nor did
            # OSD decide: the axis itself may be wrong (a bilevel card sheet, three cards in its
            # upper half and their frames lost to the threshold, had the sharper profile on its
            # side: 1.15). The four turns' reading counts only when it decides: undecided, it
            # turned a one-card sheet with a clear axis (2.3) on its side.
            again = _read_test(image, (0, 90, 180, 270), (h_angle, v_angle), engine, done)
            if again[1] > UNREAD:
                quarter, confidence, method = again
    if cheap is not None and cheap.rotation == quarter:
        return Upright(cheap.image, quarter, cheap.skew, confidence, method, angles, pixels=cheap.pixels)
    if cheap is not None and (cheap.rotation + 180) % 360 == quarter:
        # A half turn about the centre commutes with the deskew about it: no second warp.
        return half_turn(replace(cheap, rotation=quarter, confidence=confidence, method=method, angles=angles))
    return replace(_turned_to(image, quarter, angles, confidence, method), ruled=ruled)


def _turned_to(
    image: Image.Image, quarter: int, angles: tuple[float, float, float], confidence: float, method: str
) -> Upright:
    """`image` turned by `quarter` and deskewed by the profile angle of the axis its lines then
    run along (`angles`: horizontal, vertical, axis ratio)."""
    h_angle, v_angle, _ = angles
    skew = -v_angle if quarter in (90, 270) else h_angle
    turned = _turn(image, quarter)
    if abs(skew) >= 0.15:
        pixels = rotate_array(np.asarray(turned, dtype=np.uint8), skew)
        return Upright(Image.fromarray(pixels), quarter, round(skew, 2), confidence, method, angles, pixels=pixels)
    return Upright(turned, quarter, round(skew, 2), confidence, method, angles)


# Degrees by which the ruling's angle must differ from the text's to try it. At 0.3 a 150-dpi
# list, its text measured 0.1 and its ruling 0.4 (0.45 its skew), lost its grid and its 20
# supporters (seed 3): 0.3 deg over its 1600-px table moves a row line 8 px. The angles are
# measured in steps of 0.1.
RULED_DIFFERS = 0.15


def ruled_turn(image: Image.Image, cheap: Upright) -> Upright | None:
    """`image` on the turn of `cheap` (a result of `make_upright` without an engine), deskewed
    by its ruling's angle instead of its text's; None when the page is not ruled like a table
    or the two agree. Text profiles peak broadly on a table of short cells: a 300-dpi list
    measured -0.6 deg by its text and -0.1 by its ruling (its skew), and 0.5 deg off over its
    3000-px width its grid was not found and its 15 supporters were lost. The text's angle
    stays the first: on letters and card sheets the lines of a card pasted or copied askew
    are ruling too (the ruling's angle was the worse on 2 of 3 letters it changed)."""
    if cheap.ruled is None or cheap.angles is None:
        return None
    h_angle, v_angle = cheap.ruled
    skew = -v_angle if cheap.rotation in (90, 270) else h_angle
    if abs(skew - cheap.skew) < RULED_DIFFERS:
        return None
    angles = (h_angle, v_angle, cheap.angles[2])
    return _turned_to(_eight_bit(image), cheap.rotation, angles, cheap.confidence, "profile")


def other_axis(image: Image.Image, cheap: Upright) -> Upright | None:
    """`image` turned a quarter more than the profile's turn `cheap` (a result of `make_upright`
    without an engine), deskewed by the other axis's angle; None when there are no profiles (a
    blank page). Up and down stay open, as on the cheap turn."""
    if cheap.angles is None:
        return None
    return _turned_to(_eight_bit(image), (cheap.rotation + 90) % 360, cheap.angles, 0.0, "profile")


def _eight_bit(image: Image.Image) -> Image.Image:
    """`image` in grey or RGB (bilevel, palette, 16-bit: warps need 8-bit channels)."""
    if image.mode in ("L", "RGB"):
        return image
    return image.convert("RGB" if image.mode in ("P", "RGBA", "CMYK") else "L")


def half_turn(up: Upright) -> Upright:
    """`up` turned 180° more (image, pixels and heading box alike; `rotation` as given)."""
    pixels = np.ascontiguousarray(up.pixels[::-1, ::-1]) if up.pixels is not None else None
    image = Image.fromarray(pixels) if pixels is not None else up.image.transpose(Image.Transpose.ROTATE_180)
    return replace(up, image=image, pixels=pixels)


def apply(image: Image.Image, rotation: int, skew: float) -> Image.Image:
    """Repeat a recorded correction (for the worker that stores the upright page)."""
    out = _turn(image, rotation)
    return rotate_small(out, skew) if abs(skew) >= 0.15 else out


def rotate_small(image: Image.Image, angle: float) -> Image.Image:
    """Rotate by `angle` degrees counter-clockwise around the centre, keeping the size, white fill."""
    return Image.fromarray(rotate_array(np.asarray(image, dtype=np.uint8), angle))


def rotate_array(arr: NDArray[np.uint8], angle: float) -> NDArray[np.uint8]:
    """`rotate_small` on an array (grey or colour)."""
    h, w = arr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    if arr.ndim == 3 and arr.shape[2] == 3:
        # OpenCV warps four channels faster than three: the same pixels, an A4 page at 300 dpi
        # in 85 instead of 98 ms with the two conversions.
        four = cv2.warpAffine(
            cv2.cvtColor(arr, cv2.COLOR_RGB2RGBA),
            m,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(255, 255, 255, 255),
        )
        return u8(cv2.cvtColor(four, cv2.COLOR_RGBA2RGB))
    fill = 255 if arr.ndim == 2 else (255,) * arr.shape[2]
    return u8(cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill))


def _turn(image: Image.Image, clockwise: int) -> Image.Image:
    if clockwise == 90:
        return image.transpose(Image.Transpose.ROTATE_270)
    if clockwise == 180:
        return image.transpose(Image.Transpose.ROTATE_180)
    if clockwise == 270:
        return image.transpose(Image.Transpose.ROTATE_90)
    return image


# ---- projection profiles -------------------------------------------------------------------------


_Points = tuple[NDArray[np.float64], NDArray[np.float64]]


def _ink_points(gray: NDArray[np.uint8]) -> tuple[NDArray[np.float64], NDArray[np.float64], _Points, _Points] | None:
    """(y, x of the text's ink, ruling removed; y, x of horizontal ruling; of vertical ruling)
    on a copy of WORK_SIZE."""
    h, w = gray.shape
    scale = WORK_SIZE / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    binary = u8(cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1])
    if binary.mean() / 255 < _MIN_INK or small.std() < 8:
        return None
    # Ruling lines would dominate both profiles; text is what tells the orientation.
    sh, sw = binary.shape
    horiz = morph(binary, cv2.MORPH_OPEN, (max(sw // 12, 5), 1))
    vert = morph(binary, cv2.MORPH_OPEN, (1, max(sh // 12, 5)))
    text = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.bitwise_or(horiz, vert)))
    ys, xs = np.nonzero(text)
    if len(xs) < 200:
        return None
    if len(xs) > 150_000:
        pick = np.random.default_rng(0).choice(len(xs), 150_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    # (a dark area, such as a photo's, is kept by both openings: it is no ruling)
    hy, hx = np.nonzero(cv2.bitwise_and(horiz, cv2.bitwise_not(vert)))
    vy, vx = np.nonzero(cv2.bitwise_and(vert, cv2.bitwise_not(horiz)))
    ruled = ((hy.astype(np.float64), hx.astype(np.float64)), (vy.astype(np.float64), vx.astype(np.float64)))
    return ys.astype(np.float64), xs.astype(np.float64), *ruled


# Ruling points (on the WORK_SIZE copy) along both axes that make a page ruled like a table:
# lists had 6000-40000 each way; letters under 200 vertical ones (one, a boxed form, 6752);
# card sheets none along one axis.
TABLE_RULING = 3000
RULED_SPAN = 1.0  # degrees either side of the text's angle searched on the ruling


def _ruled_angle(xs: NDArray[np.float64], ys: NDArray[np.float64], text_angle: float) -> float:
    """The skew measured on the ruling along an axis, near the text's angle."""
    fine = np.arange(text_angle - RULED_SPAN, text_angle + RULED_SPAN + 0.01, 0.1)
    fine = fine[np.abs(fine) <= MAX_SKEW + 0.01]
    scores = [_profile_score(xs, ys, a) for a in fine]
    return float(fine[int(np.argmax(scores))])


def _profile_score(xs: NDArray[np.float64], ys: NDArray[np.float64], angle: float) -> float:
    shifted = ys - xs * np.tan(np.radians(angle))
    shifted -= shifted.min()
    hist = np.bincount(shifted.astype(np.int64))
    # Scaled by the number of bins so that the two axes of a non-square page compare fairly
    # (1.0 would be ink spread evenly; text lines with gaps between them score well above).
    return float(np.square(hist, dtype=np.float64).sum()) * len(hist) / (len(xs) ** 2)


def _best_angle(xs: NDArray[np.float64], ys: NDArray[np.float64]) -> tuple[float, float]:
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5)
    # The coarse steps on every 4th ink point (a quarter of the cost: half-degree steps need no
    # more), the fine ones on all of them.
    cx, cy = (xs[::4], ys[::4]) if len(xs) >= 20_000 else (xs, ys)
    scores = [_profile_score(cx, cy, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.51, 0.1)
    fscores = [_profile_score(xs, ys, a) for a in fine]
    i = int(np.argmax(fscores))
    return float(fine[i]), float(fscores[i])


# ---- upright or upside down --------------------------------------------------------------------------


def _reading_copy(image: Image.Image) -> NDArray[np.uint8]:
    """A grey copy with a long side of at most ~1800 px: enough for Tesseract to tell up from down."""
    gray = to_gray(image)
    h, w = gray.shape
    f = min(1.0, READ_SIZE / max(h, w))
    if f >= 1.0:
        return gray
    return u8(cv2.resize(gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA))


def _read_test(
    image: Image.Image,
    candidates: tuple[int, ...],
    angles: tuple[float, float],
    engine: _OrientationEngine,
    done: dict[int, Image.Image] | None = None,
) -> tuple[int, float, str]:
    """(quarter turn, confidence, method): the turn whose text lines read as the words of our forms.

    Strips are cut once per axis; the opposite turn of the same axis reads the strips flipped.
    Upside-down or sideways text can read with high confidence as junk ("VLUYAVI"), so the
    score counts *known words* (form vocabulary, dates, numbers), with the engine's
    confidence only as a tie-breaker. No known word either way: Tesseract OSD decides.
    `done`: the page already turned (and deskewed) by one axis's turn, {turn: image}.
    """
    strips: dict[int, list[NDArray[np.uint8]]] = {}
    for axis in sorted({q % 180 for q in candidates}):
        if done and axis in done:
            copy = _reading_copy(done[axis])
        else:
            copy = _reading_copy(_turn(image, axis))
            skew = angles[0] if axis == 0 else -angles[1]
            if abs(skew) >= 0.15:
                copy = rotate_array(copy, skew)
        strips[axis] = _text_strips(copy, count=4)
    scores = dict.fromkeys(candidates, 0.0)
    for k in range(4):
        for q in candidates:
            axis_strips = strips[q % 180]
            if k < len(axis_strips):
                strip = axis_strips[k] if q < 180 else np.ascontiguousarray(axis_strips[k][::-1, ::-1])
                got = engine.read_line(strip, timeout=3.0)
                scores[q] += word_score(got.text) + 0.5 * _plausibility(got)
        lead = sorted(scores.values(), reverse=True)
        if lead[0] - lead[1] >= 2.0:  # clear enough: spare the other strips
            break
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, top = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if top - runner >= 1.0:
        return best, min(1.0, (top - runner) / 4), "ocr"
    osd = engine.detect_orientation(_reading_copy(image))
    if osd is not None and osd[1] >= 1.5:
        turn = (360 - osd[0]) % 360  # OSD gives the image's clockwise turn; we undo it
        if turn in candidates or len(candidates) == 4:
            return turn, min(1.0, osd[1] / 15), "osd"
    return best, UNREAD, "ocr"


def word_score(text: str) -> float:
    """How many tokens of `text` are words of our forms, dates or long numbers."""
    hits = 0.0
    for token in re.findall(r"[A-Za-z]{2,}|[0-9][0-9./-]{3,}", text):
        up = token.upper()
        if up in FORM_WORDS or _NUMBERS.fullmatch(token):
            hits += 1
    return hits


def _plausibility(read: OcrText) -> float:
    text = read.text
    if not text:
        return 0.0
    good = sum(ch.isalnum() or ch in " .,:/-" for ch in text) / len(text)
    return read.confidence * good


def _text_strips(gray: NDArray[np.uint8], count: int = 3) -> list[NDArray[np.uint8]]:
    """Up to `count` crops of single text lines (wide enough to read, ruling lines removed)."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = binary.shape
    binary = u8(binary)
    lines = morph(binary, cv2.MORPH_OPEN, (max(w // 20, 10), 1))
    lines |= morph(binary, cv2.MORPH_OPEN, (1, max(h // 20, 10)))
    text = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(lines, np.ones((3, 3), np.uint8))))
    rows = (text > 0).sum(axis=1)
    bands = runs(rows > max(3, w * 0.004))
    heights = [b - a for a, b in bands if b - a >= 8]
    if not heights:
        return []
    typical = float(np.median(heights))
    good = [(a, b) for a, b in bands if 0.6 * typical <= b - a <= 1.8 * typical]
    good.sort(key=lambda band: -int(rows[band[0] : band[1]].sum()))
    strips: list[NDArray[np.uint8]] = []
    for a, b in good[: count * 2]:
        pad = max(2, (b - a) // 3)
        band = text[max(0, a - pad) : min(h, b + pad)]
        cols = np.nonzero(band.sum(axis=0))[0]
        if len(cols) == 0:
            continue
        x0 = int(cols[0])
        x1 = min(int(cols[-1]) + 1, x0 + 14 * (b - a))
        crop = 255 - band[:, max(0, x0 - pad) : x1 + pad]
        if crop.shape[1] > 4 * crop.shape[0]:
            strips.append(np.ascontiguousarray(crop))
        if len(strips) >= count:
            break
    return strips


# ---- a known heading, read on the cheap turn ---------------------------------------------------------

HEADING_SIZE = 1000  # long side of the copy whose line pieces are measured
ALIGNED = 2  # px on that copy within which two edges count as aligned
HEADING_HEIGHT = 32  # px of a heading's crop handed to Tesseract (capitals ~20 px)


def heading_turn(
    cheap: Upright, engine: _OrientationEngine, heading: str, gray: NDArray[np.uint8] | None = None
) -> Upright | None:
    """The cheap turn (or it turned 180°) when a centred line of the page, the right way up,
    reads as `heading`; None when the layout leaves up or down open or no line reads so (then
    the read test decides). Left-aligned text (labels, paragraphs) lines up its left edges
    and leaves its right edges ragged, so the edges tell up from down; one read line of the
    centred heading confirms it, for a fraction of the read test's cost. `gray`: the cheap turn's
    image in grey, if the caller has it. The result's `heading` is the line's box."""
    if cheap.method == "blank":
        return None
    gray = to_gray(cheap.image) if gray is None else gray
    small = gray
    while max(small.shape) > HEADING_SIZE * 1.4:
        small = u8(cv2.pyrDown(small))
    f = gray.shape[1] / small.shape[1]
    pieces = _line_pieces(small)
    if len(pieces) < 8:
        return None
    left, right = _aligned_edges(pieces[:, 0]), _aligned_edges(pieces[:, 0] + pieces[:, 2])
    if left >= 2 * right + 6 and left >= 10:
        flipped = False
    elif right >= 2 * left + 6 and right >= 10:
        flipped = True
    else:
        return None
    h, w = small.shape
    if flipped:  # the pieces as they lie on the page turned 180°
        pieces = pieces.copy()
        pieces[:, 0] = w - pieces[:, 0] - pieces[:, 2]
        pieces[:, 1] = h - pieces[:, 1] - pieces[:, 3]
    for x, y, pw, ph in _centred(pieces)[:3]:
        pad = max(2, ph // 3)
        x0, y0, x1, y1 = x - pad, y - pad, x + pw + pad, y + ph + pad
        if flipped:  # back to the cheap turn's pixels; the crop is turned instead of the page
            x0, y0, x1, y1 = w - x1, h - y1, w - x0, h - y0
        box = (max(0, int(x0 * f)), max(0, int(y0 * f)), int(x1 * f), int(y1 * f))
        crop = gray[box[1] : box[3], box[0] : box[2]]
        if flipped:
            crop = crop[::-1, ::-1]
        scale = HEADING_HEIGHT / max(1, crop.shape[0])
        if scale < 1.0:
            size = (max(1, int(crop.shape[1] * scale)), HEADING_HEIGHT)
            crop = u8(cv2.resize(crop, size, interpolation=cv2.INTER_AREA))
        text = engine.read_line(np.ascontiguousarray(crop), timeout=3.0).text.upper()
        if len(text) < 2 * len(heading) and fuzz.partial_ratio(heading, text) >= 85:
            if not flipped:
                return replace(cheap, confidence=1.0, method="heading", heading=box)
            gh, gw = gray.shape
            turned = replace(cheap, rotation=(cheap.rotation + 180) % 360, confidence=1.0, method="heading")
            return half_turn(replace(turned, heading=(gw - box[2], gh - box[3], gw - box[0], gh - box[1])))
    return None


def _line_pieces(small: NDArray[np.uint8]) -> NDArray[np.int32]:
    """(x, y, w, h) of the words of each text line joined into pieces, ruling removed."""
    binary = u8(cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1])
    h, w = binary.shape
    rules = morph(binary, cv2.MORPH_OPEN, (max(w // 12, 5), 1)) | morph(binary, cv2.MORPH_OPEN, (1, max(h // 12, 5)))
    text = cv2.bitwise_and(binary, cv2.bitwise_not(rules))
    joined = cv2.dilate(text, np.ones((1, max(3, w // 60)), np.uint8))  # words of a line joined
    _, _, stats, _ = components(joined)
    stats = stats[1:, :4].astype(np.int32)
    tall = max(6, h // 35)  # taller: a photo, a stamp, a signature
    keep = (stats[:, 3] >= 4) & (stats[:, 3] <= tall) & (stats[:, 2] >= 2.5 * stats[:, 3])
    return np.asarray(stats[keep], dtype=np.int32)


def _aligned_edges(edges: NDArray[np.int32]) -> int:
    """How many pieces have an edge at the same place as at least two others."""
    near = np.abs(edges[:, None] - edges[None, :]) <= ALIGNED
    return int(((near.sum(axis=1) - 1) >= 2).sum())


def _centred(pieces: NDArray[np.int32]) -> list[tuple[int, int, int, int]]:
    """Pieces centred between the text's left and right margins and narrower than a paragraph's
    lines, in the upper part of the page, top first."""
    x0, x1 = pieces[:, 0], pieces[:, 0] + pieces[:, 2]
    shared = (np.abs(x0[:, None] - x0[None, :]) <= ALIGNED).sum(axis=1) >= 3
    margin_left = int(x0[shared].min()) if shared.any() else int(x0.min())  # where paragraphs start
    margin_right = int(x1.max())
    centre, width = (margin_left + margin_right) / 2, max(1, margin_right - margin_left)
    top = int(pieces[:, 1].max())
    out = [
        (int(x), int(y), int(w), int(h))
        for x, y, w, h in pieces
        if abs(x + w / 2 - centre) <= 0.06 * width and 0.2 * width <= w <= 0.85 * width and y < top * 0.6
    ]
    return sorted(out, key=lambda p: p[1])
