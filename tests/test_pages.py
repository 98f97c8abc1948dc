"""pipelines.pages: page counts, lazy rendering, typed errors, text layers."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pipelines import pages
from pipelines.pages import PageError, count_pages, iter_pages, load_page
from tests.shared import EXTERNAL

OCRMYPDF = EXTERNAL / "ocrmypdf-resources"
TESS = EXTERNAL / "tesseract-test"

needs_ocrmypdf = pytest.mark.skipif(not OCRMYPDF.is_dir(), reason="external samples not present")


@needs_ocrmypdf
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("blank.pdf", 1),
        ("multipage.pdf", 6),
        ("ccitt.pdf", 1),
        ("jbig2.pdf", 1),
        ("2400dpi.pdf", 1),
        ("aspect.pdf", 1),
        ("poster.pdf", 1),
        ("cardinal.pdf", 4),
    ],
)
def test_pdf_page_counts_and_rendering(name: str, count: int) -> None:
    path = OCRMYPDF / name
    assert count_pages(path, "application/pdf") == count
    rendered = list(iter_pages(path, "application/pdf", 72))
    assert [p.number for p in rendered] == list(range(1, count + 1))
    for page in rendered:
        assert page.image.mode in ("L", "RGB")
        assert page.image.width * page.image.height <= pages.MAX_PIXELS


@needs_ocrmypdf
def test_huge_page_is_capped_to_the_pixel_budget() -> None:
    page = load_page(OCRMYPDF / "poster.pdf", "application/pdf", 1, dpi=400)
    assert page.image.width * page.image.height <= pages.MAX_PIXELS
    assert page.dpi < 400


@needs_ocrmypdf
def test_invalid_pdf_fails_with_a_code() -> None:
    with pytest.raises(PageError) as err:
        count_pages(OCRMYPDF / "invalid.pdf", "application/pdf")
    assert err.value.code == "PDF_CORRUPT"


@needs_ocrmypdf
def test_invisible_ocr_text_is_not_a_text_layer() -> None:
    # multipage.pdf page 4 carries an earlier OCR run's invisible text: not a real layer.
    page = load_page(OCRMYPDF / "multipage.pdf", "application/pdf", 4, dpi=72)
    assert page.text is None


@pytest.mark.parametrize(
    ("data", "ctype", "code"),
    [
        (b"", "application/pdf", "NO_PAGES"),
        (b"%PDF-1.4 garbage", "application/pdf", "PDF_CORRUPT"),
        (b"hello", "application/pdf", "PDF_CORRUPT"),
        (b"\x89PNG\r\n\x1a\nbroken", "image/png", "IMAGE_CORRUPT"),
        (b"hello", "text/plain", "UNSUPPORTED_TYPE"),
    ],
)
def test_bad_input_raises_typed_errors(data: bytes, ctype: str, code: str) -> None:
    with pytest.raises(PageError) as err:
        list(iter_pages(data, ctype, 150))
    assert err.value.code == code


def test_too_many_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    frames = [Image.new("L", (50, 50), 255) for _ in range(3)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    monkeypatch.setattr(pages, "MAX_PAGES", 2)
    with pytest.raises(PageError) as err:
        count_pages(buf.getvalue(), "image/tiff")
    assert err.value.code == "TOO_MANY_PAGES"


def test_multipage_g4_tiff() -> None:
    buf = io.BytesIO()
    frames = [Image.new("1", (400, 300), 1) for _ in range(3)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200))
    data = buf.getvalue()
    assert count_pages(data, "image/tiff") == 3
    got = list(iter_pages(data, "image/tiff", 200, first=2))
    assert [p.number for p in got] == [2, 3]
    assert got[0].image.mode == "L" and got[0].dpi == 200


def test_jpeg_exif_orientation_is_applied() -> None:
    img = Image.new("RGB", (300, 100), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: the viewer rotates 90° clockwise
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    page = next(iter_pages(buf.getvalue(), "image/jpeg", 200))
    assert page.image.size == (100, 300)


@pytest.mark.skipif(not TESS.is_dir(), reason="external samples not present")
def test_tesseract_samples() -> None:
    for tif in sorted(TESS.glob("*.tif")):
        assert count_pages(tif, "image/tiff") >= 1
        page = next(iter_pages(tif, "image/tiff", 300))
        assert page.image.width > 0


def test_text_layer_pdf_keeps_words() -> None:
    pytest.importorskip("fpdf")
    from synth.people import make_people
    from synth.text_pdf import text_layer_pdf

    people = make_people(3, seed=1)
    pdf, _ = text_layer_pdf(people[:1], people[1:], seed=1, dpi=100)
    got = list(iter_pages(pdf, "application/pdf", 100))
    assert len(got) == 2
    assert all(p.text is not None and p.words for p in got)
    assert people[0].name.split()[0] in (got[0].text or "")
