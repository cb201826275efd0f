"""Helpers the lessons share: where figures go, and a line plot through `viz`."""
import os


def figure_path(out_dir, filename):
    """The path of a figure in `out_dir` (created if needed), or None when out_dir is None."""
    if out_dir is None:
        return None
    os.makedirs(out_dir, exist_ok=True)
    return os.path.join(str(out_dir), filename)


def plot_lines(out_dir, filename, series, **labels):
    """Write `series` with `viz.plot_lines` to out_dir/filename; returns the path (or None)."""
    path = figure_path(out_dir, filename)
    if path is not None:
        from tinygrad_edu import viz
        viz.plot_lines(series, path=path, **labels)
    return path


def all_hold(checks: dict) -> bool:
    """True when every named claim of a lesson held."""
    return all(bool(v) for v in checks.values())
