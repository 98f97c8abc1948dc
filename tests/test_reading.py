"""pipelines.reading: the workers' entry point, end to end on generated pages."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from pipelines.domain import PageKind, Reason
from pipelines.engines.registry import Engines
from pipelines.listpage import name_as_printed
from pipelines.pages import PageSource, iter_pages
from pipelines.reading import read_page, read_page_image, upright


@cache
def engines() -> Engines:
    return Engines(use_rapid=False)


def test_turned_and_noisy_list_page() -> None:
    from synth.degrade import Degradation, degrade
    from synth.people import make_people
    from synth.render import render_list_page

    clean = render_list_page(make_people(8, seed=31), seed=31, dpi=200)
    page = degrade(clean, 31, Degradation(rotation=90, skew=2.0, noise=6.0, grayscale=True))
    result = read_page_image(PageSource(1, page.image, None, 200), engines())
    reading = result.reading
    assert reading.kind is PageKind.LIST
    # truth: counter-clockwise degrees that undo the scan's turn; ours: clockwise degrees applied
    assert reading.rotation == (360 - page.truth.rotation) % 360 == 90
    assert result.image.size == clean.image.size
    assert np.asarray(upright(PageSource(1, page.image, None, 200), reading)).shape == np.asarray(result.image).shape
    truth = clean.truth.supporters
    assert len(reading.supporters) == len(truth)
    for got, want in zip(reading.supporters, truth, strict=True):
        if got.nik != want.nik:
            assert Reason.NIK_UNREADABLE in got.reasons
        if got.signed is not None:
            assert got.signed == want.signed
    assert sum(g.nik == w.nik for g, w in zip(reading.supporters, truth, strict=True)) >= len(truth) - 1


def test_text_layer_pdf_is_read_without_ocr() -> None:
    pytest.importorskip("fpdf")
    from synth.people import make_people
    from synth.text_pdf import text_layer_pdf

    people = make_people(12, seed=9)
    pdf, truths = text_layer_pdf(people[:1], people[1:], seed=9, dpi=100)
    for page, truth in zip(iter_pages(pdf, "application/pdf", 100), truths, strict=True):
        reading = read_page(page, engines())
        assert reading.from_text_layer
        assert reading.kind.value == truth.kind
        assert len(reading.supporters) == len(truth.supporters)
        for got, want in zip(reading.supporters, truth.supporters, strict=True):
            assert got.nik == want.nik
            assert got.name == name_as_printed(want.name)
            assert got.birth_date == want.birth_date and got.sex == want.sex


def test_blank_page_is_other() -> None:
    from PIL import Image

    reading = read_page(PageSource(1, Image.new("L", (1240, 1754), 255), None, 150), engines())
    assert reading.kind is PageKind.OTHER and reading.supporters == ()


def test_a_card_sheet_the_orientation_test_left_upside_down_is_turned_by_its_cards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The orientation test guesses on small card print (seed 3 of the benchmark: two sheets
    left upside down, their cards boxed on the wrong half); the cards' own layouts, found only
    with each crop turned 180°, turn the page."""
    from PIL import Image

    import pipelines.reading as reading_module
    from synth.card_pages import render_card_sheet
    from synth.people import make_people

    people = make_people(4, seed=12)
    sheet = render_card_sheet(people, seed="upside-down", dpi=150)
    turned = sheet.image.transpose(Image.Transpose.ROTATE_180)
    real = reading_module.make_upright

    def wrong_guess(image: Image.Image, engine: object = None, *, cheap: object = None) -> object:
        return cheap if engine is not None and cheap is not None else real(image, None)

    monkeypatch.setattr(reading_module, "make_upright", wrong_guess)
    monkeypatch.setattr(reading_module, "heading_turn", lambda *a, **k: None)
    eng = Engines()
    try:
        result = read_page_image(PageSource(1, turned, None, 150), eng)
    finally:
        eng.close()
    reading = result.reading
    assert reading.kind is PageKind.ID_CARDS
    assert reading.rotation == 180
    assert [c.index for c in reading.id_cards] == [1, 2, 3, 4]
    for card, truth in zip(reading.id_cards, sheet.truth.cards, strict=True):
        assert card.bbox is not None and not card.upside_down
        cx, cy = (card.bbox[0] + card.bbox[2]) / 2, (card.bbox[1] + card.bbox[3]) / 2
        assert truth.bbox[0] <= cx <= truth.bbox[2] and truth.bbox[1] <= cy <= truth.bbox[3]
        assert card.nik in (truth.nik, None)
    assert sum(c.nik == t.nik for c, t in zip(reading.id_cards, sheet.truth.cards, strict=True)) >= 3
    assert np.asarray(result.image).shape == np.asarray(sheet.image).shape


def test_a_list_whose_profiles_lie_on_the_wrong_axis_is_read_on_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ruled table whose header reads neither way up on the profiles' turn is tried a quarter
    turn further (a dense 200-dpi list came out of the profiles on its side: read as "other",
    its supporters were lost)."""
    from pipelines import orientation, reading
    from synth.people import make_people
    from synth.render import render_list_page

    page = render_list_page(make_people(8, seed=57), "side", 200)
    real = orientation.make_upright

    def on_its_side(image: object, engine: object = None, *, cheap: object = None) -> orientation.Upright:
        if engine is None and cheap is None:  # the profiles' turn: a quarter off
            return orientation.other_axis(image, real(image, None)) or real(image, None)  # type: ignore[arg-type]
        return real(image, engine, cheap=cheap)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "make_upright", on_its_side)
    got = read_page(PageSource(1, page.image, None, 200), engines())
    assert got.kind is PageKind.LIST and got.rotation == 0
    assert [(s.row, s.nik) for s in got.supporters] == [(t.row, t.nik) for t in page.truth.supporters]
