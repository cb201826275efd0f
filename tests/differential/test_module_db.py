"""PyTorch's own module test database against tinygrad_edu's nn, in float64 on the CPU.

Every `module_db` ModuleInfo whose class exists in `tinygrad_edu.nn` runs on all of PyTorch's
sample inputs, in train and eval mode: same constructor arguments, PyTorch's state dict copied
in, then outputs, input and parameter gradients (one fixed upstream gradient) and buffers after
the forward must agree, and a sample PyTorch refuses must be refused here too. The harness is
`moduledb.py`; `python tests/differential/moduledb.py` prints the counts and every disagreement.
Skipped when PyTorch or its test helpers (the `expecttest` package) are not installed.
"""
import pytest

torch = pytest.importorskip("torch")

from moduledb import (SKIPS, torch_modules, matched_infos, run_info, samples_of,  # noqa: E402
                      skip_reason, float64_defaults)

MODULE_DB = torch_modules()
if MODULE_DB is None:
    pytest.skip("PyTorch's test helpers need the expecttest package", allow_module_level=True)

# The classes that must be matched: a rename on either side shows up here, not as a silent
# shrink of the comparison.
EXPECTED = {
    "AvgPool1d", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d",
    "Conv1d", "Conv2d", "CrossEntropyLoss", "ELU", "Embedding", "GELU", "GRU", "GRUCell",
    "L1Loss", "LSTM", "LSTMCell", "LayerNorm", "LazyConv2d", "LeakyReLU", "Linear", "LogSoftmax",
    "MSELoss", "MaxPool1d", "MaxPool2d", "NLLLoss", "RNN", "RNNCell", "ReLU", "SiLU", "Sigmoid",
    "Softmax", "Softplus", "Tanh",
}


@pytest.fixture(scope="module")
def infos():
    return matched_infos(MODULE_DB)


def test_every_expected_module_is_matched(infos):
    names = {info.module_cls.__name__ for info in infos}
    assert EXPECTED <= names, f"not matched any more: {sorted(EXPECTED - names)}"


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_every_sample_agrees_with_pytorch(infos, training):
    inputs, failures = 0, []
    with float64_defaults(torch):
        for info in infos:
            agreeing, skipped, failed = run_info(info, training, torch)
            inputs += agreeing + len(failed)
            failures += [f"{info.module_cls.__name__} [{desc}]: {message}"
                         for desc, message in failed]
    assert inputs > 300, f"only {inputs} sample inputs ran"
    assert not failures, f"{len(failures)} of {inputs} samples disagree:\n" + "\n".join(failures)


def test_every_skip_is_used(infos):
    """A skip whose module or sample is gone from the database must be deleted, not kept."""
    seen = set()
    for info in infos:
        for training in (True, False):
            for k, sample in enumerate(samples_of(info, training, torch)):
                desc = sample.desc or f"sample {k}"
                if skip_reason(info.module_cls.__name__, desc, training):
                    seen.update(key for key in SKIPS if key[0] == info.module_cls.__name__
                                and (key[1] is None or key[1] in desc))
    assert seen == set(SKIPS), f"unused skips: {sorted(set(SKIPS) - seen)}"
