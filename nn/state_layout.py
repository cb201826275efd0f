"""Nested state (an optimiser's `state_dict()`, a training checkpoint) as arrays only.

Why: an optimiser's state is a dict of dicts and lists (`{"state": {0: {"exp_avg": ...}},
"param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), ...}]}`) and `np.savez` stores only
flat name -> array. Pickle would store anything, and would run anything when loaded. So the
arrays become members of the `.npz` as usual, and the shape of the structure (dict keys,
lists, tuples, and the plain numbers, booleans, strings and None in it) goes into one more
member, `__layout__`, a uint8 array holding JSON text. JSON numbers round-trip Python
floats exactly; reading JSON never runs code.
"""
import json
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

LAYOUT = "__layout__"
_MAX_DEPTH = 32


def is_flat(state) -> bool:
    """True for a plain name -> array (or Tensor) state dict: stored without a layout, as before."""
    return isinstance(state, Mapping) and all(
        isinstance(k, str) and (isinstance(v, (np.ndarray, np.generic))
                                or isinstance(getattr(v, "data", None), np.ndarray))
        for k, v in state.items())


def encode(state, as_array):
    """(layout JSON as a uint8 array, ordered dict member name -> array) for a nested state.

    `as_array(value, where)` turns a Tensor or array into a storable numpy array (or raises).
    """
    arrays = OrderedDict()

    def node(value, path, depth):
        where = "/".join(path) or "the top level"
        if depth > _MAX_DEPTH:
            raise TypeError(f"nn.save: the state is nested more than {_MAX_DEPTH} levels deep "
                            f"(at {where})")
        if value is None or isinstance(value, (bool, int, float, str)):
            return value            # Python values: JSON keeps them exactly (floats round-trip)
        if isinstance(value, Mapping):
            items = []
            for key, item in value.items():
                if isinstance(key, bool) or not isinstance(key, (str, int, np.integer)):
                    raise TypeError(f"nn.save: dict keys must be strings or integers, got "
                                    f"{key!r} at {where}")
                key = key if isinstance(key, str) else int(key)
                items.append([key, node(item, path + [str(key)], depth + 1)])
            return {"d": items}
        if isinstance(value, (list, tuple)):
            kind = "l" if isinstance(value, list) else "t"
            return {kind: [node(item, path + [str(i)], depth + 1) for i, item in enumerate(value)]}
        array = as_array(value, where)
        name = "/".join(path) or "value"
        while name in arrays or name == LAYOUT:
            name += "_"
        arrays[name] = array
        # a numpy scalar (np.float32(0.5)) comes back as one, with its dtype
        return {"s" if isinstance(value, np.generic) else "a": name}

    text = json.dumps(node(state, [], 0))
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8).copy(), arrays


def decode(layout, arrays, owner, path):
    """Rebuild the nested state from the `__layout__` array and the other members."""
    try:
        tree = json.loads(bytes(np.asarray(layout, dtype=np.uint8)).decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{owner}: the layout of {path!r} is not valid JSON ({error}); the file "
                         f"is damaged") from None
    used = set()

    def bad(why):
        return ValueError(f"{owner}: the layout of {path!r} {why}; the file is damaged or was not "
                          f"written by nn.save")

    def build(item, depth):
        if depth > _MAX_DEPTH:
            raise bad(f"is nested more than {_MAX_DEPTH} levels deep")
        if item is None or isinstance(item, (bool, int, float, str)):
            return item
        if not isinstance(item, dict) or len(item) != 1:
            raise bad(f"holds {str(item)[:60]!r}, which is not a value, dict, list or array")
        (kind, body), = item.items()
        if kind in ("a", "s"):
            if not isinstance(body, str) or body not in arrays or body in used:
                raise bad(f"refers to the array {body!r}, which is missing or used twice")
            used.add(body)
            if kind == "s":
                if arrays[body].shape != ():
                    raise bad(f"makes a scalar of the array {body!r} of shape {arrays[body].shape}")
                return arrays[body][()]
            return arrays[body]
        if kind in ("l", "t") and isinstance(body, list):
            values = [build(part, depth + 1) for part in body]
            return values if kind == "l" else tuple(values)
        if kind == "d" and isinstance(body, list):
            result = OrderedDict() if depth == 0 else {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], (str, int))
                        and not isinstance(pair[0], bool)) or pair[0] in result:
                    raise bad("holds a dict entry that is not a new [key, value] pair")
                result[pair[0]] = build(pair[1], depth + 1)
            return result
        raise bad(f"holds an unknown node {kind!r}")

    state = build(tree, 0)
    unused = sorted(set(arrays) - used)
    if unused:
        raise bad(f"does not mention the arrays {unused}")
    return state
