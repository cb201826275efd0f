"""Relative natural gradient descent (RNGD), Sun & Nielsen (2016), eqs. 30-33.

Each neuron l of a layer y = f(W x~) gets its own metric block, the relative Fisher
information of its weights w_l = (weight[l], bias[l]) given the layer's input (eq. 23):
    G_l <- lam G_l + (1 - lam) (mean_i nu_f(w_l, x_i) x~_i x~_i^T + damping I)   (eq. 32)
    w_l <- w_l - lr G_l^{-1} dE/dw_l                                            (eq. 33)
with G_l^{-1} recomputed on the first step and then every T steps, and the moving average
bias-corrected (as Adam's moments) so that G_l is the first batch's metric at step 1. Layers
that are not followed by an activation (the softmax/logit layer) and, as in the paper, the
input layer use the linear layer's RFIM, one block x~x~^T/sigma^2 shared by all neurons
(eq. 22). The damping is the paper's eps tr(G)/D (Sec. 5.1).

RNGD sees the layers through forward hooks: every nn.Linear records its input and output (the
pre-activation t = w^T x~ that nu_f needs), and an activation module whose input is a Linear's
output marks that Linear with its nu_f. So any model built from nn.Linear and activation modules
(e.g. nn.MLP) works, with no special model class. Parameters outside Linear layers get a plain
(momentum) gradient step.

What a step costs (the paper's MNIST net 784-64-64-64-10, batch N = 64; flops = 2 x
multiply-adds, symmetric products counted once, D = fan-in + 1): the SGD step's matmuls 16 M;
the input layer's x~^T x~ (eq. 22) 39 M and its preconditioning grad @ G^{-1} 79 M; the two
hidden layers' per-neuron statistics (eq. 31) 18 M each; the rest about 2 M; so 172 M per step,
10x SGD's, plus 5 M per step for the inverses refreshed every T = 100 steps. The
preconditioning has no cheaper exact form: grad = Delta^T x~/N, so G^{-1} grad costs
min(out, N) D^2 multiply-adds whichever way it is associated. `bench/rngd_floor.py` turns these
flops into a time floor with numpy's measured GEMM speed, and the benchmark reports RNGD's step
against it. The arithmetic lives in `fisher/rngd_blocks.py`: float32 when the model is float32
(inverses in float64), the statistics as BLAS syrk (shared block, with the moving average in
the same pass when scipy is installed) and as one GEMM over packed upper halves (per-neuron
blocks, `fisher/packed.py`), arrays reused from step to step. `stats_every=k` (off by
default) skips the statistics on all but every k-th batch.
"""
from __future__ import annotations

import numpy as np

from tinygrad_edu import is_grad_enabled
from .fisher.closed_form import augment, nu
from .fisher.rngd_blocks import LayerBlocks
from .optimizer import Optimizer, check_in_unit_interval, check_nonnegative


def _activation_spec(module, omega: float | None, sigma: float):
    """(name, options) of nu_f for a supported activation module, else None."""
    from tinygrad_edu import nn
    if isinstance(module, nn.ReLU):
        return "relu", dict(omega=omega, iota=0.0, sigma=sigma)
    if isinstance(module, nn.LeakyReLU):
        return "leaky_relu", dict(omega=omega, iota=float(module.negative_slope), sigma=sigma)
    if isinstance(module, nn.ELU):
        return "elu", dict(alpha=float(module.alpha), sigma=sigma)
    if isinstance(module, nn.Tanh):
        return "tanh", {}
    if isinstance(module, nn.Sigmoid):
        return "sigmoid", {}
    return None


def corrected_decay(lam: float, seen: int | None) -> float:
    """The decay that makes G the bias-corrected moving average after one more batch.

    Adam's correction (summary notes) applied to eq. 32: with M_t = lam M_{t-1} + (1 - lam) B_t from
    M_0 = 0, the estimate G_t = M_t / (1 - lam^t) weights batch k by (1 - lam) lam^(t-k) /
    (1 - lam^t), weights that sum to 1. Storing G_t itself, the update is
    G_t = beta_t G_{t-1} + (1 - beta_t) B_t with beta_t = lam (1 - lam^(t-1)) / (1 - lam^t):
    0 for the first batch (G_1 = B_1), tending to lam. `seen` = t - 1 batches already averaged;
    None (a state saved before this correction, a long history) gives lam itself.

    Example:
        >>> corrected_decay(0.995, 0), round(corrected_decay(0.5, 1), 4), corrected_decay(0.9, None)
        (0.0, 0.3333, 0.9)
    """
    if seen is None:
        return lam
    return lam * (1.0 - lam ** seen) / (1.0 - lam ** (seen + 1))


class RNGD(Optimizer):
    """Relative natural gradient descent on the Linear layers of an `nn.Module`.

    Args:
        model: the network (an nn.Module). RNGD hooks into its Linear and activation modules;
            the trained parameters are `model.parameters()`.
        lr: learning rate gamma (eq. 30).
        lam: decay rate lambda of the moving average of the metric (eq. 32); 0 uses only the
            current mini-batch. The average is bias-corrected as Adam's moments are (see
            `corrected_decay`), so G is the first batch's metric at step 1 and a weighted mean of
            the batches seen so far after it.
        T: the inverse metrics are recomputed on the first step and every T steps after (eq.
            33 text), and sooner while the average is young (below); 1 = every step.
        eps: relative damping: eps * tr(G_batch)/D * I is added to each batch block (Sec. 5.1).
        momentum: heavy-ball coefficient on the preconditioned direction (Sec. 5.1 uses 0, 0.8).
        input_layer: "linear" (one shared x~x~^T block, the paper's choice for the input layer),
            "neuron" (per-neuron blocks), or "auto": "linear" when the model has more than one
            Linear layer, else "neuron" (a lone neuron is eq. 30's case).
        omega: smoothing width of relu_w in nu_relu (eq. 18); None uses the exact eq. 16.
        sigma: noise scale of the Gaussian units (ReLU, ELU, linear), 1 as in the paper.
        min_damping: an absolute floor added to the damping so a block of dead units stays
            invertible.
        stats_every: NOT the paper's algorithm unless 1 (the default). With k > 1 the moving
            average takes only every k-th mini-batch, G <- lam^k G + (1 - lam^k) G_batch, so its
            horizon (~1/(1 - lam) steps) is unchanged while the statistics cost k times less;
            every step is still preconditioned. Why: the statistics cost about as much as the
            preconditioning (see the module docstring), and a 200-step average hardly changes
            when it sees a fifth of the batches.

    Natural from the first step, unlike the paper's recipe: Sec. 5.2 starts G_l at the identity,
    and with lam = 0.995 the average stays within half a percent of I for ~100 steps; with
    T = 100 the only inverse used in those steps is the one of step 0, so RNGD would be plain
    gradient descent for its first T steps. Here the average is bias-corrected (G_t =
    M_t / (1 - lam^t), M_0 = 0) rather than seeded with the first batch's metric. Both give the
    first batch's metric at step 1, and the first inverse is computed from it; but a seed
    would keep that one batch, measured at the initial weights, at weight lam^t in the
    average (still 0.6 after 100 steps), whereas the correction weights every batch seen so
    far alike, as the moving average itself weights them once it has a long history.

    A young average also changes fast, and an inverse kept for T steps then falls behind it:
    on the paper's MLP (8x8 digits, batch 50) an inverse made from the first batch alone and
    kept for T = 10 or 100 steps diverged at every learning rate tried (1e-3 to 0.3), while
    T = 1 trained. So the inverse is also refreshed whenever the batches it has not seen weigh
    more than 1 - lam^T of the average, which is what T steps bring in once the average is
    long: for lam = 0.995 and T = 100 at steps 1, 3, 6, 11, 19, 32, 51, 79, then at 146, 269,
    382, ..., 899 between the periodic ones (16 extra refreshes in all), after which the
    period is T. Natural steps are larger than gradient steps: learning rates
    around 1e-3 to 1e-2 suit the MLP, where SGD takes 0.1 to 1.

    The metrics are estimated from the inputs seen by the last call of `model(...)` made with
    grad enabled, so call `model(x)` and `loss.backward()` before each `step()` as usual
    (forward passes under `no_grad()`, e.g. evaluation, are ignored; with gradient accumulation
    over several calls, the metric uses the last one). The metric and its inverse are kept in
    the parameters' dtype (float32 for a float32 model); inverses are computed in float64.

    Example:
        >>> # model = nn.MLP([64, 64, 64, 64, 10]); opt = RNGD(model, lr=0.003)
        >>> # opt.zero_grad(); nn.functional.cross_entropy(model(x), y).backward(); opt.step()
    """

    # per-layer state (on the layer's weight): the metric G, its inverse, a decaying weight of
    # batches not yet in the inverse, and the momentum of the (weight and bias) direction
    other_state = ("G", "G_inv", "unseen", "momentum_buffer")
    count_state = ("step", "batches")

    def __init__(self, model, lr: float = 0.01, lam: float = 0.995, T: int = 100,
                 eps: float = 1e-2, momentum: float = 0.0, input_layer: str = "auto",
                 omega: float | None = 0.1, sigma: float = 1.0, min_damping: float = 1e-8,
                 stats_every: int = 1):
        from tinygrad_edu import nn
        if not isinstance(model, nn.Module):
            raise TypeError(f"RNGD: expected the model (an nn.Module; RNGD finds its layers "
                            f"through forward hooks), got {type(model).__name__}; pass "
                            f"RNGD(model, lr=...), not RNGD(model.parameters(), ...)")
        periods = (("T", T, "T=100"), ("stats_every", stats_every, "stats_every=1 or 10"))
        for name, value, example in periods:
            if (isinstance(value, bool) or not isinstance(value, (int, float, np.number))
                    or not np.isfinite(value) or value != int(value) or value < 1):
                raise ValueError(f"RNGD: invalid {name}={value!r}; it must be a positive "
                                 f"integer (pass e.g. {example})")
        if input_layer not in ("auto", "linear", "neuron"):
            raise ValueError(f"RNGD: invalid input_layer={input_layer!r}; use 'auto', 'linear' "
                             f"or 'neuron'")
        check_in_unit_interval("RNGD", "lam", lam, "lam=0.995")
        check_nonnegative("RNGD", "eps", eps, "eps=1e-2")
        check_nonnegative("RNGD", "min_damping", min_damping, "min_damping=1e-8")
        if not sigma > 0:
            raise ValueError(f"RNGD: invalid sigma={sigma!r}; it must be > 0 (pass e.g. sigma=1)")
        trainable = [p for p in model.parameters() if p.requires_grad]  # frozen ones stay put
        if not trainable:
            raise ValueError("RNGD: no parameter of the model requires grad, so there is "
                             "nothing to train; unfreeze some with p.requires_grad_()")
        super().__init__(trainable, dict(lr=lr, momentum=momentum))
        self.lam, self.T, self.eps, self.min_damping = lam, int(T), eps, min_damping
        self.omega, self.sigma, self.stats_every = omega, sigma, int(stats_every)
        self.layers = [m for m in model.modules()
                       if isinstance(m, nn.Linear) and m.weight.requires_grad]
        if not self.layers:
            raise ValueError("RNGD: the model has no trainable nn.Linear layer, so there is no "
                             "layer RFIM to use; use SGD or Adam for this model")
        if input_layer == "auto":
            input_layer = "linear" if len(self.layers) > 1 else "neuron"
        self.input_layer = input_layer
        self.num_steps = 0
        # T steps of a long moving average bring in new batches of weight 1 - lam^T; a young
        # average gets there sooner, and its inverse is refreshed then (see the class docstring)
        self._unseen_limit = 1.0 - lam ** self.T + 1e-9
        self._inputs: dict[int, list] = {}  # id(linear) -> its inputs x, as (rows, in) arrays
        self._preacts: dict[int, list] = {}  # id(linear) -> its outputs t = w^T x~, (rows, out)
        self._outputs: dict[int, tuple] = {}
        self._layer_blocks: dict[int, LayerBlocks] = {}  # id(linear) -> its metric's arithmetic
        self.activations: dict[int, tuple] = {}  # id(linear) -> (name, nu options)
        self._handles = [model.register_forward_pre_hook(self._on_model_call)]
        self._handles += [m.register_forward_hook(self._on_linear) for m in self.layers]
        for m in model.modules():
            if _activation_spec(m, omega, sigma) is not None:
                self._handles.append(m.register_forward_hook(self._on_activation))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        check_in_unit_interval("RNGD", "momentum", group["momentum"], "momentum=0.8")

    # ------------------------------------------------------------------ hooks
    def _on_model_call(self, module, inputs) -> None:
        """A new forward pass of the whole model: forget the inputs of the previous one."""
        if is_grad_enabled():
            self._inputs.clear()
            self._preacts.clear()
            self._outputs.clear()

    def _on_linear(self, module, inputs, output) -> None:
        """Remember the layer's input x (for x~ x~^T), its output t (for nu_f(t)), and the
        output Tensor (to spot the activation). References only: nothing is copied."""
        if not is_grad_enabled():
            return
        x, t = inputs[0].data, output.data
        self._inputs.setdefault(id(module), []).append(x.reshape(-1, x.shape[-1]))
        self._preacts.setdefault(id(module), []).append(t.reshape(-1, t.shape[-1]))
        self._outputs[id(output)] = (module, output)

    def _on_activation(self, module, inputs, output) -> None:
        """Mark the Linear whose output this activation consumes with the activation's nu_f."""
        owner = self._outputs.get(id(inputs[0])) if inputs else None
        if owner is not None and owner[1] is inputs[0]:
            self.activations[id(owner[0])] = _activation_spec(module, self.omega, self.sigma)

    def remove_hooks(self) -> None:
        """Detach RNGD from the model (e.g. before switching to another optimiser)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # ------------------------------------------------------------------ metric
    def uses_neuron_blocks(self, layer) -> bool:
        """Whether `layer` gets per-neuron RFIM blocks (eq. 23) rather than one shared block."""
        if id(layer) not in self.activations:
            return False
        return not (layer is self.layers[0] and self.input_layer == "linear")

    def batch_metric(self, layer) -> np.ndarray:
        """This mini-batch's damped RFIM blocks of `layer`, shape (out or 1, D, D), in float64.

        Per neuron: mean_i nu_f(w_l, x_i) x~_i x~_i^T (eq. 31); shared: mean_i x~ x~^T / sigma^2
        (eq. 22); then + (eps tr(G)/D + min_damping) I (the damping of Sec. 5.1). This is the
        plain reference formula; `step` computes the same thing in place, faster.
        """
        x = np.concatenate(self._inputs[id(layer)], axis=0).astype(np.float64)
        has_bias = layer.bias is not None
        xt = augment(x) if has_bias else x
        n, d = xt.shape
        if self.uses_neuron_blocks(layer):
            name, options = self.activations[id(layer)]
            w = self._augmented(layer.weight.data, layer.bias.data if has_bias else None)
            coef = nu(name, xt @ w.T, **options)  # (N, out): nu_f(w_l, x_i), eqs. 12-20
            weighted = coef.T[:, :, None] * xt[None, :, :]  # (out, N, D): nu_l,i x~_i
            blocks = weighted.transpose(0, 2, 1) @ xt / n  # G_l = mean_i nu x~ x~^T (eq. 31)
        else:
            blocks = (xt.T @ xt / (n * self.sigma ** 2))[None]  # linear RFIM x~x~^T/s^2 (eq. 22)
        trace = np.trace(blocks, axis1=1, axis2=2)
        damping = self.eps * trace / d + self.min_damping  # eps tr(G)/D (seed 001 Sec. 5.1)
        diagonal = blocks.reshape(len(blocks), -1)[:, ::d + 1]  # a view of every block's diagonal
        diagonal += damping[:, None]
        return blocks

    @staticmethod
    def _augmented(weight, bias) -> np.ndarray:
        w = np.asarray(weight, dtype=np.float64)
        return w if bias is None else np.concatenate([w, np.asarray(bias)[:, None]], axis=1)

    def _recorded(self, layer, store: dict) -> np.ndarray:
        arrays = store[id(layer)]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=0)

    def _blocks(self, layer, dtype) -> LayerBlocks:
        """The storage and arithmetic of `layer`'s metric (made at its first step)."""
        blocks = self._layer_blocks.get(id(layer))
        if blocks is None or blocks.dtype != dtype:
            per_neuron = self.uses_neuron_blocks(layer)
            blocks = self._layer_blocks[id(layer)] = LayerBlocks(
                layer.weight.shape[1] + (layer.bias is not None),
                layer.weight.shape[0], per_neuron, dtype,
                has_bias=layer.bias is not None)
        return blocks

    def metric(self, layer) -> np.ndarray:
        """The current metric of `layer` as full blocks (out or 1, D, D), in float64.

        Why a method: per-neuron blocks are stored packed (their upper halves, see
        fisher.packed), so `state[layer.weight]["G"]` is not a stack of matrices.

        Example:
            >>> # G = opt.metric(model.layers[0]); G.shape  # (1, 785, 785) for MNIST's input layer
        """
        st = self.state[layer.weight]
        return self._blocks(layer, st["G"].dtype).full(st["G"])

    # ------------------------------------------------------------------ step
    def step(self, closure=None):
        """One RNGD step: update the metrics (eq. 32), refresh inverses every T steps, and
        move each neuron along G_l^{-1} dE/dw_l (eq. 33); other parameters take an SGD step."""
        loss = None
        if closure is not None:
            from tinygrad_edu import enable_grad
            with enable_grad():
                loss = closure()
        group = self.param_groups[0]
        lr, mom = group["lr"], group["momentum"]
        lam = self.lam ** self.stats_every  # the same averaging horizon with every k-th batch
        # all or nothing: every gradient and every recorded input is checked before any metric
        # or weight changes (a failure at the last layer must not leave the first one updated)
        self.checked_gradients()
        for layer in self.layers:
            has_grad = layer.weight.grad is not None or (layer.bias is not None
                                                         and layer.bias.grad is not None)
            if has_grad and id(layer) not in self._inputs:
                raise RuntimeError("RNGD.step: a Linear layer has a gradient but no recorded "
                                   "input; run the forward pass with grad enabled (not under "
                                   "no_grad()) before backward() and step()")
        handled = set()
        for layer in self.layers:
            w, b = layer.weight, layer.bias
            handled.update({id(w), id(b)})
            if w.grad is None and (b is None or b.grad is None):
                continue
            st = self.state.setdefault(w)
            dtype = np.result_type(w.data.dtype, np.float32)  # float32 model: float32 metric
            blocks = self._blocks(layer, dtype)
            if "G" not in st:
                st["G"] = blocks.new_metric()  # zeros: the first batch replaces them
                st["step"] = st["batches"] = 0
            elif st["G"].dtype != dtype or st["G"].shape != blocks.metric_shape:
                st["G"] = blocks.stored(st["G"])  # e.g. a float64 state, or full blocks
                st["G_inv"] = st["G_inv"].astype(dtype)
            if st["step"] % self.stats_every == 0:
                seen = st.get("batches")  # absent in a state saved before the bias correction
                decay = corrected_decay(lam, seen)
                coef = None
                if blocks.per_neuron:
                    name, options = self.activations[id(layer)]
                    coef = blocks.coefficients(name, options, self._recorded(layer, self._preacts))
                blocks.accumulate(st["G"], self._recorded(layer, self._inputs), coef, decay,
                                  self.eps, self.min_damping, self.sigma)
                if seen is not None:
                    st["batches"] = seen + 1
                st["unseen"] = decay * st.get("unseen", 0.0) + (1.0 - decay)
            if st["step"] % self.T == 0 or st.get("unseen", 0.0) > self._unseen_limit:
                st["G_inv"] = blocks.inverse(st["G"], layer)  # eq. 33 text
                st["unseen"] = 0.0
            st["step"] += 1
            direction = blocks.direction(st["G_inv"], None if w.grad is None else w.grad.data,
                                         None if b is None or b.grad is None else b.grad.data)
            if mom:
                if "momentum_buffer" not in st:
                    st["momentum_buffer"] = np.zeros_like(direction)
                buf = st["momentum_buffer"]
                buf *= mom  # v = m v + d
                buf += direction
                direction = buf
            update = blocks.scratch("update", direction.shape)
            np.multiply(direction, lr, out=update)
            np.subtract(w.data, update[:, :w.shape[1]], out=w.data, casting="same_kind")  # eq. 33
            if b is not None and b.requires_grad:  # the bias is w_l's last entry
                np.subtract(b.data, update[:, -1], out=b.data, casting="same_kind")
        for p in group["params"]:
            if id(p) in handled or p.grad is None:
                continue
            st = self.state.setdefault(p)
            d = np.asarray(p.grad.data)
            if mom:
                d = mom * st.get("momentum_buffer", 0.0) + d  # heavy ball v = m v + g
                st["momentum_buffer"] = d
            p.data -= lr * d  # plain gradient step for parameters outside Linear layers
        self.num_steps += 1
        self._inputs.clear()
        self._preacts.clear()
        self._outputs.clear()
        return loss
