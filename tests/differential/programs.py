"""Random op programs for differential testing, drawn by hypothesis and run in both libraries.

A program is a few leaves (float64, shapes that broadcast to one base shape such as (2, 3))
and 3-12 steps; each step applies one op to earlier values, any of them, so values are
reused, paths fork and join again (diamonds), and `a * a`-style self-reuse happens. Every
value's shape stays in the family of shapes that broadcast to the base (at most 2-d), so any
two values can meet in a binary op. The program then asks for gradients in one of several
ways (`MODES`): backward, backward twice with retain_graph, grad() of intermediates, and
second derivatives through create_graph.
"""
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

BASES = [(2, 3), (3, 3), (1, 4)]
MODES = ["backward", "backward_retain_twice", "grad_intermediates", "create_graph",
         "grad_retain_then_backward"]


def family(base):
    """The shapes that broadcast to `base` with at most its number of dims."""
    a, b = base
    return sorted({(a, b), (1, b), (a, 1), (b,), (), (1, 1)})


def _broadcast(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


def _reduced(shape, dim):
    return tuple(1 if i == dim % len(shape) else n for i, n in enumerate(shape))


# name: (arity, smooth (central differences apply), shape rule or None when not applicable,
#        the op as fn(L, params, *values))
def _keep(shape, params):
    return shape


def _reduce_rule(shape, params):
    return _reduced(shape, params["dim"]) if shape else None


def _spread_rule(shape, params):         # var/std need 2+ values along the dim
    return _reduced(shape, params["dim"]) if shape and shape[params["dim"]] > 1 else None


def _index_rule(shape, params):
    return shape if shape else None


def _slice_rule(shape, params):
    return (1,) + shape[1:] if shape and shape[0] > 1 else None


def _transpose_rule(shape, params):
    return shape[::-1] if len(shape) == 2 else None


def _unsqueeze_rule(shape, params):
    return (1,) + shape if len(shape) == 1 else None


def _squeeze_rule(shape, params):
    return shape[1:] if len(shape) == 2 and shape[0] == 1 else None


def _expand_rule(shape, params):
    return params["base"]


UNARY = {
    "exp": (True, _keep, lambda L, p, x: x.exp()),
    "tanh": (True, _keep, lambda L, p, x: x.tanh()),
    "sigmoid": (True, _keep, lambda L, p, x: x.sigmoid()),
    "sin": (True, _keep, lambda L, p, x: x.sin()),
    "softplus": (True, _keep, lambda L, p, x: L.softplus(x, 1.5)),
    "square": (True, _keep, lambda L, p, x: x * x),
    "log_of_square_plus_1": (True, _keep, lambda L, p, x: (x * x + 1.0).log()),
    "sqrt_of_square_plus_1": (True, _keep, lambda L, p, x: (x * x + 1.0).sqrt()),
    "scalar_arith": (True, _keep, lambda L, p, x: 2.0 - x / 3.0 + 0.5 ** x),
    "pow_int": (True, _keep, lambda L, p, x: x ** 3),
    "relu": (False, _keep, lambda L, p, x: x.relu()),
    "abs": (False, _keep, lambda L, p, x: x.abs()),
    "clip": (False, _keep, lambda L, p, x: x.clip(-0.5, 0.5)),
    "sum": (True, _reduce_rule, lambda L, p, x: x.sum(p["dim"], keepdim=True)),
    "mean": (True, _reduce_rule, lambda L, p, x: x.mean(dim=p["dim"], keepdim=True)),
    "logsumexp": (True, _reduce_rule, lambda L, p, x: x.logsumexp(p["dim"], keepdim=True)),
    "prod": (True, _reduce_rule, lambda L, p, x: x.prod(p["dim"], keepdim=True)),
    "amax": (False, _reduce_rule, lambda L, p, x: x.amax(p["dim"], keepdim=True)),
    "max_dim": (False, _reduce_rule, lambda L, p, x: x.max(p["dim"], keepdim=True).values),
    "min_dim": (False, _reduce_rule, lambda L, p, x: x.min(p["dim"], keepdim=True)[0]),
    "var": (True, _spread_rule, lambda L, p, x: x.var(p["dim"], keepdim=True)),
    "std": (False, _spread_rule, lambda L, p, x: x.std(p["dim"], keepdim=True)),
    "softmax": (True, _index_rule, lambda L, p, x: x.softmax(p["dim"])),
    "log_softmax": (True, _index_rule, lambda L, p, x: x.log_softmax(p["dim"])),
    "index_repeats": (True, _index_rule, lambda L, p, x: x[p["rows"]]),
    "slice_first": (True, _slice_rule, lambda L, p, x: x[:1]),
    "transpose": (True, _transpose_rule, lambda L, p, x: x.transpose(0, 1)),
    "unsqueeze": (True, _unsqueeze_rule, lambda L, p, x: x.unsqueeze(0)),
    "squeeze": (True, _squeeze_rule, lambda L, p, x: x.squeeze(0)),
    "expand": (True, _expand_rule, lambda L, p, x: x.expand(*p["base"])),
    "reshape_same": (True, _keep, lambda L, p, x: x.reshape(x.shape)),
}

BINARY = {
    "add": (True, lambda L, a, b: a + b),
    "sub": (True, lambda L, a, b: a - b),
    "mul": (True, lambda L, a, b: a * b),
    "div": (True, lambda L, a, b: a / (b * b + 1.0)),
    "pow": (True, lambda L, a, b: (a * a + 0.5) ** b),
    "maximum": (False, lambda L, a, b: a.maximum(b)),
    "minimum": (False, lambda L, a, b: a.minimum(b)),
    "where": (False, lambda L, a, b: L.where(a > 0, a, b)),
}


def _matmul_rule(a, b):
    """Square bases only: (n, n) @ (n, n) or (n, n) @ (n,) stay in the family."""
    if len(a) == 2 and a[0] == a[1] and b in (a, a[:1]):
        return b
    return None


def _same_shape_rule(a, b):
    return a if a == b and len(a) >= 1 else None


# binary ops with their own shape rule (the others broadcast)
SHAPED = {
    "matmul": (True, _matmul_rule, lambda L, a, b: a @ b),
    "cat_then_slice": (True, _same_shape_rule,     # joins a and b, keeps a window across both
                       lambda L, a, b: L.cat([a, b], -1)[..., 1:1 + a.shape[-1]]),
}


@dataclass
class Program:
    base: tuple
    leaves: list            # float64 arrays
    steps: list             # (op name, operand indices, params)
    outputs: list           # value indices summed (weighted) into the loss
    weights: list           # one array per output
    mode: str
    asked: list             # value indices whose gradient grad() is asked for
    vs: list                # the vectors of the second-order check, one per leaf

    def describe(self):
        lines = [f"base {self.base}, mode {self.mode}"]
        lines += [f"  v{i} = leaf {a.shape}" for i, a in enumerate(self.leaves)]
        n = len(self.leaves)
        for k, (name, args, params) in enumerate(self.steps):
            shown = {key: v for key, v in params.items() if key != "base"}
            lines.append(f"  v{n + k} = {name}({', '.join(f'v{a}' for a in args)}) {shown or ''}")
        lines.append(f"  loss = weighted sum of {['v%d' % i for i in self.outputs]}; "
                     f"grad asked of {['v%d' % i for i in self.asked]}")
        return "\n".join(lines)

    @property
    def smooth(self):
        return all({**UNARY, **BINARY, **SHAPED}[name][0] for name, _, _ in self.steps)


@st.composite
def programs(draw, max_steps=12):
    """A hypothesis strategy of `Program`s."""
    base = draw(st.sampled_from(BASES))
    shapes_ok = family(base)
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    n_leaves = draw(st.integers(1, 3))
    shapes = [draw(st.sampled_from(shapes_ok)) for _ in range(n_leaves)]
    leaves = [rng.uniform(-1.5, 1.5, s) for s in shapes]
    steps = []
    for _ in range(draw(st.integers(3, max_steps))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(BINARY) + sorted(SHAPED)))
            i, j = (draw(st.integers(0, len(shapes) - 1)) for _ in range(2))
            new_shape = SHAPED[name][1](shapes[i], shapes[j]) if name in SHAPED else None
            if new_shape is None:
                name, new_shape = (name, _broadcast(shapes[i], shapes[j])) if name in BINARY \
                    else ("add", _broadcast(shapes[i], shapes[j]))
            steps.append((name, (i, j), {}))
            shapes.append(tuple(new_shape))
            continue
        name = draw(st.sampled_from(sorted(UNARY)))
        i = draw(st.integers(0, len(shapes) - 1))
        shape = shapes[i]
        params = {"base": base}
        if shape:
            params["dim"] = draw(st.integers(-len(shape), len(shape) - 1))
            params["rows"] = [int(r) for r in rng.integers(0, shape[0], shape[0])]
        new_shape = UNARY[name][1](shape, params)      # None: the op does not apply here
        if new_shape is None or tuple(new_shape) not in shapes_ok:
            name, params, new_shape = "tanh", {"base": base}, shape
        steps.append((name, (i,), params))
        shapes.append(tuple(new_shape))
    last = len(shapes) - 1
    others = draw(st.lists(st.integers(0, last), max_size=2))
    outputs = sorted({last, *others})
    weights = [rng.standard_normal(shapes[i]) for i in outputs]
    mode = draw(st.sampled_from(MODES))
    asked = sorted(set(draw(st.lists(st.integers(0, last), min_size=1, max_size=4))))
    vs = [rng.standard_normal(a.shape) for a in leaves]
    return Program(base, leaves, steps, outputs, weights, mode, asked, vs)


def run(program, L, leaves):
    """Every value of the program (leaves first), computed with library `L`."""
    values = list(leaves)
    for name, args, params in program.steps:
        if name in BINARY or name in SHAPED:
            fn = BINARY[name][1] if name in BINARY else SHAPED[name][2]
            values.append(fn(L, values[args[0]], values[args[1]]))
        else:
            values.append(UNARY[name][2](L, params, values[args[0]]))
    return values


def loss_of(program, L, values):
    total = None
    for i, w in zip(program.outputs, program.weights):
        term = (values[i] * L.tensor(w)).sum()
        total = term if total is None else total + term
    return total
