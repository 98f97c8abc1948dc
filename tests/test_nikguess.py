"""The guess shown for review where no reading settled a NIK: whole readings first, then the
readings combined digit by digit. Cases as read on the bench's generated lists (seed 7's and
seed 3's 150-dpi rows under stamps; generated NIKs, no person's)."""

from __future__ import annotations

import datetime as dt

from pipelines.engines.base import OcrText
from pipelines.listpage import district_by_one_digit
from pipelines.nikguess import digits_read, guess_nik, plausible, printed_digits, windows


def reading(text: str, confs: list[float]) -> OcrText:
    chars = [ch for ch in text if not ch.isspace()]
    assert len(chars) == len(confs)
    return OcrText(text, min(confs, default=0.0), tuple(zip(chars, confs, strict=True)))


def found(readings: list[OcrText]) -> list[tuple[str, float]]:
    out = []
    for r in readings:
        digits = digits_read(r)
        if digits is not None:
            out.append(("".join(d for d, _ in digits), r.confidence))
    return out


# seed 7, list 53, row 9: 3404094603839459, printed 06-03-1983, P
ROW_9 = [
    reading("3404 6946 9393 9459", [0.99, 0.99, 0.99, 1, 0.94, 1, 0.99, 1, 0.97, 0.99, 0.97, 0.99, 0.99, 1, 1, 1]),
    reading("3484 8946 9383 9459", [1, 1, 0.97, 1, 0.98, 1, 1, 1, 0.98, 1, 0.99, 0.98, 0.98, 0.97, 1, 0.99]),
    reading("3484894603839459", [1, 1, 0.77, 1, 0.42, 1, 1, 1, 0.98, 1, 1, 1, 1, 1, 1, 1]),
]
# seed 7, list 53, row 10: 3173050505672302, printed 05-05-1967, L
ROW_10 = [
    reading("3173 0595 0567 2302", [0.99, 1, 1, 0.99, 0.98, 0.99, 0.98, 0.99, 0.97, 1, 1, 0.99, 0.99, 1, 0.94, 1]),
    reading("3173 8595 9567 2362", [0.99, 1, 1, 0.99, 0.97, 0.99, 0.98, 0.99, 0.96, 0.97, 1, 1, 1, 1, 0.96, 1]),
    reading("3173058505672302", [1, 1, 1, 1, 0.99, 1, 0.6, 1, 1, 1, 1, 1, 1, 1, 0.84, 1]),
]


def test_a_reading_s_digits_keep_their_own_confidences_past_quotes_and_box_rules() -> None:
    got = digits_read(
        reading(
            "'3404986605991470",
            [0.97, 0.98, 0.99, 0.99, 0.99, 0.96, 0.98, 0.99, 0.88, 0.99, 0.99, 0.99, 0.96, 0.99, 0.97, 0.99, 0.99],
        )
    )
    assert got is not None and "".join(d for d, _ in got) == "3404986605991470"
    assert [c for _, c in got][:3] == [0.98, 0.99, 0.99]  # the quote's .97 is no digit's
    assert digits_read(reading("3404 1471", [1] * 8)) is None


def test_the_printed_date_allows_its_digits_by_the_sex() -> None:
    assert printed_digits(dt.date(1983, 3, 6), "P") == {6: {"4"}, 7: {"6"}, 8: {"0"}, 9: {"3"}, 10: {"8"}, 11: {"3"}}
    assert printed_digits(dt.date(1983, 3, 6), None)[6] == {"0", "4"}
    assert printed_digits(None, "L") == {}


def test_readings_wrong_in_other_digits_combine_into_the_right_nik() -> None:
    # No reading is right, and the surest whole one fails the checks (a date no date is).
    # Voted digit by digit, the date is the one the witness and the printed date agree on;
    # the district 340489, no district, is then one confusable digit from 340409
    # (`district_by_one_digit`, read_nik's last step).
    birth = dt.date(1983, 3, 6)
    assert all(n != "3404094603839459" for n, _ in found(ROW_9))
    guess = guess_nik(found(ROW_9), ROW_9, birth, "P")
    assert guess == "3404894603839459" and plausible(guess, birth, "P") == (True, True, False)
    assert district_by_one_digit(guess) == "3404094603839459"


def test_a_date_digit_the_readings_dispute_is_taken_from_the_printed_date_where_confusable() -> None:
    # 9, 9 and 8 read for the 0 of "05": none is right, and 0 is one of the digits 9 and 8 are
    # confused with.
    guess = guess_nik(found(ROW_10), ROW_10, dt.date(1967, 5, 5), "L")
    assert guess == "3173050505672302"


def test_a_date_digit_all_readings_agree_on_stands_against_a_misread_printed_date() -> None:
    # The birth date read 1969 where the NIK and the printed date both say 68: the three
    # readings' 8 stays.
    rows = [
        reading("3494 1471 1268 9738", [1, 1, 0.97, 1, 0.99, 1, 1, 1, 1, 1, 1, 0.99, 1, 1, 1, 1]),
        reading("3404 1471 1268 9738", [1, 1, 0.97, 1, 0.99, 1, 1, 0.99, 0.99, 0.99, 1, 0.96, 0.99, 1, 1, 0.99]),
        reading("3404147112689738", [1, 1, 0.77, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    ]
    assert guess_nik(found(rows), rows, dt.date(1969, 12, 31), "P") == "3404147112689738"


def test_a_whole_reading_that_passes_every_check_is_not_outvoted() -> None:
    # Both Tesseract models read 3 for the 8 the witness read right, sure: digit by digit they
    # would outvote it, but the witness's whole reading passes every check and is surest.
    rows = [
        reading("3172055502496354", [0.99] * 11 + [0.92, 0.92, 0.94, 0.99, 0.99]),
        reading("3172055502496354", [0.99] * 12 + [0.98, 0.92, 0.99, 0.99]),
        reading("3172055502496854", [1.0] * 16),
    ]
    assert guess_nik(found(rows), rows, dt.date(1949, 2, 15), "P") == "3172055502496854"


def test_nothing_of_sixteen_digits_is_no_guess() -> None:
    rows = [reading("3404 14", [1] * 6), reading("", [])]
    assert guess_nik([], rows, None, None) is None


def test_where_no_reading_holds_a_nik_a_run_a_digit_longer_gives_its_windows() -> None:
    # A stamp's letter after the NIK read as a digit by all three engines (seed 19's 150-dpi
    # list 56, row 7): no reading holds 16 digits in one run, two hold 17.
    rows = [
        reading("31720511016444j8 O,", [0.99] * 13 + [0.98, 0.99, 0.99, 0.98, 0.9]),
        reading("317205110164 44/8 0,", [1.0] * 14 + [0.94, 0.99, 0.99, 0.98]),
        reading("31720511016444801", [1.0] * 13 + [0.98, 1.0, 0.95, 0.29]),
    ]
    assert found(rows) == []
    assert windows(rows[2]) == [("3172051101644480", 0.95), ("1720511016444801", 0.29)]
    assert guess_nik([], rows, dt.date(1964, 1, 11), "L") == "3172051101644480"
    assert windows(reading("3172051101644480", [1.0] * 16)) == []  # a NIK read: no windows
