"""The document flow through real dramatiq actors (stub broker, in-process worker), with the
page reader replaced by a scripted one, so the flow and the checks are tested apart from OCR:
idempotent steps, failures that end `failed` with a code, card links in any order, duplicates,
misread suggestions, and the final reconciliation at close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dukungan.services.submissions import close_submission
from pipelines.domain import IdCardRead, PageKind, PageReading, Reason, SupporterRead
from pipelines.engines.base import EngineError
from storage.models import IdCard, Submission
from tests.conftest_services import postgres_database
from tests.flow_harness import World, open_world

HEADER = "nik,nkk,name,birth_place,birth_date,sex,marital_status,address,rt,rw,district_code,tps\n"
# fictional voters (structurally valid NIKs)
ANI = ("3171014503900001", "ANI SUSANTI", dt.date(1990, 3, 5), "P", "317101")
BUDI = ("3171011208850002", "BUDI SANTOSO", dt.date(1985, 8, 12), "L", "317102")
CITRA = ("3171016101000003", "CITRA DEWI", dt.date(2000, 1, 21), "P", "317103")
DEDI = ("3404021504800004", "DEDI KURNIAWAN", dt.date(1980, 4, 15), "L", "340402")  # Sleman: out of area
VOTERS = [ANI, BUDI, CITRA, DEDI]


def _voters_csv() -> bytes:
    rows = [f"{n},,{name},JAKARTA,{b.isoformat()},{s},S,JL. CONTOH,001,002,{d},001" for n, name, b, s, d in VOTERS]
    return (HEADER + "\n".join(rows) + "\n").encode()


def entry(row: int, person: tuple[Any, ...], *, nik: str | None = None, signed: bool | None = True,
          card_index: int | None = None, reasons: tuple[Reason, ...] = ()) -> SupporterRead:
    return SupporterRead(row=row, nik=nik or person[0], name=person[1], birth_place="JAKARTA",
                         birth_date=person[2], sex=person[3], signed=signed, confidence=0.99,
                         nik_confidence=0.99, name_confidence=0.99, bbox=(10, 10 + row * 40, 500, 40 + row * 40),
                         card_index=card_index, reasons=reasons)


def card(index: int, person: tuple[Any, ...], *, nik: str | None = None) -> IdCardRead:
    return IdCardRead(index=index, nik=nik or person[0], name=person[1], birth_place="JAKARTA",
                      birth_date=person[2], sex=person[3], confidence=0.99, bbox=(0, 0, 300, 190),
                      nik_confidence=0.99)


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "sqlite":
        with open_world(f"sqlite:///{tmp_path / 'flow.sqlite3'}", tmp_path / "objects", _voters_csv()) as w:
            yield w
        return
    with postgres_database() as url, open_world(url, tmp_path / "objects", _voters_csv()) as w:
        yield w


def test_a_clean_letter_with_its_pasted_card_is_verified(world: World) -> None:
    sub = world.submission()
    page = world.reader.page(PageReading(PageKind.LETTER, (entry(1, ANI, card_index=1),), (card(1, ANI),)))
    [doc] = world.upload(sub, ("letter.png", page))
    assert world.doc(doc.id).status == "done" and world.doc(doc.id).pages == 1
    [sup] = world.supporters(sub).values()
    assert (sup.status, sup.reasons, sup.district_code) == ("verified", [], "317101")
    assert sup.id_card_document_id == doc.id
    # the page image was stored for the review screen
    with world.rt.db.session() as s:
        from storage.models import Page

        page_row = s.scalars(select(Page).where(Page.document_id == doc.id)).one()
        assert page_row.kind == "letter" and world.rt.store.exists(page_row.image_key or "")


def test_cards_link_in_any_order_and_missing_cards_are_flagged_at_close(world: World) -> None:
    sub = world.submission()
    listing = world.reader.page(PageReading(PageKind.LIST, (
        entry(1, BUDI), entry(2, CITRA), entry(3, DEDI), entry(4, ANI, signed=False))))
    world.upload(sub, ("list.png", listing))
    waiting = world.supporters(sub)
    assert {s.status for s in waiting.values() if not s.reasons} == {"processing"}  # waiting for cards
    assert waiting["list.png:3"].reasons == ["OUT_OF_AREA"]
    assert "SIGNATURE_MISSING" in waiting["list.png:4"].reasons
    # the cards arrive later, in another file: BUDI's matches, CITRA's is one digit off
    citra_off = CITRA[0][:-1] + "8"
    sheet = world.reader.page(PageReading(PageKind.ID_CARDS, (), (card(1, BUDI), card(2, CITRA, nik=citra_off))))
    world.upload(sub, ("cards.png", sheet))
    got = world.supporters(sub)
    assert got["list.png:1"].status == "verified"
    assert got["list.png:2"].reasons == ["KTP_MISMATCH"]
    close_submission(world.rt, sub, "op")
    world.drain()
    with world.rt.db.session() as s:
        assert s.get(Submission, sub).status == "closed"  # type: ignore[union-attr]
    final = world.supporters(sub)
    assert "KTP_MISSING" in final["list.png:3"].reasons
    assert final["list.png:1"].status == "verified"


def test_duplicates_internal_identical_and_external(world: World) -> None:
    sub = world.submission()
    first = world.reader.page(PageReading(PageKind.LETTER, (entry(1, ANI, card_index=1),), (card(1, ANI),)))
    world.upload(sub, ("a.png", first))
    again = world.reader.page(PageReading(PageKind.LIST, (entry(1, ANI),
                                                          entry(2, (BUDI[0], "BAMBANG", *BUDI[2:])),
                                                          entry(3, BUDI))))
    world.upload(sub, ("b.png", again))
    got = world.supporters(sub)
    assert got["a.png:1"].status == "verified"
    assert got["b.png:1"].status == "duplicate"  # ganda identik, counted once
    assert "DUPLICATE_INTERNAL" in got["b.png:2"].reasons
    assert "DUPLICATE_INTERNAL" in got["b.png:3"].reasons
    # ANI also supports the other candidate: both entries get DUPLICATE_EXTERNAL
    other = world.submission(candidate=1)
    world.upload(other, ("c.png", world.reader.page(PageReading(PageKind.LETTER, (entry(1, ANI, card_index=1),),
                                                                (card(1, ANI),)))))
    world.drain()
    everyone = world.supporters()
    flagged = [s for s in everyone.values() if s.nik == ANI[0] and "DUPLICATE_EXTERNAL" in s.reasons]
    assert {s.candidate_id for s in flagged} == set(world.candidates)


def test_misread_nik_gets_a_suggestion_never_a_correction(world: World) -> None:
    sub = world.submission()
    misread = BUDI[0][:5] + "7" + BUDI[0][6:]  # 3171011... with the 6th digit 1 read as 7
    page = world.reader.page(PageReading(PageKind.LIST, (entry(1, BUDI, nik=misread),)))
    world.upload(sub, ("m.png", page))
    [sup] = world.supporters(sub).values()
    assert sup.nik == misread and "NOT_IN_DPT" in sup.reasons and sup.status == "needs_review"
    assert sup.check_details["suggested_nik"] == BUDI[0]


def test_a_permanent_error_fails_the_document_with_a_code(world: World) -> None:
    sub = world.submission()

    def broken() -> PageReading:
        raise ValueError("a bug in a stage")

    [doc] = world.upload(sub, ("x.png", world.reader.page(broken)))
    d = world.doc(doc.id)
    assert (d.status, d.error_code) == ("failed", "INTERNAL_ERROR")
    assert world.reader.calls == 1  # not retried


def test_a_transient_error_is_retried_then_the_document_fails_never_stuck(world: World) -> None:
    sub = world.submission()
    attempts: list[int] = []

    def flaky() -> PageReading:
        attempts.append(1)
        raise EngineError("tesseract crashed")

    [doc] = world.upload(sub, ("y.png", world.reader.page(flaky)))
    world.drain()
    d = world.doc(doc.id)
    assert (d.status, d.error_code) == ("failed", "RETRIES_EXHAUSTED")
    assert len(attempts) == 4  # the first try and three retries


def test_a_transient_error_that_clears_is_read_once(world: World) -> None:
    sub = world.submission()
    attempts: list[int] = []

    def once_flaky() -> PageReading:
        attempts.append(1)
        if len(attempts) == 1:
            raise EngineError("busy")
        return PageReading(PageKind.ID_CARDS, (), (card(1, CITRA),))

    [doc] = world.upload(sub, ("z.png", world.reader.page(once_flaky)))
    world.drain()
    assert world.doc(doc.id).status == "done"
    with world.rt.db.session() as s:
        assert [c.nik for c in s.scalars(select(IdCard).where(IdCard.document_id == doc.id))] == [CITRA[0]]
