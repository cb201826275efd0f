"""tinygrad_edu.utils: helpers under PyTorch's names; `utils.data` holds the data loading.

    >>> from tinygrad_edu.utils.data import TensorDataset, DataLoader
"""
from . import data  # noqa: F401
