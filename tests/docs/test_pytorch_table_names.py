"""docs/pytorch.md's "Coming from PyTorch" table names only what exists: every `name` in the
PyTorch column of a row answered "same" is found on tinygrad_edu, Tensor, nn or
nn.functional (so the table cannot promise an op that was renamed or never written)."""
import re
from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn

PAGE = Path(__file__).resolve().parents[2] / "docs" / "pytorch.md"
NOT_NAMES = {"torch", "import", "cpu", "fro", "nuc", "inf", "same", "strided", "x"}


def _rows():
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 2 and cells[1].startswith("same"):
            yield cells[0]


def _exists(name):
    places = (tg, Tensor, nn, nn.Module, nn.functional, tg.optim, tg.optim.lr_scheduler, nn.utils)
    layers = [getattr(nn, n) for n in dir(nn) if isinstance(getattr(nn, n), type)]
    return any(hasattr(where, name) for where in places + tuple(layers))


def test_every_name_of_the_table_exists():
    rows = list(_rows())
    assert len(rows) >= 15
    # `name`, `torch.name`, `nn.Name(...)`, `x.name`; a family such as `ZeroPad*` or a keyword
    # argument such as `dtype=` is not a name
    names = {n for row in rows
             for n in re.findall(r"`(?:[A-Za-z]+\.)*([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_*=])", row)}
    names -= NOT_NAMES
    assert len(names) > 200
    missing = sorted(n for n in names if not _exists(n))
    assert not missing, f"docs/pytorch.md names what does not exist: {missing}"
