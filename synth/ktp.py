"""The e-KTP card (85.6 x 54 mm, DOMAIN.md §2), as a colour card or a grey photocopy of one.

Layout, in mm from the card's top-left: header (PROVINSI, KABUPATEN/KOTA) centred on the
text area, the NIK line in a heavy monospace, thirteen labelled lines, and on the right the
photo, the place and date of issue, and the holder's signature.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from synth.canvas import Font, PilCanvas, fit_text
from synth.marks import draw_signature
from synth.people import Person
from synth.regions import regency_for

CARD_W_MM, CARD_H_MM = 85.6, 54.0
_LABEL = Font("sans", 6.1)
_HEADER = Font("sans", 8.6, True)
_NIK = Font("ktp", 12.5, True)
_CARD_INK = (20, 20, 30)


def _background(width: int, height: int, rng: random.Random) -> Image.Image:
    """Light blue with a faint guilloche; one of a few cached variants (it is the slow part of a card)."""
    return _background_variant(width, height, rng.randrange(6)).copy()


@lru_cache(maxsize=32)
def _background_variant(width: int, height: int, variant: int) -> Image.Image:
    rng = random.Random(f"ktp-background:{variant}")
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = xx / width, yy / height
    f1, f2, ph = rng.uniform(40, 70), rng.uniform(4, 9), rng.uniform(0, 6.3)
    waves = np.sin(2 * np.pi * (u * f1 + 0.6 * np.sin(2 * np.pi * v * f2 + ph)))
    waves2 = np.sin(2 * np.pi * (v * f1 * 0.7 + 0.5 * np.sin(2 * np.pi * u * f2 * 0.8)))
    pattern = (np.abs(waves) < 0.12).astype(np.float32) + 0.6 * (np.abs(waves2) < 0.10).astype(np.float32)
    shade = 0.5 * u + 0.5 * (1 - v)
    base = np.array(
        rng.choice(((188, 218, 236), (200, 226, 238), (182, 212, 232), (205, 228, 232))), np.float32
    )
    rgb = (
        base[None, None, :]
        + (shade[..., None] * 22)
        - pattern[..., None] * np.array([28, 18, 10], np.float32)
    )
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def _photo(width: int, height: int, rng: random.Random) -> Image.Image:
    """A passport-style placeholder: plain red or blue backdrop with a grey head-and-shoulders shape."""
    back = rng.choice(((190, 40, 40), (40, 70, 170), (170, 30, 30)))
    img = Image.new("RGB", (width, height), back)
    d = ImageDraw.Draw(img)
    tone = rng.randint(95, 150)
    d.ellipse((width * 0.28, height * 0.16, width * 0.72, height * 0.62), fill=(tone, tone, tone))
    d.ellipse(
        (width * 0.05, height * 0.62, width * 0.95, height * 1.25), fill=(tone - 40, tone - 40, tone - 35)
    )
    return img.filter(ImageFilter.GaussianBlur(max(1, width // 60)))


def card_lines(person: Person, rng: random.Random) -> list[tuple[str, str, float]]:
    """(label, value, label indent mm) for the lines below the NIK, in card order."""
    return [
        ("Nama", person.name, 0.0),
        ("Tempat/Tgl Lahir", f"{person.birth_place}, {person.birth_date_text}", 0.0),
        ("Jenis Kelamin", person.sex_word, 0.0),
        ("Alamat", person.address, 0.0),
        ("RT/RW", f"{person.rt}/{person.rw}", 2.0),
        ("Kel/Desa", person.kel_desa, 2.0),
        ("Kecamatan", person.district_name, 2.0),
        ("Agama", person.religion, 0.0),
        ("Status Perkawinan", person.marital_word, 0.0),
        ("Pekerjaan", person.occupation, 0.0),
        ("Kewarganegaraan", "WNI", 0.0),
        ("Berlaku Hingga", "SEUMUR HIDUP", 0.0),
    ]


def render_card(person: Person, seed: int | str, width_px: int = 1000) -> Image.Image:
    """The front of an e-KTP, colour, `width_px` wide (85.6 x 54 mm proportions), RGB."""
    rng = random.Random(f"card:{seed}:{person.nik}")
    dpi = max(30, round(width_px / CARD_W_MM * 25.4))
    canvas = PilCanvas(CARD_W_MM, CARD_H_MM, dpi)
    size = canvas.image_out.size
    canvas.image_out.paste(_background(size[0], size[1], rng))
    regency = regency_for(person.district_code)
    mid = CARD_W_MM / 2
    for y, text in ((5.6, f"PROVINSI {regency.province}"), (9.4, regency.title)):
        font = fit_text(canvas, text, _HEADER, 76.0)
        canvas.text(mid - canvas.text_width(text, font) / 2, y, text, font, _CARD_INK)
    x_label, x_colon, x_value = 2.6, 21.4, 22.6
    canvas.text(x_label, 15.2, "NIK", _HEADER.sized(9.5), _CARD_INK)
    canvas.text(x_colon - 0.6, 15.2, ":", _HEADER.sized(9.5), _CARD_INK)
    canvas.text(
        x_value - 0.6, 15.4, person.nik, fit_text(canvas, person.nik, _NIK, 61.8 - x_value), _CARD_INK
    )
    y, step = 19.6, 2.62
    for label, value, indent in card_lines(person, rng):
        canvas.text(x_label + indent, y, label, _LABEL, _CARD_INK)
        canvas.text(x_colon, y, ":", _LABEL, _CARD_INK)
        font = _LABEL
        while font.size > 4.5 and canvas.text_width(value, font) > 61.5 - x_value:
            font = font.sized(font.size - 0.3)
        canvas.text(x_value, y, value, font, _CARD_INK)
        if label == "Jenis Kelamin":
            canvas.text(41.0, y, f"Gol. Darah : {person.blood_type}", _LABEL, _CARD_INK)
        y += step
    k = dpi / 25.4
    photo_box = (63.0, 12.0, 81.0, 36.0)
    canvas.image(_photo(round(18 * k), round(24 * k), rng), *photo_box)
    issue_city = regency.title.replace("KABUPATEN ", "")
    issued = dt.date(rng.randint(2012, 2023), rng.randint(1, 12), rng.randint(1, 28))
    for y, text in ((39.0, issue_city), (41.8, issued.strftime("%d-%m-%Y"))):
        f = Font("sans", 5.6)
        canvas.text(72.0 - canvas.text_width(text, f) / 2, y, text, f, _CARD_INK)
    draw_signature(canvas, rng, (63.0, 43.0, 82.0, 52.5))
    return _round_corners(canvas.image_out, round(3.0 * k))


def _round_corners(img: Image.Image, radius: int) -> Image.Image:
    """RGBA: transparent outside the card's rounded rectangle."""
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, img.size[0] - 1, img.size[1] - 1), radius, fill=255)
    out = img.convert("RGBA")
    out.putalpha(mask)
    return out


def photocopy(card: Image.Image, rng: random.Random) -> Image.Image:
    """A grey photocopy of a card: contrast pushed up, the pastel background washed to light grey."""
    alpha = card.getchannel("A") if card.mode == "RGBA" else None
    grey = ImageOps.grayscale(card.convert("RGB"))
    lo, hi = rng.randint(30, 70), rng.randint(185, 225)
    lut = [0 if v <= lo else 255 if v >= hi else round((v - lo) * 255 / (hi - lo)) for v in range(256)]
    grey = grey.point(lut)
    edge = ImageDraw.Draw(grey)  # the card's edge prints as a grey outline
    radius = round(grey.width * 0.035)
    edge.rounded_rectangle(
        (0, 0, grey.width - 1, grey.height - 1),
        radius,
        outline=rng.randint(90, 160),
        width=max(1, grey.width // 400),
    )
    out = Image.merge("RGBA", (grey, grey, grey, alpha or Image.new("L", card.size, 255)))
    return out
