"""The RapidOCR models rewritten to the same function in fewer, faster operators.

PP-OCRv4's PP-LCNetV3 backbone, as exported to ONNX, spends most of its time outside its
convolutions: every convolution is followed by a learnable scale and shift (a Mul and an Add
by one number each) and a hard-swish spelled out as four operators (Add 3, Clip 0..6, Mul,
Div 6), each a pass over the whole feature map, and onnxruntime fuses neither. Profiled on
one core, Mul, Add, Div and Clip took 43 % of the recogniser's time. Three rewrites, exact
in real arithmetic (outputs differ by float rounding, a few 1e-6 of a probability):

- a Conv whose output only feeds a Mul by one number, whose output only feeds an Add of one
  number, becomes one Conv with its weights scaled and its bias shifted;
- a Mul by one number, then an Add of one number, read only by a Conv without padding (the
  1 x 1 convolutions after each hard-swish), go into that Conv's weights and bias (with
  padding they would not: the padded border is zero before the shift, not after);
- x * Clip(x + 3, 0, 6) / 6 becomes x * HardSigmoid(x) (alpha 1/6, beta 1/2), two operators
  of the model's own opset (HardSwish itself needs opset 14, whose Squeeze the model's
  opset-12 nodes do not fit).

Measured on this machine's one core (recognition at 48 x 320, detection at 480 x 640, the
median of five runs): the recogniser 18.5 -> 12.5 ms, the detector 68.8 -> 49.1 ms. Over the
eleven bench sets of `bench.reading` every reading and every flag stayed the same. A graph
without these patterns passes through unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper


def streamlined(model: onnx.ModelProto) -> onnx.ModelProto:
    """`model` (changed in place, and returned) with the rewrites above."""
    graph = model.graph
    values: dict[str, Any] = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:  # Constant nodes become initializers: the rewrites read them
        if node.op_type == "Constant" and [a.name for a in node.attribute] == ["value"]:
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        else:
            nodes.append(node)
    outputs = {o.name for o in graph.output}
    nodes = _scale_folded(nodes, values, outputs)
    nodes = _hard_swish_shortened(nodes, values, outputs)
    nodes = _scale_into_unpadded_conv(nodes, values, outputs)
    used = {name for node in nodes for name in node.input} | outputs
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(numpy_helper.from_array(np.asarray(v), k) for k, v in values.items() if k in used)
    return model


def _consumers(nodes: list[onnx.NodeProto]) -> dict[str, list[onnx.NodeProto]]:
    out: dict[str, list[onnx.NodeProto]] = {}
    for node in nodes:
        for name in node.input:
            out.setdefault(name, []).append(node)
    return out


def _number(values: dict[str, Any], name: str) -> float | None:
    value = values.get(name)
    return None if value is None or np.size(value) != 1 else float(np.asarray(value).reshape(-1)[0])


def _only_consumer(
    consumers: dict[str, list[onnx.NodeProto]], outputs: set[str], name: str, op: str
) -> onnx.NodeProto | None:
    """The one node reading `name`, when it is an `op` and nothing else (nor the graph) reads it."""
    readers = consumers.get(name, [])
    return readers[0] if len(readers) == 1 and readers[0].op_type == op and name not in outputs else None


def _other_input(node: onnx.NodeProto, name: str) -> str | None:
    rest = [i for i in node.input if i != name]
    return rest[0] if len(rest) == 1 else None


def _affine(
    mul: onnx.NodeProto, consumers: dict[str, list[onnx.NodeProto]], values: dict[str, Any], outputs: set[str]
) -> tuple[str, float, onnx.NodeProto, float] | None:
    """(x, a, the Add, c) where `mul` is x * a, read only by an Add of c (a and c single numbers)."""
    if mul.op_type != "Mul":
        return None
    numbers = [i for i in mul.input if _number(values, i) is not None]
    source = _other_input(mul, numbers[0]) if len(numbers) == 1 else None
    add = _only_consumer(consumers, outputs, mul.output[0], "Add")
    shift = None if add is None else _other_input(add, mul.output[0])
    a, c = _number(values, numbers[0]) if numbers else None, None if shift is None else _number(values, shift)
    if source is None or add is None or a is None or c is None:
        return None
    return source, a, add, c


def _weights_and_bias(conv: onnx.NodeProto, values: dict[str, Any]) -> tuple[Any, Any] | None:
    if len(conv.input) < 2 or conv.input[1] not in values:
        return None
    weights = np.asarray(values[conv.input[1]], dtype=np.float32)
    if len(conv.input) > 2 and conv.input[2]:
        return weights, np.asarray(values[conv.input[2]], dtype=np.float32)
    return weights, np.zeros(weights.shape[0], dtype=np.float32)


def _scale_folded(nodes: list[onnx.NodeProto], values: dict[str, Any], outputs: set[str]) -> list[onnx.NodeProto]:
    """Conv -> Mul(a) -> Add(c) as one Conv: a * (W * x + B) + c = (a W) * x + (a B + c)."""
    consumers = _consumers(nodes)
    gone: set[int] = set()
    for conv in nodes:
        params = _weights_and_bias(conv, values) if conv.op_type == "Conv" else None
        mul = _only_consumer(consumers, outputs, conv.output[0], "Mul")
        found = None if mul is None else _affine(mul, consumers, values, outputs)
        if params is None or mul is None or found is None:
            continue
        (weights, bias), (_, a, add, c) = params, found
        w_name, b_name = f"{add.output[0]}.folded_w", f"{add.output[0]}.folded_b"
        values[w_name] = (weights * np.float32(a)).astype(np.float32)
        values[b_name] = (bias * np.float32(a) + np.float32(c)).astype(np.float32)
        source = conv.input[0]
        del conv.input[:]
        conv.input.extend([source, w_name, b_name])
        del conv.output[:]
        conv.output.append(add.output[0])
        gone.update((id(mul), id(add)))
    return [n for n in nodes if id(n) not in gone]


def _hard_swish_shortened(
    nodes: list[onnx.NodeProto], values: dict[str, Any], outputs: set[str]
) -> list[onnx.NodeProto]:
    """x -> Add(3) -> Clip(0, 6) -> Mul(x, .) -> Div(6) as x * HardSigmoid(x)."""
    consumers = _consumers(nodes)
    gone: set[int] = set()
    before: dict[int, list[onnx.NodeProto]] = {}
    for add in nodes:
        if add.op_type != "Add":
            continue
        three = [i for i in add.input if _number(values, i) == 3.0]
        x = _other_input(add, three[0]) if len(three) == 1 else None
        clip = None if x is None else _only_consumer(consumers, outputs, add.output[0], "Clip")
        if x is None or clip is None or len(clip.input) != 3:
            continue
        if _number(values, clip.input[1]) != 0.0 or _number(values, clip.input[2]) != 6.0:
            continue
        mul = _only_consumer(consumers, outputs, clip.output[0], "Mul")
        if mul is None or sorted(mul.input) != sorted((x, clip.output[0])):
            continue
        div = _only_consumer(consumers, outputs, mul.output[0], "Div")
        if div is None or div.input[0] != mul.output[0] or _number(values, div.input[1]) != 6.0:
            continue
        gate = f"{div.output[0]}.gate"
        before[id(div)] = [
            helper.make_node("HardSigmoid", [x], [gate], name=gate, alpha=1.0 / 6.0, beta=0.5),
            helper.make_node("Mul", [x, gate], [div.output[0]], name=f"{div.output[0]}.hard_swish"),
        ]
        gone.update((id(add), id(clip), id(mul), id(div)))
    out: list[onnx.NodeProto] = []
    for node in nodes:
        out.extend(before.get(id(node), ()))
        if id(node) not in gone:
            out.append(node)
    return out


def _scale_into_unpadded_conv(
    nodes: list[onnx.NodeProto], values: dict[str, Any], outputs: set[str]
) -> list[onnx.NodeProto]:
    """Mul(a) -> Add(c) -> Conv without padding as one Conv: W * (a x + c) + B = (a W) * x +
    (B + c * the sum of each output channel's weights)."""
    consumers = _consumers(nodes)
    gone: set[int] = set()
    for mul in nodes:
        found = _affine(mul, consumers, values, outputs)
        conv = None if found is None else _only_consumer(consumers, outputs, found[2].output[0], "Conv")
        params = None if conv is None else _weights_and_bias(conv, values)
        if found is None or conv is None or params is None or conv.input[0] != found[2].output[0]:
            continue
        if not _unpadded(conv):
            continue
        (source, a, add, c), (weights, bias) = found, params
        w_name, b_name = f"{conv.output[0]}.input_folded_w", f"{conv.output[0]}.input_folded_b"
        values[w_name] = (weights * np.float32(a)).astype(np.float32)
        values[b_name] = (bias + np.float32(c) * weights.sum(axis=(1, 2, 3))).astype(np.float32)
        del conv.input[:]
        conv.input.extend([source, w_name, b_name])
        gone.update((id(mul), id(add)))
    return [n for n in nodes if id(n) not in gone]


def _unpadded(conv: onnx.NodeProto) -> bool:
    attributes = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
    auto = attributes.get("auto_pad", b"NOTSET")
    return auto in (b"NOTSET", b"VALID") and not any(attributes.get("pads", ()))
