"""The support letter, one supporter per page (B.1-KWK-PERSEORANGAN, 2024 style).

`draw_letter` lays the page out on any `Canvas` (raster or text-layer PDF) and returns the
truth for the supporter and the pasted e-KTP, if any.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image

from synth.canvas import Canvas, Font, px_box, wrap
from synth.forms import INDONESIAN_MONTHS, centered, draw_nik, model_tag, pick_font
from synth.ktp import CARD_H_MM, CARD_W_MM
from synth.marks import draw_mark
from synth.people import Person
from synth.regions import regency_for
from synth.truth import CardTruth, SupporterTruth

A4 = (210.0, 297.0)

CANDIDATE_PAIRS = (  # fictional pairs
    ("HARYO WIBISONO", "DEWI KARTIKASARI"),
    ("ANDREAS TAMBUNAN", "NUR AINI SAFITRI"),
    ("BAGUS SETYO NUGROHO", "RATNA MAHARANI"),
    ("IMAM SANTOSA", "YOHANA PURBA"),
)

# (key, label variants); the first five are always printed, the rest often
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("Nama", "Nama Lengkap", "N a m a")),
    ("nik", ("NIK", "Nomor Induk Kependudukan (NIK)", "N I K", "No. NIK")),
    ("ttl", ("Tempat/Tgl Lahir", "Tempat/Tanggal Lahir", "Tempat, Tgl. Lahir")),
    ("sex", ("Jenis Kelamin", "Jenis kelamin")),
    ("address", ("Alamat", "Alamat Tempat Tinggal")),
    ("rtrw", ("RT/RW",)),
    ("kel", ("Kel/Desa", "Kelurahan/Desa", "Desa/Kelurahan")),
    ("kec", ("Kecamatan",)),
    ("job", ("Pekerjaan",)),
)


@dataclass(frozen=True)
class LetterOptions:
    mark: str = "signature"  # "signature", "thumbprint", "empty"
    nik_style: str = "plain"
    card_position: str | None = "top-left"  # "top-left", "top-right", "bottom-left" or None
    candidates: tuple[str, str] = CANDIDATE_PAIRS[0]


def random_letter_options(rng: random.Random) -> LetterOptions:
    return LetterOptions(
        mark=rng.choices(("signature", "thumbprint", "empty"), weights=(80, 12, 8))[0],
        nik_style=rng.choices(("plain", "grouped", "boxes"), weights=(60, 20, 20))[0],
        card_position=rng.choices(("top-left", "top-right", "bottom-left", None), weights=(60, 12, 13, 15))[
            0
        ],
        candidates=rng.choice(CANDIDATE_PAIRS),
    )


def _values(person: Person) -> dict[str, str]:
    return {
        "name": person.name,
        "nik": person.nik,
        "ttl": f"{person.birth_place}, {person.birth_date_text}",
        "sex": person.sex_word,
        "address": person.address,
        "rtrw": f"{person.rt}/{person.rw}",
        "kel": person.kel_desa,
        "kec": person.district_name,
        "job": person.occupation,
    }


def draw_letter(
    canvas: Canvas, person: Person, rng: random.Random, options: LetterOptions, card: Image.Image | None
) -> tuple[SupporterTruth, CardTruth | None]:
    """Lay out one letter on `canvas` (A4 portrait, mm). `card` is the e-KTP image to paste."""
    page_w, _ = A4
    left = rng.uniform(18, 26)
    right = page_w - rng.uniform(16, 24)
    regency = regency_for(person.district_code)
    form = Font(rng.choice(("sans", "serif", "dejavu")), rng.uniform(10.5, 11.5))
    value_font = pick_font(rng)
    model_tag(canvas, right, 10.0, "Model B.1-KWK-PERSEORANGAN", form.sized(8.5).bolder())

    card_truth_box: tuple[float, float, float, float] | None = None
    y = 24.0
    position = options.card_position if card is not None else None
    if position in ("top-left", "top-right"):
        x = left if position == "top-left" else right - CARD_W_MM - 6
        card_truth_box = _paste_card(canvas, card, x, 18.0, rng)
        y = 18.0 + CARD_H_MM + 12
    title_font = form.sized(rng.uniform(12.5, 14.5)).bolder()
    y += 4
    centered(canvas, (left + right) / 2, y, "SURAT PERNYATAAN DUKUNGAN", title_font)
    y += title_font.size * 0.5
    sub = form.sized(form.size - 0.5).bolder()
    for line in wrap(canvas, f"PEMILIHAN {regency.election.upper()} TAHUN 2024", sub, right - left):
        centered(canvas, (left + right) / 2, y, line, sub)
        y += sub.size * 0.45
    y += 5
    canvas.text(left, y, "Yang bertanda tangan di bawah ini:", form)
    y += 8

    values = _values(person)
    keys = [k for k, _ in _LABELS[:5]] + [k for k, _ in _LABELS[5:] if rng.random() < 0.8]
    # the plain label most of the time; the variants (spaced-out letters among them) now and then
    labels = {k: v[0] if rng.random() < 0.6 else rng.choice(v) for k, v in _LABELS}
    numbered = rng.random() < 0.25
    texts = {k: (f"{i + 1}. " if numbered else "") + labels[k] for i, k in enumerate(keys)}
    indent = left + rng.uniform(0, 6)
    colon_x = indent + max(canvas.text_width(t, form) for t in texts.values()) + rng.uniform(2, 10)
    value_x = colon_x + rng.uniform(2.0, 3.5)
    step = rng.uniform(6.5, 9.0)
    dotted = rng.random() < 0.3
    block_top, block_right = y - form.ascent_mm - 1, value_x
    for key in keys:
        canvas.text(indent, y, texts[key], form)
        canvas.text(colon_x, y, ":", form)
        if key == "nik":
            end = draw_nik(
                canvas,
                value_x,
                y,
                person.nik,
                options.nik_style,
                value_font.sized(value_font.size + 1),
                right - value_x,
            )
        else:
            vfont = value_font
            while vfont.size > 6 and canvas.text_width(values[key], vfont) > right - value_x:
                vfont = vfont.sized(vfont.size - 0.5)
            canvas.text(value_x, y, values[key], vfont)
            end = value_x + canvas.text_width(values[key], vfont)
        if dotted and key != "nik":
            _dots(canvas, value_x, y + 1.2, right)
        block_right = max(block_right, end)
        y += step
    block_bottom = y - step + form.descent_mm + 1.5

    y += 3
    sentence = (
        f"dengan ini menyatakan memberikan dukungan kepada Pasangan Calon Perseorangan {regency.election} "
        f"Tahun 2024, atas nama {options.candidates[0]} dan {options.candidates[1]}."
    )
    for line in wrap(canvas, sentence, form, right - left):
        canvas.text(left, y, line, form)
        y += form.size * 0.5
    y += 3
    closing = (
        "Demikian surat pernyataan dukungan ini saya buat dengan sebenar-benarnya, tanpa paksaan "
        "dari pihak mana pun, untuk dipergunakan sebagaimana mestinya."
    )
    for line in wrap(canvas, closing, form, right - left):
        canvas.text(left, y, line, form)
        y += form.size * 0.5

    y = max(y + 10, 200.0 if position == "bottom-left" else y + 10)
    box_w, box_h = rng.uniform(50, 64), rng.uniform(28, 36)
    bx0 = right - box_w
    month = rng.randint(4, 6)
    canvas.text(
        bx0, y, f"{regency.city.title()}, {rng.randint(1, 28)} {INDONESIAN_MONTHS[month - 1]} 2024", form
    )
    y += 6
    canvas.text(bx0, y, "Yang membuat pernyataan,", form)
    y += 4
    caption = form.sized(form.size - 2)
    canvas.rect(bx0, y, right, y + box_h, width=0.3)
    canvas.text(bx0 + 1.5, y + caption.ascent_mm + 1.2, "Tanda tangan / cap jempol", caption)
    draw_mark(canvas, rng, options.mark, (bx0 + 2, y + caption.ascent_mm + 2.5, right - 2, y + box_h - 1.5))
    y += box_h + 6
    centered(canvas, (bx0 + right) / 2, y, f"( {person.name} )", form)

    if position == "bottom-left":
        card_truth_box = _paste_card(canvas, card, left, max(y - CARD_H_MM - 10, block_bottom + 60), rng)

    supporter = SupporterTruth(
        row=1,
        nik=person.nik,
        name=person.name,
        birth_place=person.birth_place,
        birth_date=person.birth_date,
        sex=person.sex,
        signed=options.mark != "empty",
        bbox=px_box(canvas, left - 1, block_top, block_right + 1, block_bottom),
        mark=options.mark,
        nik_style=options.nik_style,
        card_index=1 if card_truth_box else None,
        address=person.address,
        district=person.district_name,
    )
    card_truth = None
    if card_truth_box is not None:
        card_truth = CardTruth(
            1,
            person.nik,
            person.name,
            person.birth_place,
            person.birth_date,
            person.sex,
            px_box(canvas, *card_truth_box),
        )
    return supporter, card_truth


def _dots(canvas: Canvas, x0: float, y: float, x1: float) -> None:
    x = x0
    while x < x1:
        canvas.line(x, y, x + 0.3, y, width=0.25, color=(90, 90, 90))
        x += 1.2


def _paste_card(
    canvas: Canvas, card: Image.Image | None, x: float, y: float, rng: random.Random
) -> tuple[float, float, float, float]:
    """A photocopied card cut out with a margin and glued on: returns the card's own box (mm)."""
    assert card is not None
    m = rng.uniform(1.5, 4.0)
    canvas.rect(x, y, x + CARD_W_MM + 2 * m, y + CARD_H_MM + 2 * m, width=0.15, color=(150, 150, 150))
    canvas.image(card, x + m, y + m, x + m + CARD_W_MM, y + m + CARD_H_MM)
    return (x + m, y + m, x + m + CARD_W_MM, y + m + CARD_H_MM)
