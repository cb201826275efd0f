"""`nn.functional`: PyTorch's F.* names, gathered from their files by family, and the
functional forms of the layers with state (BatchNorm, Embedding) and of dropout.

The layers call these functions, which also let gradcheck treat their weights as plain
inputs. Families: activations (`functional_act*.py`), losses (`functional_loss*.py`),
convolution (`functional_conv.py`), pooling (`functional_pool.py`), normalisation and
distances (`functional_norm.py`), resampling and padding (`functional_shape.py`).
"""
import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import describe, require_tensor
# PyTorch's F.* names defined in their own files (activations, linear, one_hot, layer_norm;
# conv2d with groups / 'same', max_pool2d with ceil_mode)
from .functional_act import (relu, leaky_relu, elu, tanh, sigmoid, softplus, silu, erf, gelu,  # noqa: F401
                             softmax, log_softmax, linear, one_hot, layer_norm)
from .functional_act_piecewise import (hardtanh, relu6, hardsigmoid, hardswish,  # noqa: F401
                                       threshold, softshrink, hardshrink)
from .functional_act_smooth import (selu, celu, mish, logsigmoid, softsign, tanhshrink,  # noqa: F401
                                    glu, prelu, softmin)
from .functional_loss import (mse_loss, l1_loss, nll_loss, cross_entropy,  # noqa: F401
                              binary_cross_entropy, binary_cross_entropy_with_logits, hinge_loss)
from .functional_loss_regression import (smooth_l1_loss, huber_loss, kl_div,  # noqa: F401
                                         poisson_nll_loss, gaussian_nll_loss)
from .functional_loss_margin import (margin_ranking_loss, soft_margin_loss,  # noqa: F401
                                     hinge_embedding_loss, cosine_embedding_loss,
                                     multi_margin_loss, multilabel_margin_loss,
                                     multilabel_soft_margin_loss, triplet_margin_loss,
                                     triplet_margin_with_distance_loss,
                                     pairwise_distance, pdist, cosine_similarity)
from .functional_norm import (group_norm, instance_norm, rms_norm, normalize,  # noqa: F401
                              local_response_norm)
from .functional_dropout import dropout, dropout1d, dropout2d, dropout3d  # noqa: F401
from .functional_attention import scaled_dot_product_attention  # noqa: F401
from .functional_shape import (pad, interpolate, upsample, upsample_nearest,  # noqa: F401
                               upsample_bilinear, pixel_shuffle, pixel_unshuffle, unfold, fold,
                               bilinear)
from .functional_conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d  # noqa: F401
from .functional_pool import (max_pool1d, max_pool2d, avg_pool1d, avg_pool2d,  # noqa: F401
                              adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d,
                              adaptive_max_pool2d, lp_pool1d, lp_pool2d)
from .functional_unpool import max_unpool1d, max_unpool2d  # noqa: F401

# ---------------------------------------------------------------- layers with state


def batch_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    """Batch normalisation over every dim except the channels (dim 1), as PyTorch's F.batch_norm.

    With `training` (or without running statistics) each channel is normalised with the
    batch mean and the biased batch variance, and the running statistics, when given,
    are moved towards the batch ones in place: r <- (1 - momentum) r + momentum b, with
    the unbiased variance (n / (n - 1)) for running_var. Otherwise the running
    statistics are used. Built from Tensor ops: the gradient flows through the batch
    mean and variance too.

    Example:
        >>> x = Tensor([[1.0], [3.0]])
        >>> batch_norm(x, training=True, eps=0.0).tolist()
        [[-1.0], [1.0]]
    """
    require_tensor("batch_norm", "input", input, Tensor)
    stats = (running_mean, running_var, weight, bias)
    if input.ndim == 1 and input.shape == (0,) and all(getattr(t, "shape", (0,)) == (0,) for t in stats):
        return input * 1.0              # PyTorch counts 0 channels here: empty in, empty out
    if input.ndim < 2:
        raise ValueError(f"batch_norm: input needs a batch and a channel dim (N, C, ...), got "
                         f"shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and getattr(t, "shape", None) != (channels,):   # before any update
            raise ValueError(f"batch_norm: {name} must be a Tensor of shape ({channels},), one "
                             f"value per channel of the input {input.shape}, got {describe(t)}")
    axes = (0,) + tuple(range(2, input.ndim))
    stat_shape = (1, channels) + (1,) * (input.ndim - 2)
    use_batch = training or running_mean is None or running_var is None
    if input.data.size == 0:            # an empty batch: nothing to normalise, stats unchanged
        return input * 1.0
    if use_batch:
        count = input.data.size // channels
        if training and count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {input.shape}; use a batch of 2 or more, or "
                             f"call .eval() on the module")
        mean = input.mean(axis=axes, keepdims=True)
        centred = input - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)     # biased, as in the forward
        if training and running_mean is not None and running_var is not None:
            unbiased = var.data.reshape(channels) * (count / max(count - 1, 1))
            running_mean.data[...] = ((1 - momentum) * running_mean.data
                                      + momentum * mean.data.reshape(channels))
            running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased
    else:
        mean = Tensor._make(running_mean.data.reshape(stat_shape), None)
        var = Tensor._make(running_var.data.reshape(stat_shape), None)
        centred = input - mean
    # seed 002, batch normalisation: x~ = (x - mu) / sqrt(delta + sigma^2), then alpha x~ + beta
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(*stat_shape)
    if bias is not None:
        out = out + bias.reshape(*stat_shape)
    return out


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False):
    """Rows of `weight` picked by integer indices of any shape: output shape input.shape + (D,).

    A lookup is indexing, so the gradient of a row is the sum of the output gradients of
    every position that picked it (repeated indices accumulate). The row `padding_idx`
    gets no gradient. As PyTorch: `max_norm` first rescales, in place, every looked-up row
    whose `norm_type`-norm exceeds it; `scale_grad_by_freq` divides a row's gradient by how
    often it was looked up in this call.

    Example:
        >>> table = Tensor([[0.0, 0.0], [1.0, 2.0]])
        >>> embedding(np.array([[1, 1, 0]]), table).shape
        (1, 3, 2)
    """
    check_embedding_options("embedding", max_norm, sparse)
    index = np.asarray(getattr(input, "data", input))
    if index.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {index.dtype}; convert "
                        f"with .astype(np.int64)")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be a 2-D table (num_embeddings, embedding_dim), "
                         f"got shape {weight.shape}")
    rows = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= rows):
        bad = index[(index < 0) | (index >= rows)].flat[0]
        raise IndexError(f"embedding: index {int(bad)} is out of range for a table of {rows} rows "
                         f"(shape {weight.shape}); valid indices are 0..{rows - 1}")
    if max_norm is not None:
        _renorm_rows(weight, np.unique(index), max_norm, norm_type)
    out = weight[index]
    if padding_idx is not None:
        keep = (index != padding_idx)[..., None]
        out = Tensor.where(keep, out, out.detach())     # same values, no gradient to padding
    if scale_grad_by_freq and out.requires_grad:
        counts = np.bincount(index.reshape(-1), minlength=rows)
        factor = Tensor((1.0 / counts[index])[..., None].astype(out.dtype))
        out = out.detach() + (out - out.detach()) * factor     # value unchanged, gradient / count
    return out


def check_embedding_options(op, max_norm, sparse):
    """The options of embedding that have no counterpart here are refused with the reason."""
    if sparse:
        raise ValueError(f"{op}: sparse=True asks for a sparse gradient, and tinygrad_edu's "
                         f"gradients are dense numpy arrays; use sparse=False (the default)")
    if max_norm is not None and not max_norm > 0:
        raise ValueError(f"{op}: max_norm must be positive (or None), got {max_norm!r}")


def _renorm_rows(weight, rows, max_norm, norm_type):
    """PyTorch's embedding_renorm_: rows longer than max_norm are scaled to max_norm, in place
    and outside the graph (as an optimiser step is)."""
    table = weight.data
    norms = np.linalg.norm(table[rows], ord=norm_type, axis=1)
    long = norms > max_norm
    table[rows[long]] *= (max_norm / (norms[long] + 1e-7))[:, None].astype(table.dtype)
