"""The four trainings of the tour: an MLP, a CNN, an LSTM and an autoencoder, each on built-in data.

Why these four: they are the model families of the course, and each comes with a number
that shows it learned, set against what guessing would give (chance accuracy, or the
reconstruction error of the mean image and of PCA, the optimum of a linear autoencoder,
the course notes (summary) sec. 9.1).
"""
import time

import numpy as np

from tinygrad_edu import manual_seed, nn, optim
from tinygrad_edu import data as datasets
from tinygrad_edu.train import fit, evaluate
from .tasks import SequenceModel, small_cnn

F = nn.functional


class Result:
    """One row of the summary table, plus what the pictures need."""

    def __init__(self, name, task, model, history, seconds, loss, accuracy, chance, note, data):
        self.name, self.task, self.model, self.history = name, task, model, history
        self.seconds, self.loss, self.accuracy, self.chance = seconds, loss, accuracy, chance
        self.note, self.data = note, data
        self.short = "AE" if name.startswith("linear AE") else name.split()[0]

    @property
    def parameters(self) -> int:
        """The number of trained scalars (the table's "parameters" column)."""
        return self.model.num_parameters()


def _timed_fit(label, model, loss, opt, train, val, epochs, batch_size, seed, metrics, progress):
    start = time.perf_counter()
    history = fit(model, loss, opt, train, epochs=epochs, batch_size=batch_size, val_data=val,
                  metrics=metrics, seed=seed, progress=progress, label=label)
    if history.interrupted:     # Ctrl-C: the epoch it cut is not recorded; stop the tour here
        raise KeyboardInterrupt
    return history, time.perf_counter() - start


def mlp_on_moons(seed: int, quick: bool, progress: bool) -> Result:
    """MLP 2-16-16-2 on two moons with Adam; its regions and decisions are drawn later."""
    manual_seed(seed)
    n = 200 if quick else 500
    X, y = datasets.make_moons(n, noise=0.15, seed=seed)
    X_val, y_val = datasets.make_moons(200, noise=0.15, seed=seed + 1)
    model = nn.MLP([2, 16, 16, 2])
    history, seconds = _timed_fit("MLP", model, F.cross_entropy,
                                  optim.Adam(model.parameters(), lr=0.02), (X, y), (X_val, y_val),
                                  40 if quick else 80, 32, seed, ["accuracy"], progress)
    return Result("MLP 2-16-16-2", "two moons", model, history, seconds,
                  history.last("val_loss"), history.last("val_accuracy"), 0.5,
                  "a ReLU network is piecewise linear: see its linear regions and how its "
                  "decision boundary bends only where they meet", (X, y))


def cnn_on_shapes(seed: int, quick: bool, progress: bool) -> Result:
    """Two conv layers on the 12x12 shapes (4 classes), SGD with momentum."""
    manual_seed(seed)
    n = 400 if quick else 1000
    X, y = datasets.make_shapes(n, size=12, n_classes=4, seed=seed)
    X_val, y_val = datasets.make_shapes(200, size=12, n_classes=4, seed=seed + 1)
    model = small_cnn(12, 4)
    history, seconds = _timed_fit("CNN", model, F.cross_entropy,
                                  optim.SGD(model.parameters(), lr=0.05, momentum=0.9), (X, y),
                                  (X_val, y_val), 8 if quick else 20, 32, seed, ["accuracy"],
                                  progress)
    chance = float(np.bincount(y_val).max() / len(y_val))
    return Result("CNN conv8-conv16", "shapes 12x12, 4 classes", model, history, seconds,
                  history.last("val_loss"), history.last("val_accuracy"), chance,
                  "bars, squares and crosses anywhere in the image: the same 3x3 filters "
                  "slide over every position (weight sharing)", (X_val, y_val))


def lstm_on_running_sum(seed: int, quick: bool, progress: bool) -> Result:
    """LSTM(1 -> 12) labelling every step: is the running sum so far positive?"""
    manual_seed(seed)
    n = 512 if quick else 1024
    X, y = datasets.running_sum_sign(n, 12, seed=seed, batch_first=True)
    X_val, y_val = datasets.running_sum_sign(256, 12, seed=seed + 1, batch_first=True)
    model = SequenceModel("lstm", 1, 12, 2, per_step=True)

    def per_step_loss(out, target):
        return F.cross_entropy(out.reshape(-1, 2), target.reshape(-1))
    history, seconds = _timed_fit("LSTM", model, per_step_loss,
                                  optim.Adam(model.parameters(), lr=0.03), (X, y), (X_val, y_val),
                                  10 if quick else 25, 64, seed, ["accuracy"], progress)
    chance = float(max(y_val.mean(), 1 - y_val.mean()))
    return Result("LSTM 1-12 + linear", "sign of the running sum, 12 steps", model, history,
                  seconds, history.last("val_loss"), history.last("val_accuracy"), chance,
                  "labels every step with the sign of the sum so far: it must carry a running "
                  "total in its cell state; one input alone says nothing", (X_val, y_val))


def autoencoder_on_shapes(seed: int, quick: bool, progress: bool) -> Result:
    """A linear autoencoder 144 -> 8 -> 144 on the shapes, compared with PCA's optimum."""
    manual_seed(seed)
    n = 400 if quick else 1000
    X, _ = datasets.make_shapes(n, size=12, n_classes=4, seed=seed + 10)
    X_val, _ = datasets.make_shapes(200, size=12, n_classes=4, seed=seed + 11)
    X, X_val = X.reshape(len(X), -1), X_val.reshape(len(X_val), -1)
    model = nn.LinearAutoencoder(144, 8)
    history, seconds = _timed_fit("AE", model, F.mse_loss, optim.Adam(model.parameters(), lr=0.01),
                                  (X, X), (X_val, X_val), 30 if quick else 60, 32, seed, None,
                                  progress)
    mean, basis = pca_fit(X, 8)
    pca = pca_error(mean, basis, X_val)
    mean_image = float(((X_val - X.mean(axis=0)) ** 2).mean())
    final = evaluate(model, F.mse_loss, (X_val, X_val))["loss"]
    return Result("linear AE 144-8-144", "shapes images, code of 8", model, history, seconds,
                  final, None, None,
                  f"reconstruction MSE {final:.4f} on held-out images, against {pca:.4f} for "
                  f"PCA with 8 components (the optimum a linear autoencoder can reach) and "
                  f"{mean_image:.4f} for the mean image", (X_val, pca, mean_image, (mean, basis)))


def pca_fit(X, k: int):
    """(mean, basis): the mean of X and its top-k principal directions as columns (D, k)."""
    mean = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean, vt[:k].T


def pca_error(mean, basis, X_val) -> float:
    """Mean squared reconstruction error on X_val of the principal subspace `basis` (PCA's)."""
    centred = X_val - mean
    return float(((centred - centred @ basis @ basis.T) ** 2).mean())


RUNS = [mlp_on_moons, cnn_on_shapes, lstm_on_running_sum, autoencoder_on_shapes]
