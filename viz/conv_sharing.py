"""The numbers of a convolution's weight sharing: one kernel-gradient term per output position.

Why by hand: a kernel weight w[o, c, u, v] touches every output position, so the chain rule
adds one term per position: dL/dw[o, c] = sum_(i,j) dL/dy[o, i, j] * (the input patch under the
kernel at (i, j)). And the input gradient is the upstream gradient correlated with the kernel
rotated by 180 degrees (after spreading it out by the stride and padding it by k - 1). Both are
computed here with explicit numpy loops and set against what autograd gives, so a picture
can show the terms and prove that they add up.
"""
from dataclasses import dataclass

import numpy as np

from tinygrad_edu import Tensor


@dataclass
class ConvSharing:
    """One image through one convolution, its gradients by autograd and by the two sums.

    x (C, H, W), padded (C, H + 2p, W + 2p), weight (O, C, kh, kw), y and upstream (O, oh, ow),
    terms (O, C, oh, ow, kh, kw): the term of each output position in dL/dw; kernel_sum is their
    sum over positions, input_rot180 the input gradient through the rotated kernel;
    kernel_autograd and input_autograd what backward gives.
    """
    x: np.ndarray
    padded: np.ndarray
    weight: np.ndarray
    y: np.ndarray
    upstream: np.ndarray
    stride: tuple
    padding: tuple
    terms: np.ndarray
    kernel_sum: np.ndarray
    kernel_autograd: np.ndarray
    input_rot180: np.ndarray
    input_autograd: np.ndarray
    spread: np.ndarray            # the upstream gradient spread by the stride and padded by k-1
    loss: float


def _conv_settings(conv, caller):
    """(stride, padding) pairs of a Conv2d we can draw, or a clear error."""
    if type(conv).__name__ != "Conv2d":
        raise TypeError(f"{caller}: expected an nn.Conv2d, got {type(conv).__name__}")
    if conv.groups != 1 or tuple(conv.dilation) != (1, 1):
        raise ValueError(f"{caller}: draws convolutions with groups=1 and dilation=1, got "
                         f"groups={conv.groups}, dilation={tuple(conv.dilation)}")
    kh, kw = conv.kernel_size
    padding = conv.padding
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError(f"{caller}: padding='same' with an even kernel {conv.kernel_size} pads "
                             f"unevenly; give the padding as numbers")
        padding = ((kh - 1) // 2, (kw - 1) // 2)
    return tuple(conv.stride), tuple(padding)


def _image(x, conv, caller):
    """x as one float64 image (C, H, W), from (1, C, H, W), (C, H, W) or (H, W) when C = 1."""
    array = np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    elif array.ndim == 2 and conv.in_channels == 1:
        array = array[None]
    if array.ndim != 3 or array.shape[0] != conv.in_channels:
        raise ValueError(f"{caller}: x must be one image (1, C, H, W), (C, H, W) or (H, W) with "
                         f"C = in_channels = {conv.in_channels}, got shape {np.shape(array)}; "
                         f"draw one image of a batch with x[:1]")
    return array


def conv_sharing(conv, x, loss_fn=None, caller="viz.draw_weight_sharing") -> ConvSharing:
    """Run `conv` on one image, backprop `loss_fn(y)` (default: 1/2 sum y^2), compute the sums.

    The module is not touched: a copy of its weight and bias takes the gradient.
    """
    stride, padding = _conv_settings(conv, caller)
    image = _image(x, conv, caller)
    weight = conv.weight.data.astype(np.float64)
    kh, kw = weight.shape[2:]
    if image.shape[1] + 2 * padding[0] < kh or image.shape[2] + 2 * padding[1] < kw:
        raise ValueError(f"{caller}: the image {image.shape[1:]} (padding {padding}) is smaller "
                         f"than the kernel {(kh, kw)}")
    xt = Tensor(image[None], requires_grad=True)
    wt = Tensor(weight.copy(), requires_grad=True)
    bt = None if conv.bias is None else Tensor(conv.bias.data.astype(np.float64))
    y = xt.conv2d(wt, bt, stride=stride, padding=padding)
    y.retain_grad()
    loss = (y * y).sum() * 0.5 if loss_fn is None else loss_fn(y)
    if not isinstance(loss, Tensor) or loss.data.size != 1:
        raise ValueError(f"{caller}: loss_fn must return a scalar Tensor, e.g. y.sum(), got "
                         f"{getattr(loss, 'shape', type(loss).__name__)}")
    loss.backward()
    g = y.grad.data[0]
    padded = np.pad(image, ((0, 0), (padding[0],) * 2, (padding[1],) * 2))
    O, C = weight.shape[:2]
    oh, ow = g.shape[1:]
    terms = np.zeros((O, C, oh, ow, kh, kw))
    for i in range(oh):
        for j in range(ow):
            patch = padded[:, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            terms[:, :, i, j] = g[:, i, j, None, None, None] * patch[None]
    spread, input_rot180 = _input_gradient(g, weight, stride, padding, image.shape)
    return ConvSharing(image, padded, weight, y.data[0], g, stride, padding, terms,
                       terms.sum(axis=(2, 3)), wt.grad.data, input_rot180, xt.grad.data[0],
                       spread, float(loss.data))


def _input_gradient(g, weight, stride, padding, shape):
    """dL/dx as the correlation of the spread, (k-1)-padded upstream with the rot180 kernel."""
    O, C, kh, kw = weight.shape
    oh, ow = g.shape[1:]
    spread = np.zeros((O, (oh - 1) * stride[0] + 1, (ow - 1) * stride[1] + 1))
    spread[:, ::stride[0], ::stride[1]] = g
    spread = np.pad(spread, ((0, 0), (kh - 1,) * 2, (kw - 1,) * 2))
    rotated = weight[:, :, ::-1, ::-1]
    full_h, full_w = spread.shape[1] - kh + 1, spread.shape[2] - kw + 1
    full = np.zeros((C, full_h, full_w))
    for c in range(C):
        for p in range(full_h):
            for q in range(full_w):
                full[c, p, q] = np.sum(spread[:, p:p + kh, q:q + kw] * rotated[:, c])
    H, W = shape[1:]
    padded = np.zeros((C, H + 2 * padding[0], W + 2 * padding[1]))
    padded[:, :full_h, :full_w] = full          # rows the stride never reached stay 0
    return spread, padded[:, padding[0]:padding[0] + H, padding[1]:padding[1] + W]
