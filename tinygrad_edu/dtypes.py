"""The default floating dtype (float32, fast, like PyTorch; or float64 for exact checks), and
`as_array`: the one conversion of user data into a tensor's array, which refuses what is not
numbers (strings, None, objects, ragged lists) with a message naming the call."""
import numpy as np

from .argcheck import describe

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
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"set_default_dtype: {describe(dtype)} is not a dtype; use np.float32 or "
                        f"np.float64") from None
    if dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"set_default_dtype: {dtype} is not a floating dtype; use np.float32 or "
                         f"np.float64")
    _DEFAULT["float"] = dtype


def get_default_dtype() -> np.dtype:
    """The dtype new floating tensors get (float32 unless changed)."""
    return _DEFAULT["float"]


def as_array(data, dtype=None, copy: bool = False, op: str = "Tensor",
             tensors_ok: bool = True) -> np.ndarray:
    """Convert user data to a numpy array with the dtype rules of the API, refusing what is not data.

    Python floats and lists of floats get the default dtype; numpy arrays keep theirs;
    Python ints stay integer, bools stay bool. A list may hold one-element Tensors (their
    values are taken, as `torch.tensor` does). Strings, None, dicts, ragged lists and
    object arrays raise a TypeError/ValueError naming `op`: no tensor ever holds objects.
    With `copy=True` the result never shares memory with a numpy array passed in.

    Example:
        >>> as_array([1.0, 2.0]).dtype
        dtype('float32')
    """
    prefix = f"{op}: " if op else ""
    if dtype is not None:
        dtype = check_dtype(op, dtype)
    if hasattr(data, "_operand") and hasattr(data, "grad_fn"):       # a Tensor: its array
        data = data.data
    from_numpy = isinstance(data, (np.ndarray, np.generic))
    if from_numpy:
        array = np.asarray(data)
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"{prefix}numpy arrays of dtype {array.dtype} cannot become tensors; "
                            f"tensors hold numbers (convert with .astype(np.float32))")
    else:
        array, found = _from_python(prefix, data, tensors_ok)
        if dtype is None and array.dtype.kind == "f":
            with np.errstate(over="ignore"):        # 1e300 becomes inf in float32, as in PyTorch
                array = array.astype(np.result_type(_DEFAULT["float"], *found), copy=False)
    if dtype is not None and array.dtype != dtype:
        if dtype.kind in "iub" and array.dtype.kind in "fc" and not np.isfinite(array).all():
            raise ValueError(f"{prefix}cannot convert NaN or infinity to the integer dtype {dtype}; "
                             f"replace them first (e.g. np.nan_to_num)")
        array = array.astype(dtype)
    elif copy and from_numpy and np.may_share_memory(array, data):
        array = array.copy()
    return np.asarray(array)


def check_dtype(op: str, dtype) -> np.dtype:
    """`dtype` as a numpy dtype that tensors may have (bool, integer, float, complex), or a TypeError.

    Example:
        >>> check_dtype("Tensor", "float64")
        dtype('float64')
    """
    try:
        result = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: dtype {dtype!r} is not a numpy dtype; use e.g. np.float32, "
                        f"np.float64 or np.int64") from None
    if result.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{op}: dtype {result} is not numeric; tensors hold numbers (use e.g. "
                        f"np.float32, np.float64 or np.int64)")
    return result


_NUMERIC_KINDS = "biufc"
_NOT_DATA = (str, bytes, dict, set, frozenset)


def _from_python(prefix, data, tensors_ok):
    """numpy's conversion of Python data, with the dtypes of any Tensors found in lists."""
    if data is None or isinstance(data, _NOT_DATA):
        raise TypeError(f"{prefix}cannot make a tensor from {describe(data)}; pass a number, "
                        f"(nested) lists of numbers or a numpy array")
    try:
        array = np.asarray(data)
    except (ValueError, TypeError):
        array = None
    if array is not None and array.dtype.kind in _NUMERIC_KINDS:
        return array, ()
    found = []
    if isinstance(data, (list, tuple)):
        data = _unwrap_tensors(prefix, data, tensors_ok, found, ())
    try:
        array = np.asarray(data)
    except (ValueError, TypeError):
        raise ValueError(f"{prefix}the nested lists of {describe(data)} are ragged (rows of "
                         f"different lengths); every row must have the same length") from None
    if array.dtype.kind not in _NUMERIC_KINDS:
        bad = _first_non_number(data)
        raise TypeError(f"{prefix}cannot make a tensor from {describe(data)}: it holds "
                        f"{describe(bad)}, which is not a number; tensors hold numbers only")
    return array, [d for d in found if d.kind == "f"]


def _unwrap_tensors(prefix, data, tensors_ok, found, where):
    """A copy of nested lists with every one-element Tensor replaced by its value."""
    out = []
    for i, item in enumerate(data):
        if hasattr(item, "_operand") and hasattr(item, "grad_fn"):
            position = "".join(f"[{k}]" for k in where + (i,))
            if not tensors_ok:
                raise TypeError(f"element {position} is a Tensor; a list of Tensors would become "
                                f"a constant and cut the graph. Join tensors with Tensor.stack "
                                f"or Tensor.cat")
            if item.data.size != 1:
                raise ValueError(f"{prefix}element {position} of the list is a Tensor of shape "
                                 f"{item.shape}; only one-element tensors can stand for numbers "
                                 f"in a list (as in PyTorch). Join tensors with Tensor.stack(...) "
                                 f"or Tensor.cat(...)")
            found.append(item.data.dtype)
            out.append(item.data.reshape(-1)[0])
        elif isinstance(item, (list, tuple)):
            out.append(_unwrap_tensors(prefix, item, tensors_ok, found, where + (i,)))
        else:
            out.append(item)
    return out


def _first_non_number(data):
    """The first element of nested lists (or an object array) that is not a number."""
    if isinstance(data, np.ndarray):
        data = data.tolist()
    if isinstance(data, (list, tuple)):
        for item in data:
            bad = _first_non_number(item)
            if bad is not _NUMBER:
                return bad
        return _NUMBER
    return _NUMBER if isinstance(data, (int, float, complex, np.number, np.bool_)) else data


_NUMBER = object()
