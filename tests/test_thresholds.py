"""Threshold table and spread (DOMAIN.md §3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.thresholds import (
    level_of,
    required_support,
    share_per_mille,
    spread_required,
    spread_unit,
)


def test_dki_2024_matches_kpu_figure() -> None:
    # 8,252,897 × 7.5% = 618,967.275; KPU required 618,968, so the rule is "round up".
    assert required_support("province", 8_252_897) == 618_968


@pytest.mark.parametrize(
    ("level", "dpt", "per_mille"),
    [
        ("province", 2_000_000, 100),
        ("province", 2_000_001, 85),
        ("province", 6_000_000, 85),
        ("province", 6_000_001, 75),
        ("province", 12_000_000, 75),
        ("province", 12_000_001, 65),
        ("regency", 250_000, 100),
        ("regency", 250_001, 85),
        ("regency", 500_000, 85),
        ("regency", 500_001, 75),
        ("regency", 1_000_000, 75),
        ("regency", 1_000_001, 65),
        ("regency", 0, 100),
    ],
)
def test_bracket_edges(level: str, dpt: int, per_mille: int) -> None:
    assert share_per_mille(level, dpt) == per_mille  # type: ignore[arg-type]


def test_rounding_up_and_exact() -> None:
    assert required_support("regency", 250_000) == 25_000  # exact, no rounding
    assert required_support("regency", 250_001) == 21_251  # 21,250.085 → up
    assert required_support("regency", 1) == 1
    assert required_support("regency", 0) == 0


@given(st.integers(0, 300_000_000), st.sampled_from(["province", "regency"]))
def test_required_is_the_smallest_sufficient_count(dpt: int, level: str) -> None:
    req = required_support(level, dpt)  # type: ignore[arg-type]
    pm = share_per_mille(level, dpt)  # type: ignore[arg-type]
    assert req * 1000 >= dpt * pm > (req - 1) * 1000 or (dpt == 0 and req == 0)


def test_spread() -> None:
    assert spread_required("regency", 19) == 10
    assert spread_required("regency", 20) == 11
    assert spread_required("province", 6) == 4  # DKI: 6 kab/kota
    assert spread_required("province", 1) == 1
    assert spread_required("province", 0) == 0
    assert spread_unit("province") == "regency"
    assert spread_unit("regency") == "district"


def test_level_of() -> None:
    assert level_of("31") == "province"
    assert level_of("3404") == "regency"
    for bad in ("3", "317101", "ab"):
        with pytest.raises(ValueError):
            level_of(bad)


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        required_support("province", -1)
    with pytest.raises(ValueError):
        required_support("village", 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        spread_required("regency", -1)
