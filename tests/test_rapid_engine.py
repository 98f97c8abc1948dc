"""RapidEngine: recognition of pre-cropped lines, detection, timeouts, NFKC output.

One engine per module (the models load in ~1 s); few OCR calls, on the fictional specimen.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from pipelines.engines.base import EngineTimeout, OcrEngine, OcrLine
from pipelines.engines.rapid import _REC_BATCH, RapidEngine, _batches, _ctc_decode, reading_order
from tests.shared import specimen_bgr

NIK_BOX = (300, 195, 650, 235)  # the NIK value on the 1090 x 707 specimen


@pytest.fixture(scope="module")
def engine() -> Iterator[RapidEngine]:
    eng = RapidEngine()
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def specimen() -> np.ndarray:
    return np.ascontiguousarray(specimen_bgr()[:, :, ::-1])


def test_it_is_an_ocr_engine(engine: RapidEngine) -> None:
    port: OcrEngine = engine
    assert port.name == "rapid"


def test_read_line_with_digits_only_reads_the_specimen_nik(engine: RapidEngine, specimen: np.ndarray) -> None:
    x0, y0, x1, y1 = NIK_BOX
    out = engine.read_line(specimen[y0:y1, x0:x1], charset="0123456789")
    assert out.text == "3171234567890123"
    assert 0.5 < out.confidence <= 1.0


def test_read_lines_detects_and_reads_in_reading_order(engine: RapidEngine, specimen: np.ndarray) -> None:
    lines = engine.read_lines(specimen)
    texts = [ln.text for ln in lines]
    nik = next(i for i, t in enumerate(texts) if "3171234567890123" in t)
    label = texts.index("NIK")
    assert label < nik  # the label, left of the value on the same row, comes first
    assert all(0.0 <= ln.confidence <= 1.0 for ln in lines)
    assert any("PROVINSI" in t for t in texts[:nik])


def test_a_call_past_its_deadline_raises_and_the_engine_recovers(engine: RapidEngine, specimen: np.ndarray) -> None:
    engine.read_line(specimen[:40, :200])  # loaded
    with pytest.raises(EngineTimeout):
        engine.read_lines(specimen, timeout=0.001)
    x0, y0, x1, y1 = NIK_BOX
    assert engine.read_line(specimen[y0:y1, x0:x1], charset="0123456789").text == "3171234567890123"


def test_grayscale_input_is_accepted(engine: RapidEngine, specimen: np.ndarray) -> None:
    x0, y0, x1, y1 = NIK_BOX
    gray = np.asarray(cv2.cvtColor(specimen[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    assert engine.read_line(gray, charset="0123456789").text == "3171234567890123"


def test_ctc_output_is_nfkc_normalised() -> None:
    chars = ["blank", "３", "1", " "]
    preds = np.zeros((4, 4), np.float32)
    preds[0, 1] = preds[1, 0] = preds[2, 2] = preds[3, 2] = 0.9  # "３", blank, "1", "1" (repeat)
    out = _ctc_decode(preds, chars)
    assert out.text == "31"
    assert out.confidence == pytest.approx(0.9)


def test_a_characters_confidence_is_that_of_its_surest_time_step() -> None:
    # The first step of a character's run shares its probability with the blank before it: a
    # clear 8 at 0.51 (0.49 blank), then 1.0. Taken from the first step, a NIK's weakest digit
    # read 0.51 to 0.99 as the crop's scale changed, and right NIKs went to review.
    chars = ["blank", "8", "7"]
    preds = np.zeros((6, 3), np.float32)
    preds[0] = (1.0, 0.0, 0.0)
    preds[1] = (0.49, 0.51, 0.0)  # "8" begins, shared with the blank
    preds[2] = (0.0, 1.0, 0.0)  # "8" sure
    preds[3] = (0.0, 0.3, 0.7)  # "7": its doubt is another digit, and stays
    preds[4] = (1.0, 0.0, 0.0)
    preds[5] = (0.4, 0.6, 0.0)  # a last "8" of one step: as sure as that step
    out = _ctc_decode(preds, chars)
    assert out.text == "878"
    assert [c.confidence for c in out.chars] == pytest.approx([1.0, 0.7, 0.6])


def test_a_glyph_that_stands_for_a_capital_lends_it_its_probability() -> None:
    """Read in capitals (a name), a name's last I doubted beside "1" (0.90) or "!" is that I,
    and a small letter is its capital; read as digits, a letter lends no digit anything: the
    doubt between a digit and a letter's shape stays."""
    chars = ["blank", "I", "1", "!", "i", "S", "O", "0", " "]
    preds = np.zeros((5, len(chars)), np.float32)
    preds[0, [1, 2]] = (0.07, 0.90)  # "1" beside an I
    preds[1, 0] = 1.0
    preds[2, [1, 3, 4]] = (0.10, 0.60, 0.30)  # "!" and "i" beside an I
    preds[3, 0] = 1.0
    preds[4, [6, 7]] = (0.55, 0.45)  # "O" beside "0"
    names = RapidEngine()._restriction(chars, "ABCDEFGHIJKLMNOPQRSTUVWXYZ .,'-")
    out = _ctc_decode(names.apply(preds), chars)
    assert out.text == "IIO"
    assert [c.confidence for c in out.chars] == pytest.approx([0.97, 1.0, 1.0])
    digits = RapidEngine()._restriction(chars, "0123456789")
    out = _ctc_decode(digits.apply(preds), chars)
    assert out.text == "10"  # (the strokes of the second step are no digit)
    assert [c.confidence for c in out.chars] == pytest.approx([0.90, 0.45])


def test_reading_order_groups_rows() -> None:
    lines = [
        OcrLine("b", 1.0, (300, 102, 400, 120)),
        OcrLine("c", 1.0, (10, 150, 100, 170)),
        OcrLine("a", 1.0, (10, 100, 100, 121)),
    ]
    assert [ln.text for ln in reading_order(lines)] == ["a", "b", "c"]


def test_one_pass_gives_the_free_and_the_digits_reading(engine: RapidEngine, specimen: np.ndarray) -> None:
    x0, y0, x1, y1 = NIK_BOX
    crop = specimen[y0 - 5 : y1, x0 - 250 : x1]  # with the "NIK" label in front
    ((free, digits),) = engine.read_lines_twice([crop], charset="0123456789")
    assert "3171234567890123" in free.text and "NIK" in free.text.upper()
    assert digits.text.endswith("3171234567890123")
    assert engine.read_line(crop, charset="0123456789").text == digits.text


def test_batches_keep_short_crops_apart_from_long_ones() -> None:
    """A crop is padded to its batch's widest: a short value must not ride with a long line."""
    ratios = [6.7, 6.7, 7.4, 12.0, 13.0, 30.0]  # sorted, as the recogniser passes them
    assert _batches(list(range(6)), ratios) == [[0, 1, 2], [3, 4], [5]]
    many = [7.0] * (_REC_BATCH + 1)
    assert [len(b) for b in _batches(list(range(len(many))), many)] == [_REC_BATCH, 1]


def test_a_batch_reads_each_crop_as_it_reads_alone(engine: RapidEngine, specimen: np.ndarray) -> None:
    x0, y0, x1, y1 = NIK_BOX
    nik = specimen[y0 - 8 : y1 + 8, x0 - 8 : x1 + 8]
    short = specimen[y0 - 8 : y1 + 8, x0 - 8 : x0 + 100]
    alone = [engine.read_line_detail(c, charset="0123456789").text for c in (nik, short)]
    together = [d.text for d in engine.read_lines_detail([nik, short], charset="0123456789")]
    assert together == alone and alone[0] == "3171234567890123"
