"""Vector rulings of computer-made PDFs (textlayer.extract_rulings + table.grid_from_rulings)."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.orientation import to_gray
from pipelines.pages import iter_pages
from pipelines.table import find_grid, grid_from_rulings
from synth.people import make_people
from synth.text_pdf import text_layer_pdf


@pytest.mark.parametrize("seed", [3, 4])
def test_the_drawn_table_is_the_table_the_pixels_show(seed: int) -> None:
    people = make_people(40, seed)
    data, truths = text_layer_pdf(letters=people[:1], list_people=people[1:40], seed=seed, dpi=150)
    pages = list(iter_pages(data, "application/pdf", 150))
    assert [t.kind for t in truths] == ["letter", "list", "list"]
    letter, *lists = pages
    assert grid_from_rulings(letter.rulings) is None  # a letter's lines make no table
    for page in lists:
        drawn = grid_from_rulings(page.rulings)
        seen = find_grid(np.ascontiguousarray(to_gray(page.image)), size=1000)
        assert drawn is not None and seen is not None
        assert (drawn.rows, drawn.cols) == (seen.rows, seen.cols) == (seen.rows, 7)
        # the pixel search runs on a half-size copy: its lines are within a few pixels
        assert max(abs(a - b) for a, b in zip(drawn.xs + drawn.ys, seen.xs + seen.ys, strict=True)) <= 4


def test_short_strokes_are_not_columns() -> None:
    # A table of 4 rows x 3 columns, plus digit-box strokes inside the body rows only.
    rows = [(100, 100 + 40 * i, 700, 102 + 40 * i) for i in range(5)]
    cols = [(100 + 200 * j, 100, 102 + 200 * j, 260) for j in range(4)]
    boxes = [(150 + 10 * k, 140 + 40 * i, 151 + 10 * k, 175 + 40 * i) for i in range(3) for k in range(5)]
    grid = grid_from_rulings(rows + cols + boxes)
    assert grid is not None
    assert grid.xs == (101, 301, 501, 701) and grid.ys == (101, 141, 181, 221, 261)
    assert grid_from_rulings(rows[:3] + cols) is None  # two rows are no table
    assert grid_from_rulings([]) is None
