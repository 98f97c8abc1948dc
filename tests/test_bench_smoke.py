"""A small smoke of each benchmark in bench/ (the full runs give the figures in the closing notes).

Each runs as its own process, exactly as documented at the top of its module, and must end well
and print its JSON report; where a benchmark has a hard target that holds at any size, it is
asserted here too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest_services import postgres_database

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run_bench(module: str, *args: str, timeout: float = 600) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", f"bench.{module}", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    start = proc.stdout.find("{")
    report: dict[str, Any] = json.loads(proc.stdout[start:])
    return report


def test_dpt_import_smoke() -> None:
    with postgres_database():  # skips locally / fails under CI when PostgreSQL is down
        pass
    rep = run_bench("dpt_import", "--rows", "20000")
    assert rep["rows"] == 20000 and rep["loaded"] + rep["rejected"] == 20000 and rep["rows_per_s"] > 0


def test_check_scale_smoke() -> None:
    with postgres_database():
        pass
    rep = run_bench("check_scale", "--entries", "20000", "--checks", "30")
    assert rep["entries_stored"] == 20000 and rep["check_ms_median"] > 0 and rep["status_ms_p95"] > 0


def test_planted_defects_smoke() -> None:
    rep = run_bench("planted_defects", "--entries", "150", "--min-recall", "1", "--max-false", "0.03")
    assert rep["recall_all"] == 1.0


def test_reading_smoke() -> None:
    rep = run_bench("reading", "--entries", "26", "--cards", "6", "--baseline-every", "4", timeout=900)
    assert rep["entries"] >= 26 and rep["cards"] >= 6
    assert rep["empty_box_read_signed"] == 0  # an empty signature box is never read as signed
    assert rep["external"].get("specimen_nik_exact") is True
    assert rep["seconds_engine_load"] > 0  # the models load before any page is timed


def test_reading_memory_smoke() -> None:
    rep = run_bench("reading_memory", "--pages", "3")
    assert rep["kinds"] == {"letter": 1, "list": 1, "id_cards": 1}
    assert 0 < rep["peak_rss_mb"] < 1500
