"""Fixtures for the `layerscope units` tests (Debian's python3-onnx and python3-numpy: /usr/bin/python3 make_units_fixtures.py).

conv_hardmax.onnx: Conv 1->2 (3x3, pad 1) -> Relu ("act") -> Hardmax over the width: ONNX Runtime runs it, while the
ONNX -> TorchSharp executor does not cover Hardmax, so `units` must write maps and top-k but refuse synthesis.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)
weight = rng.normal(size=(2, 1, 3, 3)).astype(np.float32)
bias = np.array([0.1, -0.1], dtype=np.float32)
nodes = [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="/conv/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["act"], name="/act/Relu"),
    helper.make_node("Hardmax", ["act"], ["y"], name="/head/Hardmax", axis=-1),
]
graph = helper.make_graph(nodes, "conv_hardmax",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2, 8, 8])],
                          initializer=[numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
onnx.checker.check_model(model)
onnx.save(model, "conv_hardmax.onnx")
np.save("conv_hardmax_input.npy", rng.random((12, 1, 8, 8), dtype=np.float32))
