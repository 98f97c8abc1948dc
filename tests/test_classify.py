"""pipelines.classify: the page-kind decision, and generated pages of every kind."""

from __future__ import annotations

from functools import cache

import pytest

from pipelines.classify import Cues, card_word_count, decide
from pipelines.domain import PageKind
from pipelines.engines.base import OcrLine
from pipelines.engines.registry import Engines
from pipelines.letter import LetterFields


@cache
def engines() -> Engines:
    return Engines(use_rapid=False)


def _fields(keys: tuple[str, ...], *, title: bool = False, statement: bool = False) -> LetterFields:
    line = OcrLine("x", 0.9, (0, 0, 1, 1))
    return LetterFields({k: line for k in keys}, title, None, statement)


def test_decisions() -> None:
    assert decide(Cues(list_header=True)) is PageKind.LIST
    assert decide(Cues(letter=_fields(("name", "nik"), title=True))) is PageKind.LETTER
    assert decide(Cues(letter=_fields(("name", "nik", "birth")))) is PageKind.LETTER
    # a card photo read as lines: labelled, but card words and no title -> cards
    assert decide(Cues(letter=_fields(("name", "nik", "birth", "sex")), card_words=4)) is PageKind.ID_CARDS
    assert decide(Cues(card_regions=2)) is PageKind.ID_CARDS
    # seed 47's letter 26: a stamp over its title, a pasted card found smaller than it is and its
    # words read; the sentence of support is no card's
    core = ("name", "nik", "birth", "sex")
    assert decide(Cues(letter=_fields(core, statement=True), card_regions=1, card_words=3)) is PageKind.LETTER
    assert decide(Cues(letter=_fields(core), card_regions=1, card_words=3)) is PageKind.ID_CARDS
    assert decide(Cues(letter=_fields(("name",)))) is PageKind.OTHER
    assert decide(Cues()) is PageKind.OTHER


def test_card_words() -> None:
    lines = [OcrLine(t, 0.9, (0, 0, 1, 1)) for t in ("PROVINSI JAWA TIMUR", "KABUPATEN MALANG", "Gol. Darah : O")]
    assert card_word_count(lines) == 3


@pytest.mark.parametrize("kind", ["cover", "handover", "blank"])
def test_other_pages_never_give_supporters(kind: str) -> None:
    from pipelines.pages import PageSource
    from pipelines.reading import read_page
    from synth.render import render_other

    page = render_other(kind, 5, dpi=150)
    reading = read_page(PageSource(1, page.image, None, 150), engines())
    assert reading.kind is PageKind.OTHER
    assert reading.supporters == () and reading.id_cards == ()


def test_list_page_is_a_list() -> None:
    from pipelines.pages import PageSource
    from pipelines.reading import read_page
    from synth.people import make_people
    from synth.render import render_list_page

    page = render_list_page(make_people(3, seed=8), seed=8, dpi=150)
    reading = read_page(PageSource(1, page.image, None, 150), engines())
    assert reading.kind is PageKind.LIST
    assert len(reading.supporters) == 3
