"""The expression language of `tinygrad-edu graph`: values and gradients right, everything else refused."""
import math

import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.expression import (ExpressionError, build, evaluate, parse, parse_assignments,
                                     tokenize, MAX_DEPTH, MAX_LENGTH,
                                     MAX_OPERATIONS, operations)


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


# expression, values, expected value, expected gradient per variable (closed forms)
CASES = [
    ("x * w + b", dict(x=2.0, w=-3.0, b=1.0), -5.0, dict(x=-3.0, w=2.0, b=1.0)),
    ("tanh(x*w + b)", dict(x=2.0, w=-3.0, b=6.8813735870195432), math.sqrt(0.5),
     dict(x=-3 * 0.5, w=2 * 0.5, b=0.5)),                     # 1 - tanh^2 = 1/2 at this b
    ("-x**2", dict(x=3.0), -9.0, dict(x=-6.0)),               # -(x**2), as in Python
    ("2**-x", dict(x=1.0), 0.5, dict(x=-0.5 * math.log(2))),
    ("x ** 3 ** 0.5", dict(x=2.0), 2 ** 3 ** 0.5, dict(x=3 ** 0.5 * 2 ** (3 ** 0.5 - 1))),
    ("a / b - c", dict(a=1.0, b=4.0, c=2.0), -1.75, dict(a=0.25, b=-1 / 16, c=-1.0)),
    ("relu(x) + relu(-x)", dict(x=-2.5), 2.5, dict(x=-1.0)),
    ("log(exp(x)) * sigmoid(y)", dict(x=0.7, y=0.0), 0.35, dict(x=0.5, y=0.7 * 0.25)),
    ("x * x * x", dict(x=1.5), 3.375, dict(x=3 * 2.25)),      # one variable used three times
    ("(1 + 2) * .5e1 * z", dict(z=2.0), 30.0, dict(z=15.0)),
    ("sigmoid(tanh(q))", dict(q=0.3), sigmoid(math.tanh(0.3)),
     dict(q=sigmoid(math.tanh(0.3)) * (1 - sigmoid(math.tanh(0.3))) * (1 - math.tanh(0.3) ** 2))),
]


@pytest.mark.parametrize("text, values, value, grads", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_closed_forms(text, values, value, grads):
    out, leaves = build(text, values)
    out.backward()
    assert out.item() == pytest.approx(value, rel=1e-12, abs=1e-12)
    for name, expected in grads.items():
        assert leaves[name].grad.item() == pytest.approx(expected, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("text, values", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_gradients_pass_gradcheck(text, values):
    tree = parse(text)
    names = list(values)
    if text.startswith("relu"):
        values = dict(x=-2.5)                        # away from the kink at 0
    inputs = tuple(Tensor(np.float64(values[n]), requires_grad=True) for n in names)
    assert gradcheck(lambda *ts: evaluate(tree, dict(zip(names, ts))), inputs)


def test_against_pytorch(torch):
    text = "tanh(a * b + c) ** 2 / sigmoid(a) - log(exp(b) + 1) * relu(c)"
    values = dict(a=0.4, b=-1.3, c=0.8)
    out, leaves = build(text, values)
    out.backward()
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    ref = torch.tanh(t["a"] * t["b"] + t["c"]) ** 2 / torch.sigmoid(t["a"]) \
        - torch.log(torch.exp(t["b"]) + 1) * torch.relu(t["c"])
    ref.backward()
    assert out.item() == pytest.approx(ref.item(), rel=1e-12)
    for k in values:
        assert leaves[k].grad.item() == pytest.approx(t[k].grad.item(), rel=1e-10)


def test_precedence_and_associativity():
    assert parse("1 - 2 - 3") == ("binary", "-", ("binary", "-", ("number", 1.0, "1"),
                                                  ("number", 2.0, "2")), ("number", 3.0, "3"))
    assert parse("2 ** 3 ** 2")[3][0] == "binary"            # right-associative
    assert build("2 ** 3 ** 2 + 0 * x", {"x": 1.0})[0].item() == 512.0
    assert build("-2 ** 2 + 0 * x", {"x": 1.0})[0].item() == -4.0
    assert build("8 / 4 / 2 + 0 * x", {"x": 1.0})[0].item() == 1.0


REFUSED = [
    "__import__('os').system('ls')", "x.real", "x[0]", "x; y", "lambda: 1", "x, y", "x = 1",
    "open('f')", "eval(x)", "x if y else z", "x @ y", "x % 2", "x // 2", "'text'", "x_1",
    "foo(x)", "tanh x", "tanh()", "x +", "(x", "x)", "2 x", "** x", "1e999", "x ! y", "",
    "   ", "x & y", "~x", "x ^ 2", "exp(x,)", "\\x", "tanh(x)(y)",
]


@pytest.mark.parametrize("text", REFUSED)
def test_anything_outside_the_small_language_is_refused_with_one_line(text):
    with pytest.raises(ExpressionError) as info:
        build(text, {"x": 1.0, "y": 2.0, "z": 3.0})
    message = str(info.value)
    assert "\n" not in message and len(message) < 300


def test_limits_on_length_and_depth():
    with pytest.raises(ExpressionError, match=f"at most {MAX_LENGTH}"):
        tokenize("x+" * MAX_LENGTH + "x")
    deep = "(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5)
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse(deep)
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("-" * (MAX_DEPTH + 5) + "x")
    parse("(" * 10 + "x" + ")" * 10)                          # moderate nesting is fine


def test_limit_on_operations_counts_every_operation():
    assert operations(parse("-tanh(x * w + b) ** 2")) == 5       # neg, **, tanh, +, *
    parse("+".join(["x"] * (MAX_OPERATIONS + 1)))               # exactly MAX_OPERATIONS: fine
    with pytest.raises(ExpressionError, match=f"{MAX_OPERATIONS + 1} operations; at most"):
        parse("+".join(["x"] * (MAX_OPERATIONS + 2)))
    # the 399-character formula of the security review (200 uses of x) is refused at once
    with pytest.raises(ExpressionError, match="199 operations"):
        parse("+".join(["x"] * 200))


def test_errors_say_where_and_what():
    with pytest.raises(ExpressionError, match=r"unexpected character '\.' at column 2 of 'x\.y'"):
        parse("x.y")
    with pytest.raises(ExpressionError, match="unknown function 'foo'.*tanh, relu, exp, log, sigmoid"):
        parse("foo(x)")
    with pytest.raises(ExpressionError, match=r"no value for y.*--set y=1"):
        build("x * y", {"x": 1.0})
    with pytest.raises(ExpressionError, match="does not use"):
        build("x", {"x": 1.0, "q": 2.0})


def test_parse_assignments():
    assert parse_assignments("x=2, w=-3.5,b=1e-3") == {"x": 2.0, "w": -3.5, "b": 0.001}
    assert parse_assignments("") == {}
    for bad, words in [("x2", "NAME=NUMBER"), ("x=abc", "not a number"), ("x=1,x=2", "twice"),
                       ("1x=2", "NAME=NUMBER"), ("x=inf", "finite"), ("tanh=1", "NAME=NUMBER"),
                       ("x=__import__", "not a number")]:
        with pytest.raises(ExpressionError, match=words):
            parse_assignments(bad)


@pytest.mark.parametrize("command", ["graph", "backprop"])
def test_the_largest_accepted_formula_renders_in_seconds(tmp_path, command):
    """The worst case the parser accepts (one variable used MAX_OPERATIONS + 1 times: Graphviz's
    slowest shape) is drawn well inside a minute, on a loaded 2-core machine; before the cap
    and the layout limits, 75 uses took 73 s and 200 uses did not finish in 300 s."""
    import subprocess
    import sys
    import time
    formula = "+".join(["x"] * (MAX_OPERATIONS + 1))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu.cli", command, formula, "--set", "x=1",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert f"d out / d x = {MAX_OPERATIONS + 1}" in done.stdout
    assert elapsed < 60, f"{command} of a {MAX_OPERATIONS}-operation formula took {elapsed:.1f} s"
