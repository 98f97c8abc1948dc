"""The supporter list (B.1.1-KWK): a ruled table NO | NAMA | NIK | TEMPAT/TGL LAHIR | L/P | ALAMAT |
TANDA TANGAN, up to 25 rows a page, numbering continued across pages, empty rows at the end."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from synth.canvas import Canvas, Font, fit_text, px_box, wrap
from synth.forms import centered, draw_nik, model_tag, pick_font
from synth.marks import draw_mark
from synth.people import Person
from synth.regions import regency_for
from synth.truth import SupporterTruth

HEADERS = ("NO", "NAMA", "NIK", "TEMPAT/TGL LAHIR", "L/P", "ALAMAT", "TANDA TANGAN")
_BASE_WIDTHS = (0.05, 0.20, 0.21, 0.17, 0.045, 0.20, 0.125)


@dataclass(frozen=True)
class ListOptions:
    rows_per_page: int = 25
    landscape: bool = False
    nik_style: str = "plain"
    marks: tuple[str, ...] = ()  # per filled row: "signature", "thumbprint", "empty"; default all signed
    start_number: int = 1
    page_no: int = 1
    page_count: int = 1


def random_list_options(
    rng: random.Random, n_filled: int, *, start_number: int = 1, page_no: int = 1, page_count: int = 1
) -> ListOptions:
    rows = max(n_filled, rng.choice((10, 15, 20, 25, 25, 25)))
    marks = tuple(rng.choices(("signature", "thumbprint", "empty"), weights=(85, 7, 8), k=n_filled))
    return ListOptions(
        rows_per_page=min(25, rows),
        landscape=rng.random() < 0.4,
        nik_style=rng.choices(("plain", "grouped", "boxes"), weights=(60, 20, 20))[0],
        marks=marks,
        start_number=start_number,
        page_no=page_no,
        page_count=page_count,
    )


def page_size(options: ListOptions) -> tuple[float, float]:
    return (297.0, 210.0) if options.landscape else (210.0, 297.0)


def draw_list(
    canvas: Canvas, people: Sequence[Person], rng: random.Random, options: ListOptions
) -> list[SupporterTruth]:
    """Lay out one list page on `canvas`; `people` fill the first rows (at most `rows_per_page`)."""
    if len(people) > options.rows_per_page:
        raise ValueError("more people than rows on the page")
    page_w, page_h = canvas.width_mm, canvas.height_mm
    left, right = rng.uniform(10, 18), page_w - rng.uniform(10, 18)
    form = Font(rng.choice(("sans", "serif", "dejavu")), rng.uniform(9.5, 11))
    value_font = pick_font(rng).sized(rng.uniform(7.5, 9.0))
    regency = regency_for(people[0].district_code if people else "340401")
    model_tag(canvas, right, 8.0, "Model B.1.1-KWK", form.sized(8.5).bolder())
    title = form.sized(form.size + 1.5).bolder()
    y = 20.0
    for line in (
        "DAFTAR NAMA PENDUKUNG PASANGAN CALON PERSEORANGAN",
        f"PEMILIHAN {regency.election.upper()} TAHUN 2024",
    ):
        f = fit_text(canvas, line, title, right - left)
        centered(canvas, (left + right) / 2, y, line, f)
        y += title.size * 0.5
    y += 3
    small = form.sized(form.size - 1)
    district = people[0].district_name if people else ""
    canvas.text(left, y, f"KECAMATAN : {district}", small)
    page_text = f"Halaman {options.page_no} dari {options.page_count}"
    canvas.text(right - canvas.text_width(page_text, small), y, page_text, small)
    y += 4

    # column edges
    widths = [w * rng.uniform(0.85, 1.15) for w in _BASE_WIDTHS]
    if options.nik_style == "boxes":
        widths[2] *= 1.35
    scale = (right - left) / sum(widths)
    edges = [left]
    for w in widths:
        edges.append(edges[-1] + w * scale)
    head_font = form.sized(form.size - 1.5).bolder()
    head_h = rng.uniform(9, 13)
    top = y
    canvas.rect(
        left, top, right, top + head_h, width=0.35, fill=(225, 225, 225) if rng.random() < 0.3 else None
    )
    for i, name in enumerate(HEADERS):
        col_w = edges[i + 1] - edges[i] - 2
        lines = [name] if canvas.text_width(name, head_font) <= col_w else name.replace("/", "/ ").split()
        hf = head_font
        for ln in lines:
            hf = fit_text(canvas, ln, hf, col_w)
        line_h = hf.size * 0.42
        base = top + head_h / 2 - (len(lines) - 1) * line_h / 2 + hf.ascent_mm / 2
        for j, ln in enumerate(lines):
            centered(canvas, (edges[i] + edges[i + 1]) / 2, base + j * line_h, ln, hf)
    y = top + head_h
    if rng.random() < 0.5:  # the column-number row of official forms
        num_h = 5.0
        canvas.rect(left, y, right, y + num_h, width=0.3)
        for i in range(7):
            centered(
                canvas, (edges[i] + edges[i + 1]) / 2, y + 3.6, f"({i + 1})", small.sized(7).bolder(False)
            )
        y += num_h

    bottom_limit = page_h - rng.uniform(12, 22)
    row_h = min(16.0, (bottom_limit - y) / options.rows_per_page)
    number_empty = rng.random() < 0.5
    stagger = rng.random() < 0.4
    truths: list[SupporterTruth] = []
    for r in range(options.rows_per_page):
        y0, y1 = y + r * row_h, y + (r + 1) * row_h
        number = options.start_number + r
        filled = r < len(people)
        if filled or number_empty:
            centered(
                canvas,
                (edges[0] + edges[1]) / 2,
                (y0 + y1) / 2 + value_font.ascent_mm / 2,
                f"{number}.",
                value_font,
            )
        if stagger:  # "1. ......" on the left for odd rows, on the right for even
            sx = edges[6] + 1 if number % 2 else (edges[6] + edges[7]) / 2
            canvas.text(sx, y1 - 1.2, f"{number}. ....", value_font.sized(6.5))
        if not filled:
            continue
        person = people[r]
        mark = options.marks[r] if r < len(options.marks) else "signature"
        _cell_lines(canvas, person.name, value_font, edges[1], edges[2], y0, y1)
        draw_nik(
            canvas,
            edges[2] + 1.5,
            (y0 + y1) / 2 + value_font.ascent_mm / 2,
            person.nik,
            options.nik_style,
            value_font.sized(value_font.size + 0.5),
            edges[3] - edges[2] - 3,
        )
        _cell_lines(
            canvas, f"{person.birth_place}, {person.birth_date_text}", value_font, edges[3], edges[4], y0, y1
        )
        centered(
            canvas,
            (edges[4] + edges[5]) / 2,
            (y0 + y1) / 2 + value_font.ascent_mm / 2,
            person.sex,
            value_font,
        )
        address = f"{person.address} RT {person.rt}/RW {person.rw}, {person.kel_desa}"
        _cell_lines(canvas, address, value_font, edges[5], edges[6], y0, y1)
        draw_mark(canvas, rng, mark, (edges[6] + 1, y0 + 0.6, edges[7] - 1, y1 - 0.6))
        truths.append(
            SupporterTruth(
                row=r + 1,
                nik=person.nik,
                name=person.name,
                birth_place=person.birth_place,
                birth_date=person.birth_date,
                sex=person.sex,
                signed=mark != "empty",
                bbox=px_box(canvas, left, y0, right, y1),
                mark=mark,
                number=number,
                nik_style=options.nik_style,
                address=person.address,
                district=person.district_name,
            )
        )
    # the ruling last, over the text, as a printed form is ruled before it is filled
    table_bottom = y + options.rows_per_page * row_h
    for r in range(options.rows_per_page + 1):
        canvas.line(left, y + r * row_h, right, y + r * row_h, width=0.25)
    for x in edges:
        canvas.line(x, top, x, table_bottom, width=0.3)
    return truths


def _cell_lines(canvas: Canvas, text: str, font: Font, x0: float, x1: float, y0: float, y1: float) -> None:
    """Up to two (three if it must) lines, shrinking the font until the text fits the cell."""
    width, height = x1 - x0 - 2.5, y1 - y0 - 1
    lines = wrap(canvas, text, font, width)
    while font.size > 5 and (
        len(lines) > 2
        or max(canvas.text_width(ln, font) for ln in lines) > width
        or len(lines) * font.size * 0.4 > height
    ):
        font = font.sized(font.size - 0.5)
        lines = wrap(canvas, text, font, width)
    line_h = font.size * 0.4
    base = (y0 + y1) / 2 - (len(lines) - 1) * line_h / 2 + font.ascent_mm / 2
    for i, ln in enumerate(lines):
        canvas.text(x0 + 1.2, base + i * line_h, ln, font)
