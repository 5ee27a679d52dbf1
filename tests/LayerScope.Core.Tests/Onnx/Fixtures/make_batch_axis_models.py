"""Makes the small ONNX models of OnnxBatchAxisTests and OnnxValueKindTests: tensors whose rows are not on axis 0 or that
have no per-row axis at all, and a sequence-typed output. Run with Debian's python3-onnx: python3 make_batch_axis_models.py (writes the .onnx files here)."""
import onnx
from onnx import TensorProto, helper


def save(name, nodes, inputs, outputs, value_info=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, f"{name}.onnx")


x_dynamic = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])
# relu: per row on axis 0; flat: Flatten(axis=0) puts every row into one [1, 3N] row; total: a scalar over all rows.
save("batch_axis_dynamic",
     [helper.make_node("Relu", ["x"], ["relu"], name="relu"),
      helper.make_node("Flatten", ["relu"], ["flat"], name="flatten0", axis=0),
      helper.make_node("ReduceSum", ["relu"], ["total"], name="total", keepdims=0)],
     [x_dynamic],
     [helper.make_tensor_value_info("flat", TensorProto.FLOAT, [1, None]),
      helper.make_tensor_value_info("total", TensorProto.FLOAT, [])],
     [helper.make_tensor_value_info("relu", TensorProto.FLOAT, ["N", 3])])

x_fixed = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 3])
# A model exported with a fixed batch of 4: relu keeps the rows on axis 0, transposed moves them to axis 1.
save("batch_axis_fixed",
     [helper.make_node("Relu", ["x"], ["relu"], name="relu"),
      helper.make_node("Transpose", ["relu"], ["transposed"], name="transpose", perm=[1, 0])],
     [x_fixed],
     [helper.make_tensor_value_info("transposed", TensorProto.FLOAT, [3, 4])],
     [helper.make_tensor_value_info("relu", TensorProto.FLOAT, [4, 3])])

# A model with a sequence-typed output beside a tensor: `layers` lists it as a sequence, capture refuses it.
save("sequence_output",
     [helper.make_node("Relu", ["x"], ["relu"], name="relu"),
      helper.make_node("SequenceConstruct", ["relu", "x"], ["seq"], name="pack")],
     [x_dynamic],
     [helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, None),
      helper.make_tensor_value_info("relu", TensorProto.FLOAT, ["N", 3])])
