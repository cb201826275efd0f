"""Hand-written numpy forward + backward of the CNN (W2) and the LSTM (W3) benchmark networks.

Convolution is im2col + one GEMM: `sliding_window_view` gives the patches without a Python loop,
and the input gradient is the adjoint scatter-add over the k*k kernel offsets. Inside the network
activations are kept channel-major, (C, N, H, W): the GEMM
`weight (O, C*k*k) @ cols (C*k*k, N*H*W)` then lands directly in that layout, and the patch copy
moves whole image rows (measured 2-6x faster than NHWC patches for one input channel). Max
pooling is a reshape to (C, N, H/2, 2, W/2, 2) and three elementwise maxima; its backward,
fused with the ReLU before it, sends each gradient to its window's maximum when that maximum is
positive (positive ties, which random data never produces, would each get the gradient; ReLU
zeros get none, as in PyTorch).
Large buffers that are dead are reused with `out=`: on this machine a fresh multi-100 kB array
costs page faults that are as expensive as the arithmetic.
The LSTM does the input projection of all time steps in one GEMM and the weight gradients in two
GEMMs after the time loop, so only the recurrent h @ W_hh products run per step.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tinygrad_edu.bench.numpy_nets import Arrays, softmax_cross_entropy


def conv_forward(x: np.ndarray, weight: np.ndarray,
                 bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Valid (pad 0, stride 1) conv of (C, N, H, W) `x` with an (O, C, k, k) weight.

    Returns the output (O, N, OH, OW) and the patch matrix `cols` (C*k*k, N*OH*OW) for backward.
    """
    c, n, h, w = x.shape
    n_out, _, k, _ = weight.shape
    oh, ow = h - k + 1, w - k + 1
    windows = sliding_window_view(x, (k, k), axis=(2, 3))  # (C, N, OH, OW, k, k)
    cols = windows.transpose(0, 4, 5, 1, 2, 3).reshape(c * k * k, n * oh * ow)
    out = weight.reshape(n_out, -1) @ cols
    out += bias[:, None]
    return out.reshape(n_out, n, oh, ow), cols


def conv_backward(dout: np.ndarray, cols: np.ndarray, weight: np.ndarray,
                  in_shape: tuple[int, ...] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dweight, dbias, dx) of `conv_forward`; dx is skipped (None) when in_shape is None.

    Overwrites `cols` when dx is computed.
    """
    n_out, c_in, k, _ = weight.shape
    d2 = dout.reshape(n_out, -1)
    dweight = (d2 @ cols.T).reshape(weight.shape)
    dbias = d2.sum(axis=1)
    if in_shape is None:
        return dweight, dbias, None
    _, n, oh, ow = dout.shape
    # cols is dead after dweight: reuse its buffer for dcols (a fresh one costs page faults).
    dcols = np.matmul(weight.reshape(n_out, -1).T, d2, out=cols).reshape(c_in, k, k, n, oh, ow)
    dx = np.zeros(in_shape, dtype=dout.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + oh, j:j + ow] += dcols[:, i, j]
    return dweight, dbias, dx


def maxpool2_forward(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pool, stride 2, of (C, N, H, W) `a` (odd edges dropped); returns (out, windows)."""
    c, n, h, w = a.shape
    ph, pw = h // 2, w // 2
    windows = a[:, :, :2 * ph, :2 * pw].reshape(c, n, ph, 2, pw, 2)
    out = np.maximum(windows[:, :, :, 0, :, 0], windows[:, :, :, 0, :, 1])
    np.maximum(out, windows[:, :, :, 1, :, 0], out=out)
    np.maximum(out, windows[:, :, :, 1, :, 1], out=out)
    return out, windows


def relu_maxpool2_backward(dout: np.ndarray, out: np.ndarray, windows: np.ndarray,
                           in_shape: tuple[int, ...]) -> np.ndarray:
    """Backward of maxpool2(relu(a)): route each gradient to its window's maximum if positive.

    A position gets gradient only if it holds its window's max and that max passed the ReLU,
    which is the pool mask and the ReLU mask in one pass. Writes into `windows` (the buffer of
    the forward activation, which is dead by now) to avoid a fresh large array.
    """
    c, n, ph, pw = out.shape
    dout = np.where(out > 0, dout, 0)
    for i in range(2):
        for j in range(2):
            window = windows[:, :, :, i, :, j]
            np.multiply(window == out, dout, out=window)
    if in_shape[2] == 2 * ph and in_shape[3] == 2 * pw:
        return windows.reshape(in_shape)
    dx = np.zeros(in_shape, dtype=dout.dtype)
    dx[:, :, :2 * ph, :2 * pw] = windows.reshape(c, n, 2 * ph, 2 * pw)
    return dx


def cnn(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """W2: conv 1->8, ReLU, pool, conv 8->16, ReLU, pool, flatten (NCHW order), linear, CE."""
    x = data["x"].transpose(1, 0, 2, 3)  # NCHW -> CNHW view
    w1, w2, wf = params["conv1.weight"], params["conv2.weight"], params["fc.weight"]
    a1, cols1 = conv_forward(x, w1, params["conv1.bias"])
    np.maximum(a1, 0, out=a1)
    p1, win1 = maxpool2_forward(a1)
    a2, cols2 = conv_forward(p1, w2, params["conv2.bias"])
    np.maximum(a2, 0, out=a2)
    p2, win2 = maxpool2_forward(a2)
    n = x.shape[1]
    flat = p2.transpose(1, 0, 2, 3).reshape(n, -1)  # PyTorch flattens (C, H, W) per sample
    logits = flat @ wf.T
    logits += params["fc.bias"]
    loss, g = softmax_cross_entropy(logits, data["y"])

    grads: Arrays = {"fc.weight": g.T @ flat, "fc.bias": g.sum(axis=0)}
    dflat = g @ wf
    dp2 = dflat.reshape(n, p2.shape[0], p2.shape[2], p2.shape[3]).transpose(1, 0, 2, 3)
    da2 = relu_maxpool2_backward(dp2, p2, win2, a2.shape)
    grads["conv2.weight"], grads["conv2.bias"], dp1 = conv_backward(da2, cols2, w2, p1.shape)
    da1 = relu_maxpool2_backward(dp1, p1, win1, a1.shape)
    grads["conv1.weight"], grads["conv1.bias"], _ = conv_backward(da1, cols1, w1, None)
    return loss, grads


def _gate_scales(hidden: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Vectors (scale, shift) with sigmoid(z) = 0.5 * tanh(z / 2) + 0.5 on gates i, f, o.

    One tanh call then gives all four gates (g keeps scale 1, shift 0), and the tanh form of the
    sigmoid cannot overflow the way 1 / (1 + exp(-z)) does in float32.
    """
    scale = np.full(4 * hidden, 0.5, dtype=dtype)
    scale[2 * hidden:3 * hidden] = 1.0
    shift = np.full(4 * hidden, 0.5, dtype=dtype)
    shift[2 * hidden:3 * hidden] = 0.0
    return scale, shift


def lstm(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """W3: one LSTM layer (gates i, f, g, o), MSE of a linear readout of the last hidden state.

    Large (T, N, 4H) buffers are reused in place (the input projection becomes the gate
    activations, the activation derivatives become dz): fresh large arrays cost page faults.
    """
    x, target = data["x"], data["target"]
    w_ih, w_hh = params["lstm.weight_ih_l0"], params["lstm.weight_hh_l0"]
    w_fc = params["fc.weight"]
    steps, n, n_in = x.shape
    hid = w_hh.shape[1]
    dtype = w_hh.dtype
    scale, shift = _gate_scales(hid, dtype)
    sig_i_f, tanh_g, sig_o = slice(0, 2 * hid), slice(2 * hid, 3 * hid), slice(3 * hid, None)

    # Forward: input projection of every step at once, then the recurrence.
    acts = (x.reshape(steps * n, n_in) @ w_ih.T).reshape(steps, n, 4 * hid)
    acts += params["lstm.bias_ih_l0"] + params["lstm.bias_hh_l0"]  # becomes gate activations
    hs = np.zeros((steps + 1, n, hid), dtype=dtype)     # hs[t] is h before step t
    cs = np.zeros((steps + 1, n, hid), dtype=dtype)
    tanh_c = np.empty((steps, n, hid), dtype=dtype)
    w_hh_t = np.ascontiguousarray(w_hh.T)  # OpenBLAS: 2x faster here than the transposed view
    for t in range(steps):
        a = acts[t]
        a += hs[t] @ w_hh_t
        a *= scale
        np.tanh(a, out=a)
        a *= scale
        a += shift
        c = cs[t + 1]
        np.multiply(a[:, hid:2 * hid], cs[t], out=c)
        c += a[:, :hid] * a[:, tanh_g]
        np.tanh(c, out=tanh_c[t])
        np.multiply(a[:, sig_o], tanh_c[t], out=hs[t + 1])

    pred = hs[steps] @ w_fc.T
    pred += params["fc.bias"]
    diff = pred - target
    loss = float(np.mean(diff * diff))
    dpred = diff * dtype.type(2.0 / diff.size)

    # Backward through time. Local derivatives of all steps are computed in bulk first;
    # their buffer then receives dz = dL/d(pre-activation) step by step.
    dz = acts * acts
    np.subtract(acts[..., sig_i_f], dz[..., sig_i_f], out=dz[..., sig_i_f])  # s' = s - s^2
    np.subtract(acts[..., sig_o], dz[..., sig_o], out=dz[..., sig_o])
    np.subtract(1, dz[..., tanh_g], out=dz[..., tanh_g])                     # tanh' = 1 - g^2
    dh_to_dc = tanh_c * tanh_c
    np.subtract(1, dh_to_dc, out=dh_to_dc)
    dh_to_dc *= acts[..., sig_o]                                             # o * tanh'(c)
    d = np.empty((n, 4 * hid), dtype=dtype)
    dh = dpred @ w_fc
    dc = np.zeros((n, hid), dtype=dtype)
    for t in range(steps - 1, -1, -1):
        a = acts[t]
        np.multiply(dh, tanh_c[t], out=d[:, sig_o])                # do
        dc += dh * dh_to_dc[t]
        np.multiply(dc, a[:, tanh_g], out=d[:, :hid])              # di
        np.multiply(dc, cs[t], out=d[:, hid:2 * hid])              # df
        np.multiply(dc, a[:, :hid], out=d[:, tanh_g])              # dg
        dz[t] *= d
        dc *= a[:, hid:2 * hid]
        if t > 0:
            dh = dz[t] @ w_hh

    dz2 = dz.reshape(steps * n, 4 * hid)
    dbias = dz2.sum(axis=0)
    grads: Arrays = {
        "lstm.weight_ih_l0": dz2.T @ x.reshape(steps * n, n_in),
        "lstm.weight_hh_l0": dz2.T @ hs[:steps].reshape(steps * n, hid),
        "lstm.bias_ih_l0": dbias,
        "lstm.bias_hh_l0": dbias.copy(),
        "fc.weight": dpred.T @ hs[steps],
        "fc.bias": dpred.sum(axis=0),
    }
    return loss, grads
