"""Primitive ops, one `Function` per op, grouped by kind; each module also holds the
`*Methods` mixin that wires its ops to `Tensor` methods and operators."""
