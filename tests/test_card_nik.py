"""Who vouches for a NIK (`pipelines.cardnik`), on stub engines and drawn lines (no OCR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest

from pipelines.cardnik import NikDigits, judge, read_nik_digits, without_faint_ink
from pipelines.engines.base import Image, OcrLine, OcrText

VALID = "3171015708850001"  # woman, born 17-08-1985: digits 7-12 are "570885"
BORN, SEX = dt.date(1985, 8, 17), "P"


@dataclass
class _Says:
    """An engine that reads every line as `text`."""

    text: str
    name: str = "stub"
    calls: list[str | None] = field(default_factory=list)

    def read_line(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> OcrText:
        self.calls.append(charset)
        return OcrText(self.text, 0.99)

    def read_lines(self, image: Image, *, timeout: float = 30.0) -> list[OcrLine]:
        return []


@dataclass
class _Engines:
    rapid: _Says | None
    tesseract: _Says


@dataclass(frozen=True)
class _Line:
    box: tuple[int, int, int, int]
    text: str
    confidence: float
    digits: tuple[str, tuple[float, ...]] | None


def _read(probs: tuple[float, ...], *, tesseract: str = "") -> NikDigits:
    card = np.full((630, 1000, 3), 235, np.uint8)
    line = _Line((250, 140, 710, 190), ":" + VALID, min(probs), (":" + VALID, probs))
    engines = _Engines(rapid=_Says(VALID), tesseract=_Says(tesseract))
    return read_nik_digits(card, line, engines)  # type: ignore[arg-type]


def _probs(weak_at: int | None, p: float = 0.7) -> tuple[float, ...]:
    return tuple(p if i == weak_at else 0.99 for i in range(16))


def test_a_sure_reading_is_vouched_for_by_a_second_rapid_view() -> None:
    got = _read(_probs(None))
    assert (got.nik, got.witness, got.date_vouches) == (VALID, "rapid", False)


def test_a_weak_date_digit_leaves_the_date_to_vouch_for_it() -> None:
    got = _read(_probs(9))  # the "8" of the month: checked by the printed date
    assert (got.nik, got.witness, got.date_vouches) == (VALID, "rapid", True)
    assert judge(got, BORN, SEX).nik == VALID
    assert judge(got, None, None).unreadable  # no printed date: nothing vouches for it


@pytest.mark.parametrize("weak_at", [2, 5, 12, 15])
def test_a_weak_digit_outside_the_date_gets_no_second_rapid_view(weak_at: int) -> None:
    got = _read(_probs(weak_at))
    assert got.witness == ""
    assert judge(got, BORN, SEX).unreadable


def test_tesseract_agreeing_is_a_witness_whatever_the_confidence() -> None:
    got = _read(_probs(2), tesseract=VALID)
    assert (got.witness, got.date_vouches) == ("tesseract", False)


def test_a_date_vouched_nik_never_takes_the_inconsistent_card_exception() -> None:
    # The NIK's date digits "570885" against a printed 11-02-1960: no date, far off. Two
    # engines agreeing on every digit keep it at 0.5 (the specimen's case); a reading whose
    # weak digits only the date could vouch for does not.
    far = dt.date(1960, 2, 11)
    assert judge(NikDigits(VALID, 0.97, "tesseract"), far, SEX).nik is None  # a real date: mismatch
    odd = "3171234567890123"  # day 45, month 67: no date at all
    assert judge(NikDigits(odd, 0.97, "tesseract"), dt.date(1986, 2, 18), SEX).nik == odd
    vouched = judge(NikDigits(odd, 0.7, "tesseract", date_vouches=True), dt.date(1986, 2, 18), SEX)
    assert vouched.nik is None and vouched.unreadable


def test_a_stamp_s_grey_ink_is_taken_off_the_line() -> None:
    line = np.full((64, 420), 235, np.uint8)
    cv2.putText(line, "3404", (10, 48), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 15, 4)
    cv2.circle(line, (150, 70), 60, 120, 6, cv2.LINE_8)  # a stamp's ring, grey, across the digits
    digits = line < 60  # the strokes' core (their anti-aliased rims may go)
    ring = line == 120
    out = without_faint_ink(line)
    assert ring.sum() > 200 and (out[ring] == 255).all()  # the stamp is gone
    assert (out[digits] == line[digits]).all()  # the digits stay


def test_a_clean_line_keeps_its_digits() -> None:
    line = np.full((64, 420), 235, np.uint8)
    cv2.putText(line, "3404", (10, 48), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 15, 4)
    out = without_faint_ink(line)
    core = line < 60
    assert (out[core] == line[core]).all() and (out >= line).all()


@dataclass
class _StampedRapid:
    """RapidOCR on a stamped NIK line: two digits lost while the stamp's grey is there."""

    name: str = "stub-rapid"

    def read_line(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> OcrText:
        return OcrText(self._text(image), 0.99)

    def read_lines(self, image: Image, *, timeout: float = 30.0) -> list[OcrLine]:
        return []

    def read_lines_twice(self, images: list[Image], *, charset: str, timeout: float = 10.0) -> list[tuple[_D, _D]]:
        return [(_D(self._text(im)), _D(self._text(im))) for im in images]

    @staticmethod
    def _text(image: Image) -> str:
        arr = np.asarray(image)
        return VALID[:14] if ((arr > 90) & (arr < 160)).any() else VALID


@dataclass(frozen=True)
class _D:
    text: str
    confidence: float = 0.99


def _stamped_card() -> np.ndarray:
    card = np.full((630, 1000, 3), 235, np.uint8)
    cv2.putText(card, VALID, (260, 180), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (15, 15, 15), 4)
    cv2.circle(card, (420, 170), 50, (120, 120, 120), 6, cv2.LINE_8)
    return card


def test_a_stamped_nik_line_is_read_again_with_its_darkest_ink() -> None:
    line = _Line((250, 140, 710, 190), ":" + VALID[:14], 0.99, (":" + VALID[:14], (0.99,) * 14))
    engines = _Engines(rapid=_StampedRapid(), tesseract=_Says(VALID))  # type: ignore[arg-type]
    got = read_nik_digits(_stamped_card(), line, engines)  # type: ignore[arg-type]
    assert (got.nik, got.witness) == (VALID, "tesseract")
    # Without a witness, the re-reading is no surer than any other.
    alone = _Engines(rapid=_StampedRapid(), tesseract=_Says(""))  # type: ignore[arg-type]
    unwitnessed = read_nik_digits(_stamped_card(), line, alone)  # type: ignore[arg-type]
    assert unwitnessed.witness == "" and judge(unwitnessed, BORN, SEX).unreadable


@dataclass
class _ReadsByInk:
    """An engine that reads `plain` where the stamp's grey shows and `cut` on the darkest ink alone."""

    plain: str
    cut: str
    name: str = "stub"

    def read_line(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> OcrText:
        arr = np.asarray(image)
        return OcrText(self.plain if ((arr > 90) & (arr < 160)).any() else self.cut, 0.99)

    def read_lines(self, image: Image, *, timeout: float = 30.0) -> list[OcrLine]:
        return []

    def read_lines_twice(self, images: list[Image], *, charset: str, timeout: float = 10.0) -> list[tuple[_D, _D]]:
        return [(_D(self.read_line(im).text), _D(self.read_line(im).text)) for im in images]


def test_a_nik_read_from_the_darkest_ink_is_not_confirmed_by_tesseract_reading_the_same_cut() -> None:
    """Seen (seed 11, sheet 110, a stamp over a card's serial digits): RapidOCR lost a digit on
    the line as printed, its darkest-ink re-reading read "1652" as "1557", and Tesseract read
    the printed line right but the same darkest ink as RapidOCR did. The cut took the same
    strokes from both engines: their agreement there is no witness, and the NIK is in doubt."""
    cut = VALID[:12] + "0557"  # the serial misread, the date digits intact (the date cannot tell)
    line = _Line((250, 140, 710, 190), ":" + VALID[:14], 0.99, (":" + VALID[:14], (0.99,) * 14))
    rapid = _ReadsByInk(plain=VALID[:14], cut=cut)
    contradicted = _Engines(rapid=rapid, tesseract=_ReadsByInk(plain=VALID, cut=cut))  # type: ignore[arg-type]
    got = read_nik_digits(_stamped_card(), line, contradicted)  # type: ignore[arg-type]
    assert got.nik == cut and got.witness == "" and judge(got, BORN, SEX).unreadable
    # Tesseract unable to read the printed line at all: its reading of the cut still counts.
    silent = _Engines(rapid=rapid, tesseract=_ReadsByInk(plain="", cut=cut))  # type: ignore[arg-type]
    assert read_nik_digits(_stamped_card(), line, silent).witness == "tesseract"  # type: ignore[arg-type]
