"""File containers for rendered pages: image-only PDF, multi-page TIFF (G4 too), JPEG, PNG, ZIP.

Every writer is byte-for-byte deterministic: fixed dates, no random ids.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from PIL import Image

FIXED_TIME = dt.datetime(2024, 6, 1, 8, 0, 0)


def _as_pdf_page(img: Image.Image) -> Image.Image:
    return img if img.mode in ("1", "L", "RGB") else img.convert("RGB")


def pdf_bytes(images: Sequence[Image.Image], dpi: int = 200, jpeg_quality: int = 75) -> bytes:
    """An image-only PDF, one page per image: colour/grey pages as JPEG, bilevel pages as CCITT G4."""
    if not images:
        raise ValueError("a PDF needs at least one page")
    pages = [_as_pdf_page(i) for i in images]
    buf = io.BytesIO()
    # Pillow hands `quality` to the G4 encoder too, which refuses it: bilevel files keep the default
    extra = {} if any(p.mode == "1" for p in pages) else {"quality": jpeg_quality}
    pages[0].save(
        buf,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=float(dpi),
        creationDate=FIXED_TIME.timetuple(),
        modDate=FIXED_TIME.timetuple(),
        producer="dukungan synth",
        title="scan",
        **extra,
    )
    return buf.getvalue()


def tiff_bytes(images: Sequence[Image.Image], dpi: int = 200, compression: str = "group4") -> bytes:
    """A multi-page TIFF. `group4` (CCITT G4) makes every page bilevel; else "tiff_lzw", "tiff_deflate"."""
    if not images:
        raise ValueError("a TIFF needs at least one page")
    if compression == "group4":
        pages = [
            i if i.mode == "1" else i.convert("L").convert("1", dither=Image.Dither.NONE) for i in images
        ]
    else:
        pages = [i if i.mode in ("1", "L", "RGB") else i.convert("RGB") for i in images]
    buf = io.BytesIO()
    pages[0].save(
        buf, "TIFF", save_all=True, append_images=pages[1:], compression=compression, dpi=(dpi, dpi)
    )
    return buf.getvalue()


def jpeg_bytes(img: Image.Image, quality: int = 85, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    img.convert("L" if img.mode in ("1", "L") else "RGB").save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def png_bytes(img: Image.Image, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi), compress_level=3)
    return buf.getvalue()


def zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A ZIP of (name, bytes), in order, with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
