"""A run SIGKILLed at random moments and resumed each time ends with the weights, bit for bit,
of a run never interrupted (issue: training that resumes after a kill with nothing lost)."""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from tinygrad_edu import nn

CHILD = os.path.join(os.path.dirname(__file__), "resume_child.py")
KILLS = 24


def _fast_tmp(tmp_path):
    """A folder in memory when the system has one (each checkpoint's fsync is then cheap)."""
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return tempfile.mkdtemp(dir="/dev/shm", prefix="tinygrad-edu-kill-")
    return str(tmp_path)


def _epochs_saved(folder):
    path = os.path.join(folder, "last.npz")
    return nn.load(path, allow_nonfinite=True)["epoch"] if os.path.exists(path) else 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
                    reason="needs SIGKILL and fork")
def test_killed_at_random_moments_and_resumed_ends_with_identical_weights(tmp_path):
    base = _fast_tmp(tmp_path)
    server = None
    try:
        reference = os.path.join(base, "reference.npy")          # a plain, uninterrupted process
        subprocess.run([sys.executable, CHILD, os.path.join(base, "reference"), reference],
                       check=True, timeout=300, capture_output=True)
        expected = np.load(reference)
        server = subprocess.Popen([sys.executable, CHILD, "--serve"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        rng = random.Random(20)
        kills, rounds, landed = 0, 0, []
        while kills < KILLS:
            rounds += 1
            folder, result = os.path.join(base, f"run{rounds}"), os.path.join(base, f"run{rounds}.npy")
            while True:
                server.stdin.write(f"{folder} {result} {rng.uniform(0.0, 0.25):.4f}\n")
                server.stdin.flush()
                answer = server.stdout.readline().strip()
                if answer == "killed":
                    kills += 1
                    landed.append(_epochs_saved(folder))
                    continue
                assert answer == "done 0", answer
                break
            got = np.load(result)
            assert got.dtype == expected.dtype and got.shape == expected.shape
            assert np.array_equal(got, expected), \
                f"round {rounds}: the resumed run differs from the uninterrupted one by " \
                f"{np.abs(got - expected).max()}"
            leftovers = [n for n in os.listdir(folder) if n.endswith(".tmp")]
            assert leftovers == [], f"stale temporary files were not cleaned: {leftovers}"
        print(f"{kills} kills over {rounds} rounds; epochs saved when they landed: {landed}")
        # the kills landed all along the training, not only at its start
        assert len(set(landed)) >= 5, f"epochs saved when the kills landed: {landed}"
    finally:
        if server is not None:
            server.stdin.close()
            server.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)
