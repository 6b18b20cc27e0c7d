"""Two small plotext charts: the loss along the walker's trail, and the two cross-sections of the
landscape through the walker (what a slice of the map looks like in profile)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tui.widgets.plot import PlotextPlot
from tui.widgets.walker_panel import format_number

if TYPE_CHECKING:
    from core.walker import TrailPoint

Extent = tuple[float, float, float, float]

SAMPLES = 60  # points per cross-section line: 2 x 60 loss evaluations, cheap on every step
PLOT_LIMIT = 1e100  # plotext overflows on value spans near the float limit; clip to this
LINE_MARKERS = {"unicode": "braille", "ascii": "*"}
SECOND_MARKERS = {"unicode": "hd", "ascii": "+"}  # tells the two cross-sections apart in mono
WALKER_MARKERS = {"unicode": "●", "ascii": "o"}


def plottable(values) -> np.ndarray:
    """Values as float64 with inf/nan turned into nan (gaps) and the rest clipped to ±PLOT_LIMIT."""
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), np.clip(v, -PLOT_LIMIT, PLOT_LIMIT), np.nan)


def wants_log(values: np.ndarray) -> bool:
    """True when all finite values are positive and span at least two orders of magnitude."""
    v = values[np.isfinite(values)]
    return v.size > 1 and v.min() > 0 and v.max() / v.min() >= 100


class LossHistoryChart(PlotextPlot):
    """Loss against step along the walker's trail; log-scaled when the loss spans decades."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._steps = np.zeros(0)
        self._losses = np.zeros(0)

    def show(self, trail: Sequence[TrailPoint]) -> None:
        """Plot the loss of every point on the trail (inf/nan after a divergence leave a gap)."""
        self._steps = np.array([p.step for p in trail], dtype=float)
        self._losses = plottable([p.loss for p in trail])
        self.replot()

    def draw(self, plt, width: int, height: int) -> None:
        """Loss line over steps, titled with the latest loss."""
        if self._losses.size == 0:
            plt.title("loss: no steps yet")
            return
        last = self._losses[-1]
        plt.title(f"loss {format_number(last)}" if np.isfinite(last) else "loss: diverged")
        if np.isfinite(self._losses).any():
            plt.plot(self._steps, self._losses, marker=LINE_MARKERS[self.charset], color="cyan+")
            if wants_log(self._losses):
                plt.yscale("log")


class CrossSectionChart(PlotextPlot):
    """Loss along w1 (bottom axis, w2 held) and along w2 (top axis, w1 held) through the walker."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._w1s = self._w2s = self._along_w1 = self._along_w2 = np.zeros(0)
        self._walker = (0.0, 0.0, float("nan"))

    def show(self, model, position, extent: Extent) -> None:
        """Slice `model` through `position` = (w1, w2) across the view `extent`."""
        w1, w2 = (float(c) for c in position)
        w1_min, w1_max, w2_min, w2_max = extent
        self._w1s = np.linspace(w1_min, w1_max, SAMPLES)
        self._w2s = np.linspace(w2_min, w2_max, SAMPLES)
        self._along_w1 = plottable(model.loss_grid(self._w1s, np.array([w2]))[0])
        self._along_w2 = plottable(model.loss_grid(np.array([w1]), self._w2s)[:, 0])
        self._walker = (w1, w2, float(plottable(model.loss(np.array([w1, w2])))))
        self.replot()

    def draw(self, plt, width: int, height: int) -> None:
        """Both slices with a legend, and the walker marked on each."""
        plt.title("cross-sections")
        if self._w1s.size == 0:
            return
        w1, w2, loss = self._walker
        plt.plot(self._w1s, self._along_w1, marker=LINE_MARKERS[self.charset], color="cyan+",
                 label="w1", xside="lower")
        plt.plot(self._w2s, self._along_w2, marker=SECOND_MARKERS[self.charset],
                 color="magenta+", label="w2", xside="upper")
        if np.isfinite(loss):
            marker = WALKER_MARKERS[self.charset]
            plt.scatter([w1], [loss], marker=marker, color="red+", xside="lower")
            plt.scatter([w2], [loss], marker=marker, color="red+", xside="upper")
        if wants_log(np.concatenate([self._along_w1, self._along_w2, [loss]])):
            plt.yscale("log")
