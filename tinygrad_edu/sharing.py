"""`from_numpy` and `as_tensor`: tensors that share memory with a numpy array, on purpose.

`Tensor(a)` and `tinygrad_edu.tensor(a)` copy, as `torch.tensor` does, so that training
never writes into a student's dataset by surprise. Sometimes sharing is what you want (a
big array you do not want twice in memory, or a tensor you edit through numpy): these
two functions give it, with PyTorch's names and rules.
"""
import numpy as np

from .tensor import Tensor
from .dtypes import as_array, check_dtype
from .argcheck import describe


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with the numpy array `array` (no copy, dtype kept).

    Writing into one is seen by the other, as with `torch.from_numpy`; an optimiser step
    on such a tensor updates the array. Use `Tensor(array)` for an independent copy.

    Example:
        >>> import numpy as np
        >>> a = np.zeros(2)
        >>> t = from_numpy(a)
        >>> a[0] = 5.0
        >>> t.tolist()
        [5.0, 0.0]
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {describe(array)}; use "
                        f"tinygrad_edu.tensor(...) for Python data")
    return Tensor._make(as_array(array, op="from_numpy"), None)


def as_tensor(data, dtype=None) -> Tensor:
    """`data` as a tensor, sharing memory when it can (as `torch.as_tensor`).

    A Tensor of the requested dtype is returned as it is; a numpy array of the requested
    dtype (or any dtype, when `dtype` is None) is shared; anything else (lists, numbers,
    a dtype conversion) is converted into new memory.

    Example:
        >>> import numpy as np
        >>> a = np.ones(3)
        >>> as_tensor(a).data is a
        True
    """
    if isinstance(data, Tensor):
        if dtype is None or check_dtype("as_tensor", dtype) == data.dtype:
            return data
        return data.to(dtype)
    return Tensor._make(as_array(data, dtype, op="as_tensor"), None)
