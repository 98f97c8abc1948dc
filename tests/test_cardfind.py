"""Finding e-KTPs on pages (OpenCV only, no OCR): sheets of 1-8 cards, photos, letters."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.cardfind import crop_card, find_cards, looks_like_card_page

synth_pages = pytest.importorskip("synth.card_pages")
synth_people = pytest.importorskip("synth.people")
synth_render = pytest.importorskip("synth.render")


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.fixture(scope="module")
def people() -> list:  # type: ignore[type-arg]
    return list(synth_people.make_people(60, seed=11))


@pytest.mark.parametrize("n", range(1, 9))
def test_every_card_of_a_sheet_is_found_in_reading_order(people: list, n: int) -> None:  # type: ignore[type-arg]
    page = synth_pages.render_card_sheet(people[:n], seed=f"cf{n}")
    img = np.asarray(page.image)
    boxes = find_cards(img)
    truth = [c.bbox for c in page.truth.cards]  # already in reading order
    assert len(boxes) == n
    assert all(_iou(b, t) > 0.6 for b, t in zip(boxes, truth, strict=True))
    assert looks_like_card_page(img)


def test_a_card_photo_is_found(people: list) -> None:  # type: ignore[type-arg]
    page = synth_pages.render_card_photo(people[20], seed="cf-photo")
    img = np.asarray(page.image)
    boxes = find_cards(img)
    assert len(boxes) == 1 and _iou(boxes[0], page.truth.cards[0].bbox) > 0.6
    assert looks_like_card_page(img)


@pytest.mark.parametrize("seed", range(6))
def test_letters_yield_their_pasted_card_or_none(people: list, seed: int) -> None:  # type: ignore[type-arg]
    page = synth_render.render_letter(people[30 + seed], seed=seed)
    img = np.asarray(page.image)
    boxes = find_cards(img)
    assert len(boxes) == len(page.truth.cards)
    for b, t in zip(boxes, page.truth.cards, strict=True):
        assert _iou(b, t.bbox) > 0.6
    assert not looks_like_card_page(img)


def test_a_blank_page_has_no_cards() -> None:
    blank = np.full((2339, 1654), 240, np.uint8)
    assert find_cards(blank) == []
    assert not looks_like_card_page(blank)


def test_crop_card_cuts_the_box() -> None:
    img = np.arange(100 * 80, dtype=np.uint8).reshape(100, 80)
    assert crop_card(img, (10, 20, 30, 60)).shape == (40, 20)


@pytest.mark.parametrize(
    "recipe",
    [
        {"bilevel": True, "speckle": 0.0007, "noise": 1.0},  # dust welded the old ink blobs into one
        {"bilevel": True, "stamp": True, "skew": -2.6},  # a stamp bridging two cards
        {"toner": 0.6, "speckle": 0.0007, "jpeg_quality": 65},
    ],
)
def test_every_card_of_a_degraded_sheet_is_found(people: list, recipe: dict) -> None:  # type: ignore[type-arg]
    degrade = pytest.importorskip("synth.degrade")
    page = synth_pages.render_card_sheet(people[40:48], seed="cf-degraded")
    page = degrade.degrade(page, "cf-degraded", degrade.Degradation(**recipe))
    img = np.asarray(page.image.convert("L"))
    assert len(find_cards(img)) == 8


@pytest.mark.parametrize("seed", range(16))
def test_a_degraded_letter_yields_only_its_pasted_card(people: list, seed: int) -> None:  # type: ignore[type-arg]
    """The letter's block of labelled lines, its paragraph and signature box are card-shaped
    and dense, and noise darkens every patch a little: only a card's photo is *solidly*
    darker than the paper (the old test counted the values column beside it as a photo)."""
    import dataclasses
    import random

    degrade = pytest.importorskip("synth.degrade")
    page = synth_render.render_letter(people[seed], seed=f"cf-letter{seed}", dpi=150)
    recipe = degrade.random_degradation(random.Random(seed), allow_rotation=False)
    page = degrade.degrade(page, f"cf-letter{seed}", dataclasses.replace(recipe, skew=0.0))
    boxes = find_cards(np.asarray(page.image.convert("RGB")))
    assert len(boxes) == len(page.truth.cards)
    for b, t in zip(boxes, page.truth.cards, strict=True):
        assert _iou(b, t.bbox) > 0.6
