"""Where the primitives first added for PyTorch's names now live (kept so old imports work):
Clone in movement.py, Log2 and Log10 in unary.py, Gather and ScatterAddAlong in indexing.py,
Norm2 in linalg.py, RoundedDiv in binary_math.py.
"""
from .movement import Clone  # noqa: F401
from .unary import Log2, Log10  # noqa: F401
from .indexing import Gather, ScatterAddAlong  # noqa: F401
from .linalg import Norm2  # noqa: F401
from .binary_math import RoundedDiv  # noqa: F401
