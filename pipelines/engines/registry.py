"""The engines a worker process uses, built once per process and lazily.

Nothing starts at import time: `Engines()` only records the settings; the first access to
`.tesseract` opens Tesseract, the first access to `.rapid` loads RapidOCR's models (when
the package and `pipelines.engines.rapid` are present; otherwise `.rapid` is None).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

import numpy as np

from pipelines.engines.base import OcrEngine
from pipelines.engines.tesseract import TESSDATA, TesseractEngine


class Engines:
    """A small container of OCR engines: `tesseract` always, `rapid` when available."""

    def __init__(self, *, tessdata: str = TESSDATA, lang: str = "ind", use_rapid: bool = True) -> None:
        self._tessdata = tessdata
        self._lang = lang
        self._use_rapid = use_rapid
        self._lock = threading.Lock()
        self._tesseract: TesseractEngine | None = None
        self._tesseract_check: TesseractEngine | None = None
        self._rapid: OcrEngine | None = None
        self._rapid_tried = False

    @property
    def tesseract(self) -> TesseractEngine:
        if self._tesseract is None:
            with self._lock:
                if self._tesseract is None:
                    self._tesseract = TesseractEngine(tessdata=self._tessdata, lang=self._lang)
        return self._tesseract

    @property
    def tesseract_check(self) -> TesseractEngine:
        """Tesseract with its English model: the second reading of a name. Another model errs
        elsewhere: at 150 dpi it read GILANG, SUBAGYO and MUSTAQI'IN where the Indonesian model
        read SILANG, SUBASYO and MUSTAOI'IN at 0.98, twice."""
        if self._tesseract_check is None:
            with self._lock:
                if self._tesseract_check is None:
                    self._tesseract_check = TesseractEngine(tessdata=self._tessdata, lang="eng")
        return self._tesseract_check

    @property
    def rapid(self) -> OcrEngine | None:
        if not self._rapid_tried:
            with self._lock:
                if not self._rapid_tried:
                    self._rapid = self._build_rapid() if self._use_rapid else None
                    self._rapid_tried = True
        return self._rapid

    @staticmethod
    def _build_rapid() -> OcrEngine | None:
        try:
            module: Any = importlib.import_module("pipelines.engines.rapid")
        except ImportError:
            return None
        factory = getattr(module, "RapidEngine", None)
        if factory is None:
            return None
        try:
            engine: OcrEngine = factory()
        except Exception:  # models missing or onnxruntime broken: run on Tesseract alone
            return None
        return engine

    def warm(self, *, this_thread: bool = True) -> None:
        """Load the engines' models now, not on the first page read: a worker at its start, a
        benchmark before its clock runs. The first page otherwise pays ~1-2 s for them, most of
        it RapidOCR's (importing onnx, rewriting its models, building their sessions), which
        every thread shares. Tesseract opens per thread: `this_thread` opens the calling
        thread's too (~35 MB for both models), which only helps where that thread reads pages."""
        blank = np.full((32, 96), 255, np.uint8)
        if this_thread:
            self.tesseract.read_line(blank)
            self.tesseract_check.read_line(blank)
        if self.rapid is not None:
            self.rapid.read_line(blank)

    def close(self) -> None:
        for engine in (self._tesseract, self._tesseract_check):
            if engine is not None:
                engine.close()
        self._tesseract = self._tesseract_check = None
