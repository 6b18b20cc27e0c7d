"""Open a 201x201 surface file in the app, side by side with the app's normal start, and time a
walker step on the interpolated surface against one on an analytic landscape.

Prints, as medians over alternating runs in an 80x24 pty (TERM=xterm-256color): the first whole
frame and the settled map of `losswalk` (the default landscape) and of `losswalk open FILE`
(an HDF5 file in Li et al.'s layout, or .npz without h5py), and their differences (target:
opening the file costs at most 0.5 s more); then the CPU time of one Walker.step on the file's
spline and on himmelblau's formula (the same walk on both), and of the loss and gradient it
asks for (target: no more). Run from the repo root:

    python -m bench.bench_open [--runs 5] [--steps 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_tui import APP, _last_row, _read_burst, _spawn, _stop
from losswalk.core.files.surfaces import surface_bytes
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.models import make_model
from losswalk.core.walk.walker import Walker

SIZE = (80, 24)
CELLS = 201
OPEN_TARGET_S = 0.5


def write_surface(folder: Path) -> Path:
    """himmelblau on a 201 x 201 grid as a surface file (HDF5 when h5py is there)."""
    try:
        import h5py  # noqa: F401
        fmt = "h5"
    except ImportError:
        fmt = "npz"
    grid = evaluate(make_model("himmelblau"), (-5, 5, -5, 5), CELLS, CELLS)
    path = folder / f"himmelblau-{CELLS}.{fmt}"
    path.write_bytes(surface_bytes(fmt, grid.w1s, grid.w2s, grid.values))
    return path


def start_times(argv: list[str]) -> tuple[float, float]:
    """(first whole frame, settled) seconds of `losswalk argv...` in the pty."""
    width, height = SIZE
    pid, fd, start = _spawn(width, height, [*APP, *argv])
    try:
        _, last, first = _read_burst(fd, first_timeout=30, mark=_last_row(height))
        more, later, _ = _read_burst(fd, first_timeout=1)  # a refined grid, if it comes later
        os.write(fd, b"q")
        _read_burst(fd, first_timeout=2)
    finally:
        _stop(pid, fd)
    return (first or last) - start, (later if more else last) - start


def step_seconds(model, steps: int, start: tuple[float, float]) -> float:
    """CPU seconds of one Walker.step (sgd from `start`), over `steps` steps."""
    walker = Walker(model, start=start, lr=1e-4)
    begin = time.process_time()
    for _ in range(steps):
        walker.step()
    return (time.process_time() - begin) / steps


def ground_seconds(model, calls: int, start: tuple[float, float]) -> float:
    """CPU seconds of model.loss(w) then model.grad(w) (what a step asks), at moving points."""
    w = np.array(start, dtype=float)
    begin = time.process_time()
    for k in range(calls):
        w[0] = start[0] + k * 1e-7
        model.loss(w)
        model.grad(w)
    return (time.process_time() - begin) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_surface(Path(folder))
        plain, opened = [], []
        start_times([]), start_times(["open", str(path)])  # untimed: compile and warm caches
        for _ in range(args.runs):  # alternate, so both see the same machine
            plain.append(start_times([]))
            opened.append(start_times(["open", str(path)]))
        surface = make_model(str(path))
        formula = make_model("himmelblau")
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.runs):
            for name, model in (("spline", surface), ("himmelblau", formula)):
                times.setdefault(("step", name), []).append(  # the same walk on both
                    step_seconds(model, args.steps, surface.start))
                times.setdefault(("ground", name), []).append(
                    ground_seconds(model, args.steps, surface.start))
    print(f"{SIZE[0]}x{SIZE[1]} pty, TERM=xterm-256color, medians of {args.runs} alternating "
          f"runs; file: {path.name} ({CELLS}x{CELLS})")
    for index, what in enumerate(("first whole frame", "settled (map drawn)")):
        base = statistics.median(r[index] for r in plain)
        with_file = statistics.median(r[index] for r in opened)
        extra = statistics.median(o[index] - p[index] for o, p in zip(opened, plain, strict=True))
        verdict = "ok" if extra <= OPEN_TARGET_S else "OVER TARGET"
        print(f"  {what:<22} losswalk {base:6.3f} s   open FILE {with_file:6.3f} s   "
              f"extra {extra:+6.3f} s (target <= {OPEN_TARGET_S} s) {verdict}")
    for kind, label in (("step", "walker step (sgd)"), ("ground", "loss + gradient")):
        on_grid = statistics.median(times[kind, "spline"]) * 1e6
        on_formula = statistics.median(times[kind, "himmelblau"]) * 1e6
        verdict = "ok" if on_grid <= on_formula else "OVER TARGET"
        print(f"  {label:<22} spline {on_grid:6.1f} us   himmelblau {on_formula:6.1f} us   "
              f"ratio {on_grid / on_formula:.2f} (target <= 1) {verdict}")


if __name__ == "__main__":
    main()
