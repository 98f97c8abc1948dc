"""RapidOCR (PP-OCRv4 detection + recognition on onnxruntime, models inside the wheel).

Why this engine: on real e-KTPs it found the exact NIK on 12 of 12 cards where plain
Tesseract found 0, and recognising one pre-cropped line takes ~25 ms.

- Loaded lazily, once per engine object (the models cost ~1 s and ~150 MB); nothing
  happens at import time. One object per worker process is enough: calls are serialised.
- Every call runs on the engine's own worker thread under a deadline. On timeout the
  running onnxruntime call is cancelled through `RunOptions.terminate`, so a stuck call
  does not keep burning CPU behind the caller's back, and `EngineTimeout` is raised.
- `read_line` is recognition only (the caller has cropped the line). With `charset`
  the CTC decoder only considers those characters (a digits-only NIK reading cannot
  produce "O" or "l"), and the confidence is the weakest character's probability, because
  in a field such as a NIK every character matters.
- All text is NFKC-normalised (the model can emit full-width digits and punctuation).
"""

from __future__ import annotations

import importlib
import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.engines.base import EngineError, EngineTimeout, Image, OcrLine, OcrText
from pipelines.normalize import nfkc

T = TypeVar("T")

_REC_HEIGHT = 48  # the PP-OCRv4 recogniser's input height
_REC_MIN_WIDTH = 320
_REC_BATCH = 8
_REC_SPREAD = 1.4  # widest / narrowest crop in one recognition batch


@dataclass(frozen=True)
class CharRead:
    """One recognised character and the probability the recogniser gave it."""

    char: str
    confidence: float


@dataclass(frozen=True)
class LineDetail:
    """A line read character by character (for fields where one weak digit matters)."""

    text: str
    chars: tuple[CharRead, ...]

    @property
    def confidence(self) -> float:
        return min((c.confidence for c in self.chars), default=0.0)


class _CancellableSession:
    """Stands in for an onnxruntime InferenceSession inside RapidOCR and passes the
    engine's current RunOptions to every run, so a timed-out call can be terminated."""

    def __init__(self, session: Any, owner: RapidEngine) -> None:
        self._session = session
        self._owner = owner

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        return self._session.run(output_names, input_feed, self._owner._run_options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class RapidEngine:
    """`OcrEngine` on RapidOCR. `threads` limits onnxruntime's intra-op threads (None: all cores)."""

    name = "rapid"

    def __init__(self, *, threads: int | None = 1, use_angle_classifier: bool = True) -> None:
        self._threads = threads
        self._use_cls = use_angle_classifier
        self._ocr: Any = None
        self._charset_cache: dict[str, _Restriction] = {}
        self._load_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._run_options: Any = None
        self._ort: Any = None

    # -- lifecycle -------------------------------------------------------------------

    def _load(self) -> Any:
        with self._load_lock:
            if self._ocr is None:
                from rapidocr_onnxruntime import RapidOCR

                kwargs: dict[str, Any] = {"text_score": 0.3}
                if self._threads is not None:
                    kwargs["intra_op_num_threads"] = self._threads
                    kwargs["inter_op_num_threads"] = 1
                self._ort = importlib.import_module("onnxruntime")
                try:
                    ocr = RapidOCR(**kwargs)
                    for part in (ocr.text_det, ocr.text_cls, ocr.text_rec):
                        # OrtInferSession wrappers are named `infer` or `session` by the version.
                        ort_session = getattr(part, "infer", None) or part.session
                        ort_session.session = _CancellableSession(self._streamlined(ort_session.session), self)
                except Exception as exc:  # a missing model or a broken wheel
                    raise EngineError(f"RapidOCR failed to load: {type(exc).__name__}") from exc
                self._run_options = self._ort.RunOptions()
                self._ocr = ocr
            return self._ocr

    def _streamlined(self, session: Any) -> Any:
        """A session on `session`'s model rewritten by `onnx_graph.streamlined` (the same
        function, about 30 % faster), with its options and providers; `session` itself when
        its model file is not known (a model given as bytes)."""
        path = getattr(session, "_model_path", None)
        if not path:
            return session
        import onnx  # (with the models: nothing is loaded at import time)

        from pipelines.engines.onnx_graph import streamlined

        model = streamlined(onnx.load(path))
        return self._ort.InferenceSession(
            model.SerializeToString(), sess_options=session.get_session_options(), providers=session.get_providers()
        )

    def close(self) -> None:
        """Stop the worker thread (the models stay loaded until the object goes)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _call(self, fn: Callable[[], T], timeout: float) -> T:
        ocr = self._load()
        del ocr
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapidocr")
        future: Future[T] = self._executor.submit(self._guarded, fn)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            if not future.cancel():
                self._run_options.terminate = True  # the worker resets it when it next starts
            raise EngineTimeout(f"RapidOCR exceeded {timeout:.1f} s") from None

    def _guarded(self, fn: Callable[[], T]) -> T:
        self._run_options = self._ort.RunOptions()
        try:
            return fn()
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"RapidOCR failed: {type(exc).__name__}: {exc}") from exc

    # -- OcrEngine -------------------------------------------------------------------

    def read_line(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> OcrText:
        detail = self.read_line_detail(image, charset=charset, timeout=timeout)
        if charset is None:
            conf = float(np.mean([c.confidence for c in detail.chars])) if detail.chars else 0.0
        else:
            conf = detail.confidence
        return OcrText(detail.text, _clip(conf), tuple((c.char, _clip(c.confidence)) for c in detail.chars))

    def read_lines(self, image: Image, *, timeout: float = 30.0) -> list[OcrLine]:
        bgr = _to_bgr(image)

        def run() -> list[OcrLine]:
            result, _ = self._ocr(bgr, use_det=True, use_cls=self._use_cls, use_rec=True)
            lines: list[OcrLine] = []
            for quad, text, score in result or ():
                lines.append(OcrLine(nfkc(str(text)), _clip(float(score)), _quad_box(quad)))
            return reading_order(lines)

        return self._call(run, timeout)

    # -- beyond the port -------------------------------------------------------------

    def read_line_detail(self, image: Image, *, charset: str | None = None, timeout: float = 10.0) -> LineDetail:
        """`read_line` with every character's probability."""
        return self.read_lines_detail([image], charset=charset, timeout=timeout)[0]

    def read_lines_detail(
        self, images: Sequence[Image], *, charset: str | None = None, timeout: float = 10.0
    ) -> list[LineDetail]:
        """Recognise several pre-cropped lines in one batch (no detection)."""
        crops = [_to_bgr(im) for im in images]

        def run() -> list[LineDetail]:
            return [d for d, _ in self._recognise_batch(crops, charset)]

        return self._call(run, timeout)

    def read_lines_twice(
        self, images: Sequence[Image], *, charset: str, timeout: float = 10.0
    ) -> list[tuple[LineDetail, LineDetail]]:
        """Each line decoded twice from one recognition pass: freely, and restricted to
        `charset` (what a line says, and what it says if it is a number field)."""
        crops = [_to_bgr(im) for im in images]

        def run() -> list[tuple[LineDetail, LineDetail]]:
            free = self._recognise_batch(crops, None, also=charset)
            return [(f, r if r is not None else f) for f, r in free]

        return self._call(run, timeout)

    def detect(
        self, image: Image, *, max_side: int | None = None, timeout: float = 30.0
    ) -> list[tuple[int, int, int, int]]:
        """Text-line boxes only (no recognition), in reading order, in `image` pixels.

        `max_side`: detect on a copy scaled down to this longest side (never up), which is
        much faster where the text is large (a card normalised to 1000 px reads well at
        ~600). Without it, RapidOCR's default applies (shorter side scaled up to 736).
        """
        bgr = _to_bgr(image)
        h, w = bgr.shape[:2]
        scale = 1.0
        if max_side is not None and max(h, w) > max_side:
            scale = max_side / max(h, w)
            small = cv2.resize(bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
            bgr = np.ascontiguousarray(small, dtype=np.uint8)

        def run() -> list[tuple[int, int, int, int]]:
            det = self._ocr.text_det
            default = det.limit_side_len
            if max_side is not None:
                det.limit_side_len = min(bgr.shape[:2])  # "min" mode: no scaling up
            try:
                result, _ = self._ocr(bgr, use_det=True, use_cls=False, use_rec=False)
            finally:
                det.limit_side_len = default
            boxes = []
            for quad in result or ():
                x0, y0, x1, y1 = _quad_box(quad)
                boxes.append((int(x0 / scale), int(y0 / scale), math.ceil(x1 / scale), math.ceil(y1 / scale)))
            return [ln.box for ln in reading_order([OcrLine("", 1.0, b) for b in boxes])]

        return self._call(run, timeout)

    # -- internals -------------------------------------------------------------------

    def _recognise_batch(
        self, crops: list[NDArray[np.uint8]], charset: str | None, *, also: str | None = None
    ) -> list[tuple[LineDetail, LineDetail | None]]:
        """Recognise crops in batches of similar width (one onnxruntime call per batch);
        with `also`, each crop is decoded a second time restricted to that charset."""
        rec = self._ocr.text_rec
        characters: list[str] = rec.postprocess_op.character
        mask = self._restriction(characters, charset) if charset is not None else None
        second = self._restriction(characters, also) if also is not None else None
        empty = LineDetail("", ())
        out: list[tuple[LineDetail, LineDetail | None]] = [(empty, empty if also else None)] * len(crops)
        ratios = [max(c.shape[1] / max(1, c.shape[0]), _REC_MIN_WIDTH / _REC_HEIGHT) for c in crops]
        todo = sorted((i for i, c in enumerate(crops) if min(c.shape[:2]) >= 2), key=lambda i: ratios[i])
        for batch in _batches(todo, ratios):
            ratio = max(ratios[i] for i in batch)
            norm = np.concatenate([rec.resize_norm_img(crops[i], ratio)[np.newaxis] for i in batch])
            preds = rec.session(norm.astype(np.float32))[0]  # (batch, time steps, classes), softmax
            for k, i in enumerate(batch):
                p = preds[k]
                restricted = None if second is None else _ctc_decode(second.apply(p), characters)
                if mask is not None:
                    p = mask.apply(p)
                out[i] = (_ctc_decode(p, characters), restricted)
        return out

    def _restriction(self, characters: list[str], charset: str) -> _Restriction:
        got = self._charset_cache.get(charset)
        if got is None:
            allowed = set(charset)
            keep = np.array([i == 0 or nfkc(ch) in allowed for i, ch in enumerate(characters)], dtype=bool)
            to = {c: j for j, c in enumerate(characters) if j and keep[j]}
            moved = [
                (i, to[t])
                for i, ch in enumerate(characters)
                if i and not keep[i] and (t := _stands_for(nfkc(ch), allowed)) in to
            ]
            got = _Restriction(
                keep, np.array([i for i, _ in moved], dtype=np.intp), np.array([j for _, j in moved], dtype=np.intp)
            )
            self._charset_cache[charset] = got
        return got


# Where only letters can stand (a name read in capitals), these glyphs are the letter they look
# like: RapidOCR gave a name's last I 0.07 beside "1" at 0.90, and 0.12 beside "!" at 0.86.
_AS_LETTER = {"0": "O", "1": "I", "!": "I", "|": "I", "5": "S", "8": "B", "6": "G", "2": "Z"}


def _stands_for(ch: str, allowed: set[str]) -> str | None:
    """The allowed letter a recogniser's class `ch` (not allowed itself) stands for: its
    capital, or the letter a digit or a stroke looks like; None: none (its probability is
    dropped). Only letters are stood for, so a digit field keeps its doubt between digit and
    letter shapes."""
    upper = ch.upper()
    if upper != ch and upper in allowed:
        return upper
    letter = _AS_LETTER.get(ch)
    return letter if letter in allowed else None


@dataclass(frozen=True)
class _Restriction:
    """A charset on the recogniser's classes: `keep` the allowed ones; the probability of
    class `src[k]` goes to allowed class `dst[k]` (a glyph that stands for it) first."""

    keep: NDArray[np.bool_]
    src: NDArray[np.intp]
    dst: NDArray[np.intp]

    def apply(self, preds: NDArray[np.float32]) -> NDArray[np.float32]:
        if len(self.src):
            preds = preds.copy()
            np.add.at(preds.T, self.dst, preds.T[self.src])
        return np.where(self.keep[np.newaxis, :], preds, 0.0).astype(np.float32)


def _batches(todo: list[int], ratios: list[float]) -> list[list[int]]:
    """Crops (sorted by width/height ratio) in batches of at most _REC_BATCH whose widest
    is at most _REC_SPREAD times the narrowest: every crop of a batch is padded to its widest,
    and the recogniser's cost grows with the padded width (a short sex value batched with a
    long name cost as much as a second name)."""
    out: list[list[int]] = []
    for i in todo:
        if out and len(out[-1]) < _REC_BATCH and ratios[i] <= _REC_SPREAD * ratios[out[-1][0]]:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _ctc_decode(preds: NDArray[np.float32], characters: list[str]) -> LineDetail:
    """Greedy CTC: best class per time step, repeats collapsed, blanks (index 0) dropped. A
    character's confidence is its best time step's: the first step of a run shares its
    probability with the blank before it (a clear 8 at 0.51 beside 0.49 blank, then 1.0), and
    which step comes first moved with the crop's scale (a NIK's weakest digit at 0.51 to 0.99
    over five scales)."""
    idx = preds.argmax(axis=1)
    prob = preds.max(axis=1)
    chars: list[CharRead] = []
    prev = -1
    for i, p in zip(idx.tolist(), prob.tolist(), strict=True):
        if i != 0 and i == prev:
            chars[-1] = CharRead(chars[-1].char, max(chars[-1].confidence, float(p)))
        elif i != 0:
            chars.append(CharRead(nfkc(characters[i]), float(p)))
        prev = i
    return LineDetail("".join(c.char for c in chars), tuple(chars))


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Group boxes into rows (vertical centres within half a typical height), rows top to
    bottom, boxes in a row left to right."""
    if not lines:
        return []
    heights = sorted(ln.box[3] - ln.box[1] for ln in lines)
    tol = max(4.0, heights[len(heights) // 2] * 0.5)
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        cy = (ln.box[1] + ln.box[3]) / 2
        if rows:
            row = rows[-1]
            rcy = sum((r.box[1] + r.box[3]) / 2 for r in row) / len(row)
            if abs(cy - rcy) <= tol:
                row.append(ln)
                continue
        rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.box[0])]


def _quad_box(quad: Sequence[Sequence[float]]) -> tuple[int, int, int, int]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return int(min(xs)), int(min(ys)), math.ceil(max(xs)), math.ceil(max(ys))


def _to_bgr(image: Any) -> NDArray[np.uint8]:
    """The engine port passes grayscale or RGB arrays (or PIL images); the models want BGR."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR))
    if arr.ndim == 3 and arr.shape[2] == 4:
        return np.ascontiguousarray(cv2.cvtColor(arr, cv2.COLOR_RGBA2BGR))
    if arr.ndim == 3 and arr.shape[2] == 3:
        return np.ascontiguousarray(cv2.cvtColor(arr, cv2.COLOR_RGB2BGR))
    if arr.ndim == 3 and arr.shape[2] == 1:
        return np.ascontiguousarray(cv2.cvtColor(arr[:, :, 0], cv2.COLOR_GRAY2BGR))
    raise EngineError(f"unsupported image shape {arr.shape}")


def _clip(x: float) -> float:
    return 0.0 if not math.isfinite(x) else min(1.0, max(0.0, x))
