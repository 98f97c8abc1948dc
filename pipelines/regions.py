"""Kemendagri region codes: provinces (2 digits), regencies/cities (4), districts/kecamatan (6).

The table ships as `pipelines/reference/regions.json` (built by `reference/build_regions.py`,
which documents its sources and edits). It is read on first use, never at import time.

Codes that moved (the Kaltara regencies in 2012, the Papua regencies in 2022) are kept as
*historic* aliases of their current code: NIKs keep the old digits forever, and a voter list may
still carry them. `canonical_*` maps an old code to the current one, and `contains` compares
canonical codes, so a district under an old code is placed in the province it belongs to now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # "province" | "regency" | "district"
    note: str = ""


class Regions:
    """Lookups over one region table. Build with `Regions.load()` or `default_regions()`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._provinces: dict[str, str] = data["provinces"]
        self._province_notes: dict[str, str] = data.get("province_notes", {})
        self._regencies: dict[str, str] = data["regencies"]
        self._historic: dict[str, dict[str, str]] = data.get("historic_regencies", {})
        self._districts: dict[str, str] = data["districts"]
        self._bps_only: dict[str, str] = data.get("bps_only_regencies", {})
        self._provinces_with_regencies = frozenset(c[:2] for c in (*self._regencies, *self._historic))

    @classmethod
    def load(cls, path: Path | None = None) -> Regions:
        if path is None:
            text = resources.files("pipelines.reference").joinpath("regions.json").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return cls(json.loads(text))

    # -- single lookups ----------------------------------------------------------------------

    def province(self, code: str) -> Region | None:
        name = self._provinces.get(code)
        return None if name is None else Region(code, name, "province", self._province_notes.get(code, ""))

    def regency(self, code: str) -> Region | None:
        """A current regency, or a historic code (its `note` says where it is now)."""
        name = self._regencies.get(code)
        if name is not None:
            return Region(code, name, "regency")
        old = self._historic.get(code)
        if old is not None:
            return Region(code, old["name"], "regency", f"historic code, now {old['now']}")
        bps = self._bps_only.get(code)
        return None if bps is None else Region(code, bps, "regency", "BPS code, accepted in NIKs only")

    def district(self, code: str) -> Region | None:
        name = self._districts.get(self.canonical_district(code))
        return None if name is None else Region(code, name, "district")

    def is_known_regency(self, code4: str) -> bool:
        """Current, historic or (province 94 only) a BPS code: the union a NIK check accepts."""
        return code4 in self._regencies or code4 in self._historic or code4 in self._bps_only

    def regency_status(self, code4: str) -> bool | None:
        """True known; False unknown in a province we hold a list for; None no list (or no province)."""
        if self.is_known_regency(code4):
            return True
        return False if code4[:2] in self._provinces_with_regencies else None

    # -- old codes ---------------------------------------------------------------------------

    def canonical_regency(self, code4: str) -> str:
        old = self._historic.get(code4)
        return old["now"] if old else code4

    def canonical_district(self, code6: str) -> str:
        return self.canonical_regency(code6[:4]) + code6[4:] if len(code6) == 6 else code6

    def canonical(self, region_code: str) -> str:
        """Any 2-, 4- or 6-digit code, with an old regency prefix replaced by the current one."""
        if len(region_code) == 4:
            return self.canonical_regency(region_code)
        if len(region_code) == 6:
            return self.canonical_district(region_code)
        return region_code

    # -- sets --------------------------------------------------------------------------------

    def regencies_of(self, province_code: str) -> list[Region]:
        """Current regencies and cities of a province, by code."""
        return [Region(c, n, "regency") for c, n in self._regencies.items() if c[:2] == province_code]

    def districts_of(self, region_code: str) -> list[Region]:
        """All districts under a 2- or 4-digit code (an old regency code gives its current districts)."""
        prefix = self.canonical(region_code)
        if len(prefix) not in (2, 4):
            raise ValueError(f"region code must have 2 or 4 digits, got {len(region_code)}")
        return [Region(c, n, "district") for c, n in self._districts.items() if c.startswith(prefix)]

    def contains(self, region_code: str, district_code: str) -> bool:
        """Whether the district lies in the region *today* (both codes may be historic).

        Pure prefix logic on canonical codes: an unknown district under a known regency still
        counts (the table lags behind new kecamatan).
        """
        if len(district_code) != 6 or not district_code.isascii() or not district_code.isdigit():
            return False
        region = self.canonical(region_code)
        return len(region) in (2, 4, 6) and self.canonical_district(district_code).startswith(region)


@cache
def default_regions() -> Regions:
    """The shipped table, loaded once on first call."""
    return Regions.load()
