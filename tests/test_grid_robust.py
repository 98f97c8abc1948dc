"""pipelines.table / listpage: tables whose ruling or numbering a scan has damaged."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.table import find_grid
from synth.degrade import Degradation, degrade


def _table(broken: bool) -> np.ndarray:
    page = np.full((1200, 1700), 255, np.uint8)
    xs, ys = [100, 200, 600, 900, 1000, 1500], [100, 180] + [180 + 40 * i for i in range(1, 21)]
    for y in ys:
        page[y : y + 2, xs[0] : xs[-1] + 2] = 0
    for x in xs:
        page[ys[0] : ys[-1] + 2, x : x + 2] = 0
    if broken:  # toner wore the line away just under the header: the header's piece stands alone
        page[ys[1] + 4 : ys[1] + 30, 600:602] = 255
    return page


def test_a_column_line_broken_below_the_header_is_still_a_column() -> None:
    for broken in (False, True):
        grid = find_grid(_table(broken))
        assert grid is not None
        assert grid.cols == 5, broken
        assert abs(grid.xs[2] - 601) <= 2


def test_a_thin_column_line_broken_by_gaps_of_a_few_pixels_is_a_column() -> None:
    # seed 53's bilevel 200-dpi list: the line between NO and NAMA broken twice by 2-px gaps
    # into pieces of 526, 480 and 204 px; NO and NAMA were one column and the header unread
    page = _table(False)
    page[322:324, 200:202] = 255
    page[602:604, 200:202] = 255
    grid = find_grid(page)
    assert grid is not None and grid.cols == 5
    assert abs(grid.xs[1] - 201) <= 2


def _boxed_table() -> np.ndarray:
    """A table whose third column holds a NIK one digit per box on every body row, the boxes as
    tall as the rows (their lines run from row to row), the header above without boxes."""
    page = _table(False)
    for k in range(17):
        page[180:982, 610 + 17 * k : 612 + 17 * k] = 0
    return page


def test_a_nik_in_digit_boxes_is_one_column_whichever_way_up_the_table_lies() -> None:
    # seed 43's 150-dpi list lay upside down on the cheap turn: its header at the bottom, the
    # digit boxes crossing the top row, 17 box lines taken for columns and the page lost
    page = _boxed_table()
    for view in (page, np.ascontiguousarray(page[::-1, ::-1])):
        grid = find_grid(view)
        assert grid is not None and grid.cols == 5


def test_rows_are_numbered_from_the_first_supporter() -> None:
    # Landscape at 150 dpi: the "(1) (2) (3)" row under the header is nearly as tall as a
    # supporter row, so it is told by what it says; the supporters keep their row numbers.
    from pipelines.cells import OcrCellReader
    from pipelines.engines.tesseract import TesseractEngine
    from pipelines.listpage import find_layout, read_list
    from synth.people import make_people
    from synth.render import render_list

    engine = TesseractEngine()
    for seed in (5, 8):  # pages with that row (and 25 short rows)
        page = render_list(make_people(6, seed=seed), seed=seed, dpi=150, rows_per_page=25, landscape=True)[0]
        gray = np.ascontiguousarray(np.asarray(page.image.convert("L")))
        reader = OcrCellReader(gray, engine)
        layout = find_layout(gray, reader)
        assert layout is not None
        rows = {s.nik: s.row for s in read_list(gray, reader, layout).supporters}
        truth = {s.nik: s.row for s in page.truth.supporters}
        agree = sum(rows.get(nik) == row for nik, row in truth.items())
        assert agree >= len(truth) - 1, (seed, rows, truth)


def test_line_openings_equal_opening_the_whole_image() -> None:
    """horizontal_lines / vertical_lines open only the rows (columns) holding enough ink: the
    same pixels as OpenCV's opening of the whole image, edges included."""
    import cv2

    from pipelines.table import horizontal_lines, morph, vertical_lines

    rng = np.random.default_rng(7)
    for trial in range(400):
        h, w = int(rng.integers(3, 90)), int(rng.integers(3, 200))
        ink = ((rng.random((h, w)) < rng.uniform(0.05, 0.95)) * 255).astype(np.uint8)
        ink[int(rng.integers(0, h))] = 255 if trial % 2 else 0
        ink[:, int(rng.integers(0, w))] = 255 if trial % 3 else 0
        across, down = int(rng.integers(1, w + 1)), int(rng.integers(1, h + 1))
        assert np.array_equal(horizontal_lines(ink, across), morph(ink, cv2.MORPH_OPEN, (across, 1)))
        assert np.array_equal(vertical_lines(ink, down), morph(ink, cv2.MORPH_OPEN, (1, down)))
        closed = morph(morph(ink, cv2.MORPH_CLOSE, (1, 3)), cv2.MORPH_OPEN, (1, down))
        assert np.array_equal(vertical_lines(ink, down, bridge=3), closed)
        closed = morph(morph(ink, cv2.MORPH_CLOSE, (2, 1)), cv2.MORPH_OPEN, (across, 1))
        assert np.array_equal(horizontal_lines(ink, across, bridge=2), closed)


def test_components_equal_opencvs_default_labelling() -> None:
    """table.components labels by Grana's algorithm: the same labels, stats and centroids as
    cv2.connectedComponentsWithStats with 8-connectivity."""
    import cv2

    from pipelines.table import components

    rng = np.random.default_rng(11)
    for trial in range(60):
        shape = (int(rng.integers(5, 200)), int(rng.integers(5, 400)))
        ink = ((rng.random(shape) < rng.uniform(0.02, 0.6)) * 255).astype(np.uint8)
        if trial % 2:
            ink = cv2.dilate(ink, np.ones((2, 2), np.uint8))
        n, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
        got = components(ink)
        assert got[0] == n
        assert np.array_equal(got[1], labels) and np.array_equal(got[2], stats)
        assert np.allclose(got[3], centroids)


@pytest.mark.parametrize(
    ("page", "recipe", "rows"),
    [
        # bilevel: its 1-px row lines broke into steps, a third of the width on each of 3 rows
        (1, Degradation(skew=0.19, noise=1.7420956, speckle=0.000279085, blur=0.2183008, stamp=True, bilevel=True), 27),
        # grey, JPEG 47: each row line held half the table's width on two rows, just too little
        (
            3,
            Degradation(
                skew=0.18, noise=4.190704, speckle=0.00012323686, blur=0.052097, grayscale=True, jpeg_quality=47
            ),
            26,
        ),
    ],
)
def test_thin_row_lines_left_a_little_askew_are_found(page: int, recipe: Degradation, rows: int) -> None:
    """Seed 13's 150-dpi bench list, pages 51 and 53: the deskew left them 0.1-0.3 deg askew,
    and their thin row lines spread over neighbouring pixel rows. Page 51 lost its grid (20
    supporters), page 53 9 of its 25 rows (their NIKs and names read sure into their neighbours')."""
    from pipelines.orientation import make_upright
    from synth.people import make_people
    from synth.render import render_list

    clean = render_list(make_people(810, 13)[50:500], "13:list", 150)[page]
    scan = degrade(clean, f"13:d{50 + page}", recipe)
    grid = find_grid(make_upright(scan.image, None).gray())
    assert grid is not None and grid.rows == rows


def test_a_thin_column_line_left_a_little_askew_is_found() -> None:
    """Seed 17's mixed bench set, page 64 (its 200-dpi list's 9th page): the deskew left the
    line between TEMPAT/TGL LAHIR and L/P 5 px off over the table's height, in runs along
    single pixel columns too short for a column line; the two columns were read as one, and
    15 supporters lost their birth date and sex."""
    from pipelines.orientation import make_upright
    from synth.people import make_people
    from synth.render import render_list

    listed = make_people(810, 17)[50:500]
    clean = render_list(listed[150:300], "17:list200", 200)[8]
    recipe = Degradation(skew=0.81, noise=3.9637926, speckle=0.00077797742, jpeg_quality=59)
    scan = degrade(clean, "17:d64", recipe)
    grid = find_grid(make_upright(scan.image, None).gray())
    assert grid is not None and grid.cols == 7


def test_supporters_are_numbered_from_under_a_column_number_row_that_dust_made_look_filled() -> None:
    """Seed 17's 150-dpi bench list, page 64: dust over the "(1) (2) (3)" row made it look
    filled; it was read, and skipped as that row, but the supporters were numbered from it, so
    each was numbered (and checked) as the one above it."""
    from pipelines.engines.registry import Engines
    from pipelines.pages import PageSource
    from pipelines.reading import read_page_image
    from synth.people import make_people
    from synth.render import render_list

    clean = render_list(make_people(810, 17)[50:500], "17:list", 150)[14]
    recipe = Degradation(skew=0.81, noise=3.9637926, speckle=0.00077797742, jpeg_quality=59)
    scan = degrade(clean, "17:d64", recipe)
    reading = read_page_image(PageSource(1, scan.image, None, 150), Engines()).reading
    truth = {s.nik: s.row for s in scan.truth.supporters}
    rows = {s.nik: s.row for s in reading.supporters if s.nik in truth}
    assert len(rows) >= 20 and all(rows[nik] == truth[nik] for nik in rows), (rows, truth)


class _Unread:
    """An engine that reads nothing: the rows are told by their ink and height alone."""

    def read_line(self, image: object, *, charset: str | None = None, timeout: float = 10.0) -> object:
        from pipelines.engines.base import OcrText

        return OcrText("", 0.0)


@pytest.mark.parametrize(("number_row", "first"), [(40, 2), (44, 1)])
def test_an_empty_short_row_under_the_header_is_the_column_number_row(number_row: int, first: int) -> None:
    # seed 53's 200-dpi list: a stamp over the "(1) (2) (3)" row garbled its numbers ("Kes)");
    # the row, 40 px against the supporters' 44, was taken for the first supporter's, and the 25
    # supporters numbered one down. An empty row as tall as the others is a supporter's slot.
    from pipelines.cells import OcrCellReader
    from pipelines.listpage import _first_body_row
    from pipelines.table import Grid

    ys = [100, 200, 200 + number_row] + [200 + number_row + 44 * i for i in range(1, 11)]
    xs = [100, 180, 500, 900, 1200]
    page = np.full((ys[-1] + 50, 1300), 255, np.uint8)
    for y in ys:
        page[y : y + 2, xs[0] : xs[-1] + 2] = 0
    for x in xs:
        page[ys[0] : ys[-1] + 2, x : x + 2] = 0
    for top in ys[2:-1]:  # a name and a NIK on every supporter's row
        page[top + 14 : top + 30, 200:420] = 0
        page[top + 14 : top + 30, 520:860] = 0
    page[ys[1] + 8 : ys[2] - 8, 950:1150] = 0  # a stamp's ink in the birth date's cell
    grid = Grid(tuple(x + 1 for x in xs), tuple(y + 1 for y in ys), 2)
    cols = {"no": (0, 1), "name": (1, 2), "nik": (2, 3), "birth": (3, 4)}
    reader = OcrCellReader(page, _Unread(), ruled=True)  # type: ignore[arg-type]
    assert _first_body_row(reader, grid, 0, cols) == first


class _HeaderWords:
    """Reads the header row's cells of `_table` by where they lie (NO, NAMA, NIK, TTL, L/P)."""

    def __init__(self, height: int) -> None:
        self.height = height
        self.words = {150: "NO", 400: "NAMA", 750: "NIK", 950: "TEMPAT/TGL LAHIR", 1250: "L/P"}

    def read(self, box: tuple[int, int, int, int], **_: object) -> object:
        from pipelines.engines.base import OcrText

        x0, y0, x1, _y1 = box
        said = [w for x, w in self.words.items() if x0 <= x < x1] if y0 < 180 else []
        return OcrText(" ".join(said), 0.99)

    def ink_width(self, box: tuple[int, int, int, int], **_: object) -> float:
        return 0.0


def test_digit_box_lines_that_stop_at_the_header_are_no_columns() -> None:
    # seed 53's bilevel 200-dpi list, turned 270 and found header down: the sides of the first
    # four digit boxes ran from row to row and crossed the top (body) row; too few to tell the
    # header by, they stood as columns, and the NIK column began at the fifth digit
    from pipelines.listpage import find_layout

    page = _table(False)
    for x in (610, 628, 646, 664, 682):
        page[180:982, x : x + 2] = 0
    view = np.ascontiguousarray(page[::-1, ::-1])
    grid = find_grid(view)
    assert grid is not None and grid.cols == 10  # five digit-box lines cross the top row
    grid = grid.turned(view.shape[1], view.shape[0])
    layout = find_layout(page, _HeaderWords(page.shape[0]), grid)  # type: ignore[arg-type]
    assert layout is not None
    nik = layout.grid.span(3, *layout.columns["nik"])
    assert abs(nik[0] - 601) <= 4 and abs(nik[2] - 901) <= 4, (layout.grid.xs, layout.columns)
    assert layout.grid.cols == 5
    assert {k: layout.columns[k] for k in ("no", "name", "birth", "sex")} == {
        "no": (0, 1),
        "name": (1, 2),
        "birth": (3, 4),
        "sex": (4, 5),
    }
