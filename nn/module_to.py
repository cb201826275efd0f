"""What `Module.to(...)` was asked for: a device (only 'cpu' exists here) and/or a dtype.

PyTorch's `module.to` accepts a device, a dtype, a tensor (take its dtype) or keywords, in any of
its overloads; this parser accepts the same spellings, refuses other devices with a clear
message, and returns the floating dtype to cast to (or None to keep the dtypes).
"""
import numpy as np

_CPU_NAMES = ("cpu", "cpu:0")


def _device_name(value):
    """'cpu' for a string or device-like object naming the CPU, else None if it names nothing."""
    if isinstance(value, str):
        return value.lower()
    kind = getattr(value, "type", value)          # a device object: its type, e.g. 'cpu'
    return str(kind() if callable(kind) else kind).lower()


def _check_device(op, value):
    name = _device_name(value)
    if name not in _CPU_NAMES:
        raise RuntimeError(f"{op}: device {value!r} is not available; tinygrad_edu computes on "
                           f"the CPU with numpy, so the only device is 'cpu' (drop the .to({value!r}) "
                           f"or use .to('cpu'))")


def _as_float_dtype(op, value):
    try:
        dtype = np.dtype(getattr(value, "dtype", value) if not isinstance(value, (str, type))
                         else value)
    except TypeError:
        raise TypeError(f"{op}: cannot read a device or dtype from {value!r} "
                        f"({type(value).__name__}); pass 'cpu', a float dtype such as np.float64, "
                        f"or a Tensor") from None
    if dtype.kind != "f":
        raise TypeError(f"{op}: a module can only be cast to a floating dtype, got {dtype}; "
                        f"use np.float32 or np.float64")
    return dtype


def parse_to_args(op: str, args: tuple, kwargs: dict):
    """The floating dtype that `to(*args, **kwargs)` asks for, or None; raises on anything else.

    Example:
        >>> parse_to_args("Module.to", ("cpu", np.float64), {})
        dtype('float64')
    """
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"{op}: unexpected keyword argument(s) {sorted(unknown)}; use device= "
                        f"and/or dtype=")
    if len(args) > 2:
        raise TypeError(f"{op}: expected at most a device and a dtype, got {len(args)} "
                        f"positional arguments")
    dtype = None
    for value in args:
        if isinstance(value, str) or type(value).__name__ == "device":
            _check_device(op, value)
        else:
            dtype = _as_float_dtype(op, value)
    if kwargs.get("device") is not None:
        _check_device(op, kwargs["device"])
    if kwargs.get("dtype") is not None:
        dtype = _as_float_dtype(op, kwargs["dtype"])
    return dtype
