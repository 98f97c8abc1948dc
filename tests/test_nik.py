"""NIK parsing: the curated external vectors, python-stdnum's doctests, and a round-trip property."""

from __future__ import annotations

import csv
import datetime as dt
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.nik import (
    NikFailure,
    district_known,
    is_valid_nik,
    matches_printed,
    normalize_sex,
    parse_nik,
    validate_nik,
)
from pipelines.regions import default_regions
from tests.shared import EXTERNAL

VECTORS = EXTERNAL / "nik-test-vectors" / "nik_vectors.csv"


def _vector_rows() -> list[dict[str, str]]:
    if not VECTORS.exists():
        if os.environ.get("CI"):
            raise FileNotFoundError(VECTORS)
        return []
    with VECTORS.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = _vector_rows()

# The vector file's reason words, mapped onto our failure kinds.
REASON_PREFIX = {
    "length_": NikFailure.LENGTH,
    "non_digit": NikFailure.NON_DIGIT,
    "unknown_province_": NikFailure.PROVINCE,
    "unknown_regency_": NikFailure.REGENCY,
    "month_": NikFailure.DATE,
    "day_": NikFailure.DATE,
}

# Rows marked `disputed` carry our decision here, with the reason, and the test asserts it.
DISPUTED = {
    # fanchann/nik-parser expects success (born 1977, male) for day code 39. We REJECT it: day codes
    # are 01-31 for men and 41-71 for women (DOMAIN.md §1); 39 is neither, so the digits cannot be a
    # date. Accepting it would let a misread 3x/8x day slip through; NIK_INVALID only sends the
    # entry to review, it does not reject the supporter.
    "3321053908775443": (False, NikFailure.DATE),
}


def _expected_failure(reason: str) -> NikFailure:
    for prefix, failure in REASON_PREFIX.items():
        if reason.startswith(prefix):
            return failure
    raise AssertionError(f"unmapped vector reason {reason!r}")


@pytest.mark.skipif(not ROWS, reason="external NIK vectors not present (set CI to require them)")
@pytest.mark.parametrize("row", ROWS, ids=[r["nik"] + ":" + r["reason"] for r in ROWS])
def test_external_vector(row: dict[str, str]) -> None:
    info = parse_nik(row["nik"])
    if row["expected"] == "disputed":
        assert row["nik"] in DISPUTED, "a disputed vector needs a written decision in DISPUTED"
        valid, failure = DISPUTED[row["nik"]]
        assert info.valid is valid
        assert info.failure is failure
    elif row["expected"] == "valid":
        assert info.valid, info.messages
    else:
        assert row["expected"] == "invalid"
        assert not info.valid
        assert info.failure is _expected_failure(row["reason"]), info.messages
    if row["birthdate"]:
        assert info.birth_date(today=dt.date(2025, 1, 1)) == dt.date.fromisoformat(row["birthdate"])
    if row["sex"]:
        assert info.sex == normalize_sex(row["sex"])


def test_every_vector_row_was_seen() -> None:
    if not ROWS:
        pytest.skip("external NIK vectors not present")
    assert len(ROWS) >= 37
    assert {r["expected"] for r in ROWS} <= {"valid", "invalid", "disputed"}


# -- python-stdnum vectors and DOMAIN.md §1 --------------------------------------------------


def test_stdnum_valid_male() -> None:
    info = parse_nik("3171011708450001")
    assert info.valid
    assert (info.province_code, info.regency_code, info.district_code) == ("31", "3171", "317101")
    assert (info.birth_day, info.birth_month, info.birth_yy, info.sex, info.serial) == (17, 8, 45, "L", 1)
    assert info.birth_date_candidates() == (dt.date(1945, 8, 17), dt.date(2045, 8, 17))
    assert info.birth_date(today=dt.date(2024, 11, 27)) == dt.date(1945, 8, 17)


def test_stdnum_female() -> None:
    info = parse_nik("3171015708450001")
    assert info.valid and info.sex == "P"
    assert info.birth_date(1945) == dt.date(1945, 8, 17)


def test_leap_day_2000_only() -> None:
    info = parse_nik("3171012902001234")
    assert info.valid
    # 1900 was not a leap year, so only one reading exists
    assert info.birth_date_candidates() == (dt.date(2000, 2, 29),)
    assert info.birth_date(1900) == dt.date(2000, 2, 29)


def test_leap_day_in_non_leap_year_invalid() -> None:
    assert parse_nik("3201012902011234").failure is NikFailure.DATE  # 2001 and 1901: no 29 Feb
    assert parse_nik("3201012902961234").valid  # 1996


def test_feb_30_invalid() -> None:
    assert validate_nik("3171013002001234").failure is NikFailure.DATE


def test_day_89_invalid_unlike_stdnum() -> None:
    # stdnum takes the day mod 40 and reads 1931-01-09; 89 is not a day code.
    check = validate_nik("3201018901310123")
    assert not check.valid and check.failure is NikFailure.DATE


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "81", "91"])
def test_day_codes_out_of_range(day: str) -> None:
    assert parse_nik(f"320101{day}01900001").failure is NikFailure.DATE


def test_serial_zero_invalid() -> None:
    check = validate_nik("3171011708450000")
    assert check.failure is NikFailure.SERIAL
    assert "3171011708450000" not in check.message


@pytest.mark.parametrize(
    "nik",
    [
        "6501011708450001",
        "9301011708450001",
        "9401011708450001",
        "9501011708450001",
        "9601011708450001",
        "9202011708450001",
    ],
)
def test_new_provinces_valid(nik: str) -> None:
    assert parse_nik(nik).valid


@pytest.mark.parametrize("nik", ["6404011708450001", "9101011708450001", "9271011708450001"])
def test_historic_regency_codes_stay_valid(nik: str) -> None:
    # Bulungan (Kaltim before Kaltara), Merauke and Kota Sorong before the 2022 Papua split
    assert parse_nik(nik).valid


def test_specimen_nik_invalid() -> None:
    info = parse_nik("3171234567890123")
    assert not info.valid and info.failure is NikFailure.DATE
    assert "3171234567890123" not in repr(info)
    assert info.masked == "3171********0123"


def test_separators_and_non_digits() -> None:
    assert parse_nik("32 7301 010101 0001").valid
    assert parse_nik("3273-01-010101-0001").valid
    assert parse_nik("3171O11708450001").failure is NikFailure.NON_DIGIT
    assert parse_nik("３１７１０１１７０８４５０００１").failure is NikFailure.NON_DIGIT  # full-width
    assert parse_nik("").failure is NikFailure.LENGTH


def test_perl_vectors() -> None:
    # perl-Business-ID-NIK uses district 00 ("32 7300 010101 0001"). We reject 00 (no kecamatan
    # code is 00: the table's codes run 01-68), so its date and sex vectors are checked with 01.
    assert parse_nik("32 7300 010101 0001").failures == (NikFailure.DISTRICT,)
    male = parse_nik("3273010101010001")
    assert male.valid and male.sex == "L" and male.birth_date(2001) == dt.date(2001, 1, 1)
    female = parse_nik("3273017101010001")
    assert female.valid and female.sex == "P" and female.birth_date(2001) == dt.date(2001, 1, 31)
    assert parse_nik("3273013201800001").failure is NikFailure.DATE


def test_district_00_invalid() -> None:
    assert parse_nik("3171001708450001").failure is NikFailure.DISTRICT


def test_regency_lookup_injected() -> None:
    assert parse_nik("3406031011880001", regency_lookup=lambda _c: None).valid
    assert parse_nik("3404031011880001", regency_lookup=lambda _c: False).failure is NikFailure.REGENCY
    assert parse_nik("3470031011880001").failure is NikFailure.REGENCY  # 70 is neither kab nor kota


def test_all_failures_listed() -> None:
    info = parse_nik("9900003213000000")
    assert info.failures == (NikFailure.PROVINCE, NikFailure.DISTRICT, NikFailure.DATE, NikFailure.SERIAL)


def test_century_choice() -> None:
    info = parse_nik("3101012012060002")
    assert info.birth_date(today=dt.date(2024, 11, 27)) == dt.date(2006, 12, 20)
    assert info.birth_date(today=dt.date(2006, 12, 19)) == dt.date(1906, 12, 20)
    assert info.birth_date(1906) == dt.date(1906, 12, 20)
    assert info.birth_date(2005) == dt.date(2006, 12, 20)  # nearest to the hint


# -- matches_printed -------------------------------------------------------------------------


def test_matches_printed_agrees() -> None:
    assert matches_printed("3171015708450001", dt.date(1945, 8, 17), "PEREMPUAN") == []
    assert matches_printed("3171011708450001", dt.date(2045, 8, 17), "L") == []  # century not encoded


def test_matches_printed_disagreements() -> None:
    nik = "3171015708450001"
    assert matches_printed(nik, dt.date(1945, 8, 18), "P") == ["birth_day"]
    assert matches_printed(nik, dt.date(1946, 9, 17), None) == ["birth_month", "birth_year"]
    assert matches_printed(nik, None, "LAKI-LAKI") == ["sex"]
    assert matches_printed(nik, None, "?") == []
    assert matches_printed("12345", dt.date(1945, 8, 17), "L") == []


def test_normalize_sex() -> None:
    assert normalize_sex(" laki-laki ") == "L"
    assert normalize_sex("Perempuan") == "P"
    assert normalize_sex("X") is None
    assert normalize_sex(None) is None


# -- property: every generated valid NIK round-trips ----------------------------------------


@st.composite
def _valid_parts(draw: st.DrawFn) -> tuple[str, dt.date, str, int]:
    regions = default_regions()
    regency = draw(
        st.sampled_from(sorted(c.code for p in ("11", "31", "65", "91", "96") for c in regions.regencies_of(p)))
    )
    district = draw(st.integers(1, 99))
    born = draw(st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)))
    sex = draw(st.sampled_from(["L", "P"]))
    serial = draw(st.integers(1, 9999))
    day = born.day + (40 if sex == "P" else 0)
    nik = f"{regency}{district:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return nik, born, sex, serial


@given(_valid_parts())
def test_generated_niks_round_trip(parts: tuple[str, dt.date, str, int]) -> None:
    nik, born, sex, serial = parts
    info = parse_nik(nik)
    assert info.valid, info.messages
    assert info.sex == sex and info.serial == serial
    assert born in info.birth_date_candidates()
    assert info.birth_date(born.year) == born
    assert matches_printed(info, born, sex) == []
    assert is_valid_nik(nik)


@given(st.text(max_size=20))
def test_parse_never_raises(s: str) -> None:
    info = parse_nik(s)
    assert info.valid == (info.failure is None)


def test_district_known_takes_the_reference_table_and_old_regency_codes() -> None:
    assert district_known("3173032509735159")  # Jakarta Barat, district 03
    assert not district_known("3173632509735159")  # ... it has 01-08: a 0 read as 6
    assert district_known("3173 0325 0973 5159")
    assert district_known("6404012509735159")  # Bulungan under its Kaltim code (now 6502)
    assert not district_known("9999012509735159")
