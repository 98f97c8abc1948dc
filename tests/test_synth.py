"""The synthetic document generator: determinism, valid NIKs, page kinds, containers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from synth.containers import pdf_bytes, tiff_bytes, zip_bytes
from synth.degrade import Degradation, degrade
from synth.documents import make_submission
from synth.people import DPT_COLUMNS, make_people, voter_list_csv
from synth.regions import DISTRICTS, SLEMAN
from synth.render import (
    render_card_photo,
    render_card_sheet,
    render_letter,
    render_list,
    render_list_page,
    render_other,
)
from synth.text_pdf import text_layer_pdf

PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "51",
    "52",
    "53",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
    "81",
    "82",
    "91",
    "92",
    "93",
    "94",
    "95",
    "96",
}


def nik_problems(nik: str, birth_date: dt.date, sex: str) -> list[str]:
    """DOMAIN.md §1, checked locally so this test does not depend on the pipeline's validator."""
    problems = []
    if len(nik) != 16 or not nik.isdigit():
        return ["shape"]
    if nik[:2] not in PROVINCES:
        problems.append("province")
    day, month, year, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), int(nik[12:])
    female = day > 40
    if female != (sex == "P"):
        problems.append("sex")
    if (day - 40 if female else day, month, year) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        problems.append("date")
    if not 1 <= serial <= 9999:
        problems.append("serial")
    return problems


def test_people_are_deterministic_valid_and_unique() -> None:
    people = make_people(300, seed=7)
    assert people == make_people(300, seed=7)
    assert people != make_people(300, seed=8)
    assert len({p.nik for p in people}) == 300
    codes = {d.code for d in DISTRICTS}
    for p in people:
        assert nik_problems(p.nik, p.birth_date, p.sex) == [], p.nik
        assert p.nik[:6] == p.district_code in codes
        assert 17 <= p.age_on() <= 90
        assert p.sex in "LP" and p.marital_status in "BSP"
        assert len(p.nkk) == 16 and p.nkk.isdigit()
    assert any(" " not in p.name for p in people) and any(p.name.count(" ") >= 2 for p in people)


def test_people_options_underage_and_districts() -> None:
    people = make_people(200, seed=3, districts=SLEMAN, underage_rate=0.5)
    assert all(p.district_code.startswith("3404") for p in people)
    ages = [p.age_on() for p in people]
    assert any(a < 17 for a in ages) and any(a >= 17 for a in ages)


def test_voter_list_csv() -> None:
    people = make_people(5, seed=1)
    rows = list(csv.DictReader(io.StringIO(voter_list_csv(people))))
    assert tuple(rows[0]) == DPT_COLUMNS
    assert rows[2]["nik"] == people[2].nik and rows[2]["birth_date"] == people[2].birth_date.isoformat()


@pytest.mark.parametrize("dpi", [150, 300])
def test_letter_page(dpi: int) -> None:
    person = make_people(1, seed=2)[0]
    page = render_letter(person, seed=5, dpi=dpi)
    assert page.image.size == (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi))
    assert page.truth.kind == "letter" and page.truth.dpi == dpi
    (s,) = page.truth.supporters
    assert (s.row, s.nik, s.name, s.birth_date) == (1, person.nik, person.name, person.birth_date)
    x0, y0, x1, y1 = s.bbox
    assert 0 <= x0 < x1 <= page.image.width and 0 <= y0 < y1 <= page.image.height
    assert s.signed == (s.mark != "empty")
    again = render_letter(person, seed=5, dpi=dpi)
    assert again.truth == page.truth and again.image.tobytes() == page.image.tobytes()


def test_list_pages_continue_numbering() -> None:
    people = make_people(30, seed=4)
    pages = render_list(people, seed=1, dpi=150, rows_per_page=20)
    assert [p.truth.kind for p in pages] == ["list", "list"]
    numbers = [s.number for p in pages for s in p.truth.supporters]
    assert numbers == list(range(1, 31))
    assert [s.row for s in pages[1].truth.supporters] == list(range(1, 11))
    assert [s.nik for p in pages for s in p.truth.supporters] == [p.nik for p in people]
    with pytest.raises(ValueError):
        render_list_page(make_people(26, seed=1), seed=1)


def test_cards_sheet_and_photo() -> None:
    people = make_people(8, seed=9)
    sheet = render_card_sheet(people, seed=1, dpi=150)
    assert sheet.truth.kind == "id_cards" and [c.index for c in sheet.truth.cards] == list(range(1, 9))
    assert [c.nik for c in sheet.truth.cards] == [p.nik for p in people]
    tops = [c.bbox[1] for c in sheet.truth.cards]
    assert tops[0] < tops[2] < tops[4] < tops[6]  # reading order: rows, then left to right
    photo = render_card_photo(people[0], seed=1)
    assert photo.image.width >= 500 and photo.truth.cards[0].nik == people[0].nik


def test_other_pages() -> None:
    for kind in ("cover", "handover", "blank"):
        page = render_other(kind, seed=1, dpi=150)
        assert page.truth.kind == "other" and not page.truth.supporters and not page.truth.cards


def test_degradations_keep_size_sane() -> None:
    page = render_letter(make_people(1, seed=1)[0], seed=1, dpi=150)
    w, h = page.image.size
    turned = degrade(
        page,
        1,
        Degradation(
            rotation=90,
            skew=4.5,
            noise=8,
            speckle=0.0005,
            toner=0.6,
            blur=1.0,
            stamp=True,
            grayscale=True,
            jpeg_quality=40,
        ),
    )
    assert turned.image.size == (h, w) and turned.image.mode == "L"
    assert turned.truth.rotation == 270 and turned.truth.skew == 4.5
    assert turned.truth.supporters == page.truth.supporters  # coordinates stay upright
    fax = degrade(page, 2, Degradation(bilevel=True))
    assert fax.image.mode == "1" and fax.image.size == (w, h)
    randomly = degrade(page, 3)
    assert sorted(randomly.image.size) == sorted((w, h))
    assert degrade(page, 3).image.tobytes() == randomly.image.tobytes()
    with pytest.raises(ValueError):
        degrade(page, 1, Degradation(skew=6))


@pytest.mark.parametrize("seed", range(4))
def test_a_stamp_filters_the_print_under_it_and_never_lightens_it(seed: int) -> None:
    """Stamp ink is a translucent dye over the toner (subtractive): every pixel is at most as
    bright as before in each channel, and print under the ring stays as dark as print. A stamp
    pasted over the page as paint (black print under a blue ring turned blue) fails both."""
    page = render_list_page(make_people(10, seed=seed), f"dye{seed}", 200)
    stamped = degrade(page, f"dye{seed}", Degradation(stamp=True))
    before = np.asarray(page.image.convert("RGB")).astype(int)
    after = np.asarray(stamped.image.convert("RGB")).astype(int)
    assert (after <= before + 1).all()
    ys, xs = np.nonzero((before - after).max(axis=2) > 40)  # the stamp's ink on paper
    disk = np.zeros(before.shape[:2], bool)
    disk[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] = True
    printed = before.max(axis=2) < 60
    assert len(ys) > 2000 and (printed & disk).sum() > 200  # the stamp lies over print
    assert after[printed].max() < 60


def test_text_layer_pdf_is_readable() -> None:
    people = make_people(6, seed=11)
    data, truths = text_layer_pdf(people[:1], people[1:], seed=1)
    assert data == text_layer_pdf(people[:1], people[1:], seed=1)[0]
    assert [t.kind for t in truths] == ["letter", "list"] and all(t.text_layer for t in truths)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2
        letter_text = pdf.pages[0].extract_text()
        list_text = pdf.pages[1].extract_text()
    assert "SURAT PERNYATAAN DUKUNGAN" in letter_text
    assert people[0].nik in letter_text.replace(" ", "") and people[0].name in letter_text
    assert all(p.nik in list_text for p in people[1:])


def test_containers() -> None:
    people = make_people(2, seed=1)
    images = [render_letter(p, seed=i, dpi=150).image for i, p in enumerate(people)]
    tif = tiff_bytes(images, 150, "group4")
    assert tif == tiff_bytes(images, 150, "group4")
    with Image.open(io.BytesIO(tif)) as im:
        assert getattr(im, "n_frames", 1) == 2 and im.mode == "1" and im.info["compression"] == "group4"
    pdf = pdf_bytes(images, 150)
    assert pdf == pdf_bytes(images, 150) and pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 2
    archive = zip_bytes([("a.pdf", pdf), ("b.tif", tif)])
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert zf.namelist() == ["a.pdf", "b.tif"]


def test_submission_is_deterministic_and_consistent() -> None:
    files, truth, people = make_submission(3, n_letters=2, n_list_pages=1, dpi=100, rows_per_page=10)
    again_files, again_truth, _ = make_submission(3, n_letters=2, n_list_pages=1, dpi=100, rows_per_page=10)
    assert files == again_files and truth == again_truth
    assert set(truth["files"]) == {name for name, _ in files}
    niks = {p.nik for p in people}
    assert truth["supporters"] and all(s["nik"] in niks for s in truth["supporters"])
    assert all(c["nik"] in niks for c in truth["cards"])
    assert truth["voter_list_csv"].count("\n") == len(people) + 1
