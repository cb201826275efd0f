"""PyTorch's module test database (`torch.testing._internal.common_modules.module_db`) run
against tinygrad_edu's `nn`: the harness shared by `test_module_db.py` and by the summary
printed with `python tests/differential/moduledb.py`.

For every ModuleInfo whose class name exists in `tinygrad_edu.nn`, every sample input that
PyTorch generates for float64 on the CPU is run in both libraries, in train and in eval mode:

- the module is built from the same constructor arguments and PyTorch's state dict is copied in
  (so the comparison does not depend on how either library draws its initial weights);
- the outputs, the gradients of every input and every parameter for one fixed upstream
  gradient (a seeded normal draw per output), and the buffers after the forward are compared;
- when PyTorch raises on a sample, tinygrad_edu must raise too.

Deliberate differences are listed in `SKIPS` with their reasons; nothing else is skipped.
"""
import contextlib
import copy
import warnings

import numpy as np

from tinygrad_edu import Tensor, nn

VALUE_TOL = dict(rtol=1e-9, atol=1e-10)

# (module name, substring of the sample's desc or None for all samples, mode or None for both):
# the reason. Only differences made on purpose belong here.
SKIPS = {
}


def torch_modules():
    """PyTorch's module_db, or None when its test helpers cannot be imported (they need
    the `expecttest` package besides torch)."""
    try:
        from torch.testing._internal.common_modules import module_db
    except ImportError:
        return None
    return module_db


def matched_infos(module_db):
    """The ModuleInfos whose class exists here under the same name."""
    return [info for info in module_db if isinstance(getattr(nn, info.module_cls.__name__, None), type)]


def skip_reason(name: str, desc: str, training: bool):
    for (module, part, mode), reason in SKIPS.items():
        if module == name and (part is None or part in desc) and mode in (None, training):
            return reason
    return None


# ---------------------------------------------------------------- torch -> tinygrad_edu values
def to_ours(value, torch):
    """A constructor or forward argument in tinygrad_edu's terms (tensors, dtypes, containers)."""
    if isinstance(value, torch.Tensor):
        array = value.detach().numpy().copy()
        return Tensor(array, requires_grad=value.requires_grad, dtype=array.dtype)
    if isinstance(value, torch.dtype):
        return torch.empty((), dtype=value).numpy().dtype
    if isinstance(value, tuple):
        return tuple(to_ours(v, torch) for v in value)
    if isinstance(value, list):
        return [to_ours(v, torch) for v in value]
    if isinstance(value, dict):
        return {k: to_ours(v, torch) for k, v in value.items()}
    if isinstance(value, torch.nn.Module):
        return _our_module(value, torch)
    if callable(value) and getattr(value, "__module__", "").startswith(("torch.nn.functional",
                                                                        "torch._C._nn")):
        return getattr(nn.functional, value.__name__)      # an activation such as F.gelu
    return value


def _our_module(module, torch):
    """Our counterpart of a torch module passed to a constructor (the layer a TransformerEncoder
    copies, its final norm), built from the module's own settings; the outer module's state
    dict is copied in afterwards, so its weights need not be."""
    name = type(module).__name__
    if name == "LayerNorm":
        return nn.LayerNorm(module.normalized_shape, eps=module.eps,
                            elementwise_affine=module.elementwise_affine,
                            bias=module.bias is not None)
    if name in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        attention = module.self_attn
        return getattr(nn, name)(attention.embed_dim, attention.num_heads,
                                 module.linear1.out_features, module.dropout.p,
                                 activation=to_ours(module.activation, torch),
                                 layer_norm_eps=module.norm1.eps,
                                 batch_first=attention.batch_first, norm_first=module.norm_first,
                                 bias=module.linear1.bias is not None)
    raise TypeError(f"harness: no translation for a {name} constructor argument")


def leaves_of(value, torch_or_ours):
    """The tensors inside an argument structure, in a fixed order."""
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in leaves_of(v, torch_or_ours)]
    if isinstance(value, dict):
        return [t for k in value for t in leaves_of(value[k], torch_or_ours)]
    return [value] if isinstance(value, torch_or_ours) else []


def fresh_copy(value, torch):
    """The same structure with every tensor a new leaf (PyTorch's samples hold non-leaf
    tensors, e.g. softmax targets, which deepcopy refuses)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad)
    if isinstance(value, (tuple, list)):
        return type(value)(fresh_copy(v, torch) for v in value)
    if isinstance(value, dict):
        return {k: fresh_copy(v, torch) for k, v in value.items()}
    return copy.deepcopy(value)


def as_numpy(t, torch):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.data)


# ---------------------------------------------------------------- one sample
class Mismatch(AssertionError):
    """A sample on which the two libraries disagree."""


def _close(ours, theirs, what):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if ours.shape != theirs.shape:
        raise Mismatch(f"{what}: shape {ours.shape}, PyTorch's {theirs.shape}")
    if theirs.dtype.kind == "f" or ours.dtype.kind == "f":
        if not np.allclose(ours, theirs, equal_nan=True, **VALUE_TOL):
            err = np.nanmax(np.abs(ours.astype(np.float64) - theirs.astype(np.float64)))
            raise Mismatch(f"{what}: values differ (max abs difference {err:.3g})")
    elif not np.array_equal(ours, theirs):
        raise Mismatch(f"{what}: values differ")


def _build_torch(info, sample, torch):
    args, kwargs = sample.constructor_input.args, sample.constructor_input.kwargs
    module = info.module_cls(*args, **kwargs)
    return module.to(torch.float64)


def _build_ours(info, sample, torch):
    args = to_ours(sample.constructor_input.args, torch)
    kwargs = to_ours(sample.constructor_input.kwargs, torch)
    return getattr(nn, info.module_cls.__name__)(*args, **kwargs)


def run_sample(info, sample, training: bool, torch):
    """Compare one sample; raise Mismatch (with what differs) or return the number of checks."""
    fwd_args, fwd_kwargs = sample.forward_input.args, sample.forward_input.kwargs
    theirs = _build_torch(info, sample, torch)
    if info.is_lazy:                                  # materialise with a dry run, as a user would
        with torch.no_grad():
            theirs.eval()(*fresh_copy(fwd_args, torch), **fresh_copy(fwd_kwargs, torch))
    theirs.train(training)
    try:
        ours = _build_ours(info, sample, torch)
    except Exception as error:
        raise Mismatch(f"construction failed: {type(error).__name__}: {error}") from None
    ours.train(training)
    state = {k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()}
    try:
        ours.load_state_dict(state)
    except Exception as error:
        raise Mismatch(f"load_state_dict failed: {type(error).__name__}: {error}") from None

    t_args, t_kwargs = fresh_copy(fwd_args, torch), fresh_copy(fwd_kwargs, torch)
    o_args, o_kwargs = to_ours(fwd_args, torch), to_ours(fwd_kwargs, torch)
    try:
        t_out = theirs(*t_args, **t_kwargs)
    except Exception as error:        # PyTorch refuses it: tinygrad_edu must refuse it too
        try:
            ours(*o_args, **o_kwargs)
        except Exception:
            return 1
        raise Mismatch(f"PyTorch raises {type(error).__name__} ({error}); tinygrad_edu does not")
    try:
        o_out = ours(*o_args, **o_kwargs)
    except Exception as error:
        raise Mismatch(f"forward failed: {type(error).__name__}: {error}") from None

    t_outs, o_outs = leaves_of(t_out, torch.Tensor), leaves_of(o_out, Tensor)
    if len(t_outs) != len(o_outs):
        raise Mismatch(f"{len(o_outs)} output tensors, PyTorch gives {len(t_outs)}")
    checks = 0
    for k, (o, t) in enumerate(zip(o_outs, t_outs)):
        _close(as_numpy(o, torch), as_numpy(t, torch), f"output {k}")
        checks += 1

    # gradients for one fixed upstream gradient per differentiable output
    rng = np.random.default_rng(0)
    pairs = [(o, t) for o, t in zip(o_outs, t_outs) if t.requires_grad]
    for o, _ in pairs:
        if not o.requires_grad:
            raise Mismatch("an output that requires grad in PyTorch does not here")
    if pairs:
        weights = [rng.standard_normal(t.shape) for _, t in pairs]
        torch.autograd.backward([t for _, t in pairs], [torch.tensor(w) for w in weights])
        total = None
        for (o, _), w in zip(pairs, weights):
            term = (o * Tensor(w, dtype=o.dtype)).sum()
            total = term if total is None else total + term
        total.backward()
        t_leaves = leaves_of((t_args, t_kwargs), torch.Tensor)
        o_leaves = leaves_of((o_args, o_kwargs), Tensor)
        for k, (o, t) in enumerate(zip(o_leaves, t_leaves)):
            if t.requires_grad:
                tg = np.zeros(t.shape) if t.grad is None else t.grad.numpy()
                og = np.zeros(o.shape) if o.grad is None else o.grad.data
                _close(og, tg, f"gradient of input {k}")
                checks += 1
        o_params = dict(ours.named_parameters())
        for pname, p in theirs.named_parameters():
            if pname not in o_params:
                raise Mismatch(f"no parameter {pname!r}")
            tg = np.zeros(p.shape) if p.grad is None else p.grad.numpy()
            og = o_params[pname].grad
            _close(np.zeros(p.shape) if og is None else og.data, tg, f"gradient of {pname}")
            checks += 1
    o_buffers = dict(ours.named_buffers())
    for bname, b in theirs.named_buffers():
        if bname not in o_buffers or o_buffers[bname] is None:
            raise Mismatch(f"no buffer {bname!r}")
        _close(o_buffers[bname].data, b.numpy(), f"buffer {bname} after forward")
        checks += 1
    return checks


@contextlib.contextmanager
def float64_defaults(torch):
    """Both libraries make float64 from Python numbers while the samples run."""
    import tinygrad_edu
    previous_ours, previous_theirs = tinygrad_edu.get_default_dtype(), torch.get_default_dtype()
    tinygrad_edu.set_default_dtype(np.float64)
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        tinygrad_edu.set_default_dtype(previous_ours)
        torch.set_default_dtype(previous_theirs)


def samples_of(info, training: bool, torch):
    """PyTorch's sample inputs for float64 on the CPU, drawn from a fixed seed."""
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return info.module_inputs_func(info, device="cpu", dtype=torch.float64,
                                       requires_grad=True, training=training)


def run_info(info, training: bool, torch):
    """Every sample of one ModuleInfo in one mode: (agreeing, skipped, [(desc, message)])."""
    name = info.module_cls.__name__
    agreeing, skipped, failures = 0, [], []
    for k, sample in enumerate(samples_of(info, training, torch)):
        desc = sample.desc or f"sample {k}"
        reason = skip_reason(name, desc, training)
        if reason:
            skipped.append((desc, reason))
            continue
        torch.manual_seed(k)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run_sample(info, sample, training, torch)
            agreeing += 1
        except Mismatch as error:
            failures.append((desc, str(error)))
        except Exception as error:                         # a crash in the harness or a library
            failures.append((desc, f"{type(error).__name__}: {error}"))
    return agreeing, skipped, failures


def summary():
    """Counts over every matched ModuleInfo, train and eval: printed by `python moduledb.py`."""
    import torch
    module_db = torch_modules()
    if module_db is None:
        raise SystemExit("PyTorch's test helpers are not importable (pip install expecttest)")
    infos = matched_infos(module_db)
    totals = dict(inputs=0, agreeing=0, skipped=0)
    with float64_defaults(torch):
        for info in infos:
            for training in (True, False):
                agreeing, skipped, failures = run_info(info, training, torch)
                totals["inputs"] += agreeing + len(skipped) + len(failures)
                totals["agreeing"] += agreeing
                totals["skipped"] += len(skipped)
                mode = "train" if training else "eval"
                for desc, message in failures:
                    print(f"{info.module_cls.__name__:22s} {mode:5s} {desc}: {message[:150]}")
    names = sorted({info.module_cls.__name__ for info in infos})
    print(f"\n{len(names)} of {len({i.module_cls.__name__ for i in module_db})} module_db classes "
          f"matched; {totals['inputs']} inputs (train + eval), {totals['agreeing']} agree, "
          f"{totals['skipped']} skipped")


if __name__ == "__main__":
    summary()
