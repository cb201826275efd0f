"""The `tinygrad-edu` command: the tour, training, formulas, linear regions, lessons, benchmarks.

Each subcommand lives in its own module of this package and registers itself with
`add_parser(s)`; `main` parses, runs, and turns every error into one line on stderr and a
non-zero exit status (2 for a mistake on the command line, 1 for a failure while running,
130 for Ctrl-C). Set TINYGRAD_EDU_DEBUG=1 to see the traceback instead.
"""
import argparse
import os
import sys

from .._version import __version__
from .common import CliError


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (and the hint to use --help)."""

    def error(self, message):
        raise CliError(f"{message} (see {self.prog} --help)")


def demo(args=None) -> int:
    """Build a small graph, run backward, and show each value and gradient (a first lesson)."""
    from tinygrad_edu import Tensor

    a = Tensor(2.0, requires_grad=True, name="a")
    b = Tensor(-3.0, requires_grad=True, name="b")
    c = Tensor(10.0, requires_grad=True, name="c")
    f = Tensor(-2.0, requires_grad=True, name="f")
    loss = (a * b + c) * f
    loss.backward()
    print("A worked example: loss = (a * b + c) * f")
    print(f"  forward : a={a.item()}, b={b.item()}, c={c.item()}, f={f.item()} -> "
          f"loss={loss.item()}")
    print("  backward: d loss/d a = b * f, d loss/d b = a * f, d loss/d c = f, d loss/d f = a*b+c")
    for leaf in (a, b, c, f):
        print(f"    grad of {leaf.name} = {leaf.grad.item():g}")
    return 0


def run_bench(bench_args) -> int:
    """Hand the arguments to the benchmark suite (options: `tinygrad-edu bench --help`)."""
    try:
        from tinygrad_edu.bench import main as bench_main
    except ImportError as error:
        raise CliError(f"the benchmark suite is not installed ({error}); run it from a source "
                       f"checkout with `python -m tinygrad_edu.bench`") from None
    return bench_main(bench_args)


def run_lesson(lesson_args) -> int:
    """Hand the arguments to the lessons' own command line (`tinygrad-edu lesson --list`)."""
    try:
        from tinygrad_edu.lessons import main as lessons_main
    except ImportError as error:
        raise CliError(f"the lessons are not available in this installation ({error})") from None
    return lessons_main(lesson_args)


OWN_COMMANDS = ("tour", "train", "graph", "backprop", "regions", "demo")
# Subcommands whose options belong to another command line: everything after the name is theirs.
FORWARDED = {"bench": run_bench, "lesson": run_lesson}


def make_parser() -> argparse.ArgumentParser:
    """The full parser (separate so tests and docs can list the subcommands)."""
    # imported here, inside main's error handling: even a broken install gives one line
    from . import graph_cmd, regions_cmd, train_cmd, tour_cmd
    parser = _OneLineParser(
        prog="tinygrad-edu",
        description="tinygrad_edu: a readable autodiff engine on numpy for learning deep learning. "
                    "Start with `tinygrad-edu tour --quick`.")
    parser.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     parser_class=_OneLineParser)
    tour_cmd.add_parser(commands)
    train_cmd.add_parser(commands)
    graph_cmd.add_parsers(commands)
    regions_cmd.add_parser(commands)
    commands.add_parser("lesson", help="run a lesson of the course notes (`lesson --list`)",
                        add_help=False)
    commands.add_parser("bench", help="run the benchmark suite and print its table "
                                      "(`bench --help`)", add_help=False)
    demo_parser = commands.add_parser("demo", help="a nine-line worked example of backprop")
    demo_parser.set_defaults(run=demo)
    return parser


def _dispatch(argv) -> int:
    if argv[:1] and argv[0] in FORWARDED:
        return FORWARDED[argv[0]](argv[1:])
    parser = make_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 0
    return args.run(args)


def main(argv=None) -> int:
    """Entry point of the console script; `tinygrad-edu --help` lists the commands.

    Example:
        >>> main(["demo"])                       # doctest: +ELLIPSIS
        A worked example: loss = (a * b + c) * f
        ...
        0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    name = next((a for a in argv if not a.startswith("-")), "")
    prog = f"tinygrad-edu {name}".strip()
    if os.environ.get("TINYGRAD_EDU_DEBUG"):
        return _dispatch(argv)
    try:
        return _dispatch(argv)
    except CliError as error:
        message = str(error)
        if name in OWN_COMMANDS:                 # point at the subcommand's own help
            message = message.replace("(see tinygrad-edu --help)", f"(see {prog} --help)")
        print(f"{prog}: error: {message}", file=sys.stderr)
        return 2
    except ValueError as error:      # bad values caught by the library (expression, --set, ...)
        print(f"{prog}: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:        # noqa: BLE001 -- a beginner's terminal gets one line
        print(f"{prog}: error: {type(error).__name__}: {_one_line(error)} (set "
              f"TINYGRAD_EDU_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


def _one_line(error) -> str:
    return " ".join(str(error).split()) or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
