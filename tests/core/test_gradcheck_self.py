"""gradcheck and gradgradcheck themselves: they must catch a wrong derivative, and say where
(the input, the index, the expected and the computed value)."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, Function, gradcheck, gradgradcheck, GradcheckError


class WrongSquare(Function):
    """f(x) = x^2 with a deliberately wrong derivative: x instead of 2x."""

    def forward(self, x):
        return x * x

    def backward(self, g):
        return g * self.inputs[0]


class WrongSecondInput(Function):
    """f(a, b) = a * b^2, with the derivative for b off by a factor 3 (6ab instead of 2ab)."""

    def forward(self, a, b):
        return a * b * b

    def backward(self, g):
        a, b = self.inputs
        return g * b * b, g * a * b * 6


class FrozenFactorSquare(Function):
    """f(x) = x^2 whose backward has the right value, 2x = x + x, but one x is a constant, so
    the derivative of the backward is 1 instead of 2: only a second-order check can see it."""

    def forward(self, x):
        return x * x

    def backward(self, g):
        x = self.inputs[0]
        return g * (x + x.detach())


def test_gradcheck_accepts_a_correct_gradient_and_works_from_float32_inputs():
    x = Tensor([0.5, -1.0, 2.0], requires_grad=True)            # float32: checked in float64
    assert gradcheck(lambda t: (t * t).exp().sum(), (x,))
    assert gradcheck(lambda t: t.tanh(), x)                     # a single tensor is accepted


def test_gradcheck_names_input_index_and_both_values_for_a_wrong_backward():
    x = Tensor(np.array([0.0, 1.5]), requires_grad=True)        # at 0 the wrong rule agrees
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: WrongSquare.apply(t), (x,))
    message = str(info.value)
    assert "expected derivative 3 " in message                  # 2 * 1.5 from central differences
    assert "got 1.5 from backprop" in message
    assert "input 0 at index (1,)" in message and "element (1,)" in message


def test_gradcheck_names_the_second_input_when_its_derivative_is_wrong():
    a = Tensor(np.array([[2.0]]), requires_grad=True)
    b = Tensor(np.array([[0.5]]), requires_grad=True)
    with pytest.raises(GradcheckError, match=r"expected derivative 2 .*input 1 at index \(0, 0\)"
                                             r".*got 6 from backprop"):
        gradcheck(lambda u, v: WrongSecondInput.apply(u, v), (a, b))
    # only the inputs that require grad are checked: a correct a-derivative passes alone
    assert gradcheck(lambda u, v: WrongSecondInput.apply(u, v), (a, b.detach()))


def test_gradcheck_can_return_false_instead_of_raising():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert gradcheck(lambda t: WrongSquare.apply(t), (x,), raise_exception=False) is False


def test_gradcheck_without_inputs_that_require_grad_is_an_error():
    with pytest.raises(ValueError, match=r"gradcheck: no input requires grad"):
        gradcheck(lambda t: t * 2, (Tensor([1.0]),))


def test_gradgradcheck_catches_a_wrong_second_derivative_that_gradcheck_misses():
    x = Tensor(np.array([0.7, -1.3]), requires_grad=True)
    assert gradcheck(lambda t: FrozenFactorSquare.apply(t), (x,))
    with pytest.raises(GradcheckError, match=r"expected derivative .* input 0 at index"):
        gradgradcheck(lambda t: FrozenFactorSquare.apply(t), (x,))
    assert gradgradcheck(lambda t: t * t, (x,))


def test_gradgradcheck_of_a_linear_function_says_there_is_nothing_to_check():
    with pytest.raises(ValueError, match=r"gradgradcheck: .*second derivative is zero"):
        gradgradcheck(lambda t: t * 3, (Tensor([1.0], requires_grad=True),))
