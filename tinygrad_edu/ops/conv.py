"""Convolution and pooling (filled in with the CNN work)."""


class ConvMethods:
    """Convolution, pooling and dropout methods of `Tensor` (mixed into the class)."""

    __slots__ = ()
