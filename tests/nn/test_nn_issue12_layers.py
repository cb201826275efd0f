"""PyTorch's nn names (issue 12): ModuleList, ModuleDict, LazyLinear, LazyConv2d, LayerNorm, GELU,
SiLU, Unflatten, Module.apply / to / requires_grad_, nn.utils, and the F.* functional forms.

Each is compared with PyTorch where installed: same state dict in, same outputs and gradients
out, in float64; the gradients are also checked by central differences without PyTorch."""
import numpy as np
import pytest

from tinygrad_edu import nn, optim, Tensor, gradcheck, gradgradcheck
from tinygrad_edu.nn import functional as F

F64 = np.float64


def _rng(seed=0):
    return np.random.default_rng(seed)


def _load_from_torch(module, torch_module):
    module.load_state_dict({k: v.detach().numpy() for k, v in torch_module.state_dict().items()})


def _compare_forward_backward(torch, ours, theirs, x):
    """Same input through both modules: outputs, input gradient and every parameter gradient."""
    tx = torch.tensor(x, requires_grad=True)
    mx = Tensor(x, requires_grad=True)
    t_out, m_out = theirs(tx), ours(mx)
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
    weights = _rng(9).standard_normal(t_out.shape)
    (t_out * torch.tensor(weights)).sum().backward()
    (m_out * Tensor(weights)).sum().backward()
    np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-11, atol=1e-12)
    theirs_grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, theirs_grads[name].grad.numpy(), rtol=1e-11,
                                   atol=1e-12, err_msg=name)


# ---------------------------------------------------------------- containers
def test_module_list_registers_like_torch(torch):
    ours = nn.ModuleList([nn.Linear(3, 4, dtype=F64), nn.Linear(4, 2, dtype=F64)])
    theirs = torch.nn.ModuleList([torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)]).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.append(nn.ReLU())
    theirs.append(torch.nn.ReLU())
    ours.insert(1, nn.Linear(4, 4))
    theirs.insert(1, torch.nn.Linear(4, 4))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    del ours[0]
    del theirs[0]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    assert len(ours[1:]) == 2 and isinstance(ours[-1], nn.ReLU)
    assert len(list(ours.parameters())) == 4


def test_module_list_in_a_model_is_trained():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).tanh()
            return x

    net = Net()
    assert len(list(net.parameters())) == 6           # a plain list would give 0
    net(Tensor.ones(1, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())


def test_module_list_and_dict_refuse_non_modules_and_change_nothing():
    layers = nn.ModuleList([nn.ReLU()])
    with pytest.raises(TypeError, match="nn.Module"):
        layers.extend([nn.Tanh(), lambda x: x])
    assert len(layers) == 1
    with pytest.raises(IndexError, match="out of range"):
        layers[3]
    heads = nn.ModuleDict({"a": nn.ReLU()})
    with pytest.raises(KeyError, match="'.'"):
        heads["x.y"] = nn.ReLU()
    with pytest.raises(KeyError, match="no module under 'b'"):
        heads["b"]
    with pytest.raises(NotImplementedError, match="loop over it"):
        layers(Tensor.ones(1))


def test_module_dict_like_torch(torch):
    ours = nn.ModuleDict({"enc": nn.Linear(3, 2), "dec": nn.Linear(2, 3)})
    theirs = torch.nn.ModuleDict({"enc": torch.nn.Linear(3, 2), "dec": torch.nn.Linear(2, 3)})
    ours["act"] = nn.Tanh()
    theirs["act"] = torch.nn.Tanh()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(ours.keys()) == list(theirs.keys())
    popped = ours.pop("enc"), theirs.pop("enc")
    assert [type(m).__name__ for m in popped] == ["Linear", "Linear"]
    assert list(ours) == list(theirs) and "dec" in ours and "enc" not in ours


# ---------------------------------------------------------------- lazy layers
def test_lazy_linear_infers_and_matches_torch(torch):
    ours = nn.LazyLinear(3, dtype=F64)
    opt = optim.SGD(ours.parameters(), lr=0.1)            # built before the shapes are known
    assert ours.has_uninitialized_params() and ours.num_parameters() == 0
    x = _rng().standard_normal((4, 5))
    out = ours(Tensor(x))
    assert out.shape == (4, 3) and type(ours) is nn.Linear and ours.weight.shape == (3, 5)
    theirs = torch.nn.LazyLinear(3).double()
    theirs(torch.tensor(x))
    assert type(theirs).__name__ == "Linear"
    _load_from_torch(ours, theirs)
    assert opt.param_groups[0]["params"][0] is ours.weight     # the same Parameter object
    _compare_forward_backward(torch, ours, theirs, x)


def test_lazy_linear_takes_its_shape_from_a_torch_state_dict(torch):
    theirs = torch.nn.Linear(6, 2).double()
    ours = nn.LazyLinear(2, dtype=F64)
    _load_from_torch(ours, theirs)
    assert type(ours) is nn.Linear and ours.in_features == 6
    _compare_forward_backward(torch, ours, theirs, _rng(1).standard_normal((3, 6)))


def test_lazy_conv2d_matches_torch(torch):
    ours = nn.LazyConv2d(4, 3, padding=1, groups=2, dtype=F64)
    x = _rng(2).standard_normal((2, 6, 5, 5))
    assert ours(Tensor(x)).shape == (2, 4, 5, 5)
    assert type(ours) is nn.Conv2d and ours.weight.shape == (4, 3, 3, 3)
    theirs = torch.nn.Conv2d(6, 4, 3, padding=1, groups=2).double()
    _load_from_torch(ours, theirs)
    _compare_forward_backward(torch, ours, theirs, x)


def test_lazy_layers_refuse_inputs_they_cannot_read():
    with pytest.raises(ValueError, match="in_channels"):
        nn.LazyConv2d(4, 3)(Tensor.ones(3, 5, 5))
    layer = nn.LazyConv2d(4, 3, groups=2)
    with pytest.raises(ValueError, match="groups=2"):
        layer(Tensor.ones(1, 3, 5, 5))
    assert layer.has_uninitialized_params()


# ---------------------------------------------------------------- Module methods
def test_apply_visits_modules_in_torch_order(torch):
    ours = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3),
                                 torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(3, 1)))
    seen_ours, seen_theirs = [], []
    assert ours.apply(lambda m: seen_ours.append(type(m).__name__)) is ours
    theirs.apply(lambda m: seen_theirs.append(type(m).__name__))
    assert seen_ours == seen_theirs


def test_apply_runs_a_custom_init():
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)).apply(init_weights)
    assert all(np.all(p.data == 1) for n, p in net.named_parameters() if n.endswith("weight"))
    assert all(np.all(p.data == 0) for n, p in net.named_parameters() if n.endswith("bias"))


def test_to_casts_floats_keeps_ints_and_parameter_objects():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    weight = net[0].weight
    net(Tensor.ones(4, 2)).sum().backward()
    assert net.to("cpu") is net and weight.dtype == np.float32
    net.to(np.float64)
    assert net[0].weight is weight and weight.dtype == np.float64 and weight.grad.dtype == np.float64
    assert net[1].running_mean.dtype == np.float64
    assert net[1].num_batches_tracked.dtype == np.int64
    net.to(device="cpu", dtype=np.float32)
    assert weight.dtype == np.float32
    net.to(Tensor(np.zeros(1)))                   # a tensor: take its dtype
    assert weight.dtype == np.float64
    assert net.float() is net and weight.dtype == np.float32


def test_to_refuses_other_devices_and_int_dtypes_without_changing_anything():
    net = nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match="only device is 'cpu'"):
        net.to("cuda", np.float64)
    with pytest.raises(TypeError, match="floating dtype"):
        net.to(np.int64)
    assert net.weight.dtype == np.float32


def test_requires_grad_freezes_like_torch(torch):
    ours = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    ours[0].requires_grad_(False)
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    theirs[0].requires_grad_(False)
    assert [p.requires_grad for p in ours.parameters()] == \
        [p.requires_grad for p in theirs.parameters()]
    ours(Tensor.ones(3, 2)).sum().backward()
    assert ours[0].weight.grad is None and ours[1].weight.grad is not None


def test_unflatten_like_torch(torch):
    x = _rng(3).standard_normal((2, 12, 3))
    for dim, sizes in ((1, (3, 4)), (1, (2, -1)), (-1, (3, 1))):
        ours, theirs = nn.Unflatten(dim, sizes), torch.nn.Unflatten(dim, sizes)
        _compare_forward_backward(torch, ours, theirs, x)
    with pytest.raises(ValueError, match="multiply"):
        nn.Unflatten(1, (5, 2))(Tensor(x))


# ---------------------------------------------------------------- nn.utils
def test_nn_utils_clip_grad_norm_like_torch(torch):
    theirs = torch.nn.Linear(3, 2).double()
    ours = nn.Linear(3, 2, dtype=F64)
    _load_from_torch(ours, theirs)
    x = _rng(4).standard_normal((5, 3)) * 10
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    (ours(Tensor(x)) ** 2).sum().backward()
    t_norm = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm=1.0)
    m_norm = nn.utils.clip_grad_norm_(ours.parameters(), max_norm=1.0)
    assert isinstance(m_norm, Tensor)
    np.testing.assert_allclose(m_norm.item(), t_norm.item(), rtol=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12)
    vec = nn.utils.parameters_to_vector(ours.parameters())
    np.testing.assert_allclose(vec.data,
                               torch.nn.utils.parameters_to_vector(theirs.parameters())
                               .detach().numpy())
    assert nn.utils.clip_grad_value_ is optim.clip_grad_value_       # one implementation


# ---------------------------------------------------------------- activations and F.*
ACTIVATIONS = [
    ("relu", lambda F_, x: F_.relu(x)),
    ("leaky_relu", lambda F_, x: F_.leaky_relu(x, 0.2)),
    ("elu", lambda F_, x: F_.elu(x, 0.7)),
    ("tanh", lambda F_, x: F_.tanh(x)),
    ("sigmoid", lambda F_, x: F_.sigmoid(x)),
    ("softplus", lambda F_, x: F_.softplus(x, 2.0)),
    ("silu", lambda F_, x: F_.silu(x)),
    ("gelu", lambda F_, x: F_.gelu(x)),
    ("gelu_tanh", lambda F_, x: F_.gelu(x, approximate="tanh")),
    ("softmax", lambda F_, x: F_.softmax(x, dim=1)),
    ("log_softmax", lambda F_, x: F_.log_softmax(x, dim=0)),
]


@pytest.mark.parametrize("name,fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_functional_activation_matches_torch(torch, name, fn):
    x = _rng(5).standard_normal((4, 6)) * 3
    x[0, :3] = [0.3, -0.2, 8.0]                   # away from kinks, plus a large value
    tx, mx = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    t_out, m_out = fn(torch.nn.functional, tx), fn(F, mx)
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-13, atol=1e-15)
    weights = _rng(6).standard_normal(x.shape)
    (t_out * torch.tensor(weights)).sum().backward()
    (m_out * Tensor(weights)).sum().backward()
    np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name,fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_functional_activation_gradcheck(name, fn):
    x = Tensor(_rng(7).standard_normal((3, 4)) + 0.05, requires_grad=True)
    assert gradcheck(lambda t: fn(F, t), [x])


def test_erf_and_gelu_second_derivatives():
    x = Tensor(np.linspace(-3, 3, 7) + 0.01, requires_grad=True)
    assert gradgradcheck(lambda t: F.erf(t), [x])
    assert gradgradcheck(lambda t: F.gelu(t), [x])
    assert gradgradcheck(lambda t: F.silu(t), [x])


def test_erf_closed_form_derivative():
    # d/dx erf(x) = 2/sqrt(pi) exp(-x^2)
    values = np.array([-2.0, -0.5, 0.0, 1.0, 2.5])
    x = Tensor(values, requires_grad=True)
    F.erf(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 / np.sqrt(np.pi) * np.exp(-values ** 2), rtol=1e-14)


def test_activation_modules_match_torch(torch):
    x = _rng(8).standard_normal((3, 5))
    for ours, theirs in ((nn.GELU(), torch.nn.GELU()), (nn.SiLU(), torch.nn.SiLU()),
                         (nn.GELU("tanh"), torch.nn.GELU(approximate="tanh"))):
        _compare_forward_backward(torch, ours, theirs, x)
        assert repr(ours).split("  #")[0] == repr(theirs)
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


def test_softmax_implicit_dim_is_torchs(torch):
    for shape in ((4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)):
        x = _rng(10).standard_normal(shape)
        with pytest.warns(UserWarning, match="dim"):
            ours = F.softmax(Tensor(x))
        with pytest.warns(UserWarning):
            theirs = torch.nn.functional.softmax(torch.tensor(x))
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-13)


def test_linear_and_one_hot_match_torch(torch):
    x, w, b = _rng(11).standard_normal((4, 3)), _rng(12).standard_normal((2, 3)), np.ones(2)
    np.testing.assert_allclose(F.linear(Tensor(x), Tensor(w), Tensor(b)).data,
                               torch.nn.functional.linear(*map(torch.tensor, (x, w, b))).numpy())
    labels = np.array([[0, 3], [2, 1]])
    for classes in (-1, 6):
        ours = F.one_hot(Tensor(labels), classes)
        theirs = torch.nn.functional.one_hot(torch.tensor(labels), classes)
        assert ours.dtype == np.int64 and ours.tolist() == theirs.tolist()
    with pytest.raises(ValueError, match="out of range"):
        F.one_hot(Tensor(labels), 3)
    with pytest.raises(TypeError, match="integer"):
        F.one_hot(Tensor([0.0, 1.0]))


# ---------------------------------------------------------------- LayerNorm
@pytest.mark.parametrize("shape,normalized", [((4, 5), 5), ((2, 3, 4), (3, 4)), ((3, 6), (6,))])
def test_layer_norm_matches_torch(torch, shape, normalized):
    theirs = torch.nn.LayerNorm(normalized).double()
    with torch.no_grad():                         # non-trivial affine parameters
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-1, 1)
    ours = nn.LayerNorm(normalized, dtype=F64)
    _load_from_torch(ours, theirs)
    assert repr(ours).split("  #")[0] == repr(theirs)
    _compare_forward_backward(torch, ours, theirs, _rng(13).standard_normal(shape) * 2 + 1)


def test_layer_norm_gradcheck_and_closed_form():
    x = Tensor(_rng(14).standard_normal((3, 4)), requires_grad=True)
    w = Tensor(_rng(15).standard_normal(4), requires_grad=True)
    b = Tensor(_rng(16).standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x_, w_, b_: F.layer_norm(x_, (4,), w_, b_), [x, w, b])
    y = F.layer_norm(Tensor([[1.0, 2.0, 3.0]], dtype=F64), 3, eps=0.0)
    np.testing.assert_allclose(y.data, [[-np.sqrt(1.5), 0.0, np.sqrt(1.5)]], rtol=1e-14)


def test_layer_norm_bad_shape_names_the_layer():
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\)\).*last dims"):
        nn.LayerNorm(4)(Tensor.ones(2, 3))
    with pytest.raises(ValueError, match="positive int"):
        nn.LayerNorm(0)
