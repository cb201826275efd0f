"""Regions: which Module call (or `with viz.region(...)`) made each node of a graph.

A drawn graph of a real model has hundreds of ops; grouping them by the layer that made
them ("layers.0: Linear") is what makes the picture readable.

How, at no cost per op: every recorded node gets a creation number `node.seq` from the
counter `tinygrad_edu.function._sequence`. Opening a region takes a number from the same
counter and closing it takes another, so the nodes made in between have numbers in
between. A region is therefore just (label, first, last), written once when it closes;
at drawing time each op goes to the innermost region whose range holds its number.
Ops pay nothing; a Module call under `record` pays two hook calls.

Closed regions go to a bounded log (the newest `MAX_REGIONS` are kept), the only state of
this package: drawing reads it, `clear_regions()` empties it.
"""
import contextlib
from collections import deque
from typing import Dict, List, NamedTuple, Optional

from tinygrad_edu.function import _sequence

MAX_REGIONS = 100_000


class Region(NamedTuple):
    """A labelled range of node sequence numbers: ops with first < seq < last belong to it."""

    label: str
    first: int
    last: int


_LOG = deque(maxlen=MAX_REGIONS)


def recorded_regions() -> List[Region]:
    """The regions closed so far (oldest first), what `draw_graph` uses by default."""
    return list(_LOG)


def clear_regions():
    """Forget every recorded region (pictures drawn afterwards have no clusters)."""
    _LOG.clear()


@contextlib.contextmanager
def region(label: str):
    """Group the ops made inside the `with` block in a labelled cluster of the drawing.

    Regions nest, and they nest inside Module regions (see `record`). An RNN unrolled by
    hand can put each time step in its own region, so the picture shows one box per step
    with the weights (used by every step) outside them:

        for t in range(T):
            with viz.region(f"t={t}"):
                h = cell(x[t], h)

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor([1.0, 2.0], requires_grad=True)
        >>> with viz.region("encoder"):
        ...     h = (a * 2).tanh()
        >>> 'label=encoder' in viz.to_dot(h)
        True
    """
    first = next(_sequence)
    try:
        yield
    finally:
        _LOG.append(Region(str(label), first, next(_sequence)))


class RegionHooks:
    """Hooks on every submodule of a model that open a region per Module call.

    Returned by `regions_for(model)`; call `remove()` to take the hooks off again (or use
    `with viz.record(model):`, which does it for you).
    """

    def __init__(self, model, prefix: str = ""):
        if not hasattr(model, "named_modules") or not hasattr(model, "register_forward_hook"):
            raise TypeError(f"viz.regions_for: expected an nn.Module, got {type(model).__name__}; "
                            f"for a block of code use `with viz.region('label'):` instead")
        self._open = []     # (module, label, first) of the calls in progress, innermost last
        self._handles = []
        for name, module in model.named_modules():
            dotted = ".".join(p for p in (prefix, name) if p)
            label = f"{dotted}: {type(module).__name__}" if dotted else type(module).__name__
            self._handles.append(module.register_forward_pre_hook(self._make_opener(label)))
            self._handles.append(module.register_forward_hook(self._close))
        # Name the parameters by their dotted path, so pictures say "layers.0.weight".
        # Tensor.name is only a label; names the user chose are kept.
        for name, parameter in model.named_parameters():
            if parameter.name is None:
                parameter.name = ".".join(p for p in (prefix, name) if p)

    def _make_opener(self, label):
        def open_region(module, inputs):
            self._open.append((module, label, next(_sequence)))
        return open_region

    def _close(self, module, inputs, output):
        # Pop up to this module's entry: entries above it belong to calls that raised
        # inside it (their forward hook never ran), so their region is dropped.
        while self._open:
            opened, label, first = self._open.pop()
            if opened is module:
                _LOG.append(Region(label, first, next(_sequence)))
                return

    def remove(self):
        """Unregister every hook (regions already recorded stay in the log)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._open = []


def regions_for(model, prefix: str = "") -> RegionHooks:
    """Make every call of `model` and of its submodules a region, until `.remove()`.

    Regions are labelled "dotted.name: Class" ("layers.0: Linear"); the model itself gets
    its class name (or `prefix`). Parameters without a `name` are named by their dotted
    path. Use this for a model you keep drawing (e.g. in a notebook); `record` is the
    same thing for one `with` block.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> from tinygrad_edu import Tensor
        >>> model = nn.MLP([2, 3, 1])
        >>> hooks = viz.regions_for(model)
        >>> out = model(Tensor.ones(4, 2))
        >>> hooks.remove()
        >>> 'label="layers.0: Linear"' in viz.to_dot(out)
        True
    """
    return RegionHooks(model, prefix)


@contextlib.contextmanager
def record(model, prefix: str = ""):
    """Inside the block, every Module call of `model` makes a region (see `regions_for`).

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> from tinygrad_edu import Tensor
        >>> model = nn.MLP([2, 3, 1])
        >>> with viz.record(model):
        ...     loss = model(Tensor.ones(4, 2)).sum()
        >>> viz.to_dot(loss).count("subgraph cluster_")   # MLP, Sequential, 2 Linear, ReLU
        5
    """
    hooks = RegionHooks(model, prefix)
    try:
        yield hooks
    finally:
        hooks.remove()


# ---------------------------------------------------------------- assignment at drawing time

class Placement(NamedTuple):
    """Where ops go: `owner[i]` is the region index of op i (or None), `parent[r]` of region r."""

    regions: List[Region]
    owner: List[Optional[int]]
    parent: Dict[int, Optional[int]]


def place_ops(seqs: List[int], regions) -> Placement:
    """Give each op (by its sequence number) its innermost region, in one sweep.

    Regions made by one thread nest like the calls that made them (each one is either
    inside another or disjoint from it), so sweeping the numbers in order with a stack of
    the open regions finds the innermost one without comparing every op with every region.
    """
    if not seqs:
        return Placement([], [], {})
    lo, hi = min(seqs), max(seqs)
    candidates = sorted((r for r in regions if r.first < hi and r.last > lo),
                        key=lambda r: (r.first, -r.last))
    owner = [None] * len(seqs)
    parent, stack, used = {}, [], set()
    next_region = 0
    for i in sorted(range(len(seqs)), key=seqs.__getitem__):
        s = seqs[i]
        while next_region < len(candidates) and candidates[next_region].first < s:
            start = candidates[next_region].first
            while stack and candidates[stack[-1]].last < start:
                stack.pop()
            parent[next_region] = stack[-1] if stack else None
            stack.append(next_region)
            next_region += 1
        while stack and candidates[stack[-1]].last < s:
            stack.pop()
        if stack:
            owner[i] = stack[-1]
            used.add(stack[-1])
    # keep the regions that hold an op, and the regions around them
    keep = set()
    for r in used:
        while r is not None and r not in keep:
            keep.add(r)
            r = parent[r]
    index = {old: new for new, old in enumerate(sorted(keep))}
    return Placement([candidates[r] for r in sorted(keep)],
                     [None if o is None else index[o] for o in owner],
                     {index[r]: (None if parent[r] is None else index[parent[r]]) for r in keep})


def common_region(placement: Placement, region_indices) -> Optional[int]:
    """The innermost region that contains all the given regions (None: top level)."""
    def chain(r):
        path = []
        while r is not None:
            path.append(r)
            r = placement.parent[r]
        return path[::-1]       # outermost first

    common = None
    for r in region_indices:
        if r is None:
            return None
        path = chain(r)
        if common is None:
            common = path
            continue
        depth = 0
        while depth < min(len(common), len(path)) and common[depth] == path[depth]:
            depth += 1
        common = common[:depth]
        if not common:
            return None
    return common[-1] if common else None
