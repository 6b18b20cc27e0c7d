"""The side panel's two charts: the loss along the walker's trail (drawn by core.drawing.linechart:
no plotext on the first frame, bounded cost per step), and the two cross-sections of the landscape
through the walker (a plotext figure: what a slice of the map looks like in profile)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from losswalk.core.drawing.linechart import (
    LossHistory,
    draw_chart,
    fits,
    loss_range,
    nice_ticks,
    plottable,
    tick_labels,
    wants_log,
)
from losswalk.tui.widgets.lines import ChartLines
from losswalk.tui.widgets.plot import PlotextPlot

if TYPE_CHECKING:
    from losswalk.core.walk.walker import TrailPoint

Extent = tuple[float, float, float, float]

SAMPLES = 60  # points per cross-section line: 2 x 60 loss evaluations, cheap on every step
LINE_MARKERS = {"unicode": "braille", "ascii": "*"}
SECOND_MARKERS = {"unicode": "hd", "ascii": "+"}  # tells the two cross-sections apart in mono
WALKER_MARKERS = {"unicode": "●", "ascii": "o"}
SECTION_TOP = 0.2  # the cross-sections' room above their highest loss (a slice's ends can rise)
LINE_COLOUR = "bright_cyan"  # the loss line, as plotext's "cyan+"


def set_y_axis(plt, ylim: tuple[float, float], log: bool, height: int) -> None:
    """Fixed y limits with round ticks, at most one every other row of the plot (about height - 5
    rows under the title and the two step axes): decades on a log axis (ylim in decades)."""
    plt.ylim(*ylim)
    ticks, step = nice_ticks(*ylim, max(2, (height - 5) // 2), integer=log)
    if log:
        plt.yscale("log")
        ticks = [10.0**t for t in ticks]
    plt.yticks(ticks, tick_labels(ticks, 0.0 if log else step))


class LossHistoryChart(ChartLines):
    """Loss against step along the walker's trail (core.drawing.linechart), log-scaled when the
    loss spans decades; drawn from a bounded summary, so a step costs the same all walk long.

    The axes stay put while the points fit, so a step changes only the few rows the new point
    touches (the title's row too), and only those are resent."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._history = LossHistory()

    def show(self, trail: Sequence[TrailPoint]) -> None:
        """Follow the trail: its new points, or a new walk (reset, another landscape) from
        scratch. Nothing is redrawn when the trail has not changed."""
        if self._history.follow(trail):
            self.update_lines()

    def build_lines(self, width: int, height: int) -> list[Strip]:
        """The chart's rows, the line in colour (unless colour is off)."""
        chart = draw_chart(self._history, width, height, self.charset)
        plain = self.rich_style
        line = plain + Style(color=LINE_COLOUR) if self.use_colour else plain
        cut = chart.line_columns
        strips = []
        for y, row in enumerate(chart.rows):
            if y in chart.line_rows:
                segments = [Segment(row[:cut.start], plain), Segment(row[cut.start:], line)]
            else:
                segments = [Segment(row, plain)]
            strips.append(Strip(segments, width))
        return strips


_SLICED: list = [None, None]  # the last slices() call's (key, result): computed once, read twice
_SLICED_LOCK = threading.Lock()


def slices(model, position: tuple[float, float], extent: Extent) -> tuple:
    """(w1s, w2s, loss along w1, loss along w2, loss at position, sample note) of the two
    cross-sections through position across the view; remembered for the last arguments, so a
    worker can compute them (big data) and the chart then draws them at once. On very many
    examples the lines score the model's fixed grid sample, and the note says so."""
    key = (model, tuple(position), tuple(extent))
    with _SLICED_LOCK:
        if _SLICED[0] == key:
            return _SLICED[1]
    w1, w2 = position
    w1_min, w1_max, w2_min, w2_max = extent
    w1s, w2s = np.linspace(w1_min, w1_max, SAMPLES), np.linspace(w2_min, w2_max, SAMPLES)
    along_w1 = plottable(model.loss_grid(w1s, np.array([w2]))[0])
    along_w2 = plottable(model.loss_grid(np.array([w1]), w2s)[:, 0])
    loss = float(plottable(model.loss(np.array([w1, w2]))))
    used = getattr(model, "grid_examples", None)
    note = ""
    if used is not None and used(SAMPLES, 1) < model.dataset.n:
        note = f" ({used(SAMPLES, 1):,} of {model.dataset.n:,} examples)"
    result = (w1s, w2s, along_w1, along_w2, loss, note)
    with _SLICED_LOCK:
        _SLICED[:] = [key, result]
    return result


class CrossSectionChart(PlotextPlot):
    """Loss along w1 (bottom axis, w2 held) and along w2 (top axis, w1 held) through the walker.

    The axes stay put while the slices fit: x spans the view, y gets headroom both ways and is
    recomputed only when a slice leaves it or the view or landscape changes, so a step changes
    only the rows the slices move through."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._w1s = self._w2s = self._along_w1 = self._along_w2 = np.zeros(0)
        self._walker = (0.0, 0.0, float("nan"))
        self._sample = ""  # " (k of N examples)" when the slices score a sample
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
        self._w1s, self._w2s, self._along_w1, self._along_w2, loss, self._sample = slices(
            model, (w1, w2), extent)
        self._walker = (w1, w2, loss)
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
        plt.title("cross-sections" + self._sample)
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
