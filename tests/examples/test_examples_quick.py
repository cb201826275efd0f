"""The runnable lessons in examples/: each one's --quick mode runs, holds its claim, writes its pictures."""
import importlib.util
import os
import re

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# example, files it writes, a pattern its output must match
CASES = [
    ("micrograd_demo", ["micrograd_moons.png"], r"final accuracy 100%"),
    ("xor", ["xor_linear_vs_mlp.png"], r"claim: .* holds"),
    ("spirals", ["spirals_decision_regions.png", "spirals_linear_regions.png", "spirals_curves.png"],
     r"held-out (8\d|9\d|100)\.\d%"),
    ("cnn_shapes", ["cnn_vs_mlp_curves.png"], r"claim: .* holds"),
    ("lstm_sine", ["lstm_sine_rollout.png"], r"claim: .* holds"),
    ("autoencoder_pca", ["autoencoder_pca.png"], r"claim: .* holds"),
]


@pytest.mark.parametrize("name, files, pattern", CASES, ids=[c[0] for c in CASES])
def test_quick_mode_runs_and_holds_its_claim(capsys, tmp_path, name, files, pattern):
    module = load(name)
    assert module.__doc__ and "What it teaches" in module.__doc__
    code = module.main(["--quick", "--out", str(tmp_path), "--seed", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(pattern, out), out
    for file in files:
        data = (tmp_path / file).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, file     # a real picture
        assert file in out, file                                # and the example names it


def test_every_example_script_is_tested_or_owned_elsewhere():
    scripts = {f[:-3] for f in os.listdir(EXAMPLES) if f.endswith(".py")}
    mine = {c[0] for c in CASES}
    rngd = {s for s in scripts if s.startswith("rngd_")}        # tested in tests/optim
    assert scripts - mine - rngd == set()


def test_the_autoencoder_example_measures_angles_correctly():
    """The helper the claim rests on: 0 for the same subspace, 90 degrees for orthogonal ones."""
    import numpy as np
    module = load("autoencoder_pca")
    A = np.eye(5)[:, :2]
    assert module.largest_angle_degrees(A, A @ np.array([[2.0, 1.0], [0.0, 3.0]])) == \
        pytest.approx(0.0, abs=1e-6)
    assert module.largest_angle_degrees(A, np.eye(5)[:, 2:4]) == pytest.approx(90.0)
    X = module.low_rank_data(200, 0)
    _, directions, best = module.pca(X.astype(np.float64), 3)
    centred = X - X.mean(axis=0)
    projected = centred @ directions @ directions.T
    assert best == pytest.approx(float(((centred - projected) ** 2).mean()), rel=1e-4)
