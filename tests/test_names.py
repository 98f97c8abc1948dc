"""Name normalising and matching; also the OCR digit confusions (pipelines/confusables.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.confusables import (
    CONFUSABLE_DIGITS,
    are_confusable,
    confusable_distance,
    fix_ocr_digits,
    one_confusable_away,
)
from pipelines.names import MATCH_THRESHOLD, name_key, names_match, normalize_name


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Hj. Siti  Aminah, S.Pd.", "SITI AMINAH"),
        ("H. ABDUL  RAHMAN", "ABDUL RAHMAN"),
        ("H ABDUL RAHMAN", "ABDUL RAHMAN"),
        ("Drs. H. Bambang Irawan, M.Si.", "BAMBANG IRAWAN"),
        ("DR. IR. H. JOKO WIDODO", "JOKO WIDODO"),
        ("K.H. Ma'ruf Amin", "MARUF AMIN"),
        ("Prof. Dr. Ir. Siti Nurbaya", "SITI NURBAYA"),
        ("  budi-santoso ", "BUDI SANTOSO"),
        ("Rénè", "RENE"),
        ("H", "H"),  # a lone token is a name, not a title
        ("", ""),
    ],
)
def test_normalize_name(raw: str, normal: str) -> None:
    assert normalize_name(raw) == normal


def test_name_key_spelling() -> None:
    assert name_key("DJOKO SOESILO") == name_key("JOKO SUSILO")
    assert name_key("SOERJADI") == name_key("SURYADI")
    assert name_key("MOCH. YUSUF") == name_key("MUHAMMAD YUSUF") == name_key("M. JUSUF")


SAME_PERSON = [
    ("DJOKO SOESILO", "JOKO SUSILO"),  # OE→U, DJ→J
    ("SOEHARTO", "SUHARTO"),
    ("TJAHJO KUMOLO", "CAHYO KUMOLO"),  # TJ→C, J→Y
    ("CHAIRUL TANDJUNG", "KHAIRUL TANJUNG"),  # CH→KH
    ("SJAHRIR", "SYAHRIR"),
    ("NJOMAN SUDARSANA", "NYOMAN SUDARSANA"),
    ("ABDULLAH", "ABDULAH"),  # doubled letters
    ("MOCH. RIZKY PRATAMA", "MUHAMMAD RIZKI PRATAMA"),
    ("M. RIZKY", "MUHAMMAD RIZKY"),
    ("MOHAMAD FAJAR", "MUHAMMAD FAJAR"),
    ("MUHAMMAD RIZKI PRATAMA", "RIZKI PRATAMA"),  # MUHAMMAD left out
    ("Hj. Siti Aminah, S.Pd.", "SITI AMINAH"),
    ("SITI N. HALIZA", "SITI NUR HALIZA"),  # initial
    ("SITI NURHALIZA", "SITI NUR HALIZA"),  # run together
    ("SANTOSO BUDI", "BUDI SANTOSO"),  # order
    ("I GUSTI NGURAH RAI", "I GST NGURAH RAI"),  # abbreviation
    ("RAMADHAN", "RAMADAN"),
    ("DEWI LESTARI", "DEWI LESTRARI"),  # OCR insertion
    ("ROSLINA", "ROSTINA"),  # OCR L/T
    ("ZULKIFLI", "DZULKIFLI"),
]

DIFFERENT_PEOPLE = [
    ("BUDI SANTOSO", "BUDI SETIAWAN"),
    ("SITI AMINAH", "SITI AISYAH"),
    ("AHMAD FAUZI", "AHMAD FAUZAN"),
    ("DEWI LESTARI", "DEWI SARTIKA"),
    ("RINA WATI", "RINI WATI"),
    ("AGUS SUSANTO", "AGUS SUSANTI"),
    ("PUTRA PRATAMA", "PUTRI PRATAMA"),
    ("MUHAMMAD RIZKI", "MUHAMMAD FAJAR"),
    ("SRI WAHYUNI", "SRI WAHYUNINGSIH"),
    ("NUR HASANAH", "NUR HASAN"),
    ("YULIANA", "JULIANTO"),
    ("ANDI", "ANDI SAPUTRA"),
    ("WAYAN SUDANA", "MADE SUDANA"),
    ("EKO", "EKA"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_same_person_matches(a: str, b: str) -> None:
    ok, score = names_match(a, b)
    assert ok, score
    assert score >= MATCH_THRESHOLD
    assert names_match(b, a)[0]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE)
def test_different_people_do_not_match(a: str, b: str) -> None:
    assert not names_match(a, b)[0]
    assert not names_match(b, a)[0]


def test_missing_names() -> None:
    assert names_match(None, "BUDI") == (False, 0.0)
    assert names_match("", "BUDI") == (False, 0.0)
    assert names_match("H.", ",") == (False, 0.0)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ .,'", max_size=30))
def test_a_name_matches_itself(s: str) -> None:
    ok, score = names_match(s, s)
    assert ok == bool(name_key(s))
    assert score == (1.0 if name_key(s) else 0.0)


# -- confusables -----------------------------------------------------------------------------


def test_confusion_table_is_symmetric() -> None:
    for d, subs in CONFUSABLE_DIGITS.items():
        assert d not in subs
        for s in subs:
            assert d in CONFUSABLE_DIGITS[s]
    for a, b in [
        ("0", "8"),
        ("0", "6"),
        ("0", "9"),
        ("0", "3"),
        ("1", "7"),
        ("5", "6"),
        ("5", "8"),
        ("3", "8"),
        ("2", "7"),
    ]:
        assert are_confusable(a, b)
    assert not are_confusable("1", "4")


def test_one_confusable_away() -> None:
    nik = "3171011708450001"
    out = list(one_confusable_away(nik))
    assert nik not in out
    assert len(out) == len(set(out)) == sum(len(CONFUSABLE_DIGITS[c]) for c in nik)
    assert "3171011708450007" in out  # 1→7 in the serial
    assert "3171011708450087" not in out  # two digits away
    assert all(confusable_distance(nik, o) == 1 for o in out)


def test_confusable_distance() -> None:
    assert confusable_distance("123", "123") == 0
    assert confusable_distance("103", "783") == 2
    assert confusable_distance("14", "17") is None
    assert confusable_distance("1", "12") is None


def test_fix_ocr_digits() -> None:
    assert fix_ocr_digits("3l7IO1l7O8450OO1") == "3171011708450001"
    assert fix_ocr_digits("S2G?B") == "52678"
