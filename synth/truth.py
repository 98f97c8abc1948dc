"""Exact ground truth for a rendered page, in upright, undegraded page pixels.

Coordinates are pixels of the page as rendered (before `synth.degrade`); `PageTruth.rotation`
and `skew` say what the degradation did, so a test can map them if it needs to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from PIL import Image

BBox = tuple[int, int, int, int]  # x0, y0, x1, y1, as pipelines.domain.BBox


@dataclass(frozen=True)
class SupporterTruth:
    """One supporter on a letter (row 1) or one filled row of a list (row counts from 1 on the page)."""

    row: int
    nik: str
    name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    signed: bool
    bbox: BBox  # the list row, or the letter's labelled value block
    mark: str = "signature"  # "signature", "thumbprint" or "empty"
    number: int = 0  # the NO printed on a list row (continues across pages); 0 on letters
    nik_style: str = "plain"  # "plain", "grouped" or "boxes"
    card_index: int | None = None  # the e-KTP pasted on the same page, if any
    address: str = ""
    district: str = ""


@dataclass(frozen=True)
class CardTruth:
    """One e-KTP on a page; `index` counts cards from 1 in reading order (rows, then left to right)."""

    index: int
    nik: str
    name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    bbox: BBox


@dataclass(frozen=True)
class PageTruth:
    """What a page is and holds. `rotation`: degrees counter-clockwise (as PIL `Image.rotate`) that turn
    the degraded scan upright again; `skew`: the small angle (degrees, counter-clockwise) the content
    was turned by before that. Both 0 for an undegraded page."""

    kind: str  # pipelines.domain.PageKind value: "letter", "list", "id_cards", "other"
    width: int
    height: int
    dpi: int
    supporters: tuple[SupporterTruth, ...] = ()
    cards: tuple[CardTruth, ...] = ()
    rotation: int = 0
    skew: float = 0.0
    degradations: tuple[str, ...] = ()
    text_layer: bool = False
    subkind: str = ""  # "letter", "list", "card_photo", "card_sheet", "cover", "handover", "blank"
    notes: tuple[str, ...] = field(default=())

    def with_degradation(self, *, rotation: int, skew: float, applied: tuple[str, ...]) -> PageTruth:
        return replace(self, rotation=rotation, skew=skew, degradations=self.degradations + applied)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, tuples as lists."""
        return _jsonable(asdict(self))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RenderedPage:
    """A page image with its truth. The image is RGB (or L/1 after degradation)."""

    image: Image.Image
    truth: PageTruth


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
