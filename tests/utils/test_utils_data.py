"""tinygrad_edu.utils.data (issue 12): Dataset, TensorDataset, Subset, DataLoader, random_split and
default_collate, compared with torch.utils.data where the result does not depend on the random
generator (batches in order, lengths, dtypes), and checked by their invariants where it does."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, manual_seed
from tinygrad_edu.utils.data import (Dataset, TensorDataset, Subset, DataLoader, random_split,
                                     default_collate)


def _data(n=10):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, 3)), rng.integers(0, 4, n)


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (10, True),
                                                  (4, False), (12, True)])
def test_loader_without_shuffle_gives_torchs_batches(torch, batch_size, drop_last):
    x, y = _data()
    ours = DataLoader(TensorDataset(Tensor(x), Tensor(y)), batch_size=batch_size,
                      drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size,
        drop_last=drop_last)
    assert len(ours) == len(theirs)
    got, expected = list(ours), list(theirs)
    assert len(got) == len(expected)
    for (xb, yb), (txb, tyb) in zip(got, expected):
        np.testing.assert_array_equal(xb.data, txb.numpy())
        np.testing.assert_array_equal(yb.data, tyb.numpy())
        assert yb.dtype == np.int64


class Pairs(Dataset):
    """A map-style dataset of Python values, batched by default_collate."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, dtype=np.float32), "y": i, "w": i / 2, "name": f"s{i}"}


def test_default_collate_matches_torch_dtypes_and_values(torch):
    ours = list(DataLoader(Pairs(), batch_size=2))
    theirs = list(torch.utils.data.DataLoader(Pairs(), batch_size=2))
    for a, b in zip(ours, theirs):
        assert a["x"].dtype == np.float32 and a["x"].tolist() == b["x"].tolist()
        assert a["y"].dtype == np.int64 and a["y"].tolist() == b["y"].tolist()
        assert a["w"].dtype == np.float64 and str(b["w"].dtype) == "torch.float64"
        assert a["w"].tolist() == b["w"].tolist() and a["name"] == b["name"]
    pairs = [(Tensor([1.0, 2.0]), 3), (Tensor([4.0, 5.0]), 6)]
    xb, yb = default_collate(pairs)
    assert xb.tolist() == [[1.0, 2.0], [4.0, 5.0]] and yb.tolist() == [3, 6]


def test_shuffle_is_a_fresh_permutation_each_epoch_and_seeded():
    x, y = _data(20)
    loader = DataLoader(TensorDataset(Tensor(x), Tensor(y)), batch_size=6, shuffle=True)
    manual_seed(0)
    epoch1 = np.concatenate([yb.data for _, yb in loader])
    epoch2 = np.concatenate([yb.data for _, yb in loader])
    assert sorted(epoch1.tolist()) == sorted(y.tolist()) == sorted(epoch2.tolist())
    rows = np.concatenate([xb.data for xb, _ in loader])
    assert sorted(map(tuple, rows)) == sorted(map(tuple, x))          # float64 stays float64
    manual_seed(0)
    again = np.concatenate([yb.data for _, yb in loader])
    np.testing.assert_array_equal(epoch1, again)
    firsts = {tuple(next(iter(loader))[1].tolist()) for _ in range(5)}
    assert len(firsts) > 1                                   # the order changes per epoch


def test_generator_drives_the_shuffle():
    x, y = _data(12)
    ds = TensorDataset(Tensor(x), Tensor(y))
    orders = [np.concatenate([yb.data for _, yb in
                              DataLoader(ds, 5, shuffle=True,
                                         generator=np.random.default_rng(7))])
              for _ in range(2)]
    np.testing.assert_array_equal(*orders)
    with pytest.raises(TypeError, match="generator"):
        DataLoader(ds, generator=42)


def test_tensor_dataset_fast_path_equals_stacking_examples():
    x, y = _data(7)
    ds = TensorDataset(Tensor(x), Tensor(y))
    fast = list(DataLoader(ds, batch_size=3))
    slow = list(DataLoader(ds, batch_size=3, collate_fn=default_collate))
    for (a, b), (c, d) in zip(fast, slow):
        np.testing.assert_array_equal(a.data, c.data)
        np.testing.assert_array_equal(b.data, d.data)


def test_gradients_flow_through_batches_of_a_dataset_tensor():
    w = Tensor(np.ones((5, 2)), requires_grad=True)
    for (rows,) in DataLoader(TensorDataset(w), batch_size=2):
        rows.sum().backward()
    np.testing.assert_array_equal(w.grad.data, np.ones((5, 2)))


@pytest.mark.parametrize("lengths", [[7, 3], [0.7, 0.3], [0.5, 0.25, 0.25], [0.34, 0.33, 0.33],
                                     [10, 0]])
def test_random_split_sizes_match_torch_and_partition(torch, lengths):
    x, y = _data(10)
    ours = random_split(TensorDataset(Tensor(x), Tensor(np.arange(10))), lengths)
    theirs = torch.utils.data.random_split(torch.utils.data.TensorDataset(torch.tensor(x)),
                                           lengths)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    seen = sorted(int(s[i][1].item()) for s in ours for i in range(len(s)))
    assert seen == list(range(10))
    assert all(isinstance(s, Subset) for s in ours)


def test_random_split_seeded_and_bad_lengths():
    ds = TensorDataset(Tensor(np.arange(10.0)))
    a = random_split(ds, [5, 5], generator=np.random.default_rng(1))[0].indices
    b = random_split(ds, [5, 5], generator=np.random.default_rng(1))[0].indices
    assert a == b
    with pytest.raises(ValueError, match="summing to the dataset's length 10"):
        random_split(ds, [5, 4])


def test_bad_arguments_are_refused_clearly():
    ds = TensorDataset(Tensor(np.zeros((4, 2))))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=2)
    with pytest.raises(ValueError, match="same first dimension"):
        TensorDataset(Tensor(np.zeros((4, 2))), Tensor(np.zeros(3)))
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(TypeError, match="cannot batch"):
        default_collate([object(), object()])


def test_batch_size_none_yields_examples_and_sampler_orders():
    ds = TensorDataset(Tensor(np.arange(4.0)))
    assert [t[0].item() for t in DataLoader(ds, batch_size=None)] == [0.0, 1.0, 2.0, 3.0]
    loader = DataLoader(ds, batch_size=2, sampler=[3, 1, 0, 2])
    assert [b[0].tolist() for b in loader] == [[3.0, 1.0], [0.0, 2.0]]


def test_tinygrad_generator_drives_loader_and_split():
    from tinygrad_edu import Generator
    x, y = _data(12)
    ds = TensorDataset(Tensor(x), Tensor(y))

    def order():
        loader = DataLoader(ds, 5, shuffle=True, generator=Generator().manual_seed(3))
        return np.concatenate([yb.data for _, yb in loader]).tolist()

    assert order() == order()
    splits = [random_split(ds, [0.5, 0.5], generator=Generator().manual_seed(5))[0].indices
              for _ in range(2)]
    assert splits[0] == splits[1] and len(splits[0]) == 6


def test_utils_data_reachable_after_import_tinygrad_edu():
    import tinygrad_edu
    assert tinygrad_edu.utils.data.DataLoader is DataLoader
