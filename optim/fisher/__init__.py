"""Fisher information tools: the closed-form RFIMs of Sun & Nielsen (2016) and their autodiff definitions.

    closed_form  nu_f coefficients (tanh, sigmoid, smooth (P)ReLU, ELU, linear), neuron, layer
                 (block-diagonal, eqs. 22-23) and softmax (eq. 25) RFIMs, in numpy
    definition   the same matrices from Definition 1 (E[score score^T]) with the engine's autodiff
    model        empirical Fisher and exact FIM of a small model; the gradient-structure identity
    spd          the inverse of stacked SPD blocks by block elimination (RNGD's refresh)

Example:
    >>> import numpy as np
    >>> from tinygrad_edu.optim.fisher import layer_rfim, layer_rfim_autodiff
    >>> W, b, x = np.ones((2, 3)), np.zeros(2), np.eye(3)
    >>> bool(np.allclose(layer_rfim(W, b, x, "tanh"), layer_rfim_autodiff(W, b, x, "tanh")))
    True
"""
from .closed_form import (augment, block_diag, layer_rfim, layer_rfim_blocks, neuron_rfim, nu,
                          nu_elu, nu_linear, nu_relu, nu_sigmoid, nu_tanh, sigm, smooth_relu,
                          softmax_rfim)
from .definition import (expected_score_outer, layer_rfim_autodiff, neuron_rfim_autodiff,
                         softmax_rfim_autodiff)
from .model import (empirical_fisher, fisher_information, gradient_structure_identity,
                    neuron_major_permutation)
from .spd import spd_inverse

__all__ = ["augment", "block_diag", "layer_rfim", "layer_rfim_blocks", "neuron_rfim", "nu",
           "nu_elu", "nu_linear", "nu_relu", "nu_sigmoid", "nu_tanh", "sigm", "smooth_relu",
           "softmax_rfim", "expected_score_outer", "layer_rfim_autodiff", "neuron_rfim_autodiff",
           "softmax_rfim_autodiff", "empirical_fisher", "fisher_information",
           "gradient_structure_identity", "neuron_major_permutation", "spd_inverse"]
