"""The op table of the differential tests, in the manner of PyTorch's OpInfo: for every op, sample
inputs that reach its edges (0-d, empty, size-1 broadcast, bool and int inputs, ties and kinks
where PyTorch documents the convention), and inputs on which both libraries must raise.

`OpInfo.fn(L, *tensors)` is written once for both libraries (see differential_helpers). Float
inputs of a sample require grad; bool/int inputs do not (they cannot, in either library).
"""
from dataclasses import dataclass, field

import numpy as np

RNG = np.random.default_rng(20261201)


@dataclass
class Sample:
    """The inputs of one call: arrays (their dtype says which require grad)."""
    arrays: tuple
    note: str = ""
    second_order: bool = True       # False where the libraries knowingly differ (see note)

    def __repr__(self):
        shapes = ", ".join(f"{a.dtype}{a.shape}" for a in self.arrays)
        return f"({shapes}{'; ' + self.note if self.note else ''})"


@dataclass
class OpInfo:
    name: str
    fn: object
    samples: list
    raises: list = field(default_factory=list)   # samples on which both libraries must raise
    second_order: bool = True                    # compare Hessian-vector products too


def r(*shape, low=-2.0, high=2.0):
    """Random float64 values."""
    return RNG.uniform(low, high, shape)


def pos(*shape):
    return r(*shape, low=0.3, high=3.0)


def ints(*values):
    return np.array(values, dtype=np.int64)


def bools(*values):
    return np.array(values, dtype=bool)


def s(*arrays, note="", second_order=True):
    return Sample(tuple(np.asarray(a) for a in arrays), note, second_order)


TIES = np.array([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 0.0, 2.0], [0.5, 0.5, 0.5, 0.5]])
KINKS = np.array([[-1.0, 0.0, 0.5, -0.5], [1.5, -0.25, 0.0, 2.0]])
BOUNDS = np.array([[-0.5, 0.5, 0.0, -0.7], [0.7, 0.5, -0.5, 0.1]])


def unary_samples(domain=r, integers=True):
    """The edge cases every elementwise function gets (bool/int inputs where PyTorch has them)."""
    return [s(domain(3, 4)), s(domain()), s(domain(0, 3), note="empty"), s(domain(1))] + (
        [s(bools(True, False, True), note="bool input"), s(ints(1, 2, 3), note="int input")]
        if integers else [])


def binary_samples(b_domain=r, a_domain=r):
    return [s(a_domain(3, 4), b_domain(3, 4)), s(a_domain(3, 1), b_domain(1, 4), note="size-1 broadcast"),
            s(a_domain(), b_domain(2, 3), note="0-d with 2-d"), s(a_domain(2, 1, 3), b_domain(4, 1)),
            s(a_domain(0, 3), b_domain(1, 3), note="empty"),
            s(a_domain(2, 3), np.abs(ints(1, 2, 3)), note="int operand")]


def reduction_samples(fn_of, dims=(None, 1, -1, (0, 2)), data=None):
    """One sample per (dim, keepdim); `fn_of(dim, keepdim)` gives the op for that sample."""
    data = r(2, 3, 4) if data is None else data
    return [(fn_of(dim, keepdim), s(data, note=f"dim={dim}, keepdim={keepdim}"))
            for dim in dims for keepdim in (False, True)]


def _unary(name, fn, domain=r, second_order=True, extra=(), integers=True):
    return OpInfo(name, fn, unary_samples(domain, integers) + list(extra), second_order=second_order)


OPS = [
    # ------------------------------------------------------------ elementwise, unary
    _unary("neg", lambda L, x: -x, integers=False),     # PyTorch refuses -bool
    _unary("exp", lambda L, x: x.exp()),
    _unary("log", lambda L, x: x.log(), pos),
    _unary("sqrt", lambda L, x: x.sqrt(), pos),
    _unary("sin", lambda L, x: x.sin()),
    _unary("cos", lambda L, x: x.cos()),
    _unary("tanh", lambda L, x: x.tanh()),
    _unary("sigmoid", lambda L, x: x.sigmoid(), extra=[s(np.array([-800.0, 800.0, 0.0]))]),
    # PyTorch has no integer softplus/softmax: ours promotes (tests/core, item 8)
    _unary("softplus", lambda L, x: L.softplus(x, 2.0), extra=[s(np.array([-500.0, 500.0]))],
           integers=False),
    _unary("relu", lambda L, x: x.relu(), second_order=False, extra=[s(KINKS, note="kinks at 0"),
                                                                     s(ints(-1, 0, 2), note="int")],
           integers=False),
    _unary("abs", lambda L, x: x.abs(), second_order=False, extra=[s(KINKS, note="kinks at 0"),
                                                                   s(ints(-1, 0, 2), note="int")],
           integers=False),
    OpInfo("leaky_relu", lambda L, x: L.leaky_relu(x, 0.1),
           [s(r(3, 4)), s(r()), s(KINKS, note="kinks at 0")], second_order=False),
    OpInfo("elu", lambda L, x: L.elu(x, 0.7), [
        s(r(3, 4)), s(r()), s(KINKS, second_order=False,
                              note="kinks at 0 (the second derivative there is a convention)")]),
    OpInfo("clip", lambda L, x: x.clip(-0.5, 0.5),
           [s(r(3, 4)), s(r()), s(BOUNDS, note="on the bounds")], second_order=False),
    # ------------------------------------------------------------ elementwise, binary
    OpInfo("add", lambda L, a, b: a + b, binary_samples()),
    OpInfo("sub", lambda L, a, b: a - b, binary_samples()),
    OpInfo("mul", lambda L, a, b: a * b, binary_samples()),
    OpInfo("div", lambda L, a, b: a / b, binary_samples(pos)
           + [s(ints(3, 4), ints(2, 8), note="int / int: true division")]),
    OpInfo("rsub_rdiv_scalars", lambda L, x: 2.0 / (1.5 - x) - 3.0 * x + 2.0 ** x,
           [s(r(3, 4, low=-1, high=1)), s(r(low=-1, high=1))]),
    OpInfo("pow", lambda L, a, b: a ** b, binary_samples(r, pos) + [
        s(np.array([0.0, 0.0, 2.0]), np.array([1.5, 2.0, 0.5]), second_order=False,
          note="0 ** x (its Hessian at 0 is inf or 2; PyTorch says nan)"),
        s(np.array([1.8, 1.2, 0.0]), np.array(0.0), second_order=False,
          note="exponent 0: PyTorch's mixed second derivative is wrong there (see "
               "test_item3_pytorch_gets_the_mixed_derivative_wrong)")]),
    OpInfo("pow_int_exponent", lambda L, x: x ** 3 + x ** 2, [s(r(3, 4)), s(np.array([0.0, -1.0]))]),
    OpInfo("maximum", lambda L, a, b: a.maximum(b),
           binary_samples()[:4] + [s(TIES[0], TIES[1], note="ties split")], second_order=False),
    OpInfo("minimum", lambda L, a, b: a.minimum(b),
           binary_samples()[:4] + [s(TIES[0], TIES[1], note="ties split")], second_order=False),
    OpInfo("where", lambda L, c, a, b: L.where(c, a, b),
           [s(bools(True, False, True), r(3), r(2, 1)), s(bools(True), r(), r(2, 3)),
            s(np.zeros((0, 2), bool), r(0, 2), r(2))], second_order=False),
    # ------------------------------------------------------------ reductions
    OpInfo("sum", lambda L, x: x.sum(),
           [s(r(2, 3)), s(r()), s(r(0, 3), note="empty"), s(ints(1, 2), note="int"),
            s(bools(True, True, False), note="bool counts")], second_order=False),
    OpInfo("mean", lambda L, x: x.mean(), [s(r(2, 3)), s(r())], second_order=False),
    OpInfo("prod", lambda L, x: x.prod(),
           [s(r(2, 3)), s(r()), s(np.array([2.0, 0.0, 3.0]), note="one zero"),
            s(np.array([0.0, 0.0, 3.0]), note="two zeros"), s(r(0), note="empty: 1")]),
    OpInfo("amax_all", lambda L, x: x.amax(), [s(r(2, 3)), s(r()), s(TIES, note="ties split")],
           [s(r(0, 3), note="empty")], second_order=False),
    OpInfo("max_all", lambda L, x: x.max(), [s(TIES, note="ties split"), s(r())],
           [s(r(0), note="empty")], second_order=False),
    OpInfo("min_all", lambda L, x: x.min(), [s(-TIES, note="ties split")], second_order=False),
    OpInfo("max_dim", lambda L, x: x.max(1), [s(TIES, note="ties: to the returned index"),
                                              s(r(2, 3, 4))], [s(r(2, 0), note="empty dim")],
           second_order=False),
    OpInfo("min_dim_keepdim", lambda L, x: x.min(0, keepdim=True),
           [s(-TIES, note="ties"), s(r(3))], second_order=False),
    OpInfo("max_dim_0d", lambda L, x: x.max(0), [s(r())], second_order=False),
    OpInfo("var_default", lambda L, x: x.var(), [s(r(2, 3)), s(np.full(4, 1.5), note="zero spread")]),
    OpInfo("std_default", lambda L, x: x.std(), [s(r(2, 3))]),
    OpInfo("std_zero_spread", lambda L, x: x.std(0), [s(np.array([[1.0, 2.0], [1.0, 3.0]]))],
           second_order=False),
    OpInfo("logsumexp", lambda L, x: x.logsumexp(-1),
           [s(r(3, 4)), s(np.array([[1000.0, -1000.0], [-np.inf, 0.0]]), note="huge, -inf"),
            s(r(2, 0), note="empty dim: -inf")]),
    OpInfo("argmax_argmin", lambda L, x: [x.argmax(), x.argmin(), x.argmax(1), x.argmin(0, True)],
           [s(TIES, note="ties: first index")], second_order=False),
    OpInfo("all_any", lambda L, x: [x.all(), x.any(), x.all(1), x.any(0, True)],
           [s(np.array([[1.0, 0.0], [2.0, 3.0]])), s(np.array([[True, False], [True, True]])),
            s(r(0, 2), note="empty")],
           second_order=False),
    OpInfo("sum_dim_out_of_range", lambda L, x: x.sum(dim=3), [], [s(r(2, 3))]),
]

# every reduction with every dim / keepdim (prod and argmax take one dim, as in PyTorch)
for _name in ("sum", "mean", "amax", "amin", "var", "std", "logsumexp"):
    for _fn, _sample in reduction_samples(
            lambda dim, keepdim, n=_name: (lambda L, x: getattr(x, n)(
                dim=(0, 1, 2) if dim is None else dim, keepdim=keepdim))):
        OPS.append(OpInfo(f"{_name}[{_sample.note}]", _fn, [_sample],
                          second_order=_name in ("var", "std", "logsumexp")))
for _name in ("prod", "argmax", "argmin"):
    for _fn, _sample in reduction_samples(
            lambda dim, keepdim, n=_name: (lambda L, x: getattr(x, n)(dim, keepdim=keepdim)),
            dims=(0, -1)):
        OPS.append(OpInfo(f"{_name}[{_sample.note}]", _fn, [_sample], second_order=_name == "prod"))

OPS += [
    # ------------------------------------------------------------ movement
    OpInfo("reshape", lambda L, x: x.reshape(4, -1), [s(r(2, 3, 4)), s(r(8, 2))],
           [s(r(2, 3), note="wrong size")], second_order=False),
    OpInfo("reshape_noop", lambda L, x: x.reshape(x.shape) * 2, [s(r(2, 3)), s(r())],
           second_order=False),
    OpInfo("reshape_0d", lambda L, x: x.reshape(1, 1), [s(r())], second_order=False),
    OpInfo("flatten", lambda L, x: x.flatten(1), [s(r(2, 3, 4)), s(r(2, 0, 3), note="empty")],
           second_order=False),
    OpInfo("flatten_bad", lambda L, x: x.flatten(2, 1), [], [s(r(2, 3, 4), note="start > end")]),
    OpInfo("transpose", lambda L, x: x.transpose(0, 2), [s(r(2, 3, 4))], second_order=False),
    OpInfo("permute", lambda L, x: x.permute(1, 2, 0), [s(r(2, 3, 4))], [s(r(2, 3))],
           second_order=False),
    OpInfo("unsqueeze_squeeze", lambda L, x: x.unsqueeze(0).squeeze(),
           [s(r(3, 1, 4)), s(r()), s(r(1, 1))], second_order=False),
    OpInfo("expand", lambda L, x: x.expand(2, 3, 4), [s(r(3, 1)), s(r()), s(r(1, 3, 4))],
           [s(r(2, 4), note="cannot grow a dim of size 2")], second_order=False),
    OpInfo("getitem_basic", lambda L, x: x[None, 1:, ..., ::2], [s(r(3, 4))], second_order=False),
    OpInfo("getitem_repeated", lambda L, x: x[[0, 2, 0, 0], 1:], [s(r(3, 4))], second_order=False),
    OpInfo("getitem_mask", lambda L, x: x[x > 0], [s(r(3, 4))], second_order=False),
    OpInfo("getitem_out_of_range", lambda L, x: x[5], [], [s(r(3, 4))]),
    OpInfo("pad", lambda L, x: L.pad(x, ((1, 0), (2, 1)), 0.5), [s(r(2, 3)), s(r(0, 3))],
           second_order=False),
    OpInfo("cat", lambda L, a, b: L.cat([a, b, a], 1), [s(r(2, 3), r(2, 1)), s(r(2, 0), r(2, 2))],
           [s(r(2, 3), r(3, 1), note="sizes differ outside the dim")], second_order=False),
    OpInfo("stack", lambda L, a, b: L.stack([a, b], 1), [s(r(2, 3), r(2, 3)), s(r(2, 0), r(2, 0))],
           [s(r(2, 3), r(3, 2))], second_order=False),
    OpInfo("split", lambda L, x: x.split(2), [s(r(5, 2)), s(r(1, 2))], second_order=False),
    OpInfo("split_empty", lambda L, x: x.split(1, -1), [s(np.zeros((1, 0)), note="one empty piece")],
           second_order=False),
    OpInfo("chunk", lambda L, x: x.chunk(3, dim=1), [s(r(2, 7)), s(r(2, 2))], second_order=False),
    # ------------------------------------------------------------ linear algebra and network ops
    OpInfo("matmul", lambda L, a, b: a @ b,
           [s(r(3, 4), r(4, 5)), s(r(4), r(4)), s(r(4), r(4, 3)), s(r(3, 4), r(4)),
            s(r(2, 1, 3, 4), r(3, 4, 2), note="batched broadcast"), s(r(0, 4), r(4, 2))],
           [s(r(3, 4), r(3, 4), note="not aligned"), s(r(), r(3), note="0-d")]),
    OpInfo("linear", lambda L, x, w, b: L.linear(x, w, b),
           [s(r(4, 3), r(2, 3), r(2)), s(r(2, 4, 3), r(2, 3), r(2))]),
    OpInfo("softmax", lambda L, x: x.softmax(-1),
           [s(r(3, 4)), s(r()), s(r(2, 0), note="empty"), s(TIES, note="equal logits"),
            s(np.array([[1000.0, -1000.0, 999.0]]), note="huge")]),
    OpInfo("softmax_dim0", lambda L, x: x.softmax(0), [s(r(3, 4)), s(r(0, 2))]),
    OpInfo("log_softmax", lambda L, x: x.log_softmax(-1),
           [s(r(3, 4)), s(r(), note="0-d"), s(r(2, 0), note="empty"),
            s(np.array([[1000.0, -1000.0, 999.0]]), note="huge")]),
    OpInfo("softmax_bad_dim", lambda L, x: x.softmax(2), [], [s(r(2, 3))]),
    OpInfo("add_shapes_clash", lambda L, a, b: a + b, [], [s(r(2, 3), r(4)), s(r(0, 3), r(2, 3))]),
]
