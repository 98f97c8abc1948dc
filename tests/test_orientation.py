"""pipelines.orientation: quarter turns and skew on public samples and generated pages."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipelines.engines.tesseract import TesseractEngine
from pipelines.orientation import make_upright, rotate_small, ruled_turn
from pipelines.pages import PageSource, iter_pages
from tests.shared import EXTERNAL

TESS = EXTERNAL / "tesseract-test"
OCRMYPDF = EXTERNAL / "ocrmypdf-resources"


@cache
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.mark.skipif(not TESS.is_dir(), reason="external samples not present")
@pytest.mark.parametrize(
    ("name", "rotation"),
    [
        ("phototest.tif", 0),
        ("phototest-rotated-R.png", 270),
        ("phototest-rotated-L.png", 90),
        ("phototest-rotated-180.png", 180),
        ("phototestrot.tif", 90),
    ],
)
def test_quarter_turns_on_phototest(name: str, rotation: int) -> None:
    got = make_upright(Image.open(TESS / name), engine())
    assert got.rotation == rotation
    assert got.image.size == (640, 480)


@pytest.mark.skipif(not OCRMYPDF.is_dir(), reason="external samples not present")
def test_cardinal_pdf_four_directions() -> None:
    turns = [make_upright(p.image, engine()).rotation for p in iter_pages(OCRMYPDF / "cardinal.pdf", None, 150)]
    assert turns == [0, 270, 180, 90]


@pytest.mark.skipif(not OCRMYPDF.is_dir(), reason="external samples not present")
@pytest.mark.parametrize("name", ["skew.pdf", "rotated_skew.pdf"])
def test_skewed_pdfs_come_out_straight(name: str) -> None:
    page = next(iter_pages(OCRMYPDF / name, None, 150))
    first = make_upright(page.image, engine())
    assert first.rotation == 0 and abs(first.skew) > 1.0
    again = make_upright(first.image, None)
    assert abs(again.skew) <= 0.3


def test_blank_page_is_left_alone() -> None:
    got = make_upright(Image.new("L", (800, 1100), 255), engine())
    assert (got.rotation, got.skew, got.method) == (0, 0.0, "blank")


@pytest.mark.parametrize("angle", [-4.0, -1.5, 2.5, 4.5])
def test_skew_of_a_generated_list_is_measured(angle: float) -> None:
    from synth.people import make_people
    from synth.render import render_list_page

    page = render_list_page(make_people(10, seed=5), seed=5, dpi=100).image.convert("L")
    tilted = rotate_small(page, angle)
    got = make_upright(tilted, None)
    assert abs(got.skew + angle) <= 0.3  # the correction undoes the tilt
    assert abs(make_upright(got.image, None).skew) <= 0.2
    assert np.asarray(got.image).shape == np.asarray(page).shape


def test_a_colour_page_is_turned_as_each_of_its_channels() -> None:
    """rotate_array warps a colour page through four channels: the same pixels as each
    channel warped on its own."""
    import numpy as np

    from pipelines.orientation import rotate_array

    rng = np.random.default_rng(5)
    page = (rng.random((301, 207, 3)) * 255).astype(np.uint8)
    turned = rotate_array(page, 2.3)
    for c in range(3):
        assert np.array_equal(turned[:, :, c], rotate_array(np.ascontiguousarray(page[:, :, c]), 2.3))


def test_a_sheet_whose_profiles_lie_on_the_wrong_axis_is_turned_by_reading() -> None:
    # A generated bilevel photocopy sheet (fictional people): three cards in its upper half,
    # their frames lost to the threshold, a stamp over one. The sharper profile lay on its side
    # (ratio 1.15) and neither way up of that axis read; it was read as "other", turned 270°.
    from pipelines.domain import PageKind
    from pipelines.engines.registry import Engines
    from pipelines.pages import PageSource
    from pipelines.reading import read_page_image

    image = Image.open(Path(__file__).parent / "data" / "card_sheet_bilevel_stamped.png")
    engine = Engines()
    cheap = make_upright(image, None)
    assert cheap.rotation in (90, 270)  # the profiles' axis, wrong
    assert make_upright(image, engine.tesseract, cheap=cheap).rotation == 0
    reading = read_page_image(PageSource(1, image, None, 300), engine).reading
    assert reading.kind is PageKind.ID_CARDS and reading.rotation == 0
    assert {"3171015508870275", "3404110203922667"} <= {c.nik for c in reading.id_cards}


def test_a_table_is_deskewed_by_its_ruling() -> None:
    """A 300-dpi list of short cells (seed 7's bench page 64): its text profiles peak broadly
    (-0.6 deg for a page skewed 0.1), and at that angle its grid was not found and its 15
    supporters were lost; its ruling measures the skew, and is asked when no grid is found."""
    from pipelines.table import find_grid
    from synth.degrade import Degradation, degrade
    from synth.people import make_people
    from synth.render import render_list

    page = render_list(make_people(810, 7)[350:500], "7:list300", 300)[0]
    assert page.truth.supporters[0].name == "ENDANG NOVITASARI"
    scan = degrade(page, "7:d64", Degradation(skew=0.1, noise=0.4, toner=0.59, grayscale=True, jpeg_quality=64))
    upright = ruled_turn(scan.image, make_upright(scan.image, None))
    assert upright is not None and abs(upright.skew + 0.1) <= 0.15
    assert find_grid(upright.gray()) is not None


def test_a_ruling_a_little_off_the_texts_angle_is_tried_too() -> None:
    """Seed 3's bench page 54, a 150-dpi list skewed -0.45 deg under dense dust: its text
    measured 0.1 deg, its ruling 0.4; at 0.3 apart the ruling was not asked, no grid was found
    at 0.1, and its 20 supporters were lost with the page read as "other"."""
    from pipelines.engines.registry import Engines
    from pipelines.reading import read_page_image
    from synth.degrade import Degradation, degrade
    from synth.people import make_people
    from synth.render import render_list

    page = render_list(make_people(810, 3)[50:200], "3:list150", 150)[4]
    assert page.truth.supporters[0].name == "ENDANG KARTIKA RAHMAWATI"
    recipe = Degradation(skew=-0.45, noise=8.029462, speckle=0.00076741, toner=0.251925, jpeg_quality=77)
    scan = degrade(page, "3:d54", recipe)
    cheap = make_upright(scan.image, None)
    upright = ruled_turn(scan.image, cheap)
    assert upright is not None and abs(upright.skew - 0.45) <= 0.15, (cheap.skew, cheap.ruled)
    reading = read_page_image(PageSource(1, scan.image, None, 150), Engines()).reading
    assert len(reading.supporters) == len(page.truth.supporters) == 20
