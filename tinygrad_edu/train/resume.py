"""The content of `last.npz`: everything a killed training run needs to go on exactly.

Why each part: the weights alone (what `last.npz` used to hold) do not let a run continue
as if nothing happened. Adam's moments and step counts, the scheduler's epoch, the
callbacks' memories (EarlyStopping's patience, the best value so far), the history, and
the random generator's state (the next shuffle, the next dropout mask) are needed too.
With all of them, a run killed at any moment and resumed from its last finished epoch
ends with the same weights, bit for bit, as a run never interrupted. Everything is
stored by `nn.save` as arrays and plain numbers: no pickle.
"""
import os

import numpy as np

FORMAT = "tinygrad_edu.train checkpoint"
VERSION = 1


def training_state(run, epochs_done: int, finished: bool) -> dict:
    """The nested dict `ModelCheckpoint` saves as `last.npz` after an epoch."""
    from tinygrad_edu import get_rng_state
    return {
        "format": FORMAT, "version": VERSION,
        "epoch": int(epochs_done), "finished": bool(finished),
        "model": {name: np.array(t.data, copy=True) for name, t in run.model.state_dict().items()},
        "optimizer": run.optimizer.state_dict() if hasattr(run.optimizer, "state_dict") else None,
        "scheduler": None if run.scheduler is None else run.scheduler.state_dict(),
        "history": run.history.to_state(),
        "rng_state": np.array(get_rng_state(), copy=True),
        "callbacks": [{"class": type(cb).__name__, "state": cb.state_dict()}
                      for cb in run.callbacks],
    }


def checkpoint_path(resume_from) -> str:
    """`dir/last.npz` for a folder, the path itself for a file; FileNotFoundError if missing."""
    path = os.fspath(resume_from)
    if os.path.isdir(path):
        path = os.path.join(path, "last.npz")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"fit: resume_from={os.fspath(resume_from)!r}: there is no "
                                f"checkpoint {path!r} to resume from; pass the folder a "
                                f"ModelCheckpoint wrote into, or leave resume_from out to start")
    return path


def restore(run, resume_from):
    """Load a `last.npz` into the run (model, optimiser, scheduler, callbacks, history, random
    state); return (epochs done, finished). Everything is checked before anything changes."""
    from tinygrad_edu import nn, set_rng_state
    from .history import History
    path = checkpoint_path(resume_from)
    state = nn.load(path, allow_nonfinite=True)       # a diverged run holds inf: keep it as is
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"fit: {path!r} is not a training checkpoint (it holds no 'format': "
                         f"{FORMAT!r}); resume from the folder a ModelCheckpoint wrote into. A "
                         f"best.npz holds weights only: load it with model.load_state_dict")
    if state.get("version") != VERSION:
        raise ValueError(f"fit: {path!r} is a checkpoint of version {state.get('version')!r}; "
                         f"this tinygrad_edu reads version {VERSION}")
    saved_callbacks = state.get("callbacks") or []
    names = [entry.get("class") for entry in saved_callbacks if isinstance(entry, dict)]
    own = [type(cb).__name__ for cb in run.callbacks]
    if names != own:
        raise ValueError(f"fit: {path!r} was saved with the callbacks {names}, this fit has {own}; "
                         f"pass the same callbacks to resume")
    if (state.get("scheduler") is None) != (run.scheduler is None):
        raise ValueError(f"fit: {path!r} was saved {'without' if run.scheduler else 'with'} a "
                         f"scheduler; pass the same scheduler= to resume")
    epoch = state.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"fit: {path!r} holds the epoch {epoch!r}, not a count")
    history = History.from_state(state.get("history"))
    if history.epochs != epoch:
        raise ValueError(f"fit: {path!r} is inconsistent: its history has {history.epochs} "
                         f"epochs but it says {epoch} were done")
    # check everything that can be checked without changing anything, then apply
    snapshot_model = {name: np.array(t.data, copy=True) for name, t in run.model.state_dict().items()}
    snapshot_opt = run.optimizer.state_dict() if hasattr(run.optimizer, "state_dict") else None
    try:
        run.model.load_state_dict(state["model"])
        if snapshot_opt is not None:
            run.optimizer.load_state_dict(state["optimizer"])
        if run.scheduler is not None:
            run.scheduler.load_state_dict(state["scheduler"])
        for cb, entry in zip(run.callbacks, saved_callbacks):
            cb.load_state_dict(entry.get("state") or {})
        set_rng_state(state["rng_state"])
    except Exception:
        run.model.load_state_dict(snapshot_model)
        if snapshot_opt is not None:
            run.optimizer.load_state_dict(snapshot_opt)
        raise
    run.history.__dict__.update(history.__dict__)
    return epoch, bool(state.get("finished", False))
