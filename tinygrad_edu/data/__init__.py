"""Small, seeded, numpy-only datasets and batching helpers for examples and tests.

Why: teaching examples and end-to-end tests need data that is tiny, deterministic
and dependency-free (no sklearn / torchvision downloads). Each submodule adds
generators; engineers append one import line per submodule below.
"""

from .toy import make_moons, make_blobs, make_circles, train_test_split, iterate_minibatches
from .sequences import adding_problem, running_sum_sign, delayed_echo
from .images import make_shapes, IMAGE_CLASSES
from .digits import read_idx, load_mnist, load_digits8x8
from .planar import make_spirals, make_xor
from .sine import sine_continuation
