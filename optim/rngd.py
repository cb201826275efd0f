"""Relative natural gradient descent (RNGD), seed 001 (Sun & Nielsen 2016), eqs. 30-33.

Each neuron l of a layer y = f(W x~) gets its own metric block, the relative Fisher
information of its weights w_l = (weight[l], bias[l]) given the layer's input (eq. 23):
    G_l <- lam G_l + (1 - lam) (mean_i nu_f(w_l, x_i) x~_i x~_i^T + damping I)   (eq. 32)
    w_l <- w_l - lr G_l^{-1} dE/dw_l                                            (eq. 33)
with G_l^{-1} recomputed only every T steps. Layers that are not followed by an activation (the
softmax/logit layer) and, as in the paper, the input layer use the linear layer's RFIM, one block
x~x~^T/sigma^2 shared by all neurons (eq. 22). The damping is the paper's eps tr(G)/D (Sec. 5.1).

RNGD sees the layers through forward hooks: every nn.Linear records its input, and an activation
module whose input is a Linear's output marks that Linear with its nu_f. So any model built from
nn.Linear and activation modules (e.g. nn.MLP) works, with no special model class. Parameters
outside Linear layers get a plain (momentum) gradient step.
"""
from __future__ import annotations

import numpy as np

from tinygrad_edu import is_grad_enabled
from .fisher.closed_form import augment, nu
from .optimizer import Optimizer, check_in_unit_interval, check_nonnegative


def _activation_spec(module, omega: float | None, sigma: float):
    """(name, options) of nu_f for a supported activation module, else None."""
    import nn
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


class RNGD(Optimizer):
    """Relative natural gradient descent on the Linear layers of an `nn.Module`.

    Args:
        model: the network (an nn.Module). RNGD hooks into its Linear and activation modules;
            the trained parameters are `model.parameters()`.
        lr: learning rate gamma (eq. 30).
        lam: decay rate lambda of the moving average of the metric (eq. 32); 0 uses only the
            current mini-batch.
        T: the inverse metrics are recomputed every T steps (eq. 33 text); 1 = every step.
        eps: relative damping: eps * tr(G_batch)/D * I is added to each batch block (Sec. 5.1).
        momentum: heavy-ball coefficient on the preconditioned direction (Sec. 5.1 uses 0, 0.8).
        input_layer: "linear" (one shared x~x~^T block, the paper's choice for the input layer),
            "neuron" (per-neuron blocks), or "auto": "linear" when the model has more than one
            Linear layer, else "neuron" (a lone neuron is eq. 30's case).
        omega: smoothing width of relu_w in nu_relu (eq. 18); None uses the exact eq. 16.
        sigma: noise scale of the Gaussian units (ReLU, ELU, linear), 1 as in the paper.
        min_damping: an absolute floor added to the damping so a block of dead units stays
            invertible.

    The metrics are estimated from the inputs seen by the last call of `model(...)` made with
    grad enabled, so call `model(x)` and `loss.backward()` before each `step()` as usual
    (forward passes under `no_grad()`, e.g. evaluation, are ignored; with gradient accumulation
    over several calls, the metric uses the last one).

    Example:
        >>> # model = nn.MLP([64, 64, 64, 64, 10]); opt = RNGD(model, lr=0.05)
        >>> # opt.zero_grad(); nn.functional.cross_entropy(model(x), y).backward(); opt.step()
    """

    def __init__(self, model, lr: float = 0.01, lam: float = 0.995, T: int = 100,
                 eps: float = 1e-2, momentum: float = 0.0, input_layer: str = "auto",
                 omega: float | None = 0.1, sigma: float = 1.0, min_damping: float = 1e-8):
        import nn
        if not isinstance(model, nn.Module):
            raise TypeError(f"RNGD: expected the model (an nn.Module; RNGD finds its layers "
                            f"through forward hooks), got {type(model).__name__}; pass "
                            f"RNGD(model, lr=...), not RNGD(model.parameters(), ...)")
        if int(T) != T or T < 1:
            raise ValueError(f"RNGD: invalid T={T!r}; the inverse refresh period must be a "
                             f"positive integer (pass e.g. T=100)")
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
        self.omega, self.sigma = omega, sigma
        self.layers = [m for m in model.modules()
                       if isinstance(m, nn.Linear) and m.weight.requires_grad]
        if not self.layers:
            raise ValueError("RNGD: the model has no trainable nn.Linear layer, so there is no "
                             "layer RFIM to use; use SGD or Adam for this model")
        if input_layer == "auto":
            input_layer = "linear" if len(self.layers) > 1 else "neuron"
        self.input_layer = input_layer
        self.num_steps = 0
        self._inputs: dict[int, list] = {}
        self._outputs: dict[int, tuple] = {}
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
            self._outputs.clear()

    def _on_linear(self, module, inputs, output) -> None:
        """Remember the layer's input x (for x~ x~^T) and its output (to spot the activation)."""
        if not is_grad_enabled():
            return
        x = np.asarray(inputs[0].data, dtype=np.float64)
        self._inputs.setdefault(id(module), []).append(x.reshape(-1, x.shape[-1]))
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
        """This mini-batch's damped RFIM blocks of `layer`, shape (out or 1, D, D).

        Per neuron: mean_i nu_f(w_l, x_i) x~_i x~_i^T (eq. 31); shared: mean_i x~ x~^T / sigma^2
        (eq. 22); then + (eps tr(G)/D + min_damping) I (the damping of Sec. 5.1).
        """
        x = np.concatenate(self._inputs[id(layer)], axis=0)
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
        handled = set()
        for layer in self.layers:
            w, b = layer.weight, layer.bias
            handled.update({id(w), id(b)})
            if w.grad is None and (b is None or b.grad is None):
                continue
            if id(layer) not in self._inputs:
                raise RuntimeError("RNGD.step: a Linear layer has a gradient but no recorded "
                                   "input; run the forward pass with grad enabled (not under "
                                   "no_grad()) before backward() and step()")
            st = self.state.setdefault(w)
            batch = self.batch_metric(layer)
            if "G" not in st:
                st["G"] = np.broadcast_to(np.eye(batch.shape[-1]), batch.shape).copy()  # G_l = I
                st["step"] = 0
            st["G"] *= self.lam  # moving average G <- lam G + (1 - lam) G_batch (eq. 32)
            st["G"] += (1 - self.lam) * batch
            if st["step"] % self.T == 0:
                try:
                    st["G_inv"] = np.linalg.inv(st["G"])  # refresh G_l^{-1} every T steps
                except np.linalg.LinAlgError:
                    raise np.linalg.LinAlgError(
                        f"RNGD: the metric of {layer!r} is singular (e.g. an input feature that "
                        f"is always 0, or dead units); use eps > 0 (the paper's eps=1e-2) or "
                        f"min_damping > 0") from None
            st["step"] += 1
            gw = np.zeros(w.shape) if w.grad is None else np.asarray(w.grad.data, np.float64)
            grad = gw if b is None else np.concatenate(
                [gw, (np.zeros(b.shape) if b.grad is None else b.grad.data)[:, None]], axis=1)
            direction = np.einsum("lij,lj->li", st["G_inv"], grad) if len(st["G_inv"]) > 1 \
                else grad @ st["G_inv"][0].T  # relative natural gradient G_l^{-1} dE/dw_l
            if mom:
                direction = mom * st.get("momentum_buffer", 0.0) + direction  # v = m v + d
                st["momentum_buffer"] = direction
            w.data -= (lr * direction[:, :w.shape[1]]).astype(w.data.dtype)  # eq. 33 update
            if b is not None and b.requires_grad:
                b.data -= (lr * direction[:, -1]).astype(b.data.dtype)  # bias is w_l's last entry
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
        self._outputs.clear()
        return loss
