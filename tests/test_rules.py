"""Per-entry decision rules (pipelines/rules.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from pipelines.confusables import one_confusable_away
from pipelines.domain import Reason
from pipelines.rules import (
    CardFacts,
    ElectionFacts,
    EntryFacts,
    Verdict,
    VoterRecord,
    age_on,
    decide,
)

NIK = "3404021011880001"  # Sleman, born 1988-11-10, male
BORN = dt.date(1988, 11, 10)
SLEMAN = ElectionFacts(region_code="3404", voting_date=dt.date(2024, 11, 27))
DIY = ElectionFacts(region_code="34", voting_date=dt.date(2024, 11, 27))

ENTRY = EntryFacts(nik=NIK, name="BUDI SANTOSO", birth_date=BORN, sex="L", signed=True)
VOTER = VoterRecord(
    nik=NIK, name="BUDI SANTOSO", birth_date=BORN, sex="L", marital_status="S", district_code="340402"
)
CARD = CardFacts(nik=NIK, name="BUDI SANTOSO", birth_date=BORN, sex="L", marital_status="KAWIN")


def run(
    entry: EntryFacts = ENTRY,
    voter: VoterRecord | None = VOTER,
    card: CardFacts | None = CARD,
    election: ElectionFacts = SLEMAN,
    **kw: object,
) -> Verdict:
    return decide(entry, voter, card, election, **kw)  # type: ignore[arg-type]


def test_clean_entry_has_no_reasons() -> None:
    v = run()
    assert v.reasons == frozenset()
    assert v.details["dpt"]["nik"] == "3404********0001"
    assert v.details["area"] == {
        "region_code": "3404",
        "source": "dpt",
        "district_code": "340402",
        "inside": True,
    }
    assert all(c["agree"] for c in v.details["comparisons"])
    assert v.suggestion is None
    assert run(election=DIY).reasons == frozenset()


def test_details_never_hold_a_raw_nik() -> None:
    v = run(entry=replace(ENTRY, nik="3404021011880002"), voter=None, card=CARD)
    text = repr(v.details) + v.log_line()
    assert NIK not in text and "3404021011880002" not in text
    assert "3404********0002" in v.log_line()


# -- NIK ------------------------------------------------------------------------------------


def test_unreadable_nik() -> None:
    v = run(entry=replace(ENTRY, nik=None), voter=None)
    assert Reason.NIK_UNREADABLE in v.reasons
    assert Reason.NOT_IN_DPT not in v.reasons  # nothing was looked up
    assert v.details["dpt"] == {"found": False, "looked_up": False}


def test_invalid_nik() -> None:
    bad = "3171234567890123"  # the specimen NIK: month 67
    v = run(entry=replace(ENTRY, nik=bad), voter=None, card=None)
    assert {Reason.NIK_INVALID, Reason.NOT_IN_DPT} <= v.reasons
    assert v.details["nik"]["failures"] == ["date"]


def test_voter_must_match_the_nik() -> None:
    with pytest.raises(ValueError):
        run(voter=replace(VOTER, nik="3404021011880002"))


def test_reading_reasons_carried_over() -> None:
    v = run(entry=replace(ENTRY, reading_reasons=(Reason.LOW_QUALITY, Reason.DUPLICATE_INTERNAL)))
    assert v.reasons == {Reason.LOW_QUALITY}  # only reading doubts pass through


# -- DPT and misread-aware suggestion -------------------------------------------------------


def test_not_in_dpt() -> None:
    v = run(voter=None)
    assert v.reasons == {Reason.NOT_IN_DPT}
    assert v.details["area"]["source"] is None  # no OUT_OF_AREA claim from NIK digits
    assert v.details["area"]["nik_region_hint_inside"] is True


def test_suggestion_for_one_confusable_digit() -> None:
    misread = "3404021011880007"  # serial 0001 read as 0007
    assert misread in set(one_confusable_away(NIK))
    other = replace(VOTER, nik="3404021011880009", name="SITI AMINAH")  # 7↔9 is not a confusion
    v = run(entry=replace(ENTRY, nik=misread), voter=None, near_voters=[VOTER, other])
    assert Reason.NOT_IN_DPT in v.reasons  # still reviewed, never silently corrected
    assert v.suggestion == VOTER
    assert v.details["suggestion"]["nik"] == "3404********0001"


def test_no_suggestion_when_name_or_birth_differs() -> None:
    misread = "3404021011880007"
    for near in (replace(VOTER, name="AGUS SALIM"), replace(VOTER, birth_date=dt.date(1988, 11, 11))):
        assert (
            run(entry=replace(ENTRY, nik=misread), voter=None, card=None, near_voters=[near]).suggestion
            is None
        )


def test_ambiguous_suggestions_are_not_offered() -> None:
    misread = "3404021011880007"
    twin = replace(VOTER, nik="3404021011880002")  # 7↔2 is confusable too
    v = run(entry=replace(ENTRY, nik=misread), voter=None, near_voters=[VOTER, twin])
    assert v.suggestion is None and v.details["suggestion"] == {"ambiguous": 2}


# -- DATA_MISMATCH --------------------------------------------------------------------------


def test_name_spelling_variant_is_not_a_mismatch() -> None:
    v = run(entry=replace(ENTRY, name="H. BOEDI SANTOSO"))
    assert v.reasons == frozenset()


def test_name_mismatch_with_dpt() -> None:
    v = run(voter=replace(VOTER, name="BUDI SETIAWAN"), card=None)
    assert v.reasons == {Reason.DATA_MISMATCH}
    bad = [c for c in v.details["comparisons"] if not c["agree"]]
    assert bad[0]["field"] == "name" and bad[0]["between"] == ["form", "dpt"] and bad[0]["score"] < 0.85


def test_birth_date_mismatch_with_dpt() -> None:
    v = run(voter=replace(VOTER, birth_date=dt.date(1988, 11, 11)))
    assert Reason.DATA_MISMATCH in v.reasons


def test_sex_mismatch_card_vs_dpt() -> None:
    v = run(voter=replace(VOTER, sex="P"), card=replace(CARD, sex="LAKI-LAKI"))
    assert Reason.DATA_MISMATCH in v.reasons
    assert Reason.KTP_MISMATCH not in v.reasons


def test_printed_birth_date_disagrees_with_nik_digits() -> None:
    v = run(entry=replace(ENTRY, birth_date=dt.date(1988, 11, 12)), voter=None, card=None)
    assert Reason.DATA_MISMATCH in v.reasons
    assert v.details["nik_digits_disagree"]["form"] == ["birth_day"]


def test_printed_sex_disagrees_with_nik_digits() -> None:
    v = run(entry=replace(ENTRY, sex="P"), voter=None, card=None)
    assert v.details["nik_digits_disagree"]["form"] == ["sex"]
    assert Reason.DATA_MISMATCH in v.reasons


def test_missing_values_are_not_mismatches() -> None:
    v = run(entry=replace(ENTRY, name=None, birth_date=None, sex=None), voter=replace(VOTER, birth_date=None))
    assert v.reasons == frozenset()


# -- KTP_MISMATCH ---------------------------------------------------------------------------


def test_card_with_another_nik() -> None:
    v = run(card=replace(CARD, nik="3404021011880007"))
    assert Reason.KTP_MISMATCH in v.reasons
    assert v.details["ktp"]["same_nik"] is False
    assert v.details["ktp"]["confusable_digits"] == 1  # a hint for the verifier: likely a misread


def test_card_of_another_person() -> None:
    other = CardFacts(nik=NIK, name="SITI AMINAH", birth_date=dt.date(1990, 1, 1), sex="P")
    v = run(card=other)
    assert {Reason.KTP_MISMATCH, Reason.DATA_MISMATCH} <= v.reasons
    assert v.details["ktp"]["other_person"] is True


def test_card_name_slip_is_data_mismatch_only() -> None:
    v = run(card=replace(CARD, name="BUDI SANTOSA WIJAYA"))
    assert Reason.DATA_MISMATCH in v.reasons
    assert Reason.KTP_MISMATCH not in v.reasons


def test_card_unreadable_nik_is_not_a_mismatch() -> None:
    v = run(card=replace(CARD, nik=None))
    assert v.reasons == frozenset()


# -- OUT_OF_AREA ----------------------------------------------------------------------------


def test_out_of_area_from_dpt_district() -> None:
    v = run(voter=replace(VOTER, district_code="347101"))  # Kota Yogyakarta, not Sleman
    assert v.reasons == {Reason.OUT_OF_AREA}
    assert v.details["area"]["inside"] is False
    assert run(voter=replace(VOTER, district_code="347101"), election=DIY).reasons == frozenset()


def test_nik_digits_do_not_decide_area() -> None:
    moved = "3171011011880001"  # NIK first issued in Jakarta; the person lives in Sleman now
    entry = replace(ENTRY, nik=moved)
    v = run(entry=entry, voter=replace(VOTER, nik=moved), card=replace(CARD, nik=moved))
    assert Reason.OUT_OF_AREA not in v.reasons
    assert Reason.OUT_OF_AREA not in run(entry=entry, voter=None, card=None).reasons


def test_historic_district_code_placed_today() -> None:
    papua = ElectionFacts(region_code="93", voting_date=dt.date(2024, 11, 27))
    voter = replace(VOTER, district_code="910101")  # Merauke under its pre-2022 code
    assert Reason.OUT_OF_AREA not in run(voter=voter, election=papua).reasons


def test_no_district_on_dpt_record() -> None:
    v = run(voter=replace(VOTER, district_code=None))
    assert Reason.OUT_OF_AREA not in v.reasons and v.details["area"]["source"] is None


# -- UNDERAGE -------------------------------------------------------------------------------

YOUNG_NIK = "3404021512080001"  # born 2008-12-15: 15 on 2024-11-27
YOUNG = EntryFacts(nik=YOUNG_NIK, name="ANDI", birth_date=dt.date(2008, 12, 15), sex="L", signed=True)


def test_underage_when_not_on_the_list() -> None:
    v = run(entry=YOUNG, voter=None, card=None)
    assert v.reasons == {Reason.NOT_IN_DPT, Reason.UNDERAGE}
    assert v.details["age"]["age_on_voting_day"] == 15


def test_minor_on_the_list_is_not_underage() -> None:
    voter = VoterRecord(YOUNG_NIK, "ANDI", dt.date(2008, 12, 15), "L", "S", "340402")
    assert Reason.UNDERAGE not in run(entry=YOUNG, voter=voter, card=None).reasons


def test_married_minor_is_not_underage() -> None:
    card = CardFacts(YOUNG_NIK, "ANDI", dt.date(2008, 12, 15), "L", marital_status="KAWIN")
    v = run(entry=YOUNG, voter=None, card=card)
    assert Reason.UNDERAGE not in v.reasons and v.details["age"]["married"] is True
    single = replace(card, marital_status="BELUM KAWIN")
    assert Reason.UNDERAGE in run(entry=YOUNG, voter=None, card=single).reasons


def test_seventeenth_birthday_on_voting_day_counts() -> None:
    nik = "3404022711070001"
    entry = EntryFacts(nik, "ANDI", dt.date(2007, 11, 27), "L", True)
    assert Reason.UNDERAGE not in run(entry=entry, voter=None, card=None).reasons
    day_after = replace(entry, nik="3404022811070001", birth_date=dt.date(2007, 11, 28))
    assert Reason.UNDERAGE in run(entry=day_after, voter=None, card=None).reasons


def test_age_from_nik_digits_when_nothing_printed() -> None:
    entry = replace(YOUNG, birth_date=None)
    v = run(entry=entry, voter=None, card=None)
    assert Reason.UNDERAGE in v.reasons and v.details["age"]["source"] == "nik"


def test_age_on_leap_day() -> None:
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2025, 2, 28)) == 16
    assert age_on(born, dt.date(2025, 3, 1)) == 17
    assert age_on(born, dt.date(2024, 2, 29)) == 16


# -- signature ------------------------------------------------------------------------------


def test_signature() -> None:
    assert run(entry=replace(ENTRY, signed=False)).reasons == {Reason.SIGNATURE_MISSING}
    assert run(entry=replace(ENTRY, signed=None)).reasons == {Reason.LOW_QUALITY}


def test_many_reasons_at_once() -> None:
    entry = replace(ENTRY, name="AGUS SALIM", signed=False)
    v = run(
        entry=entry, voter=replace(VOTER, district_code="347101"), card=replace(CARD, nik="3404021011880009")
    )
    assert v.reasons == {
        Reason.DATA_MISMATCH,
        Reason.KTP_MISMATCH,
        Reason.OUT_OF_AREA,
        Reason.SIGNATURE_MISSING,
    }
