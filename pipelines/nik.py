"""NIK (Nomor Induk Kependudukan) parsing and structural validation (DOMAIN.md §1).

A NIK is `PP RR DD ddmmyy SSSS`: province, regency, district (kecamatan), birth date with
40 added to the day for women, and a serial. There is no checksum, so a misread NIK can still
look valid; this module only says whether the digits *can* be a NIK and what they encode.

Decisions (why, not what):
- **Regions.** Digits 1-6 record where the NIK was *first* registered and never change, so the
  province and regency are checked against the union of historic code lists
  (`pipelines.regions`). A regency is only rejected when its province has a reference list and
  the code is absent from it. Kecamatan codes are not checked against a table (new ones appear
  every year and the table lags); only `00` is rejected.
- **Century.** Only two year digits are stored. The date is valid if it exists in *either*
  1900+yy or 2000+yy; this matters only for 29 Feb with yy=00 (2000 is a leap year, 1900 is
  not), which is therefore valid and can only be 2000-02-29.
- **Day codes** 01-31 (men) and 41-71 (women); everything else (00, 32-40, 72-99) is invalid.
  python-stdnum's "day mod 40" reading (accepting 81-91) is deliberately not followed.
- **Serial** 0000 is invalid (SIAK numbers from 0001).
- The decoded fields are filled in even when a check fails, as far as the digits allow, so a
  reviewer can still see the birth date of a NIK with an unknown province.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from pipelines.domain import Sex, mask_nik

NIK_LENGTH = 16

# Accept {11–19, 21, 31–36, 51–53, 61–65, 71–76, 81–82, 91–96} (DOMAIN.md §1, union of old and new lists).
VALID_PROVINCES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    )
)

_SEPARATORS = re.compile(r"[\s.\-]+")
_ASCII_DIGITS = re.compile(r"[0-9]*")


class NikFailure(StrEnum):
    """Why digits are not a NIK, in the order the checks run."""

    NON_DIGIT = "non_digit"
    LENGTH = "length"
    PROVINCE = "province"
    REGENCY = "regency"
    DISTRICT = "district"
    DATE = "date"
    SERIAL = "serial"


@dataclass(frozen=True)
class NikCheck:
    """The verdict alone. `message` never contains the NIK itself."""

    valid: bool
    failure: NikFailure | None = None
    failures: tuple[NikFailure, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class NikInfo:
    """What a NIK's digits say. `nik` is the normalised input; `repr` shows it masked."""

    nik: str = field(repr=False)
    failures: tuple[NikFailure, ...]
    province_code: str | None = None  # "31"
    regency_code: str | None = None  # "3171"
    district_code: str | None = None  # "317101"
    birth_day: int | None = None  # 1..31, the +40 already removed
    birth_month: int | None = None
    birth_yy: int | None = None  # 0..99, century unknown
    sex: Sex | None = None  # "L" or "P", from the +40 (set whenever there are 16 digits)
    serial: int | None = None
    messages: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.failures

    @property
    def failure(self) -> NikFailure | None:
        return self.failures[0] if self.failures else None

    @property
    def masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def check(self) -> NikCheck:
        return NikCheck(
            valid=self.valid, failure=self.failure, failures=self.failures, message="; ".join(self.messages)
        )

    def birth_date_candidates(self) -> tuple[dt.date, ...]:
        """Every real date the day/month/yy digits can mean, oldest first (19yy, then 20yy)."""
        if self.birth_day is None or self.birth_month is None or self.birth_yy is None:
            return ()
        out: list[dt.date] = []
        for century in (1900, 2000):
            year = century + self.birth_yy
            month, day = self.birth_month, self.birth_day
            if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
                out.append(dt.date(year, month, day))
        return tuple(out)

    def birth_date(self, century_hint_year: int | None = None, *, today: dt.date | None = None) -> dt.date | None:
        """The birth date with a century chosen.

        With `century_hint_year` (the 4-digit year printed on the KTP or form): the candidate
        whose year equals it if the last two digits agree, else the candidate nearest to it (the
        disagreement itself is reported by `matches_printed`). Without a hint: the most recent
        candidate that is not after `today` (default: the current date), because a person with a
        NIK is already born and rarely older than a century.
        """
        candidates = self.birth_date_candidates()
        if not candidates:
            return None
        if century_hint_year is not None:
            return min(candidates, key=lambda d: (abs(d.year - century_hint_year), d.year))
        ref = today or dt.date.today()
        past = [d for d in candidates if d <= ref]
        return past[-1] if past else candidates[0]


def normalize_nik(s: str) -> str:
    """Drop the spaces, dots and hyphens that printed or typed NIKs carry ("32 7300 010101 0001")."""
    return _SEPARATORS.sub("", s.strip())


RegencyLookup = Callable[[str], bool | None]
"""`code4 -> True` (known), `False` (province has a list, code absent), `None` (no list)."""


def _default_regency_lookup(code4: str) -> bool | None:
    from pipelines.regions import default_regions  # lazy: the table loads on first use only

    return default_regions().regency_status(code4)


def parse_nik(s: str, *, regency_lookup: RegencyLookup | None = None) -> NikInfo:
    """Decode and check a NIK. Never raises; the result carries every failure found.

    `regency_lookup` replaces the shipped reference table (tests, or a newer list).
    """
    nik = normalize_nik(s)
    if not _ASCII_DIGITS.fullmatch(nik):
        return NikInfo(nik=nik, failures=(NikFailure.NON_DIGIT,), messages=("contains a non-digit",))
    if len(nik) != NIK_LENGTH:
        return NikInfo(nik=nik, failures=(NikFailure.LENGTH,), messages=(f"has {len(nik)} digits, not {NIK_LENGTH}",))

    failures: list[NikFailure] = []
    messages: list[str] = []
    province, regency, district = nik[:2], nik[:4], nik[:6]
    if province not in VALID_PROVINCES:
        failures.append(NikFailure.PROVINCE)
        messages.append(f"unknown province {province}")
    else:
        rr = int(nik[2:4])
        known = (regency_lookup or _default_regency_lookup)(regency)
        if not (1 <= rr <= 69 or 71 <= rr <= 99) or known is False:
            failures.append(NikFailure.REGENCY)
            messages.append(f"unknown regency {regency}")
    if nik[4:6] == "00":
        failures.append(NikFailure.DISTRICT)
        messages.append("district 00")

    day_code, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    # The sex is read from the +40 even when the day is out of range (as other parsers do);
    # the day is kept only when it is in 01-31 / 41-71.
    sex: Sex = "P" if day_code > 40 else "L"
    day = day_code - 40 if 41 <= day_code <= 71 else day_code if 1 <= day_code <= 31 else None
    info = NikInfo(
        nik=nik,
        failures=(),
        province_code=province,
        regency_code=regency,
        district_code=district,
        birth_day=day,
        birth_month=month,
        birth_yy=yy,
        sex=sex,
        serial=int(nik[12:]),
    )
    if not info.birth_date_candidates():
        failures.append(NikFailure.DATE)
        messages.append(f"no such birth date (day code {day_code:02d}, month {month:02d}, year {yy:02d})")
        # keep the sex of a plausible day code, but no day/month that do not form a date
        info = replace(info, birth_day=None, birth_month=None)
    if info.serial == 0:
        failures.append(NikFailure.SERIAL)
        messages.append("serial 0000")
    return replace(info, failures=tuple(failures), messages=tuple(messages))


def validate_nik(s: str, *, regency_lookup: RegencyLookup | None = None) -> NikCheck:
    """Just the verdict of `parse_nik`."""
    return parse_nik(s, regency_lookup=regency_lookup).check


def is_valid_nik(s: str) -> bool:
    return parse_nik(s).valid


def district_known(nik: str) -> bool:
    """Whether the NIK's first six digits are a district of the shipped reference table (an old
    regency code taken as the regency it is now). The table lags behind new kecamatan, so an
    unknown district makes no NIK invalid; for reading, it makes one never sure: a blurred 0
    read as 6 by two engines alike gives a NIK of a district that does not exist ("317363...",
    Jakarta Barat having the districts 01-08)."""
    from pipelines.regions import default_regions  # lazy: the table loads on first use only

    return default_regions().district(normalize_nik(nik)[:6]) is not None


_SEX_WORDS: dict[str, Sex] = {
    "L": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "PRIA": "L",
    "M": "L",
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "W": "P",
    "F": "P",
}


def normalize_sex(s: str | None) -> Sex | None:
    """ "LAKI-LAKI"/"L"/"M" → "L"; "PEREMPUAN"/"P"/"W"/"F" → "P"; anything else → None."""
    if s is None:
        return None
    return _SEX_WORDS.get(" ".join(s.upper().replace("_", " ").split()))


def matches_printed(nik: str | NikInfo, birth_date: dt.date | None, sex: str | None) -> list[str]:
    """Which printed values disagree with the NIK's own digits.

    Returns a sublist of `["birth_day", "birth_month", "birth_year", "sex"]`: the day (after
    removing the +40), the month, the last two digits of the year, and the sex implied by the
    +40. A value that is missing on either side is not a disagreement. A NIK that is not 16
    digits yields `[]` (it is NIK_INVALID, not a mismatch).
    """
    info = nik if isinstance(nik, NikInfo) else parse_nik(nik)
    if info.serial is None:
        return []
    out: list[str] = []
    digits = info.nik
    if birth_date is not None:
        day_code = int(digits[6:8])
        day = day_code - 40 if day_code > 40 else day_code
        if day != birth_date.day:
            out.append("birth_day")
        if int(digits[8:10]) != birth_date.month:
            out.append("birth_month")
        if int(digits[10:12]) != birth_date.year % 100:
            out.append("birth_year")
    printed_sex = normalize_sex(sex)
    if printed_sex is not None and info.sex is not None and printed_sex != info.sex:
        out.append("sex")
    return out


@lru_cache(maxsize=20_000)
def _region_failure(region6: str) -> NikFailure | None:
    return parse_nik(region6 + "0101900001").failure


@lru_cache(maxsize=100_000)
def _date_failure(date6: str) -> NikFailure | None:
    return parse_nik("317101" + date6 + "0001").failure


def nik_failure(nik: str) -> NikFailure | None:
    """`validate_nik(nik).failure` for bulk work (voter-list imports): the region and the date
    parts are checked independently and cached, ~10x faster than a full parse per row."""
    if len(nik) != NIK_LENGTH or not _ASCII_DIGITS.fullmatch(nik):
        return parse_nik(nik).failure
    return _region_failure(nik[:6]) or _date_failure(nik[6:12]) or (NikFailure.SERIAL if nik[12:] == "0000" else None)
