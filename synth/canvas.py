"""One drawing surface for the form layouts, two backends: a raster page (Pillow) and a PDF page
whose text is real text (fpdf2). Layouts work in millimetres with text placed on its baseline,
so the same layout code draws a scan-like image or a "filled on a computer" PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PIL import Image, ImageDraw

from synth.fonts import pil_font
from synth.truth import BBox

if TYPE_CHECKING:
    from fpdf import FPDF

Color = tuple[int, int, int]
INK: Color = (22, 22, 24)
WHITE: Color = (255, 255, 255)
MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Font:
    family: str = "sans"  # see synth.fonts.FAMILIES
    size: float = 11.0  # points
    bold: bool = False

    def sized(self, size: float) -> Font:
        return Font(self.family, size, self.bold)

    def bolder(self, bold: bool = True) -> Font:
        return Font(self.family, self.size, bold)

    @property
    def ascent_mm(self) -> float:
        """Height of capitals above the baseline (about 0.72 em for these faces)."""
        return self.size * MM_PER_PT * 0.74

    @property
    def descent_mm(self) -> float:
        return self.size * MM_PER_PT * 0.22


class Canvas(Protocol):
    width_mm: float
    height_mm: float
    dpi: int

    def text(self, x: float, y: float, s: str, font: Font, color: Color = INK) -> None: ...
    def text_width(self, s: str, font: Font) -> float: ...
    def line(
        self, x0: float, y0: float, x1: float, y1: float, width: float = 0.25, color: Color = INK
    ) -> None: ...
    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: float = 0.25,
        color: Color = INK,
        fill: Color | None = None,
    ) -> None: ...
    def polyline(self, points: Sequence[tuple[float, float]], width: float, color: Color) -> None: ...
    def image(self, img: Image.Image, x0: float, y0: float, x1: float, y1: float) -> None: ...


def px_box(canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> BBox:
    """A millimetre box in pixels of the page at the canvas dpi, clipped to the page."""
    k = canvas.dpi / 25.4
    w, h = round(canvas.width_mm * k), round(canvas.height_mm * k)
    return (
        max(0, min(w, round(x0 * k))),
        max(0, min(h, round(y0 * k))),
        max(0, min(w, round(x1 * k))),
        max(0, min(h, round(y1 * k))),
    )


def fit_text(canvas: Canvas, s: str, font: Font, width: float, min_size: float = 5.0) -> Font:
    """The font shrunk (down to `min_size`) until `s` fits `width` mm."""
    while font.size > min_size and canvas.text_width(s, font) > width:
        font = font.sized(font.size - 0.5)
    return font


def wrap(canvas: Canvas, s: str, font: Font, width: float) -> list[str]:
    """Greedy word wrap to `width` mm (a word longer than the width stays on its own line)."""
    lines: list[str] = []
    current = ""
    for word in s.split():
        trial = f"{current} {word}" if current else word
        if current and canvas.text_width(trial, font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


class PilCanvas:
    """A raster page: `image` is RGB at `dpi`."""

    def __init__(self, width_mm: float, height_mm: float, dpi: int, paper: Color = WHITE) -> None:
        self.width_mm, self.height_mm, self.dpi = width_mm, height_mm, dpi
        self._k = dpi / 25.4
        self.image_out = Image.new("RGB", (round(width_mm * self._k), round(height_mm * self._k)), paper)
        self._draw = ImageDraw.Draw(self.image_out)

    def text(self, x: float, y: float, s: str, font: Font, color: Color = INK) -> None:
        f = pil_font(font.family, font.bold, round(font.size * MM_PER_PT * self._k))
        self._draw.text((x * self._k, y * self._k), s, font=f, fill=color, anchor="ls")

    def text_width(self, s: str, font: Font) -> float:
        f = pil_font(font.family, font.bold, round(font.size * MM_PER_PT * self._k))
        return float(f.getlength(s)) / self._k

    def line(
        self, x0: float, y0: float, x1: float, y1: float, width: float = 0.25, color: Color = INK
    ) -> None:
        k = self._k
        self._draw.line((x0 * k, y0 * k, x1 * k, y1 * k), fill=color, width=max(1, round(width * k)))

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: float = 0.25,
        color: Color = INK,
        fill: Color | None = None,
    ) -> None:
        k = self._k
        self._draw.rectangle(
            (x0 * k, y0 * k, x1 * k, y1 * k),
            outline=color if width > 0 else None,
            fill=fill,
            width=max(1, round(width * k)) if width > 0 else 0,
        )

    def polyline(self, points: Sequence[tuple[float, float]], width: float, color: Color) -> None:
        k = self._k
        self._draw.line(
            [(x * k, y * k) for x, y in points], fill=color, width=max(1, round(width * k)), joint="curve"
        )

    def image(self, img: Image.Image, x0: float, y0: float, x1: float, y1: float) -> None:
        k = self._k
        box = (round(x0 * k), round(y0 * k), round(x1 * k), round(y1 * k))
        piece = img.convert("RGB").resize(
            (max(1, box[2] - box[0]), max(1, box[3] - box[1])), Image.Resampling.LANCZOS
        )
        if img.mode in ("RGBA", "LA"):
            mask = img.getchannel("A").resize(piece.size, Image.Resampling.LANCZOS)
            self.image_out.paste(piece, box[:2], mask)
        else:
            self.image_out.paste(piece, box[:2])


_PDF_FAMILY = {
    "sans": "helvetica",
    "serif": "times",
    "mono": "courier",
    "narrow": "helvetica",
    "dejavu": "helvetica",
    "ktp": "courier",
}


class PdfCanvas:
    """One page of an fpdf2 document; text is drawn as text (core fonts, metric twins of Liberation)."""

    def __init__(self, pdf: FPDF, width_mm: float, height_mm: float, dpi: int) -> None:
        self.width_mm, self.height_mm, self.dpi = width_mm, height_mm, dpi
        self._pdf = pdf
        pdf.add_page(format=(width_mm, height_mm))

    def _set_font(self, font: Font) -> None:
        self._pdf.set_font(_PDF_FAMILY.get(font.family, "helvetica"), "B" if font.bold else "", font.size)
        self._pdf.set_stretching(82 if font.family == "narrow" else 100)

    def text(self, x: float, y: float, s: str, font: Font, color: Color = INK) -> None:
        self._set_font(font)
        self._pdf.set_text_color(*color)
        self._pdf.text(x, y, s)

    def text_width(self, s: str, font: Font) -> float:
        self._set_font(font)
        return float(self._pdf.get_string_width(s))

    def line(
        self, x0: float, y0: float, x1: float, y1: float, width: float = 0.25, color: Color = INK
    ) -> None:
        self._pdf.set_draw_color(*color)
        self._pdf.set_line_width(width)
        self._pdf.line(x0, y0, x1, y1)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: float = 0.25,
        color: Color = INK,
        fill: Color | None = None,
    ) -> None:
        self._pdf.set_draw_color(*color)
        self._pdf.set_line_width(max(width, 0.01))
        style = "D"
        if fill is not None:
            self._pdf.set_fill_color(*fill)
            style = "DF" if width > 0 else "F"
        self._pdf.rect(x0, y0, x1 - x0, y1 - y0, style=style)

    def polyline(self, points: Sequence[tuple[float, float]], width: float, color: Color) -> None:
        self._pdf.set_draw_color(*color)
        self._pdf.set_line_width(width)
        self._pdf.polyline(list(points), style="D")

    def image(self, img: Image.Image, x0: float, y0: float, x1: float, y1: float) -> None:
        self._pdf.image(flatten(img), x=x0, y=y0, w=x1 - x0, h=y1 - y0)


def flatten(img: Image.Image) -> Image.Image:
    """RGB on white paper (an RGBA mark loses its transparency the way ink on paper does)."""
    if img.mode in ("RGBA", "LA"):
        paper = Image.new("RGB", img.size, WHITE)
        paper.paste(img.convert("RGB"), (0, 0), img.getchannel("A"))
        return paper
    return img.convert("RGB")
