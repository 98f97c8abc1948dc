"""A small built-in table of real Kemendagri region codes (no data files are shipped).

Codes and names were copied from the Kemendagri region list (gizipp, 2022 edition) for three
kota of DKI Jakarta and Kabupaten Sleman (DIY). Only the codes are real; every person made
from them is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Regency:
    code: str  # 4 digits
    province: str  # as printed on the e-KTP header after "PROVINSI"
    title: str  # the second header line of the e-KTP ("JAKARTA BARAT", "KABUPATEN SLEMAN")
    city: str  # the short place name used for birth places and letter dates
    election: str  # how a form names the election ("Gubernur dan Wakil Gubernur DKI Jakarta")


@dataclass(frozen=True)
class District:
    """A kecamatan: `code` is the 6-digit Kemendagri code, the first 6 digits of a NIK."""

    code: str
    name: str

    @property
    def regency(self) -> Regency:
        return REGENCIES[self.code[:4]]


_JAKARTA = "Gubernur dan Wakil Gubernur Daerah Khusus Jakarta"

REGENCIES: dict[str, Regency] = {
    "3171": Regency("3171", "DKI JAKARTA", "JAKARTA PUSAT", "JAKARTA", _JAKARTA),
    "3172": Regency("3172", "DKI JAKARTA", "JAKARTA UTARA", "JAKARTA", _JAKARTA),
    "3173": Regency("3173", "DKI JAKARTA", "JAKARTA BARAT", "JAKARTA", _JAKARTA),
    "3404": Regency(
        "3404", "DAERAH ISTIMEWA YOGYAKARTA", "KABUPATEN SLEMAN", "SLEMAN", "Bupati dan Wakil Bupati Sleman"
    ),
}

_DISTRICT_NAMES: dict[str, str] = {
    "317101": "GAMBIR",
    "317102": "SAWAH BESAR",
    "317103": "KEMAYORAN",
    "317104": "SENEN",
    "317105": "CEMPAKA PUTIH",
    "317106": "MENTENG",
    "317107": "TANAH ABANG",
    "317108": "JOHAR BARU",
    "317201": "PENJARINGAN",
    "317202": "TANJUNG PRIOK",
    "317203": "KOJA",
    "317204": "CILINCING",
    "317205": "PADEMANGAN",
    "317206": "KELAPA GADING",
    "317301": "CENGKARENG",
    "317302": "GROGOL PETAMBURAN",
    "317303": "TAMAN SARI",
    "317304": "TAMBORA",
    "317305": "KEBON JERUK",
    "317306": "KALIDERES",
    "317307": "PAL MERAH",
    "317308": "KEMBANGAN",
    "340401": "GAMPING",
    "340402": "GODEAN",
    "340403": "MOYUDAN",
    "340404": "MINGGIR",
    "340405": "SEYEGAN",
    "340406": "MLATI",
    "340407": "DEPOK",
    "340408": "BERBAH",
    "340409": "PRAMBANAN",
    "340410": "KALASAN",
    "340411": "NGEMPLAK",
    "340412": "NGAGLIK",
    "340413": "SLEMAN",
    "340414": "TEMPEL",
    "340415": "TURI",
    "340416": "PAKEM",
    "340417": "CANGKRINGAN",
}

DISTRICTS: tuple[District, ...] = tuple(District(code, name) for code, name in _DISTRICT_NAMES.items())
SLEMAN: tuple[District, ...] = tuple(d for d in DISTRICTS if d.code.startswith("3404"))
JAKARTA: tuple[District, ...] = tuple(d for d in DISTRICTS if d.code.startswith("31"))


def district(code: str) -> District:
    """The built-in district with this 6-digit code (KeyError if it is not in the table)."""
    return District(code, _DISTRICT_NAMES[code])


def regency_for(code: str) -> Regency:
    """The regency of a district code; codes outside the table get a generic regency."""
    found = REGENCIES.get(code[:4])
    if found is not None:
        return found
    return Regency(code[:4], "INDONESIA", "KABUPATEN " + code[:4], "INDONESIA", "Bupati dan Wakil Bupati")
