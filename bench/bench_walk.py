"""Long walks (issue 8 §6): CPU per step of a continuous app walk at step 10 and at step 10,000,
and the rate of a headless 1,000,000-step walk.

The app (Pilot, 80x24) walks `rastrigin` with plain SGD at a learning rate that keeps the walker
hopping between the ripples, so every step adds a new stretch of trail on the map. Each frame of
the animated walk (the app's own walk-clock tick: a step, the panel, the loss chart, the map's trail
overlay, every third step the cross-sections) is followed by a screen update; the process CPU of
the frames around step 10 and step 10,000 is recorded (frames in between are drawn in batches
of 100, to keep the run short) and the medians are printed with their ratio (target <= 1.5),
side by side with the baseline (the whole trail redrawn every step, as before), run second in
the same process.
Then `losswalk walk rosenbrock --lr 1e-4 --steps 1000000 --csv` runs in a fresh process and its
rate is printed (it creeps along the valley until the walker's run budget of 50,000 steps says
`stalled`: no walk goes further). Run from the repo root (a few
minutes):

    python -m bench.bench_walk [--steps 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

from losswalk.core.drawing.raster import TrailCells
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp

WINDOW = 40  # frames measured around each step count
LR = 0.12  # rastrigin: the walker keeps hopping between ripples


def whole_trail(self, view, trail) -> set:
    """The baseline: the trail's cells drawn afresh from the whole trail at every step, as the
    map did before TrailCells."""
    return set(view.trail_cells([(point.w1, point.w2) for point in trail]))


async def frames(steps: int, watched: set[int], baseline: bool = False) -> dict[int, float]:
    """CPU seconds of the frames `watched` (each followed by its screen update) of a continuous
    walk of `steps` frames (with the whole trail redrawn each step if `baseline`)."""
    if baseline:
        TrailCells.update = whole_trail
    app = LosswalkApp(LandscapeOptions(name="rastrigin"))
    cpu: dict[int, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(500):
            await pilot.pause(0.02)
            if not app.map_busy:
                break
        app.explorer.walker.set_lr(LR)
        app.explorer.walking = True
        for step in range(1, steps + 1):
            measured = step in watched
            before = time.process_time()
            app.controller("walk").tick()
            if measured:
                await pilot.pause()  # the screen update of this frame
                cpu[step] = time.process_time() - before
            elif step % 100 == 0:
                await pilot.pause()  # frames between the windows are drawn in batches
            app.explorer.walking = True  # keep walking whatever the walker's status says
    return cpu


def headless_rate(steps: int) -> tuple[float, int]:
    """Wall seconds and steps of `losswalk walk` with --steps `steps` (CSV to a pipe)."""
    argv = ["walk", "rosenbrock", "--lr", "1e-4", "--steps", str(steps), "--csv"]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "losswalk", *argv], capture_output=True,
                          check=True)
    return time.perf_counter() - start, proc.stdout.count(b"\n") - 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--headless", type=int, default=1_000_000)
    args = parser.parse_args()
    early_steps = range(5, 5 + WINDOW)
    late_steps = range(args.steps - WINDOW // 2, args.steps + WINDOW // 2)
    print(f"continuous app walk (rastrigin, 80x24), median CPU per frame over {WINDOW} frames:")
    for label, baseline in (("incremental trail", False), ("baseline: whole trail", True)):
        cpu = asyncio.run(frames(args.steps + WINDOW // 2, {*early_steps, *late_steps},
                                 baseline))
        early = statistics.median(cpu[k] for k in early_steps)
        late = statistics.median(cpu[k] for k in late_steps)
        print(f"  {label:<22} step 10: {early * 1000:6.2f} ms   step {args.steps:,}: "
              f"{late * 1000:6.2f} ms   ratio {late / early:.2f} (target <= 1.5)")
    seconds, steps = headless_rate(args.headless)
    print(f"headless walk of {steps:,} steps: {seconds:.1f} s, {steps / seconds:,.0f} steps/s")


if __name__ == "__main__":
    main()
