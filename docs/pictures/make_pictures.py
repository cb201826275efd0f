"""Make the two pictures of docs/pictures.md (run from anywhere: they are written next to this file)."""
import os

import numpy as np

from tinygrad_edu import Tensor, manual_seed, nn, viz

HERE = os.path.dirname(os.path.abspath(__file__))

manual_seed(0)
lstm = nn.LSTM(2, 3)
viz.render(viz.draw_recurrent(lstm, Tensor.randn(3, 1, 2, seed=1)), os.path.join(HERE, "lstm_bptt.svg"))

manual_seed(0)
conv = nn.Conv2d(1, 1, 3)
image = np.random.default_rng(0).normal(size=(5, 5))
viz.render(viz.draw_weight_sharing(conv, image), os.path.join(HERE, "conv_sharing.png"))
