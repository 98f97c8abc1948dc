"""Support letters (B.1-KWK-PERSEORANGAN): one supporter per page.

Steps on an upright page: mask any pasted e-KTP (read by the cards module), cut the page
into text lines (pipelines.lines) and read them, pick the labelled lines `Label : value`
(Nama, NIK, Tempat/Tgl Lahir, Jenis Kelamin, Alamat, RT/RW, Kel/Desa, Kecamatan,
Pekerjaan), read the NIK a second time at another scale, and judge the box captioned
`Tanda tangan / cap jempol`. A page with a text layer gives its lines from the text instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from pipelines.cells import NAME_CHECK_HEIGHT, CellReader, OcrCellReader
from pipelines.domain import IdCardRead, Reason, SupporterRead
from pipelines.engines.base import OcrLine
from pipelines.listpage import (
    DOTTED_TITLES,
    NAME_MIN_CONFIDENCE,
    NIK_MIN_CONFIDENCE,
    name_as_printed,
    plausible_punctuation,
    read_birth,
    read_name,
    read_nik,
)
from pipelines.nik import matches_printed
from pipelines.normalize import extract_nik, fold_name, parse_birth_detail, parse_sex
from pipelines.signature import STAMP_MARGIN, Circle, all_taken_off, blank_stamps, check_signature, under_stamp
from pipelines.table import binarize, line_masks, u8

Gray = NDArray[np.uint8]
Box = tuple[int, int, int, int]

LABELS: dict[str, tuple[str, ...]] = {
    "name": ("NAMA", "NAMA LENGKAP"),
    "nik": ("NIK", "NOMOR INDUK KEPENDUDUKAN", "NO KTP"),
    "birth": ("TEMPAT TGL LAHIR", "TEMPAT TANGGAL LAHIR", "TTL"),
    "sex": ("JENIS KELAMIN",),
    "address": ("ALAMAT", "ALAMAT TEMPAT TINGGAL"),
    "rtrw": ("RT RW",),
    "village": ("KEL DESA", "DESA KELURAHAN", "KELURAHAN DESA", "DESA"),
    "district": ("KECAMATAN",),
    "job": ("PEKERJAAN",),
}
TITLE = "SURAT PERNYATAAN DUKUNGAN"
STATEMENT = "MEMBERIKAN DUKUNGAN KEPADA"  # the letter's sentence naming the candidate pair


@dataclass(frozen=True)
class LetterFields:
    values: dict[str, OcrLine]  # label key -> the value (text without label and colon) and its box
    title: bool
    caption: OcrLine | None  # the signature box caption, if seen
    statement: bool = False  # the sentence giving the supporter's support to the pair, if seen


_LEAD = re.compile(r"^[^0-9A-Za-z]+")  # a speck read as ":", '"' or "." before the label
# "1.", "a)", "No." (a number's or No.'s dot read as ":" or "," too: "4: Jenis kelamin", a speck
# beside the dot on seed 5's letter 14, lost its sex)
_NUMBERING = re.compile(r"^\s*(?:(?:[0-9]{1,2}|[a-zA-Z]|[IVX]{1,4}|[Nn][Oo])\s*[.)]|(?:[0-9]{1,2}|[Nn][Oo])\s*[:,])\s*")


def label_of(text: str) -> str | None:
    s = _letters(" ".join(_as_letters(t) for t in _NUMBERING.sub("", text, count=1).split(" ")))
    if not s or len(s) > 32:
        return None
    if len(s) >= 3 and all(len(t) == 1 for t in s.split()):
        s = s.replace(" ", "")  # a label printed letter-spaced: "N I K", "N a m a"
    best, score = None, 0.0
    for key, words in LABELS.items():
        for word in words:
            sc = float(fuzz.ratio(s, word))
            if sc > score:
                best, score = key, sc
    return best if score >= (90 if len(s) <= 4 else 80) else None


_DIGIT_AS_LETTER = str.maketrans("105|!", "IOSII")


def _as_letters(token: str) -> str:
    """A word of letters and digits read as letters ("N1K" -> "NIK"): labels hold no digits."""
    return token.translate(_DIGIT_AS_LETTER) if any(ch.isalpha() for ch in token) else token


DUST_PIECE = 3  # letters of a piece before a label that is dust read as text, not a word of the line


def find_fields(lines: list[OcrLine]) -> LetterFields:
    """The labelled values among a page's lines (each line one visual row, left to right)."""
    values: dict[str, OcrLine] = {}
    title = statement = False
    caption = None
    for line in lines:
        up = line.text.upper()
        statement = statement or (len(up) >= len(STATEMENT) and fuzz.partial_ratio(STATEMENT, up) >= 85)
        if not title and 15 <= len(up) < 60 and fuzz.partial_ratio(TITLE, up) >= 85:
            # The supporter's lines follow the title; anything above it (a pasted card's own
            # Nama/NIK lines) is not the letter's.
            title = True
            values = {}
            caption = None
            continue
        if _is_caption(up):
            caption = caption or line
        split = split_label(line.text)
        pieces = line.text.split("\t")
        for k in range(1, len(pieces)):
            # dust at the margin read as a piece of its own before the label: "LI “\t1. Nama\t..."
            if split is not None or len(_letters(pieces[k - 1]).replace(" ", "")) > DUST_PIECE:
                break
            split = split_label("\t".join(pieces[k:]))
        if split is not None and (split[0] not in values or not values[split[0]].text):
            values[split[0]] = OcrLine(split[1], line.confidence, line.box)
    return LetterFields(values, title, caption, statement)


def _is_caption(up: str) -> bool:
    if not 10 <= len(up) <= 40 or "BERTANDA" in up or not ("TAN" in up or "JEMP" in up or "CAP" in up):
        return False
    return fuzz.partial_ratio("TANDA TANGAN", up) >= 85 and fuzz.partial_ratio("CAP JEMPOL", up) >= 70


def split_label(text: str) -> tuple[str, str] | None:
    """(label key, value) of a `Label : value` line. The colon is optional: it is a pair of
    dots that a scan (or the speck filter) can lose, so the label is also matched by words."""
    # "1. Nama", "a) NIK", "No. NIK"; a speck after the numbering too ("2.. Nomor Induk
    # Kependudukan (NIK)": seed 5's letter 26 lost its NIK row)
    text = _LEAD.sub("", _NUMBERING.sub("", _LEAD.sub("", text, count=1), count=1), count=1)
    head, sep, tail = text.partition(":")
    if sep and len(head) <= 32:
        key = label_of(head)
        if key is not None:
            return key, _first_piece(tail)
    tokens = [t for t in text.replace("\t", " \t ").split(" ") if t]
    best: tuple[float, int, str] | None = None
    seen = ""
    for n in range(1, min(4, len(tokens)) + 1):
        prefix = " ".join(tokens[:n])
        if _letters(prefix) == seen:  # the added token holds no letters: part of the value
            break
        seen = _letters(prefix)
        key = label_of(prefix)
        if key is not None:
            score = max(fuzz.ratio(_letters(prefix), w) for w in LABELS[key])
            if best is None or score >= best[0]:
                best = (score, n, key)
    if best is None:
        return None
    return best[2], _first_piece(" ".join(tokens[best[1] :]))


def _first_piece(value: str) -> str:
    """The value up to the first wide gap (tab) after it starts."""
    pieces = [p.strip(" .:;") for p in value.split("\t")]
    return next((p for p in pieces if p), "")


def _letters(s: str) -> str:
    return " ".join(re.sub(r"[^A-Z]+", " ", s.upper()).split())


def is_letter(fields: LetterFields) -> bool:
    """Title and two core labels, or three core labels; or the title and the signature box
    caption, whose labels a stamp or a smudge hid (the supporter then goes to review with
    what could be read, rather than the page being lost as "other")."""
    core = {"name", "nik", "birth", "sex"} & fields.values.keys()
    return (fields.title and (len(core) >= 2 or fields.caption is not None)) or len(core) >= 3


BIRTH_AGAIN_SURE = 0.9  # a birth date read again (the line's own reading held none) counts from this sure


def read_letter_fields(
    gray: Gray,
    fields: LetterFields,
    reader: CellReader | None,
    cards: tuple[IdCardRead, ...] = (),
    *,
    nik_box: Box | None = None,
    name_box: Box | None = None,
    birth_box: Box | None = None,
    stamps: tuple[Circle, ...] = (),
    boxes: list[Box] | None = None,
    taken_off: tuple[Circle, ...] = (),
) -> SupporterRead:
    """One supporter from the labelled values. `reader` re-reads the NIK (None: text layer).
    `name_box`: the name's value alone (no label, no colon), read as a list reads a name
    cell; else the name's line is read again whole. `birth_box`: the birth date's value alone,
    read again where the line's reading held no date. A name or signature under one of
    `stamps` goes to review, but a signature that shows on the reader's page, where the stamps
    of `taken_off` are taken off (`signature.unstamped`), is one. `boxes`: the page's
    `ruled_boxes`, when the caller has them."""
    v = fields.values
    reasons: list[Reason] = []
    place, birth_date, _ = parse_birth_detail(v["birth"].text) if "birth" in v else (None, None, 0)
    if birth_date is None and isinstance(reader, OcrCellReader) and birth_box is not None:
        # read again as a list's birth cell is, on the reader's page (a stamp's ink taken off),
        # the witness asked where Tesseract's date does not parse: a stamp's ring over the year
        # left seed 5's letters 10 and 11 without a birth date ("PADANG, 21-12 TDS"). Believed
        # from BIRTH_AGAIN_SURE: five dates so read over seven bench sets, four right at 0.98-0.99
        # and one wrong at 0.56 (a bilevel stamp over "DEPOK, 07-12-1988")
        again_place, again, conf = read_birth(reader, birth_box)
        if again is not None and conf >= BIRTH_AGAIN_SURE:
            place, birth_date = again_place or place, again
    sex = parse_sex(v["sex"].text) if "sex" in v else None
    nik, nik_conf = None, 0.0
    if "nik" in v:
        if reader is not None and nik_box is not None:
            nik, nik_conf = read_nik(reader, nik_box, (birth_date, sex))
        else:
            nik, fixes = extract_nik(v["nik"].text)
            nik_conf = v["nik"].confidence * (0.85**fixes) if nik else 0.0
    if "name" not in v:
        name, name_conf = "", 0.0
    elif isinstance(reader, OcrCellReader) and name_box is not None:
        read_as, name_conf = read_name(reader, name_box)
        name = read_as or ""
    else:
        name, name_conf = _name(v["name"], reader)
    card = _card_of(cards, nik)
    if card is not None and nik_conf < NIK_MIN_CONFIDENCE:
        nik_conf = card.nik_confidence  # the card's NIK, read sure, is the letter's guess
    if card is not None and name and name_conf < NAME_MIN_CONFIDENCE and _card_confirms(card, name, reader, name_box):
        name_conf = card.confidence
    if name and under_stamp(v["name"].box, stamps):
        name_conf = min(name_conf, 0.5)
    bare = reader.gray if isinstance(reader, OcrCellReader) and taken_off else None
    signed, sig_conf = judge_signature(gray, fields, stamps, boxes, bare=bare, taken_off=taken_off)

    if nik is None or nik_conf < NIK_MIN_CONFIDENCE or matches_printed(nik, birth_date, sex):
        reasons.append(Reason.NIK_UNREADABLE)
    if not name or name_conf < NAME_MIN_CONFIDENCE or birth_date is None or sex is None or signed is None:
        reasons.append(Reason.LOW_QUALITY)
    boxes = [line.box for line in v.values()]
    bbox = (
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else None
    )
    address = " ".join(v[k].text for k in ("address", "rtrw", "village") if k in v and v[k].text) or None
    return SupporterRead(
        row=1,
        nik=nik,
        name=name or None,
        birth_place=place,
        birth_date=birth_date,
        sex=sex,
        signed=signed,
        confidence=round(min(nik_conf, name_conf, sig_conf, 0.0 if birth_date is None or sex is None else 1.0), 3),
        nik_confidence=round(nik_conf, 3),
        name_confidence=round(name_conf, 3),
        address=address,
        district=fold_name(v["district"].text) or None if "district" in v else None,
        bbox=bbox,
        card_index=_card_for(cards, nik),
        reasons=tuple(dict.fromkeys(reasons)),
    )


def _name(value: OcrLine, reader: CellReader | None) -> tuple[str, float]:
    """(name as printed, confidence); on a scan the name's line is read again at another scale
    and must give the same name (one confident reading alone was seen wrong)."""
    name = name_as_printed(value.text)
    if not name:
        return name, 0.0
    if not plausible_punctuation(name):  # a speck read as a dot after a long word
        return name, min(value.confidence, 0.5)
    if not isinstance(reader, OcrCellReader):
        return name, value.confidence
    again = split_label(reader.read(value.box, height=NAME_CHECK_HEIGHT, binary=True).text)
    if again is None or again[0] != "name" or name_as_printed(again[1]) != name:
        return name, min(value.confidence, 0.5)
    return name, value.confidence


def _card_of(cards: tuple[IdCardRead, ...], nik: str | None) -> IdCardRead | None:
    """The pasted card whose NIK, read sure, is the letter's `nik` (a guess or sure): the
    supporter's own e-KTP, a second printing of the NIK and the name, read by other engines
    in another font. Two printings read alike confirm each other's reading."""
    sure = (c for c in cards if c.nik_confidence >= NIK_MIN_CONFIDENCE and Reason.NIK_UNREADABLE not in c.reasons)
    return next((c for c in sure if nik is not None and c.nik == nik), None)


def _card_confirms(card: IdCardRead, name: str, reader: CellReader | None, name_box: Box | None) -> bool:
    """Whether the supporter's card, read sure, bears the letter's name as read (in doubt):
    the same letters and word breaks. A card's name is read without punctuation, so only a
    letter name without any is confirmed, where the ink shows no apostrophe the readings lost
    and no title stands without its dot ("HJ LESTARI" read so where the dot faded)."""
    if card.confidence < NAME_MIN_CONFIDENCE or card.name != name or re.fullmatch(r"[A-Z]+( [A-Z]+)*", name) is None:
        return False
    if DOTTED_TITLES.intersection(name.split()):
        return False
    return not (isinstance(reader, OcrCellReader) and name_box is not None and reader.high_marks(name_box) > 0)


def _card_for(cards: tuple[IdCardRead, ...], nik: str | None) -> int | None:
    if not cards:
        return None
    for card in cards:
        if nik is not None and card.nik == nik:
            return card.index
    return cards[0].index if len(cards) == 1 else None


# ---- the signature box ----------------------------------------------------------------------------


def ruled_boxes(gray: Gray) -> list[Box]:
    """The page's ruled boxes of a signature box's size (a pasted card's frame is one too)."""
    small = gray
    while max(small.shape) > 1400:  # a box's ruling survives a halved copy; 4x faster each time
        small = u8(cv2.pyrDown(small))
    f = small.shape[1] / gray.shape[1]
    h, w = small.shape
    ink = binarize(small)
    unit = max(h, w) / 1000.0
    horiz, vert = line_masks(ink, max(20, int(30 * unit)), bridge=3)
    frame = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(frame, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[Box] = []
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        if bw > w * 0.12 and bh > h * 0.04 and bw < w * 0.95 and bh < h * 0.5:
            boxes.append((int(x / f), int(y / f), int((x + bw) / f), int((y + bh) / f)))
    return boxes


def signature_box(gray: Gray, caption: OcrLine | None, boxes: list[Box] | None = None) -> Box | None:
    """The ruled box holding the caption (or else the lowest wide box in the lower half)."""
    boxes = ruled_boxes(gray) if boxes is None else boxes
    if caption is not None:
        cx = (caption.box[0] + caption.box[2]) / 2
        cy = (caption.box[1] + caption.box[3]) / 2
        holding = [b for b in boxes if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]]
        if holding:
            return min(holding, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        return None
    lower = [b for b in boxes if b[1] > gray.shape[0] * 0.5]
    return max(lower, key=lambda b: b[1]) if lower else None


def find_caption(gray: Gray, reader: OcrCellReader, boxes: list[Box]) -> OcrLine | None:
    """The signature box's caption read from inside the box, when the page's text lines did
    not give it: the line's band ran over the box's ruling and read as junk ("(Pemanen")."""
    box = signature_box(gray, None, boxes)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    m = max(3, (x1 - x0) // 50)
    for line in reader.read_each_line((x0 + m, y0 + m, x1 - m, y0 + (y1 - y0) * 3 // 10), height=CAPTION_HEIGHT):
        if _is_caption(line.text.upper()):
            return line
    return None


CAPTION_HEIGHT = 22  # px of ink the caption is read at (as the page's other lines)


def complete(fields: LetterFields) -> bool:
    """Whether a letter's title and its always-printed labelled values have all been read."""
    return fields.title and {"name", "nik", "birth", "sex", "address"} <= fields.values.keys()


def judge_signature(
    gray: Gray,
    fields: LetterFields,
    stamps: tuple[Circle, ...] = (),
    boxes: list[Box] | None = None,
    *,
    bare: Gray | None = None,
    taken_off: tuple[Circle, ...] = (),
) -> tuple[bool | None, float]:
    """(signed, confidence) of the letter's signature box. `bare`: the page with the stamps of
    `taken_off` taken off (`signature.unstamped`), where a box under stamps all taken off is
    judged too when it is still unsure: as on a list, only "signed" is believed there."""
    box = signature_box(gray, fields.caption, boxes)
    if box is None:
        return None, 0.0
    inner = _box_inside(gray, box, fields)
    glyph = None if fields.caption is None else float(fields.caption.box[3] - fields.caption.box[1])
    check = check_signature(inner, text_height=glyph)
    if check.signed and fields.caption is None:
        # The printed caption was not read (a stamp over it, most often): left in the box, it
        # and a stamp's arcs beside it looked like a signature in an empty box.
        return _uncaptioned(inner, box, fields, stamps, bare=bare, taken_off=taken_off)
    if check.signed and under_stamp(box, stamps, margin=STAMP_MARGIN):
        # A stamp's ring in an empty box looks like pen strokes: the box is judged again with
        # the stamps' disks (and a margin) blanked; strokes left outside them are a signature.
        again = check_signature(blank_stamps(inner, box, stamps), text_height=glyph)
        if again.signed:
            return True, min(again.confidence, 0.8)
        if _shown_bare(bare, box, fields, stamps, taken_off, text_height=glyph):
            return True, 0.8
        return None, 0.3
    return check.signed, check.confidence


def _box_inside(page: Gray, box: Box, fields: LetterFields) -> Gray:
    """A copy of `box` on `page`, its printed caption (not a signature) painted white."""
    x0, y0, x1, y1 = box
    inner = page[y0:y1, x0:x1].copy()
    if fields.caption is not None:
        cx0, cy0, cx1, cy1 = fields.caption.box
        m = max(2, (cy1 - cy0) // 3)
        inner[max(0, cy0 - y0 - m) : max(0, cy1 - y0 + m), max(0, cx0 - x0 - m) : max(0, cx1 - x0 + m)] = 255
    return inner


def _shown_bare(
    bare: Gray | None,
    box: Box,
    fields: LetterFields,
    stamps: tuple[Circle, ...],
    taken_off: tuple[Circle, ...],
    *,
    text_height: float | None,
    tall: bool = False,
) -> bool:
    """Whether the box shows signed on `bare`, the page with the stamps of `taken_off` taken
    off, when every stamp over it is among them: they leave a pen's strokes darker or of
    another colour than their dye (as on a list: `listpage._read_row`)."""
    if bare is None or not all_taken_off(box, stamps, taken_off):
        return False
    return check_signature(_box_inside(bare, box, fields), text_height=text_height, tall=tall).signed is True


def _uncaptioned(
    inner: Gray,
    box: Box,
    fields: LetterFields,
    stamps: tuple[Circle, ...],
    *,
    bare: Gray | None = None,
    taken_off: tuple[Circle, ...] = (),
) -> tuple[bool | None, float]:
    """A box whose caption was not read, judged when a stamp found on the page covers its top
    (where the caption is printed, hence not read): with the stamps' disks blanked, a mark
    taller than two lines of the page's print is no caption left in the box; or on `bare`
    (`judge_signature`). Else unsure."""
    x0, y0, x1, y1 = box
    heights = sorted(line.box[3] - line.box[1] for line in fields.values.values())
    if not heights or not under_stamp((x0, y0, x1, y0 + (y1 - y0) * 3 // 10), stamps):
        return None, 0.3
    line = float(heights[len(heights) // 2])
    again = check_signature(blank_stamps(inner, box, stamps), text_height=line, tall=True)
    if again.signed:
        return True, min(again.confidence, 0.7)
    if _shown_bare(bare, box, fields, stamps, taken_off, text_height=line, tall=True):
        return True, 0.7
    return None, 0.3
