"""Minimum support and spread for an independent pair (UU 10/2016 Art. 41; DOMAIN.md §3).

The minimum is a share of the DPT of the last election, in four brackets per level. Shares are
kept in per-mille (10% = 100‰, 8.5% = 85‰) so the arithmetic is exact integers, never floats.

Rounding: **up** (ceiling). The law sets a *minimum* ("paling sedikit"), so a fractional
supporter must be a whole one more; KPU's DKI 2024 figure confirms it: 8,252,897 × 7.5% =
618,967.275 and the required number was 618,968.

Spread: support must come from **more than half** of the units: kab/kota for a governor race,
kecamatan for a regent/mayor race. More than half of n is n // 2 + 1 (19 → 10, 20 → 11).
"""

from __future__ import annotations

from typing import Literal

Level = Literal["province", "regency"]
SpreadUnit = Literal["regency", "district"]

# (upper bound of the DPT bracket, inclusive; share in per-mille). None = no upper bound.
_BRACKETS: dict[str, tuple[tuple[int | None, int], ...]] = {
    "province": ((2_000_000, 100), (6_000_000, 85), (12_000_000, 75), (None, 65)),
    "regency": ((250_000, 100), (500_000, 85), (1_000_000, 75), (None, 65)),
}


def level_of(region_code: str) -> Level:
    """2 digits: a province (governor race); 4 digits: a regency or city (regent/mayor race)."""
    if len(region_code) == 2 and region_code.isdigit():
        return "province"
    if len(region_code) == 4 and region_code.isdigit():
        return "regency"
    raise ValueError(f"an election region code has 2 or 4 digits, got {region_code!r}")


def share_per_mille(level: Level, dpt_total: int) -> int:
    """The bracket's share: 100 (10%), 85 (8.5%), 75 (7.5%) or 65 (6.5%)."""
    if dpt_total < 0:
        raise ValueError("dpt_total must not be negative")
    try:
        brackets = _BRACKETS[level]
    except KeyError:
        raise ValueError(f"unknown level {level!r}") from None
    for upper, per_mille in brackets:
        if upper is None or dpt_total <= upper:
            return per_mille
    raise AssertionError("unreachable: the last bracket is open")


def required_support(level: Level, dpt_total: int) -> int:
    """The minimum number of supporters, rounded up."""
    return -(-dpt_total * share_per_mille(level, dpt_total) // 1000)


def spread_unit(level: Level) -> SpreadUnit:
    if level == "province":
        return "regency"
    if level == "regency":
        return "district"
    raise ValueError(f"unknown level {level!r}")


def spread_required(level: Level, units_total: int) -> int:
    """More than half of the units (`spread_unit(level)`): 19 → 10."""
    spread_unit(level)  # validates the level
    if units_total < 0:
        raise ValueError("units_total must not be negative")
    return units_total // 2 + 1 if units_total else 0
