"""Pages that hold only e-KTPs: a phone photo of one card, and a photocopy sheet of 1-8 cards."""

from __future__ import annotations

import random
from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image, ImageFilter

from synth.ktp import CARD_H_MM, CARD_W_MM, photocopy, render_card
from synth.people import Person
from synth.truth import CardTruth, PageTruth, RenderedPage


def _card_truth(index: int, person: Person, bbox: tuple[int, int, int, int]) -> CardTruth:
    return CardTruth(index, person.nik, person.name, person.birth_place, person.birth_date, person.sex, bbox)


def _rotated(card: Image.Image, angle: float) -> Image.Image:
    """An RGBA card turned by `angle` degrees (counter-clockwise), transparent around it."""
    if abs(angle) < 0.05:
        return card
    arr = np.asarray(card.convert("RGBA"))
    h, w = arr.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    out = cv2.warpAffine(
        arr,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    return Image.fromarray(out, "RGBA")


def render_card_photo(person: Person, seed: int | str, width_px: int | None = None) -> RenderedPage:
    """A phone photo of one card on a table: margins, a slight turn, uneven light. At least 500 px wide."""
    rng = random.Random(f"photo:{seed}")
    card_w = width_px or rng.randint(620, 1400)
    if card_w < 420:
        raise ValueError("a card photo must leave the card at least 420 px wide")
    card = _rotated(render_card(person, seed, card_w), rng.uniform(-4, 4))
    mx, my = round(card.width * rng.uniform(0.04, 0.18)), round(card.height * rng.uniform(0.05, 0.25))
    w, h = card.width + 2 * mx, card.height + 2 * my
    table = np.array(rng.choice(((120, 90, 60), (60, 60, 65), (200, 195, 185), (150, 120, 90))), np.float32)
    np_rng = np.random.default_rng(rng.randrange(2**32))
    grain = np_rng.normal(0, 6, (h // 4 + 1, w // 4 + 1)).astype(np.float32)
    grain_img = Image.fromarray(np.clip(grain + 128, 0, 255).astype(np.uint8), "L").resize((w, h))
    back = np.asarray(grain_img, np.float32)[..., None] - 128 + table[None, None, :]
    img = Image.fromarray(np.clip(back, 0, 255).astype(np.uint8), "RGB")
    img.paste(card.convert("RGB"), (mx, my), card.getchannel("A"))
    # light falling off towards one corner, as under a desk lamp
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    fx, fy = rng.uniform(0, 1), rng.uniform(0, 1)
    light = 1.08 - 0.25 * np.sqrt(((xx / w - fx) ** 2 + (yy / h - fy) ** 2) / 2)
    arr = np.clip(np.asarray(img, np.float32) * light[..., None], 0, 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB").filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    bbox = (mx, my, mx + card.width, my + card.height)
    dpi = round(card_w / CARD_W_MM * 25.4)
    truth = PageTruth(
        kind="id_cards",
        width=w,
        height=h,
        dpi=dpi,
        cards=(_card_truth(1, person, bbox),),
        subkind="card_photo",
    )
    return RenderedPage(img, truth)


def render_card_sheet(people: Sequence[Person], seed: int | str, dpi: int = 200) -> RenderedPage:
    """An A4 photocopy sheet with 1-8 cards in two columns; grey ("L") like a real photocopy."""
    if not 1 <= len(people) <= 8:
        raise ValueError("a sheet holds 1 to 8 cards")
    rng = random.Random(f"sheet:{seed}")
    k = dpi / 25.4
    page = Image.new("L", (round(210 * k), round(297 * k)), 255)
    card_px = round(CARD_W_MM * k)
    cols = 1 if len(people) <= 2 and rng.random() < 0.5 else 2
    gap_x = rng.uniform(6, 14)
    x_start = (210 - cols * CARD_W_MM - (cols - 1) * gap_x) / 2
    y_start, gap_y = rng.uniform(12, 22), rng.uniform(8, 14)
    cards: list[CardTruth] = []
    for i, person in enumerate(people):
        row, col = divmod(i, cols)
        x = x_start + col * (CARD_W_MM + gap_x) + rng.uniform(-2, 2)
        y = y_start + row * (CARD_H_MM + gap_y) + rng.uniform(-2, 2)
        card = _rotated(photocopy(render_card(person, f"{seed}:{i}", card_px), rng), rng.uniform(-1.5, 1.5))
        px, py = round(x * k), round(y * k)
        page.paste(card.convert("L"), (px, py), card.getchannel("A"))
        cards.append(_card_truth(i + 1, person, (px, py, px + card.width, py + card.height)))
    page = _toner(page, rng)
    truth = PageTruth(
        kind="id_cards",
        width=page.width,
        height=page.height,
        dpi=dpi,
        cards=tuple(cards),
        subkind="card_sheet",
    )
    return RenderedPage(page, truth)


def _toner(page: Image.Image, rng: random.Random) -> Image.Image:
    """A photocopier's grey cast: the white is not white, and toner is spread a little unevenly."""
    arr = np.asarray(page, np.float32)
    h, w = arr.shape
    np_rng = np.random.default_rng(rng.randrange(2**32))
    low = np_rng.normal(0, 1, (8, 6)).astype(np.float32)
    field = np.asarray(Image.fromarray(low).resize((w, h), Image.Resampling.BICUBIC), np.float32)
    paper = rng.uniform(225, 245) + 6 * field
    out = arr / 255.0 * paper
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "L")


__all__ = ["CARD_H_MM", "render_card_photo", "render_card_sheet"]
