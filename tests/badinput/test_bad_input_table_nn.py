"""The bad-input table, second half: layers, losses, optimisers, checkpoints and state dicts.

Same rules as test_bad_input_table.py: each call is refused with a builtin error whose
message starts by naming the op (first fragment) and holds the offending value and the
fix, with no chained numpy traceback, and every object of the `World` is left as it was:
the layer's weights and grads, both optimisers' state (they have taken a step), the
checkpoint file's bytes and its folder.
"""
import os
import zipfile

import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, optim

from badinput_helpers import World, check_refusal

F = nn.functional
NAN, INF = float("nan"), float("inf")


def row(id, call, error, *fragments, prepare=None):
    """One table row; `prepare(world)`, run before the snapshot, makes what the call is given
    (a damaged file, a wrong gradient) and its result is kept as `world.bad`."""
    return pytest.param(call, error, fragments, prepare, id=id)


def _set_grad(tensor, value):
    tensor.grad = value


def _write(path, data: bytes):
    with open(path, "wb") as file:
        file.write(data)
    return path


def _truncated(w):
    with open(w.path, "rb") as file:
        data = file.read()
    return _write(os.path.join(w.folder, "truncated.npz"), data[: len(data) // 2])


def _empty_zip(w):
    path = os.path.join(w.folder, "empty.npz")
    zipfile.ZipFile(path, "w").close()
    return path


def _text_zip(w):
    path = os.path.join(w.folder, "text.npz")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not an array")
    return path


def _adam_state(w, **changes):
    state = w.adam.state_dict()
    state["state"][0] = {**state["state"][0], **changes}
    return state


LAYERS = [
    row("Linear(-1, 2)", lambda w: nn.Linear(-1, 2), ValueError, "Linear", "in_features", "-1"),
    row("Linear(2.5, 2)", lambda w: nn.Linear(2.5, 2), TypeError, "Linear", "2.5"),
    row("Linear('3', 2)", lambda w: nn.Linear("3", 2), TypeError, "Linear", "'3'",
        "pass the number 3"),
    row("Linear(2, NaN)", lambda w: nn.Linear(2, NAN), TypeError, "Linear", "out_features",
        "nan"),
    row("Linear('abc')", lambda w: w.lin("abc"), TypeError, "Linear", "'abc' (str)",
        "Tensor(...)"),
    row("Linear([1, 2, 3])", lambda w: w.lin([1, 2, 3]), TypeError, "Linear", "(list)"),
    row("Linear(wrong width)", lambda w: w.lin(Tensor.ones(2, 4)), ValueError, "Linear(3, 2)",
        "(2, 4)", "weight.shape[1]"),
    row("Linear(0-d)", lambda w: w.lin(w.s), ValueError, "Linear(3, 2)", "()"),
    row("Conv2d(kernel 0)", lambda w: nn.Conv2d(1, 2, 0), ValueError, "Conv2d", "kernel_size",
        "0"),
    row("Conv2d(stride 0)", lambda w: nn.Conv2d(1, 2, 3, stride=0), ValueError, "Conv2d",
        "stride"),
    row("Conv2d(padding -1)", lambda w: nn.Conv2d(1, 2, 3, padding=-1), ValueError, "Conv2d",
        "padding", "-1"),
    row("Conv2d(kernel 'a')", lambda w: nn.Conv2d(1, 2, "a"), TypeError, "Conv2d", "'a'"),
    row("Conv2d(-1 channels)", lambda w: nn.Conv2d(-1, 2, 3), ValueError, "Conv2d",
        "in_channels", "-1"),
    row("Conv2d(channel clash)", lambda w: nn.Conv2d(1, 2, 3)(Tensor.ones(1, 3, 8, 8)),
        ValueError, "Conv2d", "3 channels"),
    row("Conv2d(2-D input)", lambda w: nn.Conv2d(1, 2, 3)(Tensor.ones(8, 8)), ValueError,
        "Conv2d", "(8, 8)", "without the batch dim"),
    row("MaxPool2d(0)", lambda w: nn.MaxPool2d(0), ValueError, "MaxPool2d", "kernel_size"),
    row("AvgPool2d(-1)", lambda w: nn.AvgPool2d(-1), ValueError, "AvgPool2d", "-1"),
    row("MaxPool2d(stride 2.5)", lambda w: nn.MaxPool2d(2, stride=2.5), TypeError, "MaxPool2d",
        "2.5"),
    row("Embedding(-1, 2)", lambda w: nn.Embedding(-1, 2), ValueError, "Embedding", "-1"),
    row("Embedding(float index)", lambda w: nn.Embedding(3, 2)(Tensor([1.5])), TypeError,
        "Embedding(3, 2)", "float32", "astype"),
    row("Embedding(index 5 of 3)", lambda w: nn.Embedding(3, 2)(Tensor([5])), IndexError,
        "Embedding(3, 2)", "index 5"),
    row("BatchNorm1d(-1)", lambda w: nn.BatchNorm1d(-1), ValueError, "BatchNorm1d", "-1"),
    row("BatchNorm1d(channel clash)", lambda w: nn.BatchNorm1d(3)(Tensor.ones(4, 5)), ValueError,
        "BatchNorm1d(3)", "(4, 5)"),
    row("BatchNorm1d(batch of 1)", lambda w: nn.BatchNorm1d(3)(Tensor.ones(1, 3)), ValueError,
        "batch_norm", "(1, 3)", "eval()"),
    row("BatchNorm1d(momentum NaN)", lambda w: nn.BatchNorm1d(3, momentum=NAN), ValueError,
        "BatchNorm1d", "nan"),
    row("Dropout(1.5)", lambda w: nn.Dropout(1.5), ValueError, "Dropout", "1.5"),
    row("Dropout('a')", lambda w: nn.Dropout("a"), ValueError, "Dropout", "'a'"),
    row("Dropout(inf)", lambda w: nn.Dropout(INF), ValueError, "Dropout", "inf"),
    row("RNN(-1, 2)", lambda w: nn.RNN(-1, 2), ValueError, "RNN", "-1"),
    row("LSTM(2, 0)", lambda w: nn.LSTM(2, 0), ValueError, "LSTM", "0"),
    row("GRU(input size clash)", lambda w: nn.GRU(2, 3)(Tensor.ones(5, 1, 4)), ValueError,
        "GRU(2, 3)", "(5, 1, 4)"),
    row("RNN(nonlinearity)", lambda w: nn.RNN(2, 3, nonlinearity="foo"), ValueError, "RNN",
        "'foo'"),
    row("F.layer_norm(None)", lambda w: F.layer_norm(w.x, None), TypeError, "layer_norm",
        "normalized_shape", "None"),
    row("LayerNorm(3)(width 4)", lambda w: nn.LayerNorm(3)(Tensor.ones(2, 4)), ValueError,
        "LayerNorm((3,))", "(2, 4)"),
    row("ReLU('a')", lambda w: nn.ReLU()("a"), TypeError, "ReLU", "'a'"),
    row("Softmax(dim=5)", lambda w: nn.Softmax(dim=5)(w.x), IndexError, "softmax", "5"),
    row("Flatten(5)", lambda w: nn.Flatten(5)(w.x), IndexError, "flatten", "5"),
    row("MLP([2])", lambda w: nn.MLP([2]), ValueError, "MLP", "[2]"),
    row("MLP([2, -1])", lambda w: nn.MLP([2, -1]), ValueError, "MLP", "-1"),
    row("Sequential('a')", lambda w: nn.Sequential("a"), TypeError, "add_module", "str"),
    # layers added for PyTorch conformance (issue 19)
    row("LSTM(proj_size >= hidden)", lambda w: nn.LSTM(2, 4, proj_size=4), ValueError, "LSTM",
        "proj_size", "4"),
    row("GroupNorm(3, 4)", lambda w: nn.GroupNorm(3, 4), ValueError, "GroupNorm",
        "num_channels=4", "num_groups=3"),
    row("GroupNorm(channel clash)", lambda w: nn.GroupNorm(2, 4)(Tensor.ones(2, 3, 5)),
        ValueError, "GroupNorm(2, 4)", "(2, 3, 5)"),
    row("InstanceNorm1d(affine, channel clash)",
        lambda w: nn.InstanceNorm1d(4, affine=True)(Tensor.ones(2, 3, 5)), ValueError,
        "InstanceNorm1d(4)", "(2, 3, 5)"),
    row("ConvTranspose2d(padding='same')", lambda w: nn.ConvTranspose2d(1, 2, 3, padding="same"),
        ValueError, "ConvTranspose2d", "'same'"),
    row("ReflectionPad1d(too wide)", lambda w: nn.ReflectionPad1d(3)(Tensor.ones(1, 3)),
        ValueError, "pad", "reflect", "size 3"),
    row("MultiMarginLoss(p=3)", lambda w: nn.MultiMarginLoss(p=3), ValueError, "MultiMarginLoss",
        "p = 1 and p = 2", "got 3"),
    row("F.avg_pool2d(divisor_override=0)",
        lambda w: F.avg_pool2d(Tensor.ones(1, 1, 4, 4), 2, divisor_override=0),
        ValueError, "avg_pool2d", "divisor_override", "0"),
]

LOSSES = [
    row("F.relu('a')", lambda w: F.relu("a"), TypeError, "relu", "'a'", "Tensor(...)"),
    row("F.softmax(None)", lambda w: F.softmax(None, dim=0), TypeError, "softmax", "None"),
    row("F.gelu([1, 2])", lambda w: F.gelu([1.0, 2.0]), TypeError, "gelu", "(list)"),
    row("F.dropout(array)", lambda w: F.dropout(np.ones(3)), TypeError, "dropout", "ndarray"),
    row("cross_entropy(weight={})",
        lambda w: F.cross_entropy(w.x, np.array([0, 1]), weight={}), TypeError, "nll_loss",
        "weight", "{}"),
    row("mse_loss(target 'a')", lambda w: F.mse_loss(w.x, "a"), TypeError, "mse_loss", "'a'"),
    row("l1_loss(target with None)", lambda w: F.l1_loss(w.x, [[1, None, 2]] * 2), TypeError,
        "l1_loss", "None"),
    row("mse_loss(shape clash)", lambda w: F.mse_loss(w.x, Tensor.ones(3)), ValueError,
        "mse_loss", "(2, 3)", "(3,)"),
    row("mse_loss(reduction='avg')", lambda w: F.mse_loss(w.x, w.x, reduction="avg"), ValueError,
        "mse_loss", "'avg'"),
    row("MSELoss(reduction='bad')", lambda w: nn.MSELoss(reduction="bad"), ValueError, "MSELoss",
        "'bad'"),
    row("cross_entropy(class 7 of 3)", lambda w: F.cross_entropy(w.x, np.array([0, 7])),
        IndexError, "cross_entropy", "7", "3 classes"),
    row("cross_entropy(class -5)", lambda w: F.cross_entropy(w.x, np.array([0, -5])), IndexError,
        "cross_entropy", "-5"),
    row("cross_entropy(target 'a')", lambda w: F.cross_entropy(w.x, "a"), TypeError,
        "cross_entropy", "'a' (str)", "class indices"),
    row("nll_loss(float target)", lambda w: F.nll_loss(w.x, np.array([0.5, 1.0])), TypeError,
        "nll_loss", "float64", "astype"),
    row("batch_norm('a')", lambda w: F.batch_norm("a"), TypeError, "batch_norm", "'a'"),
    row("batch_norm(running_mean shape)",
        lambda w: F.batch_norm(w.x, w.a, w.a, training=True), ValueError, "batch_norm",
        "running_mean", "(3,)"),
    row("cross_entropy(target shape)", lambda w: F.cross_entropy(w.x, np.array([[0, 1]])),
        ValueError, "nll_loss", "(2, 3)", "(1, 2)"),
    row("cross_entropy(0-d logits)", lambda w: F.cross_entropy(w.s, np.array(0)), ValueError,
        "nll_loss", "0-d"),
    row("nll_loss(target shape)", lambda w: F.nll_loss(w.x, np.array([0])), ValueError,
        "nll_loss", "(1,)"),
    row("CrossEntropyLoss('a', y)", lambda w: nn.CrossEntropyLoss()("a", np.array([0, 1])),
        TypeError, "CrossEntropyLoss", "'a'"),
    row("binary_cross_entropy(out of range)", lambda w: F.binary_cross_entropy(w.x.abs() + 1, w.x),
        ValueError, "binary_cross_entropy", "[0, 1]", "sigmoid"),
    row("binary_cross_entropy(NaN)",
        lambda w: F.binary_cross_entropy(Tensor([NAN, 0.5]), Tensor([1.0, 1.0])), ValueError,
        "binary_cross_entropy", "NaN"),
    row("bce_with_logits(shape clash)",
        lambda w: F.binary_cross_entropy_with_logits(w.x, Tensor.ones(3)), ValueError,
        "binary_cross_entropy_with_logits", "(3,)"),
    row("hinge_loss(labels 0.5)", lambda w: F.hinge_loss(w.x, Tensor.ones(2, 3) * 0.5),
        ValueError, "hinge_loss", "0.5", "2 * y - 1"),
]

OPTIMISERS = [
    row("SGD(lr=-1)", lambda w: optim.SGD([w.a], lr=-1), ValueError, "SGD", "lr=-1"),
    row("SGD(lr='a')", lambda w: optim.SGD([w.a], lr="a"), TypeError, "SGD", "'a'"),
    row("SGD(lr=NaN)", lambda w: optim.SGD([w.a], lr=NAN), ValueError, "SGD", "nan"),
    row("SGD(momentum=1.5)", lambda w: optim.SGD([w.a], lr=0.1, momentum=1.5), ValueError, "SGD",
        "1.5"),
    row("SGD(one tensor)", lambda w: optim.SGD(w.a, lr=0.1), TypeError, "SGD", "wrap it in a list"),
    row("SGD([])", lambda w: optim.SGD([], lr=0.1), ValueError, "SGD", "empty"),
    row("SGD([p, p])", lambda w: optim.SGD([w.a, w.a], lr=0.1), ValueError, "SGD",
        "more than once"),
    row("SGD(no grad)", lambda w: optim.SGD([Tensor([1.0])], lr=0.1), ValueError, "SGD",
        "requires_grad_"),
    row("Adam(betas NaN)", lambda w: optim.Adam([w.a], betas=(NAN, 0.9)), ValueError, "Adam",
        "nan"),
    row("Adam(betas one)", lambda w: optim.Adam([w.a], betas=(0.9,)), ValueError, "Adam",
        "(0.9,)"),
    row("Adam(eps=-1)", lambda w: optim.Adam([w.a], eps=-1), ValueError, "Adam", "eps=-1"),
    row("RMSprop(alpha=2)", lambda w: optim.RMSprop([w.a], alpha=2), ValueError, "RMSprop", "2"),
    row("Adagrad(lr_decay=-1)", lambda w: optim.Adagrad([w.a], lr_decay=-1), ValueError,
        "Adagrad", "-1"),
    row("AdamW(weight_decay=-1)", lambda w: optim.AdamW([w.a], weight_decay=-1), ValueError,
        "AdamW", "-1"),
    row("clip_grad_norm_('a')", lambda w: optim.clip_grad_norm_([w.a], max_norm="a"), TypeError,
        "clip_grad_norm_", "'a'"),
    row("clip_grad_value_(None)", lambda w: optim.clip_grad_value_([w.a], clip_value=None),
        TypeError, "clip_grad_value_", "None"),
    row("SGD.step(wrong-shaped grad on b)", lambda w: w.sgd.step(), ValueError, "SGD.step",
        "parameter 1", "(3,)", "Nothing was updated",
        prepare=lambda w: _set_grad(w.b, Tensor.ones(3))),
    row("SGD.step(.grad is an array)", lambda w: w.sgd.step(), TypeError, "SGD.step", "ndarray",
        prepare=lambda w: _set_grad(w.b, Tensor(np.ones((1, 2))).data)),
    row("Adam.step(wrong-shaped grad)", lambda w: w.adam.step(), ValueError, "Adam.step", "(5,)",
        prepare=lambda w: _set_grad(w.lin.bias, Tensor.ones(5))),
    row("Adam.step(complex grad)", lambda w: w.adam.step(), TypeError, "Adam.step", "complex128",
        prepare=lambda w: _set_grad(w.lin.bias, Tensor(np.ones(2) * 1j))),
    row("load_state_dict(no param_groups)", lambda w: w.sgd.load_state_dict({"state": {}}),
        ValueError, "SGD.load_state_dict", "'param_groups'", "optimizer.state_dict()"),
    row("load_state_dict(list)", lambda w: w.sgd.load_state_dict([1]), TypeError,
        "SGD.load_state_dict", "list"),
    row("load_state_dict(buffer shape)",
        lambda w: w.adam.load_state_dict(_adam_state(w, exp_avg=np.zeros(5))), ValueError,
        "Adam.load_state_dict", "'exp_avg'", "(5,)", "(2, 3)"),
    row("load_state_dict(momentum shape)",
        lambda w: w.sgd.load_state_dict({**w.sgd.state_dict(), "state": {
            0: {"momentum_buffer": np.zeros((4, 4))}}}), ValueError, "SGD.load_state_dict",
        "'momentum_buffer'", "(4, 4)"),
    row("load_state_dict(state of index 9)",
        lambda w: w.sgd.load_state_dict({**w.sgd.state_dict(), "state": {9: {}}}), ValueError,
        "SGD.load_state_dict", "9"),
    row("load_state_dict(lr='a')",
        lambda w: w.sgd.load_state_dict({**w.sgd.state_dict(), "param_groups": [
            {**w.sgd.state_dict()["param_groups"][0], "lr": "a"}]}), TypeError, "SGD", "'a'"),
    row("load_state_dict(negative step)",
        lambda w: w.adam.load_state_dict(_adam_state(w, step=-3)), ValueError,
        "Adam.load_state_dict", "-3"),
    row("load_state_dict(two groups)",
        lambda w: w.sgd.load_state_dict({"state": {},
                                         "param_groups": [{"params": [0]}, {"params": [1]}]}),
        ValueError, "SGD.load_state_dict", "2 parameter groups"),
]

STATE_AND_FILES = [
    row("Module.load_state_dict(list)", lambda w: w.lin.load_state_dict([1, 2]), TypeError,
        "load_state_dict into Linear", "[1, 2] (list)", "nn.load(path)"),
    row("Module.load_state_dict(None)", lambda w: w.lin.load_state_dict(None), TypeError,
        "load_state_dict into Linear", "None"),
    row("Module.load_state_dict(int keys)", lambda w: w.lin.load_state_dict({1: 2}), TypeError,
        "load_state_dict into Linear", "1 (int)"),
    row("Module.load_state_dict(str value)",
        lambda w: w.lin.load_state_dict({"weight": "abc", "bias": np.zeros(2)}), RuntimeError,
        "load_state_dict into Linear", "'weight'", "<U3"),
    row("Module.load_state_dict(ragged value)",
        lambda w: w.lin.load_state_dict({"weight": [[1, 2], [3]], "bias": np.zeros(2)}),
        RuntimeError, "load_state_dict into Linear", "'weight'", "not an array"),
    row("Module.load_state_dict(shape clash)",
        lambda w: w.lin.load_state_dict({"weight": np.zeros((3, 3)), "bias": np.zeros(2)}),
        RuntimeError, "load_state_dict into Linear", "(3, 3)", "(2, 3)"),
    row("Module.load_state_dict(missing key)",
        lambda w: w.lin.load_state_dict({"weight": np.zeros((2, 3))}), RuntimeError,
        "load_state_dict into Linear", "missing keys: bias", "strict=False"),
    row("nn.load(empty zip)", lambda w: nn.load(w.bad), ValueError, "nn.load", "empty.npz",
        "no arrays", "nn.save", prepare=_empty_zip),
    row("nn.load(truncated)", lambda w: nn.load(w.bad), ValueError, "nn.load", "truncated.npz",
        "truncated", prepare=_truncated),
    row("nn.load(zip of text)", lambda w: nn.load(w.bad), ValueError, "nn.load", "notes.txt",
        "not a numpy array", prepare=_text_zip),
    row("nn.load(text file)", lambda w: nn.load(w.bad), ValueError, "nn.load", "notes.npz",
        prepare=lambda w: _write(os.path.join(w.folder, "notes.npz"), b"hello")),
    row("nn.load(missing file)", lambda w: nn.load(os.path.join(w.folder, "nope.npz")),
        FileNotFoundError, "nn.load", "nope.npz", "check the path"),
    row("nn.load(folder)", lambda w: nn.load(w.folder), IsADirectoryError, "nn.load"),
    row("nn.load(5)", lambda w: nn.load(5), TypeError, "nn.load", "int"),
    row("nn.save(path 5)", lambda w: nn.save(w.lin, 5), TypeError, "nn.save", "int"),
    row("nn.save('abc')", lambda w: nn.save("abc", w.path), TypeError, "nn.save", "str"),
    row("nn.save(empty)", lambda w: nn.save(nn.ReLU(), w.path), ValueError, "nn.save",
        "nothing to save"),
    row("nn.save(string array)", lambda w: nn.save({"w": np.array(["a"])}, w.path), TypeError,
        "nn.save", "'w'", "<U1"),
    row("nn.save(missing folder)",
        lambda w: nn.save(w.lin, os.path.join(w.folder, "no", "m.npz")), FileNotFoundError,
        "nn.save", "does not exist", "os.makedirs"),
]


@pytest.mark.parametrize("call, error, fragments, prepare",
                         LAYERS + LOSSES + OPTIMISERS + STATE_AND_FILES)
def test_bad_input_is_refused_clearly_and_changes_nothing(tmp_path, call, error, fragments,
                                                          prepare):
    world = World(tmp_path)
    if prepare is not None:
        world.bad = prepare(world)
    check_refusal(world, call, error, fragments)
