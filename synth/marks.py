"""Hand marks on a form: a scribbled signature (pen strokes) and a thumbprint (inked ridges)."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
from PIL import Image

from synth.canvas import Canvas, Color

PENS: tuple[Color, ...] = ((25, 45, 150), (30, 30, 40), (20, 30, 110), (45, 60, 170))
PAD_INKS: tuple[Color, ...] = ((70, 50, 120), (40, 40, 60), (50, 60, 140))

Stroke = list[tuple[float, float]]


def _chaikin(points: Stroke, rounds: int = 3) -> Stroke:
    for _ in range(rounds):
        smooth: Stroke = [points[0]]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            smooth.append((0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by))
            smooth.append((0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by))
        smooth.append(points[-1])
        points = smooth
    return points


def signature_strokes(rng: random.Random) -> list[Stroke]:
    """A scribble in the unit square: one or two looping strokes and often an underline flourish."""
    strokes: list[Stroke] = []
    for part in range(rng.choice((1, 1, 2))):
        x = 0.05 + part * 0.45 + rng.uniform(0, 0.08)
        end = min(0.95, x + rng.uniform(0.35, 0.8))
        pts: Stroke = [(x, rng.uniform(0.35, 0.75))]
        while x < end:
            x += rng.uniform(0.03, 0.11)
            y = rng.uniform(0.1, 0.9)
            pts.append((x, y))
            if rng.random() < 0.3:  # a loop back
                pts.append((x - rng.uniform(0.03, 0.08), rng.uniform(0.15, 0.85)))
        strokes.append(_chaikin(pts))
    if rng.random() < 0.7:
        y = rng.uniform(0.7, 0.92)
        x0, x1 = rng.uniform(0.02, 0.3), rng.uniform(0.6, 0.98)
        tail: Stroke = [(x1, y - 0.05), ((x0 + x1) / 2, y + rng.uniform(-0.05, 0.05)), (x0, y + 0.03)]
        strokes.append(_chaikin(tail, 2))
    return strokes


def draw_signature(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """Scribble a signature inside `box` (mm); it fills 50-90 % of the box, off-centre."""
    x0, y0, x1, y1 = box
    w, h = (x1 - x0) * rng.uniform(0.5, 0.9), (y1 - y0) * rng.uniform(0.5, 0.85)
    ox, oy = x0 + rng.uniform(0, (x1 - x0) - w), y0 + rng.uniform(0, (y1 - y0) - h)
    slant = rng.uniform(-0.25, 0.1)
    color = rng.choice(PENS)
    width = rng.uniform(0.25, 0.5)
    for stroke in signature_strokes(rng):
        canvas.polyline(
            [(ox + (px + slant * (1 - py)) * w * 0.85, oy + py * h) for px, py in stroke], width, color
        )


def thumbprint(rng: random.Random, width: int, height: int, ink: Color | None = None) -> Image.Image:
    """An RGBA thumbprint: concentric, slightly warped ridges in an oval blob with patchy ink."""
    ink = ink or rng.choice(PAD_INKS)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width * rng.uniform(0.45, 0.55), height * rng.uniform(0.4, 0.5)
    a, b = width * 0.42, height * 0.46
    nx, ny = (xx - cx) / a, (yy - cy) / b
    angle = rng.uniform(-0.4, 0.4)
    rx, ry = nx * math.cos(angle) - ny * math.sin(angle), nx * math.sin(angle) + ny * math.cos(angle)
    r = np.sqrt(rx * rx + (ry * 1.15) ** 2)
    warp = 0.04 * np.sin(rx * rng.uniform(2, 5) + rng.uniform(0, 6)) + 0.03 * np.cos(ry * rng.uniform(2, 5))
    ridges = 0.5 + 0.5 * np.sin(2 * math.pi * (r + warp) * rng.uniform(11, 16))
    blob = np.clip((1.0 - np.sqrt(nx * nx + ny * ny)) * 6.0, 0.0, 1.0)
    patch = 0.55 + 0.45 * np.sin(xx / width * rng.uniform(3, 7) + rng.uniform(0, 6)) * np.cos(yy / height * 4)
    alpha = np.clip(ridges**1.5 * blob * np.clip(patch + 0.3, 0, 1) * 255, 0, 255).astype(np.uint8)
    img = Image.new("RGBA", (width, height), (*ink, 0))
    img.putalpha(Image.fromarray(alpha, "L"))
    return img


def draw_thumbprint(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """Press a thumb of about 16 x 22 mm somewhere in `box` (mm)."""
    x0, y0, x1, y1 = box
    w, h = min(16.0, (x1 - x0) * 0.8), min(22.0, (y1 - y0) * 0.85)
    ox, oy = x0 + rng.uniform(0.05, 0.95) * ((x1 - x0) - w), y0 + rng.uniform(0.1, 0.9) * ((y1 - y0) - h)
    px = max(8, round(w / 25.4 * min(canvas.dpi, 200)))
    py = max(8, round(h / 25.4 * min(canvas.dpi, 200)))
    canvas.image(thumbprint(rng, px, py), ox, oy, ox + w, oy + h)


def draw_mark(canvas: Canvas, rng: random.Random, kind: str, box: tuple[float, float, float, float]) -> None:
    """`kind` is "signature", "thumbprint" or "empty" (draws nothing)."""
    if kind == "signature":
        draw_signature(canvas, rng, box)
    elif kind == "thumbprint":
        draw_thumbprint(canvas, rng, box)
