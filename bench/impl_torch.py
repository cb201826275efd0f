"""PyTorch CPU eager baselines (`torch` and, for W3, `torch_cell`).

Modules name their layers like the keys of `bench.problems` (fc1, conv1, lstm, ...), so the shared
numpy weights load with `load_state_dict` and the first-step loss matches the other
implementations. Imported only inside a child process that benchmarks PyTorch.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tinygrad_edu.bench.problems import Problem
from tinygrad_edu.bench.workloads import LEARNING_RATE, TORCH_CELL


class ReluMLP(nn.Module):
    """Linear layers fc1..fcK with ReLU between them (W1, W4, W6)."""

    def __init__(self, sizes: list[int]):
        super().__init__()
        self.depth = len(sizes) - 1
        for k in range(self.depth):
            setattr(self, f"fc{k + 1}", nn.Linear(sizes[k], sizes[k + 1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for k in range(1, self.depth):
            x = F.relu(getattr(self, f"fc{k}")(x))
        return getattr(self, f"fc{self.depth}")(x)


class SmallCNN(nn.Module):
    """W2: conv 1->8, ReLU, pool 2, conv 8->16, ReLU, pool 2, flatten, linear 400->10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class LSTMReadout(nn.Module):
    """W3: nn.LSTM over the sequence (or an nn.LSTMCell loop), linear readout of the last h."""

    def __init__(self, n_in: int, hidden: int, use_cell: bool):
        super().__init__()
        self.use_cell = use_cell
        if use_cell:
            self.cell = nn.LSTMCell(n_in, hidden)
        else:
            self.lstm = nn.LSTM(n_in, hidden)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.use_cell:
            _, (h_n, _) = self.lstm(x)
            return self.fc(h_n[0])
        h = x.new_zeros(x.shape[1], self.cell.hidden_size)
        c = x.new_zeros(x.shape[1], self.cell.hidden_size)
        for t in range(x.shape[0]):
            h, c = self.cell(x[t], (h, c))
        return self.fc(h)


def _cell_key(key: str) -> str:
    """Map `lstm.weight_ih_l0` to the LSTMCell name `cell.weight_ih`."""
    if key.startswith("lstm."):
        return "cell." + key[len("lstm."):].removesuffix("_l0")
    return key


def make_model(name: str, problem: Problem, use_cell: bool = False) -> nn.Module:
    """The module of workload `name`, sized from the shapes of the problem's parameters."""
    if name == "W2":
        return SmallCNN()
    if name == "W3":
        gates_times_hidden, n_in = problem.params["lstm.weight_ih_l0"].shape
        return LSTMReadout(n_in, gates_times_hidden // 4, use_cell)
    if name == "W4":
        return ReluMLP([2, 16, 16, 1])
    if name in ("W1", "W6", "RNGD"):
        return ReluMLP([784, 64, 64, 64, 10])
    raise NotImplementedError(f"no PyTorch model for workload {name}")


def _loss(name: str, out: torch.Tensor, data: dict[str, torch.Tensor]) -> torch.Tensor:
    """Loss of workload `name`: cross-entropy (W1, W2), MSE (W3) or hinge (W4)."""
    if name == "W3":
        return F.mse_loss(out, data["target"])
    if name == "W4":
        return F.relu(1 - data["y"] * out).mean()
    return F.cross_entropy(out, data["y"])


def _load(model: nn.Module, problem: Problem, use_cell: bool) -> None:
    """Copy the shared numpy weights into the model (strict: every name must match)."""
    rename = _cell_key if use_cell else (lambda key: key)
    state = {rename(k): torch.from_numpy(np.array(v)) for k, v in problem.params.items()}
    model.load_state_dict(state, strict=True)


def _chain_step(problem: Problem) -> Callable[[], float]:
    """W5 / W5L / MMS: scalar chain from a leaf, forward and backward."""
    x = torch.tensor(float(problem.params["x"]), dtype=torch.float32, requires_grad=True)
    length = int(problem.data["length"])

    def step() -> float:
        x.grad = None
        y = x
        for _ in range(length):
            y = y * 1.0001 + 0.001
        y.backward()
        return y.item()

    return step


def _matmul_step(problem: Problem) -> Callable[[], float]:
    """MM: sum(x @ w), backward into both."""
    x = torch.from_numpy(problem.params["x"].copy()).requires_grad_()
    w = torch.from_numpy(problem.params["w"].copy()).requires_grad_()

    def step() -> float:
        x.grad = None
        w.grad = None
        loss = (x @ w).sum()
        loss.backward()
        return loss.item()

    return step


def build(name: str, problem: Problem, threads: int, impl: str = "torch") -> Callable[[], float]:
    """Return a PyTorch step function (zero_grad, forward, backward, SGD step) -> loss."""
    torch.set_num_threads(threads)
    if name in ("W5", "W5L", "MMS"):
        return _chain_step(problem)
    if name == "MM":
        return _matmul_step(problem)
    model = make_model(name, problem, impl == TORCH_CELL)
    _load(model, problem, impl == TORCH_CELL)
    data = {k: torch.from_numpy(np.array(v)) for k, v in problem.data.items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def step() -> float:
        optimizer.zero_grad()
        loss = _loss(name, model(data["x"]), data)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def loss_and_grads(name: str, problem: Problem) -> tuple[float, dict[str, np.ndarray]]:
    """Loss and parameter gradients by PyTorch autograd, for `bench.check_baselines`."""
    model = make_model(name, problem).to(torch.float64)
    _load(model, problem, False)
    data = {k: torch.from_numpy(np.array(v)) for k, v in problem.data.items()}
    loss = _loss(name, model(data["x"]), data)
    loss.backward()
    return loss.item(), {k: p.grad.numpy() for k, p in model.named_parameters()}
