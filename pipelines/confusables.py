"""Digits that OCR and photocopies confuse, for misread-aware NIK matching (DOMAIN.md §1).

A NIK has no checksum, so a misread digit usually still gives a "valid" NIK. When a read NIK
is not in the voter list, the pipeline may look for a DPT record one confusable digit away
with the same name and birth date; such a hit is a *suggestion for review*, never a silent
correction.
"""

from __future__ import annotations

from collections.abc import Iterator

# Symmetric pairs: photocopy/OCR confusions from DOMAIN.md §1 (8↔0/3/6/9, 1↔7, 5↔6) plus those
# seen in OCR of the NIK font (0↔6/9/3, 5↔8, 2↔7).
_PAIRS: tuple[tuple[str, str], ...] = (
    ("0", "8"),
    ("0", "6"),
    ("0", "9"),
    ("0", "3"),
    ("1", "7"),
    ("2", "7"),
    ("3", "8"),
    ("5", "6"),
    ("5", "8"),
    ("6", "8"),
    ("8", "9"),
)


def _build() -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {d: set() for d in "0123456789"}
    for a, b in _PAIRS:
        table[a].add(b)
        table[b].add(a)
    return {d: tuple(sorted(v)) for d, v in table.items()}


CONFUSABLE_DIGITS: dict[str, tuple[str, ...]] = _build()
"""digit -> the digits it is mistaken for (symmetric)."""

# Letters and marks that OCR returns in place of digits (open-source KTP-OCR fixes, DOMAIN.md §1).
CHAR_TO_DIGIT: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0",
    "I": "1", "l": "1", "|": "1", "!": "1", "i": "1",
    "Z": "2", "z": "2", "e": "2",
    "S": "5", "s": "5",
    "G": "6", "b": "6",
    "?": "7",
    "B": "8",
    "g": "9", "q": "9",
}  # fmt: skip


def are_confusable(a: str, b: str) -> bool:
    """Whether two single digits are a known confusion pair."""
    return b in CONFUSABLE_DIGITS.get(a, ())


def fix_ocr_digits(s: str) -> str:
    """Replace the letters OCR puts into a digit field by the digits they stand for.

    Only for a field known to be all digits (the NIK); spaces are kept for the caller to drop.
    """
    return "".join(CHAR_TO_DIGIT.get(ch, ch) for ch in s)


def one_confusable_away(nik: str) -> Iterator[str]:
    """Every string that differs from `nik` in exactly one digit, by a confusable substitution.

    Positions left to right, substitutes in ascending order; `nik` itself is not yielded. At most
    16 × 5 candidates, so a caller can afford to look each up.
    """
    for i, ch in enumerate(nik):
        for sub in CONFUSABLE_DIGITS.get(ch, ()):
            yield nik[:i] + sub + nik[i + 1 :]


def confusable_distance(a: str, b: str) -> int | None:
    """How many positions differ if every difference is a confusable pair; None otherwise."""
    if len(a) != len(b):
        return None
    count = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            if not are_confusable(x, y):
                return None
            count += 1
    return count


def one_digit_away(nik: str) -> Iterator[str]:
    """Every string that differs from `nik` in exactly one digit (any digit: a photocopied card
    and a typed form disagree in ways OCR confusions alone do not cover)."""
    for i, ch in enumerate(nik):
        for d in "0123456789":
            if d != ch:
                yield nik[:i] + d + nik[i + 1 :]
