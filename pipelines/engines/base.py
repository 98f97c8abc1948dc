"""The port every OCR engine implements. Stages ask for an engine; they never start one.

Images are passed as numpy arrays (grayscale uint8 or RGB) or PIL images, never as files:
no PNG round-trip between stages and engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]


class EngineError(Exception):
    """An engine failed to run (crash, missing data). Transient for the worker: it may retry."""


class EngineTimeout(EngineError):
    """An engine call exceeded its time limit."""


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float  # 0..1, of the weakest character
    # (character, confidence) of each recognised character, where the engine tells them
    symbols: tuple[tuple[str, float], ...] = ()
    # the box (x0, y0, x1, y1) of each of those characters in the image read, where told
    boxes: tuple[tuple[int, int, int, int], ...] = ()

    def confidence_of(self, characters: str) -> float:
        """The weakest confidence among the recognised `characters` only (say, a NIK's digits
        beside specks read as quotes and dots), else that of the whole reading."""
        mine = [c for ch, c in self.symbols if ch in characters]
        return min(mine) if mine else self.confidence


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float  # 0..1
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the input image


class OcrEngine(Protocol):
    """One OCR engine. Each call honours `timeout` (seconds) or raises `EngineTimeout`."""

    name: str

    def read_line(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> OcrText:
        """Read one line of text (a cell, a labelled value). `charset` restricts characters when given."""
        ...

    def read_lines(self, image: Image, *, timeout: float = 30.0) -> list[OcrLine]:
        """Find and read every text line of a block or page, in reading order."""
        ...
