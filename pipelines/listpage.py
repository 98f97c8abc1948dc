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

import re
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from pipelines.cells import (
    CHECK_HEIGHT,
    NAME_CHARS,
    NAME_CHECK_HEIGHT,
    NAME_HEIGHT,
    NAME_RETRY_HEIGHT,
    CellReader,
    OcrCellReader,
)
from pipelines.domain import Reason, SupporterRead
from pipelines.nik import matches_printed
from pipelines.normalize import extract_nik, nfkc, parse_birth_detail, parse_sex
from pipelines.signature import Circle, check_signature, under_stamp
from pipelines.table import Grid, find_grid

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
SURE = 0.95  # two agreeing NIK readings above this need no third (clean scans read 0.97-0.99)
# No digit whitelist for the NIK: with one, Tesseract turns a 7 it is unsure of (it would say
# "/") into a confident 1. Unrestricted, the doubt shows as a non-digit and the NIK is unreadable.
NIK_CHARSET: str | None = None
NAME_MIN_CONFIDENCE = 0.80
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
        if best is None or len(columns) > len(best[1]):
            best = (row, columns)
        if len(columns) >= 5:
            break
    if best is None:
        return None
    row, columns = best
    # Seven columns with at least four header words in their standard places is the form
    # even when a stamp hides NIK or NAMA; otherwise both NAMA and NIK must be read.
    in_place = sum(1 for i, key in enumerate(COLUMNS) if columns.get(key) == (i, i + 1))
    standard = grid.cols == len(COLUMNS) and in_place >= 4
    if not standard and not ({"nik", "name"} <= columns.keys() and len(columns) >= 3):
        return None
    if grid.cols == len(COLUMNS):  # the standard order fills anything the header read missed
        for i, key in enumerate(COLUMNS):
            columns.setdefault(key, (i, i + 1))
    return ListLayout(grid, row, columns)


# ---- rows ------------------------------------------------------------------------------------------


def read_list(gray: Gray, reader: CellReader, layout: ListLayout, stamps: tuple[Circle, ...] = ()) -> ListResult:
    """Every filled body row of the table, as supporters (row numbers from 1 on this page).
    A name or signature under one of `stamps` goes to review (LOW_QUALITY, signature unsure)."""
    grid, cols = layout.grid, layout.columns
    out: list[SupporterRead] = []
    notes: list[str] = []
    first = _first_body_row(grid, layout.header_row)
    filled = [
        r
        for r in range(first, grid.rows)
        # an empty row, or the "(1) (2) (3)" numbering row under the header, is skipped
        if reader.ink_width(grid.span(r, *cols["nik"]), boxed_digits=True) >= 0.2
        or reader.ink_width(grid.span(r, *cols["name"])) >= 0.15
    ]
    text_height = _print_height(reader, grid, cols, filled)
    for r in filled:
        # The row number is the row's place in the table (as the truth and the operator count),
        # not the count of rows read: an unread row must not shift the ones below it.
        row = _read_row(gray, reader, grid, r, cols, r - first + 1, text_height, stamps)
        if not out and r == filled[0] and _numbering_row(row):
            continue  # the "(1) (2) (3) ..." row under the header that noise made look filled
        out.append(row)
    if not out:
        notes.append("list table without filled rows")
    return ListResult(tuple(out), tuple(notes))


def _first_body_row(grid: Grid, header_row: int) -> int:
    """The first supporter row: the one under the header, unless that is the short
    "(1) (2) (3) ..." column-number row of the official form."""
    first = header_row + 1
    heights = sorted(grid.ys[r + 1] - grid.ys[r] for r in range(first, grid.rows))
    if len(heights) >= 3 and grid.ys[first + 1] - grid.ys[first] < 0.6 * heights[len(heights) // 2]:
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
) -> SupporterRead:
    reasons: list[Reason] = []
    nik, nik_conf = read_nik(reader, grid.span(r, *cols["nik"]))

    name_box = grid.span(r, *cols["name"])
    name, name_conf = read_name(reader, name_box)
    if name and under_stamp(name_box, stamps):
        name_conf = min(name_conf, 0.5)

    place, birth_date, birth_conf = None, None, 0.0
    if "birth" in cols:
        birth_read = reader.read(grid.span(r, *cols["birth"]), height=NAME_HEIGHT)
        place, birth_date, date_fixes = parse_birth_detail(birth_read.text)
        birth_conf = birth_read.confidence * (0.85**date_fixes) if birth_date else 0.0

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

    address = None
    signed: bool | None = None
    sig_conf = 0.0
    if "signature" in cols:
        x0, y0, x1, y1 = grid.span(r, *cols["signature"])
        check = check_signature(
            gray[max(0, y0) : y1, max(0, x0) : x1],
            text_height=text_height,
            straight=not isinstance(reader, OcrCellReader),
        )
        signed, sig_conf = check.signed, check.confidence
        if signed and under_stamp((x0, y0, x1, y1), stamps):
            signed, sig_conf = None, 0.3  # a stamp's ring in an empty box looks like pen strokes

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


def name_as_printed(text: str) -> str:
    """Upper case, accents dropped, letters and the punctuation of names (' . , -) kept,
    spaces folded: "Ni’mah" -> "NI'MAH", "H .JOKO" -> "H. JOKO"."""
    decomposed = unicodedata.normalize("NFKD", nfkc(text))
    s = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    s = _NAME_KEEP.sub(" ", re.sub(r"[`’‘´]", "'", s))
    s = re.sub(r"\s+([.,])", r"\1", s)  # "H ." -> "H."
    s = re.sub(r"([.,])(?=[A-Z])", r"\1 ", s)  # "H.JOKO" -> "H. JOKO"
    s = re.sub(r"\s*'\s*", "'", s)  # "NI ' MAH" -> "NI'MAH"
    return " ".join(s.split()).strip(" .,-")


def plausible_punctuation(name: str) -> bool:
    """Whether a name's punctuation is where names have it: a dot or comma after a short word
    (H., HJ., MOH., S.H.), an apostrophe or hyphen between letters. A speck read as a dot
    after a long word ("KOMARUDIN. RIYADI") is doubt, not a name."""
    for m in re.finditer(r"([A-Z']*)([.,])", name):
        if len(m.group(1).replace("'", "")) > 4:
            return False
    return re.search(r"(?<![A-Z])['-]|['-](?![A-Z])", name) is None


# Blank run / line height that can be a word break: blur and JPEG close word gaps after A, T,
# W to 0.17-0.19 while letter gaps stay near 0.08-0.12. Measured on 587 generated list names:
# 5 of 693 possible merges pass unseen, 21 % of right names are doubted (wide fonts, narrow I).
WORD_GAP = 0.16


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
        # Beside read word breaks, a run half as wide as the narrowest of them is one more; in
        # a name read as one word, a run well above the letter gaps is.
        limit = 0.5 * ranked[k - 1] if k > 0 else 1.75 * median
        if nxt >= max(WORD_GAP, limit):
            return False
    return True


def read_name(reader: CellReader, box: tuple[int, int, int, int]) -> tuple[str | None, float]:
    """(name as printed, confidence). On a scan a name is only sure when two independent
    readings (other scales, or grey and black-on-white) give the same text and that text fits
    the ink: its length, its word breaks, its punctuation. One confident reading alone was seen
    wrong ("PANO" for PAIJO at 0.97), and two agreeing ones too, where the ink told (a lost
    apostrophe, two words merged)."""
    first = reader.read(box, charset=NAME_CHARS, height=NAME_HEIGHT)
    name = name_as_printed(first.text) or None
    if name is None:
        return None, 0.0
    if not isinstance(reader, OcrCellReader):  # a text layer
        return name, first.confidence if plausible_punctuation(name) else min(first.confidence, 0.5)
    if not plausible_length(name, reader.expected_chars(box)):
        return name, min(first.confidence, 0.5)  # far more or less text than ink: a stamp, a scribble
    lines, gaps = reader.gaps(box)

    def fits(text: str) -> bool:
        return plausible_punctuation(text) and spaces_agree(text, lines, gaps)

    # black on white at another scale: the grey readings merged "RATNA THERESIA" at three
    # scales, the binarised one kept the space
    second = reader.read(box, charset=NAME_CHARS, height=NAME_CHECK_HEIGHT, binary=True)
    again = name_as_printed(second.text)
    if again == name and fits(name):
        return name, min(first.confidence, second.confidence)
    # In doubt the entry goes to review whatever is read next; two more readings only choose
    # the best guess to show the reviewer: a text that fits the ink, the most often read.
    # (They do not clear the doubt: "RIFA'I" read as "RIFAT" at three scales out of four.)
    readings = [name, again]
    for height, binary in ((NAME_CHECK_HEIGHT, False), (NAME_RETRY_HEIGHT, False)):
        readings.append(name_as_printed(reader.read(box, charset=NAME_CHARS, height=height, binary=binary).text))
    guess = max((t for t in readings if t), key=lambda t: (fits(t), plausible_punctuation(t), readings.count(t)))
    return guess, min(first.confidence, 0.5)


def read_nik(reader: CellReader, box: tuple[int, int, int, int]) -> tuple[str | None, float]:
    """(NIK, confidence) from two readings at different scales; disagreement gives confidence 0.

    Tesseract can misread a digit with high confidence at one scale (a 7 as 1 at 23 px, right
    at 17 px); two independent readings that agree have not been seen wrong on generated pages.
    """
    first = reader.read(box, charset=NIK_CHARSET, boxed_digits=True)
    nik, fixes = extract_nik(first.text)
    if nik is None:
        return None, 0.0
    second = reader.read(box, charset=NIK_CHARSET, boxed_digits=True, height=CHECK_HEIGHT)
    again, fixes2 = extract_nik(second.text)
    if again != nik:
        return nik, 0.0
    confidence = min(first.confidence, second.confidence) * (0.85 ** max(fixes, fixes2))
    if confidence < SURE and isinstance(reader, OcrCellReader):
        # A worn scan (toner, bilevel, JPEG): on generated pages two readings agreed on a
        # wrong digit at 0.88-0.94. A third, binarised reading must agree as well.
        third = reader.read(box, charset=NIK_CHARSET, boxed_digits=True, height=NAME_HEIGHT, binary=True)
        if extract_nik(third.text)[0] != nik:
            return nik, 0.0
        confidence = min(confidence, third.confidence)
    return nik, confidence


def sex_by_shape(ink: Gray | None) -> str | None:
    """A lone printed L or P told apart without OCR: P encloses a hole, L does not.

    Only a single glyph-sized component is judged; anything else (two letters, a word,
    handwriting, noise) returns None and is read by OCR. A P whose bowl is broken would come
    out as L; the NIK's own sex digit then disagrees and the row goes to review.
    """
    if ink is None:
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
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
    # L: the bottom row is ink across most of the width, the top row only at the left stem.
    bottom = glyph[int(h * 0.85) :, :].any(axis=0).mean()
    top = glyph[: int(h * 0.15) + 1, :].any(axis=0).mean()
    return "L" if bottom >= 0.7 and top <= 0.5 else None


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
