"""Fully connected layers and simple containers: Linear, Identity, Flatten, Sequential."""
import math

import numpy as np

from tinygrad_edu import Tensor, get_default_dtype  # noqa: F401 (Tensor: used by the examples)
from tinygrad_edu.argcheck import int_arg
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import init


class Linear(Module):
    """y = x W^T + b, with PyTorch's layout: weight (out_features, in_features), bias (out,).

    Initialised as PyTorch does: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.

    Example:
        >>> layer = Linear(3, 2)
        >>> layer(Tensor.ones(4, 3)).shape
        (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        in_features = int_arg("Linear", "in_features", in_features, minimum=0)
        out_features = int_arg("Linear", "out_features", out_features, minimum=0)
        self.in_features, self.out_features = in_features, out_features
        dtype = dtype or get_default_dtype()
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.bias = Parameter(np.empty(out_features, dtype=dtype)) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh weights: U(-1/sqrt(in_features), 1/sqrt(in_features)), as PyTorch draws
        them (kaiming_uniform_ with a = sqrt(5) for the weight, then the bias)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        params = self._parameters       # (direct: this runs for every layer of every step)
        try:
            return input.linear(params["weight"], params["bias"])     # checks the shapes
        except ValueError as error:
            detail = str(error).removeprefix("linear: ")
            raise ValueError(f"Linear({self.in_features}, {self.out_features}): {detail}") from None

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """y = x1^T A x2 + b per output: weight (out, in1, in2), bias (out,), as PyTorch.

    Initialised as PyTorch does: U(-1/sqrt(in1), 1/sqrt(in1)) for weight and bias.

    Example:
        >>> Bilinear(2, 3, 4)(Tensor.ones(5, 2), Tensor.ones(5, 3)).shape
        (5, 4)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        self.in1_features = int_arg("Bilinear", "in1_features", in1_features, minimum=1)
        self.in2_features = int_arg("Bilinear", "in2_features", in2_features, minimum=1)
        self.out_features = int_arg("Bilinear", "out_features", out_features, minimum=1)
        dtype = dtype or get_default_dtype()
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh weights: U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1.0 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        from .functional_shape import bilinear
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. for an optional layer)."""

    def forward(self, x):
        return x


class Flatten(Module):
    """Merge dims start_dim..end_dim (by default all but the batch dim), e.g. before a Linear."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim `dim` into `unflattened_size` (the inverse of Flatten), e.g. a vector to an image.

    Example:
        >>> Unflatten(1, (2, 3))(Tensor.ones(4, 6)).shape
        (4, 2, 3)
    """

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x):
        dim = self.dim % x.ndim if -x.ndim <= self.dim < x.ndim else None
        sizes = self.unflattened_size
        known = int(np.prod([s for s in sizes if s != -1]))
        if dim is None or sizes.count(-1) > 1 or (
                x.shape[dim] != known if -1 not in sizes else known == 0 or x.shape[dim] % known):
            raise ValueError(f"Unflatten(dim={self.dim}, unflattened_size={sizes}): cannot split "
                             f"dim {self.dim} of an input of shape {x.shape}; the sizes must "
                             f"multiply to that dim's size (at most one -1)")
        return x.reshape(*x.shape[:dim], *sizes, *x.shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Sequential(Module):
    """Apply modules one after another; children are named '0', '1', ...

    Example:
        >>> from tinygrad_edu.nn import ReLU
        >>> net = Sequential(Linear(2, 4), ReLU(), Linear(4, 1))
        >>> net(Tensor.ones(5, 2)).shape
        (5, 1)
    """

    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        return modules[index]

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add a module at the end."""
        self.add_module(str(len(self)), module)
        return self
