"""pipelines.letter: labelled lines and the signature box of generated support letters."""

from __future__ import annotations

from functools import cache

import pytest

from pipelines.engines.base import OcrLine
from pipelines.engines.registry import Engines
from pipelines.letter import find_fields, is_letter, split_label


@cache
def engines() -> Engines:
    return Engines(use_rapid=False)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Nama : BUDI SANTOSO", ("name", "BUDI SANTOSO")),
        ("Nama BUDI SANTOSO", ("name", "BUDI SANTOSO")),
        ("NIK :3171011402886413", ("nik", "3171011402886413")),
        ("Tempat/Tgl Lahir : SLEMAN, 04-02-1995", ("birth", "SLEMAN, 04-02-1995")),
        ("Jenis Kelamin LAKI-LAKI", ("sex", "LAKI-LAKI")),
        ("Alamat Tempat Tinggal : JL. MERDEKA 1", ("address", "JL. MERDEKA 1")),
        ("Kecamatan : GAMBIR", ("district", "GAMBIR")),
        ("(ecamatan : GAMBIR", ("district", "GAMBIR")),
        ("dengan ini menyatakan memberikan dukungan", None),
    ],
)
def test_split_label(text: str, want: tuple[str, str] | None) -> None:
    assert split_label(text) == want


def test_fields_need_core_labels() -> None:
    lines = [
        OcrLine(t, 0.9, (0, i * 10, 100, i * 10 + 8))
        for i, t in enumerate(
            ["SURAT PERNYATAAN DUKUNGAN", "Nama : A", "NIK : 3171011402886413", "Yang bertanda tangan di bawah ini"]
        )
    ]
    fields = find_fields(lines)
    assert fields.title and is_letter(fields)
    assert fields.caption is None  # "bertanda tangan" is not the box caption
    assert not is_letter(find_fields(lines[:1] + lines[3:]))


def test_dust_read_before_a_label_does_not_hide_it() -> None:
    """Specks at a speckled page's margin, read as a piece of their own before the label
    (seed 11's letter 36: its name was lost, the entry sent to review); a word before a label
    is no dust, and that line stays no labelled line."""

    def fields(*texts: str) -> dict[str, str]:
        lines = [OcrLine(t, 0.9, (0, i * 10, 100, i * 10 + 8)) for i, t in enumerate(texts)]
        return {k: v.text for k, v in find_fields(lines).values.items()}

    got = fields("SURAT PERNYATAAN DUKUNGAN", 'LI “\t1. Nama\t"RIZKY SETIAWAN', "2.NIK\t: 3404090403543447")
    assert got == {"name": '"RIZKY SETIAWAN', "nik": "3404090403543447"}
    assert "name" not in fields("SURAT PERNYATAAN DUKUNGAN", "Dengan ini\tNama : BUDI")


@pytest.mark.parametrize("seed", [21, 22])
def test_generated_letter(seed: int) -> None:
    from pipelines.domain import PageKind, Reason
    from pipelines.listpage import name_as_printed
    from pipelines.pages import PageSource
    from pipelines.reading import read_page
    from synth.people import make_people
    from synth.render import render_letter

    person = make_people(1, seed=seed)[0]
    page = render_letter(person, seed, dpi=200)
    reading = read_page(PageSource(1, page.image, None, 200), engines())
    assert reading.kind is PageKind.LETTER
    (got,) = reading.supporters
    want = page.truth.supporters[0]
    assert got.row == 1
    if got.nik != want.nik:
        assert Reason.NIK_UNREADABLE in got.reasons
    assert got.name == name_as_printed(want.name) or got.reasons
    assert got.signed in (want.signed, None)
    assert got.birth_date == want.birth_date and got.sex == want.sex
