"""CPU per walker step of the loss-vs-step chart, early and late in a long walk, side by side.

A synthetic walk (a noisy falling loss) is fed to the chart one step at a time, its trail capped
at MAX_TRAIL points as the walker caps it; the median CPU of a step is printed at step 10, at
step 10,000 and at step 20,000 (the trail full, the window scrolling), for:
- core: core.drawing.linechart's LossHistory.follow + draw_chart (the chart as text);
- widget: LossHistoryChart.show in a headless Textual app (the rows as Strips, changed rows
  marked: what the app pays per step, before Textual's compositor);
- plotext: plotext plotting the whole trail, as the chart did before (fewer repeats: it is slow).
Sizes: the chart at 80x24 (31x10 cells) and at 200x50 (59x19). Run from the repo root:

    python -m bench.bench_chart [--repeats 25]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import time

from textual.app import App, ComposeResult

from losswalk.core.drawing.linechart import LossHistory, draw_chart
from losswalk.core.walk.walker import MAX_TRAIL, TrailPoint
from losswalk.tui.widgets.charts import LossHistoryChart

AT_STEPS = (10, 10_000, 20_000)
SIZES = ((31, 10), (59, 19))  # the loss chart in the app at 80x24 and at 200x50
PLOTEXT_REPEATS = 3


def walk(steps: int) -> list[TrailPoint]:
    """A loss falling from 2.5 towards 0.3 with a little noise, one point per step."""
    return [TrailPoint(k, 0.0, 0.0, 0.3 + 2.2 * math.exp(-k / 800) + 0.01 * math.sin(k * 0.7),
                       0.1, 0.5) for k in range(steps + 1)]


def trail_at(points: list[TrailPoint], step: int) -> list[TrailPoint]:
    """The walker's trail after `step` steps: the last MAX_TRAIL points."""
    return points[max(0, step + 1 - MAX_TRAIL):step + 1]


def cpu_ms(do) -> float:
    start = time.process_time_ns()
    do()
    return (time.process_time_ns() - start) / 1e6


def core_per_step(points, at: int, size: tuple[int, int], repeats: int) -> float:
    """Median CPU ms of follow + draw_chart for each of `repeats` steps from step `at`."""
    history = LossHistory()
    history.follow(trail_at(points, at - 1))
    width, height = size

    def step(trail: list[TrailPoint]) -> None:
        history.follow(trail)
        draw_chart(history, width, height)

    trails = [trail_at(points, k) for k in range(at, at + repeats)]  # built before the clock
    return statistics.median(cpu_ms(lambda t=t: step(t)) for t in trails)


class Host(App[None]):
    """The chart alone at a fixed size."""

    def __init__(self, chart: LossHistoryChart, size: tuple[int, int]) -> None:
        super().__init__()
        self.chart, self.chart_size = chart, size

    def compose(self) -> ComposeResult:
        self.chart.styles.width, self.chart.styles.height = self.chart_size
        yield self.chart


async def widget_per_step(points, at: int, size: tuple[int, int], repeats: int) -> float:
    """Median CPU ms of LossHistoryChart.show (rows built, changed ones marked) per step."""
    chart = LossHistoryChart()
    async with Host(chart, size).run_test(size=(max(size[0], 40), size[1] + 2)) as pilot:
        chart.show(trail_at(points, at - 1))
        await pilot.pause()
        trails = [trail_at(points, k) for k in range(at, at + repeats)]
        return statistics.median(cpu_ms(lambda t=t: chart.show(t)) for t in trails)


def plotext_per_step(points, at: int, size: tuple[int, int]) -> float:
    """Median CPU ms of plotext drawing the whole trail at step `at` (the chart before)."""
    import plotext as plt

    trail = trail_at(points, at)
    steps, losses = [p.step for p in trail], [p.loss for p in trail]

    def draw() -> None:
        plt.clf()
        plt.plotsize(*size)
        plt.theme("clear")
        plt.plot(steps, losses, marker="braille", color="cyan+")
        plt.build()

    return statistics.median(cpu_ms(draw) for _ in range(PLOTEXT_REPEATS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25, help="steps timed at each point")
    args = parser.parse_args()
    points = walk(max(AT_STEPS) + args.repeats)
    print(f"loss chart: CPU per walker step, median of {args.repeats} steps "
          f"(plotext: of {PLOTEXT_REPEATS} draws), trail capped at {MAX_TRAIL:,} points, "
          f"{os.cpu_count()} cores")
    header = "".join(f"{f'step {at:,}':>14}" for at in AT_STEPS)
    for size in SIZES:
        print(f"\n  {f'chart {size[0]}x{size[1]}, ms':<22}{header}{'10,000 / 10':>14}")
        rows = {
            "core (text)": [core_per_step(points, at, size, args.repeats) for at in AT_STEPS],
            "widget (Strips)": [asyncio.run(widget_per_step(points, at, size, args.repeats))
                                for at in AT_STEPS],
            "plotext, whole trail": [plotext_per_step(points, at, size) for at in AT_STEPS],
        }
        for label, figures in rows.items():
            cells = "".join(f"{ms:14.3f}" for ms in figures)
            print(f"  {label:<22}{cells}{figures[1] / figures[0]:13.1f}x")


if __name__ == "__main__":
    main()
