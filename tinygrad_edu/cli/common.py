"""What every subcommand shares: `--seed`, `--out DIR`, one-line errors, printing files written.

Why: a command line for beginners must never answer a typo with forty lines of traceback.
Each command raises `CliError` (or a library error with a clear message, which `main`
turns into one line); the output folder is checked for writability before any work starts,
so a bad `--out` costs nothing.
"""
import os
import sys


class CliError(Exception):
    """A mistake on the command line: printed as one line, exit status 2."""


def add_common(parser, default_out: str, seed: int = 0):
    """Give a subcommand the shared options `--seed N` and `--out DIR`."""
    parser.add_argument("--seed", type=int, default=seed,
                        help=f"seed of the data, the initial weights and the shuffles "
                             f"(default {seed})")
    parser.add_argument("--out", metavar="DIR", default=default_out,
                        help=f"folder for the files written (default {default_out})")


def prepare_out(path: str) -> str:
    """Create `path` if needed and check it is a writable folder; return its absolute path.

    Raises:
        CliError: the path is a file, or cannot be created or written.
    """
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(path) and not os.path.isdir(path):
        raise CliError(f"--out {path}: this is a file, not a folder; choose a folder name")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise CliError(f"--out {path}: cannot create the folder ({error.strerror}); choose a "
                       f"writable place, e.g. --out ./tinygrad-edu-out") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise CliError(f"--out {path}: the folder is not writable; choose another with --out")
    return path


def seed_everything(seed: int) -> None:
    """Seed the engine's generator (initial weights, dropout); data generators get `seed` too."""
    from tinygrad_edu import manual_seed
    manual_seed(seed)


def print_files(paths, out=None) -> None:
    """List the files written, relative to the current folder when shorter."""
    out = out or sys.stdout
    print("files written:", file=out)
    for path in paths:
        rel = os.path.relpath(path)
        print(f"  {rel if len(rel) < len(path) else path}", file=out)


def parse_widths(text: str, owner: str = "--widths"):
    """'2,8,8,1' -> [2, 8, 8, 1] (positive integers), or a CliError saying what is wrong."""
    try:
        widths = [int(part) for part in text.split(",")]
    except ValueError:
        raise CliError(f"{owner} {text!r}: expected comma-separated positive integers, e.g. "
                       f"{owner} 2,8,8,1") from None
    if len(widths) < 2 or any(w < 1 for w in widths):
        raise CliError(f"{owner} {text!r}: give at least an input and an output width, all >= 1, "
                       f"e.g. {owner} 2,8,8,1")
    return widths
