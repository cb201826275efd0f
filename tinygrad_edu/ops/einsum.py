"""Einstein summation (torch.einsum), built from permute, diagonal, `*` and sum."""


def einsum(equation, *operands):
    """Einstein summation, e.g. einsum('ij,jk->ik', a, b): multiply along shared labels, sum
    the labels missing from the output. Built from permute, diagonal, `*` and sum, so it is
    differentiable like them.

    Example:
        >>> import tinygrad_edu as tg
        >>> a = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> tg.einsum('ii->', a).item(), tg.einsum('ij,j->i', a, tg.tensor([1.0, 1.0])).tolist()
        (5.0, [3.0, 7.0])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {equation!r} names {len(terms)} operands, got {len(operands)}")
    letters = iter(sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                          - set(equation)))
    ellipsis_ndim = max((t.ndim - len(term.replace("...", "")) for term, t in zip(terms, operands)
                         if "..." in term), default=0)
    broadcast = "".join(next(letters) for _ in range(ellipsis_ndim))
    terms = [term.replace("...", broadcast[len(broadcast) - (t.ndim - len(term) + 3):]
                          if "..." in term else "") for term, t in zip(terms, operands)]
    if not arrow:                   # implicit output: the labels used once, in order
        counts = {}
        for term in terms:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        output = broadcast + "".join(sorted(c for c, n in counts.items()
                                            if n == 1 and c not in broadcast))
    else:
        output = output.replace("...", broadcast)
    labels = list(dict.fromkeys("".join(terms) + output))
    aligned = []
    for term, t in zip(terms, operands):
        if len(term) != t.ndim:
            raise ValueError(f"einsum: term {term!r} has {len(term)} labels for a tensor of shape "
                             f"{t.shape}")
        while len(set(term)) != len(term):          # a repeated label: take the diagonal
            c = next(c for c in term if term.count(c) > 1)
            i = term.index(c)
            j = term.index(c, i + 1)
            t = t.diagonal(0, i, j)
            term = term[:i] + term[i + 1:j] + term[j + 1:] + c
        order = [term.index(c) for c in labels if c in term]
        t = t.permute(*order) if t.ndim else t
        present = [c for c in labels if c in term]
        t = t.reshape(*[t.shape[present.index(c)] if c in present else 1 for c in labels])
        aligned.append(t)
    product = aligned[0]
    for t in aligned[1:]:
        product = product * t
    summed = tuple(i for i, c in enumerate(labels) if c not in output)
    if summed:
        product = product.sum(summed)
    kept = [c for c in labels if c in output]
    if not output:
        return product.reshape(())
    return product.permute(*[kept.index(c) for c in output]) if len(kept) > 1 else product
