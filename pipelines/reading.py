"""The one entry point the workers call: `read_page(page, engines) -> PageReading`.

The stages, in order (each a pure function of its inputs):
    text layer?  -> read from the text (no OCR, no turning)
    upright      -> orientation.make_upright (quarter turns, skew); a letter's title read on the
                    cheap turn (orientation.heading_turn) settles the turn without the OCR test
    list?        -> table.find_grid + listpage.find_layout -> listpage.read_list
    cards        -> cardfind.find_cards (masked before the text lines are read)
    text lines   -> lines.text_bands + read_bands (of a letter, only its labelled lines and the
                    signature box caption: the running text around them is skipped)
    letter?      -> letter.find_fields -> letter.read_letter_fields (+ pasted cards)
    id cards?    -> idcard.read_id_card_page
    otherwise    -> other (kept, no supporters); an unsure turn that reads as no words of ours
                    is read the other way up too, and kept that way if it is a letter

Stamps (signature.find_stamps) are found on list and letter pages: a name or signature
under one goes to review.

Bounding boxes are in the coordinates of the upright image; `read_page_image` returns that
image beside the reading (the worker stores it for the review screen's crops), and
`upright(page, reading)` rebuilds it from the recorded rotation and skew.

Engine failures (`EngineError`, `EngineTimeout`) propagate: the worker retries them as
transient, and after the last retry records a page error (never a failed supporter).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

import cv2
import numpy as np
from PIL import Image

from pipelines.cells import OcrCellReader, TextLayerCellReader
from pipelines.classify import Cues, card_word_count, decide
from pipelines.domain import IdCardRead, PageKind, PageReading
from pipelines.engines.base import OcrEngine, OcrLine
from pipelines.engines.tesseract import TesseractEngine
from pipelines.letter import (
    TITLE,
    complete,
    find_caption,
    find_fields,
    is_letter,
    read_letter_fields,
    ruled_boxes,
    split_label,
)
from pipelines.lines import band_lines, merge_rows, read_bands, text_bands
from pipelines.listpage import find_layout, read_list
from pipelines.orientation import (
    Upright,
    apply,
    half_turn,
    heading_turn,
    make_upright,
    other_axis,
    ruled_turn,
    to_gray,
    word_score,
)
from pipelines.pages import PageSource
from pipelines.signature import Circle, find_stamps, unstamped
from pipelines.table import Grid, components, find_grid, grid_from_rulings, horizontal_lines, u8
from pipelines.textlayer import text_lines

Box = tuple[int, int, int, int]


class PageEngines(Protocol):
    """What page reading needs from `pipelines.engines.registry.Engines`."""

    @property
    def tesseract(self) -> TesseractEngine: ...

    @property
    def tesseract_check(self) -> TesseractEngine: ...

    @property
    def rapid(self) -> OcrEngine | None: ...


@dataclass(frozen=True)
class PageResult:
    reading: PageReading
    image: Image.Image  # the upright page the bounding boxes refer to


def read_page(page: PageSource, engines: PageEngines) -> PageReading:
    return read_page_image(page, engines).reading


def upright(page: PageSource, reading: PageReading) -> Image.Image:
    """The upright page image of a reading (the same pixels `read_page_image` returned)."""
    if reading.from_text_layer:
        return page.image
    return apply(page.image, reading.rotation, reading.skew)


def read_page_image(page: PageSource, engines: PageEngines) -> PageResult:
    if page.text is not None and page.words:
        result = _from_text_layer(page, engines)
        if result is not None:
            return result
    # Lists first, on the cheap turn (axis and skew from profiles, no OCR): a list's header row,
    # tried both ways up, settles up and down by itself. Other pages pay for the OCR test.
    cheap = make_upright(page.image, None)
    gray = cheap.gray()
    grid = find_grid(gray)
    found = _try_list(cheap, gray, grid, engines)
    if found is not None:
        return _turned(found, cheap.rotation, cheap.skew)
    if grid is None and (ruled := ruled_turn(page.image, cheap)) is not None:
        # no grid at the text's angle on a page ruled like a table: its ruling's angle
        ruled_gray = ruled.gray()
        found = _try_list(ruled, ruled_gray, find_grid(ruled_gray), engines)
        if found is not None:
            return _turned(found, ruled.rotation, ruled.skew)
    if grid is not None and grid.cols >= 4 and (side := other_axis(page.image, cheap)) is not None:
        # A ruled table whose header reads neither way up may lie on its side: on a dense list
        # the columns of left-aligned values can make the sharper profile (a 200-dpi list was
        # read as "other", turned 270°, and its 25 supporters lost).
        side_gray = side.gray()
        found = _try_list(side, side_gray, find_grid(side_gray), engines)
        if found is not None:
            return _turned(found, side.rotation, side.skew)
    # A letter's title, read the right way up on the cheap turn, settles the turn by itself
    # (and the page is no list: a half turn of the cheap one needs no second try).
    turned = heading_turn(cheap, engines.tesseract, TITLE, gray)
    if turned is not None and turned.rotation != cheap.rotation:
        gray = np.ascontiguousarray(gray[::-1, ::-1])
    turned = turned or make_upright(page.image, engines.tesseract, cheap=cheap)
    if turned.method != "heading" and (turned.rotation, turned.skew) != (cheap.rotation, cheap.skew):
        gray = turned.gray()
        grid = find_grid(gray)
        found = _try_list(turned, gray, grid, engines)
        if found is not None:
            return _turned(found, turned.rotation, turned.skew)
    reading, known = _read_text_page(turned.rgb(), gray, engines, grid, turned.heading)
    if reading.kind is PageKind.ID_CARDS and _mostly_upside_down(reading.id_cards):
        # The orientation test guesses on a sheet of small card print; each card's own layout
        # (NIK row under the header, labels under it) is the better witness of up and down.
        way_up = half_turn(turned)
        w, h = way_up.image.size
        cards = sorted(
            (
                replace(c, bbox=(w - c.bbox[2], h - c.bbox[3], w - c.bbox[0], h - c.bbox[1]), upside_down=False)
                if c.bbox is not None
                else c
                for c in reading.id_cards
            ),
            key=lambda c: c.index,
            reverse=True,  # reading order turned 180° is the order read backwards
        )
        cards = [replace(c, index=i) for i, c in enumerate(cards, 1)]
        rotation = (turned.rotation + 180) % 360
        return PageResult(replace(reading, id_cards=tuple(cards), rotation=rotation, skew=turned.skew), way_up.image)
    sheet = reading.kind is PageKind.ID_CARDS and len(reading.id_cards) >= 2
    if reading.kind is not PageKind.LETTER and not sheet and turned.confidence < UNSURE_TURN and known < FEW_WORDS:
        # An unsure turn whose lines read as no words of ours may be upside down (a stamp can
        # outvote the text in the orientation test): the page is read the other way up too.
        # Not a sheet of cards: its cards were read (each card's own way up is tried), and a
        # letter holds one card (0.6 s a sheet spared, on 2 of 12 sheets).
        flipped = _flipped_letter(turned, engines)
        if flipped is not None:
            image, flipped_reading = flipped
            rotation = (turned.rotation + 180) % 360
            return PageResult(replace(flipped_reading, rotation=rotation, skew=turned.skew), image)
    return PageResult(replace(reading, rotation=turned.rotation, skew=turned.skew), turned.image)


def _mostly_upside_down(cards: tuple[IdCardRead, ...]) -> bool:
    """Whether more than half of a card page's cards were read turned 180° (a page of one
    card: that card; of two: both)."""
    turned = sum(c.upside_down for c in cards)
    return turned > len(cards) / 2


UNSURE_TURN = 0.5  # orientation confidence below which an unrecognised page is read turned 180° too
FEW_WORDS = 8  # form words, dates and numbers a page read the right way up shows (upside down: 0-3)


def _flipped_letter(turned: Upright, engines: PageEngines) -> tuple[Image.Image, PageReading] | None:
    """(the page turned 180°, its reading) when it reads as a letter that way up, else None.
    Its text lines are read first (no cards, no fields): most pages stop there."""
    flipped = half_turn(turned)
    gray = flipped.gray()
    pieces, _ = _read_lines(gray, engines.tesseract, text_bands(gray))
    if not is_letter(find_fields(merge_rows(pieces))):
        return None
    reading, _ = _read_text_page(flipped.rgb(), gray, engines, find_grid(gray))
    return (flipped.image, reading) if reading.kind is PageKind.LETTER else None


def _turned(found: tuple[PageReading, Image.Image, bool], rotation: int, skew: float) -> PageResult:
    reading, image, flipped = found
    rotation = (rotation + (180 if flipped else 0)) % 360
    reading = replace(reading, rotation=rotation, skew=skew)  # a half turn commutes with the deskew
    return PageResult(reading, image)


# ---- OCR path ------------------------------------------------------------------------------------------


def _try_list(
    upright: Upright, gray: Any, grid: Grid | None, engines: PageEngines
) -> tuple[PageReading, Image.Image, bool] | None:
    """(reading, the image its boxes refer to, whether that image was turned 180° more), or
    None when the page holds no supporter list."""
    tess = engines.tesseract
    image = upright.image
    if grid is not None and grid.cols >= 4:
        # A ruled table whose header does not read may be upside down (orientation is a
        # guess on noisy pages): the header row, read both ways, settles it. The way tried
        # first is the one that puts the narrow NO column at the left (the form's order): an
        # upside-down page then does not pay for a header read in vain.
        first, last = grid.xs[1] - grid.xs[0], grid.xs[-1] - grid.xs[-2]
        for flipped in (True, False) if last < 0.7 * first else (False, True):
            view = np.ascontiguousarray(gray[::-1, ::-1]) if flipped else gray
            table = grid.turned(view.shape[1], view.shape[0]) if flipped else grid
            # The print under a stamp is read with the stamp's ink taken off
            # (seed 7's 300-dpi lists: NIKs under a blue ring unread); signatures as they are,
            # and on that page too where every stamp over them was taken off.
            stamps = tuple(find_stamps(view))
            taken_off: tuple[Circle, ...]
            text, taken_off = view, ()
            if stamps:  # a grey page's stamp is taken off by its grey
                colour = upright.rgb() if image.mode == "RGB" else None
                rgb = view if colour is None else colour[::-1, ::-1] if flipped else colour
                text, taken_off = unstamped(view, rgb, stamps)
            reader = OcrCellReader(text, tess, witness=engines.rapid, check=engines.tesseract_check)
            layout = find_layout(view, reader, table)
            if layout is not None:
                rows = read_list(view, reader, layout, stamps, taken_off)
                shown = image.transpose(Image.Transpose.ROTATE_180) if flipped else image
                return PageReading(PageKind.LIST, supporters=rows.supporters, notes=rows.notes), shown, flipped
    return None


def _read_text_page(
    rgb: Any, gray: Any, engines: PageEngines, grid: Any, title: Box | None = None
) -> tuple[PageReading, float]:
    """(the reading, how many words of our forms, dates and numbers its lines hold), from the
    upright page in colour and in grey. `title`: the box of the letter's title where it was
    read already (the lines above it are skipped)."""
    tess = engines.tesseract
    # Only regions the cards module confirms as e-KTPs are masked: a letter's block of
    # labelled lines is card-shaped too, and masking it would hide the letter.
    cards = _pasted_cards(rgb, engines)  # it finds the card-shaped regions itself (none: no OCR)
    # read_pasted_cards returns only regions it confirmed as e-KTPs (a layout, and the header
    # above the NIK or a surely read name): a letter's block of labelled lines is card-shaped too.
    cards = tuple(c for c in cards if c.bbox is not None)
    card_boxes = [c.bbox for c in cards if c.bbox is not None]
    bands = text_bands(gray, mask=[_grow(b, gray.shape, 0.03) for b in card_boxes])
    pieces, boxes = _read_lines(gray, tess, bands, title)
    lines = merge_rows(pieces)
    fields = find_fields(lines)
    known = sum(word_score(line.text) for line in lines)
    kind = decide(Cues(False, fields, len(card_boxes), card_word_count(lines), grid is not None))
    notes: tuple[str, ...] = () if grid is None else ("ruled table without a supporter-list header",)
    if kind is PageKind.LETTER:
        nik = fields.values.get("nik")
        nik_box = None
        if nik is not None:
            piece = _value_piece(pieces, nik.box, "nik")
            if not any(ch.isdigit() for ch in nik.text) and piece == nik.box:
                piece = _boxes_beside(gray, piece)  # the digit boxes were no text line of the label's
            nik_box = _nik_box(gray, _after_colon(gray, piece))
        stamps = tuple(find_stamps(gray))
        # the NIK, the name and the caption are read again with a coloured stamp's ink taken off
        text, taken_off = unstamped(gray, rgb, stamps)
        band_reader = OcrCellReader(text, tess, ruled=False, witness=engines.rapid, check=engines.tesseract_check)
        if fields.caption is None:  # without it, the signature box cannot be judged
            boxes = ruled_boxes(gray) if boxes is None else boxes
            fields = replace(fields, caption=find_caption(gray, band_reader, boxes))
        name = fields.values.get("name")
        name_box = None  # the name's value alone, when its piece was cut apart from the label
        if name is not None and (piece := _value_piece(pieces, name.box, "name")) != name.box:
            name_box = _glyphs_after(gray, _after_colon(gray, piece))
        birth = fields.values.get("birth")
        birth_box = _after_colon(gray, _value_piece(pieces, birth.box, "birth")) if birth is not None else None
        supporter = read_letter_fields(
            gray,
            fields,
            band_reader,
            cards,
            nik_box=nik_box,
            name_box=name_box,
            birth_box=birth_box,
            stamps=stamps,
            boxes=boxes,
            taken_off=taken_off,
        )
        return PageReading(PageKind.LETTER, supporters=(supporter,), id_cards=cards), known
    if kind is PageKind.ID_CARDS:
        return PageReading(PageKind.ID_CARDS, id_cards=cards or _card_page(rgb, engines), notes=notes), known
    if grid is None:
        # A photo of one card whose outline was lost against the background: the piece that was
        # found (the values without their labels) did not confirm, and masked the card's words.
        photo = _card_photo(rgb, engines)
        if photo is not None:
            return PageReading(PageKind.ID_CARDS, id_cards=(photo,), notes=notes), known
    return PageReading(PageKind.OTHER, notes=notes), known


def _read_lines(
    gray: Any, engine: TesseractEngine, bands: list[Box], title: Box | None = None
) -> tuple[list[OcrLine], list[Box] | None]:
    """(the page's text pieces as read, not yet merged into rows; its ruled boxes if they were
    needed), reading as little as a letter needs. Between a letter's title and its first
    labelled line, rows of one piece of ink are skipped (the election's name, the intro
    sentence: a labelled line has a gap between label and value; the skipped rows are read
    after all if the fields stay incomplete). Once the title and the always-printed labelled
    values are read, the first running text row (one piece nearly as wide as the page's
    text) or two rows without a label end the reading (the pledge, the closing, the date
    follow), and only text inside ruled boxes (the signature box caption) is still read.
    Other pages are read whole. `title`: the title's box, read already; the rows down to it
    are skipped (a letter's fields follow its title; above it, a pasted card's own lines)."""
    rows: list[list[Box]] = []
    for band in bands:  # text_bands gives the pieces of one row together, top to bottom
        if rows and rows[-1][0][1] == band[1]:
            rows[-1].append(band)
        else:
            rows.append([band])
    heights = sorted(b[3] - b[1] for b in bands)
    line = float(heights[len(heights) // 2]) if heights else None
    width = max((b[2] - b[0] for b in bands), default=0)
    read: list[OcrLine] = [] if title is None else [OcrLine(TITLE, 1.0, title)]
    skipped: list[Box] = []
    labels, quiet = 0, 0
    for i, row in enumerate(rows):
        if line is not None and row[0][3] - row[0][1] < LOW_ROW * line:
            continue  # specks or a dotted leader left over: no line of text is so low
        if title is not None and (row[0][1] + row[0][3]) / 2 <= title[3]:
            continue
        fields = find_fields(merge_rows(read)) if read else None
        wide = len(row) == 1 and row[0][2] - row[0][0] >= RUNNING_TEXT * width
        if fields is not None and wide and complete(fields):
            return _with_box_text(gray, engine, read, rows[i:], line)
        if fields is not None and len(row) == 1 and fields.title and not fields.values and len(skipped) < 3:
            skipped.extend(row)  # the election's name under the title, the intro sentence
            continue
        read.extend(_read_row(gray, engine, row, line))
        fields = find_fields(merge_rows(read))
        quiet = 0 if len(fields.values) > labels else quiet + 1
        labels = len(fields.values)
        if quiet >= 2 and complete(fields) and fields.caption is None:
            return _with_box_text(gray, engine, read, rows[i + 1 :], line)
    if skipped:  # the letter's fields never came complete: the skipped rows may hold one
        read.extend(read_bands(gray, engine, skipped, line_height=line))
    return read, None


UNREAD = "\u2026"  # the text of a value piece left unread (`_read_row`)
READ_LATER = frozenset({"nik", "name", "job"})  # labels whose value pieces the band reading skips


def _read_row(gray: Any, engine: TesseractEngine, row: list[Box], line: float | None) -> list[OcrLine]:
    """The pieces of one row of a page, read; but where the first piece is a label alone whose
    value is read again by its own reader (the NIK and the name, twice each, at other scales)
    or not used (the job), the piece after it is only boxed, its text `UNREAD`: reading it here
    cost a letter ~25 ms, and nothing used that reading."""
    first = read_bands(gray, engine, row[:1], line_height=line)
    split = split_label(first[0].text) if len(row) >= 2 and len(first) == 1 else None
    if split is None or split[0] not in READ_LATER or any(ch.isalnum() for ch in split[1]):
        return first + read_bands(gray, engine, row[1:], line_height=line)
    boxes = band_lines(gray, engine, row[1], line_height=line)
    if len(boxes) != 1:  # no line or several: read as it is
        return first + read_bands(gray, engine, row[1:], line_height=line)
    return [*first, OcrLine(UNREAD, 1.0, boxes[0]), *read_bands(gray, engine, row[2:], line_height=line)]


RUNNING_TEXT = 0.75  # share of the widest row's width from which a one-piece row is running text
LOW_ROW = 0.4  # share of the median row height under which a row holds no text (x-height: ~0.55)


def _with_box_text(
    gray: Any, engine: TesseractEngine, read: list[OcrLine], rest: list[list[Box]], line: float | None
) -> tuple[list[OcrLine], list[Box]]:
    """The pieces read so far and, of the rows not read, the text inside ruled boxes."""
    boxes = ruled_boxes(gray)
    inside = [b for r in rest for b in r if _inside_any(b, boxes)]
    return read + read_bands(gray, engine, inside, line_height=line), boxes


def _inside_any(band: Box, boxes: list[Box]) -> bool:
    cx, cy = (band[0] + band[2]) / 2, (band[1] + band[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _value_piece(pieces: list[OcrLine], row: Box, key: str) -> Box:
    """The box of a labelled row's value: the piece after the label when the two were cut
    apart (a numbered label, "2. NIK", read with the digits would lend the NIK a digit),
    else the whole row."""
    inside = sorted(
        (p for p in pieces if row[1] <= (p.box[1] + p.box[3]) / 2 <= row[3] and row[0] <= p.box[0] <= row[2]),
        key=lambda p: p.box[0],
    )
    if len(inside) >= 2:
        split = split_label(inside[0].text)
        if split is not None and split[0] == key and not any(ch.isalnum() for ch in split[1]):
            # A stamp's ring cuts a row in pieces: the NIK is where digits were read, if any
            # were (seed 13's 300-dpi letter 48: the ring's piece between the label and the
            # digits was read as the NIK), else the first piece (its value is left unread for
            # its own reader; a stamp's letters further right were read as "NP— PF").
            digits = [p for p in inside[1:] if sum(ch.isdigit() for ch in p.text) >= 6] if key == "nik" else []
            if digits:
                return (
                    digits[0].box[0],
                    min(p.box[1] for p in digits),
                    digits[-1].box[2],
                    max(p.box[3] for p in digits),
                )
            return inside[1].box
    return row


def _after_colon(gray: Any, box: Box) -> Box:
    """`box` without a colon at its start: read with the digits, the colon's two dots come out
    as a "1" glued to the NIK ("13404..."), and 17 digits are no NIK."""
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0:
        return box
    h = y1 - y0
    n, _, stats, _ = components(u8((crop < 128).astype(np.uint8) * 255))
    blobs = sorted(
        (tuple(int(v) for v in stats[i, :4]) for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= max(2, h // 12)),
        key=lambda b: b[0],
    )
    if len(blobs) < 3:
        return box
    (ax, ay, aw, ah), (bx, by, bw, bh) = blobs[0], blobs[1]
    dots = max(aw, ah, bw, bh) <= 0.3 * h and abs(ax - bx) <= max(aw, bw) and abs(ay - by) >= max(ah, bh)
    after = blobs[2][0] - max(ax + aw, bx + bw)
    if dots and after >= 0.1 * h:
        return (x0 + max(ax + aw, bx + bw) + after // 2, y0, x1, y1)
    return box


def _glyphs_after(gray: Any, box: Box) -> Box:
    """`box` (a value's piece of a line, as the page's reading boxed it) grown right over the
    glyphs that go on along its line: a letter the page's reading lost is outside the box it
    gave (seed 67's 200-dpi letter 27: "SUPRIYADI" boxed without its last I, and the name's
    two readings of that box were "SUPRIYAD", sure). A glyph counts that lies within the line,
    is half its height or more, and stands a word's gap at most after the last."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    top, bottom, right = max(0, y0 - h // 2), min(gray.shape[0], y1 + h // 2), min(gray.shape[1], x1 + 4 * h)
    if h < 4 or right <= x1:
        return box
    n, _, stats, _ = components(u8((gray[top:bottom, x1:right] < 128).astype(np.uint8) * 255))
    end = 0  # the glyphs' right end, from x1
    for x, y, w, gh in sorted((tuple(int(v) for v in stats[i, :4]) for i in range(1, n)), key=lambda b: b[0]):
        if x > end + 0.6 * h:
            break
        if gh >= 0.5 * h and top + y >= y0 - 2 and top + y + gh <= y1 + 2:
            end = max(end, x + w)
    return (x0, y0, x1 + end, y1) if end else box


def _boxes_beside(gray: Any, label: Box) -> Box:
    """The row of digit boxes right of a NIK's `label` whose line held no value (Tesseract's
    layout took the boxes for a picture: seed 13's 150-dpi letter 6), from their long
    horizontal ruling within two line heights of the label; else `label`."""
    _, y0, x1, y1 = label
    h = y1 - y0
    top, bottom = max(0, y0 - 2 * h), min(gray.shape[0], y1 + 2 * h)
    band = u8((gray[top:bottom, x1:] < 160).astype(np.uint8) * 255)
    if band.size == 0:
        return label
    ruled = np.flatnonzero(horizontal_lines(band, max(10, 4 * h)).any(axis=0))
    if not len(ruled):
        return label
    return (x1 + int(ruled[0]), top, x1 + int(ruled[-1]) + 1, bottom)


def _nik_box(gray: Any, box: Box) -> Box:
    """The NIK's box to read again: a row of digit boxes whole, with its top and bottom ruling
    (the text band lies inside the boxes, and the cell reader needs their outline to remove
    it); else the value's band with a margin. A ruling of a pixel falls between two rows of
    the deskewed page: each row counts with the one under it (seed 5's 150-dpi letter 20, its
    boxes' top at grey 132 and 212 in two rows, lost it and their digits were read with the
    boxes' sides)."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    band = gray[max(0, y0 - h) : y1 + h + 1, x0:x1].astype(np.int32) if x1 > x0 else np.zeros((0, 0), np.int32)
    ink = 255 - band
    dark = ((ink[:-1] + ink[1:]) >= 128).mean(axis=1) if len(band) > 1 else np.zeros(0)
    rules = np.flatnonzero(dark > 0.6) + max(0, y0 - h)
    above, below = rules[rules < y0 + h // 4], rules[rules > y1 - h // 4]
    if len(above) and len(below):
        return (x0, max(0, int(above.max()) - 3), x1, min(gray.shape[0], int(below.min()) + 4))
    return _value_box(box, gray.shape)


def _value_box(box: Box, shape: tuple[int, ...]) -> Box:
    h, w = shape[:2]
    pad = max(3, (box[3] - box[1]) // 3)
    return (max(0, box[0] - pad), max(0, box[1] - pad), min(w, box[2] + pad), min(h, box[3] + pad))


def _grow(box: Box, shape: tuple[int, ...], share: float) -> Box:
    h, w = shape[:2]
    dx, dy = int((box[2] - box[0]) * share), int((box[3] - box[1]) * share)
    return (max(0, box[0] - dx), max(0, box[1] - dy), min(w, box[2] + dx), min(h, box[3] + dy))


def _pasted_cards(rgb: Any, engines: PageEngines) -> tuple[IdCardRead, ...]:
    try:  # the cards modules are optional for lists and plain letters
        from pipelines.cardfind import find_cards  # noqa: F401
        from pipelines.idcard import read_pasted_cards
    except ImportError:
        return ()
    return read_pasted_cards(rgb, engines)


def _card_photo(rgb: Any, engines: PageEngines) -> IdCardRead | None:
    try:  # as for pasted cards: the cards modules are optional
        from pipelines.idcard import read_card_photo
    except ImportError:
        return None
    return read_card_photo(rgb, engines)


def _card_page(rgb: Any, engines: PageEngines) -> tuple[IdCardRead, ...]:
    from pipelines.idcard import read_id_card_page

    return read_id_card_page(rgb, engines)


# ---- text layer path --------------------------------------------------------------------------------------


def _from_text_layer(page: PageSource, engines: PageEngines) -> PageResult | None:
    """Letters and lists from a real text layer; None when the text holds neither (then OCR)."""
    lines: list[OcrLine] = merge_rows(text_lines(page.words))
    gray = np.ascontiguousarray(to_gray(page.image))
    fields = find_fields(lines)
    words = TextLayerCellReader(page.words)
    # A titled letter mentions NAMA, NIK and TANDA TANGAN too: it needs no table search.
    titled_letter = fields.title and is_letter(fields)
    if not titled_letter and _mentions_list_header(lines):
        grid = grid_from_rulings(page.rulings) or find_grid(gray, size=1000)  # drawn lines first
        if grid is not None:
            layout = find_layout(gray, words, grid)
            if layout is not None:
                rows = read_list(gray, words, layout)
                reading = PageReading(PageKind.LIST, supporters=rows.supporters, from_text_layer=True, notes=rows.notes)
                return PageResult(reading, page.image)
    kind = decide(Cues(False, fields, 0, card_word_count(lines)))
    if kind is PageKind.LETTER:
        supporter = read_letter_fields(gray, fields, None)
        reading = PageReading(PageKind.LETTER, supporters=(supporter,), from_text_layer=True)
        return PageResult(reading, page.image)
    if kind is PageKind.OTHER:
        return PageResult(PageReading(PageKind.OTHER, from_text_layer=True), page.image)
    return None


def _mentions_list_header(lines: list[OcrLine]) -> bool:
    text = " ".join(line.text.upper() for line in lines)
    return "NIK" in text and "NAMA" in text and ("TANDA" in text or "TTD" in text)
