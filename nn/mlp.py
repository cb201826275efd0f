"""`MLP`: the multi-layer perceptron, the first network of every course."""
from .module import Module
from .linear import Linear, Sequential
from .activation import make_activation


class MLP(Module):
    """Linear layers of the given sizes with an activation between them.

    `MLP([2, 16, 16, 1])` is Linear(2,16), ReLU, Linear(16,16), ReLU, Linear(16,1); the
    layers sit in `self.layers` (a Sequential), so hooks and names are the usual ones.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> MLP([2, 16, 16, 1])(Tensor.ones(5, 2)).shape
        (5, 1)
    """

    def __init__(self, sizes, activation="relu", output_activation=None, bias: bool = True):
        super().__init__()
        sizes = list(sizes)
        if len(sizes) < 2 or any(int(s) <= 0 for s in sizes):
            raise ValueError(f"MLP: sizes must list at least an input and an output width, all "
                             f"positive, got {sizes}")
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(fan_in, fan_out, bias=bias))
            if i < len(sizes) - 2:
                layers.append(make_activation(activation))
        if output_activation is not None:
            layers.append(make_activation(output_activation))
        self.sizes = sizes
        self.layers = Sequential(*layers)

    def forward(self, x):
        return self.layers(x)
