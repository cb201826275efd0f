"""Lesson: Cover's function counting theorem, checked against brute force.

The course notes (lectures), sec. 1.2, Theorem 1.4: s points in general position in R^n admit C(s,
n) = 2 sum_{i<n} binom(s-1, i) labellings that a hyperplane through the origin realises. The lesson
draws random (hence general-position) points, decides each of the 2^s labellings with a linear
program, and compares the count with the formula and with the proof's recursion C(s+1, n) = C(s, n)
+ C(s, n-1). It then shows the fraction C(s, n)/2^s: 1 up to s = n, exactly 1/2 at s = 2n, falling
to 0 beyond (the capacity of a linear unit is 2n).

OCR note: the notes state C(s+1, n) = 2 sum_{i=0}^{n-1} binom(s, i); it is the same formula
with s shifted by one, checked here for every s <= 9, n <= 4 against enumeration.
"""
import numpy as np
from tqdm import tqdm

from tinygrad_edu.classic import cover_count, cover_recursion, linear_dichotomies
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 1.2, Theorem 1.4 (Cover)"


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Count linear dichotomies by brute force for small s, n and compare with C(s, n).

    Example:
        >>> run(quick=True)["checks"]["brute force = C(s, n)"]
        True
    """
    rng = np.random.default_rng(seed)
    max_s, max_n = (6, 3) if quick else (9, 4)
    table = []
    sizes = [(n, s) for n in range(1, max_n + 1) for s in range(1, max_s + 1)]
    for n, s in tqdm(sizes, desc="enumerating", leave=False, disable=None):  # bar on a terminal only
        counted = len(linear_dichotomies(rng.normal(size=(s, n))))
        table.append((s, n, counted, cover_count(s, n), cover_recursion(s, n)))
    print("   s  n  enumerated  C(s,n)")
    for s, n, counted, formula, _ in table:
        print(f"  {s:2d} {n:2d}  {counted:10d}  {formula:6d}")
    dims = (2, 5, 10, 25)
    ratio = np.linspace(0.1, 4, 40)
    fractions = {}
    for n in dims:
        s_values = np.maximum(1, np.round(ratio * n).astype(int))
        fractions[f"n = {n}"] = (s_values / n, [cover_count(int(s), n) / 2.0 ** s for s in s_values])
    half = [cover_count(2 * n, n) / 2.0 ** (2 * n) for n in range(1, 30)]
    checks = {
        "brute force = C(s, n)": all(c == f for _, _, c, f, _ in table),
        "recursion = closed form": all(f == r for _, _, _, f, r in table),
        "all 2^s labellings when s <= n": all(f == 2 ** s for s, n, _, f, _ in table if s <= n),
        "C(2n, n) / 2^(2n) = 1/2": bool(np.allclose(half, 0.5)),
    }
    figure = plot_lines(out_dir, "cover_fraction.png", fractions, xlabel="s / n",
                        ylabel="C(s, n) / 2^s", title="Fraction of labellings a hyperplane realises")
    return {"table": table, "half_at_2n": half, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
