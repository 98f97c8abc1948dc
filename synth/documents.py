"""Assemble rendered pages into upload files, and a whole realistic submission with its truth.

`make_submission` produces what a candidate team hands over: a cover and handover letter, support
letters with pasted e-KTP copies, a multi-page supporter list with photocopy sheets of the listed
people's cards, a phone photo of a card, a text-layer PDF, and a ZIP, each page degraded like a
real office scan. The truth maps every file and page to what it holds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from synth.containers import jpeg_bytes, pdf_bytes, png_bytes, tiff_bytes, zip_bytes
from synth.degrade import Degradation, degrade, random_degradation
from synth.people import Person, make_people, voter_list_csv
from synth.regions import District
from synth.render import render_card_photo, render_card_sheet, render_letter, render_list, render_other
from synth.text_pdf import text_layer_pdf
from synth.truth import PageTruth, RenderedPage

__all__ = [
    "jpeg_bytes",
    "make_submission",
    "pdf_bytes",
    "png_bytes",
    "submission_file_truth",
    "tiff_bytes",
    "zip_bytes",
]

Files = list[tuple[str, bytes]]


def _degraded(
    pages: Sequence[RenderedPage], seed: str, rng: random.Random, degrade_pages: bool, **kwargs: Any
) -> list[RenderedPage]:
    if not degrade_pages:
        return list(pages)
    return [degrade(p, f"{seed}:{i}", random_degradation(rng, **kwargs)) for i, p in enumerate(pages)]


def submission_file_truth(content_type: str, pages: Sequence[PageTruth]) -> dict[str, Any]:
    return {"content_type": content_type, "pages": [p.to_dict() for p in pages]}


def make_submission(
    seed: int,
    n_letters: int = 4,
    n_list_pages: int = 2,
    n_cards: int | None = None,
    *,
    dpi: int = 150,
    rows_per_page: int = 20,
    districts: Sequence[District] | None = None,
    degrade_pages: bool = True,
    text_layer: bool = True,
    with_zip: bool = True,
) -> tuple[Files, dict[str, Any], list[Person]]:
    """A mixed submission: (files as (filename, bytes), truth, people).

    `n_cards` is how many listed people also hand in a card copy (default: all of them), on
    photocopy sheets of up to 8. Truth: `{"seed", "files": {filename: {"content_type", "pages"
    | "members"}}, "supporters": [...], "cards": [...], "voter_list_csv"}`; every supporter and
    card entry names its `file`, `member` (inside a ZIP, else None) and `page` (from 1).
    """
    rng = random.Random(f"submission:{seed}")
    list_full = n_list_pages * rows_per_page
    # the last list page is only partly filled, as in real lists
    n_listed = max(0, list_full - rng.randint(1, max(1, rows_per_page // 2))) if n_list_pages else 0
    extra = 2 if text_layer else 0
    people = make_people(n_letters + n_listed + extra + 1, seed, districts)
    letter_people = people[:n_letters]
    listed = people[n_letters : n_letters + n_listed]
    text_people = people[n_letters + n_listed : n_letters + n_listed + extra]
    photo_person = people[-1]
    files: Files = []
    file_truth: dict[str, Any] = {}

    def add(name: str, data: bytes, content_type: str, pages: Sequence[PageTruth]) -> None:
        files.append((name, data))
        file_truth[name] = submission_file_truth(content_type, pages)

    others = _degraded(
        [render_other("cover", f"{seed}:c", dpi), render_other("handover", f"{seed}:h", dpi)],
        f"{seed}:o",
        rng,
        degrade_pages,
        allow_rotation=False,
    )
    add(
        "01_surat_pengantar.pdf",
        pdf_bytes([p.image for p in others], dpi),
        "application/pdf",
        [p.truth for p in others],
    )

    if letter_people:
        letters = _degraded(
            [render_letter(p, f"{seed}:l{i}", dpi) for i, p in enumerate(letter_people)],
            f"{seed}:l",
            rng,
            degrade_pages,
        )
        add(
            "02_surat_dukungan.pdf",
            pdf_bytes([p.image for p in letters], dpi),
            "application/pdf",
            [p.truth for p in letters],
        )

    if listed:
        lists = render_list(listed, f"{seed}:list", dpi, rows_per_page=rows_per_page)
        lists = _degraded(lists, f"{seed}:d", rng, degrade_pages, allow_rotation=False)
        add(
            "03_daftar_pendukung.tif",
            tiff_bytes([p.image for p in lists], dpi),
            "image/tiff",
            [p.truth for p in lists],
        )
        carded = listed if n_cards is None else listed[: max(0, n_cards)]
        sheets = [render_card_sheet(carded[i : i + 8], f"{seed}:s{i}", dpi) for i in range(0, len(carded), 8)]
        if sheets:
            sheets = _degraded(sheets, f"{seed}:s", rng, degrade_pages)
            add(
                "04_fotokopi_ktp.pdf",
                pdf_bytes([p.image for p in sheets], dpi),
                "application/pdf",
                [p.truth for p in sheets],
            )

    photo = render_card_photo(photo_person, f"{seed}:photo")
    photo = (
        degrade(photo, f"{seed}:photo", Degradation(jpeg_quality=rng.randint(60, 90)))
        if degrade_pages
        else photo
    )
    photo_bytes = jpeg_bytes(photo.image, 90, photo.truth.dpi)
    if with_zip:
        blank = render_other("blank", f"{seed}:b", dpi)
        blank = degrade(blank, f"{seed}:b", Degradation(noise=4, speckle=0.0002)) if degrade_pages else blank
        members = [("ktp_pendukung.jpg", photo_bytes), ("halaman_kosong.png", png_bytes(blank.image, dpi))]
        files.append(("05_lampiran.zip", zip_bytes(members)))
        file_truth["05_lampiran.zip"] = {
            "content_type": "application/zip",
            "members": {
                "ktp_pendukung.jpg": submission_file_truth("image/jpeg", [photo.truth]),
                "halaman_kosong.png": submission_file_truth("image/png", [blank.truth]),
            },
        }
    else:
        add("05_ktp_pendukung.jpg", photo_bytes, "image/jpeg", [photo.truth])

    if text_people:
        data, truths = text_layer_pdf(text_people[:1], text_people[1:], f"{seed}:t", dpi)
        add("06_formulir_isian.pdf", data, "application/pdf", truths)

    truth = {
        "seed": seed,
        "files": file_truth,
        "supporters": _collect(file_truth, "supporters"),
        "cards": _collect(file_truth, "cards"),
        "voter_list_csv": voter_list_csv(people),
    }
    return files, truth, people


def _collect(file_truth: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """Flatten per-page entries, each tagged with file, member and page."""
    out: list[dict[str, Any]] = []
    for name, entry in file_truth.items():
        members = entry.get("members") or {None: entry}
        for member, sub in members.items():
            for page_no, page in enumerate(sub["pages"], start=1):
                for item in page[key]:
                    out.append({"file": name, "member": member, "page": page_no, **item})
    return out
