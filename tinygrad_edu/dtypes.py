"""The default floating dtype: float32 (fast, like PyTorch), or float64 for exact checks."""
import numpy as np

_DEFAULT = {"float": np.dtype(np.float32)}


def set_default_dtype(dtype) -> None:
    """Choose the dtype of new floating tensors made from Python numbers and lists.

    float64 input arrays stay float64 whatever the default. Example:
        >>> import numpy as np, tinygrad_edu
        >>> tinygrad_edu.set_default_dtype(np.float64)
        >>> tinygrad_edu.Tensor([1.0]).dtype
        dtype('float64')
        >>> tinygrad_edu.set_default_dtype(np.float32)
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"set_default_dtype: {dtype} is not a floating dtype; use np.float32 or "
                         f"np.float64")
    _DEFAULT["float"] = dtype


def get_default_dtype() -> np.dtype:
    """The dtype new floating tensors get (float32 unless changed)."""
    return _DEFAULT["float"]


def as_array(data, dtype=None) -> np.ndarray:
    """Convert user data to a numpy array with the dtype rules of the API.

    Python floats and lists of floats get the default dtype; numpy arrays keep theirs;
    Python ints stay integer, bools stay bool.
    """
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    from_numpy = isinstance(data, (np.ndarray, np.generic))
    array = np.asarray(data)
    if not from_numpy and array.dtype.kind == "f" and array.dtype != _DEFAULT["float"]:
        array = array.astype(_DEFAULT["float"])
    return array
