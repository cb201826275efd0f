"""A small, safe expression language turned into Tensors: `tanh(x * w + b) ** 2`.

Why: `tinygrad-edu graph "EXPR"` lets a student type a formula and see its graph with every
gradient, as in micrograd's first lecture. Handing the text to Python's `eval` would run
anything (`__import__('os').system(...)`), so this module reads the language itself with a
recursive-descent parser that knows exactly these pieces and refuses everything else:

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | power
    power      := atom ("**" unary)?              (right-associative; -x**2 is -(x**2))
    atom       := NUMBER | NAME | FUNCTION "(" expression ")" | "(" expression ")"

NAME is a letter followed by letters or digits (no underscores, no dots), FUNCTION one of
tanh, relu, exp, log, sigmoid. Length, nesting and the number of operations are bounded, so
no input can exhaust the stack or make the drawing run for minutes (Graphviz lays out a variable
used n times with O(n^2) edge segments: 75 uses of `x` took 73 s before the operation cap).
"""
import math
import re

import numpy as np

from .tensor import Tensor

FUNCTIONS = ("tanh", "relu", "exp", "log", "sigmoid")
MAX_LENGTH = 400
MAX_DEPTH = 40
MAX_OPERATIONS = 60

_TOKEN = re.compile(r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                    r"|(?P<name>[A-Za-z][A-Za-z0-9]*)|(?P<op>\*\*|[-+*/()]))")


class ExpressionError(ValueError):
    """The text is not in the small expression language (the message says where and why)."""


def _where(text, pos):
    """'at column 4 of "x + "' (one line, so the command line can print it as is)."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"at column {pos + 1} of {shown!r}"


def tokenize(text: str):
    """Split `text` into (kind, value, column) tokens, refusing any other character.

    Example:
        >>> [value for kind, value, col in tokenize("2*x**-1")]
        ['2', '*', 'x', '**', '-', '1']
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected the expression as text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters; at most {MAX_LENGTH} "
                              f"are accepted")
    tokens, pos = [], 0
    text_end = len(text.rstrip())
    while pos < text_end:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            bad = text[pos:].lstrip()[:1]
            column = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"unexpected character {bad!r} {_where(text, column)}; the "
                                  f"language has numbers, names, + - * / ** ( ) and "
                                  f"{', '.join(FUNCTIONS)}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    if not tokens:
        raise ExpressionError("the expression is empty; try e.g. \"tanh(x * w + b)\"")
    return tokens


class _Parser:
    """Recursive descent over the token list; builds a tuple tree (see `parse`)."""

    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", len(self.text))

    def take(self, value=None):
        kind, val, col = self.peek()
        if value is not None and val != value:
            found = "the end" if kind == "end" else repr(val)
            raise ExpressionError(f"expected {value!r} but found {found} {_where(self.text, col)}")
        self.i += 1
        return kind, val, col

    def nested(self, rule):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH} levels")
        try:
            return rule()
        finally:
            self.depth -= 1

    def expression(self):
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            node = ("binary", op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            node = ("binary", op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return ("neg", self.nested(self.unary))
        if self.peek()[1] == "+":
            self.take()
            return self.nested(self.unary)
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek()[1] == "**":
            self.take()
            return ("binary", "**", base, self.nested(self.unary))
        return base

    def atom(self):
        kind, value, col = self.take()
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                raise ExpressionError(f"the number {value} is too large {_where(self.text, col)}")
            return ("number", number, value)
        if kind == "name":
            if value in FUNCTIONS:
                self.take("(")
                argument = self.nested(self.expression)
                self.take(")")
                return ("call", value, argument)
            if self.peek()[1] == "(":
                raise ExpressionError(f"unknown function {value!r} {_where(self.text, col)}; the "
                                      f"functions are {', '.join(FUNCTIONS)}")
            return ("variable", value)
        if value == "(":
            node = self.nested(self.expression)
            self.take(")")
            return node
        found = "the end of the expression" if kind == "end" else repr(value)
        raise ExpressionError(f"expected a number, a name or '(' but found {found} "
                              f"{_where(self.text, col)}")


def parse(text: str):
    """Parse `text` into a tree of tuples: ("number", value, literal), ("variable", name),
    ("neg", node), ("binary", op, left, right), ("call", function, node).

    Example:
        >>> parse("-x**2")
        ('neg', ('binary', '**', ('variable', 'x'), ('number', 2.0, '2')))
    """
    parser = _Parser(text)
    tree = parser.expression()
    kind, value, col = parser.peek()
    if kind != "end":
        raise ExpressionError(f"unexpected {value!r} {_where(text, col)}; is an operator missing?")
    count = operations(tree)
    if count > MAX_OPERATIONS:
        raise ExpressionError(f"the expression has {count} operations; at most {MAX_OPERATIONS} "
                              f"are drawn (a bigger graph is unreadable and slow to lay out); "
                              f"split it into smaller formulas")
    return tree


def operations(tree) -> int:
    """The number of operations (+ - * / **, unary minus, function calls) in a parsed tree.

    Example:
        >>> operations(parse("tanh(x * w + b)"))
        3
    """
    if tree[0] in ("number", "variable"):
        return 0
    return 1 + sum(operations(child) for child in tree[1:] if isinstance(child, tuple))


def variables(tree) -> list:
    """The variable names of a parsed tree, in order of first appearance."""
    names = []

    def walk(node):
        if node[0] == "variable" and node[1] not in names:
            names.append(node[1])
        for child in node[1:]:
            if isinstance(child, tuple):
                walk(child)
    walk(tree)
    return names


def build(text: str, values: dict):
    """Parse `text` and compute it with Tensors: each variable a float64 leaf that requires grad.

    Args:
        text: the expression, e.g. "tanh(x * w + b)".
        values: a number for every variable, e.g. {"x": 2.0, "w": -3.0, "b": 6.88}.

    Returns:
        (output, leaves): the result Tensor (named "out") and a dict name -> leaf Tensor, so
        `output.backward()` fills `leaves[name].grad`.

    Example:
        >>> out, leaves = build("x * w + 1", {"x": 2.0, "w": -3.0})
        >>> out.backward(); out.item(), leaves["x"].grad.item()
        (-5.0, -3.0)
    """
    tree = parse(text)
    names = variables(tree)
    missing = [name for name in names if name not in values]
    if missing:
        example = ",".join(f"{name}=1" for name in missing)
        raise ExpressionError(f"no value for {', '.join(missing)}; give every variable a number, "
                              f"e.g. --set {example}")
    unused = [name for name in values if name not in names]
    if unused:
        raise ExpressionError(f"--set names {', '.join(unused)}, which the expression does not "
                              f"use (its variables: {', '.join(names) or 'none'})")
    leaves = {name: Tensor(np.float64(values[name]), requires_grad=True, name=name)
              for name in names}
    output = evaluate(tree, leaves)
    if output.requires_grad:
        output.name = "out"
    return output, leaves


def evaluate(tree, tensors: dict):
    """Compute a parsed tree with Tensor ops, reading each variable from `tensors`.

    Why separate from `build`: the same tree can then be evaluated on any Tensors, e.g. by
    `gradcheck` with float64 inputs it perturbs itself.

    Example:
        >>> evaluate(parse("2 * x"), {"x": Tensor(3.0)}).item()
        6.0
    """
    kind = tree[0]
    if kind == "number":
        return Tensor(np.float64(tree[1]), name=tree[2])
    if kind == "variable":
        return tensors[tree[1]]
    if kind == "neg":
        return -evaluate(tree[1], tensors)
    if kind == "call":
        return getattr(evaluate(tree[2], tensors), tree[1])()
    left, right = evaluate(tree[2], tensors), evaluate(tree[3], tensors)
    return {"+": left.__add__, "-": left.__sub__, "*": left.__mul__, "/": left.__truediv__,
            "**": left.__pow__}[tree[1]](right)


def parse_assignments(text: str) -> dict:
    """Read `--set` text "x=2,w=-3.5" into {"x": 2.0, "w": -3.5}.

    Example:
        >>> parse_assignments("x=2, w=-3")
        {'x': 2.0, 'w': -3.0}
    """
    values = {}
    if text is None or not text.strip():
        return values
    for part in text.split(","):
        name, sep, number = (piece.strip() for piece in part.partition("="))
        if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) or name in FUNCTIONS:
            raise ExpressionError(f"bad --set item {part.strip()!r}: expected NAME=NUMBER pairs "
                                  f"separated by commas, e.g. --set x=2,w=-3")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"bad --set item {part.strip()!r}: {number!r} is not a number") \
                from None
        if not math.isfinite(value):
            raise ExpressionError(f"bad --set item {part.strip()!r}: the value must be finite")
        if name in values:
            raise ExpressionError(f"bad --set: {name!r} is given twice")
        values[name] = value
    return values
