"""Indonesian personal names: normalising and fuzzy matching (form vs e-KTP vs voter list).

Two layers:
- `normalize_name` is what we store and show: upper case, accents and punctuation gone, spaces
  folded, honorifics ("H.", "HJ.", "DRS.", "IR.", "KH.", "PROF.") and degrees after a comma
  ("…, S.H., M.M.") removed, because a voter list carries neither and a form often does.
- `name_key` is only for comparing: it also folds the old (Van Ophuijsen/Soewandi) and new (EYD)
  spellings onto one form (OE→U, DJ/J/Y→Y, TJ→C, CH→KH, SJ→SY, NJ→NY, DH→D, TH→T, DZ→Z), collapses
  doubled letters, and writes every spelling of MUHAMMAD ("MOH.", "MOCH", "M.") the same way.
  J and Y are merged because an old J is a new Y (SOERJO/SURYO) while an old DJ is a new J
  (DJOKO/JOKO); keeping them apart would miss one of the two.

`names_match` needs two things. The rapidfuzz similarity of the keys (0..1, the best of plain,
word-order-free and space-free ratios) must reach `MATCH_THRESHOLD` = 0.85, and every word must
agree with its counterpart within an OCR-sized slip (one letter in a word of 4+ letters, two in
10+; initials and abbreviations like "GST" for GUSTI count). The second rule is what separates
FAUZI/FAUZAN, HASAN/HASANAH, RINA/RINI or SUSANTO/SUSANTI (different people, similarity ≈ 0.87-0.92)
from LESTARI/LESTRARI (a misread). A name match alone never identifies a person; it is one of
the cross-checks next to NIK, birth date and sex.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

MATCH_THRESHOLD = 0.85

TITLES_BEFORE = frozenset(
    {
        "H",
        "HJ",
        "HAJI",
        "HAJAH",
        "DR",
        "DRS",
        "DRA",
        "IR",
        "PROF",
        "KH",
        "K H",
        "NY",
        "TN",
        "SDR",
        "SDRI",
        "ALM",
    }
)
_MUHAMMAD = frozenset(
    {"M", "MUH", "MOH", "MHD", "MUHD", "MOCH", "MOHD", "MUHAMAD", "MUHAMMAD", "MOHAMAD", "MOHAMMAD",
     "MOCHAMAD", "MOCHAMMAD", "MUCHAMAD", "MUCHAMMAD", "MUHAMMED", "MOHAMMED", "MOHAMED", "MUHAMED"}
)  # fmt: skip
MUHAMMAD = "MUHAMAD"  # the key form (after doubled letters collapse)

# Applied in order to each token of the key. J, DJ and Y all end as Y (see the module doc).
_SPELLING: tuple[tuple[str, str], ...] = (
    ("OE", "U"),
    ("TJ", "C"),
    ("DJ", "J"),
    ("SJ", "SY"),
    ("NJ", "NY"),
    ("CH", "KH"),
    ("DZ", "Z"),
    ("DH", "D"),
    ("TH", "T"),
    ("PH", "F"),
    ("J", "Y"),
)
_VOWELS = frozenset("AEIOU")
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^A-Z ]+")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).upper()
    s = s.replace("'", "").replace("`", "").replace("’", "")  # MA'RUF = MARUF
    return s


def normalize_name(s: str) -> str:
    """Upper case, no titles or degrees, single spaces: "Hj. Siti  Aminah, S.Pd." → "SITI AMINAH"."""
    s = _fold(s)
    if "," in s:  # degrees follow a comma; a name itself never has one
        s = s.split(",", 1)[0]
    tokens = _NOT_LETTER.sub(" ", s).split()
    while len(tokens) > 1 and tokens[0] in TITLES_BEFORE:
        tokens.pop(0)
    if len(tokens) > 2 and tokens[0] == "K" and tokens[1] == "H":  # "K.H." split by the dot
        tokens = tokens[2:]
    return " ".join(tokens)


def _key_token(t: str) -> str:
    if t in _MUHAMMAD:
        return MUHAMMAD
    for old, new in _SPELLING:
        t = t.replace(old, new)
    return _DOUBLED.sub(r"\1", t)


def name_key(s: str) -> str:
    """The comparison form of a name (not for display)."""
    return " ".join(_key_token(t) for t in normalize_name(s).split())


def _expand_initials(a: list[str], b: list[str]) -> list[str]:
    """Replace a one-letter token of `a` by the token of `b` it abbreviates ("SITI N" ~ "SITI NUR")."""
    out: list[str] = []
    used: set[int] = set()
    for tok in a:
        if len(tok) == 1:
            for j, other in enumerate(b):
                if j not in used and len(other) > 1 and other[0] == tok:
                    used.add(j)
                    tok = other
                    break
        out.append(tok)
    return out


def _abbreviates(short: str, long: str) -> bool:
    """GST ~ GUSTI, MHD ~ MUHAMAD: same first letter, letters in order, at most 4 letters."""
    if len(short) > 4 or len(short) >= len(long) or short[0] != long[0]:
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def _edit_budget(n: int) -> int:
    return 0 if n <= 3 else 1 if n < 10 else 2


def _tokens_agree(x: str, y: str) -> bool:
    """Same name word, allowing an OCR-sized slip but not a different name.

    A one-letter slip is allowed in words of 4+ letters (two in 10+), except a swapped final
    vowel (RINA/RINI, SUSANTO/SUSANTI, PUTRA/PUTRI), which makes another name.
    """
    if x == y or _abbreviates(x, y) or _abbreviates(y, x):
        return True
    if len(x) == len(y) and x[:-1] == y[:-1] and x[-1] in _VOWELS and y[-1] in _VOWELS:
        return False
    return Levenshtein.distance(x, y) <= _edit_budget(min(len(x), len(y)))


def _words_agree(ka: list[str], kb: list[str]) -> bool:
    """Every word has its counterpart: same order, any order, or (word counts differ) run together."""
    if len(ka) == len(kb) and (all(map(_tokens_agree, ka, kb)) or all(map(_tokens_agree, sorted(ka), sorted(kb)))):
        return True
    if len(ka) == len(kb):
        return False
    ja, jb = "".join(ka), "".join(kb)
    return Levenshtein.distance(ja, jb) <= _edit_budget(min(len(ja), len(jb)))


def _compare(ka: list[str], kb: list[str]) -> tuple[bool, float]:
    sa, sb = " ".join(ka), " ".join(kb)
    score = max(
        fuzz.ratio(sa, sb),
        fuzz.token_sort_ratio(sa, sb),
        fuzz.ratio(sa.replace(" ", ""), sb.replace(" ", "")),
    )
    return _words_agree(ka, kb), score / 100


def name_similarity(a: str, b: str) -> tuple[bool, float]:
    """(every word agrees, 0..1 rapidfuzz similarity of the keys)."""
    ka, kb = name_key(a).split(), name_key(b).split()
    if not ka or not kb:
        return False, 0.0
    ka, kb = _expand_initials(ka, kb), _expand_initials(kb, ka)
    agree, score = _compare(ka, kb)
    # MUHAMMAD is often left out on one document; compare without it, at a small cost.
    if not agree and (MUHAMMAD in ka) != (MUHAMMAD in kb):
        ra, rb = [t for t in ka if t != MUHAMMAD], [t for t in kb if t != MUHAMMAD]
        if ra and rb:
            agree, score = _compare(ra, rb)
            score -= 0.05
    return agree, round(score, 4)


def names_match(a: str | None, b: str | None, threshold: float = MATCH_THRESHOLD) -> tuple[bool, float]:
    """(match?, similarity 0..1). Match = similarity ≥ threshold AND every word agrees.

    A missing name on either side is no match with score 0.
    """
    if not a or not b:
        return False, 0.0
    agree, score = name_similarity(a, b)
    return agree and score >= threshold, score
