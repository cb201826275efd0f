"""Turn the children's results into ratios against the targets, loss checks and a text table.

Ratios are always time(tinygrad_edu) / time(baseline) on medians measured in the same run, so a
ratio below the target means tinygrad_edu is fast enough; the target sits next to each ratio.
"""
from __future__ import annotations

from typing import Any

from tinygrad_edu.bench import rngd_floor
from tinygrad_edu.bench.workloads import (IMPL_LABELS, NUMPY, NUMPY_GEMM, TINYGRAD, WORKLOADS,
                                          Workload)

LOSS_RTOL = 1e-4
Result = dict[str, Any]


def _label(workload: Workload, impl: str) -> str:
    """Row label; in the RNGD workload the subject is tinygrad_edu with RNGD."""
    if workload.name == "RNGD" and impl == TINYGRAD:
        return "tinygrad_edu RNGD"
    return IMPL_LABELS.get(impl, impl)


def _by_impl(results: list[Result], workload: Workload) -> dict[str, Result]:
    """The results of one workload, keyed by implementation."""
    return {r["impl"]: r for r in results if r["workload"] == workload.name}


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    """Every tinygrad_edu / baseline ratio of the run, with its target and whether it is met."""
    rows = []
    for workload in WORKLOADS.values():
        found = _by_impl(results, workload)
        subject = found.get(TINYGRAD)
        subject_ok = subject is not None and subject.get("status") == "ok"
        if workload.kind == "memory":
            if subject_ok:
                target = workload.targets["growth_mb"]
                rows.append({"workload": workload.name, "baseline": "growth_mb",
                             "value": subject["growth_mb"], "target": target,
                             "met": subject["growth_mb"] < target})
            continue
        for impl in workload.impls:
            base = found.get(impl)
            if impl == TINYGRAD or base is None:
                continue
            row = {"workload": workload.name, "baseline": impl,
                   "target": workload.targets.get(impl), "ratio": None, "met": None}
            if subject_ok and base.get("status") == "ok":
                base_ms = base["median_ms"]
                if impl == NUMPY_GEMM:  # RNGD against its flop floor, not the GEMM step itself
                    base_ms = rngd_floor.floor_ms(base_ms)
                row["ratio"] = subject["median_ms"] / base_ms
                if row["target"] is not None:
                    row["met"] = row["ratio"] <= row["target"]
            rows.append(row)
    return rows


def loss_warnings(results: list[Result]) -> list[str]:
    """Warnings where an implementation's first-step loss differs from the reference's by > 1e-4.

    All implementations start from the same weights and data, so the first losses must agree;
    the reference is the numpy baseline (or the first implementation that ran).
    """
    warnings = []
    for workload in WORKLOADS.values():
        ok = [r for r in _by_impl(results, workload).values()
              if r.get("status") == "ok" and r.get("first_loss") is not None]
        if len(ok) < 2:
            continue
        reference = next((r for r in ok if r["impl"] == NUMPY), ok[0])
        ref_loss = reference["first_loss"]
        for r in ok:
            rel = abs(r["first_loss"] - ref_loss) / max(abs(ref_loss), 1e-12)
            if r is not reference and rel > LOSS_RTOL:
                warnings.append(f"WARNING {workload.name}: first loss of {r['impl']} is "
                                f"{r['first_loss']:.7g}, {reference['impl']} has {ref_loss:.7g} "
                                f"(relative difference {rel:.2e} > {LOSS_RTOL:g})")
    return warnings


def _verdict(row: dict[str, Any]) -> str:
    """'ok' / 'MISS' / '' for a ratio row."""
    if row.get("met") is None:
        return ""
    return "ok" if row["met"] else "MISS"


def _time_rows(workload: Workload, found: dict[str, Result],
               ratio_rows: dict[str, dict[str, Any]]) -> list[str]:
    """Table lines of a timed workload: one per implementation, ratio and target at the right."""
    lines = [f"  {'implementation':20s} {'median ms':>10s} {'min ms':>10s} {'max ms':>10s} "
             f"{'cpu ms':>10s} {'first loss':>12s}  {'tg/this':>8s}  target"]
    for impl in workload.impls:
        r = found.get(impl)
        label = _label(workload, impl)
        if r is None:
            continue
        if r.get("status") != "ok":
            lines.append(f"  {label:20s} {r.get('status')}: {r.get('error', '')}"[:160])
            continue
        loss = f"{r['first_loss']:.6g}" if r.get("first_loss") is not None else "-"
        line = (f"  {label:20s} {r['median_ms']:10.3f} {r['min_ms']:10.3f} {r['max_ms']:10.3f} "
                f"{r.get('cpu_median_ms', float('nan')):10.3f} {loss:>12s}")
        row = ratio_rows.get(impl)
        if row is not None:
            ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
            target = f"<= {row['target']:g}" if row["target"] is not None else ""
            line += f"  {ratio:>8s}  {target:7s} {_verdict(row)}"
        lines.append(line.rstrip())
    return lines


def _floor_lines(found: dict[str, Result]) -> list[str]:
    """The RNGD workload's flop floor, spelled out (bench/rngd_floor.py)."""
    gemm, rngd, sgd = found.get(NUMPY_GEMM), found.get(TINYGRAD), found.get("tinygrad_sgd")
    if not gemm or gemm.get("status") != "ok":
        return []
    flops = rngd_floor.step_flops()["total"]
    rate = rngd_floor.gemm_flops(rngd_floor.gemm_shapes()) / gemm["median_ms"] / 1e6
    floor = rngd_floor.floor_ms(gemm["median_ms"])
    lines = [f"  flop floor: {flops / 1e6:.0f} MFLOP per step at {rate:.1f} GFLOP/s (numpy's "
             f"GEMMs on the step's shapes, this run) = {floor:.3f} ms"]
    if rngd and rngd.get("status") == "ok":
        times = rngd["times_ms"]
        mean, floor_refresh = sum(times) / len(times), rngd_floor.floor_ms(gemm["median_ms"], True)
        line = (f"  RNGD median {rngd['median_ms']:.3f} ms = {rngd['median_ms'] / floor:.2f} x "
                f"floor; mean (with inverse refreshes) {mean:.3f} ms = "
                f"{mean / floor_refresh:.2f} x floor with refreshes ({floor_refresh:.3f} ms)")
        if sgd and sgd.get("status") == "ok":
            line += f"; RNGD / SGD {rngd['median_ms'] / sgd['median_ms']:.1f}"
        lines.append(line)
        if rngd.get("cpu_median_ms") and gemm.get("cpu_median_ms"):  # robust on a busy host
            cpu_floor = rngd_floor.floor_ms(gemm["cpu_median_ms"])
            lines.append(f"  in CPU time: RNGD {rngd['cpu_median_ms']:.3f} ms, floor "
                         f"{cpu_floor:.3f} ms, ratio {rngd['cpu_median_ms'] / cpu_floor:.2f}")
    return lines


def _memory_rows(workload: Workload, found: dict[str, Result]) -> list[str]:
    """Table lines of the memory workload (W6)."""
    target = workload.targets["growth_mb"]
    lines = []
    for impl in workload.impls:
        r = found.get(impl)
        if r is None:
            continue
        label = _label(workload, impl)
        if r.get("status") != "ok":
            lines.append(f"  {label:20s} {r.get('status')}: {r.get('error', '')}"[:160])
            continue
        verdict = "ok" if r["growth_mb"] < target else "MISS"
        lines.append(f"  {label:20s} growth {r['growth_mb']:7.3f} MB (retained "
                     f"{r['retained_growth_mb']:+.3f}, peak {r['peak_growth_mb']:+.3f}, RSS "
                     f"{r['rss_delta_mb']:+.1f} MB; {r['median_ms']:.2f} ms/step traced)  "
                     f"target < {target:g} MB {verdict if impl == TINYGRAD else ''}".rstrip())
    return lines


def format_table(results: list[Result], environment: dict[str, Any]) -> str:
    """The whole text report: environment line, one block per workload, loss warnings."""
    env = environment
    lines = [f"tinygrad_edu benchmarks  {env['date']}  commit {env['git_commit']}",
             f"CPU {env['cpu_model']} ({env['cpu_count']} cores), threads {env['threads']}, "
             f"python {env['python']}, numpy {env['numpy']} ({env['numpy_blas']}), "
             f"torch {env['torch'] or 'not installed'}",
             "ms per step (forward + backward + SGD update); tg/this = tinygrad_edu / that row, "
             "medians of this run; cpu ms = median process CPU time per step"]
    load = env.get("load_average_before")
    if load and load[0] >= 1.0:
        lines.append(f"WARNING: the machine was busy (load average {load[0]:.1f} on "
                     f"{env['cpu_count']} cores before the run): wall times are inflated "
                     f"and noisy; compare the cpu ms column or rerun when idle")
    lines.append("")
    all_ratios = ratios(results)
    for workload in WORKLOADS.values():
        found = _by_impl(results, workload)
        if not found:
            continue
        counts = next(iter(found.values()))
        note = f"; {workload.note}" if workload.note else ""
        lines.append(f"{workload.name}  {workload.title}  ({counts['steps']} steps, "
                     f"{counts['warmup']} warm-up{note})")
        if workload.kind == "memory":
            lines += _memory_rows(workload, found)
        else:
            rows = {r["baseline"]: r for r in all_ratios if r["workload"] == workload.name}
            lines += _time_rows(workload, found, rows)
            if workload.name == "RNGD":
                lines += _floor_lines(found)
        lines.append("")
    lines += loss_warnings(results)
    return "\n".join(lines)
