"""The 3-D view's figures: the time to draw a frame, and the bytes a terminal receives for it.

1. Time (CPU, medians of --repeats) to draw the surface on a 120x40 canvas with
   core.drawing.surface3d.render_surface, in both tiers, for a smooth and a rugged landscape,
   side by side with the map's own raster (core.drawing.raster.render_view) at the same size;
   and the mesh's evaluation (once per landscape and view, not per frame).
2. Bytes in a pseudo-terminal of 80x24 with TERM=xterm-256color (as bench/bench_tui.py
   measures them): the map's full repaint (closing the help screen), then, in the same run, the
   burst of opening the 3-D view (3), one turn (the right arrow: the whole view redrawn), and a
   full repaint with the 3-D view shown (closing the help screen over it). Medians of --runs.

Run from the repo root:

    python -m bench.bench_view3d [--repeats 15] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import time
from functools import partial

from bench.bench_tui import APP, _read_burst, _spawn, _stop
from losswalk.core.drawing.raster import render_view
from losswalk.core.drawing.surface3d import Camera, render_surface, surface_of
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.models import LandscapeOptions

CANVAS = (120, 40)
LANDSCAPES = ("himmelblau", "rastrigin", "logistic")
TARGETS = {"frame_ms": 50.0, "repaint_kb": 20.0}
RIGHT = b"\x1b[C"


def cpu_ms(do) -> float:
    start = time.process_time_ns()
    do()
    return (time.process_time_ns() - start) / 1e6


def median_ms(do, repeats: int) -> float:
    do()  # warm: caches of the camera's fit and numpy's first calls
    return statistics.median(cpu_ms(do) for _ in range(repeats))


def turned(surface, cameras, tier: str) -> None:
    """One frame, each from the next camera (a new azimuth: nothing cached from the last)."""
    render_surface(surface, next(cameras), *CANVAS, tier)


def frame_times(repeats: int) -> None:
    cols, rows = CANVAS
    print(f"frame on a {cols}x{rows} canvas, CPU ms, median of {repeats} "
          f"(target <= {TARGETS['frame_ms']:g} ms for the 3-D frame)")
    print(f"  {'landscape':<11} {'mesh':>7} {'3-D blocks':>11} {'3-D ramp':>9} "
          f"{'map blocks':>11} {'map ramp':>9}")
    for name in LANDSCAPES:
        model = LandscapeOptions(name=name).build()
        mesh = median_ms(lambda m=model: surface_of(m, m.extent), max(3, repeats // 3))
        surface = surface_of(model, model.extent)
        grid = evaluate(model, model.extent, cols * 2, rows * 2)
        cameras = itertools.cycle([Camera(a, 35.0) for a in range(-180, 180, 15)])
        shown = [median_ms(partial(turned, surface, cameras, tier), repeats)
                 for tier in ("blocks", "ramp")]
        maps = [median_ms(partial(render_view, grid, cols, rows, style=style), repeats)
                for style in ("blocks", "ramp")]
        print(f"  {name:<11} {mesh:7.1f} {shown[0]:11.1f} {shown[1]:9.1f} "
              f"{maps[0]:11.1f} {maps[1]:9.1f}")
    widget = asyncio.run(_widget_turns(repeats))
    print(f"  the 3-D view's frame in a {cols}x{rows} app (himmelblau, blocks; the picture "
          f"and its rows as Strips): {widget:.1f} ms")


async def _widget_turns(repeats: int) -> float:
    """Median CPU ms of the 3-D view's whole frame after a turn (render_surface and the rows
    as Strips) in a headless app of CANVAS size."""
    from losswalk.tui.app import LosswalkApp
    from losswalk.tui.widgets.surface_view import SurfaceView

    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    async with app.run_test(size=CANVAS) as pilot:
        await pilot.press("3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.query_one(SurfaceView)

        def turn() -> None:
            view.action_turn(1)
            view._ensure_base()

        return median_ms(turn, repeats)


def wire_bytes(runs: int) -> None:
    width, height = 80, 24
    figures: dict[str, list[int]] = {"map repaint": [], "open 3-D (3)": [], "one turn": [],
                                     "3-D repaint": []}
    for _ in range(runs):
        pid, fd, _ = _spawn(width, height, [*APP, "himmelblau"])
        try:
            _read_burst(fd, first_timeout=30)
            _read_burst(fd, first_timeout=2)
            for name, keys in (("map repaint", (b"?", b"\x1b")), ("open 3-D (3)", (b"3",)),
                               ("one turn", (RIGHT,)), ("3-D repaint", (b"?", b"\x1b"))):
                for key in keys:
                    os.write(fd, key)
                    burst, _, _ = _read_burst(fd, first_timeout=2)
                figures[name].append(len(burst))
            os.write(fd, b"q")
            _read_burst(fd, first_timeout=2)
        finally:
            _stop(pid, fd)
    print(f"bytes in a {width}x{height} pty, TERM=xterm-256color, himmelblau, median of {runs} "
          f"(target <= {TARGETS['repaint_kb']:g} KB for a full repaint)")
    for name, sizes in figures.items():
        print(f"  {name:<14} {statistics.median(sizes) / 1024:6.1f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    frame_times(args.repeats)
    wire_bytes(args.runs)


if __name__ == "__main__":
    main()
