"""The per-entry decision rules: plain facts in, reasons and the evidence behind them out.

Pure: the caller looks up the DPT record (by NIK), the linked e-KTP and the election, and passes
them in. Duplicates and KTP_MISSING need the whole submission and are decided elsewhere.

Decisions (DOMAIN.md §1, §3; API.md reasons):
- **Reading doubts** the reader already raised (NIK_UNREADABLE, LOW_QUALITY, SIGNATURE_MISSING)
  are carried into the verdict, so `reasons` is complete.
- **NOT_IN_DPT** only when a NIK was read: with no NIK there was nothing to look up. A DPT
  record one confusable digit away with the same name and birth date becomes the verdict's
  `suggestion` (for a verifier to confirm), never a silent correction.
- **DATA_MISMATCH**: name (fuzzy, `names.names_match`), birth date or sex differ between any two
  of form, e-KTP and DPT; or a printed birth date/sex disagrees with the digits of the NIK printed
  beside it (`nik.matches_printed`).
- **KTP_MISMATCH**: the e-KTP carries another NIK, or another person: the names do not match and
  the birth date or sex differs as well, or the names are far apart (< `OTHER_PERSON_BELOW`). A
  name-only slip between form and e-KTP is DATA_MISMATCH instead.
- **OUT_OF_AREA** from the DPT record's district only. NIK digits record where the NIK was first
  issued, not where the person lives, so without a DPT record nothing is claimed (the NIK region
  is noted as a hint).
- **UNDERAGE**: under 17 on voting day AND not on the voter list (being listed means KPU already
  found the person eligible, married minors included). Not claimed when the e-KTP says the
  person is or was married. A 29 February birthday turns 17 on 1 March in common years.
- **Signature**: `signed is False` → SIGNATURE_MISSING; `None` (cannot tell) → LOW_QUALITY.
- `details` is evidence for the verifier; every NIK in it is masked. `Verdict.log_line()` is the
  only text meant for logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.confusables import confusable_distance
from pipelines.domain import Reason, Sex, mask_nik
from pipelines.names import names_match
from pipelines.nik import matches_printed, normalize_nik, normalize_sex, parse_nik
from pipelines.regions import Regions, default_regions

VOTING_AGE = 17
OTHER_PERSON_BELOW = 0.6  # name similarity under which an e-KTP is another person outright
_READING_REASONS = frozenset({Reason.NIK_UNREADABLE, Reason.LOW_QUALITY, Reason.SIGNATURE_MISSING})
_MARRIED_WORDS = frozenset({"S", "P", "KAWIN", "CERAI HIDUP", "CERAI MATI", "SUDAH KAWIN", "PERNAH KAWIN"})


@dataclass(frozen=True)
class EntryFacts:
    """One supporter entry as read from the form."""

    nik: str | None
    name: str | None
    birth_date: dt.date | None
    sex: Sex | None
    signed: bool | None
    reading_reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class VoterRecord:
    """The DPT row (API.md voter CSV): marital_status B / S / P."""

    nik: str
    name: str
    birth_date: dt.date | None
    sex: Sex | None
    marital_status: str | None
    district_code: str | None


@dataclass(frozen=True)
class CardFacts:
    """The e-KTP linked to the entry, as read."""

    nik: str | None
    name: str | None
    birth_date: dt.date | None
    sex: Sex | None
    marital_status: str | None = None  # as printed: BELUM KAWIN / KAWIN / CERAI HIDUP / CERAI MATI


@dataclass(frozen=True)
class ElectionFacts:
    region_code: str  # 2 digits (governor) or 4 (regent/mayor)
    voting_date: dt.date


@dataclass(frozen=True)
class Verdict:
    reasons: frozenset[Reason]
    details: dict[str, Any] = field(default_factory=dict, hash=False)
    suggestion: VoterRecord | None = None  # a DPT record the NIK was probably misread from

    def log_line(self) -> str:
        """Reason codes and the masked NIKs involved: safe for logs."""
        niks = ",".join(
            v for v in (self.details.get("nik", {}).get("read"), self.details.get("dpt", {}).get("nik")) if v
        )
        return f"reasons={','.join(sorted(self.reasons)) or '-'} niks={niks or '-'}"


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years on `day`; a 29 Feb birthday counts from 1 Mar in common years."""
    years = day.year - born.year
    return years - 1 if (day.month, day.day) < (born.month, born.day) else years


def _is_married(status: str | None) -> bool | None:
    if not status:
        return None
    s = " ".join(status.upper().split())
    return s in _MARRIED_WORDS or s.startswith(("KAWIN", "CERAI"))


class _Evidence:
    """Collects reasons and details while the rules run."""

    def __init__(self) -> None:
        self.reasons: set[Reason] = set()
        self.details: dict[str, Any] = {"comparisons": []}

    def compare(self, field_: str, a: tuple[str, Any], b: tuple[str, Any]) -> bool | None:
        """Record one comparison of two sources' values; None when either value is missing."""
        (src_a, va), (src_b, vb) = a, b
        if va is None or vb is None:
            return None
        entry: dict[str, Any] = {"field": field_, "between": [src_a, src_b]}
        if field_ == "name":
            agree, score = names_match(va, vb)
            entry["score"] = score
        elif field_ == "sex":
            agree = normalize_sex(va) == normalize_sex(vb)
        else:
            agree = va == vb
        entry["values"] = [
            va.isoformat() if isinstance(va, dt.date) else va,
            vb.isoformat() if isinstance(vb, dt.date) else vb,
        ]
        entry["agree"] = agree
        self.details["comparisons"].append(entry)
        if not agree:
            self.reasons.add(Reason.DATA_MISMATCH)
        return agree


def decide(
    entry: EntryFacts,
    voter: VoterRecord | None,
    card: CardFacts | None,
    election: ElectionFacts,
    *,
    near_voters: Sequence[VoterRecord] = (),
    regions: Regions | None = None,
) -> Verdict:
    """Apply every per-entry rule. `voter` must be the DPT record found by the entry's NIK;
    `near_voters` are DPT records one confusable digit away (see `confusables.one_confusable_away`)."""
    regions = regions or default_regions()
    ev = _Evidence()
    ev.reasons.update(r for r in entry.reading_reasons if r in _READING_REASONS)
    nik = normalize_nik(entry.nik) if entry.nik else None
    if voter is not None and normalize_nik(voter.nik) != nik:
        raise ValueError("voter must be the DPT record of the entry's NIK; pass others as near_voters")

    _nik_rules(ev, nik)
    suggestion = _dpt_rules(ev, entry, nik, voter, card, near_voters)
    _data_rules(ev, entry, nik, voter, card)
    _card_rules(ev, entry, nik, card)
    _area_rules(ev, nik, voter, election, regions)
    _age_rules(ev, entry, nik, voter, card, election)
    ev.details["signature"] = {"signed": entry.signed}
    if entry.signed is False:
        ev.reasons.add(Reason.SIGNATURE_MISSING)
    elif entry.signed is None:
        ev.reasons.add(Reason.LOW_QUALITY)
    return Verdict(frozenset(ev.reasons), ev.details, suggestion)


def _nik_rules(ev: _Evidence, nik: str | None) -> None:
    if not nik:
        ev.reasons.add(Reason.NIK_UNREADABLE)
        ev.details["nik"] = {"read": None}
        return
    info = parse_nik(nik)
    ev.details["nik"] = {
        "read": mask_nik(nik),
        "valid": info.valid,
        "failures": [str(f) for f in info.failures],
    }
    if not info.valid:
        ev.reasons.add(Reason.NIK_INVALID)


def _dpt_rules(
    ev: _Evidence,
    entry: EntryFacts,
    nik: str | None,
    voter: VoterRecord | None,
    card: CardFacts | None,
    near_voters: Sequence[VoterRecord],
) -> VoterRecord | None:
    if voter is not None:
        ev.details["dpt"] = {
            "found": True,
            "nik": mask_nik(voter.nik),
            "district_code": voter.district_code,
            "marital_status": voter.marital_status,
        }
        return None
    ev.details["dpt"] = {"found": False, "looked_up": bool(nik)}
    if not nik:
        return None
    ev.reasons.add(Reason.NOT_IN_DPT)
    name = entry.name or (card.name if card else None)
    born = entry.birth_date or (card.birth_date if card else None)
    hits = [
        v
        for v in near_voters
        if confusable_distance(nik, normalize_nik(v.nik)) == 1
        and born is not None
        and v.birth_date == born
        and names_match(name, v.name)[0]
    ]
    ev.details["dpt"]["near_candidates"] = len(near_voters)
    if len(hits) == 1:
        ev.details["suggestion"] = {
            "nik": mask_nik(hits[0].nik),
            "why": "one confusable digit; same name and birth date",
        }
        return hits[0]
    if len(hits) > 1:
        ev.details["suggestion"] = {"ambiguous": len(hits)}
    return None


def _data_rules(
    ev: _Evidence, entry: EntryFacts, nik: str | None, voter: VoterRecord | None, card: CardFacts | None
) -> None:
    sources: list[tuple[str, str | None, dt.date | None, str | None]] = [
        ("form", entry.name, entry.birth_date, entry.sex)
    ]
    if card is not None:
        sources.append(("ktp", card.name, card.birth_date, card.sex))
    if voter is not None:
        sources.append(("dpt", voter.name, voter.birth_date, voter.sex))
    for i, (src_a, name_a, born_a, sex_a) in enumerate(sources):
        for src_b, name_b, born_b, sex_b in sources[i + 1 :]:
            if {src_a, src_b} == {"form", "ktp"}:
                continue  # form vs e-KTP is judged by the card rules (DATA_MISMATCH or KTP_MISMATCH)
            ev.compare("name", (src_a, name_a), (src_b, name_b))
            ev.compare("birth_date", (src_a, born_a), (src_b, born_b))
            ev.compare("sex", (src_a, sex_a), (src_b, sex_b))
    digits: dict[str, list[str]] = {}
    if nik:
        digits["form"] = matches_printed(nik, entry.birth_date, entry.sex)
    if card is not None and card.nik:
        digits["ktp"] = matches_printed(normalize_nik(card.nik), card.birth_date, card.sex)
    ev.details["nik_digits_disagree"] = digits
    if any(digits.values()):
        ev.reasons.add(Reason.DATA_MISMATCH)


def _card_rules(ev: _Evidence, entry: EntryFacts, nik: str | None, card: CardFacts | None) -> None:
    if card is None:
        ev.details["ktp"] = {"present": False}
        return
    card_nik = normalize_nik(card.nik) if card.nik else None
    info: dict[str, Any] = {"present": True, "nik": mask_nik(card_nik)}
    if nik and card_nik:
        info["same_nik"] = nik == card_nik
        if nik != card_nik:
            ev.reasons.add(Reason.KTP_MISMATCH)
            info["confusable_digits"] = confusable_distance(nik, card_nik)  # a likely misread if small
    name_ok = ev.compare("name", ("form", entry.name), ("ktp", card.name))
    born_ok = ev.compare("birth_date", ("form", entry.birth_date), ("ktp", card.birth_date))
    sex_ok = ev.compare("sex", ("form", entry.sex), ("ktp", card.sex))
    score = next(
        (
            c["score"]
            for c in reversed(ev.details["comparisons"])
            if c["field"] == "name" and c["between"] == ["form", "ktp"]
        ),
        None,
    )
    other_person = name_ok is False and (
        born_ok is False or sex_ok is False or (score is not None and score < OTHER_PERSON_BELOW)
    )
    info["other_person"] = other_person
    if other_person:
        ev.reasons.add(Reason.KTP_MISMATCH)
    ev.details["ktp"] = info


def _area_rules(
    ev: _Evidence, nik: str | None, voter: VoterRecord | None, election: ElectionFacts, regions: Regions
) -> None:
    area: dict[str, Any] = {"region_code": election.region_code}
    if voter is not None and voter.district_code:
        inside = regions.contains(election.region_code, voter.district_code)
        area.update(source="dpt", district_code=voter.district_code, inside=inside)
        if not inside:
            ev.reasons.add(Reason.OUT_OF_AREA)
    else:
        area["source"] = None  # not claimed: NIK digits are where the NIK was issued, not the address
        if nik and len(nik) == 16 and nik.isdigit():
            area["nik_region_hint_inside"] = regions.contains(election.region_code, nik[:6])
    ev.details["area"] = area


def _age_rules(
    ev: _Evidence,
    entry: EntryFacts,
    nik: str | None,
    voter: VoterRecord | None,
    card: CardFacts | None,
    election: ElectionFacts,
) -> None:
    born, source = entry.birth_date, "form"
    if born is None and card is not None and card.birth_date is not None:
        born, source = card.birth_date, "ktp"
    if born is None and nik:
        born, source = parse_nik(nik).birth_date(today=election.voting_date), "nik"
    married = _is_married(voter.marital_status if voter else None)
    if married is None and card is not None:
        married = _is_married(card.marital_status)
    age: dict[str, Any] = {"on_dpt": voter is not None, "married": married}
    if born is not None:
        years = age_on(born, election.voting_date)
        age.update(birth_date=born.isoformat(), source=source, age_on_voting_day=years)
        if years < VOTING_AGE and voter is None and not married:
            ev.reasons.add(Reason.UNDERAGE)
    ev.details["age"] = age
