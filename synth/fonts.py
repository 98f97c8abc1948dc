"""Fonts for the rendered pages: the machine's TrueType files, with Pillow's own font as a fallback.

Families are named by role ("sans", "serif", "mono", "ktp") so the layouts never name a file.
The Liberation faces are metric-compatible with Helvetica/Times/Courier, which the text-layer
PDF uses, so a layout measured on either canvas wraps the same way.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)

# (family, bold) -> candidate file names, best first
_FACES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("sans", False): ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"),
    ("sans", True): ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    ("serif", False): ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    ("serif", True): ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    ("mono", False): ("LiberationMono-Regular.ttf", "DejaVuSansMono.ttf"),
    ("mono", True): ("LiberationMono-Bold.ttf", "DejaVuSansMono-Bold.ttf"),
    ("narrow", False): ("LiberationSansNarrow-Regular.ttf", "DejaVuSansCondensed.ttf"),
    ("narrow", True): ("LiberationSansNarrow-Bold.ttf", "DejaVuSansCondensed-Bold.ttf"),
    ("dejavu", False): ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    ("dejavu", True): ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
    # the e-KTP NIK line: an OCR-A-like heavy monospace
    ("ktp", True): ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf"),
    ("ktp", False): ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf"),
}

FAMILIES = ("sans", "serif", "mono", "narrow", "dejavu", "ktp")


@lru_cache(maxsize=64)
def font_path(family: str, bold: bool = False) -> Path | None:
    """The TrueType file for a family, or None when the machine has none of its faces."""
    for name in _FACES[(family, bold)]:
        for folder in FONT_DIRS:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


@lru_cache(maxsize=512)
def pil_font(family: str, bold: bool, size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font of `size_px` pixels (em size); cached, since pages draw thousands of strings."""
    size_px = max(4, int(size_px))
    path = font_path(family, bold)
    if path is None:
        return ImageFont.load_default(size=size_px)
    return ImageFont.truetype(str(path), size=size_px)
