"""Render pages as Pillow images with exact ground truth (upright, undegraded page pixels).

Every function is deterministic in `seed` and returns a `RenderedPage(image, truth)`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from PIL import Image

from synth.canvas import PilCanvas
from synth.card_pages import render_card_photo, render_card_sheet
from synth.ktp import CARD_W_MM, photocopy, render_card
from synth.letter import A4, LetterOptions, draw_letter, random_letter_options
from synth.other_pages import draw_cover, draw_handover
from synth.people import Person
from synth.supporter_list import ListOptions, draw_list, page_size, random_list_options
from synth.truth import PageTruth, RenderedPage

MIN_DPI, MAX_DPI = 72, 600


def _check_dpi(dpi: int) -> None:
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be in {MIN_DPI}..{MAX_DPI}")


def card_for_page(
    person: Person, seed: int | str, dpi: int, rng: random.Random, *, copy: bool
) -> Image.Image:
    """The person's e-KTP at true size for a page at `dpi`: a grey photocopy (usual) or in colour."""
    card = render_card(person, seed, width_px=max(200, round(CARD_W_MM / 25.4 * dpi)))
    return photocopy(card, rng) if copy else card


def render_letter(
    person: Person, seed: int | str, dpi: int = 200, options: LetterOptions | None = None
) -> RenderedPage:
    """A B.1-KWK-PERSEORANGAN support letter; `options` None: mark, NIK style, card place at random."""
    _check_dpi(dpi)
    rng = random.Random(f"letter:{seed}")
    options = options or random_letter_options(rng)
    canvas = PilCanvas(*A4, dpi)
    card = None
    if options.card_position is not None:
        card = card_for_page(person, seed, dpi, rng, copy=rng.random() < 0.8)
    supporter, card_truth = draw_letter(canvas, person, rng, options, card)
    img = canvas.image_out
    truth = PageTruth(
        kind="letter",
        width=img.width,
        height=img.height,
        dpi=dpi,
        supporters=(supporter,),
        cards=(card_truth,) if card_truth else (),
        subkind="letter",
    )
    return RenderedPage(img, truth)


def render_letters(people: Sequence[Person], seed: int | str, dpi: int = 200) -> list[RenderedPage]:
    return [render_letter(p, f"{seed}:{i}", dpi) for i, p in enumerate(people)]


def render_list_page(
    people: Sequence[Person], seed: int | str, dpi: int = 200, options: ListOptions | None = None
) -> RenderedPage:
    """One B.1.1-KWK page holding `people` (at most 25) in its first rows."""
    _check_dpi(dpi)
    rng = random.Random(f"list:{seed}")
    options = options or random_list_options(rng, len(people))
    canvas = PilCanvas(*page_size(options), dpi)
    supporters = draw_list(canvas, people, rng, options)
    img = canvas.image_out
    truth = PageTruth(
        kind="list", width=img.width, height=img.height, dpi=dpi, supporters=tuple(supporters), subkind="list"
    )
    return RenderedPage(img, truth)


def render_list(
    people: Sequence[Person],
    seed: int | str,
    dpi: int = 200,
    *,
    rows_per_page: int | None = None,
    landscape: bool | None = None,
    nik_style: str | None = None,
) -> list[RenderedPage]:
    """A multi-page list: numbering continues over pages, the last page ends in empty rows."""
    rng = random.Random(f"lists:{seed}")
    rows = rows_per_page or rng.choice((15, 20, 25, 25))
    if not 1 <= rows <= 25:
        raise ValueError("rows_per_page must be 1..25")
    base = random_list_options(rng, 0)
    chunks = [people[i : i + rows] for i in range(0, len(people), rows)] or [people[:0]]
    pages: list[RenderedPage] = []
    for n, chunk in enumerate(chunks):
        marks = tuple(rng.choices(("signature", "thumbprint", "empty"), weights=(85, 7, 8), k=len(chunk)))
        options = ListOptions(
            rows_per_page=rows,
            landscape=base.landscape if landscape is None else landscape,
            nik_style=nik_style or base.nik_style,
            marks=marks,
            start_number=1 + n * rows,
            page_no=n + 1,
            page_count=len(chunks),
        )
        pages.append(render_list_page(chunk, f"{seed}:{n}", dpi, options))
    return pages


def render_other(kind: str, seed: int | str, dpi: int = 200) -> RenderedPage:
    """A page with no supporter: `kind` is "cover", "handover" or "blank"."""
    _check_dpi(dpi)
    rng = random.Random(f"other:{kind}:{seed}")
    canvas = PilCanvas(*A4, dpi)
    if kind == "cover":
        draw_cover(canvas, rng)
    elif kind == "handover":
        draw_handover(canvas, rng)
    elif kind != "blank":
        raise ValueError(f"unknown page kind {kind!r}")
    img = canvas.image_out
    return RenderedPage(
        img, PageTruth(kind="other", width=img.width, height=img.height, dpi=dpi, subkind=kind)
    )


__all__ = [
    "card_for_page",
    "render_card_photo",
    "render_card_sheet",
    "render_letter",
    "render_letters",
    "render_list",
    "render_list_page",
    "render_other",
]
