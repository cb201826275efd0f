"""`tinygrad-edu train`: train one built-in model on one built-in dataset, save what it learned."""
import os
import time

from tinygrad_edu.train import fit, ModelCheckpoint
from .common import CliError, add_common, prepare_out, print_files, seed_everything
from .tasks import TASKS, MODELS, DEFAULT_LR, build, make_optimizer


def add_parser(commands):
    """Register `train` and its options."""
    parser = commands.add_parser(
        "train", help="train a model on a built-in dataset; save a checkpoint and the curves",
        description="Train a model on a built-in (generated) dataset with fit(): a progress bar "
                    "per epoch, the last values of the curves printed, best.npz/last.npz "
                    "checkpoints, history.json and curves.svg written to --out.",
        epilog="data: " + "; ".join(f"{t.name}: {t.about}" for t in TASKS.values())
               + ". models: " + "; ".join(f"{m} takes {', '.join(k)}" for m, k in MODELS.items()))
    parser.add_argument("--model", default="mlp", help=f"one of {', '.join(MODELS)} (default mlp)")
    parser.add_argument("--data", default="moons", help="dataset name (default moons; see below)")
    parser.add_argument("--optim", default="adam", help="sgd, adam, adamw, rmsprop, adagrad or rngd")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the data (default 20)")
    parser.add_argument("--lr", type=float, default=None, help="learning rate (default per optimiser)")
    parser.add_argument("--batch-size", type=int, default=32, help="examples per step (default 32)")
    parser.add_argument("--quick", action="store_true", help="less data, for a fast look")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_common(parser, "runs/train")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Train, print the last values, write checkpoint, history and curves."""
    if args.data not in TASKS:
        raise CliError(f"unknown dataset {args.data!r}; choose one of {', '.join(TASKS)}")
    if args.epochs < 1 or args.batch_size < 1:
        raise CliError(f"--epochs and --batch-size must be >= 1, got {args.epochs} and "
                       f"{args.batch_size}")
    if args.lr is not None and not args.lr > 0:
        raise CliError(f"--lr must be > 0, got {args.lr}")
    task = TASKS[args.data]
    if args.model not in MODELS:
        raise CliError(f"unknown model {args.model!r}; choose one of {', '.join(MODELS)}")
    out = prepare_out(args.out)
    seed_everything(args.seed)
    try:
        (X, y), (X_val, y_val) = task.load(args.seed, quick=args.quick)
    except ImportError as error:
        raise CliError(f"--data {task.name} needs an optional package ({error}); install it with "
                       f"pip install -e \".[examples]\"") from None
    model, loss_fn, metrics, targets = build(args.model, task, X)
    lr = DEFAULT_LR.get(args.optim, 0.01) if args.lr is None else args.lr
    optimizer = make_optimizer(args.optim, model, lr)
    saver = ModelCheckpoint(out)
    print(f"training {args.model} ({model.num_parameters()} parameters) on {task.name} "
          f"({len(X)} examples, {task.about}) with {args.optim}, lr {lr:g}, {args.epochs} epochs")
    start = time.perf_counter()
    history = fit(model, loss_fn, optimizer, (X, targets(X, y)), epochs=args.epochs,
                  batch_size=args.batch_size, val_data=(X_val, targets(X_val, y_val)),
                  metrics=metrics, callbacks=[saver], progress=not args.no_progress,
                  seed=args.seed)
    seconds = time.perf_counter() - start
    ending = " (interrupted)" if history.interrupted else ""
    print(f"after {history.epochs} epochs{ending}, {seconds:.1f} s:")
    for name, values in history.to_dict().items():
        print(f"  {name:<14} {values[-1]:.4g}")
    if "val_accuracy" in history and task.classes:
        print(f"  chance level   {task.chance(y_val):.4g} (always the most common class)")
    written = [path for path in (saver.best_path, saver.last_path) if os.path.exists(path)]
    written.append(os.path.join(out, "history.json"))
    history.to_json(written[-1])
    curves = _draw_curves(history, os.path.join(out, "curves.svg"),
                          f"{args.model} on {task.name} ({args.optim})")
    written += [curves] if curves else []
    print(f"restore with: model.load_state_dict(nn.load({os.path.relpath(saver.best_path)!r}))")
    print_files(written)
    return 0


def _draw_curves(history, path, title):
    """The learning curves as SVG through viz, or None when this viz has no plotting yet."""
    from tinygrad_edu import viz
    if not hasattr(viz, "plot_training_curves"):
        return None
    viz.plot_training_curves(history.to_dict(), path=path, title=title)
    return path
