"""PDFs "filled on a computer and printed to PDF": the same letter and list layouts drawn with
real text (fpdf2 core fonts), so pdfplumber extracts every value. Truth boxes are pixels of the
page rasterised at `dpi` (pdfium scale dpi/72)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from synth.canvas import PdfCanvas
from synth.letter import A4, LetterOptions, draw_letter, random_letter_options
from synth.people import Person
from synth.supporter_list import ListOptions, draw_list, page_size
from synth.truth import PageTruth, SupporterTruth

_CREATED = dt.datetime(2024, 6, 1, 8, 0, 0, tzinfo=dt.UTC)


def text_layer_pdf(
    letters: Sequence[Person] = (),
    list_people: Sequence[Person] = (),
    seed: int | str = 0,
    dpi: int = 150,
    *,
    rows_per_page: int = 25,
) -> tuple[bytes, list[PageTruth]]:
    """A text-layer PDF: one letter page per person in `letters`, then list pages for `list_people`.

    Letters carry no pasted card (a computer-made form has none) and the mark box is signed,
    thumb-printed or empty as the options draw it (drawn as vector strokes or an image).
    """
    from fpdf import FPDF  # imported here: only this writer needs fpdf2

    rng = random.Random(f"textpdf:{seed}")
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(_CREATED)
    pdf.set_producer("dukungan synth")
    pdf.set_auto_page_break(False)
    truths: list[PageTruth] = []
    for person in letters:
        drawn = random_letter_options(rng)
        letter = LetterOptions(drawn.mark, drawn.nik_style, None, drawn.candidates)
        canvas = PdfCanvas(pdf, *A4, dpi)
        supporter, _ = draw_letter(canvas, person, rng, letter, None)
        truths.append(_truth("letter", A4, dpi, (supporter,)))
    landscape = rng.random() < 0.4
    pages = [list_people[i : i + rows_per_page] for i in range(0, len(list_people), rows_per_page)]
    for n, chunk in enumerate(pages):
        marks = tuple(rng.choices(("signature", "empty"), weights=(9, 1), k=len(chunk)))
        options = ListOptions(
            rows_per_page=rows_per_page,
            landscape=landscape,
            nik_style="plain",
            marks=marks,
            start_number=1 + n * rows_per_page,
            page_no=n + 1,
            page_count=len(pages),
        )
        size = page_size(options)
        canvas = PdfCanvas(pdf, *size, dpi)
        truths.append(_truth("list", size, dpi, tuple(draw_list(canvas, chunk, rng, options))))
    if not truths:
        raise ValueError("nothing to write")
    pdf.file_id = lambda: "<0123456789ABCDEF0123456789ABCDEF><0123456789ABCDEF0123456789ABCDEF>"  # type: ignore[method-assign]
    return bytes(pdf.output()), truths


def _truth(
    kind: str, size: tuple[float, float], dpi: int, supporters: tuple[SupporterTruth, ...]
) -> PageTruth:
    k = dpi / 25.4
    return PageTruth(
        kind=kind,
        width=round(size[0] * k),
        height=round(size[1] * k),
        dpi=dpi,
        supporters=supporters,
        text_layer=True,
        subkind=kind,
    )
