"""Unit tests of the OCR text clean-up (pipelines.normalize)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.normalize import (
    extract_nik,
    fold_name,
    nfkc,
    normalize_digits,
    parse_birth,
    parse_birth_detail,
    parse_sex,
)


def test_nfkc_turns_full_width_digits_into_ascii() -> None:
    assert nfkc("３１７１") == "3171"


@pytest.mark.parametrize(
    ("raw", "digits", "fixes"),
    [
        ("3171", "3171", 0),
        ("O1Il|!iL", "01111111", 7),
        ("ZzSsGbBgq?", "2255668997", 10),
        ("DQ", "00", 2),
        ("12-34", "12-34", 0),  # unknown characters are left for the caller
    ],
)
def test_normalize_digits_maps_look_alikes_and_counts_them(raw: str, digits: str, fixes: int) -> None:
    assert normalize_digits(raw) == (digits, fixes)


@pytest.mark.parametrize(
    ("line", "nik", "fixes"),
    [
        ("NIK : 3171 0117 0845 0001", "3171011708450001", 0),
        ("NIK:3171011708450001", "3171011708450001", 0),
        ("3171011708450001", "3171011708450001", 0),
        ("3|1|7|1|0|1|1|7|0|8|4|5|0|0|0|1", "3171011708450001", 0),
        ("|3|1|7|1|0|1|1|7|0|8|4|5|0|0|0|1|", "3171011708450001", 0),
        ("[3][1][7][1][0][1][1][7][0][8][4][5][0][0][0][1]", "3171011708450001", 0),
        ("3171-0117-0845-0001", "3171011708450001", 0),
        ("NlK : 317101l7O845OOO1", "3171011708450001", 5),
        ("N1K ３１７１２３４５６７８９０１２３", "3171234567890123", 0),
        (": 3171234567890123 Nama", "3171234567890123", 0),
    ],
)
def test_extract_nik_reads_the_usual_layouts(line: str, nik: str, fixes: int) -> None:
    assert extract_nik(line) == (nik, fixes)


@pytest.mark.parametrize(
    "line",
    [
        "NIK : 317101170845000",  # 15 digits: never padded
        "NIK : 31710117084500012",  # 17 digits: never trimmed
        "NIK : SOSOBOOSIZIOOISS",  # letters only: not a NIK, however they map
        "Nama : MIRA SETIAWAN",
        "",
    ],
)
def test_extract_nik_refuses_anything_but_sixteen_digits(line: str) -> None:
    assert extract_nik(line)[0] is None


@pytest.mark.parametrize(
    ("text", "place", "date"),
    [
        ("MALANG, 19-08-2002", "MALANG", dt.date(2002, 8, 19)),
        ("JAKARTA 17 08 1985", "JAKARTA", dt.date(1985, 8, 17)),
        ("Tempat/Tgl Lahir : JAKARTA, 18-02-1986", "JAKARTA", dt.date(1986, 2, 18)),
        ("KOTA BARU,1/5/1990", "KOTA BARU", dt.date(1990, 5, 1)),
        ("BOGOR, 1 MEI 1990", "BOGOR", dt.date(1990, 5, 1)),
        ("SURABAYA 17 Agustus 1945", "SURABAYA", dt.date(1945, 8, 17)),
        ("BEKASI. 26.12.1970", "BEKASI", dt.date(1970, 12, 26)),
        ("KOTA BARU 31-02-1990", "KOTA BARU", None),  # not a real date
        ("JAKARTA", "JAKARTA", None),
        ("", None, None),
    ],
)
def test_parse_birth(text: str, place: str | None, date: dt.date | None) -> None:
    assert parse_birth(text) == (place, date)


def test_parse_birth_counts_digit_fixes() -> None:
    assert parse_birth_detail("JAKARTA,18-O2-198b") == ("JAKARTA", dt.date(1986, 2, 18), 2)


@pytest.mark.parametrize(
    ("text", "date", "fixes"),
    [
        ("SLEMAN, 26-04:1956", dt.date(1956, 4, 26), 1),  # a speck on a dash read as a colon (seed 3, 150 dpi)
        ("BANDUNG, 13=06-1991", dt.date(1991, 6, 13), 1),
        ("JAKARTA, 18:02:1992", dt.date(1992, 2, 18), 2),
        ("Tempat/Tgl Lahir : JAKARTA, 18:02-1986", dt.date(1986, 2, 18), 1),  # the label's colon stays a label's
        ("SLEMAN, 12-61-1963", None, 0),
    ],
)
def test_a_dash_read_as_a_colon_or_equals_sign_is_a_fix(text: str, date: dt.date | None, fixes: int) -> None:
    assert parse_birth_detail(text)[1:] == (date, fixes)


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("LAKI-LAKI", "L"),
        ("Jenis kelamin: LAKI - LAKI", "L"),
        ("LAKl-LAKl Gol Darah: O", "L"),
        ("Jenis Kelamin : PEREMPUAN Gol. Darah : B", "P"),
        ("PERFMPUAN", "P"),
        ("L", "L"),
        ("P", "P"),
        ("Laki-laki/Perempuan", None),  # the form's choice, nothing struck out
        ("", None),
        ("Gol. Darah : O", None),
    ],
)
def test_parse_sex(text: str, sex: str | None) -> None:
    assert parse_sex(text) == sex


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Siti  Nur'aini.  ", "SITI NURAINI"),
        ("mira setiawan1", "MIRA SETIAWAN"),
        ("MUH. ARIF", "MUH ARIF"),
        ("José", "JOSE"),
        ("ＭＩＲＡ", "MIRA"),
    ],
)
def test_fold_name(raw: str, folded: str) -> None:
    assert fold_name(raw) == folded


@pytest.mark.parametrize(
    ("line", "place", "date"),
    [
        ("SLEMAN,1507-1954", "SLEMAN", dt.date(1954, 7, 15)),  # the first dash dropped by the OCR
        ("JAKARTA.14-041989", "JAKARTA", dt.date(1989, 4, 14)),  # the second one
        (": SLEMAN:2211-1959", "SLEMAN", dt.date(1959, 11, 22)),
        ("BOGOR 1-2-19901", "BOGOR", None),  # no plausible day-month-year
    ],
)
def test_a_date_missing_one_separator_is_read(line: str, place: str, date: dt.date | None) -> None:
    assert parse_birth(line) == (place, date)
