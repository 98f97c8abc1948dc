"""The guess a reviewer is shown for a NIK no reading settled: the readings combined digit by digit.

A NIK in doubt goes to review whatever is guessed; the guess only saves the reviewer typing.
Under a stamp or a streak each engine loses other digits: of 3404094603839459 (seed 7's 150-dpi
list), Tesseract's Indonesian model read "3404694693939459", its English one
"3484894693839459", the witness "3484894603839459": none of a district that exists, the first
two with a month 93. So each position is voted on by the readings that
hold 16 digits, each digit weighing its engine's confidence in it, and the guess is the
combination of the voted digits that is a NIK which can exist (`is_valid_nik`), agrees with
the row's printed birth date and sex, and is of a district of the reference table, in that
order, then the one the readings weigh most (there "3404894603839459", whose district code
read_nik's `district_by_one_digit` then takes one confusable digit to Sleman's 340409). At a
date digit the readings dispute, the printed date's digit is a candidate too where it is one a
read digit is confused with (`CONFUSABLE_DIGITS`): the NIK carries the birth date, and a
reviewer reads an unclear date digit from the date printed beside it. Not where the readings
agree: the printed date is read too, and misread ("1969" for 1968 beside three readings of
the NIK's 68).

The combination only stands in for the surest whole reading where that one falls short of
those checks (`guess_nik`): a whole reading right in every checked part is right more often
than digits voted from readings two of which share an engine's mistakes (two Tesseract
models read "...6354" alike where the witness read the right "...6854").
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

from pipelines.confusables import CONFUSABLE_DIGITS
from pipelines.engines.base import OcrText
from pipelines.nik import NIK_LENGTH, district_known, is_valid_nik, matches_printed, normalize_sex
from pipelines.normalize import DIGIT_FIXES, extract_nik, nfkc

_MAX_CHOICES = 4096  # combinations looked at; beyond, the least disputed positions keep their best digit
_DATE = range(6, 12)  # the NIK's DDMMYY (a woman's day + 40)


_SEPARATORS = frozenset(".,-/|:;'\"`_()[]{}<>=+*~^")  # marks between a NIK's digits or boxes


def _digit_runs(reading: OcrText) -> list[list[tuple[str, float]]]:
    """The reading's runs of digits (a look-alike letter taken for its digit, `DIGIT_FIXES`), each
    with its engine's confidence; separators and spaces inside a run are skipped, anything else
    ends it."""
    runs: list[list[tuple[str, float]]] = [[]]
    for sym, conf in reading.symbols:
        for ch in nfkc(sym):
            if (ch.isascii() and ch.isdigit()) or ch in DIGIT_FIXES:
                runs[-1].append((DIGIT_FIXES.get(ch, ch), conf))
            elif ch not in _SEPARATORS and not ch.isspace():
                runs.append([])
    return runs


def digits_read(reading: OcrText) -> list[tuple[str, float]] | None:
    """The reading's NIK (`extract_nik`) as (digit, the engine's confidence in it), or None where
    it holds none. Where the characters cannot be matched to the NIK, every digit carries the
    reading's own confidence (that of its weakest character)."""
    nik, _ = extract_nik(reading.text)
    if nik is None:
        return None
    chars = [c for run in _digit_runs(reading) for c in run]
    at = "".join(ch for ch, _ in chars).find(nik)
    if at < 0:
        return [(d, reading.confidence) for d in nik]
    return chars[at : at + NIK_LENGTH]


def windows(reading: OcrText) -> list[tuple[str, float]]:
    """Where the reading holds no NIK (`extract_nik`) but a run of 16 to 18 digits, separators
    aside (a box's rule or a stamp's letter read as a digit at its end: "i3404036904663624",
    "317205110164 44/8 0,"): each 16-digit window of it, with its weakest digit's confidence."""
    if extract_nik(reading.text)[0] is not None:
        return []
    out = []
    for run in _digit_runs(reading):
        if NIK_LENGTH <= len(run) <= NIK_LENGTH + 2:
            for at in range(len(run) - NIK_LENGTH + 1):
                window = run[at : at + NIK_LENGTH]
                out.append(("".join(d for d, _ in window), min(c for _, c in window)))
    return out


def printed_digits(birth_date: dt.date | None, sex: str | None) -> dict[int, set[str]]:
    """Position -> the digits the printed birth date and sex allow there (none: not printed)."""
    if birth_date is None:
        return {}
    sex = normalize_sex(sex)
    days = {"L": [birth_date.day], "P": [birth_date.day + 40]}.get(sex or "", [birth_date.day, birth_date.day + 40])
    out: dict[int, set[str]] = defaultdict(set)
    for day in days:
        for i, d in zip(_DATE, f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}", strict=True):
            out[i].add(d)
    return out


def plausible(nik: str, birth_date: dt.date | None, sex: str | None) -> tuple[bool, bool, bool]:
    """(a NIK that can exist, agreeing with the printed birth date and sex, of a known district)."""
    return is_valid_nik(nik), not matches_printed(nik, birth_date, sex), district_known(nik)


def guess_nik(
    found: list[tuple[str, float]], readings: list[OcrText], birth_date: dt.date | None, sex: str | None
) -> str | None:
    """The guess for review: of the `found` (NIK, confidence) readings (none: the `windows` of the
    `readings`) the most `plausible`, then surest; where that one fails a check, the
    `combined_guess` of the `readings` where it does no worse. Over the 247 NIKs guessed on the
    25 bench sets, 7 guesses more were right (2 by windows) and none less."""
    if not found:  # no reading holds a NIK: the 16-digit windows of runs a digit or two longer
        found = [w for r in readings for w in windows(r)]
    ranked = [(plausible(nik, birth_date, sex), conf, nik) for nik, conf in found]
    best = max(ranked, key=lambda r: (*r[0], r[1]), default=None)  # (the first of equals, as read)
    if best is not None and all(best[0]):
        return best[2]
    combined = combined_guess(readings, birth_date, sex)
    if combined is None or (best is not None and plausible(combined, birth_date, sex) < best[0]):
        return None if best is None else best[2]
    return combined


def combined_guess(readings: list[OcrText], birth_date: dt.date | None, sex: str | None) -> str | None:
    """The likeliest NIK the `readings` of one cell make together (see the module), or None where
    none of them holds 16 digits."""
    read = [r for r in map(digits_read, readings) if r is not None]
    if not read:
        return None
    votes: list[dict[str, float]] = [defaultdict(float) for _ in range(NIK_LENGTH)]
    for digits in read:
        for i, (d, conf) in enumerate(digits):
            votes[i][d] += conf
    allowed = printed_digits(birth_date, sex)
    for i, ds in allowed.items():
        if len(votes[i]) < 2:
            continue  # the readings agree on it: a date misread beside them does not overrule them
        for d in ds:
            if d not in votes[i] and any(d in CONFUSABLE_DIGITS[v] for v in votes[i]):
                votes[i][d] += 0.0  # a candidate, weighing nothing: only agreeing with the date chooses it
    choices = [sorted(v, key=v.__getitem__, reverse=True) for v in votes]
    # Most disputed positions first keep all their digits; the rest their best, within the limit
    order = sorted(range(NIK_LENGTH), key=lambda i: -len(choices[i]))
    total = 1
    for i in order:
        if total * len(choices[i]) > _MAX_CHOICES:
            choices[i] = choices[i][:1]
        total *= len(choices[i])

    def key(nik: str) -> tuple[bool, bool, bool, float]:
        return (*plausible(nik, birth_date, sex), sum(votes[i][d] for i, d in enumerate(nik)))

    return max(("".join(ds) for ds in itertools.product(*choices)), key=key)
