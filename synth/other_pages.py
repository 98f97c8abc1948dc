"""Pages that hold no supporter: the team's cover letter, the handover letter with its totals
per kecamatan (a ruled table that is NOT a supporter list), and a blank page."""

from __future__ import annotations

import random

from synth.canvas import Canvas, Font, wrap
from synth.forms import INDONESIAN_MONTHS, centered, model_tag
from synth.letter import CANDIDATE_PAIRS
from synth.marks import draw_signature
from synth.regions import SLEMAN, District, regency_for


def _paragraphs(canvas: Canvas, texts: list[str], font: Font, left: float, right: float, y: float) -> float:
    for text in texts:
        for line in wrap(canvas, text, font, right - left):
            canvas.text(left, y, line, font)
            y += font.size * 0.5
        y += 3
    return y


def _sign_off(
    canvas: Canvas,
    rng: random.Random,
    pair: tuple[str, str],
    city: str,
    font: Font,
    left: float,
    right: float,
    y: float,
) -> None:
    month = INDONESIAN_MONTHS[rng.randint(4, 6) - 1]
    centered(canvas, (left + right) / 2, y, f"{city.title()}, {rng.randint(1, 28)} {month} 2024", font)
    y += 7
    centered(canvas, (left + right) / 2, y, "Pasangan Calon Perseorangan,", font)
    y += 6
    for i, name in enumerate(pair):
        x0 = left + i * (right - left) / 2
        draw_signature(canvas, rng, (x0 + 12, y, x0 + (right - left) / 2 - 12, y + 20))
        centered(canvas, x0 + (right - left) / 4, y + 27, name, font.bolder())


def draw_cover(canvas: Canvas, rng: random.Random, district_pool: tuple[District, ...] = SLEMAN) -> None:
    """A cover letter from the candidate team to the KPU (A4 portrait)."""
    left, right = rng.uniform(22, 28), 210 - rng.uniform(18, 24)
    font = Font(rng.choice(("serif", "sans", "dejavu")), rng.uniform(10.5, 11.5))
    regency = regency_for(district_pool[0].code)
    pair = rng.choice(CANDIDATE_PAIRS)
    head = font.sized(font.size + 2).bolder()
    centered(canvas, 105, 22, "TIM PENGHUBUNG BAKAL PASANGAN CALON PERSEORANGAN", head)
    centered(canvas, 105, 29, f"{pair[0]} - {pair[1]}", head.sized(head.size - 1))
    centered(
        canvas,
        105,
        35,
        f"Sekretariat: Jl. {rng.choice(('Magelang', 'Kaliurang', 'Palagan'))} "
        f"Km {rng.randint(5, 15)}, {regency.city.title()}",
        font.sized(font.size - 1.5),
    )
    canvas.line(left, 39, right, 39, width=0.8)
    canvas.line(left, 40.2, right, 40.2, width=0.3)
    y = 50.0
    for label, value in (
        ("Nomor", f"{rng.randint(1, 99):03d}/TIM/{rng.choice(('IV', 'V', 'VI'))}/2024"),
        ("Lampiran", f"{rng.randint(1, 12)} (berkas)"),
        ("Perihal", "Penyerahan Dokumen Syarat Dukungan"),
    ):
        canvas.text(left, y, label, font)
        canvas.text(left + 25, y, f": {value}", font)
        y += 6
    y += 6
    for line in (
        "Kepada Yth.",
        f"Ketua KPU {regency.title.title()}",
        "di -",
        f"       {regency.city.title()}",
    ):
        canvas.text(left, y, line, font)
        y += 6
    y += 6
    y = _paragraphs(
        canvas,
        [
            "Dengan hormat,",
            "Bersama ini kami sampaikan dokumen syarat dukungan bakal pasangan calon perseorangan "
            f"dalam Pemilihan {regency.election} Tahun 2024, yang terdiri atas surat pernyataan "
            "dukungan, daftar nama pendukung, dan fotokopi KTP-el para pendukung, yang tersebar di "
            f"{rng.randint(10, 17)} kecamatan.",
            "Dokumen tersebut kami serahkan dalam bentuk salinan cetak dan salinan digital hasil "
            "pindai. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.",
        ],
        font,
        left,
        right,
        y,
    )
    _sign_off(canvas, rng, pair, regency.city, font, left, right, y + 8)


def draw_handover(canvas: Canvas, rng: random.Random, district_pool: tuple[District, ...] = SLEMAN) -> None:
    """The handover letter (B.PENYERAHAN.DUKUNGAN.KWK-PERSEORANGAN) with totals per kecamatan."""
    left, right = rng.uniform(20, 26), 210 - rng.uniform(18, 24)
    font = Font(rng.choice(("serif", "sans")), rng.uniform(10, 11))
    regency = regency_for(district_pool[0].code)
    pair = rng.choice(CANDIDATE_PAIRS)
    model_tag(canvas, right, 10, "Model B.PENYERAHAN.DUKUNGAN.KWK-PERSEORANGAN", font.sized(8).bolder())
    title = font.sized(font.size + 2).bolder()
    centered(canvas, 105, 30, "SURAT PENYERAHAN DOKUMEN DUKUNGAN", title)
    centered(canvas, 105, 36.5, f"PEMILIHAN {regency.election.upper()} TAHUN 2024", font.bolder())
    y = _paragraphs(
        canvas,
        [
            f"Pada hari ini kami, bakal pasangan calon perseorangan {pair[0]} dan {pair[1]}, "
            f"menyerahkan dokumen dukungan kepada KPU {regency.title.title()} dengan rincian "
            "sebagai berikut:",
        ],
        font,
        left,
        right,
        50,
    )
    cols = (left, left + 15, left + 95, right)
    heads = ("NO", "KECAMATAN", "JUMLAH DUKUNGAN")
    row_h = 7.0
    districts = district_pool[: rng.randint(5, min(12, len(district_pool)))]
    canvas.rect(cols[0], y, cols[3], y + row_h, width=0.35)
    for i, h in enumerate(heads):
        centered(canvas, (cols[i] + cols[i + 1]) / 2, y + 4.8, h, font.sized(9).bolder())
    total = 0
    for r, d in enumerate(districts):
        y0 = y + (r + 1) * row_h
        count = rng.randint(40, 2500)
        total += count
        centered(canvas, (cols[0] + cols[1]) / 2, y0 + 4.8, str(r + 1), font.sized(9.5))
        canvas.text(cols[1] + 2, y0 + 4.8, d.name, font.sized(9.5))
        centered(canvas, (cols[2] + cols[3]) / 2, y0 + 4.8, f"{count:,}".replace(",", "."), font.sized(9.5))
    y_end = y + (len(districts) + 2) * row_h
    canvas.text(cols[1] + 2, y_end - 2.2, "JUMLAH", font.sized(9.5).bolder())
    centered(
        canvas, (cols[2] + cols[3]) / 2, y_end - 2.2, f"{total:,}".replace(",", "."), font.sized(9.5).bolder()
    )
    for r in range(len(districts) + 3):
        canvas.line(cols[0], y + r * row_h, cols[3], y + r * row_h, width=0.25)
    for x in cols:
        canvas.line(x, y, x, y_end, width=0.25)
    _sign_off(canvas, rng, pair, regency.city, font, left, right, y_end + 14)
