"""The device: tinygrad_edu computes with numpy on the CPU, and says so in PyTorch's words.

`torch.device`, `t.device`, `t.cpu()`, `t.cuda()` and every `device=` argument exist so that
PyTorch code runs unchanged; "cpu" is accepted everywhere and any other device is refused with
the reason and the fix (check_device).
"""


class device(str):
    """PyTorch's `torch.device`, for the one device there is: `device("cpu")`.

    It is a string, so `t.device == "cpu"` holds, and has PyTorch's `.type` and `.index`.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Tensor([1.0]).device.type
        'cpu'
    """

    def __new__(cls, name="cpu", index=None):
        check_device(name if index is None else f"{name}:{index}", "device")
        return super().__new__(cls, "cpu")

    @property
    def type(self) -> str:
        return "cpu"

    @property
    def index(self):
        return None

    def __repr__(self):
        return "device(type='cpu')"


def check_device(name, op_name) -> None:
    """Accept "cpu" (or "cpu:0", a device, or None: the default), refuse the others with the
    reason and the fix."""
    if name is not None and str(name).split(":")[0] != "cpu":
        raise RuntimeError(f"{op_name}: tinygrad_edu computes with numpy on the CPU only, so the "
                           f"device {str(name)!r} is not available; use 'cpu' (or drop the "
                           f".to(device) / .cuda() call)")


class DeviceMethods:
    """Tensor's device methods (mixed into the class)."""

    __slots__ = ()

    @property
    def device(self) -> device:
        """Always the CPU: the engine computes with numpy."""
        return device("cpu")

    is_cuda = False

    def cpu(self):
        """This tensor (it is already on the CPU).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> t = Tensor([1.0]); t.cpu() is t
            True
        """
        return self

    def cuda(self, *args, **kwargs):
        """Not available: raises an error that says why (numpy runs on the CPU).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).cuda()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            RuntimeError: cuda: tinygrad_edu computes with numpy on the CPU only, ...
        """
        check_device("cuda", "cuda")
