"""Rebuild `regions.json` from the gizipp Kemendagri dump plus the corrections listed here.

Run by hand (`python -m pipelines.reference.build_regions SRC.json`); never imported by the service.
The output is committed, so the service needs neither the source file nor this script.

What is added to the source, and why:
- Regencies that the source lists districts for but omits (a gap in the dump), with their names.
- Province 65 Kalimantan Utara (2012) and the 2022-23 Papua provinces 93-96 with the regencies
  moved into them (Kepmendagri 100.1.1-6117/2022, kept in 300.2.2-2138/2025).
- `historic`: codes that no longer name a current regency but still occur in NIKs, because a NIK
  keeps the code of the place it was first issued: the Kaltim codes of the Kaltara regencies
  (before 2012) and the Papua/Papua Barat codes of the regencies moved to 93-96 (before 2022).
  Each maps to the code it has now (`now`), so a district under an old code can be placed.
- The 91/94 ambiguity: 34-province lists derived from BPS (python-stdnum `loc.dat`, many SQL
  seeds) use 91 = Papua Barat and 94 = Papua. NIKs carry Dukcapil (Kemendagri) codes, where 91 is
  Papua and 94 is Papua Tengah; the province names here are Kemendagri's, and the BPS reading is
  kept only as a note on those two provinces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

MISSING_IN_SOURCE = {
    "1103": "KAB. ACEH TIMUR",
    "1407": "KAB. ROKAN HILIR",
    "6401": "KAB. PASER",
    "6402": "KAB. KUTAI KARTANEGARA",
    "9110": "KAB. SARMI",
    "9202": "KAB. MANOKWARI",
}

NEW_PROVINCES = {
    "65": "KALIMANTAN UTARA",
    "93": "PAPUA SELATAN",
    "94": "PAPUA TENGAH",
    "95": "PAPUA PEGUNUNGAN",
    "96": "PAPUA BARAT DAYA",
}

# new code -> (name, old code). The district suffixes are assumed to carry over unchanged.
MOVED = {
    "6501": ("KAB. MALINAU", "6405"),
    "6502": ("KAB. BULUNGAN", "6404"),
    "6503": ("KAB. TANA TIDUNG", "6410"),
    "6504": ("KAB. NUNUKAN", "6406"),
    "6571": ("KOTA TARAKAN", "6473"),
    "9301": ("KAB. MERAUKE", "9101"),
    "9302": ("KAB. BOVEN DIGOEL", "9116"),
    "9303": ("KAB. MAPPI", "9117"),
    "9304": ("KAB. ASMAT", "9118"),
    "9401": ("KAB. NABIRE", "9104"),
    "9402": ("KAB. PUNCAK JAYA", "9107"),
    "9403": ("KAB. PANIAI", "9108"),
    "9404": ("KAB. MIMIKA", "9109"),
    "9405": ("KAB. PUNCAK", "9125"),
    "9406": ("KAB. DOGIYAI", "9126"),
    "9407": ("KAB. INTAN JAYA", "9127"),
    "9408": ("KAB. DEIYAI", "9128"),
    "9501": ("KAB. JAYAWIJAYA", "9102"),
    "9502": ("KAB. PEGUNUNGAN BINTANG", "9112"),
    "9503": ("KAB. YAHUKIMO", "9113"),
    "9504": ("KAB. TOLIKARA", "9114"),
    "9505": ("KAB. MAMBERAMO TENGAH", "9121"),
    "9506": ("KAB. YALIMO", "9122"),
    "9507": ("KAB. LANNY JAYA", "9123"),
    "9508": ("KAB. NDUGA", "9124"),
    "9601": ("KAB. SORONG", "9201"),
    "9602": ("KAB. SORONG SELATAN", "9204"),
    "9603": ("KAB. RAJA AMPAT", "9205"),
    "9604": ("KAB. TAMBRAUW", "9209"),
    "9605": ("KAB. MAYBRAT", "9210"),
    "9671": ("KOTA SORONG", "9271"),
}

# BPS codes of the old province "Papua" (94) as python-stdnum's loc.dat and many SQL seeds list
# them. They are statistics codes, not Dukcapil ones, but a NIK check must not call 94xx invalid
# merely because a list read 94 as Papua: accepted for validity only, never used to place a voter.
BPS_PAPUA_94 = {
    "9401": "MERAUKE", "9402": "JAYAWIJAYA", "9403": "JAYAPURA", "9404": "NABIRE", "9408": "YAPEN WAROPEN",
    "9409": "BIAK NUMFOR", "9410": "PANIAI", "9411": "PUNCAK JAYA", "9412": "MIMIKA", "9413": "BOVEN DIGOEL",
    "9414": "MAPPI", "9415": "ASMAT", "9416": "YAHUKIMO", "9417": "PEGUNUNGAN BINTANG", "9418": "TOLIKARA",
    "9419": "SARMI", "9420": "KEEROM", "9426": "WAROPEN", "9427": "SUPIORI", "9428": "MAMBERAMO RAYA",
    "9429": "NDUGA", "9430": "LANNY JAYA", "9431": "MAMBERAMO TENGAH", "9432": "YALIMO", "9433": "PUNCAK",
    "9434": "DOGIYAI", "9435": "INTAN JAYA", "9436": "DEIYAI", "9471": "JAYAPURA (KOTA)",
}  # fmt: skip

PROVINCE_NOTES = {
    "91": "Kemendagri 91 = PAPUA; 34-province BPS lists read 91 as PAPUA BARAT",
    "94": "Kemendagri 94 = PAPUA TENGAH (2022); 34-province BPS lists read 94 as PAPUA",
}


def build(src: dict[str, Any]) -> dict[str, Any]:
    provinces = {k: " ".join(v.replace("P A P U A", "PAPUA").split()) for k, v in src["province"].items()}
    provinces.update(NEW_PROVINCES)
    regencies: dict[str, str] = {k: " ".join(v.split()) for k, v in src["regency"].items()}
    regencies.update(MISSING_IN_SOURCE)
    districts: dict[str, str] = {k: " ".join(v.split()) for k, v in src["district"].items()}
    historic: dict[str, dict[str, str]] = {}
    for new, (name, old) in MOVED.items():
        regencies.pop(old, None)
        regencies[new] = name
        historic[old] = {"name": name, "now": new}
        for code in [d for d in districts if d.startswith(old)]:
            districts.setdefault(new + code[4:], districts[code])
            del districts[code]
    return {
        "about": "Kemendagri region codes; see pipelines/reference/build_regions.py for sources and edits",
        "provinces": dict(sorted(provinces.items())),
        "province_notes": PROVINCE_NOTES,
        "regencies": dict(sorted(regencies.items())),
        "historic_regencies": dict(sorted(historic.items())),
        "districts": dict(sorted(districts.items())),
        "bps_only_regencies": {
            c: f"{n} (BPS code, province 94 = PAPUA in 34-province lists)"
            for c, n in BPS_PAPUA_94.items()
            if c not in regencies
        },
    }


def main(argv: list[str]) -> None:
    src = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = Path(__file__).with_name("regions.json")
    out.write_text(json.dumps(build(src), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
