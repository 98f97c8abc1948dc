"""Tesseract, kept open in-process through tesserocr (no subprocess, no image files).

Why in-process: `pytesseract` starts a process per call (~70 ms), which is more than the
recognition of a table cell itself. One `PyTessBaseAPI` is opened per thread and per
language and then reused; images go in as raw bytes (`SetImageBytes`), never as files.

Timeouts: tesserocr has no watchdog of its own, but `Recognize(timeout=ms)` hands a
deadline to Tesseract's progress monitor (`ETEXT_DESC`), which Tesseract checks between
words; a call that runs past it returns early and we raise `EngineTimeout`. Layout
analysis is not covered by the monitor, so a pathological page can overrun by the
layout time (a fraction of a second on a page); the worker's own actor time limit is the
outer bound.

`OMP_THREAD_LIMIT=1` is set by `TesseractEngine.__init__` *before* tesserocr is imported
(OpenMP reads it once, when libtesseract loads); the workers get their parallelism from
processes, and OpenMP threads inside each would only contend for the same cores.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import numpy as np

from pipelines.engines.base import EngineError, EngineTimeout, Image, OcrLine, OcrText

TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"

# Page segmentation modes (tesserocr.PSM values, repeated here so that importing this
# module does not load Tesseract).
PSM_AUTO = 3
PSM_SINGLE_BLOCK = 6
PSM_SINGLE_LINE = 7
PSM_SPARSE = 11


def _text(it: Any, level: int) -> str:
    try:
        return str(it.GetUTF8Text(level) or "")
    except RuntimeError:  # tesserocr raises on an empty element instead of returning ""
        return ""


def _load_tesserocr() -> Any:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tesserocr

    return tesserocr


class TesseractEngine:
    """`OcrEngine` on tesserocr. Safe to share between threads: each thread gets its own API."""

    name = "tesseract"

    def __init__(self, *, tessdata: str = TESSDATA, lang: str = "ind") -> None:
        self._tesserocr = _load_tesserocr()
        self._tessdata = tessdata
        self.lang = lang
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    # ---- the OcrEngine port -------------------------------------------------------------

    def read_line(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> OcrText:
        """One line; the confidence is that of the *weakest character* (not the mean), because
        one wrong digit makes a wrong NIK however sure the other fifteen are."""
        tr = self._tesserocr
        api = self._api()
        api.SetPageSegMode(PSM_SINGLE_LINE)
        api.SetVariable("tessedit_char_whitelist", charset or "")
        try:
            self._set_image(api, image)
            self._recognize(api, timeout)
            try:
                text = api.GetUTF8Text() or ""
            except RuntimeError:
                text = ""
            weakest = 100.0
            symbols: list[tuple[str, float]] = []
            boxes: list[tuple[int, int, int, int]] = []
            it = api.GetIterator()
            if it is not None:
                level = tr.RIL.SYMBOL
                while True:
                    char = _text(it, level).strip()
                    if char:
                        conf = float(it.Confidence(level))
                        weakest = min(weakest, conf)
                        symbols.append((char, max(0.0, min(1.0, conf / 100.0))))
                        box = it.BoundingBox(level)
                        boxes.append(tuple(int(v) for v in box) if box else (0, 0, 0, 0))  # type: ignore[arg-type]
                    if not it.Next(level):
                        break
        finally:
            api.SetVariable("tessedit_char_whitelist", "")
        text = " ".join(text.split())
        conf = weakest if text else 0.0
        return OcrText(
            text=text,
            confidence=max(0.0, min(1.0, conf / 100.0)),
            symbols=tuple(symbols),
            boxes=tuple(boxes) if len(boxes) == len(symbols) else (),
        )

    def read_lines(self, image: Image, *, timeout: float = 30.0) -> list[OcrLine]:
        return self.read_block(image, timeout=timeout, psm=PSM_AUTO)

    # ---- extras used by the stages ------------------------------------------------------

    def read_block(self, image: Image, *, timeout: float = 30.0, psm: int = PSM_AUTO) -> list[OcrLine]:
        """Text lines of a block in reading order, with `psm` chosen by the caller."""
        tr = self._tesserocr
        api = self._api()
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", "")
        self._set_image(api, image)
        self._recognize(api, timeout)
        lines: list[OcrLine] = []
        it = api.GetIterator()
        if it is None:
            return lines
        level = tr.RIL.TEXTLINE
        while True:
            text = _text(it, level)
            if text.strip():
                box = it.BoundingBox(level)
                if box is not None:
                    lines.append(
                        OcrLine(
                            text=" ".join(text.split()),
                            confidence=max(0.0, min(1.0, it.Confidence(level) / 100.0)),
                            box=(int(box[0]), int(box[1]), int(box[2]), int(box[3])),
                        )
                    )
            if not it.Next(level):
                break
        return lines

    def page_text(self, image: Image, *, timeout: float = 60.0) -> str:
        """Plain full-page text (PSM auto); used by the classifier's fallback and benchmarks."""
        api = self._api()
        api.SetPageSegMode(PSM_AUTO)
        api.SetVariable("tessedit_char_whitelist", "")
        self._set_image(api, image)
        self._recognize(api, timeout)
        return str(api.GetUTF8Text() or "")

    def detect_orientation(self, image: Image) -> tuple[int, float] | None:
        """(degrees the image is turned clockwise, confidence) from Tesseract OSD, or None."""
        api = self._osd_api()
        self._set_image(api, image)
        try:
            res = api.DetectOrientationScript()
        except RuntimeError:
            return None
        if not res:
            return None
        return int(res["orient_deg"]), float(res["orient_conf"])

    def close(self) -> None:
        with self._lock:
            for api in self._all:
                api.End()
            self._all.clear()
        self._local = threading.local()

    # ---- internals ----------------------------------------------------------------------

    def _api(self) -> Any:
        api = getattr(self._local, "api", None)
        if api is None:
            api = self._open(self.lang, PSM_SINGLE_LINE)
            self._local.api = api
        return api

    def _osd_api(self) -> Any:
        api = getattr(self._local, "osd", None)
        if api is None:
            api = self._open("osd", 0)  # PSM_OSD_ONLY
            self._local.osd = api
        return api

    def _open(self, lang: str, psm: int) -> Any:
        tr = self._tesserocr
        try:
            api = tr.PyTessBaseAPI(path=self._tessdata, lang=lang, psm=psm, oem=tr.OEM.LSTM_ONLY)
        except RuntimeError as exc:  # missing traineddata, bad path
            raise EngineError(f"tesseract could not start ({lang}): {exc}") from exc
        api.SetVariable("debug_file", "/dev/null")
        with self._lock:
            self._all.append(api)
        return api

    @staticmethod
    def _set_image(api: Any, image: Image) -> None:
        arr = np.ascontiguousarray(image)
        if arr.dtype != np.uint8:
            arr = arr.astype(np.uint8)
        if arr.ndim == 2:
            h, w = arr.shape
            api.SetImageBytes(arr.tobytes(), w, h, 1, w)
        elif arr.ndim == 3 and arr.shape[2] in (3, 4):
            h, w, c = arr.shape
            api.SetImageBytes(arr.tobytes(), w, h, c, w * c)
        else:
            raise EngineError(f"unsupported image shape {arr.shape}")
        # The source resolution matters for Tesseract's size heuristics; our crops come from
        # pages rendered near 300 dpi.
        api.SetSourceResolution(300)

    @staticmethod
    def _recognize(api: Any, timeout: float) -> None:
        start = time.monotonic()
        ok = api.Recognize(timeout=max(1, int(timeout * 1000)))
        if not ok:
            if time.monotonic() - start >= timeout * 0.95:
                raise EngineTimeout(f"tesseract exceeded {timeout:.1f} s")
            raise EngineError("tesseract failed to recognise the image")
