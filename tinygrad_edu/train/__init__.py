"""train: `fit`, `evaluate`, the `History` they record, and callbacks.

    >>> from tinygrad_edu import nn, optim
    >>> from tinygrad_edu.train import fit, EarlyStopping
    >>> from tinygrad_edu.data import make_moons
    >>> X, y = make_moons(100, noise=0.1, seed=0)
    >>> model = nn.MLP([2, 8, 2])
    >>> history = fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
    ...               (X, y), epochs=3, metrics=["accuracy"], progress=False)
    >>> history.epochs, sorted(history.to_dict())
    (3, ['accuracy', 'loss'])
"""
from .history import History
from .callbacks import Callback, EarlyStopping, ModelCheckpoint
from .metrics import accuracy
from .loop import fit, evaluate, Run
from .reporting import TrainingDivergedWarning, summary_line

__all__ = ["fit", "evaluate", "History", "Callback", "EarlyStopping", "ModelCheckpoint",
           "accuracy", "Run", "TrainingDivergedWarning", "summary_line"]
