"""`tinygrad-edu graph "EXPR"` and `tinygrad-edu backprop "EXPR"`: a formula, its graph, its gradients.

The formula is read by `tinygrad_edu.expression` (a parser of a small language, never
`eval`), computed with Tensors, differentiated by `backward()`, and drawn by `viz`.
"""
import os

from tinygrad_edu.expression import build, parse_assignments, FUNCTIONS
from tinygrad_edu.safe_files import atomic_write
from .common import CliError, add_common, prepare_out, print_files

LANGUAGE = (f"The language: numbers, variable names (letters and digits), + - * / **, unary "
            f"minus, parentheses and the functions {', '.join(FUNCTIONS)}. Every variable needs "
            f"a value from --set.")


def add_parsers(commands):
    """Register `graph` and `backprop`."""
    graph = commands.add_parser(
        "graph", help="draw the graph of a formula with every value and gradient",
        description="Parse a formula (safely: no eval), compute it with Tensors, run backward "
                    "and draw the graph with the value and gradient of every node. " + LANGUAGE,
        epilog='example: tinygrad-edu graph "tanh(x*w + b)" --set x=2,w=-3,b=6.88')
    _common(graph, "runs/graph")
    graph.add_argument("--format", default="svg", choices=("svg", "png", "dot"),
                       help="picture format (svg and dot need no system Graphviz; default svg)")
    graph.set_defaults(run=run_graph)
    steps = commands.add_parser(
        "backprop", help="write the step-by-step backprop page of a formula (HTML)",
        description="Parse a formula, then show backprop one op at a time: the gradient that "
                    "arrives at each op and what it sends to each input, as a table in the "
                    "terminal and a step-by-step HTML page. " + LANGUAGE,
        epilog='example: tinygrad-edu backprop "(a*b + c) * f" --set a=2,b=-3,c=10,f=-2')
    _common(steps, "runs/backprop")
    steps.set_defaults(run=run_backprop)


def _common(parser, out):
    parser.add_argument("expression", help='the formula, in quotes, e.g. "tanh(x*w + b)"')
    parser.add_argument("--set", dest="values", default="", metavar="x=2,w=-3",
                        help="the value of every variable, comma-separated")
    add_common(parser, out)


def _compute(args):
    values = parse_assignments(args.values)
    output, leaves = build(args.expression, values)
    if output.data.size != 1:
        raise CliError(f"the expression {args.expression!r} gives {output.data.size} values; it "
                       f"must give one number to differentiate")
    if not output.requires_grad:
        raise CliError(f"the expression {args.expression!r} has no variables, so there is nothing "
                       f"to differentiate; add one, e.g. \"x * 2\" --set x=3")
    return output, leaves


def _print_values(output, leaves):
    print(f"value: {output.item():.6g}")
    for name, leaf in leaves.items():
        print(f"  d out / d {name} = {leaf.grad.item():.6g}   ({name} = {leaf.item():g})")


def run_graph(args) -> int:
    """Compute, backward, draw; print each gradient and the file written."""
    from tinygrad_edu import viz
    output, leaves = _compute(args)
    out = prepare_out(args.out)
    output.backward(retain_graph=True)          # keep the links so the drawing shows them
    _print_values(output, leaves)
    picture = viz.draw_graph(output)
    path = os.path.join(out, f"graph.{args.format}")
    if args.format == "dot":
        atomic_write(path, picture.source, owner="tinygrad-edu graph")
    else:
        try:
            viz.render(picture, path, format=args.format)
        except viz.RendererNotFound as error:
            raise CliError(f"cannot write {args.format}: {error}; --format svg works without "
                           f"the system Graphviz") from None
    print_files([path])
    return 0


def run_backprop(args) -> int:
    """Print the backprop table and write the step-by-step page."""
    from tinygrad_edu import viz
    output, leaves = _compute(args)
    out = prepare_out(args.out)
    print(viz.backprop_table(output))
    path = os.path.join(out, "backprop.html")
    viz.save_backprop_html(output, path)
    output.backward()
    _print_values(output, leaves)
    print_files([path])
    return 0
