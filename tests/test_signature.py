"""pipelines.signature: an empty box never reads as signed."""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from pipelines.signature import check_signature


def _box(w: int = 300, h: int = 120, ruled: bool = True) -> Image.Image:
    img = Image.new("L", (w, h), 255)
    if ruled:
        ImageDraw.Draw(img).rectangle((0, 0, w - 1, h - 1), outline=0, width=3)
    return img


def test_empty_ruled_box_is_unsigned() -> None:
    assert check_signature(np.asarray(_box())).signed is False


def test_noisy_empty_box_is_never_signed() -> None:
    rng = np.random.default_rng(1)
    for seed in range(20):
        arr = np.asarray(_box()).astype(np.int16)
        arr = arr + rng.normal(0, 12, arr.shape).astype(np.int16)
        specks = rng.random(arr.shape) < 0.002
        arr[specks] = 0
        got = check_signature(np.clip(arr, 0, 255).astype(np.uint8))
        assert got.signed is not True, seed


def test_grey_toner_background_is_not_a_signature() -> None:
    arr = np.full((120, 300), 205, np.uint8)
    arr[40:80, :] = 185  # a band of uneven toner
    assert check_signature(arr).signed is not True


def test_handwritten_stroke_is_signed() -> None:
    rng = random.Random(3)
    img = _box()
    d = ImageDraw.Draw(img)
    pts = [(40 + 15 * k, 60 + rng.randint(-30, 30)) for k in range(14)]
    d.line(pts, fill=20, width=3)
    assert check_signature(np.asarray(img)).signed is True


def test_thumbprint_is_signed() -> None:
    img = _box()
    d = ImageDraw.Draw(img)
    for r in range(8, 40, 4):
        d.ellipse((150 - r, 60 - r, 150 + r, 60 + r), outline=60, width=2)
    assert check_signature(np.asarray(img)).signed is True


def test_generated_marks() -> None:
    from pipelines.table import find_grid
    from synth.people import make_people
    from synth.render import render_list_page
    from synth.supporter_list import ListOptions

    marks = ("signature", "thumbprint", "empty", "signature", "empty")
    options = ListOptions(rows_per_page=10, marks=marks)
    page = render_list_page(make_people(5, seed=2), seed=2, dpi=150, options=options)
    gray = np.asarray(page.image.convert("L"))
    grid = find_grid(gray)
    assert grid is not None
    rows = []
    for truth in page.truth.supporters:
        cy = (truth.bbox[1] + truth.bbox[3]) / 2
        r = next(i for i in range(grid.rows) if grid.ys[i] <= cy <= grid.ys[i + 1])
        rows.append(r)
        x0, y0, x1, y1 = grid.span(r, grid.cols - 1, grid.cols)
        got = check_signature(gray[y0:y1, x0:x1]).signed
        assert got is truth.signed, (truth.row, truth.mark, got)
    for r in range(rows[-1] + 1, grid.rows):  # the empty rows at the end
        x0, y0, x1, y1 = grid.span(r, grid.cols - 1, grid.cols)
        assert check_signature(gray[y0:y1, x0:x1]).signed is False


def _stamped_page(seed: int) -> tuple[Image.Image, bool]:
    from synth.degrade import Degradation, degrade
    from synth.people import make_people
    from synth.render import render_letter

    page = render_letter(make_people(1, seed=seed)[0], f"stamp{seed}", 150)
    out = degrade(page, seed, Degradation(stamp=seed % 2 == 0, grayscale=True))
    return out.image, seed % 2 == 0


def test_stamps_are_found_and_only_stamps() -> None:
    from pipelines.signature import find_stamps, under_stamp

    for seed in range(4):
        image, stamped = _stamped_page(seed)
        found = find_stamps(np.asarray(image.convert("L")))
        assert bool(found) is stamped
        for cx, cy, r in found:
            assert under_stamp((int(cx), int(cy), int(cx) + 1, int(cy) + 1), found)
            assert not under_stamp((0, 0, 2, 2), [(cx, cy, r)]) or cx - r < 2


def test_blank_stamps_keeps_the_strokes_outside_the_disk() -> None:
    from pipelines.signature import blank_stamps, check_signature

    cell = np.full((120, 400), 255, np.uint8)
    cv2.circle(cell, (330, 60), 50, 0, 3)  # the arc of a stamp whose centre lies in the cell
    page_box = (1000, 2000, 1400, 2120)  # where the cell lies on the page
    stamp = (1000 + 330.0, 2000 + 60.0, 50.0)
    assert check_signature(cell).signed is not False  # the ring alone looks like pen strokes
    assert check_signature(blank_stamps(cell, page_box, [stamp])).signed is False
    signed = cell.copy()
    cv2.polylines(signed, [np.array([[30, 80], [60, 30], [90, 85], [120, 35], [160, 80], [200, 40]])], False, 0, 3)
    assert check_signature(blank_stamps(signed, page_box, [stamp])).signed is True
