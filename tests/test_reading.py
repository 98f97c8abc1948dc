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
