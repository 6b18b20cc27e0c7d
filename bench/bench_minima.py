"""Time the landmark analysis (core/landscapes/minima.landmarks) on every landscape.

    python -m bench.bench_minima            # every landscape; data ones with 200 and 10,000
    python -m bench.bench_minima --quick    # the analytic surfaces only

Each landscape gets a fresh model (nothing cached): "first" is the search of its default view
(what the app's worker pays once per landscape), "cached" a second call for the same view,
"pan" a view moved by a third of its width (searched again where it leaves the default view).
Medians of 3 runs; the machine is shared, so read them as rough figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import (
    DATA_LANDSCAPES,
    LANDSCAPES,
    LogisticModel,
    TinyNet,
    make_model,
)

RUNS = 3


def timed(build, extent_of) -> tuple[float, float, float, dict]:
    """Median seconds of (first, cached, pan) calls on fresh models, and the point counts."""
    first, cached, pan = [], [], []
    for _ in range(RUNS):
        model = build()
        t0 = time.perf_counter()
        report = landmarks(model, model.extent)
        t1 = time.perf_counter()
        landmarks(model, model.extent)
        t2 = time.perf_counter()
        landmarks(model, extent_of(model))
        t3 = time.perf_counter()
        first.append(t1 - t0)
        cached.append(t2 - t1)
        pan.append(t3 - t2)
    return statistics.median(first), statistics.median(cached), statistics.median(pan), \
        report.counts()


def moved(model) -> tuple[float, float, float, float]:
    """The default view moved right by a third of its width."""
    a, b, c, d = model.extent
    shift = (b - a) / 3
    return (a + shift, b + shift, c, d)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="analytic surfaces only")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'landscape':<22} {'first ms':>9} {'cached ms':>10} {'pan ms':>8}  points")
    cases = [(name, lambda name=name: make_model(name)) for name in LANDSCAPES
             if name not in DATA_LANDSCAPES]
    if not args.quick:
        for n in (200, 10_000):
            cases += [(f"logistic overlap {n}",
                       lambda n=n: LogisticModel(make_dataset("overlap", n=n))),
                      (f"tiny-net line {n}", lambda n=n: TinyNet(make_dataset("line", n=n))),
                      (f"tiny-net xor {n}", lambda n=n: TinyNet(make_dataset("xor", n=n)))]
    for name, build in cases:
        first, cached, pan, counts = timed(build, moved)
        found = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        print(f"{name:<22} {first * 1e3:9.0f} {cached * 1e3:10.1f} {pan * 1e3:8.0f}  {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
