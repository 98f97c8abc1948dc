"""Reading e-KTP cards: NIK, name, birth place and date, sex (DOMAIN.md §2).

How a card is read, and why:
1. The card is turned landscape and scaled to a fixed width, so every threshold below is
   in known pixels. Too small, blurred or dark cards are flagged LOW_QUALITY (still read).
2. RapidOCR *detects* the text lines of the left field block only (no recognition yet),
   and only the lines that matter are recognised, in batches: the NIK row is the first row with a
   long run of digits; Nama, Tempat/Tgl Lahir and Jenis Kelamin are found by their labels,
   or else by their order under the NIK. When no NIK row is found the card is tried
   upside down (and for portrait crops, turned the other way).
3. The NIK is read by two engines and judged against the printed date and sex
   (`pipelines.cardnik`: the rules, and the one exception for inconsistent cards).

When the NIK is not sure, the card carries NIK_UNREADABLE, its `nik` is None (a guessed
NIK is never returned) and its confidence is low.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from pipelines.cardnik import (
    NIK_CHARSET,
    CardEngines,
    LineDetail,
    NikDigits,
    crop_line,
    digit_confidences,
    judge,
    read_nik_digits,
    tesseract_variants,
    u8,
    without_faint_ink,
    witness,
)
from pipelines.cells import prepare_line
from pipelines.domain import BBox, IdCardRead, Reason
from pipelines.engines.base import EngineError, Image, OcrEngine
from pipelines.normalize import extract_nik, fold_name, nfkc, parse_birth_detail, parse_sex

CARD_WIDTH = 1000  # px: cards are read at this width (85.6 mm → ~297 dpi)
CARD_HEIGHT = round(CARD_WIDTH * 54 / 85.6)
MIN_CARD_WIDTH = 300  # px as found on the page: below this a NIK digit is ~8 px tall
_DET_MAX_SIDE = 560  # detection on a small copy: 0.14 s instead of 0.85 s a card
_DET_RIGHT, _DET_BOTTOM = 0.74, 0.72  # the field block and its rows down to RT/RW, with slack
_FIELD_BLOCK_RIGHT = 0.66  # the photo starts at ~63 mm of 85.6 mm
_FIELD_BLOCK_BOTTOM = 0.62  # Jenis Kelamin ends at ~26 mm of 54 mm; leave room for skew
_MAX_SKEW = 6.0  # degrees: a page's leftover skew plus a card pasted askew
_LABELS = {"name": "NAMA", "birth": "TEMPATTGLLAHIR", "sex": "JENISKELAMIN"}


@runtime_checkable
class _LineFinder(Protocol):
    """RapidEngine's extras: detection alone, and batched recognition of pre-cropped lines."""

    def detect(
        self, image: Image, *, max_side: int | None = None, timeout: float = 30.0
    ) -> list[tuple[int, int, int, int]]: ...

    def read_lines_detail(
        self, images: Sequence[Image], *, charset: str | None = None, timeout: float = 10.0
    ) -> list[LineDetail]: ...

    def read_lines_twice(
        self, images: Sequence[Image], *, charset: str, timeout: float = 10.0
    ) -> list[tuple[LineDetail, LineDetail]]: ...


@dataclass(frozen=True)
class _Box:
    box: tuple[int, int, int, int]
    text: str
    confidence: float
    digits: tuple[str, tuple[float, ...]] | None = None  # the same pass as NIK digits, each one's probability


@dataclass(frozen=True)
class _Value:
    text: str  # the value alone, label and colon removed
    boxes: list[_Box]  # where it is on the card
    confidence: float


@dataclass(frozen=True)
class _Layout:
    nik_box: _Box | None
    values: dict[str, _Value]  # "name" / "birth" / "sex"
    labels_found: int  # labels (or values) recognised as such: evidence that this is a card
    header: bool = False  # the PROVINSI / KABUPATEN / KOTA lines above the NIK were read
    head_boxes: tuple[_Box, ...] = ()  # the header's lines, when they are left to read on demand


@dataclass(frozen=True)
class _Found:
    """What a crop showed of an e-KTP: its field layout (a NIK row or two labels), and
    whether the header above the NIK reads as one (what a letter's own block of labelled
    lines, card-shaped too, never does). The header is read on demand: one more crop to
    recognise, needed only when the name does not already confirm the card."""

    layout: bool
    header: Callable[[], bool]


# ---------------------------------------------------------------------------------------
# public API


def read_card(card_image: Image, engines: CardEngines, *, index: int = 1, bbox: BBox | None = None) -> IdCardRead:
    """Read one e-KTP image (a crop holding one card, any multiple of 90° turned)."""
    return _read(card_image, engines, index=index, bbox=bbox)[0]


CARD_SHAPED = (1.3, 1.9)  # width / height of a photo that is one card filling the frame (ID-1: 1.59)


def read_id_card_page(image: Image, engines: CardEngines) -> tuple[IdCardRead, ...]:
    """Every card on an e-KTP page (a card photo or a photocopy sheet), indexed from 1 in
    reading order. A page where no card outline is found is read as one card."""
    from pipelines.cardfind import crop_card, find_cards

    reads = [_read(crop_card(image, b), engines, index=i, bbox=b) for i, b in enumerate(find_cards(image), 1)]
    h, w = np.asarray(image).shape[:2]
    if not any(found.layout for _, found in reads):
        # No outline found, or none held a card layout: a card photo filling the frame.
        return (read_card(image, engines, index=1, bbox=(0, 0, w, h)),)
    if len(reads) == 1 and CARD_SHAPED[0] <= w / max(h, 1) <= CARD_SHAPED[1] and reads[0][0].nik is None:
        # A card photo whose one "outline" is only part of the card (a textured background can
        # cut the outline short, as on the public specimen): read the whole frame as the card.
        whole = read_card(image, engines, index=1, bbox=(0, 0, w, h))
        if whole.nik is not None:
            return (whole,)
    return tuple(card for card, _ in reads)


def read_card_photo(image: Image, engines: CardEngines) -> IdCardRead | None:
    """The whole frame read as one card, when it is confirmed as an e-KTP (as a pasted card
    must be); None otherwise. For a card-shaped photo that nothing else recognised: its
    card outline lost against the background (a stamp, a table's grain), the page's text
    lines masked with the piece of card that was found. Only a landscape frame of a card's
    proportions is read (an A4 page held upright is not; one held sideways costs a card read)."""
    h, w = np.asarray(image).shape[:2]
    if not CARD_SHAPED[0] <= w / max(h, 1) <= CARD_SHAPED[1]:
        return None
    card, found = _read(image, engines, index=1, bbox=(0, 0, w, h))
    return card if _confirmed(card, found) else None


def read_pasted_cards(image: Image, engines: CardEngines) -> tuple[IdCardRead, ...]:
    """Cards pasted on a letter page (or on a photocopy sheet), only those confirmed as
    e-KTPs: an e-KTP layout, and its header read above the NIK or its name read surely. A
    candidate without (a signature box, a stamp, the letter's own block of labelled lines,
    which has a NIK row and labels too) is dropped rather than reported as a card."""
    from pipelines.cardfind import crop_card, find_cards

    out: list[IdCardRead] = []
    for b in find_cards(image):
        card, found = _read(crop_card(image, b), engines, index=len(out) + 1, bbox=b)
        if _confirmed(card, found):
            out.append(card)
    return tuple(out)


def _confirmed(card: IdCardRead, found: _Found) -> bool:
    """An e-KTP for sure: its layout, and its name read surely or its header read above the NIK."""
    return found.layout and ((card.name is not None and card.confidence >= 0.5) or found.header())


# ---------------------------------------------------------------------------------------
# one card


def _read(card_image: Image, engines: CardEngines, *, index: int, bbox: BBox | None) -> tuple[IdCardRead, _Found]:
    rgb = _as_rgb(card_image)
    h, w = rgb.shape[:2]
    if max(h, w) < MIN_CARD_WIDTH:
        return _unreadable(index, bbox, low_quality=True), _Found(False, _no)
    best: tuple[_Layout, NDArray[np.uint8], int] | None = None
    for k, turned in enumerate(_orientations(_deskewed(rgb))):
        shrink = turned.shape[1] > CARD_WIDTH
        card = u8(
            cv2.resize(turned, (CARD_WIDTH, CARD_HEIGHT), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
        )
        try:
            layout = _find_layout(card, engines)
        except EngineError:
            return _unreadable(index, bbox, low_quality=True), _Found(False, _no)
        if best is None or _layout_score(layout) > _layout_score(best[0]):
            best = (layout, card, k)
        if layout.nik_box is not None and layout.labels_found >= 1:
            break
    assert best is not None
    layout, card, k = best
    # A landscape crop read only upside down (its second orientation); a portrait crop's two
    # orientations are quarter turns, which say nothing of the page's up and down.
    upside_down = k == 1 and h <= w and layout.nik_box is not None
    low_quality = _looks_poor(card)
    is_card = _Found(
        layout.nik_box is not None or layout.labels_found >= 2, lambda: _header_read(card, layout, engines)
    )
    if layout.nik_box is None:
        return _unreadable(index, bbox, low_quality=low_quality), is_card

    name, name_conf = _read_name(card, layout.values.get("name"), engines)
    place, birth, birth_fixes, birth_conf = _read_birth(layout.values.get("birth"))
    sex, sex_conf = _read_sex(layout.values.get("sex"))
    try:
        digits = read_nik_digits(card, layout.nik_box, engines)
    except EngineError:
        digits = NikDigits(None, 0.0, "")
    verdict = judge(digits, birth, sex)
    birth_value = layout.values.get("birth")
    if verdict.unreadable and digits.nik is not None and birth_value is not None:
        # The printed date may be the misread line (RapidOCR dropping a digit of "11-02"):
        # another reading of it that the NIK's own date digits confirm settles it (this
        # also reads a date the first reading could not parse at all).
        for other in _reread_birth(card, birth_value, engines):
            second = judge(digits, other, sex) if other is not None and other != birth else None
            if second is not None and not second.unreadable:
                verdict, birth, birth_conf = second, other, 0.8
                break
    if verdict.confidence >= 0.95 and birth is not None:
        birth_conf = max(birth_conf, 0.95)  # the NIK's own digits confirm the printed date
        sex_conf = max(sex_conf, 0.95) if sex is not None else sex_conf
    if birth_fixes:
        birth_conf = min(birth_conf, 0.7)
    reasons: list[Reason] = []
    if verdict.unreadable:
        reasons.append(Reason.NIK_UNREADABLE)
    if low_quality:
        reasons.append(Reason.LOW_QUALITY)
    confidence = min(verdict.confidence, name_conf, birth_conf, sex_conf)
    if low_quality:
        confidence = min(confidence, 0.5)
    return (
        IdCardRead(
            index=index,
            nik=verdict.nik,
            name=name,
            birth_place=place,
            birth_date=birth,
            sex=sex,
            confidence=round(confidence, 3),
            bbox=bbox,
            nik_confidence=round(verdict.confidence, 3),
            reasons=tuple(reasons),
            upside_down=upside_down,
        ),
        is_card,
    )


def _unreadable(index: int, bbox: BBox | None, *, low_quality: bool) -> IdCardRead:
    reasons = (Reason.NIK_UNREADABLE, Reason.LOW_QUALITY) if low_quality else (Reason.NIK_UNREADABLE,)
    return IdCardRead(index, None, None, None, None, None, confidence=0.0, bbox=bbox, reasons=reasons)


def _orientations(rgb: NDArray[np.uint8]) -> list[NDArray[np.uint8]]:
    """Upright first: a landscape crop as it is, then upside down; a portrait crop turned
    clockwise, then counter-clockwise."""
    h, w = rgb.shape[:2]
    if h > w:
        cw = u8(cv2.rotate(rgb, cv2.ROTATE_90_CLOCKWISE))
        return [cw, u8(cv2.rotate(cw, cv2.ROTATE_180))]
    return [rgb, u8(cv2.rotate(rgb, cv2.ROTATE_180))]


def _layout_score(layout: _Layout) -> int:
    return (2 if layout.nik_box is not None else 0) + layout.labels_found


# ---------------------------------------------------------------------------------------
# layout: which line is which


def _find_layout(card: NDArray[np.uint8], engines: CardEngines) -> _Layout:
    rapid = engines.rapid
    if isinstance(rapid, _LineFinder):
        return _find_layout_fast(card, rapid, engines.tesseract)
    engine = rapid if rapid is not None else engines.tesseract
    limit_x, limit_y = CARD_WIDTH * _FIELD_BLOCK_RIGHT, CARD_HEIGHT * _FIELD_BLOCK_BOTTOM
    boxes = [
        _Box(ln.box, nfkc(ln.text).strip(), ln.confidence)
        for ln in engine.read_lines(card)
        if ln.box[0] < limit_x and ln.box[1] < limit_y
    ]
    return _layout_from_rows(_rows(boxes))


def _layout_from_rows(rows: list[list[_Box]]) -> _Layout:
    """The layout from rows whose boxes all carry text: labels first, then the fixed order."""
    nik_row = next((i for i, row in enumerate(rows) if max(_digit_count(b.text) for b in row) >= 12), None)
    if nik_row is None:
        return _Layout(None, {}, sum(1 for r in rows if _label_of(r) is not None))
    nik_box = max(rows[nik_row], key=lambda b: _digit_count(b.text))
    header = any(_is_header(b.text) for row in rows[max(0, nik_row - 2) : nik_row] for b in row)
    below = rows[nik_row + 1 : nik_row + 7]
    found: dict[str, list[_Box]] = {}
    for row in below:
        label = _label_of(row)
        if label is not None and label not in found:
            found[label] = row
    labels_found = len(found)
    # Labels not recognised: fall back on the fixed order Nama, Tempat/Tgl Lahir, Jenis Kelamin.
    for offset, key in enumerate(("name", "birth", "sex")):
        if key not in found and offset < len(below) and _label_of(below[offset]) is None:
            found[key] = below[offset]
    return _Layout(nik_box, {k: _row_value(r) for k, r in found.items()}, labels_found, header)


def _find_layout_fast(card: NDArray[np.uint8], rapid: _LineFinder, tesseract: OcrEngine | None = None) -> _Layout:
    """Detection on a small copy, then recognition of only the lines that matter: the wide
    lines of the upper half (to find the NIK), then the values of the three rows under it
    (Nama, Tempat/Tgl Lahir, Jenis Kelamin, the fixed order of every e-KTP). Labels are
    read only when those values do not parse (a missed or split line). The sex, one word of
    two, is asked of `tesseract` first (see `_sex_by_tesseract`)."""
    limit_x, limit_y = CARD_WIDTH * _FIELD_BLOCK_RIGHT, CARD_HEIGHT * _FIELD_BLOCK_BOTTOM
    # Only the field block is searched (half the card: half the detection time), at the
    # scale the whole card would have been searched at.
    block = np.ascontiguousarray(card[: round(CARD_HEIGHT * _DET_BOTTOM), : round(CARD_WIDTH * _DET_RIGHT)])
    max_side = round(_DET_MAX_SIDE * max(block.shape[:2]) / CARD_WIDTH)
    found = [b for b in rapid.detect(block, max_side=max_side) if b[0] < limit_x and b[1] < limit_y]
    rows = _rows([_Box(b, "", 0.0) for b in found])
    # The NIK row: a label at the left edge and a wide value (the header lines are centred).
    # Rows led by a short label box ("NIK") come first: usually the first candidate is it.
    # Last, a wide value alone in the value column: the label under a stamp went unseen.
    candidates = [
        (i, max(row, key=_width))
        for i, row in enumerate(rows)
        if row[0].box[0] < CARD_WIDTH * 0.2 and _width(max(row, key=_width)) >= CARD_WIDTH * 0.25
    ]
    candidates.sort(key=lambda c: not _label_led(rows[c[0]]))
    candidates += [
        (i, row[0])
        for i, row in enumerate(rows)
        if len(row) == 1 and CARD_WIDTH * 0.2 <= row[0].box[0] < CARD_WIDTH * 0.3 and _width(row[0]) >= CARD_WIDTH * 0.4
    ]
    nik_row, nik_box = None, None
    for i, box in candidates[:6]:
        seen = _recognise_nik(card, rapid, box)
        if _digit_count(seen.text) >= 12:
            nik_row, nik_box = i, seen
            break
    if nik_row is None and tesseract is not None and (by_labels := _nik_row_by_labels(card, rows, tesseract)):
        # A stamp over the NIK line hid it from the detector (seed 2026's sheet 111: the ring
        # across "NIK :3404", the card dropped unseen): the labels under it place it.
        seen = _recognise_nik(card, rapid, by_labels[1])
        if _digit_count(seen.text) >= NIK_SEEN:
            nik_row, nik_box = by_labels[0], seen
    if nik_row is None or nik_box is None:
        return _Layout(None, {}, 0)
    below = rows[nik_row + 1 : nik_row + 4]
    wanted = [_value_boxes(row) for row in below]
    sex_read: _Box | None = None
    if len(wanted) == 3:
        wanted[2] = wanted[2][:1]  # Jenis Kelamin: the value, not Gol. Darah beside it
        if wanted[2] and tesseract is not None:
            sex_read = _sex_by_tesseract(card, tesseract, wanted[2][0])
            if sex_read is not None:
                wanted[2] = []
    # The header's two lines above the NIK: they tell a card from a letter's block of
    # labelled lines, and are read only if the name leaves that open (`_Found`). Three rows
    # are taken, since a stamp over the card's corner adds a row of its own.
    head = tuple(b for row in rows[max(0, nik_row - 3) : nik_row] for b in _line_starts(row))
    flat = [b for boxes in wanted for b in boxes]
    read = iter(_recognise(card, rapid, flat))
    values: dict[str, _Value] = {}
    for key, boxes in zip(("name", "birth", "sex"), wanted, strict=False):
        got = [next(read) for _ in boxes]
        if got:
            values[key] = _Value(_strip_label(" ".join(b.text for b in got), key), got, min(b.confidence for b in got))
    if sex_read is not None:
        values["sex"] = _Value(_strip_label(sex_read.text, "sex"), [sex_read], sex_read.confidence)
    plausible = int("birth" in values and parse_birth_detail(values["birth"].text)[1] is not None)
    plausible += int("sex" in values and parse_sex(values["sex"].text) is not None)
    if plausible == 2:
        return _Layout(nik_box, values, 2, head_boxes=head)
    # Something is off (a line missed or split): read the rows in full and go by the labels.
    # Five rows (Nama to Alamat, and one for a split line); boxes read above are not read again.
    full = rows[nik_row + 1 : nik_row + 6]
    known = {b.box: b for v in values.values() for b in v.boxes}
    todo = [b for row in full for b in row if b.box not in known]
    known.update({b.box: b for b in _recognise(card, rapid, todo)})
    text_rows = [[known[b.box] for b in row] for row in full]
    layout = _layout_from_rows([[nik_box], *text_rows])
    return _Layout(nik_box, layout.values, layout.labels_found, head_boxes=head)


LABEL_HEIGHT = 20  # px of a label handed to Tesseract
# The labels under the NIK, in the order every e-KTP prints them (letters only, upper case).
_CARD_LABELS = (
    "NAMA", "TEMPATTGLLAHIR", "JENISKELAMIN", "ALAMAT", "RTRW", "KELDESA", "KECAMATAN", "AGAMA",
    "STATUSPERKAWINAN", "PEKERJAAN", "KEWARGANEGARAAN", "BERLAKUHINGGA",
)  # fmt: skip
NIK_SEEN = 8  # digits that must show in a NIK line placed by the labels (a stamp hides the rest)


def _nik_row_by_labels(
    card: NDArray[np.uint8], rows: list[list[_Box]], tesseract: OcrEngine
) -> tuple[int, _Box] | None:
    """(the NIK row, its value's box) placed by the labels under it, when the detector lost
    the line (a stamp's ring across it): the rows led by a box at the left edge read by
    Tesseract (short printed words it reads well), Nama among them and two more of the
    card's labels in the card's order below it; the NIK row is the nearest row above Nama
    with a wide box. Its value runs from the value column (where the labelled rows' values
    start) to that box's right end. Only asked when no NIK line was found: on a card under a
    stamp, or a card-shaped piece of a letter."""
    led = [i for i, row in enumerate(rows) if row[0].box[0] < CARD_WIDTH * 0.12][:8]
    labels: list[tuple[int, int]] = []  # (row, label's place in the card's order)
    for i in led:
        gray = u8(cv2.cvtColor(crop_line(card, rows[i][0].box), cv2.COLOR_RGB2GRAY))
        try:
            got = tesseract.read_line(prepare_line(gray, LABEL_HEIGHT), timeout=2.0)
        except EngineError:
            return None
        letters = "".join(ch for ch in nfkc(got.text).split(":")[0].upper() if ch.isalpha())
        place = max(range(len(_CARD_LABELS)), key=lambda k: fuzz.ratio(letters, _CARD_LABELS[k]))
        if letters and fuzz.ratio(letters, _CARD_LABELS[place]) >= 75:
            labels.append((i, place))
    name = next((i for i, place in labels if place == 0), None)
    if name is None:
        return None
    below = [place for i, place in labels if i > name]
    if len(below) < 2 or below != sorted(below):
        return None
    for i in range(name - 1, max(-1, name - 3), -1):
        widest = max(rows[i], key=_width)
        if _width(widest) >= CARD_WIDTH * 0.2 and widest.box[2] > CARD_WIDTH * 0.4:
            starts = sorted(rows[k][1].box[0] for k, _ in labels if len(rows[k]) > 1)
            value_x = starts[len(starts) // 2] if starts else round(CARD_WIDTH * 0.25)  # the value column
            y0, y1 = min(b.box[1] for b in rows[i]), max(b.box[3] for b in rows[i])
            return i, _Box((min(value_x, widest.box[0]), y0, widest.box[2], y1), "", 0.0)
    return None


_HEADER_WORDS = ("PROVINSI", "KABUPATEN", "KOTA")


def _header_read(card: NDArray[np.uint8], layout: _Layout, engines: CardEngines) -> bool:
    rapid = engines.rapid
    if not layout.head_boxes or not isinstance(rapid, _LineFinder):
        return layout.header  # read with the rest of the card, or nothing above the NIK
    try:
        return any(_is_header(b.text) for b in _recognise(card, rapid, list(layout.head_boxes)))
    except EngineError:
        return False


def _no() -> bool:
    return False


def _line_starts(row: list[_Box]) -> list[_Box]:
    """The first word or two of a row's widest box (the header line, not a stamp's letters
    beside it), cut to about seven times its height: the recogniser's narrowest input
    holds "PROVINSI JAWA". Also of its first box, when that is another a word wide: a
    stamp's ring across the line cut "PROVINSI" off the rest (seed 2026's sheet 111)."""
    widest, first = max(row, key=_width), row[0]
    starts = [widest]
    if first is not widest and _width(first) >= 2.5 * (first.box[3] - first.box[1]):
        starts.insert(0, first)
    return [_Box((x0, y0, min(x1, x0 + 7 * (y1 - y0)), y1), "", 0.0) for x0, y0, x1, y1 in (b.box for b in starts)]


def _is_header(text: str) -> bool:
    """An e-KTP header line: "PROVINSI JAWA BARAT", "KABUPATEN SLEMAN", "KOTA BANDUNG"."""
    words = re.findall(r"[A-Z]{4,}", nfkc(text).upper())
    return any(fuzz.ratio(w, h) >= 80 for w in words for h in _HEADER_WORDS)


def _label_led(row: list[_Box]) -> bool:
    """A row that starts with a short label box at the left edge, then a value."""
    first = row[0].box
    return len(row) >= 2 and first[0] < CARD_WIDTH * 0.12 and first[2] - first[0] < CARD_WIDTH * 0.15


def _recognise_nik(card: NDArray[np.uint8], rapid: _LineFinder, box: _Box) -> _Box:
    """One candidate NIK line, read freely and, from the same pass, as digits. A line whose
    digits make no NIK is read again with its box run on over the ink that continues it (the
    detector, on a small copy, cut a tilted line's last digit in half: seed 11's card photo
    126, ":340411161269292:", the card unread)."""
    seen = _read_nik_box(card, rapid, box.box)
    if not _makes_nik(seen):
        wider = _run_on(card, box.box)
        if wider != box.box:
            again = _read_nik_box(card, rapid, wider)
            if _makes_nik(again):
                return again
    return seen


def _makes_nik(line: _Box) -> bool:
    """Whether a NIK line's reading as digits holds a NIK."""
    return extract_nik(line.digits[0] if line.digits else "")[0] is not None


def _read_nik_box(card: NDArray[np.uint8], rapid: _LineFinder, box: tuple[int, int, int, int]) -> _Box:
    free, digits = rapid.read_lines_twice([crop_line(card, box)], charset=NIK_CHARSET)[0]
    return _Box(box, nfkc(free.text).strip(), free.confidence, (nfkc(digits.text), digit_confidences(digits)))


RUN_ON_GAP = 0.5  # × the line's height: a gap in the ink this wide ends the line (a digit gap: ~0.1)


def _run_on(card: NDArray[np.uint8], box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """`box` widened to the right over the ink that continues its line: columns with ink (two
    pixels darker than half-way from the paper to the line's print) up to a gap of RUN_ON_GAP
    of its height (the photo beside the NIK lies farther off)."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    w = card.shape[1]
    if height < 4 or x1 >= w - 1:
        return box
    gray = u8(cv2.cvtColor(card[max(0, y0) : y1, max(0, x0) : min(w, x1 + 4 * height)], cv2.COLOR_RGB2GRAY))
    inside = gray[:, : x1 - max(0, x0)]
    level = (float(np.percentile(inside, 5)) + float(np.median(inside))) / 2
    ink = (gray < level).sum(axis=0) >= 2
    end, gap = x1 - max(0, x0), 0
    for col in range(end, gray.shape[1]):
        if ink[col]:
            end, gap = col + 1, 0
        else:
            gap += 1
            if gap > RUN_ON_GAP * height:
                break
    return (x0, y0, max(0, x0) + end + 2, y1) if max(0, x0) + end > x1 else box


SEX_SURE = 0.8  # Tesseract's weakest letter of LAKI-LAKI / PEREMPUAN, for its reading to stand
SEX_HEIGHT = 20  # px of the line handed to Tesseract


def _sex_by_tesseract(card: NDArray[np.uint8], tesseract: OcrEngine, box: _Box) -> _Box | None:
    """The sex value read by Tesseract, when it reads as LAKI-LAKI or PEREMPUAN and sure
    (else None: RapidOCR reads it with the other values). Two printed words of one font that
    Tesseract reads well: ~6 ms, where RapidOCR pads the short line to its 320-px minimum
    (~25 ms, a seventh of a card's reading). The NIK's own sex digit is checked against it."""
    gray = u8(cv2.cvtColor(crop_line(card, box.box), cv2.COLOR_RGB2GRAY))
    try:
        got = tesseract.read_line(prepare_line(gray, SEX_HEIGHT), timeout=2.0)
    except EngineError:
        return None
    text = nfkc(got.text).strip()
    value = _strip_label(text, "sex")
    word = re.sub(r"[^A-Z]", "", value.upper())
    whole = max(fuzz.ratio(word, "LAKILAKI"), fuzz.ratio(word, "PEREMPUAN")) >= 85  # not a lone "L"
    if got.confidence < SEX_SURE or not whole or parse_sex(value) is None:
        return None
    return _Box(box.box, text, got.confidence)


def _recognise(card: NDArray[np.uint8], rapid: _LineFinder, boxes: list[_Box]) -> list[_Box]:
    if not boxes:
        return []
    details = rapid.read_lines_detail([crop_line(card, b.box) for b in boxes])
    return [_Box(b.box, nfkc(d.text).strip(), d.confidence) for b, d in zip(boxes, details, strict=True)]


def _value_boxes(row: list[_Box]) -> list[_Box]:
    """A row's value boxes: without the label box at the left edge; a box that runs from the
    left edge far into the value column holds label and value merged, and is kept."""
    first = row[0]
    if first.box[0] < CARD_WIDTH * 0.12:
        return row if first.box[2] > CARD_WIDTH * 0.4 else row[1:]
    return row


_LABEL_PREFIX = {
    "name": re.compile(r"^\W*N\s*A\s*M\s*A\b\W*", re.IGNORECASE),
    "birth": re.compile(r"^[^:]*L\s*A\s*H\s*[I1l]\s*R\W*", re.IGNORECASE),
    "sex": re.compile(r"^[^:]*K\s*E\s*L\s*A\s*M\s*[I1l]\s*N\W*", re.IGNORECASE),
}


def _strip_label(text: str, key: str) -> str:
    """The value of a line that may still carry its label ("Nama : X", "NamaX")."""
    if ":" in text[: len(text) // 2 + 1]:
        return text.split(":", 1)[1].strip()
    return _LABEL_PREFIX[key].sub("", text, count=1).strip()


def _width(b: _Box) -> int:
    return b.box[2] - b.box[0]


def _cy(b: _Box) -> float:
    return (b.box[1] + b.box[3]) / 2


def _rows(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes grouped into rows by vertical centre, rows top to bottom, boxes left to right."""
    if not boxes:
        return []
    heights = sorted(b.box[3] - b.box[1] for b in boxes)
    tol = max(4.0, heights[len(heights) // 2] * 0.5)
    rows: list[list[_Box]] = []
    for b in sorted(boxes, key=_cy):
        if rows:
            ref = rows[-1]
            if abs(_cy(b) - sum(_cy(r) for r in ref) / len(ref)) <= tol:
                ref.append(b)
                continue
        rows.append([b])
    return [sorted(r, key=lambda b: b.box[0]) for r in rows]


def _digit_count(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def _label_of(row: list[_Box]) -> str | None:
    """ "name" / "birth" / "sex" when the row starts with that label (OCR noise allowed)."""
    head = row[0].text.split(":")[0]
    letters = "".join(ch for ch in head.upper() if ch.isalpha())
    if not letters:
        return None
    best, score = None, 0.0
    for key, label in _LABELS.items():
        s = fuzz.ratio(letters, label)
        if len(letters) > len(label):  # label and value merged into one box
            s = max(s, fuzz.ratio(letters[: len(label)], label))
        if s > score:
            best, score = key, s
    return best if score >= 75 else None


def _row_value(row: list[_Box]) -> _Value:
    """The value part of a labelled row whose boxes carry text."""
    boxes = _value_boxes(row) if len(row) > 1 else row
    key = _label_of(row) or "name"
    text = " ".join(b.text for b in row)
    value = text.split(":", 1)[1].strip() if ":" in text else _strip_label(" ".join(b.text for b in boxes), key)
    return _Value(value, boxes, min((b.confidence for b in boxes), default=0.0))


# ---------------------------------------------------------------------------------------
# fields


def _read_name(card: NDArray[np.uint8], value: _Value | None, engines: CardEngines) -> tuple[str | None, float]:
    if value is None:
        return None, 0.0
    name = fold_name(value.text)
    if not name:
        return None, 0.0
    conf = value.confidence
    # A second engine on the same crop: agreement (ignoring spaces) lifts the confidence;
    # its spacing is kept when RapidOCR ran words together.
    boxes = [b.box for b in value.boxes]
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    other_name = fold_name(
        _strip_label(witness(engines.tesseract, tesseract_variants(crop_line(card, box))[0], None), "name")
    )
    if other_name.replace(" ", "") == name.replace(" ", ""):
        return (other_name if other_name.count(" ") > name.count(" ") else name), max(conf, 0.95)
    return name, min(conf, 0.6)


def _reread_birth(card: NDArray[np.uint8], value: _Value, engines: CardEngines) -> Iterator[dt.date | None]:
    """The printed birth date read again, one reading at a time (the caller takes only a
    date the NIK's own digits confirm): RapidOCR on a tight crop (the small rows of a card
    overlap, so a detected box is often twice the text's height and the usual margin
    shrinks the digits further: the year's last digits go missing); the same crop with its
    darkest ink alone (a stamp over the row) and 1.3 times larger (the year still cut
    short); then Tesseract."""
    boxes = [b.box for b in value.boxes]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    if engines.rapid is not None:
        tight = crop_line(card, box, border=0.1)
        ink = cv2.cvtColor(without_faint_ink(u8(cv2.cvtColor(tight, cv2.COLOR_RGB2GRAY))), cv2.COLOR_GRAY2RGB)
        larger = cv2.resize(tight, None, fx=1.3, fy=1.3, interpolation=cv2.INTER_CUBIC)
        for view in (tight, ink, larger):
            text = witness(engines.rapid, u8(view), None)
            yield parse_birth_detail(_strip_label(text, "birth"))[1]
    text = witness(engines.tesseract, tesseract_variants(crop_line(card, box))[0], None)
    yield parse_birth_detail(_strip_label(text, "birth"))[1]


def _read_birth(value: _Value | None) -> tuple[str | None, dt.date | None, int, float]:
    if value is None:
        return None, None, 0, 0.0
    place, date, fixes = parse_birth_detail(value.text)
    return place, date, fixes, (value.confidence if date is not None else 0.0)


def _read_sex(value: _Value | None) -> tuple[str | None, float]:
    if value is None:
        return None, 0.0
    sex = parse_sex(value.text)
    return sex, (value.confidence if sex is not None else 0.0)


# ---------------------------------------------------------------------------------------
# image helpers


def _as_rgb(image: Image) -> NDArray[np.uint8]:
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(arr, cv2.COLOR_GRAY2RGB))
    if arr.shape[2] == 4:
        return np.ascontiguousarray(cv2.cvtColor(arr, cv2.COLOR_RGBA2RGB))
    return np.ascontiguousarray(arr[:, :, :3])


def _deskewed(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The crop turned so its text rows are level: a card pasted or scanned a few degrees
    off makes the label and value rows run into each other. The angle is the one whose
    row profile of ink is sharpest (dust and a card's faint edge do not sway it, as they
    did a fit to the card's outline)."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = 400 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 15)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 2), np.uint8))  # single-pixel dust
    sh, sw = ink.shape
    centre = (sw / 2, sh / 2)
    axis = 1 if sw >= sh else 0  # a portrait crop is a card turned a quarter: rows run down

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rows = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_NEAREST).sum(axis=axis, dtype=np.float64)
        return float(np.var(np.diff(rows)))

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 1.0), key=lambda a: sharpness(float(a)))
    for step in (0.5, 0.25):
        best = max((best - step, best, best + step), key=lambda a: sharpness(float(a)))
    if abs(best) < 0.4:
        return rgb
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), float(best), 1.0)
    return u8(cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE))


def _looks_poor(card: NDArray[np.uint8]) -> bool:
    """Blurred (little fine detail), dark, or washed out, measured on the normalised card."""
    gray = cv2.cvtColor(card, cv2.COLOR_RGB2GRAY)
    lo, hi = np.percentile(gray, (2, 98))
    if hi < 90 or hi - lo < 60:
        return True
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    return sharpness < 80.0
