"""tinygrad_edu side of the benchmarks, written against the public API only (shared/API.md).

Each builder makes the layers, loads the shared numpy weights with `load_state_dict` (values may be
numpy arrays), and returns a step function doing what a user's training loop does:
`opt.zero_grad()`, forward, `loss.backward()`, `opt.step()`, `loss.item()`. Nothing here reaches
into engine internals, so the numbers are what a student's code would see. `nn` and `optim` are
imported inside the builders that use them, so the op-chain workloads (W5, MM) run as soon as the
core exists, even while the layers are still being written.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from tinygrad_edu import Tensor

from tinygrad_edu.bench.problems import Problem, layer_params
from tinygrad_edu.bench.workloads import LEARNING_RATE, RNGD_LEARNING_RATE, TINYGRAD_SGD


def _linear(problem: Problem, prefix: str):
    """An nn.Linear with the shared weights of `prefix` loaded."""
    from tinygrad_edu import nn

    weight = problem.params[prefix + ".weight"]
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    layer.load_state_dict(layer_params(problem.params, prefix))
    return layer


def _conv(problem: Problem, prefix: str):
    """An nn.Conv2d (stride 1, pad 0) with the shared weights of `prefix` loaded."""
    from tinygrad_edu import nn

    weight = problem.params[prefix + ".weight"]
    layer = nn.Conv2d(weight.shape[1], weight.shape[0], weight.shape[2])
    layer.load_state_dict(layer_params(problem.params, prefix))
    return layer


def _train_step(forward_loss: Callable[[], Tensor], params: list,
                optimizer=None) -> Callable[[], float]:
    """Wrap a loss closure in the usual zero_grad / backward / step loop (SGD unless given)."""
    from tinygrad_edu import optim

    opt = optimizer if optimizer is not None else optim.SGD(params, lr=LEARNING_RATE)

    def step() -> float:
        opt.zero_grad()
        loss = forward_loss()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def mlp_step(problem: Problem, use_rngd: bool = False) -> Callable[[], float]:
    """W1 / W6 / RNGD: nn.Sequential MLP 784-64-64-64-10 with nn.ReLU modules, cross-entropy.

    A Sequential with activation modules (not `.relu()` calls) because RNGD finds its layers and
    their activations through forward hooks; SGD runs on the very same model.
    """
    from tinygrad_edu import nn
    from tinygrad_edu import optim

    linears = [_linear(problem, f"fc{k}") for k in range(1, 5)]
    model = nn.Sequential(linears[0], nn.ReLU(), linears[1], nn.ReLU(), linears[2], nn.ReLU(),
                          linears[3])
    x, y = Tensor(problem.data["x"]), Tensor(problem.data["y"])

    def forward_loss() -> Tensor:
        return nn.functional.cross_entropy(model(x), y)

    # RNGD with the paper's MLP settings (T = 100, lambda = 0.995), its defaults.
    optimizer = optim.RNGD(model, lr=RNGD_LEARNING_RATE) if use_rngd else None
    return _train_step(forward_loss, list(model.parameters()), optimizer)


def cnn_step(problem: Problem) -> Callable[[], float]:
    """W2: conv, ReLU, pool, conv, ReLU, pool, flatten, linear, cross-entropy."""
    from tinygrad_edu import nn

    conv1, conv2 = _conv(problem, "conv1"), _conv(problem, "conv2")
    fc = _linear(problem, "fc")
    pool = nn.MaxPool2d(2)
    params = [*conv1.parameters(), *conv2.parameters(), *fc.parameters()]
    x, y = Tensor(problem.data["x"]), Tensor(problem.data["y"])

    def forward_loss() -> Tensor:
        h = pool(conv1(x).relu())
        h = pool(conv2(h).relu())
        return nn.functional.cross_entropy(fc(h.flatten(1)), y)

    return _train_step(forward_loss, params)


def lstm_step(problem: Problem) -> Callable[[], float]:
    """W3: nn.LSTM over 50 steps, MSE of a linear readout of the last hidden state."""
    from tinygrad_edu import nn

    w_ih = problem.params["lstm.weight_ih_l0"]
    lstm = nn.LSTM(w_ih.shape[1], w_ih.shape[0] // 4)
    lstm.load_state_dict(layer_params(problem.params, "lstm"))
    fc = _linear(problem, "fc")
    params = [*lstm.parameters(), *fc.parameters()]
    x, target = Tensor(problem.data["x"]), Tensor(problem.data["target"])

    def forward_loss() -> Tensor:
        _, (h_n, _) = lstm(x)
        return nn.functional.mse_loss(fc(h_n[0]), target)

    return _train_step(forward_loss, params)


def micrograd_step(problem: Problem) -> Callable[[], float]:
    """W4: MLP 2-16-16-1, ReLU, mean hinge loss relu(1 - y * score)."""
    layers = [_linear(problem, f"fc{k}") for k in range(1, 4)]
    params = [p for layer in layers for p in layer.parameters()]
    x, y = Tensor(problem.data["x"]), Tensor(problem.data["y"])

    def forward_loss() -> Tensor:
        score = layers[2](layers[1](layers[0](x).relu()).relu())
        return (1 - y * score).relu().mean()

    return _train_step(forward_loss, params)


def chain_step(problem: Problem) -> Callable[[], float]:
    """W5 / W5L / MMS: y = y * 1.0001 + 0.001 from a scalar leaf, forward and backward."""
    x = Tensor(np.array(problem.params["x"]), requires_grad=True)
    length = int(problem.data["length"])

    def step() -> float:
        x.zero_grad()
        y = x
        for _ in range(length):
            y = y * 1.0001 + 0.001
        y.backward()
        return y.item()

    return step


def matmul_step(problem: Problem) -> Callable[[], float]:
    """MM: sum(x @ w) for x (64, 784), w (784, 64), backward into both."""
    x = Tensor(problem.params["x"].copy(), requires_grad=True)
    w = Tensor(problem.params["w"].copy(), requires_grad=True)

    def step() -> float:
        x.zero_grad()
        w.zero_grad()
        loss = (x @ w).sum()
        loss.backward()
        return loss.item()

    return step


def build(name: str, problem: Problem, threads: int, impl: str = "tinygrad") -> Callable[[], float]:
    """Return the tinygrad_edu step function of workload `name` (threads come from the env)."""
    del threads
    if name in ("W1", "W6"):
        return mlp_step(problem)
    if name == "RNGD":
        return mlp_step(problem, use_rngd=impl != TINYGRAD_SGD)
    builders = {"W2": cnn_step, "W3": lstm_step, "W4": micrograd_step, "W5": chain_step,
                "W5L": chain_step, "MMS": chain_step, "MM": matmul_step}
    if name not in builders:
        raise NotImplementedError(f"no tinygrad_edu implementation of workload {name}")
    return builders[name](problem)
