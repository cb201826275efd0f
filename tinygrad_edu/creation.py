"""Tensor's factory methods (`Tensor.zeros`, `ones`, `full`, `randn`, `rand`, `arange`, `eye`,
the `*_like` and `new_*` forms, and `multinomial`), as a mixin of `Tensor`.

Why a file of their own: they are the part of the class that makes new data rather than
recording ops, and keeping them here keeps `tensor.py` about what a Tensor is.
"""
import numpy as np

from .argcheck import creation_shape, int_arg, number_arg
from .dtypes import as_array, check_dtype, get_default_dtype
from .devices import check_device


class CreationMethods:
    """Factories as classmethods, so `Tensor.zeros(2, 3)` and `t.zeros_like()` read as PyTorch's."""

    @classmethod
    def _creation(cls, data, requires_grad, dtype, device=None):
        # `data` is a fresh array made by the creation function: no copy needed
        if device is not None:
            check_device(device, "Tensor creation")
        t = cls._make(as_array(data, dtype, op="Tensor creation"), None)
        return t.requires_grad_() if requires_grad else t

    _shape = staticmethod(creation_shape)      # zeros(2, 3) / zeros((2, 3)): ints >= 0, checked

    @staticmethod
    def _dtype(dtype, op, like=None):
        """The dtype of a creation call: checked when given, else `like`'s or the default."""
        if dtype is None:
            return like if like is not None else get_default_dtype()
        return check_dtype(op, dtype)

    @classmethod
    def zeros(cls, *shape, requires_grad=False, dtype=None, device=None):
        """A tensor of zeros, e.g. `Tensor.zeros(2, 3)`."""
        return cls._creation(np.zeros(cls._shape(shape), cls._dtype(dtype, "Tensor.zeros")),
                             requires_grad, dtype, device)

    @classmethod
    def ones(cls, *shape, requires_grad=False, dtype=None, device=None):
        """A tensor of ones, e.g. `Tensor.ones(2, 3)`."""
        return cls._creation(np.ones(cls._shape(shape), cls._dtype(dtype, "Tensor.ones")),
                             requires_grad, dtype, device)

    @classmethod
    def full(cls, shape, value, requires_grad=False, dtype=None, device=None):
        """A tensor filled with `value`."""
        shape = cls._shape(shape if isinstance(shape, (tuple, list)) else (shape,),
                           "Tensor.full")
        value = number_arg("Tensor.full", "fill_value", value)
        return cls._creation(np.full(shape, value, cls._dtype(dtype, "Tensor.full")),
                             requires_grad, dtype, device)

    @classmethod
    def randn(cls, *shape, seed=None, generator=None, requires_grad=False, dtype=None, device=None):
        """Standard normal samples from the global generator (`manual_seed`), from
        `generator` (a `Generator`), or from a fresh one seeded by `seed`."""
        from .sampling import randn                    # PyTorch's stream and transforms
        if device is not None:
            check_device(device, "randn")
        return randn(*shape, generator=generator, dtype=dtype, requires_grad=requires_grad, seed=seed)

    @classmethod
    def rand(cls, *shape, seed=None, generator=None, requires_grad=False, dtype=None, device=None):
        """Uniform samples in [0, 1) from the global generator (`manual_seed`), from
        `generator` (a `Generator`), or from a fresh one seeded by `seed`."""
        from .sampling import rand
        if device is not None:
            check_device(device, "rand")
        return rand(*shape, generator=generator, dtype=dtype, requires_grad=requires_grad, seed=seed)

    @classmethod
    def arange(cls, start, stop=None, step=1, requires_grad=False, dtype=None, device=None):
        """Evenly spaced values in [start, stop), like numpy's arange (integers stay integer).

        With an integer `dtype`, start, end and step are first truncated to integers, as
        PyTorch does (so `arange(0., -8.000001, -4., dtype=int64)` is [0, -4]).
        """
        if stop is None:
            start, stop = 0, start
        start, stop, step = (number_arg("Tensor.arange", name, int(v) if isinstance(v, bool) else v,
                                        finite=True)
                             for name, v in (("start", start), ("end", stop), ("step", step)))
        if dtype is not None and check_dtype("Tensor.arange", dtype).kind in "iu":
            start, stop, step = int(start), int(stop), int(step)
        if step == 0 or (stop - start) * step < 0:
            raise ValueError(f"Tensor.arange: step {step} never goes from start {start} to end "
                             f"{stop}; " + ("the step must not be 0" if step == 0 else
                                            "give the step the sign of end - start"))
        values = np.arange(start, stop, step)
        if dtype is None and values.dtype.kind == "f":
            values = values.astype(get_default_dtype())
        return cls._creation(values, requires_grad, dtype, device)

    @classmethod
    def eye(cls, n, m=None, requires_grad=False, dtype=None, device=None):
        """The n x m identity matrix (square by default)."""
        n = int_arg("Tensor.eye", "n", n, minimum=0)
        m = None if m is None else int_arg("Tensor.eye", "m", m, minimum=0)
        return cls._creation(np.eye(n, m, dtype=cls._dtype(dtype, "Tensor.eye")), requires_grad,
                             dtype, device)

    def zeros_like(self, requires_grad=False, dtype=None, device=None, memory_format=None):
        """Zeros with this tensor's shape and dtype."""
        return self._creation(np.zeros(self.shape, self._dtype(dtype, "zeros_like", self.dtype)),
                              requires_grad, dtype, device)

    def ones_like(self, requires_grad=False, dtype=None, device=None, memory_format=None):
        """Ones with this tensor's shape and dtype."""
        return self._creation(np.ones(self.shape, self._dtype(dtype, "ones_like", self.dtype)),
                              requires_grad, dtype, device)

    def full_like(self, value, requires_grad=False, dtype=None, device=None, memory_format=None):
        """`value` everywhere, with this tensor's shape and dtype."""
        value = number_arg("full_like", "fill_value", value)
        return self._creation(np.full(self.shape, value, self._dtype(dtype, "full_like", self.dtype)),
                              requires_grad, dtype, device)

    def randn_like(self, seed=None, requires_grad=False, dtype=None, generator=None, device=None,
                   memory_format=None):
        """Standard normal samples with this tensor's shape and dtype."""
        return self.randn(*self.shape, seed=seed, generator=generator, requires_grad=requires_grad,
                          device=device, dtype=dtype or self.dtype)

    def rand_like(self, seed=None, requires_grad=False, dtype=None, generator=None, device=None,
                  memory_format=None):
        """Uniform [0, 1) samples with this tensor's shape and dtype."""
        return self.rand(*self.shape, seed=seed, generator=generator, requires_grad=requires_grad,
                         device=device, dtype=dtype or self.dtype)

    def new_zeros(self, *size, dtype=None, requires_grad=False, device=None):
        """Zeros of shape `size` with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1], dtype=np.int64).new_zeros(2, 2).dtype.name
            'int64'
        """
        return type(self).zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad,
                                device=device)

    def new_ones(self, *size, dtype=None, requires_grad=False, device=None):
        """Ones of shape `size` with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).new_ones(2).tolist()
            [1.0, 1.0]
        """
        return type(self).ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad,
                               device=device)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False, device=None):
        """`fill_value` everywhere, of shape `size`, with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).new_full((2,), 3.0).tolist()
            [3.0, 3.0]
        """
        return type(self).full(size, fill_value, dtype=dtype or self.dtype,
                               requires_grad=requires_grad, device=device)

    def new_tensor(self, data, dtype=None, requires_grad=False, device=None):
        """A new tensor (a copy of `data`) with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0], dtype=np.float64).new_tensor([1, 2]).dtype.name
            'float64'
        """
        if device is not None:
            check_device(device, "new_tensor")
        return type(self)(np.array(getattr(data, "data", data)), dtype=dtype or self.dtype,
                          requires_grad=requires_grad)

    def multinomial(self, num_samples, replacement=False, generator=None):
        """Draw category indices with probabilities proportional to the rows (as PyTorch).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 1.0]).multinomial(3, replacement=True).tolist()
            [1, 1, 1]
        """
        from .sampling import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)
