"""Text clean-up for OCR output: digit fixes, NIK extraction, birth place/date, sex, names.

Pure functions, no I/O. Digit fixes (DOMAIN.md §1) are only ever applied to fields that
must be digits, and every function that applies them reports how many it made, so the
caller can lower its confidence (a fixed digit is a guessed digit).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from rapidfuzz import fuzz

# Letters OCR engines return for digits (DOMAIN.md §1: YukaLangbuana/KTP-OCR and a generic
# normaliser). `e→2` comes from one source only; it is kept because it is counted as a fix.
DIGIT_FIXES: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0",
    "I": "1", "l": "1", "|": "1", "!": "1", "i": "1", "L": "1",
    "Z": "2", "z": "2", "e": "2",
    "S": "5", "s": "5",
    "G": "6", "b": "6",
    "B": "8",
    "g": "9", "q": "9",
    "?": "7",
}  # fmt: skip

_DIGITLIKE = "0-9" + re.escape("".join(DIGIT_FIXES))
# Characters that only separate digit groups in a NIK ("3171 0117", "3171-0117", boxes "[3][1]").
_NIK_SEPARATORS = re.compile(r"[\s\-_.,;:'\"`\[\](){}<>=+*~^]+")
# The label in front of a NIK, with the usual OCR confusions (NlK, N1K, N!K, MIK).
_NIK_LABEL = re.compile(r"^[^0-9A-Za-z]*(?:N|M)\s?[I1l|!i]\s?K(?![A-Za-z])\s*[:;=.\-]*", re.IGNORECASE)
_MIN_REAL_NIK_DIGITS = 10  # a run with more than 6 letters-as-digits is not a NIK


def nfkc(s: str) -> str:
    """NFKC-normalise (full-width digits and letters become ASCII; RapidOCR emits them)."""
    return unicodedata.normalize("NFKC", s)


def normalize_digits(s: str) -> tuple[str, int]:
    """Map look-alike letters to digits in a field that must be digits.

    Returns the mapped string and the number of substitutions. Characters that are neither
    digits nor known look-alikes are kept as they are (the caller decides what they mean).
    """
    out: list[str] = []
    fixes = 0
    for ch in nfkc(s):
        if ch.isascii() and ch.isdigit():
            out.append(ch)
        elif ch in DIGIT_FIXES:
            out.append(DIGIT_FIXES[ch])
            fixes += 1
        else:
            out.append(ch)
    return "".join(out), fixes


def _is_digitlike(ch: str) -> bool:
    return (ch.isascii() and ch.isdigit()) or ch in DIGIT_FIXES


def _strip_box_rules(s: str) -> str:
    """Drop the vertical rules of a NIK printed one digit per box ("3|1|7|1|...")."""
    pieces = s.split("|")
    if len(pieces) < 8:
        return s
    inner = [p.strip() for p in pieces[1:-1]]
    short = sum(1 for p in inner if 1 <= len(p) <= 2)
    if short >= 0.75 * max(1, len(inner)):
        return " ".join(pieces)
    return s


def extract_nik(text: str) -> tuple[str | None, int]:
    """The 16-digit NIK in one line of OCR text, and the number of letter-to-digit fixes.

    Accepts "NIK : 3171 0117 0845 0001", "3171011708450001", boxes "3|1|7|1|...", and
    look-alike letters (DOMAIN.md §1). Returns `(None, fixes)` unless exactly 16 digits are
    found in one run: a 15- or 17-digit reading is never trimmed or padded into a NIK.
    """
    s = nfkc(text).strip()
    s = _NIK_LABEL.sub(" ", s, count=1)
    s = _strip_box_rules(s)
    tokens = [t for t in _NIK_SEPARATORS.split(s) if t]
    # Split tokens into runs of digit-like characters; anything else ends a run.
    runs: list[list[str]] = [[]]
    for tok in tokens:
        parts = re.split(f"[^{_DIGITLIKE}]+", tok)
        if len(parts) == 1 and parts[0] == tok:
            runs[-1].append(tok)
            continue
        for i, part in enumerate(parts):
            if i > 0:
                runs.append([])
            if part:
                runs[-1].append(part)
    best: tuple[str, int] | None = None
    for run in runs:
        # A run may carry neighbouring words made of look-alike letters ("SOS", "lo"):
        # try every window of whole tokens that yields exactly 16 characters.
        for i in range(len(run)):
            length = 0
            for j in range(i, len(run)):
                length += len(run[j])
                if length > 16:
                    break
                if length < 16:
                    continue
                raw = "".join(run[i : j + 1])
                digits, fixes = normalize_digits(raw)
                if 16 - fixes < _MIN_REAL_NIK_DIGITS:
                    continue
                if best is None or fixes < best[1]:
                    best = (digits, fixes)
    return best if best is not None else (None, 0)


_MONTHS: dict[str, int] = {
    "JANUARI": 1, "JAN": 1, "FEBRUARI": 2, "PEBRUARI": 2, "FEB": 2, "PEB": 2, "MARET": 3, "MAR": 3,
    "APRIL": 4, "APR": 4, "MEI": 5, "JUNI": 6, "JUN": 6, "JULI": 7, "JUL": 7,
    "AGUSTUS": 8, "AGU": 8, "AGT": 8, "AGS": 8, "AUG": 8, "SEPTEMBER": 9, "SEP": 9, "SEPT": 9,
    "OKTOBER": 10, "OKT": 10, "OCT": 10, "NOVEMBER": 11, "NOV": 11, "NOPEMBER": 11, "NOP": 11,
    "DESEMBER": 12, "DES": 12, "DEC": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SEP = r"\s*[-/.,\s]\s*"
_DATE_STRICT = re.compile(rf"(?<![0-9])(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})(?![0-9])")
_DATE_FUZZY = re.compile(
    rf"(?<![0-9A-Za-z])([{_DIGITLIKE}]{{1,2}}){_SEP}([{_DIGITLIKE}]{{1,2}}){_SEP}([{_DIGITLIKE}]{{4}})(?![0-9A-Za-z])"
)
_DATE_NAMED = re.compile(rf"(?<![0-9])(\d{{1,2}})\s*[-/.,]?\s*({_MONTH_ALT})\s*[-/.,]?\s*(\d{{4}})(?![0-9])")
_DATE_COMPACT = re.compile(r"(?<![0-9])(\d{2})(\d{2})(\d{4})(?![0-9])")
# A date whose separators the OCR dropped in part ("1507-1954", "14-041989"): eight digits
# with one separator left, read as DD MM YYYY.
_DATE_PARTIAL = re.compile(r"(?<![0-9])(\d{2})[-/.]?(\d{2})[-/.]?(\d{4})(?![0-9])")
_ODD_SEP = re.compile(r"(?<=\d)\s*[:;=]\s*(?=\d)")  # a date's dash read as a colon, semicolon or equals sign
_BIRTH_LABEL = re.compile(
    r"^\s*(?:TEMPAT|TMPT|TMP|TPT)?\s*[/\\|I1l]?\s*(?:TGL|TANGGAL|TG1|TGI|TANGAL)?\.?\s*(?:LAHIR|LAHR|LAHLR)\s*[:;=]?",
    re.IGNORECASE,
)
_YEAR_RANGE = (1900, 2100)


def _make_date(day: str, month: str, year: str) -> dt.date | None:
    try:
        d, m, y = int(day), int(month), int(year)
    except ValueError:
        return None
    if not _YEAR_RANGE[0] <= y <= _YEAR_RANGE[1]:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_birth_detail(text: str) -> tuple[str | None, dt.date | None, int]:
    """`parse_birth`, plus the number of letter-to-digit fixes made in the date."""
    s = nfkc(text).strip()
    if ":" in s[:30]:
        head, _, tail = s.partition(":")
        if re.search(r"LAH|TGL|TEMPAT", head, re.IGNORECASE):
            s = tail
    s = _BIRTH_LABEL.sub("", s, count=1)
    up = s.upper()
    found: tuple[int, dt.date | None, int] | None = None  # (start, date, fixes)
    for m in reversed(list(_DATE_STRICT.finditer(up))):
        found = (m.start(), _make_date(m[1], m[2], m[3]), 0)
        break
    if found is None:
        for m in reversed(list(_DATE_NAMED.finditer(up))):
            found = (m.start(), _make_date(m[1], str(_MONTHS[m[2]]), m[3]), 0)
            break
    if found is None:
        for m in reversed(list(_DATE_COMPACT.finditer(up))):
            found = (m.start(), _make_date(m[1], m[2], m[3]), 0)
            break
    if found is None:
        for m in reversed(list(_DATE_PARTIAL.finditer(up))):
            found = (m.start(), _make_date(m[1], m[2], m[3]), 0)
            break
    if found is None:
        # Look-alike letters: match on the original case (b and B map differently).
        for m in reversed(list(_DATE_FUZZY.finditer(s))):
            parts = [normalize_digits(g) for g in (m[1], m[2], m[3])]
            fixes = sum(f for _, f in parts)
            found = (m.start(), _make_date(parts[0][0], parts[1][0], parts[2][0]), fixes)
            break
    if found is None:
        # A dash with a speck on it read as ":", ";" or "=" ("26-04:1956", "13=06-1991"):
        # each such separator counts as a fix.
        dashed, n = _ODD_SEP.subn("-", s)
        if n:
            place, date, fixes = parse_birth_detail(dashed)
            return place, date, fixes + n if date is not None else 0
        place = fold_name(s) or None
        return place, None, 0
    start, date, fixes = found
    place = fold_name(s[:start]) or None
    return place, date, fixes


def parse_birth(text: str) -> tuple[str | None, dt.date | None]:
    """Birth place and date from "MALANG, 19-08-2002", "JAKARTA 17 08 1985", "BOGOR, 1 MEI 1990".

    A label ("Tempat/Tgl Lahir :") in front is dropped. The place is folded (`fold_name`).
    The date is None when no plausible day-month-year is found or it is not a real date.
    """
    place, date, _ = parse_birth_detail(text)
    return place, date


_SEX_CUT = re.compile(r"G\s*[O0]\s*[L1I]\s*\.?\s*(?:D\s*A\s*R\s*A\s*H)?|D\s*A\s*R\s*A\s*H")
_SEX_LABEL = re.compile(r"^\W*J\s*E\s*N\s*[I1L]\s*S\W*(?:K\s*E\s*L\s*A\s*M\s*[I1L]\s*N)?|^\W*KELAM[I1L]N")
_MALE = ("LAKILAKI", "LAKI", "PRIA", "LK")
_FEMALE = ("PEREMPUAN", "WANITA", "PR")


def parse_sex(text: str) -> str | None:
    """Sex as "L" or "P", from "LAKI-LAKI", "PEREMPUAN", "L", "P" (label, Gol. Darah, OCR noise).

    Returns None when neither or both are present (a form offering "Laki-laki/Perempuan").
    """
    s = nfkc(text).upper()
    if ":" in s:
        head, _, tail = s.partition(":")
        if re.search(r"JEN|KEL|AMIN", head):
            s = tail
    s = _SEX_LABEL.sub("", s, count=1)
    cut = _SEX_CUT.search(s)
    if cut is not None and cut.start() > 0:
        s = s[: cut.start()]
    compact = re.sub(r"[^A-Z]", "", s)
    if not compact:
        return None
    if compact in ("L", "P"):
        return compact
    if compact in _MALE:
        return "L"
    if compact in _FEMALE:
        return "P"
    if len(compact) < 4:
        return None
    male = max(fuzz.ratio(compact, "LAKILAKI"), fuzz.partial_ratio("LAKILAKI", compact))
    female = max(fuzz.ratio(compact, "PEREMPUAN"), fuzz.partial_ratio("PEREMPUAN", compact))
    if male >= 75 and male - female >= 20:
        return "L"
    if female >= 75 and female - male >= 20:
        return "P"
    return None


def fold_name(s: str) -> str:
    """Upper case, accents dropped, apostrophes joined, other punctuation and digits dropped,
    spaces folded: the form names are compared in ("Siti  Nur'aini." → "SITI NURAINI")."""
    decomposed = unicodedata.normalize("NFKD", nfkc(s))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = re.sub(r"['`’‘]", "", letters.upper())
    letters = re.sub(r"[^A-Z]+", " ", letters)
    return " ".join(letters.split())
