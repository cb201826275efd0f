"""Error messages a student can act on (the op, both shapes or the dtype, and the fix), and
`detect_anomaly()` naming the op that first produced NaN/inf, forward or backward."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, detect_anomaly, AnomalyError


# ---------------------------------------------------------------- shape errors

@pytest.mark.parametrize("a, b", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)),
                                  ((5, 2, 3), (3, 4, 2))], ids=str)
def test_matmul_shape_mismatch_names_both_shapes(a, b):
    with pytest.raises(ValueError) as info:
        Tensor.ones(*a) @ Tensor.ones(*b)
    message = str(info.value)
    assert "matmul" in message and str(a) in message and str(b) in message


def test_matmul_of_a_0d_tensor_suggests_elementwise_multiplication():
    with pytest.raises(ValueError, match=r"matmul: .*at least 1 dimension.*use \*"):
        Tensor(2.0) @ Tensor.ones(2)


@pytest.mark.parametrize("op, name", [(lambda a, b: a + b, "Add"), (lambda a, b: a - b, "Sub"),
                                      (lambda a, b: a * b, "Mul"), (lambda a, b: a / b, "Div"),
                                      (lambda a, b: a ** b, "Pow"),
                                      (lambda a, b: a.maximum(b), "Maximum")])
def test_broadcast_mismatch_names_the_op_and_both_shapes(op, name):
    with pytest.raises(ValueError, match=rf"{name}: shapes \(3, 4\) and \(2, 4\) cannot be "
                                         r"broadcast.*reshape or unsqueeze"):
        op(Tensor.ones(3, 4, requires_grad=True), Tensor.ones(2, 4))


def test_where_broadcast_mismatch_names_all_shapes():
    with pytest.raises(ValueError, match=r"where: shapes \(3,\) and \(2,\) and \(4,\)"):
        Tensor.where(Tensor([True, False, True]), Tensor.ones(2), Tensor.zeros(4))


@pytest.mark.parametrize("make, pattern", [
    (lambda: Tensor.ones(2, 3).reshape(4, 2), r"reshape: .*\(2, 3\).*\(4, 2\).*same"),
    (lambda: Tensor.ones(2, 3).expand(4, 3), r"expand: .*\(2, 3\) to \(4, 3\)"),
    (lambda: Tensor.cat([Tensor.ones(2, 3), Tensor.ones(2, 4)]), r"cat: .*\(2, 3\), \(2, 4\)"),
    (lambda: Tensor.stack([Tensor.ones(2), Tensor.ones(3)]), r"stack: .*same shape"),
    (lambda: Tensor.ones(5).split([2, 2]), r"split: .*add up to 4.*size 5"),
    (lambda: Tensor.ones(2, 3).pad(((1, 1),) * 3), r"pad: .*\(3, 2\).*2-d"),
    (lambda: Tensor.ones(2, 3).permute(0, 0),
     r"permute: .*(same dimension twice|not a permutation)"),
    (lambda: Tensor.ones(2).dot(Tensor.ones(2, 2)), r"dot: .*1-D.*\(2,\).*\(2, 2\)"),
    (lambda: Tensor.ones(4).chunk(0), r"chunk: .*positive.*0"),
    (lambda: Tensor.ones(2, 3).pad(((0, 1), (-1, 0))), r"pad: .*negative"),
])
def test_shape_op_errors_name_the_op_and_shapes(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


# ---------------------------------------------------------------- dtype errors

@pytest.mark.parametrize("make", [
    lambda: Tensor([1, 2, 3], requires_grad=True),
    lambda: Tensor(np.arange(3), requires_grad=True),
    lambda: Tensor([True, False], requires_grad=True),
    lambda: Tensor.arange(3, requires_grad=True),
    lambda: Tensor.zeros(2, dtype=np.int32, requires_grad=True),
    lambda: Tensor([1, 2]).requires_grad_(),
])
def test_integer_tensors_cannot_require_grad(make):
    with pytest.raises(TypeError, match=r"only floating-point tensors can require gradients, got "
                                        r"dtype (int|bool).*dtype=np.float32"):
        make()


# ---------------------------------------------------------------- graph errors

def test_backward_through_a_freed_graph_explains_retain_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    y1 = h.sum()
    y1.backward()
    with pytest.raises(RuntimeError, match=r"second time.*freed.*retain_graph=True"):
        (h * 2).sum().backward()                        # a new head on the freed part


def test_requires_grad_cannot_be_turned_off_on_a_non_leaf():
    y = Tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"non-leaf.*detach"):
        y.requires_grad_(False)


# ---------------------------------------------------------------- index and axis errors

@pytest.mark.parametrize("index", [5, (0, 7), -4, [0, 3], (slice(None), 9)], ids=str)
def test_indexing_out_of_range_names_the_shape(index):
    x = Tensor.ones(3, 4, requires_grad=True)
    with pytest.raises(IndexError, match=r"shape \(3, 4\).*out of bounds"):
        x[index]


def test_too_many_indices_names_the_shape():
    with pytest.raises(IndexError, match=r"shape \(3,\)"):
        Tensor.ones(3)[0, 0]


@pytest.mark.parametrize("call, op", [
    (lambda x: x.sum(axis=3), "sum"), (lambda x: x.mean(axis=-4), "mean"),
    (lambda x: x.max(axis=(0, 5)), "max"), (lambda x: x.var(axis=3), "var"),
    (lambda x: x.logsumexp(axis=3), "logsumexp"), (lambda x: x.softmax(dim=3), "softmax"),
    (lambda x: x.log_softmax(dim=-4), "log_softmax"), (lambda x: x.transpose(0, 3), "transpose"),
    (lambda x: x.squeeze(3), "squeeze"),
    (lambda x: x.argmax(axis=3), "argmax"), (lambda x: Tensor.cat([x, x], dim=3), "cat"),
    (lambda x: x.split(1, dim=3), "split"), (lambda x: x.flatten(0, 3), "flatten"),
])
def test_unknown_axis_names_the_op_the_axis_and_the_valid_range(call, op):
    x = Tensor.ones(2, 3, 4)
    with pytest.raises(ValueError, match=rf"{op}: axis -?\d+ is out of range for a tensor with 3 "
                                         r"dimension\(s\); use an axis in \[-3, 2\]"):
        call(x)


def test_unsqueeze_accepts_one_more_position_than_the_tensor_has_dims():
    x = Tensor.ones(2, 3, 4)
    assert x.unsqueeze(3).shape == (2, 3, 4, 1) and x.unsqueeze(-4).shape == (1, 2, 3, 4)
    with pytest.raises(ValueError, match=r"unsqueeze: axis 5 is out of range.*\[-4, 3\]"):
        x.unsqueeze(5)


def test_var_without_degrees_of_freedom_is_a_clear_error():
    with pytest.raises(ValueError, match=r"var: 1 element.*ddof=1"):
        Tensor([1.0]).var(ddof=1)


def test_max_of_an_empty_tensor_is_a_clear_error():
    with pytest.raises(ValueError, match=r"max: cannot reduce an empty tensor of shape \(0,\)"):
        Tensor(np.zeros(0)).max()


# ---------------------------------------------------------------- detect_anomaly

def test_anomaly_names_log_for_log_of_zero_in_the_forward():
    x = Tensor([1.0, 0.0], requires_grad=True)
    with detect_anomaly():
        y = x * 2                                       # fine
        with pytest.raises(AnomalyError, match=r"forward of 'Log' produced inf"):
            y.log()


@pytest.mark.parametrize("make, op, kind", [
    (lambda x: (x - 5).sqrt(), "Sqrt", "nan"),
    (lambda x: (x * 1000).exp(), "Exp", "inf"),
    (lambda x: x / (x - x), "Div", "nan|inf"),
])
def test_anomaly_names_the_first_op_in_the_forward(make, op, kind):
    x = Tensor([1.0, 2.0], requires_grad=True)
    with np.errstate(all="ignore"), detect_anomaly():
        with pytest.raises(AnomalyError, match=rf"forward of '{op}' produced ({kind})"):
            make(x)


def test_anomaly_does_not_blame_ops_that_only_pass_on_a_nan():
    nan_input = Tensor([np.nan, 1.0], requires_grad=True)
    with detect_anomaly():
        out = (nan_input * 2).exp().sum()               # NaN came from outside: no error
    assert np.isnan(out.item())


def test_anomaly_names_sqrt_for_its_infinite_derivative_at_zero_in_the_backward():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with np.errstate(divide="ignore"), detect_anomaly():
        y = (x.sqrt() * 3).sum()                        # forward is finite: sqrt(0) = 0
        with pytest.raises(AnomalyError, match=r"backward of 'Sqrt' returned inf.*input 0"):
            y.backward()


def test_anomaly_detection_does_nothing_outside_the_context():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        pass
    with np.errstate(all="ignore"):
        x.sqrt().sum().backward()                       # no error: inf silently
        log0 = Tensor([0.0]).log()
    assert np.isinf(x.grad.data[0]) and np.isinf(log0.item())


def test_anomaly_state_is_restored_after_an_error():
    from tinygrad_edu.grad_mode import STATE
    with pytest.raises(AnomalyError):
        with detect_anomaly():
            Tensor([0.0]).log()
    assert STATE.anomaly is False
