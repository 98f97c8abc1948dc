"""The NIK of an e-KTP: read by two engines, and judged against the card's printed date.

1. The NIK value is read twice, by different engines: RapidOCR restricted to digits (decoded
   from the same recognition pass that found the NIK row; read again with its darkest ink
   alone when a stamp cost it a digit), and Tesseract restricted to digits
   (`nik_witness_views`: plain, binarised, without the colon, without a stamp's grey,
   another scale). The NIK counts only when both give the same 16 digits; a NIK read from
   the darkest ink alone does not count when Tesseract read another whole NIK first.
   Measured on real cards, RapidOCR is the stronger reader; Tesseract is the independent
   witness. When Tesseract cannot read the font, a second RapidOCR view is a weaker
   witness, taken only when RapidOCR is sure of every digit the printed date does not check
   (`_sure_but_date`).
2. Cross-check: digits 7-12 of the NIK encode the birth date (+40 for women); they must
   match the printed Tempat/Tgl Lahir and Jenis Kelamin (`pipelines.nik.matches_printed`).
   A NIK whose printed date cannot be read at all is not sure either: both engines can
   make the same slip (a dotted 0 read as 9), and only the date would have shown it.

When the NIK is not sure, `judge` says so (unreadable, no NIK: a guessed NIK is never
returned). One exception, decided on purpose: when both engines agree and the NIK's date
digits are *no date at all* and differ from the printed date in three or more digits (the
fictional specimen card "3171234567890123" with day 45, month 67), no plausible misreading
explains the difference; the card itself is inconsistent. The NIK is then returned as
printed, at confidence 0.5: the rules layer rejects it as NIK_INVALID, so it reaches a
human anyway, with the right reason.

The line-image helpers the card reader shares (`crop_line`, `witness`, ...) live here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.engines.base import EngineError, Image, OcrEngine
from pipelines.nik import district_known, matches_printed, parse_nik
from pipelines.normalize import extract_nik, nfkc
from pipelines.table import components

NIK_CHARSET = "0123456789: "
RAPID_ALONE_MIN_CONF = 0.9
_INK_SHARE = 0.35  # of the way from the digits' black to the paper: the ink kept without a stamp
_STAMP_SHARES = (0.2, _INK_SHARE)  # RapidOCR's re-reading of a stamped NIK line: darkest ink first


class CardEngines(Protocol):
    """What card reading needs from the engine container (`pipelines.engines.registry.Engines`)."""

    @property
    def rapid(self) -> OcrEngine | None: ...

    @property
    def tesseract(self) -> OcrEngine: ...


class LineDetail(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def confidence(self) -> float: ...


class NikLine(Protocol):
    """The NIK row as the layout step found it (`pipelines.idcard._Box`)."""

    @property
    def box(self) -> tuple[int, int, int, int]: ...

    @property
    def text(self) -> str: ...

    @property
    def confidence(self) -> float: ...

    @property
    def digits(self) -> tuple[str, tuple[float, ...]] | None: ...  # the same pass as digits, each one's probability


@dataclass(frozen=True)
class NikDigits:
    nik: str | None
    confidence: float  # RapidOCR's weakest digit
    witness: str  # "tesseract" (a second engine agreed), "rapid" (only a second view agreed), ""
    # The witness was sought as for a sure reading because RapidOCR's only weak digits are
    # the NIK's date digits (7-12): the verdict then needs the printed date to confirm them.
    date_vouches: bool = False


@dataclass(frozen=True)
class NikVerdict:
    nik: str | None
    confidence: float
    unreadable: bool


def read_nik_digits(card: NDArray[np.uint8], box: NikLine, engines: CardEngines) -> NikDigits:
    """The NIK line read by RapidOCR (digits only), and who confirms it."""
    rapid = engines.rapid
    crop = crop_line(card, box.box)
    probs: tuple[float, ...] = ()
    if box.digits is not None:  # already decoded as digits when the layout was found
        nik, fixes = extract_nik(box.digits[0])
        probs = box.digits[1]
        conf = min(probs, default=0.0)
    elif rapid is not None:
        first = rapid.read_line(crop, charset=NIK_CHARSET)
        nik, fixes = extract_nik(first.text)
        conf = first.confidence
    else:
        nik, fixes = extract_nik(box.text)
        conf = box.confidence
    restored = False
    if (nik is None or fixes) and isinstance(rapid, _TwiceReader):
        nik, fixes, conf, probs = _read_under_stamp(crop, rapid)
        restored = True
    if nik is None or fixes:
        return NikDigits(None, 0.0, "")
    sure = conf >= RAPID_ALONE_MIN_CONF
    date_vouches = not sure and _sure_but_date(probs)
    contradicted = False
    for variant in nik_witness_views(crop, sure=sure or date_vouches):
        read, slips = extract_nik(witness(engines.tesseract, variant, NIK_CHARSET))
        if read == nik:
            return NikDigits(nik, conf, "" if contradicted else "tesseract", date_vouches)
        # A NIK read from the darkest ink alone is no witness's when Tesseract read another
        # whole NIK from the line as printed: both engines then agree on what the cut took
        # away (seed 11's sheet 110, a stamp over the serial: "1652" read "1557" by both).
        contradicted |= restored and read is not None and not slips
    if rapid is not None and (sure or date_vouches):
        # Tesseract cannot read some NIK fonts at all (the OCR-A-like one of generated cards:
        # 4 → 1/7). A second RapidOCR view (another scale and margin) is a weaker witness;
        # it only counts together with the printed-date cross-check (see `judge`).
        scaled = cv2.resize(crop_line(card, box.box, border=0.5), None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA)
        second = extract_nik(rapid.read_line(np.ascontiguousarray(scaled), charset=NIK_CHARSET).text)
        if second == (nik, 0):
            return NikDigits(nik, conf, "rapid", date_vouches)
    return NikDigits(nik, conf, "", date_vouches)


@runtime_checkable
class _TwiceReader(Protocol):
    def read_lines_twice(
        self, images: Sequence[Image], *, charset: str, timeout: float = 10.0
    ) -> list[tuple[LineDetail, LineDetail]]: ...


def _read_under_stamp(crop: NDArray[np.uint8], rapid: _TwiceReader) -> tuple[str | None, int, float, tuple[float, ...]]:
    """The NIK line read again with only its darkest ink (a stamp's strokes across the
    digits cost RapidOCR a digit or two): first the digits' own black, then a little more.
    The reading still needs its witness and the printed date like any other."""
    gray = u8(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))
    for share in _STAMP_SHARES:
        view = cv2.cvtColor(without_faint_ink(gray, share=share), cv2.COLOR_GRAY2RGB)
        digits = rapid.read_lines_twice([u8(view)], charset=NIK_CHARSET)[0][1]
        nik, fixes = extract_nik(nfkc(digits.text))
        if nik is not None and not fixes:
            probs = digit_confidences(digits)
            return nik, fixes, min(probs), probs
    return None, 0, 0.0, ()


def _sure_but_date(probs: tuple[float, ...]) -> bool:
    """RapidOCR sure of every digit but some of the date digits (7-12), which the printed
    date checks on its own (a blurred bold "0" of the date at 0.85, say)."""
    if len(probs) != 16:
        return False
    return min(probs[:6] + probs[12:]) >= RAPID_ALONE_MIN_CONF


def judge(digits: NikDigits, birth: dt.date | None, sex: str | None) -> NikVerdict:
    """Sure, returned with a reduced confidence, or unreadable (None): the rules in the module doc."""
    nik = digits.nik
    if nik is None:
        return NikVerdict(None, 0.1, True)
    check = cross_check(nik, birth, sex)
    if check == "mismatch" or (digits.date_vouches and check != "ok"):
        return NikVerdict(None, 0.1, True)
    if check == "ok" and not district_known(nik):
        # A district the reference table does not hold is never sure, as on a list (`district_known`):
        # both engines read a pasted card's "340403..." as "340463...", sure, and the printed date
        # checks no digit of the district (seed 71's 150-dpi bilevel letter 20; Sleman has 01-17)
        return NikVerdict(None, 0.2, True)
    if check == "unchecked":
        # Two engines agreeing is not enough alone: on the monospaced NIK fonts both read a
        # dotted 0 as 9 now and then, and only the printed date exposes that.
        return NikVerdict(None, 0.2, True)
    if digits.witness == "tesseract":
        if check == "ok":
            return NikVerdict(nik, 0.95 + 0.05 * digits.confidence, False)
        return NikVerdict(nik, 0.5, False)  # "inconsistent_card": the module doc's exception
    if digits.witness == "rapid" and check == "ok":
        return NikVerdict(nik, 0.8, False)
    return NikVerdict(None, 0.2, True)


def cross_check(nik: str, birth: dt.date | None, sex: str | None) -> str:
    """ "ok", "unchecked" (no printed date), "mismatch" (a misreading would explain it), or
    "inconsistent_card" (the NIK's date digits are no date and far from the printed one)."""
    if birth is None:
        return "unchecked"
    if not matches_printed(nik, birth, sex):
        return "ok"
    info = parse_nik(nik)
    if info.birth_date_candidates():
        return "mismatch"
    day = birth.day + (40 if (sex or info.sex) == "P" else 0)
    expected = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
    distance = sum(a != b for a, b in zip(nik[6:12], expected, strict=True))
    return "inconsistent_card" if distance >= 3 else "mismatch"


def nik_witness_views(crop: NDArray[np.uint8], *, sure: bool) -> Iterator[NDArray[np.uint8]]:
    """The NIK line as Tesseract is shown it, one view at a time (the caller stops at the
    first that agrees): grey and binarised at 64 px, as they are and without the colon
    before the digits (which Tesseract reads as a "1", making 17 digits), then its darkest
    ink alone (a stamp over the line). Tesseract's 0/9/6 and 8/3 slips on the monospaced
    NIK fonts depend on the scale, so when RapidOCR is `sure` of every digit, the same at
    96 px too; a wrong reading would still have to match RapidOCR's 16 digits."""
    for height in (64, 96) if sure else (64,):
        gray = gray_line(crop, height)
        bare = without_leading_marks(gray)
        for view in (gray, bare) if height == 64 else (bare,):
            yield view
            _, binary = cv2.threshold(view, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            yield u8(binary)
        yield without_faint_ink(bare)


def without_faint_ink(gray: NDArray[np.uint8], *, share: float = _INK_SHARE) -> NDArray[np.uint8]:
    """The line's darkest ink alone, the rest turned white: a stamp's ink is a grey well
    above the printed digits' black (a stamp over the NIK row, its letters between the
    digits, made Tesseract read 17 digits and RapidOCR doubt a few)."""
    ink, paper = np.percentile(gray, 3), np.median(gray)
    level = ink + share * (paper - ink)
    return u8(np.where(gray <= level, gray, 255))


def without_leading_marks(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The line with the small marks before its first full-height glyph painted out (the
    colon of "NIK : 3171...", a speck): digits are all full height."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = components(ink)
    if n <= 2:
        return gray
    comps = stats[1:]
    tall = comps[:, cv2.CC_STAT_HEIGHT].max()
    glyphs = comps[comps[:, cv2.CC_STAT_HEIGHT] >= 0.6 * tall]
    first = int(glyphs[:, cv2.CC_STAT_LEFT].min())
    out = gray.copy()
    paper = int(np.median(gray))
    for x, y, w, h, _ in comps:
        if x + w <= first and h < 0.6 * tall:
            out[y : y + h, x : x + w] = paper
    return out


def digit_confidences(detail: LineDetail) -> tuple[float, ...]:
    """Each *digit*'s probability, in order: the colon before the NIK (often read as "∶" or
    a space) is the weakest character of most lines and says nothing about the digits.
    Engines without per-character detail: the line's confidence, once."""
    chars = getattr(detail, "chars", None)  # RapidOCR's LineDetail
    probs = tuple(float(c.confidence) for c in chars or () if str(c.char).isdigit())
    return probs or (detail.confidence,)


def tesseract_variants(crop: NDArray[np.uint8]) -> list[NDArray[np.uint8]]:
    """A line crop (with its border) as Tesseract likes it: grey, 64 px tall; then binarised."""
    gray = gray_line(crop, 64)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return [u8(gray), u8(binary)]


def gray_line(crop: NDArray[np.uint8], height: int) -> NDArray[np.uint8]:
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    scale = height / max(1, gray.shape[0])
    return u8(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))


def witness(engine: OcrEngine, image: Image, charset: str | None) -> str:
    """The second engine's reading, or "" when it fails: a missing witness only makes the
    field less sure (RuntimeError too: tesserocr raises it from its iterators)."""
    try:
        return engine.read_line(image, charset=charset).text
    except (EngineError, RuntimeError):
        return ""


def crop_line(card: NDArray[np.uint8], box: tuple[int, int, int, int], *, border: float = 0.25) -> NDArray[np.uint8]:
    """The box, cut tight, framed by a plain border of `border` × its height in the crop's
    median colour. Measured on 20 cards: RapidOCR keeps word spaces (19/20 names right,
    13/20 with a tight crop) and no neighbouring line creeps in (a padded crop of the
    page lost dates: 15/20)."""
    x0, y0, x1, y1 = box
    h, w = card.shape[:2]
    cut = card[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]
    if cut.size == 0:
        return np.zeros((8, 8, 3), np.uint8)
    m = max(2, round((y1 - y0) * border))
    bg = [int(v) for v in np.median(cut.reshape(-1, cut.shape[-1]), axis=0)]
    out = cv2.copyMakeBorder(cut, m, m, m, m, cv2.BORDER_CONSTANT, value=bg)
    return np.ascontiguousarray(out, dtype=np.uint8)


def u8(arr: object) -> NDArray[np.uint8]:
    """OpenCV's results typed as what they are here: contiguous uint8 images."""
    return np.ascontiguousarray(arr, dtype=np.uint8)
