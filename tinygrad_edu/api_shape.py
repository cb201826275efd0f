"""Module-level shape and matrix-product functions named as in `torch` (`torch.flip(x, [0])`
ports as `tinygrad_edu.flip(x, [0])`; indexing and sorting are in api_indexing.py). Each is a
door to the Tensor method of the same name (ops/); a non-Tensor input is made a Tensor first.

    >>> import tinygrad_edu as tg
    >>> tg.flip(tg.tensor([1, 2, 3]), [0]).tolist(), tg.sort(tg.tensor([3.0, 1.0])).indices.tolist()
    ([3, 2, 1], [1, 0])
"""
from .tensor import Tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def reshape(input, shape):
    """The same elements with a new shape. As torch.reshape."""
    return _t(input).reshape(*shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim. As torch.flatten."""
    return _t(input).flatten(start_dim, end_dim)


def transpose(input, dim0, dim1):
    """Swap two dims. As torch.transpose."""
    return _t(input).transpose(dim0, dim1)


def swapaxes(input, axis0, axis1):
    """Swap two dims. As torch.swapaxes."""
    return _t(input).transpose(axis0, axis1)


def swapdims(input, dim0, dim1):
    """Swap two dims. As torch.swapdims."""
    return _t(input).transpose(dim0, dim1)


def t(input):
    """Transpose of a matrix (0-D and 1-D unchanged). As torch.t."""
    return _t(input).t()


def permute(input, dims):
    """Reorder the dims. As torch.permute."""
    return _t(input).permute(*dims)


def squeeze(input, dim=None):
    """Remove dims of size 1. As torch.squeeze."""
    return _t(input).squeeze(dim)


def unsqueeze(input, dim):
    """Insert a dim of size 1. As torch.unsqueeze."""
    return _t(input).unsqueeze(dim)


def flip(input, dims):
    """Reverse the order along dims. As torch.flip."""
    return _t(input).flip(dims)


def fliplr(input):
    """Flip dim 1. As torch.fliplr."""
    return _t(input).fliplr()


def flipud(input):
    """Flip dim 0. As torch.flipud."""
    return _t(input).flipud()


def roll(input, shifts, dims=None):
    """Shift along dims with wrap-around. As torch.roll."""
    return _t(input).roll(shifts, dims)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times. As torch.rot90."""
    return _t(input).rot90(k, dims)


def narrow(input, dim, start, length):
    """length elements from start along dim. As torch.narrow."""
    return _t(input).narrow(dim, start, length)


def select(input, dim, index):
    """The slice at index along dim. As torch.select."""
    return _t(input).select(dim, index)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A diagonal of the (dim1, dim2) planes. As torch.diagonal."""
    return _t(input).diagonal(offset, dim1, dim2)


def diag(input, diagonal=0):
    """Vector to diagonal matrix, or matrix to diagonal. As torch.diag."""
    return _t(input).diag(diagonal)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices with the last dim on a diagonal. As torch.diag_embed."""
    return _t(input).diag_embed(offset, dim1, dim2)


def tril(input, diagonal=0):
    """The lower triangle, zeros above. As torch.tril."""
    return _t(input).tril(diagonal)


def triu(input, diagonal=0):
    """The upper triangle, zeros below. As torch.triu."""
    return _t(input).triu(diagonal)


def tile(input, dims):
    """Repeat dims[i] times along dim i. As torch.tile."""
    return _t(input).tile(*dims)


def unbind(input, dim=0):
    """The slices along dim, as a tuple. As torch.unbind."""
    return _t(input).unbind(dim)


def movedim(input, source, destination):
    """Move dims to new positions. As torch.movedim."""
    return _t(input).movedim(source, destination)


def moveaxis(input, source, destination):
    """Move dims to new positions. As torch.moveaxis."""
    return _t(input).movedim(source, destination)


def broadcast_to(input, size):
    """Expand to size. As torch.broadcast_to."""
    return _t(input).broadcast_to(size)


def unflatten(input, dim, sizes):
    """Split a dim into sizes. As torch.unflatten."""
    return _t(input).unflatten(dim, sizes)


def ravel(input):
    """The elements as a 1-D tensor. As torch.ravel."""
    return _t(input).ravel()


def repeat_interleave(input, repeats, dim=None, *, output_size=None):
    """Repeat each element. As torch.repeat_interleave."""
    return _t(input).repeat_interleave(repeats, dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into parts or at indices. As torch.tensor_split."""
    return _t(input).tensor_split(indices_or_sections, dim)


def split(tensor, split_size_or_sections, dim=0):
    """Cut into pieces of the given size(s). As torch.split."""
    return _t(tensor).split(split_size_or_sections, dim)


def chunk(input, chunks, dim=0):
    """Cut into chunks nearly equal pieces. As torch.chunk."""
    return _t(input).chunk(chunks, dim)


def hsplit(input, sections):
    """tensor_split along dim 1 (0 for 1-D). As torch.hsplit."""
    return _t(input).hsplit(sections)


def vsplit(input, sections):
    """tensor_split along dim 0. As torch.vsplit."""
    return _t(input).vsplit(sections)


def dsplit(input, sections):
    """tensor_split along dim 2. As torch.dsplit."""
    return _t(input).dsplit(sections)


def mm(input, mat2):
    """Matrix product of two matrices. As torch.mm."""
    return _t(input).mm(mat2)


def bmm(input, mat2):
    """Batched matrix product. As torch.bmm."""
    return _t(input).bmm(mat2)


def mv(input, vec):
    """Matrix times vector. As torch.mv."""
    return _t(input).mv(vec)


def outer(input, vec2):
    """Outer product of two vectors. As torch.outer."""
    return _t(input).outer(vec2)


def ger(input, vec2):
    """Outer product of two vectors. As torch.ger."""
    return _t(input).outer(vec2)


def inner(input, other):
    """Sum over the last dims of both. As torch.inner."""
    return _t(input).inner(other)


def vdot(input, other):
    """Dot product of two 1-D tensors. As torch.vdot."""
    return _t(input).vdot(other)


def tensordot(a, b, dims=2):
    """Sum of products over dims. As torch.tensordot."""
    return _t(a).tensordot(b, dims)


def kron(input, other):
    """The Kronecker product. As torch.kron."""
    return _t(input).kron(other)


def cross(input, other, dim=None):
    """Cross product of 3-vectors. As torch.cross."""
    return _t(input).cross(other, dim)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta input + alpha mat1 @ mat2. As torch.addmm."""
    return _t(input).addmm(mat1, mat2, beta=beta, alpha=alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta input + alpha mat @ vec. As torch.addmv."""
    return _t(input).addmv(mat, vec, beta=beta, alpha=alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta input + alpha outer(vec1, vec2). As torch.addr."""
    return _t(input).addr(vec1, vec2, beta=beta, alpha=alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta input + alpha batch1 @ batch2. As torch.baddbmm."""
    return _t(input).baddbmm(batch1, batch2, beta=beta, alpha=alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta input + alpha sum of batch products. As torch.addbmm."""
    return _t(input).addbmm(batch1, batch2, beta=beta, alpha=alpha)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Pairwise p-norm distances between rows. As torch.cdist."""
    return _t(x1).cdist(x2, p, compute_mode)


def chain_matmul(*matrices):
    """The product of matrices, in order. As torch.chain_matmul."""
    return _t(matrices[0]).chain_matmul(*matrices[1:])


def split_with_sizes(input, split_sizes, dim=0):
    """Pieces of the given sizes along dim. As torch.split_with_sizes."""
    return _t(input).split_with_sizes(split_sizes, dim)


def diagflat(input, offset=0):
    """The flattened input on a diagonal of a square matrix. As torch.diagflat."""
    return _t(input).diagflat(offset)


__all__ = [
    "reshape", "flatten", "transpose", "swapaxes", "swapdims", "t", "permute", "squeeze",
    "unsqueeze", "flip", "fliplr", "flipud", "roll", "rot90", "narrow", "select", "diagonal",
    "diag", "diag_embed", "tril", "triu", "tile", "unbind", "movedim", "moveaxis", "broadcast_to",
    "unflatten", "ravel", "repeat_interleave", "tensor_split", "split", "chunk", "hsplit",
    "vsplit", "dsplit", "mm", "bmm", "mv", "outer", "ger", "inner", "vdot", "tensordot", "kron",
    "cross", "addmm", "addmv", "addr", "baddbmm", "addbmm", "cdist", "chain_matmul",
    "split_with_sizes", "diagflat",
]
