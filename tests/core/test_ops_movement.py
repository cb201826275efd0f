"""Shape ops and indexing, one table row per case: forward and gradients against numpy,
then gradcheck and gradgradcheck in float64."""
import numpy as np
import pytest

from tinygrad_edu import Tensor
from core_helpers import helper_test_op, check_gradients

MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])

# name: (input shapes, tinygrad_edu fn, numpy fn)
MOVEMENT = {
    "reshape": ([(2, 3, 4)], lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6)),
    "reshape_minus_one": ([(2, 3, 4)], lambda x: x.reshape((-1, 4)), lambda x: x.reshape(-1, 4)),
    "reshape_to_0d": ([(1, 1)], lambda x: x.reshape(()), lambda x: x.reshape(())),
    "flatten": ([(2, 3, 4)], lambda x: x.flatten(), lambda x: x.reshape(-1)),
    "flatten_1_2": ([(2, 3, 4, 2)], lambda x: x.flatten(1, 2), lambda x: x.reshape(2, 12, 2)),
    "flatten_start_1": ([(2, 3, 4)], lambda x: x.flatten(start_dim=1), lambda x: x.reshape(2, 12)),
    "transpose_default": ([(2, 3, 4)], lambda x: x.transpose(), lambda x: x.swapaxes(-1, -2)),
    "transpose_0_2": ([(2, 3, 4)], lambda x: x.transpose(0, 2), lambda x: x.swapaxes(0, 2)),
    "T": ([(3, 4)], lambda x: x.T, lambda x: x.T),
    "permute": ([(2, 3, 4)], lambda x: x.permute(2, 0, 1), lambda x: x.transpose(2, 0, 1)),
    "permute_negative": ([(2, 3, 4)], lambda x: x.permute((1, -1, 0)),
                         lambda x: x.transpose(1, 2, 0)),
    "unsqueeze_0": ([(3, 4)], lambda x: x.unsqueeze(0), lambda x: x[None]),
    "unsqueeze_last": ([(3, 4)], lambda x: x.unsqueeze(-1), lambda x: x[..., None]),
    "squeeze_all": ([(1, 3, 1, 4)], lambda x: x.squeeze(), lambda x: x.squeeze()),
    "squeeze_dim": ([(1, 3, 1, 4)], lambda x: x.squeeze(2), lambda x: x.squeeze(2)),
    "squeeze_non_unit_dim_is_noop": ([(1, 3, 4)], lambda x: x.squeeze(1), lambda x: x),
    "expand": ([(3, 1)], lambda x: x.expand(2, 3, 4), lambda x: np.broadcast_to(x, (2, 3, 4))),
    "expand_minus_one": ([(1, 4)], lambda x: x.expand(3, -1),
                         lambda x: np.broadcast_to(x, (3, 4))),
    # indexing
    "index_int": ([(3, 4)], lambda x: x[1], lambda x: x[1]),
    "index_negative_int": ([(3, 4)], lambda x: x[-1, -2], lambda x: x[-1, -2]),
    "index_slices": ([(3, 4)], lambda x: x[:, 1:3], lambda x: x[:, 1:3]),
    "index_step_slice": ([(5, 4)], lambda x: x[::2, ::-1], lambda x: x[::2, ::-1]),
    "index_none": ([(3, 4)], lambda x: x[None, :, None, 2], lambda x: x[None, :, None, 2]),
    "index_ellipsis": ([(2, 3, 4)], lambda x: x[..., 1], lambda x: x[..., 1]),
    "index_ellipsis_middle": ([(2, 3, 4)], lambda x: x[0, ..., None, 1:],
                              lambda x: x[0, ..., None, 1:]),
    "index_list_repeated": ([(3, 4)], lambda x: x[[0, 2, 0, 0]], lambda x: x[[0, 2, 0, 0]]),
    "index_array_2d_repeated": ([(5,)], lambda x: x[np.array([[0, 1], [1, 1]])],
                                lambda x: x[np.array([[0, 1], [1, 1]])]),
    "index_tensor_repeated": ([(3, 4)], lambda x: x[Tensor([2, 2, 1])], lambda x: x[[2, 2, 1]]),
    "index_pair_of_arrays": ([(3, 4)], lambda x: x[[0, 2, 0], [1, 3, 1]],
                             lambda x: x[[0, 2, 0], [1, 3, 1]]),
    "index_slice_and_array": ([(3, 4)], lambda x: x[1:, [3, 0, 3]], lambda x: x[1:, [3, 0, 3]]),
    "index_bool_mask": ([(3, 4)], lambda x: x[MASK], lambda x: x[MASK]),
    "index_bool_mask_tensor": ([(3, 4)], lambda x: x[Tensor(MASK)], lambda x: x[MASK]),
    "index_bool_row_mask": ([(3, 4)], lambda x: x[np.array([True, False, True])],
                            lambda x: x[np.array([True, False, True])]),
    # pad, cat, stack, split, chunk
    "pad_int": ([(2, 3)], lambda x: x.pad(1), lambda x: np.pad(x, 1)),
    "pad_per_dim_value": ([(2, 3)], lambda x: x.pad(((0, 1), (2, 0)), value=-1.5),
                          lambda x: np.pad(x, ((0, 1), (2, 0)), constant_values=-1.5)),
    "pad_pair": ([(2, 3, 2)], lambda x: x.pad((1, 2)), lambda x: np.pad(x, (1, 2))),
    "cat_dim0": ([(2, 3), (1, 3), (4, 3)], lambda a, b, c: Tensor.cat([a, b, c]),
                 lambda a, b, c: np.concatenate([a, b, c])),
    "cat_dim_last": ([(2, 3), (2, 1)], lambda a, b: Tensor.cat([a, b], dim=-1),
                     lambda a, b: np.concatenate([a, b], axis=-1)),
    "cat_same_tensor_twice": ([(2, 3)], lambda a: Tensor.cat([a, a * 2], dim=1),
                              lambda a: np.concatenate([a, a * 2], axis=1)),
    "stack_dim0": ([(2, 3), (2, 3)], lambda a, b: Tensor.stack([a, b]),
                   lambda a, b: np.stack([a, b])),
    "stack_dim_last": ([(2, 3), (2, 3), (2, 3)], lambda a, b, c: Tensor.stack([a, b, c], dim=-1),
                       lambda a, b, c: np.stack([a, b, c], axis=-1)),
    "split_int": ([(5, 2)], lambda x: x.split(2), lambda x: np.split(x, [2, 4])),
    "split_sizes_dim1": ([(2, 6)], lambda x: x.split([1, 3, 2], dim=1),
                         lambda x: np.split(x, [1, 4], axis=1)),
    "chunk": ([(7, 2)], lambda x: x.chunk(3), lambda x: np.split(x, [3, 6])),
    "chunk_dim1": ([(2, 6)], lambda x: x.chunk(2, dim=1), lambda x: np.split(x, 2, axis=1)),
}


@pytest.mark.parametrize("name", MOVEMENT)
def test_movement_op_matches_numpy(name):
    shapes, tg_fn, np_fn = MOVEMENT[name]
    helper_test_op(shapes, tg_fn, np_fn)


@pytest.mark.parametrize("name", MOVEMENT)
def test_movement_gradcheck_and_gradgradcheck(name):
    shapes, tg_fn, _ = MOVEMENT[name]

    def squared(*xs):
        # the ops are linear, so their second derivative shows only through a product:
        # f(x)^2 has Hessian 2 J^T J, which exercises the backward of each op's backward
        return [out * out for out in (lambda r: r if isinstance(r, tuple) else (r,))(tg_fn(*xs))]

    check_gradients(shapes, squared)


def test_repeated_integer_indices_accumulate_gradients():
    x = Tensor(np.zeros(4), requires_grad=True)
    x[[0, 0, 3, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 0.0, 1.0]
    y = Tensor(np.zeros((2, 2)), requires_grad=True)
    y[Tensor([1, 1]), Tensor([0, 0])].sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0], [2.0, 0.0]]


def test_split_and_chunk_shapes_follow_pytorch():
    x = Tensor.arange(10.0)
    assert [p.shape for p in x.split(4)] == [(4,), (4,), (2,)]
    assert [p.shape for p in x.chunk(3)] == [(4,), (4,), (2,)]
    assert [p.shape for p in x.chunk(5)] == [(2,)] * 5


def test_using_only_some_split_pieces_gives_zero_gradient_elsewhere():
    x = Tensor(np.arange(6.0), requires_grad=True)
    a, b, c = x.split(2)
    (b * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 3.0, 3.0, 0.0, 0.0]


def test_expand_gradient_is_the_sum_over_the_broadcast_axes():
    x = Tensor(np.ones((3, 1)), requires_grad=True)
    w = np.arange(24.0).reshape(2, 3, 4)
    (x.expand(2, 3, 4) * Tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, w.sum(axis=(0, 2)).reshape(3, 1))


def test_reshape_to_the_same_shape_and_view_alias():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    assert x.view(3, 2).shape == (3, 2)
    x.reshape(2, 3).sum().backward()
    assert x.grad.shape == (2, 3)
