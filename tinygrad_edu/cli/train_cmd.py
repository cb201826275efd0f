"""`tinygrad-edu train`: train one built-in model on one built-in dataset, save what it learned."""
import json
import os
import warnings

from tinygrad_edu.safe_files import atomic_open, atomic_write
from tinygrad_edu.train import fit, ModelCheckpoint, TrainingDivergedWarning, summary_line
from .common import CliError, add_common, prepare_out, print_files, seed_everything
from .tasks import TASKS, MODELS, DEFAULT_LR, build, make_optimizer

EXIT_DIVERGED = 3
RUN_FILES = ("last.npz", "best.npz", "history.json")


def add_parser(commands):
    """Register `train` and its options."""
    parser = commands.add_parser(
        "train", help="train a model on a built-in dataset; save a checkpoint and the curves",
        description="Train a model on a built-in (generated) dataset with fit(): a progress bar "
                    "per epoch, a summary line (epochs, why it stopped, the best epoch), the last "
                    "values printed, best.npz/last.npz checkpoints, history.json and curves.svg "
                    "written to --out. A run that is killed or interrupted goes on with --resume.",
        epilog="data: " + "; ".join(f"{t.name}: {t.about}" for t in TASKS.values())
               + ". models: " + "; ".join(f"{m} takes {', '.join(k)}" for m, k in MODELS.items())
               + f". Exit status: 0 trained (or stopped early, or Ctrl-C: resume with --resume), "
                 f"2 a mistake on the command line or a folder holding another run, "
                 f"{EXIT_DIVERGED} the loss diverged (NaN/inf, or above 10x its start and its "
                 f"start + 10; a DIVERGED line says so), 130 Ctrl-C before training began, "
                 f"1 any other error.")
    parser.add_argument("--model", default="mlp", help=f"one of {', '.join(MODELS)} (default mlp)")
    parser.add_argument("--data", default="moons", help="dataset name (default moons; see below)")
    parser.add_argument("--optim", default="adam", help="sgd, adam, adamw, rmsprop, adagrad or rngd")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the data (default 20)")
    parser.add_argument("--lr", type=float, default=None, help="learning rate (default per optimiser)")
    parser.add_argument("--batch-size", type=int, default=32, help="examples per step (default 32)")
    parser.add_argument("--quick", action="store_true", help="less data, for a fast look")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    again = parser.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="go on with the run saved in --out (its last.npz), with the same options")
    again.add_argument("--overwrite", action="store_true",
                       help="replace the run already saved in --out (by default it is kept and "
                            "train refuses)")
    add_common(parser, "runs/train")
    parser.set_defaults(run=run)


def _check_args(args):
    if args.data not in TASKS:
        raise CliError(f"unknown dataset {args.data!r}; choose one of {', '.join(TASKS)}")
    if args.epochs < 1 or args.batch_size < 1:
        raise CliError(f"--epochs and --batch-size must be >= 1, got {args.epochs} and "
                       f"{args.batch_size}")
    if args.lr is not None and not args.lr > 0:
        raise CliError(f"--lr must be > 0, got {args.lr}")
    if args.model not in MODELS:
        raise CliError(f"unknown model {args.model!r}; choose one of {', '.join(MODELS)}")


def _previous_run(out) -> str:
    """A few words about the run already saved in `out` (from its history.json), or ''."""
    try:
        with open(os.path.join(out, "history.json"), encoding="utf-8") as file:
            metrics = json.load(file)["metrics"]
        name = "val_loss" if "val_loss" in metrics else "loss"
        values = [v for v in metrics[name] if isinstance(v, (int, float))]
        return f" ({len(values)} epochs, best {name} {min(values):.4g})" if values else ""
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _guard_out(out, args):
    """Refuse to replace a previous run silently; check that --resume has something to resume."""
    present = [name for name in RUN_FILES if os.path.lexists(os.path.join(out, name))]
    if args.resume and "last.npz" not in present:
        raise CliError(f"--resume: {out} holds no last.npz to go on from; run without --resume "
                       f"to start")
    if present and not (args.resume or args.overwrite):
        raise CliError(f"--out {out} already holds a run{_previous_run(out)}: "
                       f"{', '.join(present)}. Its files are kept: pass --resume to go on with it, "
                       f"--overwrite to replace it, or choose another folder with --out")


def run(args) -> int:
    """Train, print the summary and the last values, write checkpoints, history and curves."""
    _check_args(args)
    task = TASKS[args.data]
    out = prepare_out(args.out)
    _guard_out(out, args)
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
    if args.overwrite:
        for name in RUN_FILES:          # a crash in the new run must not leave the old one half
            if os.path.lexists(os.path.join(out, name)):
                os.remove(os.path.join(out, name))
    print(f"{'resuming' if args.resume else 'training'} {args.model} ({model.num_parameters()} "
          f"parameters) on {task.name} ({len(X)} examples, {task.about}) with {args.optim}, "
          f"lr {lr:g}, {args.epochs} epochs")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrainingDivergedWarning)      # said below, once
            history = fit(model, loss_fn, optimizer, (X, targets(X, y)), epochs=args.epochs,
                          batch_size=args.batch_size, val_data=(X_val, targets(X_val, y_val)),
                          metrics=metrics, callbacks=[saver], progress=not args.no_progress,
                          seed=args.seed, resume_from=out if args.resume else None)
    except (RuntimeError, ValueError, TypeError) as error:
        if not args.resume:
            raise
        raise CliError(f"--resume: the run in {out} does not match these options ({error}); "
                       f"pass the same --model, --data, --optim and --quick as when it started") \
            from None
    if args.no_progress:
        print(summary_line(history))
    print(f"after {history.epochs} epochs:")
    for name, values in history.to_dict().items():
        if values:
            print(f"  {name:<14} {values[-1]:.4g}")
    if "val_accuracy" in history and task.classes:
        print(f"  chance level   {task.chance(y_val):.4g} (always the most common class)")
    written = [path for path in (saver.best_path, saver.last_path, saver.history_path)
               if os.path.exists(path)]
    if history.epochs:
        written.append(_draw_curves(history, os.path.join(out, "curves.svg"),
                                    f"{args.model} on {task.name} ({args.optim})"))
    print(f"restore with: model.load_state_dict(nn.load({os.path.relpath(saver.best_path)!r}))")
    print_files([path for path in written if path])
    if history.interrupted:
        print(f"interrupted: go on with the same command and --resume (last.npz holds "
              f"{history.epochs} finished epochs)")
    if history.diverged:
        kept = "" if saver.best_epoch is None else \
            f"; best.npz holds epoch {saver.best_epoch + 1}, from before it blew up"
        print(f"DIVERGED: {history.stop_detail.replace('stopped: ', '')}{kept}. Lower --lr (now "
              f"{lr:g}) or choose another --optim")
        return EXIT_DIVERGED
    return 0


def _draw_curves(history, path, title):
    """The learning curves as SVG through viz, written atomically (a symlink planted at `path`
    is replaced, not followed); None when this viz cannot plot."""
    from tinygrad_edu import viz
    if not hasattr(viz, "plot_training_curves"):
        return None
    figure = viz.plot_training_curves(history.to_dict(), title=title)
    if isinstance(getattr(figure, "svg", None), str):
        return atomic_write(path, figure.svg, owner="tinygrad-edu train")
    if not hasattr(figure, "savefig"):
        return None
    import matplotlib
    with atomic_open(path, owner="tinygrad-edu train") as file, \
            matplotlib.rc_context({"svg.hashsalt": "tinygrad_edu"}):     # reproducible ids
        figure.savefig(file, format="svg", bbox_inches="tight", metadata={"Date": None})
    return path
