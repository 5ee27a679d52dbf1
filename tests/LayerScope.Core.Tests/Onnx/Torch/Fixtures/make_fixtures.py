#!/usr/bin/python3
"""Exports the small models the ONNX-on-TorchSharp tests run, with PyTorch's outputs and input gradients.

Run with Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx) from this folder:
    /usr/bin/python3 make_fixtures.py
Every model has a dynamic batch axis; references are computed at batch 7 in float64 (the model is exported in float32).
For each model NAME it writes NAME.onnx, NAME_input.npy, NAME_output.npy (float32 forward) and NAME_grad.npy: the
gradient of output[:, 0].sum() with respect to the float input, or, for token-id inputs, with respect to the
embedding lookup's output (the tensor named in cases.json as "wrt"). cases.json lists them.
"""
import json

import numpy as np
import onnx
import torch
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
        target = double.body(embedded)[:, 0].sum()
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

with open("cases.json", "w") as f:
    json.dump(cases, f, indent=1)
print(json.dumps(cases, indent=1))


def bad_model(name, nodes):
    """Hand-made broken graphs for the error tests (not checked: they are meant to be wrong)."""
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
    graph = helper.make_graph(nodes, name, [x], [y])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), f"{name}.onnx")


from onnx import helper  # noqa: E402

bad_model("bad_unsupported", [helper.make_node("Relu", ["x"], ["h"], name="/enc/act/Relu"),
                              helper.make_node("Hardmax", ["h"], ["y"], name="/enc/head/Hardmax")])
bad_model("bad_dangling", [helper.make_node("Add", ["x", "bias"], ["y"], name="/head/Add")])
bad_model("bad_cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="/loop/First"),
                        helper.make_node("Relu", ["a"], ["b"], name="/loop/Second"),
                        helper.make_node("Identity", ["a"], ["y"], name="/out/Identity")])
