"""Pieces shared by the printed forms: NIK print styles, labelled lines, the form header."""

from __future__ import annotations

import random

from synth.canvas import Canvas, Font

NIK_STYLES = ("plain", "grouped", "boxes")


def nik_text(nik: str, style: str) -> str:
    """`3171011708450001` (plain) or `3171 0117 0845 0001` (grouped); boxes are drawn, not typed."""
    if style == "grouped":
        return " ".join(nik[i : i + 4] for i in range(0, len(nik), 4))
    return nik


def draw_nik(canvas: Canvas, x: float, y: float, nik: str, style: str, font: Font, max_width: float) -> float:
    """Print a NIK with its baseline at `y`, from `x`, within `max_width` mm; return the right edge."""
    if style == "boxes":
        cell = min(font.size * 0.55, max_width / 16.2)
        box_h = max(cell * 1.25, font.ascent_mm + 1.6)
        digit_font = font.sized(min(font.size, cell / 0.6 / 0.3528 * 0.95))
        top = y - font.ascent_mm - (box_h - font.ascent_mm) / 2 - 0.2
        for i, digit in enumerate(nik):
            left = x + i * cell
            canvas.rect(left, top, left + cell, top + box_h, width=0.2)
            dx = (cell - canvas.text_width(digit, digit_font)) / 2
            canvas.text(left + dx, y, digit, digit_font)
        return x + 16 * cell
    text = nik_text(nik, style)
    while font.size > 5 and canvas.text_width(text, font) > max_width:
        font = font.sized(font.size - 0.5)
    canvas.text(x, y, text, font)
    return x + canvas.text_width(text, font)


def model_tag(canvas: Canvas, right: float, top: float, code: str, font: Font) -> None:
    """The boxed form code printed in the top-right corner (`Model B.1-KWK-PERSEORANGAN`)."""
    w = canvas.text_width(code, font) + 4
    canvas.rect(right - w, top, right, top + font.ascent_mm + 3.2, width=0.3)
    canvas.text(right - w + 2, top + font.ascent_mm + 1.6, code, font)


def centered(canvas: Canvas, cx: float, y: float, s: str, font: Font) -> None:
    canvas.text(cx - canvas.text_width(s, font) / 2, y, s, font)


def pick_font(rng: random.Random) -> Font:
    """A typewriter/office face for the filled-in values."""
    return Font(rng.choice(("sans", "sans", "serif", "mono", "dejavu", "narrow")), rng.uniform(10.0, 12.0))


INDONESIAN_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
