"""Reading a support letter cheaply: text bands, the turn from the title, the values' boxes."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipelines.engines.base import OcrLine, OcrText
from pipelines.engines.registry import Engines
from pipelines.letter import TITLE, label_of, split_label
from pipelines.lines import text_bands
from pipelines.orientation import heading_turn, make_upright, to_gray
from synth.truth import RenderedPage


@cache
def engines() -> Engines:
    return Engines(use_rapid=False)


def _lines_page(size: tuple[int, int], rows: int, pitch: int, height: int) -> np.ndarray:
    """A white page with `rows` black bars shaped like words of text lines."""
    w, h = size
    page = np.full((h, w), 255, np.uint8)
    for i in range(rows):
        y = 100 + i * pitch
        for x in range(80, w // 2, height * 3):
            page[y : y + height, x : x + height * 2] = 20
    return page


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (": Nama\t: BUDI SANTOSO", ("name", "BUDI SANTOSO")),  # a speck read as a colon before the label
        ('"Pekerjaan\t: PETANI', ("job", "PETANI")),
        ("2.N1K", ("nik", "")),  # the I of NIK read as a one
        ("2. N I K\t: 3171011402886413", ("nik", "3171011402886413")),  # a letter-spaced label
        ("N a m a : BUDI", ("name", "BUDI")),
        ("No: NIK\t: 3404076711895033", ("nik", "3404076711895033")),  # the dot of "No." read as a colon
        ("2., NIK\t: 3404076711895033", ("nik", "3404076711895033")),  # a speck after the numbering
        ("2.. Nomor Induk Kependudukan (NIK)", ("nik", "(NIK)")),  # seed 5's letter 26
        ("4: Jenis kelamin\tLAKI-LAKI", ("sex", "LAKI-LAKI")),  # a number's dot read as a colon (seed 5's letter 14)
        ("1, Nama\t: DEWI SOESANTI", ("name", "DEWI SOESANTI")),  # ... as a comma (seed 13's letter 11)
    ],
)
def test_split_label_of_misread_labels(text: str, want: tuple[str, str]) -> None:
    assert split_label(text) == want


def test_digits_in_values_do_not_make_labels() -> None:
    assert label_of("3171") is None
    assert split_label("Nama : S0EKARNO") == ("name", "S0EKARNO")


def test_a_toner_streak_does_not_weld_lines() -> None:
    page = _lines_page((1240, 1754), rows=12, pitch=60, height=20)
    rng = np.random.default_rng(3)
    streak = page[:, 600:608].astype(np.int16) - 40 * (rng.random((1754, 8)) < 0.7)
    page[:, 600:608] = np.clip(streak, 0, 255).astype(np.uint8)  # grey and broken, down the whole page
    bands = text_bands(page)
    rows = sorted({(b[1], b[3]) for b in bands if b[2] - b[0] > 100})
    assert len(rows) == 12
    assert all(y1 - y0 < 40 for y0, y1 in rows)


def test_bands_of_a_large_page_are_cut_on_a_halved_map_and_drop_dust() -> None:
    page = _lines_page((2480, 3508), rows=10, pitch=120, height=40)
    rng = np.random.default_rng(5)
    ys, xs = rng.integers(0, 3506, 4000), rng.integers(0, 2478, 4000)
    for dy in (0, 1):  # a scanner's 2x2 dust
        for dx in (0, 1):
            page[ys + dy, xs + dx] = 20
    bands = text_bands(page)
    text = [b for b in bands if b[2] - b[0] > 200]
    assert len({b[1] for b in text}) == 10
    assert all(b[3] - b[1] < 80 for b in text)  # in the page's pixels, no dust welded on
    assert len(bands) <= 14  # dust alone makes no band


def _letter(seed: int, dpi: int = 150) -> RenderedPage:
    from synth.letter import LetterOptions
    from synth.people import make_people
    from synth.render import render_letter

    person = make_people(1, seed=seed)[0]
    return render_letter(person, seed, dpi=dpi, options=LetterOptions(card_position=None))


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_the_title_settles_the_turn_of_a_letter(turn: int) -> None:
    from synth.degrade import Degradation, degrade

    page = degrade(_letter(41), 41, Degradation(rotation=turn, noise=4.0))
    cheap = make_upright(page.image, None)
    found = heading_turn(cheap, engines().tesseract, TITLE)
    assert found is not None and found.method == "heading"
    assert found.rotation == (360 - page.truth.rotation) % 360
    assert found.image.size == _letter(41).image.size


def test_a_page_without_the_title_is_left_to_the_read_test() -> None:
    from synth.render import render_other

    page = render_other("cover", 8, 150)
    assert heading_turn(make_upright(page.image, None), engines().tesseract, TITLE) is None
    blank = Image.new("L", (1240, 1754), 255)
    assert heading_turn(make_upright(blank, None), engines().tesseract, TITLE) is None


def test_a_letter_reads_its_fields_and_skips_its_running_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.domain import PageKind
    from pipelines.engines.tesseract import TesseractEngine
    from pipelines.pages import PageSource
    from pipelines.reading import read_page

    page = _letter(43)
    seen: list[str] = []
    original = TesseractEngine.read_line

    def spy(self: TesseractEngine, image: np.ndarray, **kw: Any) -> OcrText:
        got = original(self, image, **kw)
        seen.append(got.text)
        return got

    monkeypatch.setattr(TesseractEngine, "read_line", spy)
    reading = read_page(PageSource(1, page.image, None, 150), engines())
    assert reading.kind is PageKind.LETTER
    (got,) = reading.supporters
    want = page.truth.supporters[0]
    assert got.nik == want.nik and got.birth_date == want.birth_date
    text = " ".join(seen).upper()
    assert "TANDA TANGAN" in text  # the signature box caption is read
    for running in ("MENYATAKAN MEMBERIKAN", "DEMIKIAN", "PEMILIHAN"):
        assert running not in text  # the pledge, the closing and the election's name are not


def test_the_nik_and_name_values_are_read_by_their_readers_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The band reading skips the values that read_nik and read_name read again (twice each at
    least): their labels are read with the page's lines, the values only by their readers."""
    from pipelines.cells import OcrCellReader
    from pipelines.pages import PageSource
    from pipelines.reading import read_page

    page = _letter(43)
    bands: list[str] = []
    original = OcrCellReader.read_each_line

    def spy(self: OcrCellReader, box: tuple[int, int, int, int], **kw: Any) -> list[OcrLine]:
        got = original(self, box, **kw)
        bands.extend(line.text.replace(" ", "").upper() for line in got)
        return got

    monkeypatch.setattr(OcrCellReader, "read_each_line", spy)
    (got,) = read_page(PageSource(1, page.image, None, 150), engines()).supporters
    want = page.truth.supporters[0]
    assert (got.nik, got.name) == (want.nik, want.name)
    assert "NAMA" in bands and "NIK" in bands
    assert not any(want.nik in text or want.name.replace(" ", "") in text for text in bands)


def test_the_nik_box_leaves_out_the_colon_and_takes_in_the_digit_boxes() -> None:
    from pipelines.reading import _after_colon, _nik_box

    page = Image.new("L", (900, 120), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 45, 16, 51), fill=0)  # a colon's two dots
    draw.rectangle((10, 70, 16, 76), fill=0)
    for i in range(16):  # digit boxes, the digits inside as bars
        x = 60 + i * 50
        draw.rectangle((x, 30, x + 50, 95), outline=0, width=2)
        draw.rectangle((x + 18, 44, x + 30, 80), fill=0)
    gray = to_gray(page)
    band = (8, 42, 862, 82)  # the text band lies inside the boxes
    x0, _, _, _ = _after_colon(gray, band)
    assert 17 <= x0 <= 62
    box = _nik_box(gray, (x0, 42, 862, 82))
    assert box[1] <= 30 and box[3] >= 96
    assert _after_colon(gray, (55, 42, 862, 82))[0] == 55  # no colon: the box stays


@pytest.mark.parametrize("family", ["sans", "serif", "mono"])
def test_a_name_boxed_short_of_its_last_letter_takes_it_in(family: str) -> None:
    """Seed 67's 200-dpi letter 27: the page's reading boxed "SUPRIYADI" without its last I, and
    both readings of that box were "SUPRIYAD", sure. The box grows over the glyphs that go on
    along its line; not over the digit boxes' ruling under it, a mark past a word's gap, or dust."""
    from pipelines.reading import _glyphs_after
    from synth.fonts import pil_font

    font = pil_font(family, False, 24)
    page = Image.new("L", (700, 140), 255)
    draw = ImageDraw.Draw(page)
    full = 20 + int(font.getlength("SUPRIYADI"))
    draw.text((20, 50), "SUPRIYADI", font=font, fill=0, anchor="ls")
    draw.rectangle((15, 58, 600, 110), outline=0, width=2)  # the NIK's digit boxes under the name
    draw.ellipse((full + 40, 20, full + 110, 90), outline=60, width=3)  # a stamp's ring past a word's gap
    draw.rectangle((full + 8, 40, full + 9, 41), fill=0)  # dust right after the name
    gray = to_gray(page)
    cut = 20 + int(font.getlength("SUPRIYAD"))  # the box as the page's reading gave it
    top = 50 - int(font.getbbox("S", anchor="ls")[3] - font.getbbox("S", anchor="ls")[1]) - 2
    x0, y0, x1, y1 = _glyphs_after(gray, (20, top, cut, 54))
    assert (x0, y0, y1) == (20, top, 54)
    assert full - 2 <= x1 <= full + 3
    assert _glyphs_after(gray, (20, top, full + 1, 54)) == (20, top, full + 1, 54)  # nothing more


def _digit_boxes_page(top: int, bottom: int) -> Image.Image:
    """A NIK's label (a bar at x 10-60) and, right of it, 16 digit boxes from `top` to `bottom`
    with a bar in each for its digit; the boxes' sides a pixel wide."""
    page = Image.new("L", (900, 160), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 62, 60, 78), fill=0)
    for i in range(16):
        x = 80 + i * 48
        draw.rectangle((x, top, x + 48, bottom), outline=0, width=1)
        draw.rectangle((x + 18, top + 14, x + 28, bottom - 12), fill=0)
    return page


def test_a_pixel_thin_ruling_between_two_rows_is_the_digit_boxes_top() -> None:
    """Seed 5's 150-dpi letter 20: deskewed, the boxes' top ruling of a pixel lay in two rows
    (grey 132 and 212), neither dark on 60 % of its width; the box lost its top, the boxes'
    outline was not taken off, and their sides were read as digits."""
    from pipelines.reading import _nik_box

    gray = np.asarray(_digit_boxes_page(40, 100)).copy()
    gray[40, 81:848], gray[41, 81:848] = 132, 212  # the top ruling, split over two rows
    box = _nik_box(gray, (80, 55, 848, 85))
    assert box[1] <= 41 and box[3] >= 100


def test_digit_boxes_outside_the_labels_line_are_found_beside_it() -> None:
    """Seed 13's 150-dpi letter 6: the NIK's line held its label alone (Tesseract's layout
    took the digit boxes for a picture), and its label was read as the NIK. The boxes right of
    the label, taller than its line, are found by their ruling."""
    from pipelines.reading import _boxes_beside, _nik_box

    gray = to_gray(_digit_boxes_page(44, 100))
    x0, y0, x1, y1 = _boxes_beside(gray, (10, 62, 61, 79))
    assert 78 <= x0 <= 82 and x1 >= 848
    box = _nik_box(gray, (x0, y0, x1, y1))
    assert box[1] <= 44 and box[3] >= 100
    blank = to_gray(Image.new("L", (900, 160), 255))
    assert _boxes_beside(blank, (10, 62, 61, 79)) == (10, 62, 61, 79)


def test_the_nik_is_the_piece_of_its_row_where_digits_were_read() -> None:
    """A stamp's ring cuts a letter's NIK row in pieces. Seed 13's 300-dpi letter 48: the
    ring's piece right of the label (left unread, "…") was taken for the NIK and its digits,
    read in the next piece, were not; seed 17's letter 7: the NIK's own piece is the unread
    one, and a stamp's letters further right ("NP— PF") are no NIK."""
    from pipelines.reading import _value_piece

    row = (306, 663, 1476, 729)
    label = OcrLine("NIK", 0.9, (306, 682, 378, 715))
    ring = OcrLine("…", 1.0, (482, 663, 655, 729))
    digits = OcrLine("N//8404055905598403", 0.6, (852, 663, 1476, 729))
    assert _value_piece([label, ring, digits], row, "nik") == digits.box
    value = OcrLine("…", 1.0, (872, 1395, 1345, 1429))
    stamp = OcrLine("NP— PF", 0.4, (1547, 1383, 1954, 1441))
    label = OcrLine("NIK", 0.9, (268, 1395, 343, 1429))
    assert _value_piece([label, value, stamp], (268, 1383, 1954, 1441), "nik") == value.box


def test_lines_under_a_stamp_are_cut_apart() -> None:
    page = _lines_page((1240, 1754), rows=8, pitch=40, height=18)
    image = Image.fromarray(page)
    draw = ImageDraw.Draw(image)
    for r in (110, 80):  # a stamp's two rings over the right half of the lines
        draw.ellipse((450 - r, 240 - r, 450 + r, 240 + r), outline=60, width=6)
    bands = text_bands(np.asarray(image))
    lines = sorted({(b[1], b[3]) for b in bands if b[0] < 200})
    assert len(lines) >= 7  # the ring's top and bottom may join the first and last line
    assert all(y1 - y0 < 45 for y0, y1 in lines)


def _stamped_box(signed: bool) -> tuple[np.ndarray, tuple[float, float, float]]:
    """A page with a ruled signature box whose right half a stamp's two rings cover."""
    image = Image.new("L", (1000, 900), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((300, 500, 800, 750), outline=0, width=2)
    cx, cy, r = 720.0, 680.0, 130.0
    for radius, width in ((r, 6), (0.64 * r, 4)):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=90, width=width)
    draw.text((cx - 20, cy - 10), "SAH", fill=90)
    draw.text((310, 506), "Tanda tangan / cap jempol", fill=0)
    if signed:  # pen strokes left of the stamp
        xs = np.linspace(330, 540, 60)
        ys = 630 + 40 * np.sin((xs - 330) / 18)
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=10, width=3)
    return np.asarray(image), (cx, cy, r)


@pytest.mark.parametrize("signed", [False, True])
def test_a_stamp_over_the_signature_box_is_looked_past(signed: bool) -> None:
    from pipelines.letter import LetterFields, judge_signature

    gray, stamp = _stamped_box(signed)
    fields = LetterFields({}, True, OcrLine("Tanda tangan / cap jempol", 0.9, (310, 506, 460, 517)))
    box = [(300, 500, 802, 752)]
    assert judge_signature(gray, fields, (), box)[0] is True  # the rings alone look like strokes
    got, confidence = judge_signature(gray, fields, (stamp,), box)
    if signed:
        assert got is True and confidence <= 0.8
    else:
        assert got is None  # an empty box must never read as signed
    # The caption unread (a stamp over it): it cannot be told from pen strokes, so no verdict.
    assert judge_signature(gray, LetterFields({}, True, None), (stamp,), box)[0] is None


def test_a_stamp_whose_outer_ring_hough_misses_is_found_by_its_inner_ring() -> None:
    from pipelines.signature import find_stamps
    from synth.degrade import Degradation, degrade
    from synth.letter import LetterOptions
    from synth.people import make_people
    from synth.render import render_letter

    # seen: over an empty signature box at 300 dpi, the outer ring's circle was not among the
    # candidates, only the inner ring's; the box then read as signed
    person = make_people(200, seed=77)[95]
    page = render_letter(person, "es95", dpi=300, options=LetterOptions(mark="empty", card_position=None))
    page = degrade(page, "es95", Degradation(stamp=True, noise=3.0))
    (stamp,) = find_stamps(to_gray(page.image))
    assert 200 < stamp[2] < 330  # the outer ring's radius (the page is 2480 px wide)


def test_a_half_turn_of_the_cheap_turn_is_a_transpose_not_a_second_warp() -> None:
    from synth.degrade import Degradation, degrade

    page = degrade(_letter(45), 45, Degradation(rotation=180, skew=1.5, noise=3.0))
    cheap = make_upright(page.image, None)
    turned = make_upright(page.image, engines().tesseract, cheap=cheap)
    assert turned.rotation == (cheap.rotation + 180) % 360 and turned.skew == cheap.skew
    assert np.array_equal(np.asarray(turned.image), np.asarray(cheap.image.transpose(Image.Transpose.ROTATE_180)))


def test_the_caption_is_read_from_inside_the_signature_box() -> None:
    from pipelines.cells import OcrCellReader
    from pipelines.letter import find_caption
    from synth.fonts import pil_font

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((800, 1300, 1150, 1500), outline=0, width=2)
    draw.text((812, 1308), "Tanda tangan / cap jempol", font=pil_font("sans", False, 20), fill=0)
    draw.line([(850, 1450), (900, 1380), (950, 1440), (1050, 1400)], fill=0, width=3)
    gray = np.asarray(image)
    caption = find_caption(gray, OcrCellReader(gray, engines().tesseract, ruled=False), [(800, 1300, 1150, 1500)])
    assert caption is not None and "TANDA" in caption.text.upper()
    assert caption.box[0] > 800 and caption.box[3] < 1400
    assert find_caption(gray, OcrCellReader(gray, engines().tesseract, ruled=False), []) is None


def test_a_stamp_whose_outer_ring_fades_over_a_fifth_is_still_found() -> None:
    # seen (seed 7, a 300-dpi list): a grey stamp over the last rows, its outer ring faint where
    # it crossed the ruling (0.79 of it inked, its inner ring whole); not found, its two empty
    # signature boxes were read as signed.
    from pipelines.signature import find_stamps

    image = Image.new("L", (3508, 2480), 255)
    draw = ImageDraw.Draw(image)
    for y in range(300, 2300, 110):
        draw.line((200, y, 3300, y), fill=0, width=5)
    cx, cy, r = 2800, 1900, 230
    draw.ellipse((cx - 0.64 * r, cy - 0.64 * r, cx + 0.64 * r, cy + 0.64 * r), outline=110, width=8)
    draw.arc((cx - r, cy - r, cx + r, cy + r), start=75, end=360, fill=110, width=10)  # 75 deg faded away
    found = find_stamps(np.asarray(image))
    assert len(found) == 1
    x, y, radius = found[0]
    assert abs(x - cx) < 20 and abs(y - cy) < 20 and abs(radius - r) < 0.12 * r


def test_a_letters_birth_date_under_a_stamp_is_read_again_with_the_stamp_taken_off() -> None:
    """Seed 5's mixed bench set, letter 10 (150 dpi): a coloured stamp's ring over the year,
    the line read "PADANG, 21-12 TDS" and the letter left without a birth date. The date's
    value is read again as a list's birth cell is, on the page with the stamp's ink taken off."""
    from pipelines.pages import PageSource
    from pipelines.reading import read_page_image
    from synth.degrade import Degradation, degrade
    from synth.people import make_people
    from synth.render import render_letter

    clean = render_letter(make_people(810, 5)[10], "5:l10", 150)
    recipe = Degradation(skew=2.33, noise=2.6720483, speckle=5.033407e-05, blur=0.42933618, stamp=True, jpeg_quality=47)
    scan = degrade(clean, "5:d10", recipe)
    (got,) = read_page_image(PageSource(1, scan.image, None, 150), Engines()).reading.supporters
    want = scan.truth.supporters[0]
    assert got.birth_date == want.birth_date


def test_a_numbered_label_whose_dot_reads_as_a_colon_is_still_a_label() -> None:
    """Seed 5's mixed bench set, letter 14 (150 dpi, grey, JPEG 45, blurred, toner): a speck
    beside the dot of "4. Jenis kelamin" made it "4:", the line lost its label, and the sex was
    unread (the entry in review for it alone)."""
    from pipelines.engines.registry import Engines
    from pipelines.pages import PageSource
    from pipelines.reading import read_page_image
    from synth.degrade import Degradation, degrade
    from synth.people import make_people
    from synth.render import render_letter

    clean = render_letter(make_people(810, 5)[14], "5:l14", 150)
    recipe = Degradation(
        skew=2.51, noise=5.169957054786606, speckle=0.00018753625073136463, toner=0.5894023143583752,
        blur=0.7132963092527633, grayscale=True, jpeg_quality=45,
    )  # fmt: skip
    scan = degrade(clean, "5:d14", recipe)
    (read,) = read_page_image(PageSource(1, scan.image, None, 150), Engines()).reading.supporters
    assert read.sex == scan.truth.supporters[0].sex == "L"
