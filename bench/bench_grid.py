"""Benchmark the fast logistic loss grid against the plain per-point loop, in the same run.

    python -m bench.bench_grid            # full table, about a minute and a half
    python -m bench.bench_grid --quick    # a few seconds

Data: two overlapping Gaussian blobs (like the `overlap` dataset), generated here with a seed.
Grid: the logistic model's default view, w1, w2 in [-4, 4]. Errors are the largest absolute
difference from the per-point loop (the exact stable formula, float64).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

from losswalk.core.landscapes.fastgrid import logistic_loss_grid
from losswalk.core.landscapes.losses import sigmoid

HALF = 4.0
LOOP_BUDGET_S = 1.5  # time the per-point loop on about this much work, scale up if it is bigger
TARGETS = {("bce", 1000, 129): 0.030, ("bce", 10000, 201): 1.0}  # seconds
MIN_SPEEDUP = 15.0


def blobs(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points, half of class 1 around (1, 0.5) and half of class 0 around -(1, 0.5), sd 1."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n // 2), np.zeros(n - n // 2)]
    X = np.where(y[:, None] == 1.0, [1.0, 0.5], [-1.0, -0.5]) + rng.normal(0.0, 1.0, (n, 2))
    return X, y


def per_point_loop(X, y, w1s, w2s, rows, loss) -> np.ndarray:
    """The obvious way: one grid point at a time, vectorised over the examples (rows only)."""
    out = np.empty((len(rows), len(w1s)))
    for r, j in enumerate(rows):
        for i, w1 in enumerate(w1s):
            z = X @ np.array([w1, w2s[j]])
            if loss == "bce":
                out[r, i] = np.mean(np.logaddexp(0.0, z) - y * z)
            else:
                out[r, i] = np.mean((sigmoid(z) - y) ** 2)
    return out


def median_time(f, runs: int) -> tuple[float, np.ndarray]:
    """Median wall time of runs calls of f, and its result."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench_one(loss: str, n: int, g: int, runs: int) -> dict:
    """Time fast (float64 and float32) and loop on one size; errors against the loop's rows."""
    X, y = blobs(n)
    w = np.linspace(-HALF, HALF, g)
    fast_s, fast = median_time(lambda: logistic_loss_grid(X, y, w, w, loss=loss), runs)
    f32_s, f32 = median_time(lambda: logistic_loss_grid(X, y, w, w, loss=loss,
                                                        dtype=np.float32), runs)
    # one row first, to size the sample of rows the loop gets within its time budget
    t0 = time.perf_counter()
    first = per_point_loop(X, y, w, w, [0], loss)
    row_s = time.perf_counter() - t0
    k = int(np.clip(LOOP_BUDGET_S / row_s, 1, g - 1))
    rows = np.unique(np.linspace(1, g - 1, k).round().astype(int))
    t0 = time.perf_counter()
    exact = np.vstack([first, per_point_loop(X, y, w, w, rows, loss)])
    loop_s = (row_s + time.perf_counter() - t0) * g / (len(rows) + 1)
    rows = np.r_[0, rows]
    return {"loss": loss, "n": n, "g": g, "fast_s": fast_s, "f32_s": f32_s, "loop_s": loop_s,
            "sampled": len(rows) < g, "rows": len(rows), "runs": runs,
            "err": float(np.abs(fast[rows] - exact).max()),
            "err32": float(np.abs(f32[rows] - exact).max())}


def print_row(r: dict) -> None:
    loop = f"{r['loop_s']:7.2f}{'*' if r['sampled'] else ' '}"
    print(f"{r['loss']:>4} {r['n']:>7} {r['g']:>4} {r['fast_s'] * 1e3:10.1f} {loop:>9} "
          f"{r['loop_s'] / r['fast_s']:8.0f}x {r['err']:9.1e} {r['f32_s'] * 1e3:9.1f} "
          f"{r['err32']:9.1e}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only, a few seconds")
    args = parser.parse_args(argv)
    if args.quick:
        plan = [("bce", n, g) for n, g in [(1000, 129), (10000, 129), (10000, 201)]]
    else:
        sizes = sorted([(n, g) for n in (1000, 10000, 100000) for g in (129, 257)]
                       + [(10000, 201)])
        # MSE (on the probability) is the secondary loss: its largest sizes add a minute
        plan = [("bce", n, g) for n, g in sizes] + [("mse", n, g) for n, g in sizes if n <= 10000]
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}; "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print(f"grid: G x G over w1, w2 in [-{HALF:g}, {HALF:g}]; data: two overlapping blobs, "
          f"N examples")
    print(f"{'loss':>4} {'N':>7} {'G':>4} {'fast ms':>10} {'loop s':>9} {'speed-up':>9} "
          f"{'max err':>9} {'f32 ms':>9} {'f32 err':>9}")
    results = []
    for loss, n, g in plan:
        results.append(bench_one(loss, n, g, runs=3 if n * g * g > 5e8 else 5))
        print_row(results[-1])
    print("fast ms / f32 ms: median of 3-5 runs (float64 / float32 mode). loop s: per-point "
          "loop over the grid, vectorised over examples;\n* = timed on a sample of evenly "
          "spaced rows and scaled to the whole grid (errors are then measured on those rows).")
    ok = True
    for r in results:
        limit = TARGETS.get((r["loss"], r["n"], r["g"]))
        if limit is not None:
            speedup = r["loop_s"] / r["fast_s"]
            met = r["fast_s"] <= limit and speedup >= MIN_SPEEDUP and r["err"] <= 1e-9
            ok &= met
            print(f"target {r['loss']} N={r['n']} G={r['g']}: <= {limit * 1e3:g} ms, "
                  f">= {MIN_SPEEDUP:g}x, error <= 1e-9: {'met' if met else 'MISSED'} "
                  f"({r['fast_s'] * 1e3:.1f} ms, {speedup:.0f}x, {r['err']:.1e})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
