"""Module-level elementwise math named as in `torch` (`torch.atan2(y, x)` ports as
`tinygrad_edu.atan2(y, x)`). Each is a door to the Tensor method of the same name, where the
op and its derivative live (ops/); a non-Tensor input is made a Tensor first.

    >>> import tinygrad_edu as tg
    >>> tg.floor(tg.tensor([1.5, -1.5])).tolist(), tg.atan2(tg.ones(1), 1.0).item() > 0.78
    ([1.0, -2.0], True)

The names that shadow Python builtins (abs, round, pow) are left out of `import *`; use them as
`tinygrad_edu.abs` etc.
"""
from .tensor import Tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def abs(input):
    """|x| elementwise. As torch.abs."""
    return _t(input).abs()


def sqrt(input):
    """Square root. As torch.sqrt."""
    return _t(input).sqrt()


def sin(input):
    """Sine. As torch.sin."""
    return _t(input).sin()


def cos(input):
    """Cosine. As torch.cos."""
    return _t(input).cos()


def tan(input):
    """Tangent. As torch.tan."""
    return _t(input).tan()


def asin(input):
    """Inverse sine. As torch.asin."""
    return _t(input).asin()


def acos(input):
    """Inverse cosine. As torch.acos."""
    return _t(input).acos()


def atan(input):
    """Inverse tangent. As torch.atan."""
    return _t(input).atan()


def sinh(input):
    """Hyperbolic sine. As torch.sinh."""
    return _t(input).sinh()


def cosh(input):
    """Hyperbolic cosine. As torch.cosh."""
    return _t(input).cosh()


def asinh(input):
    """Inverse hyperbolic sine. As torch.asinh."""
    return _t(input).asinh()


def acosh(input):
    """Inverse hyperbolic cosine. As torch.acosh."""
    return _t(input).acosh()


def atanh(input):
    """Inverse hyperbolic tangent. As torch.atanh."""
    return _t(input).atanh()


def exp2(input):
    """2^x. As torch.exp2."""
    return _t(input).exp2()


def expm1(input):
    """e^x - 1, accurate for small x. As torch.expm1."""
    return _t(input).expm1()


def log1p(input):
    """ln(1 + x), accurate for small x. As torch.log1p."""
    return _t(input).log1p()


def log2(input):
    """Base-2 logarithm. As torch.log2."""
    return _t(input).log2()


def log10(input):
    """Base-10 logarithm. As torch.log10."""
    return _t(input).log10()


def floor(input):
    """Round down (gradient 0). As torch.floor."""
    return _t(input).floor()


def ceil(input):
    """Round up (gradient 0). As torch.ceil."""
    return _t(input).ceil()


def trunc(input):
    """Round toward zero (gradient 0). As torch.trunc."""
    return _t(input).trunc()


def frac(input):
    """x - trunc(x). As torch.frac."""
    return _t(input).frac()


def sign(input):
    """-1, 0 or 1 by sign. As torch.sign."""
    return _t(input).sign()


def neg(input):
    """-x. As torch.neg."""
    return _t(input).neg()


def reciprocal(input):
    """1 / x. As torch.reciprocal."""
    return _t(input).reciprocal()


def rsqrt(input):
    """1 / sqrt(x). As torch.rsqrt."""
    return _t(input).rsqrt()


def square(input):
    """x * x. As torch.square."""
    return _t(input).square()


def round(input, *, decimals=0):
    """Round to `decimals` places, halves to even. As torch.round."""
    return _t(input).round(decimals)


def atan2(input, other):
    """The angle of (other, input). As torch.atan2."""
    return _t(input).atan2(other)


def fmod(input, other):
    """Remainder with input's sign. As torch.fmod."""
    return _t(input).fmod(other)


def remainder(input, other):
    """Remainder with other's sign (Python's %). As torch.remainder."""
    return _t(input).remainder(other)


def floor_divide(input, other):
    """floor(input / other). As torch.floor_divide."""
    return _t(input).floor_divide(other)


def true_divide(input, other):
    """input / other. As torch.true_divide."""
    return _t(input).true_divide(other)


def hypot(input, other):
    """sqrt(input^2 + other^2). As torch.hypot."""
    return _t(input).hypot(other)


def xlogy(input, other):
    """input * ln(other), 0 where input == 0. As torch.xlogy."""
    return _t(input).xlogy(other)


def logaddexp(input, other):
    """ln(e^input + e^other). As torch.logaddexp."""
    return _t(input).logaddexp(other)


def logaddexp2(input, other):
    """log2(2^input + 2^other). As torch.logaddexp2."""
    return _t(input).logaddexp2(other)


def positive(input):
    """input itself. As torch.positive."""
    return _t(input).positive()


def deg2rad(input):
    """Degrees to radians. As torch.deg2rad."""
    return _t(input).deg2rad()


def rad2deg(input):
    """Radians to degrees. As torch.rad2deg."""
    return _t(input).rad2deg()


def sinc(input):
    """sin(pi x) / (pi x), 1 at 0. As torch.sinc."""
    return _t(input).sinc()


def copysign(input, other):
    """|input| with the sign of other. As torch.copysign."""
    return _t(input).copysign(other)


def heaviside(input, values):
    """The step function with `values` at zero. As torch.heaviside."""
    return _t(input).heaviside(values)


def float_power(input, exponent):
    """input ** exponent in float64. As torch.float_power."""
    return _t(input).float_power(exponent)


def rsub(input, other, *, alpha=1):
    """other - alpha * input. As torch.rsub."""
    return _t(input).rsub(other, alpha=alpha)


def mul(input, other):
    """input * other. As torch.mul."""
    return _t(input).mul(other)


def dot(input, other):
    """The inner product of two 1-D tensors. As torch.dot."""
    return _t(input).dot(other)


def add(input, other, *, alpha=1):
    """input + alpha * other. As torch.add."""
    return _t(input).add(other, alpha=alpha)


def sub(input, other, *, alpha=1):
    """input - alpha * other. As torch.sub."""
    return _t(input).sub(other, alpha=alpha)


def div(input, other, *, rounding_mode=None):
    """input / other, optionally rounded ('floor', 'trunc'). As torch.div."""
    return _t(input).div(other, rounding_mode=rounding_mode)


def pow(input, exponent):
    """input ** exponent (either may be a number). As torch.pow."""
    return _t(input) ** exponent if isinstance(input, Tensor) else _t(exponent).__rpow__(input)


def lerp(input, end, weight):
    """input + weight * (end - input). As torch.lerp."""
    return _t(input).lerp(end, weight)


def logit(input, eps=None):
    """ln(p / (1 - p)). As torch.logit."""
    return _t(input).logit(eps)


def clamp(input, min=None, max=None):
    """Clamp into [min, max] (numbers or tensors). As torch.clamp."""
    return _t(input).clamp(min, max)


def clamp_min(input, min):
    """max(input, min). As torch.clamp_min."""
    return _t(input).clamp_min(min)


def clamp_max(input, max):
    """min(input, max). As torch.clamp_max."""
    return _t(input).clamp_max(max)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2. As torch.addcmul."""
    return _t(input).addcmul(tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2. As torch.addcdiv."""
    return _t(input).addcdiv(tensor1, tensor2, value)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN and infinities replaced. As torch.nan_to_num."""
    return _t(input).nan_to_num(nan, posinf, neginf)


# PyTorch's other names for the same functions
arcsin = asin
arccos = acos
arctan = atan
negative = neg
fix = trunc
arctan2 = atan2
multiply = mul
subtract = sub
divide = div
clip = clamp
sgn = sign

__all__ = [
    "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
    "exp2", "expm1", "log1p", "log2", "log10", "floor", "ceil", "trunc", "frac", "sign", "sgn",
    "neg", "negative", "reciprocal", "rsqrt", "square", "arcsin", "arccos", "arctan", "fix",
    "atan2", "arctan2", "fmod", "remainder", "floor_divide", "true_divide", "hypot", "xlogy",
    "logaddexp", "logaddexp2", "mul", "multiply", "dot", "add", "sub", "subtract", "div", "divide",
    "lerp", "logit", "clamp", "clip", "clamp_min", "clamp_max", "addcmul", "addcdiv", "nan_to_num",
    "positive", "deg2rad", "rad2deg", "sinc", "copysign", "heaviside", "float_power", "rsub",
]
