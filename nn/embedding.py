"""`Embedding`: a learned lookup table from integer ids (words, characters, items) to vectors.

Why: a one-hot vector times a weight matrix picks one row of the matrix; the lookup does
the same without building the one-hot vectors. Its gradient is therefore the one of
indexing: each row receives the sum of the output gradients of every position that
looked it up (`F.embedding`, built on Tensor indexing, no hand-written backward).
"""
import numpy as np

from tinygrad_edu import get_default_dtype
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import functional as F
from . import init


class Embedding(Module):
    """A table of `num_embeddings` vectors of size `embedding_dim`, looked up by index.

    `weight` has shape (num_embeddings, embedding_dim) and is drawn from N(0, 1) as in
    PyTorch. The input is an integer array or Tensor of any shape; the output has shape
    input.shape + (embedding_dim,). An index outside 0..num_embeddings-1 raises an
    IndexError that names it. With `padding_idx` that row starts at zero and never
    receives a gradient (for the padding token of variable-length sequences).

    Example:
        >>> emb = Embedding(10, 3)
        >>> emb(np.array([[1, 2, 2], [0, 9, 1]])).shape
        (2, 3, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx=None, max_norm=None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight=None, _freeze: bool = False, device=None, dtype=None):
        super().__init__()
        check_device(device, "Embedding")
        for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Embedding: {name} must be a positive integer, got {value!r}")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} is outside the table of "
                                 f"{num_embeddings} rows")
            padding_idx = int(padding_idx) % num_embeddings
        F.check_embedding_options("Embedding", max_norm, sparse)
        self.num_embeddings = int(num_embeddings)
        self.embedding_dim = int(embedding_dim)
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dtype=dtype or get_default_dtype()))
            self.reset_parameters()
        else:                       # the given table, as PyTorch: no draw from the generator
            table = np.array(getattr(_weight, "data", _weight), dtype=dtype)
            if table.shape != shape:
                raise ValueError(f"Embedding: _weight has shape {table.shape}, expected {shape}")
            self.weight = Parameter(table, requires_grad=not _freeze)

    def reset_parameters(self):
        """Draw the table from N(0, 1) (the padding row, if any, is zero)."""
        init.normal_(self.weight, 0.0, 1.0)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx=None, max_norm=None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False):
        """An Embedding whose table is a copy of `embeddings` (N, D); frozen by default.

        Example:
            >>> emb = Embedding.from_pretrained(np.eye(3, dtype=np.float32))
            >>> emb(np.array([2])).tolist(), emb.weight.requires_grad
            ([[0.0, 0.0, 1.0]], False)
        """
        table = np.array(getattr(embeddings, "data", embeddings))
        if table.ndim != 2 or table.dtype.kind != "f":
            raise ValueError(f"Embedding.from_pretrained: embeddings must be a 2-d float array "
                             f"(num_embeddings, embedding_dim), got shape {table.shape} and dtype "
                             f"{table.dtype}")
        return cls(table.shape[0], table.shape[1], padding_idx, max_norm, norm_type,
                   scale_grad_by_freq, sparse, _weight=table, _freeze=freeze)

    def forward(self, indices):
        try:
            return F.embedding(indices, self.weight, self.padding_idx, self.max_norm,
                               self.norm_type, self.scale_grad_by_freq, self.sparse)
        except (TypeError, IndexError) as error:
            raise type(error)(f"Embedding({self.num_embeddings}, {self.embedding_dim}): "
                              f"{error}") from None

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
