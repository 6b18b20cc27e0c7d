"""Two small plotext charts: the loss along the walker's trail, and the two cross-sections of the
landscape through the walker (what a slice of the map looks like in profile)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.drawing.linechart import fits, loss_range, plottable, wants_log
from losswalk.core.drawing.text import format_number
from losswalk.tui.widgets.plot import PlotextPlot

if TYPE_CHECKING:
    from losswalk.core.walk.walker import TrailPoint

Extent = tuple[float, float, float, float]

SAMPLES = 60  # points per cross-section line: 2 x 60 loss evaluations, cheap on every step
LINE_MARKERS = {"unicode": "braille", "ascii": "*"}
SECOND_MARKERS = {"unicode": "hd", "ascii": "+"}  # tells the two cross-sections apart in mono
WALKER_MARKERS = {"unicode": "●", "ascii": "o"}
MIN_STEPS = 20  # the loss chart's step axis starts at 0..MIN_STEPS and doubles when outgrown
SECTION_TOP = 0.2  # the cross-sections' room above their highest loss (a slice's ends can rise)


def step_range(last_step: float) -> float:
    """Right end of the step axis: at least MIN_STEPS, doubling as the walk goes on, so a new
    point seldom moves the axis (and the earlier points)."""
    return float(max(MIN_STEPS, 2 ** math.ceil(math.log2(max(last_step, 1)))))


def set_y_axis(plt, ylim: tuple[float, float], log: bool, height: int) -> None:
    """Fixed y limits; on a log axis (ylim in decades) one labelled tick per decade that fits."""
    plt.ylim(*ylim)
    if log:
        plt.yscale("log")
        lo, hi = (int(v) for v in ylim)
        stride = math.ceil((hi - lo + 1) / max(2, height - 4))  # at most a tick a row
        decades = [10.0 ** k for k in range(hi, lo - 1, -stride)]
        plt.yticks(decades, [format_number(d) for d in decades])


class LossHistoryChart(PlotextPlot):
    """Loss against step along the walker's trail; log-scaled when the loss spans decades.

    The axes stay put while the points fit (steps double, losses get headroom below), so a step
    changes only the few rows the new point touches."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._steps = np.zeros(0)
        self._losses = np.zeros(0)
        self._log = False
        self._ylim: tuple[float, float] | None = None
        self._first: tuple[float, float] | None = None  # a new first point means a new walk

    def show(self, trail: Sequence[TrailPoint]) -> None:
        """Plot the loss of every point on the trail (inf/nan after a divergence leave a gap)."""
        self._steps = np.array([p.step for p in trail], dtype=float)
        self._losses = plottable([p.loss for p in trail])
        finite = self._losses[np.isfinite(self._losses)]
        first = (trail[0].step, trail[0].loss) if trail else None
        log = wants_log(self._losses)
        if finite.size == 0:
            self._ylim = None
        elif first != self._first or log != self._log or not fits(self._ylim, finite, log):
            self._ylim = loss_range(finite, log)
        self._first, self._log = first, log
        self.replot()

    def draw(self, plt, width: int, height: int) -> None:
        """Loss line over steps on the stable axes, titled with the latest loss."""
        if self._losses.size == 0:
            plt.title("loss: no steps yet")
            return
        last = self._losses[-1]
        plt.title(f"loss {format_number(last)}" if np.isfinite(last) else "loss: diverged")
        if self._ylim is None:
            return
        plt.plot(self._steps, self._losses, marker=LINE_MARKERS[self.charset], color="cyan+")
        plt.xlim(min(0.0, self._steps[0]), step_range(self._steps[-1]))
        set_y_axis(plt, self._ylim, self._log, height)


class CrossSectionChart(PlotextPlot):
    """Loss along w1 (bottom axis, w2 held) and along w2 (top axis, w1 held) through the walker.

    The axes stay put while the slices fit: x spans the view, y gets headroom both ways and is
    recomputed only when a slice leaves it or the view or landscape changes, so a step changes
    only the rows the slices move through."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._w1s = self._w2s = self._along_w1 = self._along_w2 = np.zeros(0)
        self._walker = (0.0, 0.0, float("nan"))
        self._shown: tuple | None = None  # (model, position, extent) last sliced
        self._log = False
        self._ylim: tuple[float, float] | None = None

    def show(self, model, position, extent: Extent) -> None:
        """Slice `model` through `position` = (w1, w2) across the view `extent` (nothing to do
        when none of them changed since the last call)."""
        w1, w2 = (float(c) for c in position)
        shown = (model, (w1, w2), tuple(extent))
        if shown == self._shown:
            return
        new_view = self._shown is None or shown[0] is not model or shown[2] != self._shown[2]
        self._shown = shown
        w1_min, w1_max, w2_min, w2_max = extent
        self._w1s = np.linspace(w1_min, w1_max, SAMPLES)
        self._w2s = np.linspace(w2_min, w2_max, SAMPLES)
        self._along_w1 = plottable(model.loss_grid(self._w1s, np.array([w2]))[0])
        self._along_w2 = plottable(model.loss_grid(np.array([w1]), self._w2s)[:, 0])
        self._walker = (w1, w2, float(plottable(model.loss(np.array([w1, w2])))))
        values = np.concatenate([self._along_w1, self._along_w2, [self._walker[2]]])
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            self._ylim = None
        elif new_view or not fits(self._ylim, finite, self._log):
            self._log = wants_log(values)
            self._ylim = loss_range(finite, self._log, top=SECTION_TOP)
        self.replot()

    def draw(self, plt, width: int, height: int) -> None:
        """Both slices with a legend on the stable axes, and the walker marked on each."""
        plt.title("cross-sections")
        if self._shown is None:
            return
        w1, w2, loss = self._walker
        slices = ((self._w1s, self._along_w1, LINE_MARKERS, "cyan+", "w1", "lower"),
                  (self._w2s, self._along_w2, SECOND_MARKERS, "magenta+", "w2", "upper"))
        for ws, losses, markers, colour, label, side in slices:
            if np.isfinite(losses).any():  # plotext fails on a labelled line with no points
                plt.plot(ws, losses, marker=markers[self.charset], color=colour, label=label,
                         xside=side)
        if np.isfinite(loss):
            marker = WALKER_MARKERS[self.charset]
            plt.scatter([w1], [loss], marker=marker, color="red+", xside="lower")
            plt.scatter([w2], [loss], marker=marker, color="red+", xside="upper")
        plt.xlim(self._w1s[0], self._w1s[-1], xside="lower")
        plt.xlim(self._w2s[0], self._w2s[-1], xside="upper")
        if self._ylim is not None:
            set_y_axis(plt, self._ylim, self._log, height)
