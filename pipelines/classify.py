"""What kind of page is this: a supporter list, a support letter, e-KTP copies, or other.

The cues, cheapest first (reading.py gathers them and stops as soon as one is decisive):
1. a ruled table whose header names NAMA and NIK (and more of NO, TEMPAT/TGL LAHIR, L/P,
   ALAMAT, TANDA TANGAN)                                         -> list
2. the page's text lines: the title SURAT PERNYATAAN DUKUNGAN with labelled lines, or at
   least three of Nama/NIK/Tempat-Tgl Lahir/Jenis Kelamin as `Label : value` -> letter
3. card-shaped regions (pipelines.cardfind) or e-KTP words (PROVINSI, KABUPATEN/KOTA, NIK,
   Gol. Darah, Berlaku Hingga) on a page that is not a letter      -> id_cards
4. anything else                                                   -> other

"Other" is the safe answer: an unrecognised page yields no supporters, and it stays visible
to the operator as `other` rather than being dropped or guessed into supporters.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from pipelines.domain import PageKind
from pipelines.engines.base import OcrLine
from pipelines.letter import LetterFields, is_letter

CARD_WORDS = ("PROVINSI", "KABUPATEN", "KOTA", "GOL DARAH", "BERLAKU HINGGA", "KEWARGANEGARAAN", "AGAMA")


@dataclass(frozen=True)
class Cues:
    list_header: bool = False  # a ruled table with a supporter-list header
    letter: LetterFields | None = None  # labelled fields found among the text lines
    card_regions: int = 0  # card-shaped regions found
    card_words: int = 0  # distinct e-KTP words among the text lines
    ruled_table: bool = False  # a ruled table that is not a supporter list (handover, recap)


def card_word_count(lines: list[OcrLine]) -> int:
    found = set()
    for line in lines:
        up = " ".join("".join(ch if ch.isalpha() else " " for ch in line.text.upper()).split())
        for word in CARD_WORDS:
            if word in up or (len(up) >= len(word) and fuzz.partial_ratio(word, up) >= 90):
                found.add(word)
    return len(found)


def decide(cues: Cues) -> PageKind:
    if cues.list_header:
        return PageKind.LIST
    # A card photo has labelled lines too; a letter has its title, its sentence of support or
    # its signature box caption, or at least nothing card-like around its labels (pasted cards
    # are masked, but a card found smaller than it is shows its own words: seed 47's letter 26,
    # a stamp over its title, was taken for a card page so).
    letter = cues.letter
    if (
        letter is not None
        and is_letter(letter)
        and (letter.title or letter.statement or letter.caption is not None or cues.card_words < 2)
    ):
        return PageKind.LETTER
    # Card-shaped regions alone are weak evidence on a page with a ruled table (a stamp or a
    # table cell can look card-shaped); such a page needs the e-KTP words as well.
    if (cues.card_regions > 0 and not cues.ruled_table) or cues.card_words >= 3:
        return PageKind.ID_CARDS
    return PageKind.OTHER
