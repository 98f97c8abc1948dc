"""Scan damage, applied to a rendered page: each step is a plain function of (image, rng), and
`degrade` applies a `Degradation` recipe and records what it did in the page truth.

Order (as in a real office): stamp on the paper, uneven toner, skew on the glass, sensor
noise and speckle, optics blur, colour mode, the page turned by 90° steps, bilevel, JPEG.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageOps

from synth.fonts import pil_font
from synth.truth import RenderedPage


@dataclass(frozen=True)
class Degradation:
    """A recipe; zeros and Nones mean "not applied". `rotation` turns the page counter-clockwise."""

    rotation: int = 0  # 0, 90, 180, 270
    skew: float = 0.0  # degrees, within ±5
    noise: float = 0.0  # Gaussian sensor noise, std in grey levels (0-20)
    speckle: float = 0.0  # share of pixels turned to dust (0-0.002)
    toner: float = 0.0  # strength of uneven photocopy toner (0-1)
    blur: float = 0.0  # Gaussian radius in pixels at 200 dpi (0-1.5)
    stamp: bool = False
    grayscale: bool = False
    bilevel: bool = False  # threshold to 1-bit, as a fax / CCITT G4 scan
    jpeg_quality: int | None = None  # 40-95: re-encode once


def random_degradation(rng: random.Random, *, allow_rotation: bool = True, strength: float = 1.0) -> Degradation:
    """A plausible office scan: mostly mild, sometimes rotated, sometimes bilevel or heavy JPEG."""
    bilevel = rng.random() < 0.15
    return Degradation(
        rotation=rng.choices((0, 90, 180, 270), weights=(70, 12, 8, 10))[0] if allow_rotation else 0,
        skew=round(rng.uniform(-5, 5) * strength if rng.random() < 0.6 else 0.0, 2),
        noise=rng.uniform(0, 10) * strength,
        speckle=rng.uniform(0, 0.0008) * strength if rng.random() < 0.5 else 0.0,
        toner=rng.uniform(0, 0.8) * strength if rng.random() < 0.4 else 0.0,
        blur=rng.uniform(0, 1.0) * strength if rng.random() < 0.5 else 0.0,
        stamp=rng.random() < 0.2,
        grayscale=rng.random() < 0.4,
        bilevel=bilevel,
        jpeg_quality=None if bilevel or rng.random() < 0.4 else rng.randint(40, 95),
    )


def degrade(page: RenderedPage, seed: int | str, recipe: Degradation | None = None) -> RenderedPage:
    """Apply `recipe` (random from `seed` when None); truth keeps upright coordinates and records the turn."""
    rng = random.Random(f"degrade:{seed}")
    recipe = recipe or random_degradation(rng)
    if recipe.rotation % 90 or not -5.0 <= recipe.skew <= 5.0:
        raise ValueError("rotation must be a multiple of 90 and skew within ±5°")
    img = page.image
    applied: list[str] = []
    scale = page.truth.dpi / 200
    if recipe.stamp:
        img = add_stamp(img, rng)
        applied.append("stamp")
    if recipe.grayscale and img.mode != "L":  # early: every later step is then 3x cheaper
        img = ImageOps.grayscale(img)
        applied.append("grayscale")
    if recipe.toner:
        img = uneven_toner(img, rng, recipe.toner)
        applied.append(f"toner:{recipe.toner:.2f}")
    if recipe.skew:
        img = skew(img, recipe.skew)
        applied.append(f"skew:{recipe.skew:.2f}")
    if recipe.noise or recipe.speckle:
        img = add_noise(img, rng, recipe.noise, recipe.speckle)
        applied.append(f"noise:{recipe.noise:.1f}/{recipe.speckle:.4f}")
    if recipe.blur:
        img = blur(img, recipe.blur * scale)
        applied.append(f"blur:{recipe.blur:.2f}")
    if recipe.rotation % 360:
        img = rotate90(img, recipe.rotation)
        applied.append(f"rotate:{recipe.rotation % 360}")
    if recipe.bilevel:
        img = bilevel(img)
        applied.append("bilevel")
    elif recipe.jpeg_quality:
        img = jpeg_roundtrip(img, recipe.jpeg_quality)
        applied.append(f"jpeg:{recipe.jpeg_quality}")
    truth = page.truth.with_degradation(
        rotation=(360 - recipe.rotation % 360) % 360, skew=recipe.skew, applied=tuple(applied)
    )
    return RenderedPage(img, truth)


def rotate90(img: Image.Image, degrees: int) -> Image.Image:
    """Turn counter-clockwise by a multiple of 90° (lossless)."""
    turns = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    d = degrees % 360
    return img if d == 0 else img.transpose(turns[d])


def skew(img: Image.Image, degrees: float) -> Image.Image:
    """Turn by a small angle (counter-clockwise) about the centre, same size, the uncovered corners white."""
    arr = _array(img)
    h, w = arr.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    border = (255, 255, 255) if arr.ndim == 3 else 255
    out = cv2.warpAffine(
        arr, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )
    return Image.fromarray(out, "RGB" if arr.ndim == 3 else "L")


def blur(img: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur of `radius` pixels (sigma)."""
    arr = _array(img)
    out = cv2.GaussianBlur(arr, (0, 0), sigmaX=max(0.1, radius))
    return Image.fromarray(out, "RGB" if arr.ndim == 3 else "L")


def _array(img: Image.Image) -> NDArray[np.uint8]:
    """uint8 L or RGB pixels of any image."""
    if img.mode not in ("L", "RGB"):
        img = img.convert("L" if img.mode in ("1", "LA", "I", "F") else "RGB")
    return np.asarray(img)


def add_noise(img: Image.Image, rng: random.Random, sigma: float, speckle: float) -> Image.Image:
    """Sensor noise (one grey field for all channels, so it stays cheap) plus dark and light dust."""
    np_rng = np.random.default_rng(rng.randrange(2**32))
    arr = _array(img).astype(np.int16)
    h, w = arr.shape[:2]
    if sigma > 0:
        field = _noise_field(h, w, sigma, np_rng)
        arr += field[..., None] if arr.ndim == 3 else field
    if speckle > 0:
        count = int(h * w * speckle)
        ys, xs = np_rng.integers(0, h, count), np_rng.integers(0, w, count)
        values = np.where(np_rng.random(count) < 0.75, 20, 255).astype(np.int16)
        for dy in (0, 1):  # 2x2 dust, visible at any dpi
            yy = np.minimum(ys + dy, h - 1)
            for dx in (0, 1):
                xx = np.minimum(xs + dx, w - 1)
                if arr.ndim == 3:
                    arr[yy, xx, :] = values[:, None]
                else:
                    arr[yy, xx] = values
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB" if arr.ndim == 3 else "L")


def _noise_field(h: int, w: int, sigma: float, np_rng: np.random.Generator) -> NDArray[np.int16]:
    """Gaussian noise for an h x w page: a random 512-px tile, flipped and shifted per block (fast and
    without visible repeats at scan scale)."""
    tile = (np_rng.standard_normal((512, 512), dtype=np.float32) * sigma).astype(np.int16)
    reps = (h // 512 + 2, w // 512 + 2)
    field = np.tile(tile, reps)
    oy, ox = int(np_rng.integers(0, 512)), int(np_rng.integers(0, 512))
    field = field[oy : oy + h, ox : ox + w]
    return field[::-1] if np_rng.random() < 0.5 else field


def uneven_toner(img: Image.Image, rng: random.Random, strength: float) -> Image.Image:
    """Low-frequency fading of the ink plus a darker streak along the feed direction."""
    np_rng = np.random.default_rng(rng.randrange(2**32))
    w, h = img.size
    low = np_rng.normal(0, 1, (6, 5)).astype(np.float32)
    low = (low - low.min()) / (float(np.ptp(low)) + 1e-6)
    # fade as an 8-bit "keep" factor: 255 keeps all the ink, lower values lighten it
    keep = np.clip((1.0 - 0.35 * strength * low) * 255, 76, 255).astype(np.uint8)
    keep_full = cv2.resize(keep, (w, h), interpolation=cv2.INTER_CUBIC)
    arr = _array(img)
    ink = cv2.subtract(np.full_like(arr, 255), arr)
    if arr.ndim == 3:
        keep_full = cv2.merge([keep_full] * 3)
    ink = cv2.multiply(ink, keep_full, scale=1 / 255)
    out = cv2.subtract(np.full_like(arr, 255), ink)
    x = rng.randrange(w)
    band = max(2, w // 150)
    streak = round(rng.uniform(15, 45) * strength)
    out[:, x : x + band] = cv2.subtract(out[:, x : x + band], np.full_like(out[:, x : x + band], streak))
    return Image.fromarray(out, "RGB" if arr.ndim == 3 else "L")


def bilevel(img: Image.Image, threshold: int | None = None) -> Image.Image:
    """1-bit by a global threshold (default: 60 % between the darkest and the paper)."""
    grey = img if img.mode == "L" else ImageOps.grayscale(img.convert("RGB"))
    if threshold is None:
        lo, hi = np.percentile(np.asarray(grey), (0.5, 99.5))
        threshold = int(lo + 0.6 * (hi - lo))
    return grey.point(lambda v: 255 if v > threshold else 0).convert("1", dither=Image.Dither.NONE)


def jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("L" if img.mode in ("L", "1") else "RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


_STAMP_INKS = ((40, 60, 170), (120, 40, 140), (170, 40, 50), (90, 90, 90))


def add_stamp(img: Image.Image, rng: random.Random, centre: tuple[float, float] | None = None) -> Image.Image:
    """A round rubber stamp (two rings, a star, text) pressed in ink over the page, often over
    text; where `centre` says (px), else anywhere below the page's top tenth."""
    w, h = img.size
    d = round(min(w, h) * rng.uniform(0.16, 0.24))
    ink = rng.choice(_STAMP_INKS)
    stamp = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(stamp)
    lw = max(2, d // 45)
    draw.ellipse((lw, lw, d - lw, d - lw), outline=255, width=lw * 2)
    inner = d * 0.18
    draw.ellipse((inner, inner, d - inner, d - inner), outline=255, width=lw)
    text = rng.choice(("DITERIMA", "KPU", "TIM PENGHUBUNG", "PPS", "SAH"))
    font = pil_font("sans", True, max(8, d // (len(text) + 3) * 2))
    draw.text((d / 2, d / 2), text, font=font, fill=255, anchor="mm")
    small = pil_font("sans", True, max(6, d // 14))
    for i, ch in enumerate("PANITIA PEMUNGUTAN SUARA * "):  # text around the ring
        a = -math.pi * 0.9 + i * (1.8 * math.pi / 27)
        r = d / 2 - d * 0.1
        draw.text((d / 2 + r * math.cos(a), d / 2 + r * math.sin(a)), ch, font=small, fill=255, anchor="mm")
    stamp = stamp.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC)
    np_rng = np.random.default_rng(rng.randrange(2**32))
    patchy = (np.asarray(stamp, np.float32) * np_rng.uniform(0.45, 0.95, (d, d))).astype(np.uint8)
    if centre is None:
        x, y = rng.randrange(0, max(1, w - d)), rng.randrange(round(h * 0.1), max(round(h * 0.1) + 1, h - d))
    else:
        x, y = min(max(0, round(centre[0] - d / 2)), w - d), min(max(0, round(centre[1] - d / 2)), h - d)
    base = np.array(img.convert("RGB"), np.float32)
    cover = patchy[: h - y, : w - x, np.newaxis].astype(np.float32) / 255
    # Stamp ink is a translucent dye over the print: it filters the light, it does not paint over
    # the toner (subtractive mixing), so print under the ring stays at least as dark as it was.
    filt = 1.0 - cover * (1.0 - np.asarray(ink, np.float32) / 255)
    base[y : y + cover.shape[0], x : x + cover.shape[1]] *= filt
    out = Image.fromarray(np.clip(base + 0.5, 0, 255).astype(np.uint8), "RGB")
    return out if img.mode == "RGB" else out.convert(img.mode if img.mode == "L" else "RGB")
