"""Hand-written numpy forward + backward of the CNN (W2) and the LSTM (W3) benchmark networks.

Convolution is im2col + one GEMM: `sliding_window_view` gives the patches without a Python loop,
and the input gradient is the adjoint scatter-add over the k*k kernel offsets. Activations are
kept channel-last (NHWC) inside so that the GEMM output needs no transpose. Max pooling is a
reshape to (N, H/2, 2, W/2, 2, C) and a max; its backward routes the gradient through the mask of
maxima (ties only happen between ReLU zeros, whose gradient the ReLU mask zeroes anyway).
The LSTM does the input projection of all time steps in one GEMM and the weight gradients in two
GEMMs after the time loop, so only the recurrent h @ W_hh products run per step.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from bench.numpy_nets import Arrays, softmax_cross_entropy


def conv_forward(x: np.ndarray, weight: np.ndarray,
                 bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Valid (pad 0, stride 1) conv of NHWC `x` with an (O, C, k, k) weight; returns (out, cols)."""
    k = weight.shape[2]
    windows = sliding_window_view(x, (k, k), axis=(1, 2))  # (N, OH, OW, C, k, k)
    n, oh, ow = windows.shape[:3]
    cols = windows.reshape(n * oh * ow, -1)  # (C, kh, kw) order matches weight.reshape(O, -1)
    out = cols @ weight.reshape(weight.shape[0], -1).T
    out += bias
    return out.reshape(n, oh, ow, -1), cols


def conv_backward(dout: np.ndarray, cols: np.ndarray, weight: np.ndarray,
                  in_shape: tuple[int, ...] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dweight, dbias, dx) of `conv_forward`; dx is skipped (None) when in_shape is None."""
    n_out, c_in, k, _ = weight.shape
    d2 = dout.reshape(-1, n_out)
    dweight = (d2.T @ cols).reshape(weight.shape)
    dbias = d2.sum(axis=0)
    if in_shape is None:
        return dweight, dbias, None
    n, oh, ow, _ = dout.shape
    dcols = (d2 @ weight.reshape(n_out, -1)).reshape(n, oh, ow, c_in, k, k)
    dx = np.zeros(in_shape, dtype=dout.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, i:i + oh, j:j + ow, :] += dcols[..., i, j]
    return dweight, dbias, dx


def maxpool2_forward(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pool, stride 2, of NHWC `a` (odd edges dropped); returns (out, windows)."""
    n, h, w, c = a.shape
    ph, pw = h // 2, w // 2
    windows = a[:, :2 * ph, :2 * pw, :].reshape(n, ph, 2, pw, 2, c)
    return windows.max(axis=(2, 4)), windows


def maxpool2_backward(dout: np.ndarray, out: np.ndarray, windows: np.ndarray,
                      in_shape: tuple[int, ...]) -> np.ndarray:
    """Route each pooled gradient to the position(s) of its window's maximum."""
    n, ph, pw, c = out.shape
    mask = windows == out[:, :, None, :, None, :]
    dwin = mask * dout[:, :, None, :, None, :]
    if in_shape[1] == 2 * ph and in_shape[2] == 2 * pw:
        return dwin.reshape(in_shape)
    dx = np.zeros(in_shape, dtype=dout.dtype)
    dx[:, :2 * ph, :2 * pw, :] = dwin.reshape(n, 2 * ph, 2 * pw, c)
    return dx


def cnn(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """W2: conv 1->8, ReLU, pool, conv 8->16, ReLU, pool, flatten (NCHW order), linear, CE."""
    x = data["x"].transpose(0, 2, 3, 1)  # NCHW -> NHWC view
    w1, w2, wf = params["conv1.weight"], params["conv2.weight"], params["fc.weight"]
    a1, cols1 = conv_forward(x, w1, params["conv1.bias"])
    np.maximum(a1, 0, out=a1)
    p1, win1 = maxpool2_forward(a1)
    a2, cols2 = conv_forward(p1, w2, params["conv2.bias"])
    np.maximum(a2, 0, out=a2)
    p2, win2 = maxpool2_forward(a2)
    n = x.shape[0]
    flat = p2.transpose(0, 3, 1, 2).reshape(n, -1)  # PyTorch flattens (C, H, W)
    logits = flat @ wf.T
    logits += params["fc.bias"]
    loss, g = softmax_cross_entropy(logits, data["y"])

    grads: Arrays = {"fc.weight": g.T @ flat, "fc.bias": g.sum(axis=0)}
    dflat = g @ wf
    dp2 = dflat.reshape(n, p2.shape[3], p2.shape[1], p2.shape[2]).transpose(0, 2, 3, 1)
    da2 = maxpool2_backward(dp2, p2, win2, a2.shape)
    np.multiply(da2, a2 > 0, out=da2)
    grads["conv2.weight"], grads["conv2.bias"], dp1 = conv_backward(da2, cols2, w2, p1.shape)
    da1 = maxpool2_backward(dp1, p1, win1, a1.shape)
    np.multiply(da1, a1 > 0, out=da1)
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
    """W3: one LSTM layer (gates i, f, g, o), MSE of a linear readout of the last hidden state."""
    x, target = data["x"], data["target"]
    w_ih, w_hh = params["lstm.weight_ih_l0"], params["lstm.weight_hh_l0"]
    w_fc = params["fc.weight"]
    steps, n, n_in = x.shape
    hid = w_hh.shape[1]
    dtype = w_hh.dtype
    scale, shift = _gate_scales(hid, dtype)

    # Forward: input projection of every step at once, then the recurrence.
    xw = (x.reshape(steps * n, n_in) @ w_ih.T).reshape(steps, n, 4 * hid)
    xw += params["lstm.bias_ih_l0"] + params["lstm.bias_hh_l0"]
    acts = np.empty((steps, n, 4 * hid), dtype=dtype)   # gate activations i, f, g, o
    hs = np.zeros((steps + 1, n, hid), dtype=dtype)     # hs[t] is h before step t
    cs = np.zeros((steps + 1, n, hid), dtype=dtype)
    tanh_c = np.empty((steps, n, hid), dtype=dtype)
    z = np.empty((n, 4 * hid), dtype=dtype)
    for t in range(steps):
        np.matmul(hs[t], w_hh.T, out=z)
        z += xw[t]
        a = acts[t]
        np.multiply(z, scale, out=a)
        np.tanh(a, out=a)
        a *= scale
        a += shift
        c = cs[t + 1]
        np.multiply(a[:, hid:2 * hid], cs[t], out=c)
        c += a[:, :hid] * a[:, 2 * hid:3 * hid]
        np.tanh(c, out=tanh_c[t])
        np.multiply(a[:, 3 * hid:], tanh_c[t], out=hs[t + 1])

    pred = hs[steps] @ w_fc.T
    pred += params["fc.bias"]
    diff = pred - target
    loss = float(np.mean(diff * diff))
    dpred = diff * dtype.type(2.0 / diff.size)

    # Backward through time. Local derivatives of all steps are computed in bulk first.
    squares = acts * acts
    dact = acts - squares                                # sigmoid' = s - s^2 (i, f, o)
    dact[..., 2 * hid:3 * hid] = 1 - squares[..., 2 * hid:3 * hid]  # tanh' = 1 - g^2
    dh_to_dc = acts[..., 3 * hid:] * (1 - tanh_c * tanh_c)  # dh/dc = o * tanh'(c)
    dz = np.empty_like(acts)
    dh = dpred @ w_fc
    dc = np.zeros((n, hid), dtype=dtype)
    for t in range(steps - 1, -1, -1):
        a, d = acts[t], dz[t]
        np.multiply(dh, tanh_c[t], out=d[:, 3 * hid:])        # do
        dc += dh * dh_to_dc[t]
        np.multiply(dc, a[:, 2 * hid:3 * hid], out=d[:, :hid])       # di
        np.multiply(dc, cs[t], out=d[:, hid:2 * hid])                # df
        np.multiply(dc, a[:, :hid], out=d[:, 2 * hid:3 * hid])       # dg
        d *= dact[t]
        dc *= a[:, hid:2 * hid]
        if t > 0:
            dh = d @ w_hh

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
