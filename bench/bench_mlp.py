"""Benchmark the MLP slices' batched loss grid against the per-point loop, in the same run.

    python -m bench.bench_mlp            # default network and --hidden 64,64, about half a minute

Data: the moons dataset with N = 1000 examples. Plane: mlp-random's default view, a, b in
[-1, 1], 101 x 101 points. The loop scores one grid point at a time with the network's own
float64 forward pass (model.loss); the batched grid (model.loss_grid) runs in float32. Errors are
the largest relative difference from the loop on the rows it computed. Also timed: training at
start-up and the full network's top Hessian eigenvalue (power iteration). The OpenBLAS kernels in
use are printed: OpenBLAS picks them for the processor unless OPENBLAS_CORETYPE names others.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import statistics
import sys
import time

import numpy as np

from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.slices import SliceModel

N = 1000
G = 101
LOOP_BUDGET_S = 3.0  # time the loop on about this much work, scaled up to the whole grid
TARGETS = {(16, 16): 0.3, (64, 64): 3.0}  # seconds for the batched grid
MIN_SPEEDUP = 5.0  # required of the default network


def timed(f):
    """(wall seconds, CPU seconds of this process, result): on a machine shared with other work
    the CPU time is what the code costs, the wall time what the user waits."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = f()
    return time.perf_counter() - t0, time.process_time() - c0, result


def openblas_kernel() -> str:
    """The kernels numpy's OpenBLAS runs ('Haswell', 'SkylakeX', ...), or 'unknown'."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            path = next(line.split()[-1] for line in maps if "openblas" in line)
        library = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_corename64_", "openblas_get_corename"):
            if hasattr(library, name):
                corename = getattr(library, name)
                corename.restype = ctypes.c_char_p
                return corename().decode()
    except (OSError, StopIteration):
        pass
    return "unknown"


def bench_one(hidden: tuple[int, ...], runs: int) -> dict:
    """Build (train), time the batched grid (median of runs) and the per-point loop."""
    data = make_dataset("moons", n=N)
    build_s, build_cpu, model = timed(lambda: SliceModel("random", data, hidden=hidden))
    axis = np.linspace(-1.0, 1.0, G)
    runs_timed = [timed(lambda: model.loss_grid(axis, axis)) for _ in range(runs)]
    fast = runs_timed[0][2]
    row_s, row_cpu, first = timed(lambda: [model.loss([a, axis[0]]) for a in axis])
    k = int(np.clip(LOOP_BUDGET_S / row_s, 1, G - 1))
    rows = np.unique(np.linspace(1, G - 1, k).round().astype(int))
    rest_s, rest_cpu, rest = timed(lambda: [[model.loss([a, axis[j]]) for a in axis]
                                            for j in rows])
    scale = G / (len(rows) + 1)
    exact = np.vstack([first, rest])
    rows = np.r_[0, rows]
    eig_s, _cpu, top = timed(model.full_hessian_top_eigenvalue)
    return {"hidden": hidden, "weights": model.n_weights, "build_s": build_s,
            "build_cpu": build_cpu,
            "fast_s": statistics.median(r[0] for r in runs_timed),
            "fast_cpu": statistics.median(r[1] for r in runs_timed),
            "loop_s": (row_s + rest_s) * scale, "loop_cpu": (row_cpu + rest_cpu) * scale,
            "rows": len(rows), "err": float(np.max(np.abs(fast[rows] - exact) / exact)),
            "eig_s": eig_s, "top": top}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}; "
          f"Python {platform.python_version()}, numpy {np.__version__}; load average "
          f"{os.getloadavg()[0]:.1f}; OpenBLAS kernels {openblas_kernel()} "
          f"(OPENBLAS_CORETYPE {os.environ.get('OPENBLAS_CORETYPE', 'not set')})")
    print(f"plane: {G} x {G} points, a, b in [-1, 1]; data: moons, N = {N}")
    print(f"{'network':>12} {'weights':>7} {'train s':>8} {'train cpu':>9} {'grid s':>8} "
          f"{'loop s':>8} "
          f"{'speed-up':>8} {'grid cpu':>8} {'loop cpu':>8} {'speed-up':>8} {'max rel err':>11} "
          f"{'top eig':>8} {'eig s':>6}")
    results = []
    for hidden in TARGETS:
        r = bench_one(hidden, runs=3)
        results.append(r)
        star = "*" if r["rows"] < G else " "
        print(f"{'2-' + '-'.join(map(str, hidden)) + '-1':>12} {r['weights']:>7} "
              f"{r['build_s']:8.2f} {r['build_cpu']:9.2f} {r['fast_s']:8.3f} "
              f"{r['loop_s']:7.2f}{star} "
              f"{r['loop_s'] / r['fast_s']:7.1f}x {r['fast_cpu']:8.3f} {r['loop_cpu']:7.2f}{star} "
              f"{r['loop_cpu'] / r['fast_cpu']:7.1f}x {r['err']:11.1e} {r['top']:8.3g} "
              f"{r['eig_s']:6.2f}", flush=True)
    print("grid: median of 3 runs of the batched grid (float32). loop: model.loss at each "
          "point (float64);\n* = timed on evenly spaced rows and scaled to the whole grid. "
          "s = wall time, cpu = this process's CPU time\n(on a shared machine the wall time "
          "includes waiting for a core). train: building the slice (training at start-up).")
    ok = True
    for r in results:
        limit, speedup = TARGETS[r["hidden"]], r["loop_cpu"] / r["fast_cpu"]
        need = MIN_SPEEDUP if r["hidden"] == (16, 16) else 1.0
        met = r["fast_cpu"] <= limit and speedup >= need
        ok &= met
        print(f"target {r['hidden']}: <= {limit:g} s" + (f", >= {need:g}x" if need > 1 else "")
              + f" (CPU time): {'met' if met else 'MISSED'} ({r['fast_cpu']:.3f} s, "
              f"{speedup:.1f}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
