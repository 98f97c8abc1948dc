"""`pipelines.table.runs`: the runs of True in a 1-D mask, which every band finder uses."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pipelines.table import runs


def _naive(on: list[bool]) -> list[tuple[int, int]]:
    out, start = [], None
    for i, v in enumerate([*on, False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i))
            start = None
    return out


def test_edges() -> None:
    assert runs(np.array([], dtype=bool)) == []
    assert runs(np.array([True, True, False, True])) == [(0, 2), (3, 4)]
    assert runs(np.array([False, False])) == []


@given(st.lists(st.booleans(), max_size=60))
def test_same_as_a_plain_scan(on: list[bool]) -> None:
    assert runs(np.array(on, dtype=bool)) == _naive(on)
