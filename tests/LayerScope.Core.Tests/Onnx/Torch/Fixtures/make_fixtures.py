#!/usr/bin/python3
"""Exports the small models the ONNX-on-TorchSharp tests run, with PyTorch's outputs and input gradients.

Run with Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx) from this folder:
    /usr/bin/python3 make_fixtures.py
Every model has a dynamic batch axis; references are computed at batch 7 in float64 (the model is exported in float32).
For each model NAME it writes NAME.onnx, NAME_input.npy, NAME_output.npy (float32 forward) and NAME_grad.npy: the
gradient of output[:, 0].sum() with respect to the float input, or, for token-id inputs, with respect to the
embedding lookup's output (the tensor named in cases.json as "wrt"). cases.json lists them. Hand-made recurrent
graphs in forms PyTorch cannot export come with an input only (ONNX Runtime and finite differences are their
references); batch_major.json pairs each layout = 1 graph with its time-major twin.
"""
import json

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from torch import nn

torch.manual_seed(12)
BATCH = 7


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        # BatchNorm after the sum (not after a convolution) so the exporter cannot fold it into the Conv weights.
        return self.bn2(torch.relu(x + self.conv2(y)))


class SmallResNet(nn.Module):
    """Conv + BatchNorm + a skip connection, grouped and dilated convolutions, both pools, Gelu/Elu/LeakyRelu."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.block = ResidualBlock(8)
        self.pool = nn.MaxPool2d(2)
        self.grouped = nn.Conv2d(8, 8, 3, stride=1, padding=2, dilation=2, groups=4)
        self.act = nn.GELU()
        self.down = nn.Conv2d(8, 12, 3, stride=2, padding=(1, 0))
        self.elu = nn.ELU(alpha=0.7)
        self.avg = nn.AvgPool2d(2, stride=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(12, 5)
        self.leaky = nn.LeakyReLU(0.1)

    def forward(self, x):
        x = self.bn(torch.relu(self.stem(x)))
        x = self.pool(self.block(x))
        x = self.act(self.grouped(x))
        x = self.avg(self.elu(self.down(x)))
        x = torch.flatten(self.gap(x), 1)
        return torch.log_softmax(self.leaky(self.fc(x)), dim=1)


class Conv1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 8, 5, padding=2)
        self.conv2 = nn.Conv1d(8, 8, 3, dilation=2, groups=2, padding=2)
        self.pool = nn.MaxPool1d(2)
        self.avg = nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)
        self.fc = nn.Linear(8 * 8, 3)

    def forward(self, x):
        x = torch.sigmoid(self.conv1(x)) * x.mean(dim=1, keepdim=True).sqrt().add(1.0)
        x = self.avg(self.pool(torch.relu(self.conv2(x))))
        return torch.tanh(self.fc(x.reshape(x.shape[0], -1)))


class TextGru(nn.Module):
    """Embedding (Gather) → bidirectional GRU → last step → Linear → Softmax."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(40, 10)
        self.gru = nn.GRU(10, 6, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(12, 4)

    def body(self, e):
        out, _ = self.gru(e)
        return torch.softmax(self.fc(out[:, -1, :]), dim=-1)

    def forward(self, tokens):
        return self.body(self.emb(tokens))


class TextBiLstm(nn.Module):
    """Embedding → 2-layer BiLSTM → mean over time → LayerNorm → Linear."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(40, 10)
        self.lstm = nn.LSTM(10, 8, num_layers=2, batch_first=True, bidirectional=True)
        self.norm = nn.LayerNorm(16)
        self.fc = nn.Linear(16, 3)

    def body(self, e):
        out, _ = self.lstm(e)
        return self.fc(self.norm(out.mean(dim=1)))

    def forward(self, tokens):
        return self.body(self.emb(tokens))


class OpsMix(nn.Module):
    """The operators the other models leave out: PRelu, Split, Selu, Floor/Equal/Less/Where masks, Expand,
    ConvTranspose, Pad (constant, reflect, edge), Clip, Softplus, Softsign, MatMul, Pow, ReduceSum, Sub. Exported at opset 9 too, where
    Pad, Split, Clip, Slice, Squeeze and Unsqueeze take attributes instead of inputs."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.prelu = nn.PReLU(6, init=0.2)
        self.gain = nn.Parameter(torch.randn(1, 4, 1, 1))
        self.up = nn.ConvTranspose2d(6, 4, 3, stride=2, padding=1, output_padding=1)
        self.reflect = nn.ReflectionPad2d((1, 2, 1, 0))
        self.edge = nn.ReplicationPad2d(1)
        self.mix = nn.Parameter(torch.randn(21, 6) * 0.3)
        self.fc = nn.Linear(4 * 19 * 6, 5)

    def forward(self, x):
        y = self.prelu(self.conv(x))
        a, b = torch.split(y, [2, 4], dim=1)
        a = torch.selu(a)
        b = torch.where(b < 0.1, b * 0.5, b) * self.gain.expand(x.shape[0], 4, 8, 8)
        # A mask from an equality on the input's quarter bins (Floor, Equal, Cast), as exported masks are made.
        bins = (torch.floor(x[:, :1] * 4).long() == 2).float()
        y = torch.cat([a * (1 + bins), b - bins], dim=1)
        y = self.up(y)                                              # [batch, 4, 16, 16]
        y = F.pad(self.edge(self.reflect(y)), (0, 0, 0, 0), value=0.0) + F.pad(y, (2, 3, 2, 1), value=0.5)
        y = torch.clamp(F.softplus(y), max=2.5) - (y ** 2).sum(dim=1, keepdim=True) * 0.01
        y = torch.matmul(F.softsign(y), self.mix)                   # MatMul of a 4-D tensor by a matrix
        return torch.softmax(self.fc(torch.flatten(y, 1)), dim=1)


class TextMask(nn.Module):
    """Embedding → LSTM → mean over the steps whose token is not padding (id 0): Equal, Not, Where, ReduceSum, Div."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(40, 6)
        self.lstm = nn.LSTM(6, 5, batch_first=True)
        self.fc = nn.Linear(5, 3)

    def forward(self, tokens):
        return self.body(self.emb(tokens), tokens)

    def body(self, e, tokens):
        out, _ = self.lstm(e)
        keep = (tokens != 0).unsqueeze(-1)
        out = torch.where(keep, out, torch.zeros_like(out))
        return self.fc(out.sum(dim=1) / keep.float().sum(dim=1).clamp(min=1.0))


def settle_batch_norm(model, example):
    """Runs a few training batches so BatchNorm's running statistics are not the identity, then switches to eval."""
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(example * 1.5 + 0.3)
    model.eval()


def export(name, model, example, opset, token_input=False):
    onnx_path = f"{name}.onnx"
    torch.onnx.export(model, example, onnx_path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(onnx_path))
    case = {"model": onnx_path, "input": f"{name}_input.npy", "output": f"{name}_output.npy", "grad": f"{name}_grad.npy",
            "opset": opset}
    np.save(case["input"], example.numpy())
    with torch.no_grad():
        np.save(case["output"], model(example).numpy())
    double = model.double()
    if token_input:
        embedded = double.emb(example).detach().requires_grad_(True)
        body = double.body(embedded, example) if isinstance(double, TextMask) else double.body(embedded)
        target = body[:, 0].sum()
        (grad,) = torch.autograd.grad(target, embedded)
        graph = onnx.load(onnx_path).graph
        case["wrt"] = next(n.output[0] for n in graph.node if n.op_type == "Gather" and n.name.startswith("/emb/"))
    else:
        x = example.double().requires_grad_(True)
        (grad,) = torch.autograd.grad(double(x)[:, 0].sum(), x)
    np.save(case["grad"], grad.numpy())
    model.float()
    return case


cases = []
cnn = SmallResNet()
images = torch.randn(BATCH, 3, 16, 16)
settle_batch_norm(cnn, images)
cases.append(export("resnet_cnn", cnn, images, 13))

conv1d = Conv1dNet().eval()
cases.append(export("conv1d", conv1d, torch.rand(BATCH, 4, 32) + 0.1, 15))

tokens = torch.randint(0, 40, (BATCH, 12))
cases.append(export("text_gru", TextGru().eval(), tokens, 14, token_input=True))
cases.append(export("text_bilstm", TextBiLstm().eval(), tokens, 17, token_input=True))

mix = OpsMix().eval()
mix_input = torch.rand(BATCH, 3, 8, 8)
cases.append(export("ops_mix", mix, mix_input, 13))
cases.append(export("ops_mix_opset9", mix, mix_input, 9))
padded = tokens.clone()
padded[::2, -4:] = 0
cases.append(export("text_mask_opset9", TextMask().eval(), padded, 9, token_input=True))


def recurrent_model(name, op, attributes, hidden, directions, inputs=3, steps=5, peepholes=False, layout=0, seed=None):
    """A hand-made graph around one recurrent node in a form PyTorch cannot export (activation lists, clip,
    peepholes, input_forget, linear_before_reset = 0, layout = 1): ONNX Runtime is its reference, finite differences
    check its gradients. The graph input is [batch, time, input] so that axis 0 is the batch; the output is Y as
    [batch, time, directions, hidden]."""
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
    rng = np.random.default_rng(len(name) if seed is None else seed)
    weights = {
        "W": rng.normal(0, 0.5, (directions, gates * hidden, inputs)),
        "R": rng.normal(0, 0.5, (directions, gates * hidden, hidden)),
        "B": rng.normal(0, 0.3, (directions, 2 * gates * hidden)),
    }
    if peepholes:
        weights["P"] = rng.normal(0, 0.5, (directions, 3 * hidden))
    initializers = [numpy_helper.from_array(v.astype(np.float32), k) for k, v in weights.items()]
    nodes = []
    if layout == 0:
        nodes.append(helper.make_node("Transpose", ["input"], ["x"], perm=[1, 0, 2], name="/rnn/to_time_major"))
    x = "x" if layout == 0 else "input"
    node_inputs = [x, "W", "R", "B"] + (["", "", "", "P"] if peepholes else [])
    node_outputs = ["y", "y_h"] + (["y_c"] if op == "LSTM" else [])
    nodes.append(helper.make_node(op, node_inputs, node_outputs, name=f"/rnn/{op}", hidden_size=hidden,
                                  **(dict(layout=1) if layout else {}), **attributes))
    nodes.append(helper.make_node("Transpose", ["y"], ["output"], perm=[2, 0, 1, 3] if layout == 0 else [0, 1, 2, 3],
                                  name="/rnn/to_batch_major"))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", steps, inputs])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", steps, directions, hidden])],
                              initializers)
    opset = 14 if layout else 13
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{name}.onnx")
    np.save(f"{name}_input.npy", rng.normal(0, 1, (BATCH, steps, inputs)).astype(np.float32))
    return {"model": f"{name}.onnx", "input": f"{name}_input.npy", "output": None, "grad": None, "opset": opset}


cases.append(recurrent_model("lstm_peepholes", "LSTM", dict(
    direction="bidirectional", clip=2.5,
    activations=["HardSigmoid", "Tanh", "Softsign", "Sigmoid", "ScaledTanh", "Tanh"],
    activation_alpha=[0.3, 0.8], activation_beta=[0.45, 1.2]), hidden=4, directions=2, peepholes=True))
cases.append(recurrent_model("lstm_input_forget", "LSTM", dict(input_forget=1, direction="reverse"), hidden=3, directions=1))
cases.append(recurrent_model("gru_reset_after", "GRU", dict(linear_before_reset=0, activations=["Sigmoid", "Relu"]),
                             hidden=4, directions=1))
cases.append(recurrent_model("rnn_relu", "RNN", dict(direction="bidirectional", activations=["Relu", "Tanh"]),
                             hidden=3, directions=2))
def small_graph(name, nodes, weights, inputs, outputs, opset):
    """A hand-made graph of operators PyTorch's exporter writes differently (Softsign as Abs/Add/Div) or drops
    (Dropout in inference): input [batch, inputs], output [batch, outputs]."""
    rng = np.random.default_rng(len(name))
    initializers = [numpy_helper.from_array((value if isinstance(value, np.ndarray) else rng.normal(0, 0.5, value)).astype(np.float32), key)
                    for key, value in weights.items()]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", inputs])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", outputs])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{name}.onnx")
    np.save(f"{name}_input.npy", rng.normal(0, 1, (BATCH, inputs)).astype(np.float32))
    return {"model": f"{name}.onnx", "input": f"{name}_input.npy", "output": None, "grad": None, "opset": opset}


cases.append(small_graph("dropout_softsign", [
    helper.make_node("Dropout", ["input", "ratio"], ["dropped", "mask"], name="/drop/Dropout"),
    helper.make_node("Softsign", ["dropped"], ["soft"], name="/act/Softsign"),
    helper.make_node("MatMul", ["soft", "W"], ["product"], name="/fc/MatMul"),
    helper.make_node("HardSigmoid", ["product"], ["output"], name="/out/HardSigmoid", alpha=0.3, beta=0.4),
], {"W": (6, 4), "ratio": np.array(0.4)}, 6, 4, 13))

def conv_graph(name, nodes, weights, channels, height, width, outputs, opset):
    """A hand-made image graph for attributes PyTorch's exporter never writes (auto_pad: it always gives explicit
    pads): input [batch, channels, height, width], output [batch, outputs]."""
    rng = np.random.default_rng(len(name))
    initializers = [numpy_helper.from_array(rng.normal(0, 0.5, shape).astype(np.float32), key) for key, shape in weights.items()]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", channels, height, width])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", outputs])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{name}.onnx")
    np.save(f"{name}_input.npy", rng.normal(0, 1, (BATCH, channels, height, width)).astype(np.float32))
    return {"model": f"{name}.onnx", "input": f"{name}_input.npy", "output": None, "grad": None, "opset": opset}


# SAME_UPPER with stride 2 on an odd size puts the extra pad at the end, SAME_LOWER at the beginning; both on Conv
# and on a pooling window (ONNX Runtime refuses auto_pad with dilations, so none here).
cases.append(conv_graph("conv_auto_pad", [
    helper.make_node("Conv", ["input", "W1"], ["c1"], name="/conv1/Conv", auto_pad="SAME_UPPER", kernel_shape=[3, 3], strides=[2, 2]),
    helper.make_node("Relu", ["c1"], ["r1"], name="/act1/Relu"),
    helper.make_node("Conv", ["r1", "W2"], ["c2"], name="/conv2/Conv", auto_pad="SAME_LOWER", kernel_shape=[2, 2]),
    helper.make_node("MaxPool", ["c2"], ["p2"], name="/pool/MaxPool", auto_pad="SAME_LOWER", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Conv", ["p2", "W3"], ["c3"], name="/conv3/Conv", auto_pad="SAME_UPPER", kernel_shape=[3, 3], strides=[1, 2]),
    helper.make_node("GlobalAveragePool", ["c3"], ["g"], name="/gap/GlobalAveragePool"),
    helper.make_node("Flatten", ["g"], ["output"], name="/flat/Flatten"),
], {"W1": (4, 2, 3, 3), "W2": (3, 4, 2, 2), "W3": (5, 3, 3, 3)}, 2, 9, 7, 5, 13))


# ONNX Runtime refuses layout = 1, so each batch-major LSTM has a time-major twin with the same weights and input
# (ONNX Runtime's reference); the pair with a clip runs the stepped equations, the other libtorch's fused kernel.
batch_major = []
for suffix, extra in (("", {}), ("_clip", dict(clip=1.5))):
    cases.append(recurrent_model(f"lstm_time_major{suffix}", "LSTM", dict(direction="bidirectional", **extra),
                                 hidden=3, directions=2, seed=7))
    batch_major.append(recurrent_model(f"lstm_batch_major{suffix}", "LSTM", dict(direction="bidirectional", **extra),
                                       hidden=3, directions=2, layout=1, seed=7))
    batch_major[-1]["twin"] = f"lstm_time_major{suffix}.onnx"

def gelu_opset20(name):
    """Gelu, an ONNX operator only since opset 20, in both forms (approximate = 'none', then 'tanh'), with PyTorch's
    F.gelu as the reference: output = Gelu_tanh(Gelu_none(input) @ W + b). onnx 1.12 cannot export Gelu and its checker
    does not know opset 20, so the graph is made by hand and not checked (ONNX Runtime reads it)."""
    rng = np.random.default_rng(20)
    weight = rng.normal(0, 0.8, (6, 4)).astype(np.float32)
    bias = rng.normal(0, 0.5, 4).astype(np.float32)
    graph = helper.make_graph([
        helper.make_node("Gelu", ["input"], ["exact"], name="/act1/Gelu"),
        helper.make_node("MatMul", ["exact", "W"], ["product"], name="/fc/MatMul"),
        helper.make_node("Add", ["product", "b"], ["shifted"], name="/fc/Add"),
        helper.make_node("Gelu", ["shifted"], ["output"], name="/act2/Gelu", approximate="tanh"),
    ], name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 6])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 4])],
        [numpy_helper.from_array(weight, "W"), numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9  # the IR version that goes with opset 20
    onnx.save(model, f"{name}.onnx")
    # Spread over [-4, 4] so both tails and the curved middle of Gelu are exercised.
    example = rng.uniform(-4, 4, (BATCH, 6)).astype(np.float32)
    case = {"model": f"{name}.onnx", "input": f"{name}_input.npy", "output": f"{name}_output.npy", "grad": f"{name}_grad.npy",
            "opset": 20}
    np.save(case["input"], example)

    def forward(x, w, b):
        return F.gelu(F.gelu(x) @ w + b, approximate="tanh")

    with torch.no_grad():
        np.save(case["output"], forward(torch.from_numpy(example), torch.from_numpy(weight), torch.from_numpy(bias)).numpy())
    x = torch.from_numpy(example).double().requires_grad_(True)
    (grad,) = torch.autograd.grad(forward(x, torch.from_numpy(weight).double(), torch.from_numpy(bias).double())[:, 0].sum(), x)
    np.save(case["grad"], grad.numpy())
    return case


cases.append(gelu_opset20("gelu_opset20"))

class TwoInputs(nn.Module):
    """Features and token ids side by side (two graph inputs): tanh(fc(features) + mean of the ids' embeddings)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 5)
        self.fc = nn.Linear(4, 5)
        self.out = nn.Linear(5, 3)

    def forward(self, features, tokens):
        return self.out(torch.tanh(self.fc(features) + self.emb(tokens).mean(dim=1)))


def export_two_inputs(name):
    """Not in cases.json (its tests feed one input): NAME_features.npy, NAME_tokens.npy and NAME_grad.npy, the
    gradient of output[:, 0].sum() with respect to the features in float64."""
    model = TwoInputs().eval()
    features, tokens = torch.randn(BATCH, 4), torch.randint(0, 20, (BATCH, 6))
    torch.onnx.export(model, (features, tokens), f"{name}.onnx", opset_version=13, input_names=["features", "tokens"],
                      output_names=["output"], dynamic_axes={"features": {0: "batch"}, "tokens": {0: "batch"}, "output": {0: "batch"}})
    onnx.checker.check_model(onnx.load(f"{name}.onnx"))
    np.save(f"{name}_features.npy", features.numpy())
    np.save(f"{name}_tokens.npy", tokens.numpy())
    x = features.double().requires_grad_(True)
    (grad,) = torch.autograd.grad(model.double()(x, tokens)[:, 0].sum(), x)
    np.save(f"{name}_grad.npy", grad.numpy())


export_two_inputs("two_inputs")

with open("cases.json", "w") as f:
    json.dump(cases, f, indent=1)
with open("batch_major.json", "w") as f:
    json.dump(batch_major, f, indent=1)
print(json.dumps(cases, indent=1))


def bad_model(name, nodes, initializers=()):
    """Hand-made broken graphs for the error tests (not checked: they are meant to be wrong)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
    graph = helper.make_graph(nodes, name, [x], [y], list(initializers))
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), f"{name}.onnx")


bad_model("bad_unsupported", [helper.make_node("Relu", ["x"], ["h"], name="/enc/act/Relu"),
                              helper.make_node("Hardmax", ["h"], ["y"], name="/enc/head/Hardmax")])
bad_model("bad_dangling", [helper.make_node("Add", ["x", "bias"], ["y"], name="/head/Add")])
bad_model("bad_cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="/loop/First"),
                        helper.make_node("Relu", ["a"], ["b"], name="/loop/Second"),
                        helper.make_node("Identity", ["a"], ["y"], name="/out/Identity")])
# A weight whose shape does not fit its input: [batch, 3] times [4, 3].
bad_model("bad_shapes", [helper.make_node("Relu", ["x"], ["h"], name="/enc/Relu"),
                         helper.make_node("MatMul", ["h", "W"], ["y"], name="/head/MatMul")],
          [numpy_helper.from_array(np.ones((4, 3), np.float32), "W")])
# An LSTM whose W expects 4 features where its input has 3, on the fused kernel and (with a clip) the stepped one.
for suffix, extra in (("", {}), ("_clip", dict(clip=1.0))):
    bad_model(f"bad_lstm_width{suffix}", [
        helper.make_node("Unsqueeze", ["x", "axes"], ["steps"], name="/enc/Unsqueeze"),
        helper.make_node("LSTM", ["steps", "W", "R"], ["h"], name="/enc/LSTM", hidden_size=2, **extra),
        helper.make_node("Squeeze", ["h", "axes"], ["y"], name="/enc/Squeeze")],
        [numpy_helper.from_array(np.array([0], np.int64), "axes"), numpy_helper.from_array(np.ones((1, 8, 4), np.float32), "W"),
         numpy_helper.from_array(np.ones((1, 8, 2), np.float32), "R")])


# Graphs whose rows meet, so a batch cut into chunks would change their numbers (OnnxBatchSplit must run them whole):
# centring on the batch mean, a Softmax along the batch axis, and dividing by the batch size taken from Shape.
bad_model("rows_meet_mean", [helper.make_node("ReduceMean", ["x"], ["mean"], name="/centre/ReduceMean", axes=[0], keepdims=1),
                             helper.make_node("Sub", ["x", "mean"], ["y"], name="/centre/Sub")])
bad_model("rows_meet_softmax", [helper.make_node("Relu", ["x"], ["h"], name="/act/Relu"),
                                helper.make_node("Softmax", ["h"], ["y"], name="/over_batch/Softmax", axis=0)])
bad_model("rows_meet_batch_size", [
    helper.make_node("Shape", ["x"], ["shape"], name="/size/Shape"),
    helper.make_node("Gather", ["shape", "zero"], ["rows"], name="/size/Gather", axis=0),
    helper.make_node("Cast", ["rows"], ["count"], name="/size/Cast", to=TensorProto.FLOAT),
    helper.make_node("Div", ["x", "count"], ["y"], name="/per_row/Div")],
    [numpy_helper.from_array(np.array(0, np.int64), "zero")])
