"""The built-in tasks of `tinygrad-edu train` and the tour: datasets, models, losses.

Why one table: the command line and the tour must agree on what "an LSTM on a sequence
task" is, and a user who asks for an impossible pair (`--model cnn --data moons`) should
hear which data each model takes. Every dataset is generated (no download), seeded, and
split into a training and a validation part.
"""
import numpy as np

from tinygrad_edu import Tensor, nn
from tinygrad_edu import data as datasets
from .common import CliError

F = nn.functional


class Task:
    """A dataset with its kind, loss and metric.

    kind is "points" (N, 2), "images" (N, 1, H, W), "steps" (per-step labels of a
    sequence, (N, L, 1) -> (N, L)) or "sequence" (one regression target per sequence).
    """

    def __init__(self, name, kind, make, classes, about, split=None):
        self.name, self.kind, self.make, self.classes, self.about = name, kind, make, classes, about
        self.split = split

    def load(self, seed: int, quick: bool = False):
        """(X_train, y_train), (X_val, y_val): generated with seeds `seed` and `seed + 1`, or
        split from a fixed dataset (no example in both parts)."""
        if self.split is not None:
            return self.split(seed, quick)
        n_train, n_val = (200, 100) if quick else (600, 300)
        return self.make(n_train, seed), self.make(n_val, seed + 1)

    def chance(self, y) -> float:
        """Accuracy of always guessing the most common class (classification tasks)."""
        return float(np.bincount(np.asarray(y).reshape(-1)).max() / np.asarray(y).size)


def _points(fn, **kwargs):
    return lambda n, seed: fn(n, seed=seed, **kwargs)


def _digits(seed, quick):
    """scikit-learn's 8x8 digits as (N, 1, 8, 8) images, 75% / 25% (a fifth of it with quick)."""
    from tinygrad_edu import get_default_dtype
    X, y, X_val, y_val = datasets.load_digits8x8(test_fraction=0.25, seed=seed)
    if quick:
        X, y, X_val, y_val = X[:300], y[:300], X_val[:100], y_val[:100]
    dtype = get_default_dtype()
    return ((X.reshape(-1, 1, 8, 8).astype(dtype), y),
            (X_val.reshape(-1, 1, 8, 8).astype(dtype), y_val))


TASKS = {task.name: task for task in [
    Task("moons", "points", _points(datasets.make_moons, noise=0.15), 2, "two interleaving moons"),
    Task("circles", "points", _points(datasets.make_circles, noise=0.08, factor=0.5), 2,
         "a circle inside a circle"),
    Task("blobs", "points", _points(datasets.make_blobs, centers=3, cluster_std=1.5), 3,
         "three Gaussian clusters"),
    Task("spirals", "points", _points(datasets.make_spirals, n_classes=3, noise=0.15), 3,
         "three spiral arms"),
    Task("xor", "points", _points(datasets.make_xor, noise=0.05), 2, "the four quadrants of XOR"),
    Task("shapes", "images", _points(datasets.make_shapes, size=12, n_classes=4), 4,
         "12x12 images of bars, squares and crosses"),
    Task("digits", "images", None, 10, "scikit-learn's 8x8 digits (needs scikit-learn)",
         split=_digits),
    Task("running-sum", "steps", lambda n, seed: datasets.running_sum_sign(
        n, 12, seed=seed, batch_first=True), 2, "is the running sum positive? (per step)"),
    Task("echo", "steps", lambda n, seed: datasets.delayed_echo(
        n, 12, delay=2, seed=seed, batch_first=True), 2, "repeat the bit seen 2 steps ago"),
    Task("sine", "sequence", lambda n, seed: datasets.sine_continuation(
        n, 20, seed=seed, batch_first=True), None, "predict the next value of a sine wave"),
]}

MODELS = {
    "mlp": ("points", "images"),
    "cnn": ("images",),
    "lstm": ("steps", "sequence"),
    "gru": ("steps", "sequence"),
    "ae": ("points", "images"),
}


class SequenceModel(nn.Module):
    """An LSTM or GRU (batch-first) with a linear read-out, per step or of the last step."""

    def __init__(self, cell: str, input_size: int, hidden: int, outputs: int, per_step: bool):
        super().__init__()
        layer = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = layer(input_size, hidden, batch_first=True)
        self.head = nn.Linear(hidden, outputs)
        self.per_step = per_step

    def forward(self, x):
        out, _ = self.rnn(x)                         # (N, L, H)
        return self.head(out if self.per_step else out[:, -1])


def small_cnn(in_size: int, classes: int):
    """Conv(8) - ReLU - MaxPool - Conv(16) - ReLU - MaxPool - Linear: the tour's CNN."""
    side = in_size // 2 // 2
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * side * side, classes))


class Flat(nn.Module):
    """Flatten images before an MLP (a fully connected net sees pixels, not a grid)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.reshape(x.shape[0], -1))


def build(model_name: str, task: Task, X):
    """(model, loss_fn, metrics, targets_from) for a model name on a task.

    `targets_from(X, y)` gives the training targets (the autoencoder reconstructs X).
    """
    if model_name not in MODELS:
        raise CliError(f"unknown model {model_name!r}; choose one of {', '.join(MODELS)}")
    if task.kind not in MODELS[model_name]:
        fits = [t.name for t in TASKS.values() if t.kind in MODELS[model_name]]
        raise CliError(f"--model {model_name} cannot train on --data {task.name} ({task.about}); "
                       f"it takes: {', '.join(fits)}")
    features = int(np.prod(X.shape[1:]))
    if model_name == "ae":
        code = 2 if task.kind == "points" else 8
        inner = nn.Autoencoder([features, 32, code], [code, 32, features], activation="tanh")
        model = Flat(inner) if task.kind == "images" else inner
        loss = (lambda out, target: F.mse_loss(out, target.reshape(out.shape)))
        return model, loss, [], (lambda X, y: X)
    if task.kind == "sequence":
        model = SequenceModel(model_name, X.shape[-1], 16, 1, per_step=False)
        return model, F.mse_loss, [], (lambda X, y: y)
    if task.kind == "steps":
        model = SequenceModel(model_name, X.shape[-1], 16, task.classes, per_step=True)

        def per_step_loss(out, target):
            return F.cross_entropy(out.reshape(-1, out.shape[-1]), target.reshape(-1))
        return model, per_step_loss, ["accuracy"], (lambda X, y: y)
    if model_name == "cnn":
        model = small_cnn(X.shape[-1], task.classes)
    elif task.kind == "images":
        model = Flat(nn.MLP([features, 64, task.classes]))
    else:
        model = nn.MLP([features, 16, 16, task.classes])
    return model, F.cross_entropy, ["accuracy"], (lambda X, y: y)


def make_optimizer(name: str, model, lr: float):
    """An optimiser by name, on the model's parameters (RNGD takes the model itself)."""
    from tinygrad_edu import optim
    makers = {
        "sgd": lambda: optim.SGD(model.parameters(), lr=lr, momentum=0.9),
        "adam": lambda: optim.Adam(model.parameters(), lr=lr),
        "adamw": lambda: optim.AdamW(model.parameters(), lr=lr),
        "rmsprop": lambda: optim.RMSprop(model.parameters(), lr=lr),
        "adagrad": lambda: optim.Adagrad(model.parameters(), lr=lr),
        "rngd": lambda: optim.RNGD(model, lr=lr, T=20),
    }
    if name not in makers:
        raise CliError(f"unknown optimiser {name!r}; choose one of {', '.join(makers)}")
    return makers[name]()


DEFAULT_LR = {"sgd": 0.05, "adam": 0.01, "adamw": 0.01, "rmsprop": 0.003, "adagrad": 0.05,
              "rngd": 0.05}


def predict_tensor(model, X):
    """The model's output on X as a numpy array (eval mode, no graph)."""
    from tinygrad_edu import no_grad
    model.eval()
    with no_grad():
        out = model(Tensor(X)).data
    model.train()
    return out
