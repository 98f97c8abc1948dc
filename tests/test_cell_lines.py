"""Text lines of a cell in small print: dust between two lines, a band of dust, the print height."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from pipelines.cells import OcrCellReader
from pipelines.engines.base import OcrText
from synth.fonts import pil_font


class _NoEngine:
    """Line finding and measuring need no OCR."""

    name = "none"

    def read_line(self, image: np.ndarray, *, charset: str | None = None, timeout: float = 2.0) -> OcrText:
        raise AssertionError("not read")


def _cell(lines: list[str], size: int = 15, leading: int = 0) -> tuple[Image.Image, list[int]]:
    """A cell of printed capitals (cap height ~0.72 of `size`) on white, lines `leading` px
    closer than the font's own spacing; the baselines' y."""
    font = pil_font("mono", False, size)
    img = Image.new("L", (300, 20 + len(lines) * size), 255)
    draw = ImageDraw.Draw(img)
    tops = []
    y = 8
    for text in lines:
        draw.text((6, y), text, fill=0, font=font)
        tops.append(y)
        y += size - leading
    return img, tops


def _reader(img: Image.Image) -> tuple[OcrCellReader, tuple[int, int, int, int]]:
    gray = np.asarray(img, dtype=np.uint8)
    return OcrCellReader(gray, _NoEngine(), ruled=False), (0, 0, gray.shape[1], gray.shape[0])  # type: ignore[arg-type]


def _gap_rows(img: Image.Image) -> list[int]:
    ink = (np.asarray(img) < 128).any(axis=1)
    rows = np.flatnonzero(ink)
    return [int(r) for r in range(int(rows[0]), int(rows[-1])) if not ink[r]]


def test_two_lines_joined_by_a_speck_are_two_lines() -> None:
    img, _ = _cell(["PEKALONGAN,", "24-11-1955"], size=15, leading=2)
    gap = _gap_rows(img)
    assert gap, "the two lines must stand apart for the test to mean anything"
    reader, box = _reader(img)
    assert len(reader.line_boxes(box)) == 2
    # a 2 x 2 speck of dust across the blank rows between them (as on a 150-dpi scan)
    arr = np.asarray(img).copy()
    y = gap[len(gap) // 2]
    arr[y - 1 : y + 2, 120:122] = 0
    dusty = Image.fromarray(arr)
    assert not _gap_rows(dusty) or _gap_rows(dusty) != gap
    reader, box = _reader(dusty)
    lines = reader.line_boxes(box)
    assert len(lines) == 2
    assert lines[0][3] <= lines[1][1] + 2


def test_a_band_of_dust_is_no_text_line() -> None:
    img, tops = _cell(["", "THERESIA SUSANTI"], size=20)
    arr = np.asarray(img).copy()
    # specks at about one height across the cell, above the name: one band 8 px tall
    for x, y in ((20, 8), (60, 10), (110, 13), (170, 9), (230, 12)):
        arr[y : y + 3, x : x + 3] = 0
    reader, box = _reader(Image.fromarray(arr))
    lines = reader.line_boxes(box)
    assert len(lines) == 1
    assert lines[0][1] >= tops[1] - 2


def test_text_height_is_the_glyphs_not_the_band() -> None:
    img, _ = _cell(["ANI SUSANTI"], size=16)
    reader, box = _reader(img)
    clean = reader.text_height(box)
    assert clean is not None and 9 <= clean <= 14
    # dust just above and below the letters makes the band taller, not the glyphs
    arr = np.asarray(img).copy()
    ink_rows = np.flatnonzero((arr < 128).any(axis=1))
    arr[ink_rows[0] - 3 : ink_rows[0] - 1, 40:42] = 0
    arr[ink_rows[-1] + 2 : ink_rows[-1] + 4, 90:92] = 0
    reader, box = _reader(Image.fromarray(arr))
    assert reader.text_height(box) == clean


def test_dust_close_over_a_line_is_trimmed_off_its_band() -> None:
    img, _ = _cell(["3173086701717414"], size=15)
    clean_reader, box = _reader(img)
    (line,) = clean_reader.line_boxes(box)
    arr = np.asarray(img).copy()
    top, bottom = line[1], line[3]
    # specks scattered over the digits, each a row or two from the next: one band three lines tall
    for x, y in ((30, top - 3), (60, top - 6), (90, top - 9), (120, top - 12), (75, bottom + 1)):
        arr[y : y + 2, x : x + 2] = 0
    reader, box = _reader(Image.fromarray(arr))
    lines = reader.line_boxes(box)
    assert len(lines) == 1
    assert abs(lines[0][1] - top) <= 1 and abs(lines[0][3] - bottom) <= 1


def test_faint_digits_are_not_closed_up_as_blank() -> None:
    from pipelines.cells import _close_gaps

    img, _ = _cell(["3404064505508048"], size=15)
    arr = np.asarray(img).astype(np.float32)
    rows, cols = np.flatnonzero((arr < 128).any(axis=1)), np.flatnonzero((arr < 128).any(axis=0))
    line = arr[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    assert _close_gaps(line.astype(np.uint8)).shape == line.shape  # dark print: nothing to close
    faint = (255 - (255 - line) * 0.45).astype(np.uint8)  # light toner: strokes 140-255
    assert faint.min() >= 130
    assert _close_gaps(faint).shape == faint.shape


def test_digits_spread_one_per_box_are_told_without_their_boxes() -> None:
    # Noise broke the thin lines of a 300-dpi list's digit boxes on 89 of 150 rows: the boxes
    # were not found, the second reading kept the digits apart, read them as garbage
    # ("BENAR S75 127 ..."), and every NIK of the page went to the witness.
    font = pil_font("sans", False, 30)
    for text, spread in (
        ("3172034111947710", False),
        ("3172 0341 1194 7710", False),
        (" ".join("3172034111947710"), True),
    ):
        img = Image.new("L", (900, 60), 255)
        ImageDraw.Draw(img).text((10, 12), text, fill=0, font=font)
        reader, box = _reader(img)
        assert reader.digits_spread(box) is spread, text
    img = Image.new("L", (900, 60), 255)
    draw = ImageDraw.Draw(img)
    for i, digit in enumerate("3172034111947710"):
        draw.text((10 + 52 * i, 12), digit, fill=0, font=font)  # one per (lost) box, 52 px apart
    reader, box = _reader(img)
    assert reader.digits_spread(box)


class _Recorder:
    """Keeps the images it is handed."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []

    def read_line(self, image: np.ndarray, *, charset: str | None = None, timeout: float = 2.0) -> OcrText:
        self.seen.append(np.asarray(image))
        return OcrText("3404", 0.99)


def test_dust_beside_digits_is_not_handed_to_the_engine() -> None:
    # A 300-dpi NIK in digit boxes on a bilevel scan: specks beside the digits were read as
    # dots and colons ("340409580.976.3.445"), the digits less sure, and 58 of a page's 150 NIKs
    # were asked of the witness. What is left of a box's side, taller than the digits, too.
    import cv2

    from pipelines.cells import components

    font = pil_font("sans", False, 34)
    img = Image.new("L", (980, 70), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((8, 6, 968, 62), outline=0, width=2)
    for i, digit in enumerate("3404095809763445"):
        x = 8 + 60 * i
        draw.line((x, 6, x, 62), fill=0, width=2)
        draw.text((x + 20, 14), digit, fill=0, font=font)
    arr = np.asarray(img).copy()
    rng = np.random.default_rng(7)
    for _ in range(60):  # 2-4 px specks all over the cell
        y, x, s = int(rng.integers(8, 60)), int(rng.integers(10, 960)), int(rng.integers(2, 5))
        arr[y : y + s, x : x + s] = 0
    arr[4:66, 497:499] = 0  # a box side the box finder does not take (it stands off the boxes)
    engine = _Recorder()
    reader = OcrCellReader(arr, engine, ruled=False)  # type: ignore[arg-type]
    reader.read((0, 0, arr.shape[1], arr.shape[0]), boxed_digits=True, height=20)
    (seen,) = engine.seen
    n, _, stats, _ = components(np.asarray(seen < 128, dtype=np.uint8) * 255)
    heights, widths = stats[1:n, cv2.CC_STAT_HEIGHT], stats[1:n, cv2.CC_STAT_WIDTH]
    glyph = int(np.median(heights))
    assert n - 1 == 16, "the sixteen digits and nothing else"
    assert np.maximum(heights, widths).min() > 0.3 * glyph
    assert heights.max() <= 1.2 * glyph
