"""Lesson: a shared weight's gradient is the sum over its uses: BPTT and convolution kernels.

The course notes: convolution, ch. 4 ("weight sharing": a kernel weight is re-used for every unit
of the layer, so its derivative is an additive combination), and recurrent networks, sec. 7.2
(backprop through time, "notice weight sharing"). When one weight is used in many places, the
chain rule adds the contributions of every use. Two places where this is the whole story:

* Backprop through time. For h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) and an additive
  loss R = sum_t 1/2 ||h_t - y_t||^2, write s_t = 1 - h_t^2 (tanh') and
  delta_t = dR/dh_t = (h_t - y_t) + W_hh^T (s_(t+1) * delta_(t+1)) (the total derivative, through
  all later steps); then dR/dW_hh = sum_t (s_t * delta_t) h_(t-1)^T and
  dR/dW_ih = sum_t (s_t * delta_t) x_t^T, the notes' sums over time. The lesson runs this
  recursion in numpy and compares with the gradients `nn.RNN` gets by autograd.
* Convolution. The engine's conv2d is a cross-correlation (as PyTorch's):
  y[o, i, j] = sum_(c,u,v) w[o, c, u, v] x[c, i+u, j+v]. Each kernel weight touches every output
  position, so dL/dw[o, c, u, v] = sum_(i,j) dL/dy[o, i, j] x[c, i+u, j+v] (a cross-correlation
  of the input with the output gradient), and the input gradient is the "full" convolution of
  dL/dy with the kernel, i.e. a cross-correlation with the kernel rotated by 180 degrees.

Convention note: the course notes write the layer as a true convolution (y_(i-s, j-t) w_(s,t)),
so their formula has rot180 on the input; for the cross-correlation used by the engine (and
PyTorch) the rotation moves to the kernel in the input gradient, as written above and checked here.

Figures: `weight_sharing_bptt.svg` (the RNN unrolled over its first steps, each weight drawn once
with what every step sends it and the sum, `viz.draw_recurrent`) and `weight_sharing_conv.png`
(one kernel's gradient as the sum of its per-position terms and the rot180 input gradient, on a
5x5 corner of the image, `viz.draw_weight_sharing`).
"""
import numpy as np

from tinygrad_edu import Tensor, manual_seed, nn
from ._common import all_hold, figure_path


def rnn_bptt(W_ih, W_hh, b, xs, ys):
    """The BPTT recursion by hand for a one-layer tanh RNN (h_0 = 0); returns (dW_ih, dW_hh)."""
    hs = [np.zeros(W_hh.shape[0])]
    for x in xs:
        hs.append(np.tanh(W_ih @ x + W_hh @ hs[-1] + b))
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    carried = np.zeros(W_hh.shape[0])                       # W_hh^T (s_(t+1) * delta_(t+1))
    for t in range(len(xs), 0, -1):
        delta = hs[t] - ys[t - 1] + carried                 # dR/dh_t, all later steps included
        local = (1 - hs[t] ** 2) * delta                    # s_t * delta_t
        dW_hh += np.outer(local, hs[t - 1])
        dW_ih += np.outer(local, xs[t - 1])
        carried = W_hh.T @ local
    return dW_ih, dW_hh


def conv_grads_by_loops(x, w, g):
    """dL/dw and dL/dx of L = sum(g * conv2d(x, w)) (one image, no padding), by explicit sums."""
    C, H, W = x.shape
    O, _, k, _ = w.shape
    out_h, out_w = H - k + 1, W - k + 1
    dw, dx = np.zeros_like(w), np.zeros_like(x)
    for o in range(O):
        for i in range(out_h):
            for j in range(out_w):
                dw[o] += g[o, i, j] * x[:, i:i + k, j:j + k]        # every position adds (sharing)
                dx[:, i:i + k, j:j + k] += g[o, i, j] * w[o]
    return dw, dx


def full_correlation_with_rot180(g, w):
    """dL/dx as the cross-correlation of the zero-padded dL/dy with the kernel rotated by 180."""
    O, C, k, _ = w.shape
    padded = np.pad(g, ((0, 0), (k - 1, k - 1), (k - 1, k - 1)))
    flipped = w[:, :, ::-1, ::-1]
    H, W = g.shape[1] + k - 1, g.shape[2] + k - 1
    dx = np.zeros((C, H, W))
    for c in range(C):
        for p in range(H):
            for q in range(W):
                dx[c, p, q] = np.sum(padded[:, p:p + k, q:q + k] * flipped[:, c])
    return dx


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """BPTT by hand vs nn.RNN's autograd; conv kernel and input gradients by hand vs conv2d.

    Example:
        >>> run(quick=True)["checks"]["BPTT sums = nn.RNN's gradients"]
        True
    """
    manual_seed(seed)                      # the RNN's initial weights: same seed, same numbers
    rng = np.random.default_rng(seed)
    T = 6 if quick else 30
    rnn = nn.RNN(3, 5, dtype=np.float64)
    xs, ys = rng.normal(size=(T, 3)), rng.normal(size=(T, 5))
    output, _ = rnn(Tensor(xs[:, None, :]))
    (((output - Tensor(ys[:, None, :])) ** 2).sum() * 0.5).backward()
    dW_ih, dW_hh = rnn_bptt(rnn.weight_ih_l0.data, rnn.weight_hh_l0.data,
                            rnn.bias_ih_l0.data + rnn.bias_hh_l0.data, xs, ys)
    bptt_err = max(float(np.max(np.abs(dW_ih - rnn.weight_ih_l0.grad.data))),
                   float(np.max(np.abs(dW_hh - rnn.weight_hh_l0.grad.data))))
    size = 6 if quick else 10
    x = Tensor(rng.normal(size=(1, 2, size, size)), requires_grad=True)
    w = Tensor(rng.normal(size=(3, 2, 3, 3)), requires_grad=True)
    g = rng.normal(size=(3, size - 2, size - 2))
    (x.conv2d(w) * Tensor(g[None])).sum().backward()
    dw, dx = conv_grads_by_loops(x.data[0], w.data, g)
    conv_err = max(float(np.max(np.abs(dw - w.grad.data))),
                   float(np.max(np.abs(dx - x.grad.data[0]))))
    rot_err = float(np.max(np.abs(full_correlation_with_rot180(g, w.data) - x.grad.data[0])))
    print(f"  RNN, T = {T}: max |BPTT by hand - autograd| = {bptt_err:.1e}")
    print(f"  conv2d {size}x{size}, 3x3 kernels: max |sum over positions - autograd| = {conv_err:.1e}; "
          f"input gradient via rot180 kernel: {rot_err:.1e}")
    checks = {"BPTT sums = nn.RNN's gradients": bptt_err < 1e-10,
              "kernel gradient = sum over output positions": conv_err < 1e-10,
              "input gradient = full correlation with the rot180 kernel": rot_err < 1e-10}
    figures = _figures(out_dir, rnn, xs, ys, x.data[0], w.data, g)
    return {"bptt_error": bptt_err, "conv_error": conv_err, "rot180_error": rot_err,
            "checks": checks, "ok": all_hold(checks), "figures": figures}


def _figures(out_dir, rnn, xs, ys, x, w, g, steps=4):
    """The two pictures of the claim: BPTT's sum over steps and the kernel's sum over positions."""
    if out_dir is None:
        return []
    from tinygrad_edu import viz
    targets = Tensor(ys[:steps, None, :])

    def bptt_loss(output):                   # the lesson's loss, on the first `steps` steps
        return ((output - targets) ** 2).sum() * 0.5
    bptt = viz.render(viz.draw_recurrent(rnn, xs[:steps, None, :], loss_fn=bptt_loss),
                      figure_path(out_dir, "weight_sharing_bptt.svg"))
    conv = nn.Conv2d(x.shape[0], w.shape[0], w.shape[2], bias=False, dtype=np.float64)
    conv.weight.data[...] = w
    corner = Tensor(g[None, :, :3, :3])      # dL/dy on the 3x3 outputs of a 5x5 corner

    def conv_loss(y):
        return (y * corner).sum()
    figure = viz.draw_weight_sharing(conv, x[:, :5, :5], loss_fn=conv_loss)
    conv_path = viz.render(figure, figure_path(out_dir, "weight_sharing_conv.png"))
    return [bptt, conv_path]
