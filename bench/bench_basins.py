"""Time the basin map (core/walk/basins) against the single-walker loop, in one run.

    python -m bench.bench_basins                 # himmelblau, 101x101 starts x 500 steps, sgd
    python -m bench.bench_basins --name rastrigin --optimizer adam --lr 0.05

"batched" walks every start at once (basin_map: walk, landmarks cached, labels); "loop" steps one
Walker per start, as `losswalk walk` would, on a sample of LOOP_STARTS starts, and the full map's
loop time is that sample's time per start times the number of starts. Medians of 3 batched runs;
the machine is shared, so read the ratio rather than the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from losswalk.core.landscapes.models import make_model
from losswalk.core.walk.basins import BasinSettings, basin_map, minima_of, start_cells
from losswalk.core.walk.walker import Walker

RUNS = 3
LOOP_STARTS = 200  # single walkers timed (the whole grid would take minutes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="himmelblau")
    parser.add_argument("--optimizer", default="sgd")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--resolution", type=int, default=101)
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args(argv)
    model = make_model(args.name)
    walk = BasinSettings(args.optimizer, args.lr, steps=args.steps)
    n = args.resolution
    minima_of(model, model.extent)  # the landmarks: computed once per landscape by the app too
    batched = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        basin_map(model, model.extent, n, n, walk)
        batched.append(time.perf_counter() - t0)
    w1s, w2s = start_cells(model.extent, n, n)
    rng = np.random.default_rng(0)
    sample = zip(rng.choice(w1s, LOOP_STARTS), rng.choice(w2s, LOOP_STARTS), strict=True)
    t0 = time.perf_counter()
    for start in sample:
        walker = Walker(model, start, optimizer=walk.optimizer, lr=walk.lr)
        for _ in range(walk.steps):
            if walker.step() is None:
                break
    per_start = (time.perf_counter() - t0) / LOOP_STARTS
    fast, loop = statistics.median(batched), per_start * n * n
    print(f"basin map: {args.name}, {n}x{n} starts x {walk.steps} steps, {walk.optimizer} "
          f"lr {walk.lr:g}; python {platform.python_version()}, {os.cpu_count()} cpus")
    print(f"  batched (basin_map)      {fast:8.3f} s   (median of {RUNS})")
    print(f"  single-walker loop       {loop:8.1f} s   ({per_start * 1e3:.2f} ms a start, "
          f"{LOOP_STARTS} starts timed)")
    print(f"  speed-up                 {loop / fast:8.0f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
