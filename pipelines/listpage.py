"""Supporter lists (B.1.1-KWK): a ruled table, one supporter per row.

Order of work on an upright page: find the grid (table.py), read the header cells to map
columns (NO, NAMA, NIK, TEMPAT/TGL LAHIR, L/P, ALAMAT, TANDA TANGAN; widths vary), then for
each body row with ink in the name or NIK cell read NIK (digits only), name, birth
place/date, sex, and judge the signature box. Row numbers count from 1 within the page.

Never a confident guess: a NIK that is not 16 digits, reads with low confidence, or
disagrees with the printed birth date/sex carries NIK_UNREADABLE; a weak name or a
missing birth date/sex, or a signature that cannot be judged, carries LOW_QUALITY.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipelines.cells import (
    DIGITS,
    NAME_CHARS,
    NAME_CHECK_HEIGHT,
    NAME_HEIGHT,
    SMALL_PRINT,
    CellReader,
    OcrCellReader,
)
from pipelines.confusables import one_confusable_away
from pipelines.domain import Reason, SupporterRead
from pipelines.engines.base import OcrText
from pipelines.nik import district_known, matches_printed
from pipelines.nikguess import guess_nik
from pipelines.normalize import DIGIT_FIXES, extract_nik, nfkc, parse_birth_detail, parse_sex
from pipelines.signature import STAMP_MARGIN, Circle, all_taken_off, blank_stamps, check_signature, under_stamp
from pipelines.table import Grid, binarize, components, find_grid

Gray = NDArray[np.uint8]

COLUMNS = ("no", "name", "nik", "birth", "sex", "address", "signature")
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "no": ("NO", "NOMOR", "NO URUT"),
    "name": ("NAMA", "NAMA LENGKAP", "NAMA PENDUKUNG"),
    "nik": ("NIK", "NOMOR INDUK KEPENDUDUKAN", "NIK KTP"),
    "birth": ("TEMPAT TGL LAHIR", "TEMPAT TANGGAL LAHIR", "TTL", "TGL LAHIR"),
    "sex": ("L P", "JK", "JENIS KELAMIN"),
    "address": ("ALAMAT",),
    "signature": ("TANDA TANGAN", "TTD", "TANDA TANGAN CAP JEMPOL", "TANDA TANGAN JEMPOL"),
}
NIK_MIN_CONFIDENCE = 0.90
SURE = 0.95  # two agreeing Tesseract NIK readings above this need no witness (clean scans: 0.97-0.99)
# Digits of 14 px (a 150-dpi list in a larger font, some 200-dpi ones) are read as small print
# digits are, by both models: read twice by one model at 15 and 20 px, a dusty 8 was a 4 both
# times (0.96, 0.98: seed 11's 150-dpi list, the witness sure of the 8)
NIK_SMALL_PRINT = SMALL_PRINT + 1
NIK_LIKE = DIGITS + "".join(DIGIT_FIXES)  # what a NIK is read as: digits and their look-alike letters
WITNESS_FLOOR = 0.8  # the witness's weakest digit, for its agreement to count (wrong ones seen at 0.60)
# ... and on the digits two Tesseract readings dispute, which it decides: it read a 6 as 5 at 0.82,
# as one Tesseract reading did (seed 3's 150-dpi letter #16)
WITNESS_DECIDES = 0.9
EIGHT_SLACK = 0.25  # of a digit's width: a glyph's centre this near a digit's edge may be either digit's
# No digit whitelist for the NIK: with one, Tesseract turns a 7 it is unsure of (it would say
# "/") into a confident 1. Unrestricted, the doubt shows as a non-digit and the NIK is unreadable.
NIK_CHARSET: str | None = None
NAME_MIN_CONFIDENCE = 0.80
NAME_FIRST_SURE = 0.9  # the first name reading this sure: the witness settles a disagreement from WITNESS_SETTLES
WITNESS_SETTLES = 0.6
WITNESS_SETTLES_DISPUTE = 0.7  # ... where the two Tesseract readings of a name disagree
SPACES_SURE = 0.9  # both models and the witness at least this sure: their word breaks outweigh the ink's gaps
NAME_SURE = 0.93  # two agreeing Tesseract name readings below this need the witness's agreement too
# In small print (cells.SMALL_PRINT: 150 dpi) the two Tesseract models share their blind spots:
# they read "PAI JO" for PAIJO alike at 0.99 and lost the apostrophe of NI'MAH at 0.94, where
# the witness read right. There a name is sure only when the witness agrees too.
# A name is stored as printed ("NI'MAH", "H. JOKO"): the matching (pipelines.names) folds the
# punctuation away, but a reading that lost or invented it is a different reading.
_NAME_KEEP = re.compile(r"[^A-Z'.,\- ]+")


@dataclass(frozen=True)
class ListLayout:
    grid: Grid
    header_row: int  # grid row index of the header
    columns: dict[str, tuple[int, int]]  # column key -> (first, last + 1) grid columns


@dataclass(frozen=True)
class ListResult:
    supporters: tuple[SupporterRead, ...]
    notes: tuple[str, ...] = ()


# ---- layout --------------------------------------------------------------------------------------


def header_key(text: str) -> str | None:
    """Which column a header cell names, or None."""
    s = " ".join(re.sub(r"[^A-Z]+", " ", text.upper()).split())
    if not s:
        return None
    compact = s.replace(" ", "")
    if compact in ("LP", "JK"):
        return "sex"
    best, best_score = None, 0.0
    for key, words in HEADER_WORDS.items():
        for word in words:
            # partial matches only for long words: "NAMA" must not be found in "KECAMATAN"
            score = (
                max(fuzz.ratio(s, word), fuzz.partial_ratio(word, s))
                if len(word) >= 6 and len(s) >= len(word)
                else fuzz.ratio(s, word)
            )
            if score > best_score:
                best, best_score = key, score
    if best_score >= (90 if len(s) <= 3 else 75):
        return best
    return None


def _standard(grid: Grid, columns: dict[str, tuple[int, int]]) -> bool:
    """Seven columns with at least four header words in their standard places is the form
    even when a stamp hides NIK or NAMA (DOCUMENTS.md fixes the order); otherwise both NAMA
    and NIK must be read."""
    in_place = sum(1 for i, key in enumerate(COLUMNS) if columns.get(key) == (i, i + 1))
    return grid.cols == len(COLUMNS) and in_place >= 4


def find_layout(gray: Gray, reader: CellReader, grid: Grid | None = None) -> ListLayout | None:
    """The supporter-list layout of the page, or None if there is no table with such a header."""
    grid = grid or find_grid(gray)
    if grid is None or grid.cols < 4:
        return None
    best: tuple[int, dict[str, tuple[int, int]]] | None = None
    for row in range(min(3, grid.rows)):
        columns: dict[str, tuple[int, int]] = {}
        for col in range(grid.cols):
            key = header_key(reader.read(grid.cell(row, col)).text)
            if key is not None and key not in columns:
                columns[key] = (col, col + 1)
            if _standard(grid, columns):
                break  # the form's own order: the other header cells need no reading
        if best is None or len(columns) > len(best[1]):
            best = (row, columns)
        if len(columns) >= 5 or _standard(grid, columns):
            break
    if best is None:
        return None
    row, columns = best
    if grid.cols > len(COLUMNS):
        grid, columns = _header_columns(gray, grid, row, columns)
    standard = _standard(grid, columns)
    if not standard and not ({"nik", "name"} <= columns.keys() and len(columns) >= 3):
        return None
    if grid.cols == len(COLUMNS):  # the standard order fills anything the header read missed
        for i, key in enumerate(COLUMNS):
            columns.setdefault(key, (i, i + 1))
    return ListLayout(grid, row, columns)


HEADER_CROSSED = 0.2  # of the header row's height: a column line crosses it over more


def _header_columns(
    gray: Gray, grid: Grid, header_row: int, columns: dict[str, tuple[int, int]]
) -> tuple[Grid, dict[str, tuple[int, int]]]:
    """The grid without the lines that stop at the header row, and the columns on it. Every
    column of the form has its header cell; NIK digit boxes whose sides line up from row to row
    run down the body alone (seed 53's bilevel 200-dpi list turned 270: the first four boxes'
    sides passed for four columns, the NIK column began at the fifth digit, and its 25 NIKs were
    read twelve digits long). A line between two columns whose headers were read is kept."""
    top, bottom = grid.ys[header_row], grid.ys[header_row + 1]
    d = grid.line_width + 1
    band = binarize(gray[top:bottom, :])[d : max(d + 1, bottom - top - d)] > 0
    starts, ends = {a for a, _ in columns.values()}, {b for _, b in columns.values()}
    edges = {grid.xs[i] for i in starts & ends} | {grid.xs[0], grid.xs[-1]}
    kept = [x for x in grid.xs if x in edges or band[:, max(0, x - 2) : x + 3].any(axis=1).mean() > HEADER_CROSSED]
    if len(kept) == len(grid.xs):
        return grid, columns
    merged = Grid(tuple(kept), grid.ys, grid.line_width)
    at = [sum(k <= x for k in kept) - 1 for x in grid.xs]  # the merged column each old line opens
    return merged, {key: (at[a], at[b] + (grid.xs[b] not in kept)) for key, (a, b) in columns.items()}


# ---- rows ------------------------------------------------------------------------------------------


def read_list(
    gray: Gray,
    reader: CellReader,
    layout: ListLayout,
    stamps: tuple[Circle, ...] = (),
    taken_off: tuple[Circle, ...] = (),
) -> ListResult:
    """Every filled body row of the table, as supporters (row numbers from 1 on this page).
    A name or signature under one of `stamps` goes to review (LOW_QUALITY, signature unsure),
    but a signature that shows on the reader's page, where the stamps of `taken_off` are
    taken off (`signature.unstamped`), is one."""
    grid, cols = layout.grid, layout.columns
    out: list[SupporterRead] = []
    notes: list[str] = []
    first = _first_body_row(reader, grid, layout.header_row, cols)
    # an empty row, or the "(1) (2) (3)" numbering row under the header, is skipped
    filled = [r for r in range(first, grid.rows) if _filled(reader, grid, r, cols)]
    text_height = _print_height(reader, grid, cols, filled)
    for r in filled:
        # The row number is the row's place in the table (as the truth and the operator count),
        # not the count of rows read: an unread row must not shift the ones below it.
        row = _read_row(gray, reader, grid, r, cols, r - first + 1, text_height, stamps, taken_off)
        if not out and r == filled[0] == layout.header_row + 1 and _numbering_row(row):
            # the "(1) (2) (3) ..." row under the header that noise made look filled; not a row
            # below one found so (a stamp over the first supporter's row left no NIK and two
            # letters of the name, and the supporter was dropped unflagged). The supporters are
            # numbered from the row under it (seed 17's 150-dpi list: dust made this row look
            # filled, and each supporter was numbered, and so checked, as the one above).
            first = r + 1
            continue
        out.append(row)
    if not out:
        notes.append("list table without filled rows")
    return ListResult(tuple(out), tuple(notes))


def _column_numbers(reader: CellReader, grid: Grid, row: int, cols: dict[str, tuple[int, int]]) -> bool:
    """Whether a grid row is the official form's column-number row, "(1) (2) (3) (4) ...", where
    a supporter's row has "1.", a name, a NIK and a birth date. A stamp or a low resolution
    garbles some ("(1)" came out as "Ket)", "(3)" under a stamp as "N Ke)"): one cell read
    exactly as "(n)" outside the NO column, or two read nearly so, is enough."""
    strict, loose = 0, 0
    # The NIK cell first: a NIK read there (the usual case: the row under the header is a
    # supporter's) settles it, without reading the three other cells.
    for key in ("nik", "no", "name", "birth"):
        if key not in cols:
            continue
        text = reader.read(grid.span(row, *cols[key])).text.replace(" ", "")
        if key == "nik" and sum(ch.isdigit() for ch in text) >= 12:
            return False
        strict += key != "no" and re.fullmatch(r"\(\d\)", text) is not None
        loose += re.fullmatch(r"[(\[{]\d[)\]}]?|[(\[{]?\d[)\]}]", text) is not None
        if strict or loose >= 2:
            return True
    return False


def _small_marks(reader: CellReader, grid: Grid, row: int, cols: dict[str, tuple[int, int]]) -> bool:
    """Whether a row too empty to hold a supporter has a small mark in most of its cells, as the
    column-number row has ("(1)", "(2)", ...; at 150 dpi with noise they read as "“)", ": 2)")."""
    widths = [reader.ink_width(grid.span(row, *cols[key])) for key in ("no", "name", "nik", "birth") if key in cols]
    return sum(0.0 < w < 0.3 for w in widths) >= max(2, len(widths) - 1)


def _filled(reader: CellReader, grid: Grid, row: int, cols: dict[str, tuple[int, int]]) -> bool:
    """Whether a body row holds a supporter: ink across its NIK or its name cell."""
    return (
        reader.ink_width(grid.span(row, *cols["nik"]), boxed_digits=True) >= 0.2
        or reader.ink_width(grid.span(row, *cols["name"])) >= 0.15
    )


NUMBER_ROW_SHARE = 0.93  # of the supporters' rows' height: an empty row under the header this short numbers columns


def _first_body_row(reader: CellReader, grid: Grid, header_row: int, cols: dict[str, tuple[int, int]]) -> int:
    """The first supporter row: the one under the header, unless that is the official form's
    "(1) (2) (3) ..." column-number row, told by its height, else (at 150 dpi it is nearly as
    tall as a supporter's row) by small marks in a row too empty for a supporter, else by what
    its cells read."""
    first = header_row + 1
    heights = sorted(grid.ys[r + 1] - grid.ys[r] for r in range(first, grid.rows))
    if len(heights) >= 3 and grid.ys[first + 1] - grid.ys[first] < 0.6 * heights[len(heights) // 2]:
        return first + 1
    if first + 1 < grid.rows and (
        (not _filled(reader, grid, first, cols) and _small_marks(reader, grid, first, cols))
        or _column_numbers(reader, grid, first, cols)
    ):
        return first + 1
    # An empty row under the header, shorter than the supporters' rows (which the form prints
    # all alike): the column-number row with its numbers garbled (seed 53's 200-dpi list, a
    # stamp over it: 40 px against 44, "Kes)" for "(1)"; its 25 supporters were numbered one down)
    if (
        len(heights) >= 3
        and grid.ys[first + 1] - grid.ys[first] < NUMBER_ROW_SHARE * heights[len(heights) // 2]
        and not _filled(reader, grid, first, cols)
    ):
        return first + 1
    return first


def _print_height(reader: CellReader, grid: Grid, cols: dict[str, tuple[int, int]], rows: list[int]) -> float | None:
    """The height of printed capitals on the page (median over a few name cells, not the NIK
    cell: its digit boxes are taller), capped by the row height."""
    if not isinstance(reader, OcrCellReader) or not rows:
        return None
    found = [reader.text_height(grid.span(r, *cols["name"])) for r in rows[:5]]
    heights = sorted(h for h in found if h)
    if not heights:
        return None
    row = min(grid.ys[r + 1] - grid.ys[r] for r in rows[:5])
    return min(float(heights[len(heights) // 2]), 0.35 * row)


def _read_row(
    gray: Gray,
    reader: CellReader,
    grid: Grid,
    r: int,
    cols: dict[str, tuple[int, int]],
    number: int,
    text_height: float | None,
    stamps: tuple[Circle, ...] = (),
    taken_off: tuple[Circle, ...] = (),
) -> SupporterRead:
    reasons: list[Reason] = []
    name_box = grid.span(r, *cols["name"])
    name, name_conf = read_name(reader, name_box)
    if name and under_stamp(name_box, stamps):
        name_conf = min(name_conf, 0.5)

    place, birth_date, birth_conf = None, None, 0.0
    if "birth" in cols:
        place, birth_date, birth_conf = read_birth(reader, grid.span(r, *cols["birth"]))

    sex, sex_conf = None, 0.0
    if "sex" in cols:
        sex_box = grid.span(r, *cols["sex"])
        shape = sex_by_shape(reader.ink(sex_box)) if isinstance(reader, OcrCellReader) else None
        if shape is not None:
            sex, sex_conf = shape, 0.95
        else:
            sex_read = reader.read(sex_box)
            sex = sex_letter(sex_read.text)
            sex_conf = sex_read.confidence if sex else 0.0
        if sex is None and under_stamp(sex_box, stamps) and isinstance(reader, OcrCellReader):
            # a stamp's ink left on the page, lighter than the print: the letter is its darkest ink
            shape = sex_by_shape(darkest_ink(reader, sex_box))
            if shape is not None:
                sex, sex_conf = shape, 0.9

    # after the birth date and sex: a NIK in doubt is guessed by them too
    nik, nik_conf = read_nik(reader, grid.span(r, *cols["nik"]), (birth_date, sex))
    if nik is not None and nik_conf >= NIK_MIN_CONFIDENCE and birth_date is not None:
        confirmed = birth_the_nik_confirms(reader, grid.span(r, *cols["birth"]), nik, birth_date)
        if confirmed is not None:
            place, birth_date, birth_conf = confirmed

    address = None
    signed: bool | None = None
    sig_conf = 0.0
    if "signature" in cols:
        x0, y0, x1, y1 = grid.span(r, *cols["signature"])
        crop = gray[max(0, y0) : y1, max(0, x0) : x1]
        straight = not isinstance(reader, OcrCellReader)
        check = check_signature(crop, text_height=text_height, straight=straight)
        signed, sig_conf = check.signed, check.confidence
        if signed is not False and under_stamp((x0, y0, x1, y1), stamps, margin=STAMP_MARGIN):
            # A stamp's ring in an empty box looks like pen strokes: judged again with the
            # stamps' disks blanked, strokes left outside them are a signature; else unsure.
            again = check_signature(blank_stamps(crop, (x0, y0, x1, y1), stamps), text_height=text_height)
            signed, sig_conf = (True, min(again.confidence, 0.8)) if again.signed else (None, 0.3)
            if (
                signed is None
                and isinstance(reader, OcrCellReader)
                and all_taken_off((x0, y0, x1, y1), stamps, taken_off)
            ):
                # The stamps taken off the print (by their grey or their colour) leave a pen's
                # strokes darker or of another colour than their dye. Over eleven bench sets,
                # 32 boxes under stamps judged so: 22 signed read signed, 4 read empty (a blue
                # pen taken off with a blue stamp: so "empty" stays unsure), and 6 empty ones
                # all read empty.
                bare = reader.gray[max(0, y0) : y1, max(0, x0) : x1]
                if check_signature(bare, text_height=text_height).signed:
                    signed, sig_conf = True, 0.8
        if signed is False and check.ink > 0 and not printed_slot_number(reader, (x0, y0, x1, y1)):
            signed, sig_conf = None, 0.3
        elif (
            signed
            and check.one_line
            and "no" in cols
            and slot_numbered(reader, (x0, y0, x1, y1), grid.span(r, *cols["no"]))
        ):
            # the "marks" are the slot number, its glyphs run together by toner and JPEG into
            # a blob wider than two glyphs (seed 3's 150-dpi list: "186." read as signed)
            signed, sig_conf = False, 0.7

    if nik is None or nik_conf < NIK_MIN_CONFIDENCE or matches_printed(nik, birth_date, sex):
        reasons.append(Reason.NIK_UNREADABLE)
    if name is None or name_conf < NAME_MIN_CONFIDENCE or birth_date is None or sex is None or signed is None:
        reasons.append(Reason.LOW_QUALITY)
    x0, y0, x1, y1 = grid.xs[0], grid.ys[r], grid.xs[-1], grid.ys[r + 1]
    return SupporterRead(
        row=number,
        nik=nik,
        name=name,
        birth_place=place,
        birth_date=birth_date,
        sex=sex,
        signed=signed,
        confidence=round(min(nik_conf, name_conf, birth_conf, sex_conf, sig_conf), 3),
        nik_confidence=round(nik_conf, 3),
        name_confidence=round(name_conf, 3),
        address=address,
        bbox=(x0, y0, x1, y1),
        reasons=tuple(dict.fromkeys(reasons)),
    )


_SLOT_NUMBER = re.compile(r"\d{1,4}[\s.,]*")


def printed_slot_number(reader: CellReader, box: tuple[int, int, int, int]) -> bool:
    """Whether the glyph-sized marks left in a signature cell are the slot number the form prints
    there ("21. ...."). A small pen mark is glyph-sized too (a short scribble, a tick): marks
    that do not read as a number leave the box undecided, for review."""
    if not isinstance(reader, OcrCellReader):
        return True  # a text layer: the marks are what the signature check saw, no OCR to ask
    return slot_number(reader, box) is not None


def slot_numbered(reader: CellReader, box: tuple[int, int, int, int], no_box: tuple[int, int, int, int]) -> bool:
    """Whether the marks of a signature cell read as the row's own number, read in its NO cell:
    then they are the slot number printed there, not a signature. A number alone is not
    enough: a flattened thumbprint read as "59" at 0.88 (seed 5's 150-dpi list, row 438)."""
    if not isinstance(reader, OcrCellReader):
        return False
    number = slot_number(reader, box)
    if not number:
        return False
    no = reader.read(no_box)
    return no.confidence >= SLOT_SURE and re.sub(r"\D", "", no.text) == number


SLOT_SURE = 0.8  # confidence from which a slot number's reading counts


def slot_number(reader: OcrCellReader, box: tuple[int, int, int, int]) -> str | None:
    """The digits of the slot number that the glyph-sized marks of a signature cell read as
    ("" where the cell has no marks to read), or None where they read as no number. The dots
    are left out of the reading (Tesseract reads nothing at all of "21. ....")."""
    ink = reader.ink(box)
    if ink is None:
        return ""
    n, _, stats, _ = components(ink)
    if n <= 1:
        return ""
    tallest = int(stats[1:, cv2.CC_STAT_HEIGHT].max())
    glyphs = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.6 * tallest]
    x0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in glyphs)
    y0 = min(int(stats[i, cv2.CC_STAT_TOP]) for i in glyphs)
    x1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in glyphs)
    y1 = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in glyphs)
    if len(glyphs) > 4 or x1 - x0 > 4 * (y1 - y0):
        return None  # more than a number's digits in a row: not the slot number
    tops, heights = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
    apart = max(5.0, 0.4 * tallest)  # a mark this tall is a digit's, not dust's (3 px at 150 dpi, seed 43)
    if any(heights[i] >= apart and (tops[i] >= y1 or tops[i] + heights[i] <= y0) for i in range(1, n)):
        # marks of a line of their own beside the tallest: the tallest is no digit but a
        # signature over the number (seed 71's 200-dpi list: a squiggle of 24 px over "47."
        # of 12, the digits too short to count, and the number read under it)
        return None
    left, top, pad = max(0, box[0]), max(0, box[1]), max(2, y1 - y0)  # a "1" must not pass for ruling
    # No digit whitelist: with one, the first dot in reach made Tesseract unsure of "21" (0.51).
    # On the right only the number's own period is kept: a glyph's height of margin there
    # reached the first dots after a short number, and "1. .." read as "u".
    right = max(2, pad // 3)
    got = reader.read((left + x0 - pad, top + y0 - pad, left + x1 + right, top + y1 + pad))
    digits = re.sub(r"\D", "", got.text)
    # Each glyph-sized mark a digit at most (toner runs digits together into fewer): a mark
    # more is no digit's, a small signature beside the number (seed 31's 150-dpi list: "399."
    # and a squiggle after it, read "399" and the cell taken for empty)
    if got.confidence >= SLOT_SURE and _SLOT_NUMBER.fullmatch(got.text.strip()) and len(digits) >= len(glyphs):
        return digits
    return None


def name_as_printed(text: str) -> str:
    """Upper case, accents dropped, letters and the punctuation of names (' . , -) kept,
    spaces folded: "Ni’mah" -> "NI'MAH", "H .JOKO" -> "H. JOKO"."""
    decomposed = unicodedata.normalize("NFKD", nfkc(text))
    s = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    s = _NAME_KEEP.sub(" ", re.sub(r"[`’‘´]", "'", s))
    # After an apostrophe at a word's end names have a vowel (RIFA'I, SYAFI'I): an L there is the
    # I, read as a lower-case l by the other model ("SYAFI'l"), where the first lost it ("SYAFI'").
    s = re.sub(r"'L(?![A-Z])", "'I", s)
    s = re.sub(r"\s+([.,])", r"\1", s)  # "H ." -> "H."
    s = re.sub(r"([.,])(?=[A-Z])", r"\1 ", s)  # "H.JOKO" -> "H. JOKO"
    s = re.sub(r"\s*'\s*", "'", s)  # "NI ' MAH" -> "NI'MAH"
    return " ".join(s.split()).strip(" .,-")


def plausible_punctuation(name: str) -> bool:
    """Whether a name's punctuation is where names have it: a dot or comma after an initial or
    an abbreviation (H., HJ., MOH., MOCH., S.H.), an apostrophe or hyphen between letters, and
    after an apostrophe at a word's end a vowel (RIFA'I, SYAFI'I; "RIFA'T" is an I misread), and a
    vowel on one side of an apostrophe at least (MU'AWANAH, MAS'UD, MA'RUF: a word break read as
    an apostrophe joins two consonants, "IMAM'RIYADI", read so by all three readings at 150 dpi).
    A speck read as a dot after a word ("KOMARUDIN. RIYADI", "IMAM. HAKIM") is doubt, and so is
    a comma before a name's next word: a comma stands before a title (", S.H."); after an
    initial it is the dot misread ("MUH, RAMADHAN", read so by all three engines at 200 dpi)."""
    if _COMMA_IN_NAME.search(name):
        return False
    for m in re.finditer(r"([A-Z']*)\.", name):  # (a comma is judged above: before a title only)
        # (a dot after no letter is a speck's: "HJ. .AYU", read so by both models, seed 41)
        if not m.group(1) or not abbreviation(m.group(1).replace("'", "")):
            return False
    if re.search(r"'[^AIUEO'\s](?![A-Z])", name) or re.search(r"[B-DF-HJ-NP-TV-Z]'[B-DF-HJ-NP-TV-Z]", name):
        return False
    return re.search(r"(?<![A-Z])['-]|['-](?![A-Z])", name) is None


# Words names print with a dot (titles, abbreviated first names, degrees); besides these an
# initial, or a short word without a vowel (MHD., SDR., S.PD.). A short word that is a name
# ("NUR. NOVITASARI": a speck after NUR read as a dot by all three engines at 150 dpi) is doubt.
ABBREVIATIONS = frozenset(
    {"H", "HJ", "KH", "MOH", "MUH", "MOCH", "MOHD", "MUHD", "MOKH", "MUCH", "ABD", "AHM"}
    | {"DR", "DRS", "IR", "NY", "TN", "RA", "RR", "SE", "AG", "SOS", "KOM", "HUM", "AMD"}
)


def abbreviation(word: str) -> bool:
    """Whether a word read before a dot can be one that names abbreviate so."""
    return len(word) <= 1 or word in ABBREVIATIONS or (len(word) <= 3 and re.search(r"[AIUEO]", word) is None)


_COMMA_IN_NAME = re.compile(r",\s*(?![A-Z]{1,3}\.)(?=[A-Z])")  # a comma before a word, not before a title


# Blank run / line height that can be a word break: blur and JPEG close word gaps after A, T,
# W to 0.17-0.19 while letter gaps stay near 0.08-0.12. Measured on 587 generated list names:
# 5 of 693 possible merges pass unseen, 21 % of right names are doubted (wide fonts, narrow I).
WORD_GAP = 0.16


# Letters from which a name read as one word, its ink showing a run as wide as a word break, may
# be two names run together: the witness reading it alike does not settle it then. At 150 dpi
# all three engines read HENDRA LUBIS as "HENDRALUBIS" (0.91, 0.92, 0.99; seed 13), its break a
# run of 0.17; the 141 one-word names settled so over the eleven bench sets had 4 to 9 letters.
RUN_TOGETHER = 10


def spaces_agree(name: str, lines: int, gaps: list[float]) -> bool:
    """Whether a name's spaces fit the blank runs of its ink. With k spaces inside the lines,
    the k widest runs are the word breaks; the next one must be clearly narrower (a merged
    "YUNITATHERESIA" left a run of 0.23 among letter gaps of 0.12), and the k-th must not be
    a letter gap. Relative measures as well as absolute ones: some fonts are spaced wide, and
    at 150 dpi a run is only a few pixels."""
    if lines == 0 or not gaps:
        return True
    k = name.count(" ") - (lines - 1)
    if k < 0:
        return False
    ranked = sorted(gaps, reverse=True)
    median = ranked[len(ranked) // 2]
    if k > 0 and (k > len(ranked) or ranked[k - 1] < 0.17):
        return False
    if k < len(ranked):
        nxt = ranked[k]
        # Beside read word breaks, a run 0.6 as wide as the narrowest of them is one more (0.5
        # doubted 10 % more right names on 900 generated rows and caught no more merges); in a
        # name read as one word, a run well above the letter gaps is. A break after a title is
        # no measure: its dot's blank widens it (0.82 after "H.", where both models read
        # "H. NURABDUL WIJAYA" at 0.94 over a break of 0.29: seed 17's 200-dpi list), so a name
        # whose read breaks all follow titles, their dot read or not, is held to its letter gaps.
        limit = 0.6 * ranked[k - 1] if k > _titles(name) else 1.75 * median
        if nxt >= max(WORD_GAP, limit):
            return False
    return True


def _titles(name: str) -> int:
    """How many of a name's words before its last are titles (`DOTTED_TITLES`) or end in a dot."""
    return sum(1 for word in name.split()[:-1] if word.endswith(".") or word in DOTTED_TITLES)


# A blank run this wide (share of the line's height) is a word break: the widest letter gaps of
# 1,350 generated list names at 150, 200 and 300 dpi passed it 5, 7 and 11 times, nearly all
# beside an apostrophe or a dot; two thirds of the narrowest word breaks at 150 dpi reached it.
CLEAR_BREAK = 0.35
# Titles printed with a dot: one read without it may have lost the dot (every engine read
# "HJ LESTARI LESTARI" so, the dot faded), so its word breaks are not taken from the ink alone.
DOTTED_TITLES = frozenset({"H", "HJ", "MOH", "MUH", "MOCH", "MOHD", "MUHD", "MOKH"})


def ran_together(name: str, witnessed: str | None, lines: int, gaps: list[float]) -> bool:
    """Whether the witness read `name`'s letters but ran words together where the ink shows each
    word break clearly (a blank run of CLEAR_BREAK, and no other run so wide). RapidOCR drops
    spaces in print it reads right: "IMAMPRATAMA" at 0.955 from a clean 150-dpi crop whose word
    break was a blank run of 1.08 line heights; both Tesseract models read the space."""
    if witnessed is None or witnessed.replace(" ", "") != name.replace(" ", ""):
        return False
    breaks = name.count(" ") - (lines - 1)
    return (
        lines > 0
        and witnessed.count(" ") < name.count(" ")
        and breaks >= 1
        and sum(g >= CLEAR_BREAK for g in gaps) == breaks
        and not DOTTED_TITLES.intersection(name.split())
    )


def read_name(reader: CellReader, box: tuple[int, int, int, int]) -> tuple[str | None, float]:
    """(name as printed, confidence). On a scan a name is only sure when two independent
    readings (two models, two scales, grey and black-on-white) give the same text and that text fits
    the ink: its length, its word breaks, its punctuation; in small print the witness engine
    must read it too. One confident reading alone was seen
    wrong ("PANO" for PAIJO at 0.97), and two agreeing ones too, where the ink told (a lost
    apostrophe, two words merged)."""
    first = reader.read(box, charset=NAME_CHARS, height=NAME_HEIGHT, name=True)
    name = name_as_printed(first.text) or None
    if name is None:
        return None, 0.0
    if not isinstance(reader, OcrCellReader):  # a text layer
        return name, first.confidence if plausible_punctuation(name) else min(first.confidence, 0.5)
    if not plausible_length(name, reader.expected_chars(box)):
        return name, min(first.confidence, 0.5)  # far more or less text than ink: a stamp, a scribble
    lines, gaps = reader.gaps(box)
    # An apostrophe that all three engines lost (SA'DULLAH, NI'MAH read so at 150 dpi, sure)
    # still shows in the ink, as a mark at the capitals' top.
    places = reader.high_mark_places(box)
    marks = len(places)

    def fits(text: str) -> bool:
        return (
            plausible_punctuation(text)
            and plausible_words(text)
            and (spaces_agree(text, lines, gaps) or balinese_break_fits(text, lines, gaps))
            and marked(text)
            and not misread_speck(text)
        )

    spaced: str | None = None  # the witness's reading where it was asked about the spacing alone
    # Glyphs a speck stuck to them makes every engine misread, each looked for once and only for
    # a reading with the letter they are misread as: an I with a speck on its top (read T where
    # an I would do), a T or an L with one on its stem (read F, and E)
    specked_i = functools.cache(lambda: reader.flagged_stems(box) > 0)
    spurred_tee = functools.cache(lambda: reader.spurred_tees(box) > 0)
    spurred_ell = functools.cache(lambda: reader.spurred_ells(box) > 0)

    def misread_speck(text: str) -> bool:
        return (t_for_i(text) and specked_i()) or ("F" in text and spurred_tee()) or ("E" in text and spurred_ell())

    def marked(text: str) -> bool:
        return text.count("'") >= marks

    # The second reading is by the other model, black on white, at another scale: never the
    # same image and model as the first (the grey readings merged "RATNA THERESIA" at three
    # scales where the binarised one kept the space; at 150 dpi the Indonesian model read
    # SILANG twice where the English one read GILANG).
    second = reader.read(box, charset=NAME_CHARS, height=NAME_CHECK_HEIGHT, binary=True, check=True, name=True)
    again = name_as_printed(second.text)
    confidence = min(first.confidence, second.confidence)
    # In small print the witness reads every name: it must agree for the name to be sure, and
    # in doubt it is the third reading for the guess instead of a third Tesseract reading (the
    # guesses were right on 92.4 against 90.4 % of the names of a generated 150-dpi list).
    small = reader.witness is not None and reader.small_print(box)
    witnessed, witness_conf, doubted_i, witness_spacing = (
        _witness_name_seen(reader, box) if small else (None, 0.0, False, 0.0)
    )
    # The first engine's own character boxes showing a word break it did not read: never sure
    # (at 150 dpi all three engines read "SYAMSULANDI SITORUS" alike, 0.95, its gap a pixel;
    # on seed 7's 150-dpi list 5 right names of 282 more in doubt).
    boxed = respaced(first)
    boxes_agree = boxed is None or name_as_printed(boxed) == name
    if again == name and fits(name) and boxes_agree:
        if reader.witness is None:
            return name, confidence
        if confidence >= NAME_SURE and not small and name_words(name):
            if not long_word(name):
                return name, confidence
            # A word two names long: sure unless the witness reads it as two (where the font sets
            # its word breaks as narrow as its letter gaps, `long_word`)
            witnessed, witness_conf = _witness_name(reader, box)
            if witnessed is None or not _runs_together(_bare(name), [_bare(witnessed)]):
                return name, confidence
        # Tesseract agreeing with itself below NAME_SURE was seen wrong ("ANTONTUS", "SIFORUS"
        # at 0.89), and above it on words no name has ("NJ WAYAN" for NI WAYAN, both models at
        # 0.96): the other engine must read the same.
        if witnessed is None:
            witnessed, witness_conf = _witness_name(reader, box)
        # (a T for an I, a word no name starts so: only a sure witness: "HARYANTG" at 0.40)
        alike = witnessed == name or (ran_together(name, witnessed, lines, gaps) and witness_conf >= WITNESS_FLOOR)
        if alike and (name_words(name) or witness_conf >= WITNESS_FLOOR):
            if doubted_i:
                # In small print, the witness unsure of an I inside a word above all else: the I
                # may carry an apostrophe that serifs and blur joined to it and to the letter
                # beside (NI'MAH read NIMAH by all three engines, both models sure, the witness's
                # I at 0.62: seed 31's 150-dpi list). On seeds 3 and 13's 150-dpi lists, of the
                # 106 names read alike with the witness below WITNESS_FLOOR, its weakest
                # character was a space in 92, an I inside a word in none.
                return name, min(confidence, 0.5)
            # Three readings alike: the other model unsure of what it read as the first did
            # weighs no more than its reading otherwise would (the case below). On seeds 2026
            # and 7's lists (900 names), 16 right names more were sure so ("SAMSUDIN": 0.99,
            # 0.27, the witness 0.998), none wrong.
            settles = WITNESS_SETTLES if first.confidence >= NAME_FIRST_SURE else WITNESS_FLOOR
            if witness_conf >= settles and first.confidence >= NAME_MIN_CONFIDENCE:
                confidence = max(confidence, 1.0 - (1.0 - first.confidence) * (1.0 - witness_conf))
            return name, confidence
    elif (
        again == name
        and reader.witness is not None
        and confidence >= SPACES_SURE
        and name_like(name)
        and marked(name)
        and boxes_agree
        and not misread_speck(name)
        and "-" not in name  # a hyphen fills its gap with ink: a wide blank beside one is a word break
        and not (" " not in name and len(_bare(name)) >= RUN_TOGETHER)
    ):
        # Only the ink's gaps doubt a name both models read alike (a wide letter gap: "SITI",
        # "SUKARNI"): the witness settles that too when it reads the very same, word breaks
        # included, and sure. On seed 2026's list at 150, 200 and 300 dpi: 67 names more sure,
        # none wrong; the merged names the ink's gaps are there for ("RATNATHERESIA", read so
        # by both models at 300 dpi) the witness read otherwise or unsure. Unsure, that is, of
        # a word break: not of a title's dot and the space after it, which every reading has
        # ("MUH. SUBAGYO": the witness's dot 0.82 and space 0.78, its letters 1.0), where the
        # break after the dot is no measure of the others (`spaces_agree`).
        if witnessed is None:
            witnessed, witness_conf, _, witness_spacing = _witness_name_seen(reader, box)
        if witnessed == name and witness_spacing >= SPACES_SURE:
            return name, min(confidence, witness_spacing)
        if not small:
            # asked for the spacing alone, its reading does not vote: it "fitted" the ink as
            # "ERNA'SARI" where both models read ERNA SARI. It is a candidate still, as texts
            # made of the readings are: both models lost a Balinese name's lone I at the cell's
            # edge ("GEDE SUDARSANA"), the witness read "I GEDE SUDARSANA", which the ink's two
            # word breaks fit.
            spaced, witnessed = witnessed, None
    elif (
        reader.witness is not None
        and fits(name)
        and boxes_agree
        and not t_for_i(name)
        and (_bare(again) != _bare(name) or not plausible_punctuation(again))
        and not _break_lost(name, again)
    ):
        # The two Tesseract readings disagree: the witness settles it when it reads the first
        # (the Indonesian model's, grey) exactly and sure, as for a NIK. On seed 2026's list at
        # 150, 200 and 300 dpi, 56 names more were sure so, none wrong. Not where the two differ
        # in punctuation alone: an apostrophe the other model saw, lost by both others, is doubt
        # (NI'MAH: the witness read NIMAH at 0.71). Nor where the first lost a word break the
        # second read: the witness drops spaces itself ("NI KETUTASTITI" at 0.76, seed 17).
        if witnessed is None:
            witnessed, witness_conf = _witness_name(reader, box)
        # With the first reading sure, the witness's exact agreement counts from
        # WITNESS_SETTLES_DISPUTE: over seven seeds' lists (3,150 names) it settled 7 names from
        # 0.6 to 0.7, one wrong ("SIFI" for SITI at 0.68, seed 13), and 179 from 0.7, none wrong.
        settles = WITNESS_SETTLES_DISPUTE if first.confidence >= NAME_FIRST_SURE else WITNESS_FLOOR
        # Not an O the second read as Q: the first model has no Q (`with_q`), its O is no vote.
        q_disputed = with_q(name, [again]) != name
        if witnessed == name and witness_conf >= settles and first.confidence >= NAME_MIN_CONFIDENCE and not q_disputed:
            return name, 1.0 - (1.0 - first.confidence) * (1.0 - witness_conf)
    elif (
        reader.witness is not None
        and not fits(name)
        and fits(again)
        and name_words(again)
        and (_bare(again) != _bare(name) or not plausible_punctuation(name))
        and not _names_run_together(again, name)
    ):
        # The other way round: the first reading does not fit the ink (a speck read as a stray
        # apostrophe, "'SRIYATUN", "SUPRIYADI '"; two words run together, "AYUNUR PUSPITASARI"),
        # the second does, and the witness settles it for the second when it reads the very same,
        # sure: at 0.60 it read "TUG IMAN" with the second for TUGIMAN (seed 3's 150-dpi list).
        # Not where the second only ran two of the first's words together (`_names_run_together`):
        # in small print a word break is a pixel or two, and the first alone read it ("RATNA NUR
        # HAYATI", the second and the witness "RATNANUR HAYATI", sure: seed 41's 150-dpi list).
        if witnessed is None:
            witnessed, witness_conf = _witness_name(reader, box)
        if witnessed == again and witness_conf >= SPACES_SURE and second.confidence >= NAME_MIN_CONFIDENCE:
            return again, 1.0 - (1.0 - second.confidence) * (1.0 - witness_conf)
    # In doubt the entry goes to review whatever is read next; more readings only choose the
    # best guess to show the reviewer: a text that fits the ink, the most often read.
    # (They do not clear the doubt: "RIFA'I" read as "RIFAT" at three scales out of four.)
    # The first model's readings count with their O made Q where the others read Q and none O
    # (`with_q`: that model has no Q). Only here, for the guess: an O with a speck at its foot
    # is read Q by both others ("SANTOSQ", sure, seed 3), so a Q the first model could not
    # confirm leaves the name in doubt.
    others = [again, witnessed]
    readings = [with_q(name, others), again]
    if witnessed:  # (not asked for the guess alone in larger print: it costs three Tesseract readings)
        readings.append(witnessed)
    if not small:
        third = reader.read(box, charset=NAME_CHARS, height=NAME_CHECK_HEIGHT, name=True)
        readings.append(with_q(name_as_printed(third.text), others))
    # A Balinese I or NI run into the next word votes for the two words: "IPUTU" twice and "PUTU"
    # once (a lone I lost beside the label) hold I twice and PUTU three times.
    readings = [split_balinese_prefix(r) or r for r in readings]
    # An apostrophe's mark no reading has, where one read a T: the I beside the mark, read with
    # it as a T ("SYAFTI", "SYAFIT" for SYAFI'I; "RIFAT"; "ROBTAH"), votes for the I and the mark
    along = [mark[1:] for mark in places if mark[0] == 0] if lines == 1 else []
    readings = [next(iter(apostrophe_for_t(r, along)), r) if r and r.count("'") < marks else r for r in readings]
    # and a word break read as an apostrophe where the ink has no mark but a clear break: a
    # space ("INDAH'ASTUTI" by two readings of three, seed 47; not "RINA'NOVITASARI", seed 41, a
    # wide letter gap beside its break: counting clear breaks instead took real apostrophes
    # that left a blank as wide for breaks, 12 over the sets)
    readings = [(break_for_mark(r, lines, gaps) if r and not marks else None) or r for r in readings]
    # Texts made of the readings (a word break put back, punctuation tidied) are candidates,
    # but only the engines' readings vote: two made from "SUGIYEM" by its boxes, read so by
    # both Tesseract models, outvoted it with the witness's "SUGI YEM".
    made = [with_q(name_as_printed(boxed), others)] if boxed else []
    made += [name_as_printed(t) for t in (respaced(second),) if t] + ([spaced] if spaced else [])
    made += [name] if readings[0] != name else []  # (the Q the others read, not a name's: "KQMARUDIN")
    made += [tidy_punctuation(t) for t in readings + made if t and not plausible_punctuation(t)]
    made += [t for t in map(split_doubled_vowel, readings + made) if t]
    made += [t for t in map(split_balinese_prefix, made) if t]
    if marks:  # an apostrophe's mark in the ink, between two Is that every engine read run together
        made += [t for t in map(apostrophe_between_is, readings + made) if t]
    guess = max((t for t in readings + made if t), key=lambda t: _likeliness(t, readings, fits(t), small))
    return guess, min(first.confidence, 0.5)


def with_q(text: str, others: list[str | None]) -> str:
    """`text`, read by the first model, with an O made Q where a reading of `others` (by models
    that have a Q) reads Q in its place and none reads O there; aligned with Q taken for O, so
    a letter lost or added elsewhere does not shift the places ("MUSTAOI'IN", "MUSTAQTI'IN").

    The first Tesseract model (Debian's `ind` traineddata) cannot write a Q: its alphabet
    (`combine_tessdata -u`, the lstm-unicharset) has every Latin letter but Q and q. It read
    every Q as O ("MUSTAOI'IN"), so every name with a Q (TAUFIQ, RIZQI, ISHAQ) stayed in doubt,
    and the guess shown was its O, which the same model read twice."""
    if "O" not in text:
        return text
    q: set[int] = set()
    o: set[int] = set()
    for other in filter(None, others):
        for op in Levenshtein.opcodes(text, other.replace("Q", "O")):
            if op.tag == "equal":
                seen = {i: other[op.dest_start + i - op.src_start] for i in range(op.src_start, op.src_end)}
                q.update(i for i, ch in seen.items() if ch == "Q")
                o.update(i for i, ch in seen.items() if ch == "O")
    return "".join("Q" if i in q and i not in o else ch for i, ch in enumerate(text))


def _likeliness(
    text: str, readings: list[str], fits: bool, small: bool
) -> tuple[bool, bool, bool, float, int, int, int, bool]:
    """How likely a reading is the name, to rank the guesses: fitting the ink, and punctuation
    and words a name can have, first, then how many readings hold each of its words (a stamp's
    ring beside a name was read as another short word each time: "RATNA LESTARI MANAN", "...
    ATTI"), then how many readings are the very same. In small print a word gap is a pixel or
    two wide: the ink's word breaks count as one more reading there, not as the first test."""
    # A word's support counts the readings that hold it with or without its apostrophes, and
    # among readings alike but for them the one with an apostrophe is the likelier: at 150 dpi
    # the mark was lost by one model and the witness ("WULAN NIMAH") where the other read it
    # ("NI'MAH", 0.98). A word break read as an apostrophe is another word, and no support.
    # A comma after a word is an initial's dot read so (names have no commas): "MUH, RAMADHAN"
    # twice and "MUH RAMADHAN" once hold MUH. twice, MUH once.
    words = [_vote(w) for w in text.split()]
    bare = [[_vote(w) for w in r.split()] for r in readings if r]
    support = sum(sum(w in r for r in bare) for w in words) / max(1, len(words))
    # A T where an I would stand ("WULANDART"), or a word no name starts so ("SUKA RNI": a wide
    # letter gap made a word break of the boxes), is doubt too when another reading has none.
    words_ok = name_words(text) and not _break_as_mark(text, readings)
    marks = text.count("'")
    # A word of RUN_TOGETHER letters that another reading reads as two names is two names run
    # together ("HJ. RINAMAGDALENA PERTIWI" by both Tesseract models, the witness "RINA MAGDALENA"):
    # its support is one reading less.
    support -= _runs_together(text, readings)
    # A word most readings hold that the text lacks where they have it, between the same
    # neighbours, counts against it as a reading would: the average above gains by a weakly
    # read word dropped (a Balinese I at the cell's edge, read by the first model, the witness
    # and the third reading, lost by the second: "MADE ASTITI" held 3 readings a word, "I MADE
    # ASTITI" 2.7).
    support -= _dropped_words(text, readings)
    # Last, a word's final I that another reading lost (a thin last stroke beside the word
    # break or the cell's edge: "SUWARN", "YUL LESTARI", "SIT ANI PERTIWI"; over the eleven bench
    # sets 4 names more were guessed right so, none less).
    final_i = _final_i_lost(text, readings)
    # Among texts as well supported, the one whose letters more readings hold, their word breaks
    # and apostrophes aside: "RINAASTUJI" once and "RINAASTUTI" twice, both run together, make
    # RINA ASTUTI, not RINA ASTUJI.
    same = sum(_letters(r) == _letters(text) for r in readings if r), marks, readings.count(text), final_i
    if small:
        return plausible_punctuation(text), words_ok, True, support + fits, *same
    return words_ok, fits, plausible_punctuation(text), support, *same


def _letters(text: str) -> str:
    """A text's letters alone: `_bare` without its word breaks either."""
    return _bare(text).replace(" ", "")


def _vote(word: str) -> str:
    """A word as `_likeliness` counts it among the readings: without apostrophes, a comma a dot."""
    return word.replace("'", "").replace(",", ".")


def _break_as_mark(text: str, readings: list[str]) -> bool:
    """Whether a mark of `text` stands where readings read a word break: an apostrophe where
    two readings or more read one (a speck at the capitals' top between two names:
    "YUNITA'WULANDARI", three readings of four "YUNITA WULANDARI"; the ink's mark made the
    apostrophe fit; one reading alone is no evidence: NI'MAH is read "NI MAH" often), or a
    hyphen joining two parts that a reading reads apart or as one word (a speck at mid-height
    in a gap, which it fills: "DIMAS-WIBOWO" three times, "DIMAS. WIBOWO"; "MAGDAL-ENA" twice,
    "MAGDALENA"). Over the eleven bench sets 9 names more were guessed right so, none less."""
    if "'" in text and readings.count(text.replace("'", " ")) >= 2:
        return True
    for m in _HYPHENED.finditer(text):
        apart = re.compile(rf"\b{m.group(1)}(?:[-.,]?\s+|){m.group(2)}\b")
        if any(apart.search(r) for r in readings if r):
            return True
    return False


_HYPHENED = re.compile(r"([A-Z]{2,})-([A-Z]{2,})")


def _dropped_words(text: str, readings: list[str]) -> int:
    """How many words more than half the readings hold `text` lacks, each where a reading
    holding it has it: between the two words (or the start or end) that stand side by side in
    `text`. A word two others were run into is not dropped: its neighbours are not."""
    held = [[_vote(w) for w in r.split()] for r in readings if r]
    words = [None, *(_vote(w) for w in text.split()), None]
    pairs = set(itertools.pairwise(words))
    dropped = set()
    for reading in held:
        for i, word in enumerate(reading):
            if word in words or 2 * sum(word in r for r in held) <= len(held):
                continue
            around = (reading[i - 1] if i else None, reading[i + 1] if i + 1 < len(reading) else None)
            if around in pairs:
                dropped.add(word)
    return len(dropped)


def _final_i_lost(text: str, readings: list[str]) -> bool:
    """Whether another reading is `text` without the I that ends one of its words."""
    ends = [
        i
        for i, ch in enumerate(text)
        if ch == "I" and i > 0 and text[i - 1] != " " and text[i + 1 : i + 2] in ("", " ")
    ]
    return any(text[:i] + text[i + 1 :] in readings for i in ends)


def long_word(name: str) -> bool:
    """Whether a name has a word of RUN_TOGETHER letters or more: it may be two names run
    together, where the font sets its word breaks as narrow as its letter gaps. Both models read
    "SYAMSULABDUL SITORUS" at 0.98 (seed 23, 300 dpi), the ink's widest run 0.27 among letter
    gaps up to 0.23; the witness read SYAMSUL ABDUL SITORUS."""
    return any(len(word) >= RUN_TOGETHER for word in _bare(name).split())


def _runs_together(text: str, readings: list[str]) -> bool:
    """Whether a word of `text`, RUN_TOGETHER letters or longer, is two words of another reading
    of four letters or more each (a part of three is a wide letter gap's: "FIRMANS YAH")."""
    words = set(text.split())
    for reading in readings:
        parts = reading.split() if reading else []
        for a, b in itertools.pairwise(parts):
            if len(a) >= 4 and len(b) >= 4 and len(a + b) >= RUN_TOGETHER and a + b in words:
                return True
    return False


# Two consonants that start names: Indonesian (KH, NG, NY, SY; TJ, DJ of the old spelling),
# Javanese (DW, MB, ND, SR, SL), Batak and Christian names (BR, CHR, FR, PR, ST, TH, ...), and
# the titles and abbreviations HJ. and MHD.
_ONSET = re.compile(r"B[LR]|C[HLR]|D[JRW]|F[LR]|G[LR]|HJ|K[HLRW]|M[BH]|N[DGY]|P[HLR]|S[CHKLMNPRTWY]|T[HJRS]|WR")


def plausible_onsets(name: str) -> bool:
    """Whether every word of a name starts as names do: with a vowel, one consonant, or two
    that start names ("RNI", "TLHAM", "NTMAH" do not)."""
    for word in re.findall(r"[A-Z]+", name):
        if len(word) >= 2 and word[0] not in "AIUEOY" and word[1] not in "AIUEOY" and not _ONSET.match(word):
            return False
    return True


def respaced(reading: OcrText) -> str | None:
    """The reading with a space put back where the engine's own character boxes show a gap as
    wide as a word break inside a word (blur and JPEG narrow a word break until it reads
    "REZARUDI"); None when nothing changes or the engine told no boxes. Only a guess for the
    reviewer: the entry stays in doubt."""
    chars = "".join(ch for ch, _ in reading.symbols)
    if not reading.boxes or chars != reading.text.replace(" ", ""):
        return None
    words: list[list[int]] = [[]]
    k = 0
    for ch in reading.text:
        if ch == " ":
            words.append([])
        else:
            words[-1].append(k)
            k += 1
    b = reading.boxes
    heights = sorted(b[i][3] - b[i][1] for w in words for i in w if reading.symbols[i][0].isalpha())
    if not heights:
        return None
    tall = heights[len(heights) // 2]
    inside = [(i, b[j][0] - b[i][2]) for w in words for i, j in itertools.pairwise(w)]
    between = [b[w2[0]][0] - b[w1[-1]][2] for w1, w2 in itertools.pairwise(words) if w1 and w2]
    between = [g for g in between if g <= 1.5 * tall]  # lines set side by side are farther apart
    if not inside:
        return None
    usual = sorted(g for _, g in inside)[len(inside) // 2]
    floor = max(0.3 * tall, 2.5 * max(usual, 1), 0.7 * min(between) if between else 0.0)
    breaks = {i for i, g in inside if g >= floor}
    if not breaks:
        return None
    out: list[str] = []
    for w in words:
        out.append("".join(reading.symbols[i][0] + (" " if i in breaks else "") for i in w))
    return " ".join(" ".join(out).split())


def _witness_name(reader: OcrCellReader, box: tuple[int, int, int, int]) -> tuple[str | None, float]:
    """(the witness's reading as printed, or None; its confidence: that of its weakest
    character but for the spaces, dots and apostrophes around the name, which are no part of
    it. On seed 2026's 300-dpi lists RapidOCR read " SLAMET" at 0.61 and " EKO AGUS MAULANA ."
    at 0.61 from crops' margins, and "DWI HARTONO'" from a speck after the name, at 0.16: names
    both Tesseract models read alike went to review.)"""
    text, confidence, _, _ = _witness_name_seen(reader, box)
    return text, confidence


def _witness_name_seen(reader: OcrCellReader, box: tuple[int, int, int, int]) -> tuple[str | None, float, bool, float]:
    """`_witness_name`, whether the witness doubts an I inside a word (`doubts_inner_i`), and
    its confidence in the name's spacing (`spacing_confidence`)."""
    got = reader.witness_read(box, charset=WITNESS_NAME_CHARS, name=True)
    if got is None:
        return None, 0.0, False, 0.0
    chars = list(got.symbols)
    while chars and chars[0][0] in _BEFORE_NAME:
        chars.pop(0)
    while chars and (chars[-1][0] in _AFTER_NAME or _speck_after("".join(c for c, _ in chars[-2:]))):
        chars.pop()
    confidence = min((c for _, c in chars), default=0.0) if got.symbols else got.confidence
    text = name_as_printed(got.text).lstrip(_BEFORE_NAME)
    spacing = spacing_confidence(chars) if got.symbols else got.confidence
    return (text[:-1] if _speck_after(text) else text) or None, confidence, doubts_inner_i(chars), spacing


def spacing_confidence(chars: list[tuple[str, float]]) -> float:
    """The weakest confidence of a reading's characters but for a dot after a letter (a title's,
    "MUH.") and the space after it: what a reading says of a name's letters and word breaks."""
    skip: set[int] = set()
    for i, (ch, _) in enumerate(chars):
        if ch == "." and i > 0 and chars[i - 1][0].isalpha():
            skip.add(i)
            if i + 1 < len(chars) and chars[i + 1][0] == " ":
                skip.add(i + 1)
    return min((c for i, (_, c) in enumerate(chars) if i not in skip), default=0.0)


def doubts_inner_i(chars: list[tuple[str, float]]) -> bool:
    """Whether the weakest of a reading's characters is an I, below WITNESS_FLOOR, with a
    letter on either side of it."""
    if len(chars) < 3:
        return False
    k = min(range(len(chars)), key=lambda i: chars[i][1])
    return (
        chars[k][0] == "I"
        and chars[k][1] < WITNESS_FLOOR
        and 0 < k < len(chars) - 1
        and chars[k - 1][0].isalpha()
        and chars[k + 1][0].isalpha()
    )


# What stands at a name's ends only as a speck or the crop's margin read: what `name_as_printed`
# strips, and before the name an apostrophe too (names have theirs between letters: NI'MAH)
_AFTER_NAME = " .,-"
_BEFORE_NAME = _AFTER_NAME + "'"


def _speck_after(text: str) -> bool:
    """Whether a reading ends in an apostrophe after a consonant: a speck after the name read so
    ("DWI HARTONO'", "YOGA HAKIM'"). After a vowel it is where a last letter was lost ("RIFA'",
    "SYAFI'"), and stays."""
    return len(text) >= 2 and text[-1] == "'" and text[-2] in "BCDFGHJKLMNPQRSTVWXYZ"


# The witness reads a name in capitals: a small letter, a digit or a stroke it doubts beside a
# capital is that capital (the engine adds their probabilities, `rapid._stands_for`).
WITNESS_NAME_CHARS = "".join(ch for ch in NAME_CHARS if not ch.islower())


def _break_lost(name: str, other: str) -> bool:
    """Whether `name` is `other` with fewer word breaks, its letters the same."""
    mine, theirs = _bare(name), _bare(other)
    return mine.replace(" ", "") == theirs.replace(" ", "") and mine.count(" ") < theirs.count(" ")


def _names_run_together(merged: str, name: str) -> bool:
    """Whether `merged` is `name` with words of three letters or more run together, each word a
    name's (`name_words`). A part of two letters is a wide letter gap read as a break: "SAMSUD
    IN" for SAMSUDIN, where the second reading and the witness read the name right (seed 59)."""
    if not _break_lost(merged, name) or not name_words(name):
        return False
    kept = set(_bare(merged).split())
    return all(len(part) >= 3 for part in _bare(name).split() if part not in kept)


def name_words(name: str) -> bool:
    """Whether a reading's words can be names: none too long or doubling a vowel, no T for an
    I, every word starting as a name does (`plausible_words`, `t_for_i`, `plausible_onsets`)."""
    return plausible_words(name) and not t_for_i(name) and plausible_onsets(name)


def name_like(name: str) -> bool:
    """Whether a reading has a name's punctuation and words (its spacing aside)."""
    return plausible_punctuation(name) and name_words(name)


def _bare(name: str) -> str:
    """A name's letters and word breaks alone: what two readings that differ in punctuation
    only share. (Word breaks differ where one model merged two words, "SITIYUNITA SIREGAR":
    the ink's gaps judge those, `spaces_agree`.)"""
    return " ".join(re.sub(r"[^A-Z ]", "", name).split())


def tidy_punctuation(name: str) -> str:
    """A guess without the punctuation that names do not have where it was read (a speck read
    as a dot after a word that is no initial or abbreviation, a dash beside a space, an
    apostrophe before a word): "MUHAMMAD. JUSUF" -> "MUHAMMAD JUSUF", "DEWI. WULANDARI",
    "'SUKARNI"; as `plausible_punctuation` judges them ("MOCH." and "HJ." stay). A comma before a
    name's next word is the dot of an initial: "MUH, RAMADHAN" -> "MUH. RAMADHAN"."""
    s = re.sub(r"(?<=[.,])[.,]+", "", name)  # a speck's dot beside a dot: "HJ.. AYU" -> "HJ. AYU"
    s = re.sub(r"([A-Z']{2,})[.,]", lambda m: m.group(0) if abbreviation(m.group(1)) else m.group(1), s)
    s = _COMMA_IN_NAME.sub(". ", s)  # an initial's dot read as a comma: "MUH, RAMADHAN" -> "MUH. RAMADHAN"
    s = re.sub(r"\s*-\s+|\s+-\s*", " ", s)
    s = re.sub(r"(?<![A-Z])'+", "", s)  # (one at a word's end may be a lost letter's: "SYAFI'" for SYAFI'I)
    return " ".join(s.split())


_DOUBLED = re.compile(r"(?<=[A-Z]{2}([AIU]))(?=\1[A-Z]{2})")


def split_doubled_vowel(name: str) -> str | None:
    """The name with a word break put back between a doubled vowel that ends one name and
    starts the next ("MEGAANNISA" -> "MEGA ANNISA", "MAGDALENAANI"), or None: a break after an
    A was read away often at 150 and 200 dpi, and names rarely double a vowel. Only a guess for
    the reviewer. Three letters at least on each side: "SYAFII" is RIFA'I's lost apostrophe."""
    out = _DOUBLED.sub(" ", name)
    return out if out != name else None


# Balinese names start with I (men) or NI (women) before a birth-order or caste name: I NYOMAN,
# NI PUTU, I GUSTI. The lone I stands close to the next word: all three engines read "INYOMAN
# ARTAWAN" (seed 29, 300 dpi), and one read "IPUTU WIDIASTUTI" (seed 11).
_BALINESE_NAMES = "PUTU|GEDE|WAYAN|MADE|KADEK|NENGAH|NYOMAN|KOMANG|KETUT|GUSTI"
_BALINESE = rf"(?<![A-Z'])(N?I)(?=(?:{_BALINESE_NAMES})(?![A-Z']))"
_BALINESE_RUN = re.compile(_BALINESE)
_BALINESE_BREAK = re.compile(_BALINESE.replace("(?=", " (?=", 1))


def split_balinese_prefix(name: str) -> str | None:
    """The name with the break put back after a Balinese name's I or NI run into the next word
    ("INYOMAN ARTAWAN" -> "I NYOMAN ARTAWAN"), or None."""
    out = _BALINESE_RUN.sub(r"\1 ", name)
    return out if out != name else None


def balinese_break_fits(name: str, lines: int, gaps: list[float]) -> bool:
    """Whether the ink's gaps fit `name` read without the break after a Balinese I or NI: that
    break may be as narrow as a letter gap (every engine ran "I NYOMAN" together)."""
    joined = _BALINESE_BREAK.sub(r"\1", name)
    return joined != name and spaces_agree(joined, lines, gaps)


_DOUBLED_I = re.compile(r"(?<=[A-Z])I(?=I)")


def apostrophe_between_is(name: str) -> str | None:
    """The name with an apostrophe put back between two Is ("SYAFII" -> "SYAFI'I", "MUSTAQIIN"
    -> "MUSTAQI'IN"), or None: the mark of SYAFI'I and MUSTAQI'IN was lost by every engine at
    150 and 200 dpi, where the ink still showed it. Only a guess for the reviewer, and only
    where the ink has the mark."""
    out = _DOUBLED_I.sub("I'", name)
    return out if out != name else None


def apostrophe_for_t(name: str, marks: list[tuple[int, float, bool, bool]]) -> list[str]:
    """The name with a T that stands where the ink has an apostrophe's mark beside a bare stem
    read as that I and the mark: an I beside an apostrophe is read T by every engine at 150 and
    200 dpi (SYAFI'I as "SYAFTI" and "SYAFIT", RIFA'I as "RIFAT", ROBI'AH as "ROBTAH"). `marks`
    holds for each mark how many letters stand left of it in the ink (the T's letters before it,
    or one more with its I first, or up to two less where letters before it ran together:
    "ILHAM RIFAT" at 150 dpi, 7 glyphs before the mark, 9 letters before the T), its place
    along the ink (within MARK_PLACE of the T's among the text's characters: where many
    letters ran together, the count alone put a mark of ROBI'AH by RAHMAWATI's T), and whether
    the letter before it, and the one after it, is a stem. A speck beside a T has a T beside
    it: RAHMAWATI is no "RAHMAWAI'I". Only the texts a name's punctuation and words allow.
    Only a guess for the reviewer."""
    out = []
    for i, ch in enumerate(name):
        if ch != "T":
            continue
        before, place = sum(c.isalpha() for c in name[:i]), (i + 0.5) / len(name)
        near = [(n, a, b) for n, at, a, b in marks if before - 2 <= n <= before + 1 and abs(at - place) <= MARK_PLACE]
        # (not where the stem is after the mark alone: a T whose bar broke off on the left is
        # that too, "RAHMAWAI'I" for RAHMAWATI on seed 47's 150-dpi letter 12; so "SYAFTI" with
        # its F and I run together into one glyph before the mark stays a T)
        made = [name[:i] + "I'" + name[i + 1 :]] if any(stem for _, stem, _ in near) else []
        made += [name[:i] + "'I" + name[i + 1 :]] if any(stem for _, _, stem in near) else []
        out += [t for t in made if plausible_punctuation(t) and plausible_words(t)]
    return out


MARK_PLACE = 0.15  # a mark's place along the ink and a letter's along the text: proportional print


def break_for_mark(name: str, lines: int, gaps: list[float]) -> str | None:
    """The name with its apostrophes made word breaks where the ink has a clear break
    (CLEAR_BREAK) that the name's spaces leave unexplained and the breaks would explain
    (`spaces_agree`), or None. For an ink without an apostrophe's mark: a mark fused with a
    letter (NI'MAH at 150 dpi) fills its gap, so the name keeps its apostrophe there."""
    if "'" not in name or not gaps or max(gaps) < CLEAR_BREAK or spaces_agree(name, lines, gaps):
        return None
    spaced = " ".join(name.replace("'", " ").split())
    return spaced if spaces_agree(spaced, lines, gaps) else None


LONGEST_WORD = 14  # letters; Javanese names run to 13 (KUSUMANINGRUM), two run together longer


# A T where names have an I: at a word's start before a consonant (ILHAM, INDRA, IMAM; but THOMAS,
# TRI, TJAHJO, TYAS), at its end after one (LESTARI, WULANDARI; but ROBERT), or between two
# (KURNIASIH, NI'MAH; but SANTRI, ESTHER, ANTHONY: the witness reads those alike). Both Tesseract
# models read the I of a blurred 200-dpi list as T alike and sure ("TLHAM", "WULANDART",
# "KURNIASTH").
_T_FOR_I = re.compile(
    r"(?<![A-Z])T(?=[BCDFGKLMNPQTVXZ])"
    r"|(?<=[BCDFGHJKLMNPQRSTVWXZ])T(?![A-Z])"
    r"|(?<=[BCDFGHJKLMNPQRSTVWXZ])T(?=[BCDFGHJKLMNPQRSTVWXZ])"
)


def t_for_i(name: str) -> bool:
    """Whether a name has a T where an I misread as T would stand: the other engine must then
    read the name alike for it to be sure."""
    return _T_FOR_I.search(name) is not None


def plausible_words(name: str) -> bool:
    """Whether each word of a name could be one name: a lost word break between two names
    ("MAGDALENAANI", "SYAMSULANTONIUS") shows as a doubled vowel or an overlong word, and so
    does a lost apostrophe ("SYAFII", "MUSTAQIIN"). Indonesian names rarely double a, i or u."""
    words = re.split(r"[ .,'-]+", name)
    if re.search(r"(?<![A-Z.'-])[TLJ](?= |$)", name):
        return False  # a lone T, L or J is an I misread ("T GEDE" for the Balinese I GEDE)
    if re.search(r"[B-DF-HJ-NP-TV-Z]L(?= |$)", name):
        return False  # so is an L ending a word after a consonant ("SUPRIYADL", all three engines)
    if split_balinese_prefix(name):
        return False  # a Balinese name's I or NI run into the next word: "INYOMAN"
    return all(len(word) < LONGEST_WORD and not re.search("AA|II|UU", word) for word in words)


# A date read cleanly at the end of the cell ("17-08-1985", "17 AGUSTUS 1985"); a date found in
# a garbled reading ("093-0903-1987" gave 09-03-1987) is asked of the witness.
_PLAIN_DATE = re.compile(r"(?<![\d-])(\d{1,2}[-/.]\d{1,2}[-/.]|\d{1,2}\s+[A-Za-z]{3,}\s+)\d{4}[\s.,'\"“”-]*$")


def read_birth(reader: CellReader, box: tuple[int, int, int, int]) -> tuple[str | None, dt.date | None, float]:
    """(place, date, confidence) of a "TEMPAT, DD-MM-YYYY" cell. Tesseract misreads a leading
    0 of the day or month as 9 with this print ("96-11-1989"); such a date does not parse, or
    needs fixes, and the witness engine (which reads these digits well) is asked then."""
    first = reader.read(box, height=NAME_HEIGHT)
    place, date, fixes = parse_birth_detail(first.text)
    if date is not None and fixes == 0 and _PLAIN_DATE.search(first.text):
        return place, date, first.confidence
    got = reader.witness_read(box) if isinstance(reader, OcrCellReader) else None
    if got is not None:
        w_place, w_date, w_fixes = parse_birth_detail(got.text)
        plain = w_fixes == 0 and _PLAIN_DATE.search(got.text) is not None
        if w_date is not None and (date is None or w_date == date or plain or w_fixes < fixes):
            agreed = w_date == date
            conf = max(first.confidence, got.confidence) if agreed else got.confidence * (0.85**w_fixes)
            return place or w_place, w_date, conf
    return place, date, first.confidence * (0.85**fixes) if date else 0.0


def birth_the_nik_confirms(
    reader: CellReader, box: tuple[int, int, int, int], nik: str, birth_date: dt.date
) -> tuple[str | None, dt.date, float] | None:
    """(place, date, confidence) of the birth cell `box` read again by the witness engine, where
    the date read first contradicts a sure `nik` and the witness reads the date the NIK's own
    digits say (two independent readings alike); else None. Tesseract read "1999" for 1990 and
    "03" for 13 in small print, and right entries went to review as NIK_UNREADABLE."""
    if not matches_printed(nik, birth_date, None) or not isinstance(reader, OcrCellReader):  # (the date's parts alone)
        return None
    got = reader.witness_read(box)
    if got is None:
        return None
    place, date, fixes = parse_birth_detail(got.text)
    if date is None or matches_printed(nik, date, None):
        return None
    return place, date, got.confidence * (0.85**fixes)


def read_nik(
    reader: CellReader,
    box: tuple[int, int, int, int],
    printed: tuple[dt.date | None, str | None] = (None, None),
) -> tuple[str | None, float]:
    """(NIK, confidence); `printed`: the row's birth date and sex, to choose the guess by
    when nothing is sure. Two Tesseract readings (other scales, other preparations) that agree
    above SURE are sure (in small print, unless the witness reads another NIK, sure); otherwise
    the witness engine (RapidOCR) reads the cell: a NIK both engines read alike is sure (their
    doubts combined as independent), anything else has confidence 0 and goes to review with
    the likeliest reading.

    Tesseract can misread a digit with high confidence at one scale (a 7 as 1 at 23 px, right
    at 17 px); on degraded generated pages two Tesseract readings also agreed on a wrong digit
    at 0.88-0.94, and both engines on one blurred 4 (read 1), the witness then at 0.60.
    """
    if not isinstance(reader, OcrCellReader):  # a text layer: one reading is the text
        got = reader.read(box, charset=NIK_CHARSET, boxed_digits=True)
        nik, fixes = extract_nik(got.text)
        return nik, (got.confidence * 0.85**fixes if nik else 0.0)
    # The second reading is never the same image as the first, so never the same mistake by
    # construction, and also differs in its preparation: gaps kept as printed (closing them
    # welded a blurred "3135" into "3115"), unless the digits stand one per box, spread out.
    spread = reader.digits_spread(box)
    small = reader.small_print(box, boxed_digits=True, below=NIK_SMALL_PRINT)
    # A 0 broken open on its right reads 6 to every engine, an 8 that blur made narrow 9 to both
    # models: such digits are never sure, however the engines agree (`Misshapen`)
    misshapen = Misshapen(reader, box)
    early: OcrText | None = None  # the witness's reading, where it was asked first
    if small:
        # Small print (150 dpi: digits of 11-13 px) read at 15 px, as larger print is, lost a
        # digit in six (369 of 450 NIKs of a generated 150-dpi list right, against 436 at 20
        # px), and that reading and the one at 20 px agreed on 3 wrong NIKs above SURE. Here
        # the first reading is at 20 px and the second by the other model, black on white, at
        # 26 px: 0 wrong among 361 agreeing (the same list), 0 at 200 dpi.
        first = reader.read(box, charset=NIK_CHARSET, boxed_digits=True, height=NAME_HEIGHT, close_gaps=spread)
        # The witness reads every NIK in small print: asked before the other model, its
        # reading alike, sure of every digit, with the first sure, settles the NIK as the rest
        # of this function would whatever the other model read (`settled_early`).
        early = reader.witness_read(box, charset=DIGITS, boxed_digits=True)
        settled = settled_early(first, early, misshapen)
        if settled is not None:
            return settled
        second = reader.read(
            box,
            charset=NIK_CHARSET,
            boxed_digits=True,
            height=NAME_CHECK_HEIGHT,
            binary=True,
            check=True,
            close_gaps=spread,
        )
    else:
        # 15 px, then 20 px by the other model: one model read a 6 with a speck on it as 8 at
        # both scales, sure (0.97, 0.98: seed 7's 200-dpi list, digits in boxes), the other a 6
        first = reader.read(box, charset=NIK_CHARSET, boxed_digits=True)
        second = reader.read(
            box, charset=NIK_CHARSET, boxed_digits=True, height=NAME_HEIGHT, close_gaps=spread, check=True
        )
    readings = [r for r in map(nik_reading, (first, second)) if r is not None]
    # A NIK of a district the reference table does not hold is never sure: both models read a
    # blurred 0 as 6 alike, sure, "317363..." (seed 5's 150-dpi list; Jakarta Barat has the
    # districts 01-08). The table lags behind new kecamatan, so such a NIK is only in doubt.
    agreed = len(readings) == 2 and readings[0][0] == readings[1][0]
    sure = (
        agreed
        and min(c for _, c in readings) >= SURE
        and district_known(readings[0][0])
        and not misshapen.reads_wrong(readings[0][0])
    )
    if sure and not small:
        return readings[0][0], min(c for _, c in readings)
    seen = early if small else reader.witness_read(box, charset=DIGITS, boxed_digits=True)
    witnessed = extract_nik(seen.text)[0] if seen is not None else None
    # In small print the witness reads a sure NIK too, and one it reads otherwise, sure, is in
    # doubt: both models read a 3 as 2 alike, at 0.99 (seed 5's 150-dpi list: "...0029" for
    # ...0039), the witness 3 at 0.98. On seeds 3 and 5's 150-dpi lists (900 NIKs) it read
    # every other NIK the models agreed on alike, or not sure.
    if sure and (seen is None or witnessed in (None, readings[0][0]) or seen.confidence < WITNESS_FLOOR):
        return readings[0][0], min(c for _, c in readings)
    if (
        seen is not None
        and witnessed is not None
        and district_known(witnessed)
        and not misshapen.reads_wrong(witnessed)
    ):
        agreeing = [c for n, c in readings if n == witnessed]
        if agreeing and seen.confidence >= WITNESS_FLOOR and _decides(seen, witnessed, [n for n, _ in readings]):
            return witnessed, 1.0 - (1.0 - max(agreeing)) * (1.0 - seen.confidence)
    # Nothing sure: the guess for review is, of the readings, one that can be a NIK (a province,
    # regency and date that exist), agreeing with the `printed` (birth date, sex) of the row,
    # of a district that exists, that its engine was surest of. Surest alone was right on 444,
    # 448 and 450 of the 450 NIKs of seed 2026's list at 150, 200 and 300 dpi; the witness's
    # reading on 426, 444 and 447, the one most readings gave on 440, 447 and 448.
    # Where that one fails a check, the readings combined digit by digit may pass it (`guess_nik`).
    found = [*readings, *([(witnessed, seen.confidence)] if seen is not None and witnessed else [])]
    guess = guess_nik(found, [r for r in (first, second, seen) if r is not None], *printed)
    if guess is None:
        return None, 0.0
    return guess if district_known(guess) else district_by_one_digit(guess) or guess, 0.0


def district_by_one_digit(nik: str) -> str | None:
    """The NIK with one digit of its district code (its first six) changed for one that digit
    is confused with (`one_confusable_away`), where that gives a district of the reference table
    and no other such change does; else None. For the guess shown to the reviewer when no
    reading is of a district that exists: every engine read a blurred 0 as 6 ("317363..." for
    317303..., Jakarta Barat having 01-08), or a 3 as 8 ("8173..."), on seed 5's 150-dpi list."""
    found = {code + nik[6:] for code in one_confusable_away(nik[:6]) if district_known(code + nik[6:])}
    return found.pop() if len(found) == 1 else None


class Misshapen:
    """Digits of a NIK cell that the ink's shape says were misread, looked at once and only
    where a reading has the digit they are misread as."""

    def __init__(self, reader: OcrCellReader, box: tuple[int, int, int, int]) -> None:
        self._reader, self._box = reader, box
        self._rings: list[bool] | None = None
        self._eights: list[float] | None = None

    def reads_wrong(self, nik: str) -> bool:
        return self.ring_read_six(nik) or self.eight_read_nine(nik)

    def ring_read_six(self, nik: str) -> bool:
        """A 0 broken open on its right reads 6 to every engine: a 6 at the place of such a ring.
        The ring's digit: the one of its place among the glyphs where each glyph is a digit;
        where print ran digits together (or a digit fell apart), one of as many after (before)."""
        if "6" not in nik:
            return False  # (the glyphs not looked at)
        if self._rings is None:
            self._rings = self._reader.opened_rings(self._box)
        merged = len(nik) - len(self._rings)
        return any(
            "6" in nik[max(0, i + min(0, merged)) : i + max(0, merged) + 1]
            for i, ring in enumerate(self._rings)
            if ring
        )

    def eight_read_nine(self, nik: str) -> bool:
        """An 8 that blur made narrow reads 9 to both models: a 9 at the place of a glyph with an
        8's two bowls (its digit: the one at its place, either where it lies near a digit's
        edge; a window of three took the 9s beside 8s, "1989", of right NIKs)."""
        if "9" not in nik:
            return False
        if self._eights is None:
            self._eights = self._reader.eights(self._box)
        places = [at * len(nik) for at in self._eights]
        return any("9" in nik[int(max(0.0, p - EIGHT_SLACK)) : int(p + EIGHT_SLACK) + 1] for p in places)


def settled_early(first: OcrText, seen: OcrText | None, misshapen: Misshapen) -> tuple[str, float] | None:
    """(NIK, confidence) where the first Tesseract reading of a NIK in small print and the
    witness's (`seen`) settle it before the other model is asked, else None. They do where
    they read the same NIK, of a district that exists, with no digit the ink says was misread,
    the first at SURE and the witness sure of every digit (WITNESS_DECIDES): `read_nik` then
    returns that NIK, sure, whatever the other model reads (alike: the three agree; another
    NIK: the witness, sure of the disputed digits, decides for the first; none: the witness
    confirms the first). So the other model is spared (a fifth of a 150-dpi row's reading
    time), and nothing read changes; its confidence is the weaker of the two."""
    read = nik_reading(first)
    if seen is None or seen.confidence < WITNESS_DECIDES or read is None or extract_nik(seen.text)[0] != read[0]:
        return None
    nik, confidence = read
    if confidence < SURE or not district_known(nik) or misshapen.reads_wrong(nik):
        return None
    return nik, min(confidence, seen.confidence)


def nik_reading(got: OcrText) -> tuple[str, float] | None:
    """(NIK, confidence) of a Tesseract reading of a NIK cell, None where it holds none. The
    confidence is the digits' own (specks beside them read as quotes and dots don't matter),
    less for each character that had to be taken for a digit."""
    nik, fixes = extract_nik(got.text)
    return None if nik is None else (nik, got.confidence_of(NIK_LIKE) * (0.85**fixes))


def _decides(seen: OcrText, witnessed: str, readings: list[str]) -> bool:
    """Whether the witness's reading `witnessed` (of `seen`) is sure enough of the digits that
    two Tesseract `readings` dispute to decide between them (where its digits line up with the
    NIK's; else its weakest digit must be)."""
    if len(readings) < 2 or readings[0] == readings[1]:
        return True
    disputed = [i for i, (a, b) in enumerate(zip(*readings, strict=True)) if a != b]
    digits = [(d, c) for d, c in ((nfkc(ch), c) for ch, c in seen.symbols) if d.isdigit()]
    if "".join(d for d, _ in digits) != witnessed:
        return seen.confidence >= WITNESS_DECIDES
    return min(digits[i][1] for i in disputed) >= WITNESS_DECIDES


def sex_by_shape(ink: Gray | None) -> str | None:
    """A lone printed L or P told apart without OCR: P encloses a hole, L does not.

    Only a single glyph-sized component is judged; anything else (two letters, a word,
    handwriting, noise) returns None and is read by OCR. A P whose bowl is broken would come
    out as L; the NIK's own sex digit then disagrees and the row goes to review.
    """
    if ink is None:
        return None
    n, _, stats, _ = components(ink)
    big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 12]
    if len(big) != 1:
        return None
    x, y, w, h = (int(v) for v in stats[big[0], :4])
    if not (0.35 <= w / max(h, 1) <= 1.0) or h < 8:
        return None
    glyph = ink[y : y + h, x : x + w]
    contours, hierarchy = cv2.findContours(glyph, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return None
    holes = [c for c, hier in zip(contours, hierarchy[0], strict=False) if hier[3] >= 0 and cv2.contourArea(c) >= 4]
    if len(holes) == 1:
        _, hy, _, hh = cv2.boundingRect(holes[0])
        return "P" if hy + hh <= h * 0.75 else None  # the bowl sits in the upper part
    if holes:
        return None
    # L: a row of the lower part is ink across most of the width (its foot: a speck stuck
    # under it once made the lowest rows narrow), the top only the stem and its serifs (a
    # serif L's top is 0.53 of its width). Seed 11's lists read such Ls as "2" and "Li".
    bottom = (glyph[int(h * 0.7) :, :] > 0).mean(axis=1).max()
    top = glyph[: int(h * 0.15) + 1, :].any(axis=0).mean()
    return "L" if bottom >= 0.7 and top <= 0.65 else None


def darkest_ink(reader: OcrCellReader, box: tuple[int, int, int, int]) -> Gray | None:
    """The darker of two inks in a cell (its ruling and specks gone): print under a stamp whose
    lighter dye was left on the page (a grey stamp that could not be taken off by its grey).
    Otsu's level among the ink's own greys parts the two; None when the cell holds no ink.
    Seed 3's 150-dpi list: five L/P under a grey stamp's ring and letters were read as none."""
    ink = reader.ink(box)
    if ink is None or not ink.any():
        return None
    x0, y0, x1, y1 = (max(0, v) for v in box)
    crop = reader.gray[y0:y1, x0:x1]
    if crop.shape != ink.shape:
        return None
    inked = crop[ink > 0]
    if len(inked) < 12 or int(inked.max()) - int(inked.min()) < 40:
        return ink  # one ink only
    level, _ = cv2.threshold(inked.reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = np.where((ink > 0) & (crop <= level), 255, 0).astype(np.uint8)
    # the dye's darkest grains stay as crumbs beside the letter: only pieces a third of the
    # largest one count
    n, labels, stats, _ = components(dark)
    if n <= 2:
        return dark
    areas = stats[1:, cv2.CC_STAT_AREA]
    small = np.flatnonzero(areas < areas.max() / 3) + 1
    dark[np.isin(labels, small)] = 0
    return dark


def _numbering_row(row: SupporterRead) -> bool:
    return row.nik is None and len((row.name or "").replace(" ", "")) <= 2


def plausible_length(text: str, expected: float | None) -> bool:
    """Whether a reading has about as many characters as its ink can hold."""
    if expected is None or expected < 3:
        return True
    return 0.5 * expected <= len(text) <= 2.0 * expected


def sex_letter(text: str) -> str | None:
    """L/P from a sex cell: a lone letter (Tesseract often doubles it, "Pp") or a word."""
    letters = set(re.sub(r"[^A-Z]", "", text.upper()))
    if letters == {"L"}:
        return "L"
    if letters == {"P"}:
        return "P"
    return parse_sex(text)


def read_list_page(gray: Gray, reader: CellReader, grid: Grid | None = None) -> ListResult | None:
    """Layout and rows in one call; None when the page holds no supporter list."""
    layout = find_layout(gray, reader, grid)
    if layout is None:
        return None
    return read_list(gray, reader, layout)
