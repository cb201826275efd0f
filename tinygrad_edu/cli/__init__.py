"""The `tinygrad-edu` command: version, a worked example, and the benchmarks."""
import argparse
import sys

from ._version import __version__


def demo() -> int:
    """Build a small graph, run backward, and show each value and gradient (a first lesson)."""
    from .tensor import Tensor

    a = Tensor(2.0, requires_grad=True, name="a")
    b = Tensor(-3.0, requires_grad=True, name="b")
    c = Tensor(10.0, requires_grad=True, name="c")
    e = a * b
    d = e + c
    f = Tensor(-2.0, requires_grad=True, name="f")
    loss = d * f
    loss.backward()
    print("A worked example: loss = (a * b + c) * f")
    print(f"  forward : a={a.item()}, b={b.item()}, c={c.item()}, f={f.item()} -> "
          f"loss={loss.item()}")
    print("  backward: d loss/d a = b * f, d loss/d b = a * f, d loss/d c = f, d loss/d f = a*b+c")
    for leaf in (a, b, c, f):
        print(f"    grad of {leaf.name} = {leaf.grad.item():g}")
    return 0


def run_bench(bench_args) -> int:
    """Hand the arguments to the benchmark suite in bench/ (options: see its --help)."""
    try:
        from tinygrad_edu.bench import main as bench_main
    except ImportError as error:
        print(f"tinygrad-edu bench: the benchmark suite is not installed ({error}); run it "
              f"from a source checkout with `python -m tinygrad_edu.bench`", file=sys.stderr)
        return 2
    return bench_main(bench_args)


def main(argv=None) -> int:
    """Entry point of the console script; `--help` lists the commands."""
    parser = argparse.ArgumentParser(
        prog="tinygrad-edu",
        description="tinygrad_edu: a readable autodiff engine on numpy for learning deep learning.")
    parser.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("demo", help="run a tiny worked example of backprop")
    commands.add_parser("bench", help="run the benchmark suite (`tinygrad-edu bench --help`)")
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:
        return run_bench(argv[1:])      # all options belong to the benchmark suite
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
