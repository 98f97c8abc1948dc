"""The NIK witness's view of the line, and the header that tells a card from a letter (no OCR)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipelines.cardnik import without_leading_marks
from pipelines.idcard import _is_header


def _line(text: str) -> np.ndarray:
    img = np.full((64, 40 + 30 * len(text)), 235, np.uint8)
    cv2.putText(img, text, (10, 48), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 20, 3)
    return img


def test_the_colon_before_the_nik_is_painted_out() -> None:
    line = _line(":3404")  # the colon at x 12-18, the digits from x 23
    out = without_leading_marks(line)
    assert (line[:, :20] < 128).any() and not (out[:, :20] < 128).any()  # the colon is gone
    np.testing.assert_array_equal(out[:, 20:], line[:, 20:])  # the digits are untouched


def test_a_line_without_a_colon_is_left_alone() -> None:
    line = _line("3404")
    np.testing.assert_array_equal(without_leading_marks(line), line)


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("PROVINSI DKI JAKARTA", True),
        ("PROVlNSI JAWA BARAT", True),  # OCR slips allowed
        ("KABUPATEN SLEMAN", True),
        ("KOTA BANDUNG", True),
        ("Nama : TUKINEM", False),  # a letter's own block of labelled lines
        ("Yang bertanda tangan di bawah ini:", False),
        ("", False),
    ],
)
def test_the_header_line_is_recognised(text: str, header: bool) -> None:
    assert _is_header(text) is header
