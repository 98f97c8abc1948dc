"""The shipped region table and its lookups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.regions import Region, Regions, default_regions


@pytest.fixture(scope="module")
def regions() -> Regions:
    return default_regions()


def test_not_loaded_at_import() -> None:
    code = "import pipelines.nik, pipelines.regions as m;assert m.default_regions.cache_info().currsize == 0"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_sizes(regions: Regions) -> None:
    provinces = [c for c in (f"{n:02d}" for n in range(100)) if regions.province(c)]
    assert len(provinces) == 38
    assert sum(len(regions.regencies_of(p)) for p in provinces) == 514
    assert len(regions.districts_of("31")) == 44  # DKI: 44 kecamatan


def test_lookups(regions: Regions) -> None:
    assert regions.province("31") == Region("31", "DKI JAKARTA", "province")
    assert regions.regency("3404") == Region("3404", "KAB. SLEMAN", "regency")
    assert regions.district("340402") == Region("340402", "GODEAN", "district")
    assert regions.regency("3406") is None
    assert regions.province("37") is None


def test_new_papua_provinces(regions: Regions) -> None:
    names = {c: regions.province(c).name for c in ("93", "94", "95", "96")}  # type: ignore[union-attr]
    assert names == {
        "93": "PAPUA SELATAN",
        "94": "PAPUA TENGAH",
        "95": "PAPUA PEGUNUNGAN",
        "96": "PAPUA BARAT DAYA",
    }
    assert [r.name for r in regions.regencies_of("93")] == [
        "KAB. MERAUKE", "KAB. BOVEN DIGOEL", "KAB. MAPPI", "KAB. ASMAT"
    ]  # fmt: skip
    assert len(regions.regencies_of("91")) == 9
    assert len(regions.regencies_of("92")) == 7
    assert "PAPUA BARAT" in regions.province("91").note  # type: ignore[union-attr]  # the 91/94 ambiguity


def test_historic_codes(regions: Regions) -> None:
    merauke_old = regions.regency("9101")
    assert merauke_old is not None and "9301" in merauke_old.note
    assert regions.is_known_regency("9101") and regions.is_known_regency("9301")
    assert regions.is_known_regency("6404")  # Bulungan before Kaltara (2012)
    assert regions.canonical("6404") == "6502"
    assert regions.canonical_district("910101") == "930101"
    old, new = regions.district("910101"), regions.district("930101")
    assert old is not None and new is not None and (old.name, new.name) == ("MERAUKE", "MERAUKE")


def test_bps_94_codes_are_known_but_not_placed(regions: Regions) -> None:
    assert regions.is_known_regency("9431")  # Mamberamo Tengah in BPS (old "94 = Papua") lists
    assert regions.canonical("9431") == "9431"
    assert regions.regency_status("9499") is False
    assert regions.regency_status("3799") is None  # no such province


def test_districts_of(regions: Regions) -> None:
    sleman = regions.districts_of("3404")
    assert len(sleman) == 17 and all(d.code.startswith("3404") for d in sleman)
    assert regions.districts_of("9101") == regions.districts_of("9301")
    with pytest.raises(ValueError):
        regions.districts_of("340402")


def test_contains(regions: Regions) -> None:
    assert regions.contains("34", "340402")
    assert regions.contains("3404", "340402")
    assert not regions.contains("3471", "340402")
    assert regions.contains("3404", "340499")  # unknown kecamatan under a known regency still counts
    assert regions.contains("93", "910101")  # old Merauke code is in Papua Selatan now
    assert not regions.contains("91", "910101")  # ...and no longer in Papua
    assert regions.contains("91", "917101")  # Kota Jayapura stayed
    assert regions.contains("65", "640401")  # old Bulungan code is in Kaltara
    assert not regions.contains("34", "3404")
    assert not regions.contains("34", "34040x")
