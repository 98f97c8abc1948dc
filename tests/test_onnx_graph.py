"""`onnx_graph.streamlined`: the same function in fewer operators, on small graphs built here
and on RapidOCR's own models (read on the fictional specimen card)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from pipelines.engines.onnx_graph import streamlined
from pipelines.engines.rapid import RapidEngine
from tests.shared import specimen_bgr

MODELS = Path(ort.__file__).parent.parent / "rapidocr_onnxruntime" / "models"


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {session.get_inputs()[0].name: x})[0])


def _run_all(model: onnx.ModelProto, x: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return [np.asarray(v) for v in session.run(None, {session.get_inputs()[0].name: x})]


def _number(name: str, value: float) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.float32([value]), name))


def _block(*, conv_also_read: bool = False, scale: np.ndarray | None = None, pad_last: bool = False) -> onnx.ModelProto:
    """x -> Conv (3x3, padded) -> Mul(a) -> Add(c) -> hard-swish spelled in four operators ->
    Mul(a2) -> Add(c2) -> Conv (1x1, or 3x3 padded with `pad_last`), as PP-LCNetV3 was exported."""
    rng = np.random.default_rng(7)
    weights = numpy_helper.from_array(rng.normal(size=(4, 2, 3, 3)).astype(np.float32), "w")
    bias = numpy_helper.from_array(rng.normal(size=4).astype(np.float32), "b")
    a = numpy_helper.from_array(np.float32([1.7]) if scale is None else scale, "a")
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["conv"], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["a", "conv"], ["scaled"]),
        _number("c", -0.4),
        helper.make_node("Add", ["scaled", "c"], ["shifted"]),
        _number("three", 3.0),
        _number("zero", 0.0),
        _number("six", 6.0),
        helper.make_node("Add", ["shifted", "three"], ["plus3"]),
        helper.make_node("Clip", ["plus3", "zero", "six"], ["clipped"]),
        helper.make_node("Mul", ["shifted", "clipped"], ["product"]),
        helper.make_node("Div", ["product", "six"], ["swished"]),
        _number("a2", 0.8),
        _number("c2", 0.3),
        helper.make_node("Mul", ["swished", "a2"], ["scaled2"]),
        helper.make_node("Add", ["c2", "scaled2"], ["shifted2"]),
        helper.make_node("Conv", ["shifted2", "w2", "b2"], ["y"], pads=[1, 1, 1, 1] if pad_last else [0, 0, 0, 0]),
    ]
    weights2 = rng.normal(size=(3, 4, 3, 3) if pad_last else (3, 4, 1, 1)).astype(np.float32)
    bias2 = rng.normal(size=3).astype(np.float32)
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)]
    if conv_also_read:
        outputs.append(helper.make_tensor_value_info("conv", TensorProto.FLOAT, None))
    graph = helper.make_graph(
        nodes,
        "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 9, 11])],
        outputs,
        initializer=[weights, bias, a, numpy_helper.from_array(weights2, "w2"), numpy_helper.from_array(bias2, "b2")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


def _ops(model: onnx.ModelProto) -> list[str]:
    return [n.op_type for n in model.graph.node]


def test_scaled_shifted_convs_and_a_spelled_out_hard_swish_become_four_operators_of_the_same_function() -> None:
    x = np.random.default_rng(1).normal(scale=3.0, size=(1, 2, 9, 11)).astype(np.float32)
    before = _run(_block(), x)
    model = streamlined(_block())
    assert _ops(model) == ["Conv", "HardSigmoid", "Mul", "Conv"]
    np.testing.assert_allclose(_run(model, x), before, rtol=1e-5, atol=1e-5)
    original = _block()
    original.graph.output.append(helper.make_tensor_value_info("shifted", TensorProto.FLOAT, None))
    inputs = _run_all(original, x)[1]
    assert (inputs < -3).any() and (inputs > 3).any()  # the hard-swish's clip was crossed at both ends


def test_a_shift_before_a_padded_conv_stays_where_it_is() -> None:
    x = np.random.default_rng(3).normal(scale=3.0, size=(1, 2, 9, 11)).astype(np.float32)
    model = streamlined(_block(pad_last=True))
    assert _ops(model) == ["Conv", "HardSigmoid", "Mul", "Mul", "Add", "Conv"]
    np.testing.assert_allclose(_run(model, x), _run(_block(pad_last=True), x), rtol=1e-5, atol=1e-5)


def test_a_conv_whose_output_is_read_elsewhere_or_scaled_per_channel_keeps_its_scale() -> None:
    model = streamlined(_block(conv_also_read=True))
    assert _ops(model)[:3] == ["Conv", "Mul", "Add"]
    x = np.random.default_rng(2).normal(size=(1, 2, 9, 11)).astype(np.float32)
    np.testing.assert_allclose(_run_all(model, x)[1], _run_all(_block(conv_also_read=True), x)[1], rtol=1e-5)
    model = streamlined(_block(scale=np.float32([1.7, 0.5, 2.0, 1.0]).reshape(1, 4, 1, 1)))
    assert _ops(model)[:3] == ["Conv", "Mul", "Add"]
    np.testing.assert_allclose(
        _run(model, x),
        _run(_block(scale=np.float32([1.7, 0.5, 2.0, 1.0]).reshape(1, 4, 1, 1)), x),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.fixture(scope="module")
def specimen() -> np.ndarray:
    return specimen_bgr()


def test_the_recogniser_reads_the_specimens_nik_line_as_before(specimen: np.ndarray) -> None:
    path = MODELS / "ch_PP-OCRv4_rec_infer.onnx"
    original = onnx.load(path)
    model = streamlined(onnx.load(path))
    assert len(model.graph.node) < len(original.graph.node) / 2
    assert "Clip" not in _ops(model)  # every hard-swish (layer norms keep their Div)
    line = cv2.resize(specimen[195:235, 300:650], (int(350 * 48 / 40), 48)).astype(np.float32)
    x = ((line / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[np.newaxis]
    before, after = _run(original, x), _run(model, x)
    np.testing.assert_allclose(after, before, atol=1e-4)
    assert (after.argmax(axis=2) == before.argmax(axis=2)).all()


def test_the_detector_finds_the_same_text_on_the_specimen(specimen: np.ndarray) -> None:
    path = MODELS / "ch_PP-OCRv4_det_infer.onnx"
    original = onnx.load(path)
    model = streamlined(onnx.load(path))
    assert len(model.graph.node) < len(original.graph.node) / 2
    x = cv2.resize(specimen, (640, 416)).astype(np.float32) / 255.0
    x = ((x - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32).transpose(2, 0, 1)[np.newaxis]
    before, after = _run(original, x), _run(model, x)
    np.testing.assert_allclose(after, before, atol=1e-4)
    assert ((after > 0.3) == (before > 0.3)).mean() > 0.9999


def test_the_engine_runs_the_streamlined_models(specimen: np.ndarray) -> None:
    engine = RapidEngine()
    try:
        engine.read_line(specimen[195:235, 300:650], charset="0123456789")
        for part in (engine._ocr.text_det, engine._ocr.text_cls, engine._ocr.text_rec):
            session = (getattr(part, "infer", None) or part.session).session._session
            assert session._model_path is None  # built from the rewritten model's bytes
    finally:
        engine.close()
