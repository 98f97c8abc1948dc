"""Split an uploaded file into page images (and PDF text layers), one page at a time.

Containers: PDF (pypdfium2; up to `MAX_PAGES`), TIFF (multi-page, bilevel CCITT G4 too),
JPEG (EXIF orientation applied), PNG. ZIP archives are unpacked by the caller, which
passes each member here. Pages are decoded lazily, so memory stays bounded by one page.

Errors are typed: every `PageError` carries a `code` an operator can read in the UI
(`PDF_CORRUPT`, `IMAGE_CORRUPT`, `NO_PAGES`, `TOO_MANY_PAGES`, `UNSUPPORTED_TYPE`, ...).

A PDF page's text is kept only when it is a *real* text layer: visible text drawn by the
producer (a form filled on a computer). Invisible text (render mode 3, the layer that a
scanner or an earlier OCR run lays under a scan) is ignored: it is an old OCR result, no
better than our own.
"""

from __future__ import annotations

import io
import numbers
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

MAX_PAGES = 500
MAX_PIXELS = 40_000_000  # a page rendered bigger than this is scaled down (A4 at 400 dpi is 15.5 MP)
MIN_TEXT_CHARS = 40  # fewer visible characters than this is not a text layer worth reading
DEFAULT_DPI = 300

PathOrBytes = str | Path | bytes


class PageError(Exception):
    """A file (or one page of it) cannot be turned into page images. `code` is for operators."""

    code = "PAGE_ERROR"

    def __init__(self, message: str, *, page: int | None = None) -> None:
        super().__init__(message)
        self.page = page


class UnsupportedType(PageError):
    code = "UNSUPPORTED_TYPE"


class PdfCorrupt(PageError):
    code = "PDF_CORRUPT"


class PdfEncrypted(PageError):
    code = "PDF_ENCRYPTED"


class ImageCorrupt(PageError):
    code = "IMAGE_CORRUPT"


class NoPages(PageError):
    code = "NO_PAGES"


class TooManyPages(PageError):
    code = "TOO_MANY_PAGES"


class PageRenderFailed(PageError):
    """One page could not be rendered; the others may still be read (see `page`)."""

    code = "PAGE_RENDER_FAILED"


@dataclass(frozen=True)
class TextWord:
    """A word of a PDF text layer, boxed in pixels of the page image."""

    text: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class PageSource:
    number: int  # from 1
    image: Image.Image  # as stored (not yet turned upright); mode L or RGB
    text: str | None  # a real text layer, or None
    dpi: int
    words: tuple[TextWord, ...] = ()  # the text layer's words with boxes (empty without one)
    rulings: tuple[tuple[int, int, int, int], ...] = ()  # vector ruling strokes (with a text layer)


# ---- file type ----------------------------------------------------------------------------

PDF, TIFF, JPEG, PNG = "pdf", "tiff", "jpeg", "png"

_BY_CONTENT_TYPE = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "image/tiff": TIFF,
    "image/tif": TIFF,
    "image/x-tiff": TIFF,
    "image/jpeg": JPEG,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/png": PNG,
}


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return PDF
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _kind(source: PathOrBytes, content_type: str | None) -> str:
    head = source[:1024] if isinstance(source, bytes) else _read_head(Path(source))
    if not head:
        raise NoPages("the file is empty")
    sniffed = _sniff(head)
    if sniffed is not None:
        return sniffed
    declared = _BY_CONTENT_TYPE.get((content_type or "").split(";")[0].strip().lower())
    if declared == PDF:
        raise PdfCorrupt("the file is declared as PDF but has no PDF header")
    if declared is not None:
        raise ImageCorrupt(f"the file is declared as {declared} but is not one")
    raise UnsupportedType(f"unsupported file type {content_type or 'unknown'}")


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(1024)
    except OSError as exc:
        raise PageError(f"cannot read the file: {exc.strerror}") from exc


# ---- public API -----------------------------------------------------------------------------


def count_pages(path_or_bytes: PathOrBytes, content_type: str | None) -> int:
    """The number of pages, without rendering any. Raises `PageError` subclasses."""
    kind = _kind(path_or_bytes, content_type)
    if kind == PDF:
        with _open_pdf(path_or_bytes) as doc:
            return _checked_count(len(doc))
    if kind == TIFF:
        with _open_image(path_or_bytes) as im:
            return _checked_count(getattr(im, "n_frames", 1))
    with _open_image(path_or_bytes):
        return 1


def iter_pages(
    path: PathOrBytes,
    content_type: str | None,
    dpi: int = DEFAULT_DPI,
    *,
    first: int = 1,
    last: int | None = None,
) -> Iterator[PageSource]:
    """Yield pages `first..last` (from 1) one by one. A page that fails raises `PageRenderFailed`
    with its number; a caller that wants the rest resumes with `first=page + 1`."""
    kind = _kind(path, content_type)
    if kind == PDF:
        yield from _pdf_pages(path, dpi, first, last)
    elif kind == TIFF:
        yield from _tiff_pages(path, first, last)
    else:
        if first <= 1 and (last is None or last >= 1):
            with _open_image(path) as im:
                yield PageSource(1, _as_page_image(im, exif=True), None, _image_dpi(im))


def load_page(path: PathOrBytes, content_type: str | None, number: int, dpi: int = DEFAULT_DPI) -> PageSource:
    """One page by number (for workers that handle a page per task)."""
    for page in iter_pages(path, content_type, dpi, first=number, last=number):
        return page
    raise NoPages(f"there is no page {number}", page=number)


# ---- PDF --------------------------------------------------------------------------------------


# pdfium is not thread-safe, not even across different documents: a worker with several threads
# crashed (SIGSEGV) rendering two PDFs at once. Every pdfium call in this module holds this lock.
PDFIUM_LOCK = threading.RLock()


class _Doc:
    def __init__(self, source: PathOrBytes) -> None:
        import pypdfium2 as pdfium

        src: str | bytes = source if isinstance(source, bytes) else str(source)
        try:
            with PDFIUM_LOCK:
                self.doc = pdfium.PdfDocument(src)
        except pdfium.PdfiumError as exc:
            msg = str(exc)
            if "password" in msg.lower():
                raise PdfEncrypted("the PDF is password-protected") from exc
            raise PdfCorrupt(f"the PDF cannot be opened ({msg})") from exc

    def __enter__(self) -> _Doc:
        return self

    def __exit__(self, *exc: object) -> None:
        with PDFIUM_LOCK:
            self.doc.close()

    def __len__(self) -> int:
        with PDFIUM_LOCK:
            return len(self.doc)


def _open_pdf(source: PathOrBytes) -> _Doc:
    return _Doc(source)


def _checked_count(n: int) -> int:
    if n <= 0:
        raise NoPages("the file has no pages")
    if n > MAX_PAGES:
        raise TooManyPages(f"the file has {n} pages; at most {MAX_PAGES} are accepted")
    return n


def _pdf_pages(source: PathOrBytes, dpi: int, first: int, last: int | None) -> Iterator[PageSource]:
    with _open_pdf(source) as doc:
        n = _checked_count(len(doc))
        for index in range(max(first, 1) - 1, min(n, last or n)):
            yield _render_pdf_page(doc, index, dpi)


def _render_pdf_page(doc: _Doc, index: int, dpi: int) -> PageSource:
    with PDFIUM_LOCK:
        return _render_pdf_page_locked(doc, index, dpi)


def _render_pdf_page_locked(doc: _Doc, index: int, dpi: int) -> PageSource:
    number = index + 1
    try:
        page = doc.doc[index]
    except Exception as exc:  # pdfium raises its own error types for broken page trees
        raise PageRenderFailed(f"page {number} cannot be loaded", page=number) from exc
    try:
        w_pt, h_pt = page.get_size()
        scale = dpi / 72.0
        if w_pt * h_pt * scale * scale > MAX_PIXELS:
            scale = 0.998 * (MAX_PIXELS / max(w_pt * h_pt, 1.0)) ** 0.5
        try:
            bitmap = page.render(scale=scale, grayscale=False, may_draw_forms=True)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
        except Exception as exc:
            raise PageRenderFailed(f"page {number} cannot be rendered", page=number) from exc
        from pipelines.textlayer import extract_rulings, extract_words  # local: optional work

        words = extract_words(page, scale, image.size)
        text = " ".join(w.text for w in words)
        real = sum(len(w.text) for w in words) >= MIN_TEXT_CHARS
        return PageSource(
            number,
            _grayscale_if_grey(image),
            text if real else None,
            round(scale * 72),
            words if real else (),
            extract_rulings(page, scale) if real else (),
        )
    finally:
        page.close()


# ---- images -------------------------------------------------------------------------------------


def _open_image(source: PathOrBytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(source) if isinstance(source, bytes) else str(source))
            im.size  # noqa: B018  (forces the header to be parsed)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageCorrupt("the image is too large to process") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageCorrupt(f"the image cannot be decoded ({type(exc).__name__})") from exc
    return im


def _tiff_pages(source: PathOrBytes, first: int, last: int | None) -> Iterator[PageSource]:
    with _open_image(source) as im:
        n = _checked_count(getattr(im, "n_frames", 1))
        dpi = _image_dpi(im)  # later frames often carry no resolution of their own
        for index in range(max(first, 1) - 1, min(n, last or n)):
            try:
                im.seek(index)
                page = _as_page_image(im, exif=False)
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                raise PageRenderFailed(f"page {index + 1} cannot be decoded", page=index + 1) from exc
            own = im.info.get("dpi")
            yield PageSource(index + 1, page, None, _image_dpi(im) if own else dpi)


def _as_page_image(im: Image.Image, *, exif: bool) -> Image.Image:
    try:
        im.load()
        out = ImageOps.exif_transpose(im) if exif else im
        out = out if out is not None else im
        if out.mode in ("RGBA", "LA", "PA") or (out.mode == "P" and "transparency" in out.info):
            rgba = out.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            out = Image.alpha_composite(white, rgba).convert("RGB")
        elif out.mode in ("1", "I;16", "I;16B", "I", "F"):
            out = out.convert("L") if out.mode == "1" else ImageOps.autocontrast(out.convert("L"))
        elif out.mode not in ("L", "RGB"):
            out = out.convert("RGB")
        else:
            out = out.copy()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageCorrupt(f"the image cannot be decoded ({type(exc).__name__})") from exc
    if out.width * out.height > MAX_PIXELS:
        f = 0.998 * (MAX_PIXELS / (out.width * out.height)) ** 0.5
        out = out.resize((max(1, int(out.width * f)), max(1, int(out.height * f))), Image.Resampling.LANCZOS)
    if out.width < 8 or out.height < 8:
        raise ImageCorrupt("the image is too small to be a page")
    return _grayscale_if_grey(out)


def _grayscale_if_grey(im: Image.Image) -> Image.Image:
    if im.mode != "RGB":
        return im
    small = im.resize((64, 64))
    r, g, b = (small.getchannel(i) for i in range(3))
    from PIL import ImageChops

    spread = max(_top(ImageChops.difference(r, g)), _top(ImageChops.difference(g, b)))
    return im.convert("L") if spread < 12 else im


def _top(channel: Image.Image) -> float:
    high = channel.getextrema()[1]
    return float(high) if isinstance(high, int | float) else 255.0


def _image_dpi(im: Image.Image) -> int:
    dpi = im.info.get("dpi")
    first = dpi[0] if isinstance(dpi, tuple) and dpi else None
    if isinstance(first, numbers.Real) and 50 <= float(first) <= 2400:  # TIFF gives IFDRational
        value = round(float(first))
    else:
        # No usable metadata: assume an A4-ish page and estimate from its width.
        short = min(im.size)
        value = max(72, min(600, round(short / 8.27)))
    w, h = im.size
    if w * h > MAX_PIXELS:  # the page was scaled down to the pixel budget
        value = round(value * (MAX_PIXELS / (w * h)) ** 0.5)
    return value
