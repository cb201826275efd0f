"""Module / Parameter / Sequential / MLP machinery, hooks, state dicts, and the Embedding layer."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu import Tensor, gradcheck

RNG = np.random.default_rng(99)


class TwoLayer(nn.Module):
    """A small custom module: registration happens by plain attribute assignment."""

    def __init__(self):
        super().__init__()
        self.first = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4, dtype=np.float32))
        self.register_buffer("calls", Tensor(np.array(0, dtype=np.int64)))
        self.note = "not registered"
        self.second = nn.Linear(4, 2)

    def forward(self, x):
        self.calls.data[...] += 1
        return self.second(self.first(x).relu() * self.scale)


# ---------------------------------------------------------------- registration and order

def test_registration_by_attribute_assignment():
    m = TwoLayer()
    assert [n for n, _ in m.named_parameters()] == ["scale", "first.weight", "first.bias",
                                                    "second.weight", "second.bias"]
    assert [n for n, _ in m.named_children()] == ["first", "second"]
    assert [n for n, _ in m.named_buffers()] == ["calls"]
    assert m.note == "not registered" and "note" not in m.state_dict()
    assert isinstance(m.scale, nn.Parameter) and m.scale.requires_grad
    assert m.num_parameters() == 3 * 4 + 4 + 4 + 4 * 2 + 2
    m.first = nn.Identity()             # re-assigning a name replaces the child
    assert [n for n, _ in m.named_parameters()][1:] == ["second.weight", "second.bias"]
    m.plain = Tensor([1.0])              # a plain Tensor is an attribute, not a parameter
    assert "plain" not in dict(m.named_parameters())


def test_parameter_order_is_deterministic_across_constructions():
    names = [[n for n, _ in nn.MLP([2, 5, 5, 1]).named_parameters()] for _ in range(3)]
    assert names[0] == names[1] == names[2] == [
        "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
        "layers.4.weight", "layers.4.bias"]


def test_shared_parameters_and_modules_are_listed_once():
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b.weight = a.weight                                   # tied weights
    net = nn.Sequential(a, nn.ReLU(), b, a)               # and a module used twice
    assert len(list(net.parameters())) == 3               # a.weight, a.bias, b.bias
    assert net.num_parameters() == 9 + 3 + 3
    assert len(list(net.modules())) == 4                  # net, a, relu, b
    x = Tensor(RNG.normal(size=(2, 3)).astype(np.float32))
    net(x).sum().backward()
    assert a.weight.grad is not None and a.weight.grad is b.weight.grad
    assert {"0.weight", "2.weight"} <= set(net.state_dict())    # tied weights saved under both


def test_unknown_attribute_raises_attribute_error_with_a_hint():
    layer = nn.Linear(2, 2)
    with pytest.raises(AttributeError, match=r"'Linear' object has no attribute 'wieght'.*"
                                             r"did you mean 'weight'"):
        layer.wieght
    assert not hasattr(layer, "nothing_like_this")


def test_misuse_gives_clear_errors():
    class Forgot(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(2, dtype=np.float32))

    with pytest.raises(AttributeError, match="super\\(\\).__init__\\(\\)"):
        Forgot()
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter"):
        layer.weight = np.zeros((2, 2))
    with pytest.raises(TypeError, match="must be a Parameter"):
        layer.register_parameter("extra", Tensor([1.0]))
    with pytest.raises(NotImplementedError, match="must define forward"):
        nn.Module()(Tensor([1.0]))
    with pytest.raises(ValueError, match=r"Linear\(2, 2\): input of shape \(1, 3\)"):
        layer(Tensor.ones(1, 3))
    with pytest.raises(ValueError, match="MLP: sizes"):
        nn.MLP([3])


def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter(np.zeros(3, dtype=np.float32))
    assert isinstance(p, Tensor) and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:")
    with pytest.raises(TypeError, match="floating-point"):
        nn.Parameter(np.zeros(3, dtype=np.int64))


# ---------------------------------------------------------------- modes, grads, repr

def test_train_and_eval_propagate_to_every_descendant():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.BatchNorm1d(2)))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net[1].train()
    assert [m.training for m in net.modules()] == [False, False, True, True, True]


def test_zero_grad_clears_every_parameter():
    net = nn.MLP([2, 3, 1])
    net(Tensor.ones(4, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_repr_is_indented_like_pytorch_with_a_parameter_count():
    text = repr(nn.MLP([2, 16, 16, 1]))
    assert text.splitlines()[:3] == ["MLP(", "  (layers): Sequential(",
                                     "    (0): Linear(in_features=2, out_features=16, bias=True)"]
    assert "(1): ReLU()" in text
    assert text.endswith(f"# {2 * 16 + 16 + 16 * 16 + 16 + 16 + 1:,} parameters")


def test_sequential_container_protocol():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    seq.append(nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and head[0] is seq[0]
    assert seq(Tensor.ones(5, 2)).shape == (5, 1)


# ---------------------------------------------------------------- state dicts

def _changed(model, snapshot):
    return [k for k, v in model.state_dict().items() if not np.array_equal(v.data, snapshot[k])]


def _copy_state(model):
    return {k: np.array(v.data) for k, v in model.state_dict().items()}


def test_state_dict_round_trip_copies_values():
    src, dst = TwoLayer(), TwoLayer()
    state = _copy_state(src)
    result = dst.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert _changed(dst, state) == []
    state["scale"][...] = 7.0                   # the model holds copies, not the caller's arrays
    assert not np.any(dst.scale.data == 7.0)
    dst.load_state_dict(src.state_dict())       # Tensors are accepted too
    x = Tensor(RNG.normal(size=(2, 3)).astype(np.float32))
    np.testing.assert_array_equal(src(x).data, dst(x).data)


def test_load_keeps_the_model_dtype():
    layer = nn.Linear(2, 2)
    layer.load_state_dict({"weight": np.ones((2, 2)), "bias": np.zeros(2)})   # float64 arrays
    assert layer.weight.dtype == np.float32 and np.all(layer.weight.data == 1)


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.pop("second.bias"), r"missing keys: second\.bias"),
    (lambda s: s.update(extra=np.zeros(1)), r"unexpected keys: extra"),
    (lambda s: s.update({"first.weight": np.zeros((3, 4))}),
     r"'first\.weight': checkpoint \(3, 4\) vs model \(4, 3\)"),
])
def test_strict_load_checks_everything_first_and_changes_nothing(edit, message):
    model, other = TwoLayer(), TwoLayer()
    before = _copy_state(model)
    state = _copy_state(other)
    edit(state)
    with pytest.raises(RuntimeError, match=message) as info:
        model.load_state_dict(state)
    assert "nothing was changed" in str(info.value)
    assert _changed(model, before) == []


def test_strict_error_lists_every_problem_at_once():
    state = _copy_state(TwoLayer())
    state.pop("scale")
    state["first.bias"] = np.zeros(5)
    state["bogus"] = np.zeros(1)
    with pytest.raises(RuntimeError) as info:
        TwoLayer().load_state_dict(state)
    assert all(s in str(info.value) for s in ("scale", "bogus", "first.bias", "(5,)", "(4,)"))


def test_non_strict_load_takes_the_matching_keys():
    model, other = TwoLayer(), TwoLayer()
    before = _copy_state(model)
    state = _copy_state(other)
    del state["second.weight"]
    state["unused"] = np.zeros(3)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["second.weight"] and result.unexpected_keys == ["unused"]
    assert _changed(model, before) == [k for k in before if k != "second.weight"
                                       and not np.array_equal(before[k], state[k])]
    np.testing.assert_array_equal(model.second.weight.data, before["second.weight"])
    np.testing.assert_array_equal(model.first.weight.data, state["first.weight"])
    bad = dict(state, **{"first.bias": np.zeros(9)})
    with pytest.raises(RuntimeError, match="first.bias"):     # shapes are checked even then
        model.load_state_dict(bad, strict=False)


def test_a_pytorch_sequential_state_dict_loads_unchanged():
    torch = pytest.importorskip("torch")
    ref = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    ours = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    x = RNG.normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(Tensor(x)).data, ref(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- hooks

def test_forward_pre_hook_and_forward_hook_and_their_removal():
    layer = nn.Linear(2, 2)
    seen = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: seen.append((m, args[0], out)))
    x = Tensor([[1.0, 2.0]])
    out = layer(x)
    np.testing.assert_allclose(out.data, layer.bias.data[None])      # input was zeroed
    assert seen[0][0] is layer and np.all(seen[0][1].data == 0) and seen[0][2] is out
    pre.remove()
    post.remove()
    out = layer(x)
    assert len(seen) == 1
    np.testing.assert_allclose(out.data, x.data @ layer.weight.data.T + layer.bias.data,
                               rtol=1e-6)


def test_forward_hook_can_replace_the_output_and_hooks_run_in_order():
    relu = nn.ReLU()
    order = []
    relu.register_forward_hook(lambda m, a, out: order.append("first"))
    relu.register_forward_hook(lambda m, a, out: out * 10)
    relu.register_forward_hook(lambda m, a, out: order.append(out.item()))
    assert relu(Tensor([2.0])).item() == 20.0
    assert order == ["first", 20.0]


def test_tensor_register_hook_on_leaf_and_intermediate():
    x = Tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: g * 3)
    h = x * x
    h.register_hook(lambda g: seen.append(g.tolist()))
    (h * Tensor([1.0, 10.0])).sum().backward()
    assert seen == [[1.0, 10.0]]
    assert x.grad.tolist() == [6.0, 120.0]           # 3 * 2x * upstream
    handle.remove()
    x.zero_grad()
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).register_hook(lambda g: g)


# ---------------------------------------------------------------- Embedding

def test_embedding_shapes_values_and_init():
    nn.init.manual_seed(0)
    emb = nn.Embedding(1000, 16)
    assert emb.weight.shape == (1000, 16) and list(emb.state_dict()) == ["weight"]
    assert abs(emb.weight.data.mean()) < 0.02 and abs(emb.weight.data.std() - 1) < 0.02
    for idx in (np.array(3), np.array([1, 2]), RNG.integers(0, 1000, (2, 3, 4))):
        out = emb(idx)
        assert out.shape == idx.shape + (16,)
        np.testing.assert_array_equal(out.data, emb.weight.data[idx])
    np.testing.assert_array_equal(emb(Tensor(np.array([5, 6]))).data, emb.weight.data[[5, 6]])
    assert repr(emb).startswith("Embedding(1000, 16)")


def test_embedding_repeated_indices_accumulate_gradients():
    emb = nn.Embedding(5, 3, dtype=np.float64)
    idx = np.array([[1, 3, 1], [1, 0, 3]])
    upstream = RNG.normal(size=(2, 3, 3))
    (emb(idx) * Tensor(upstream)).sum().backward()
    expected = np.zeros((5, 3))
    np.add.at(expected, idx, upstream)
    np.testing.assert_allclose(emb.weight.grad.data, expected, rtol=1e-12)
    np.testing.assert_array_equal(emb.weight.grad.data[[2, 4]], 0)    # unused rows
    table = Tensor(RNG.normal(size=(4, 2)), requires_grad=True)
    assert gradcheck(lambda w: F.embedding(np.array([[0, 2, 2], [3, 0, 2]]), w), (table,))


def test_embedding_padding_idx_and_from_pretrained():
    emb = nn.Embedding(4, 2, padding_idx=0, dtype=np.float64)
    np.testing.assert_array_equal(emb.weight.data[0], 0)
    emb(np.array([0, 1, 0])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data, [[0, 0], [1, 1], [0, 0], [0, 0]])
    frozen = nn.Embedding.from_pretrained(np.arange(6.0).reshape(3, 2))
    assert not frozen.weight.requires_grad
    assert frozen(np.array([2])).tolist() == [[4.0, 5.0]]


def test_embedding_errors_name_the_layer_and_the_index():
    emb = nn.Embedding(10, 3)
    with pytest.raises(IndexError, match=r"Embedding\(10, 3\).*index 10 is out of range.*0\.\.9"):
        emb(np.array([1, 10]))
    with pytest.raises(IndexError, match="index -1 is out of range"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match=r"Embedding\(10, 3\).*integers.*float32"):
        emb(Tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="embedding_dim must be a positive integer"):
        nn.Embedding(3, 0)


def test_embedding_matches_pytorch_with_padding():
    torch = pytest.importorskip("torch")
    ref = torch.nn.Embedding(6, 4, padding_idx=2).double()
    ours = nn.Embedding(6, 4, padding_idx=2, dtype=np.float64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    idx = RNG.integers(0, 6, (3, 5))
    upstream = RNG.normal(size=(3, 5, 4))
    out_ours, out_ref = ours(idx), ref(torch.from_numpy(idx))
    np.testing.assert_array_equal(out_ours.data, out_ref.detach().numpy())
    (out_ours * Tensor(upstream)).sum().backward()
    (out_ref * torch.from_numpy(upstream)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-12)
