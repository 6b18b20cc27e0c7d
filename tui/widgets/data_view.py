"""The data behind the landscape: the examples, the line the walker's weights draw through them,
and the few examples that cost the most. For the 1-D tiny net: the labels and the curve p(x)."""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from losswalk.core.drawing.text import ascii_only, format_number, safe_text
from losswalk.core.landscapes.losses import sigmoid
from losswalk.core.lesson.inspect import (
    FLAT_WEIGHTS,
    NO_DATA,
    Example,
    data_summary,
    decision_boundary,
    logits,
)
from losswalk.tui.widgets.plot import PlotextPlot

MAX_SHOWN = 2000  # the scatter thins bigger datasets evenly (the numbers use them all)
CURVE_SAMPLES = 100
PAD = 0.05  # margin around the data, as a fraction of its span
COSTLY = 3
LABEL_MARKERS = {"unicode": ("○", "✕"), "ascii": ("o", "x")}  # (y = 0, y = 1): no colour needed
LABEL_COLOURS = ("blue+", "orange+")
COSTLY_MARKERS = {"unicode": "◆", "ascii": "#"}
COSTLY_COLOUR = "red+"
LINE_MARKERS = {"unicode": "braille", "ascii": "."}
LINE_COLOUR = "green+"
SIGMA = {"unicode": "σ", "ascii": "sigmoid"}


def _signed(coef: float, term: str) -> str:
    """' + 0.5·x2' / ' - 0.5·x2' (term '' for a constant)."""
    return f" {'-' if coef < 0 else '+'} {format_number(abs(coef), 3)}{term}"


def _box(v: np.ndarray) -> tuple[float, float]:
    """Plot limits around values v: their range plus a margin (never empty)."""
    lo, hi = float(v.min()), float(v.max())
    pad = PAD * (hi - lo) or 1.0
    return lo - pad, hi + pad


def data_numbers(model, w) -> tuple[float, list[Example]]:
    """The view's accuracy and COSTLY costliest examples at w (remembered for the last point)."""
    return data_summary(model, w, COSTLY)


def costliest_text(model, w, charset: str = "unicode", k: int = COSTLY) -> str:
    """"these 3 points cost the most:" and one line per point, marked as on the plot."""
    if not hasattr(model, "dataset"):
        return NO_DATA
    _, worst = data_summary(model, w, k)
    if not worst:
        return "no losses to rank: the weights are not finite"
    mark = COSTLY_MARKERS[charset]
    lines = [f"these {len(worst)} points cost the most:" if len(worst) > 1
             else "this point costs the most:"]
    for e in worst:
        where = ", ".join(format_number(x, 2) for x in (e.x1, e.x2) if x is not None)
        lines.append(f"  {mark} #{e.index} ({where}) y={e.y:g} p={format_number(e.p, 2)} "
                     f"loss {format_number(e.loss, 3)}")
    return "\n".join(lines)


class DataView(PlotextPlot):
    """Scatter of the dataset (two labels, two markers) with the model at w drawn through it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model = None
        self._w = np.full(2, np.nan)

    def show(self, model, w) -> None:
        """Show model's data and what the weights w = (w1, w2) make of it (any landscape)."""
        self._model, self._w = model, np.asarray(w, dtype=float)
        self.replot()

    def build_text(self, width: int, height: int) -> Text:
        """The figure, or one line saying there is no data (blank before the first show)."""
        if hasattr(self._model, "dataset"):
            return super().build_text(width, height)
        return Text("" if self._model is None else NO_DATA, no_wrap=True, end="")

    def draw(self, plt, width: int, height: int) -> None:
        """Title with accuracy and the model's formula, the points, the line or curve, the worst."""
        model, w = self._model, self._w
        data = model.dataset
        # the tiny net reads only x1: on 2-D data its p is a curve over x1 too, not a line in x1, x2
        one_d = data.X.shape[1] == 1 or model.name == "tiny-net"
        X = data.X[:, 0] if one_d else data.X
        acc, worst = data_numbers(model, w)
        acc_text = f"acc {acc:.0%}" if math.isfinite(acc) else "acc -"
        shown = np.unique(np.linspace(0, data.n - 1, min(data.n, MAX_SHOWN)).astype(int))
        of = f" ({len(shown)} of {data.n} shown)" if len(shown) < data.n else ""
        xs, ys = (X, data.y) if one_d else (X[:, 0], X[:, 1])
        xlim, ylim = _box(xs), ((-0.1, 1.1) if one_d else _box(ys))
        title = f"data: {safe_text(data.name, self.charset)}  {acc_text}  "
        if one_d:
            x = "x" if data.X.shape[1] == 1 else "x1"
            title += self._curve(plt, model, w, xlim, x)
            plt.xlabel(x)
            plt.ylabel("y, p")
        else:
            title += self._boundary(plt, model, w, xlim, ylim)
            plt.xlabel("x1")
            plt.ylabel("x2")
        plt.title(title + of)
        for label in (0, 1):
            pick = shown[data.y[shown] == label]
            if pick.size:
                plt.scatter(xs[pick], ys[pick], marker=LABEL_MARKERS[self.charset][label],
                            color=LABEL_COLOURS[label], label=f"y={label}")
        worst = [e.index for e in worst]
        if worst:
            plt.scatter(xs[worst], ys[worst], marker=COSTLY_MARKERS[self.charset],
                        color=COSTLY_COLOUR, label="costliest")
        plt.xlim(*xlim)
        plt.ylim(*ylim)

    def _boundary(self, plt, model, w, xlim, ylim) -> str:
        """Draw the line where p = 0.5 and say what it is (or why there is none)."""
        w1, w2 = (float(c) for c in w)
        if not (math.isfinite(w1) and math.isfinite(w2)):
            return "no boundary: the weights are not finite"
        if math.hypot(w1, w2) <= FLAT_WEIGHTS:
            p = format_number(float(sigmoid(model.bias)), 2)
            return f"no boundary: the model says {p} everywhere"
        equation = (f"boundary {format_number(w1, 3)}·x1{_signed(w2, '·x2')}"
                    + (_signed(model.bias, '') if model.bias else "") + " = 0")
        segment = decision_boundary(w1, w2, model.bias, xlim, ylim)
        if segment is None:
            return equation + " (off the plot)"
        (xa, ya), (xb, yb) = segment
        plt.plot([xa, xb], [ya, yb], marker=LINE_MARKERS[self.charset], color=LINE_COLOUR,
                 label="p = 0.5")
        return equation

    def _curve(self, plt, model, w, xlim, x: str = "x") -> str:
        """Draw the network's output p(x) across the data and give its formula."""
        w1, w2 = (float(c) for c in w)
        if not (math.isfinite(w1) and math.isfinite(w2)):
            return "no curve: the weights are not finite"
        grid = np.linspace(*xlim, CURVE_SAMPLES)
        p = sigmoid(logits(model, w, grid[:, None]))
        plt.plot(grid, p, marker=LINE_MARKERS[self.charset], color=LINE_COLOUR, label="p(x)")
        return (f"p = {SIGMA[self.charset]}({format_number(w2, 3)}·tanh("
                f"{format_number(w1, 3)}·{x}))")


class DataPane(Vertical):
    """The data view and, under it, the examples that cost the most at the walker's weights."""

    def __init__(self, *, charset: str = "unicode", colour: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.charset, self.colour = charset, colour
        self._shown: tuple | None = None  # what to show once composed (the first opening)

    def compose(self) -> ComposeResult:
        yield DataView(charset=self.charset, colour=self.colour, id="data")
        yield Static(id="costliest")

    def on_mount(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, model, w) -> None:
        """Show model's data and what the weights w make of it."""
        self._shown = (model, w)
        if not self.children:
            return
        self.query_one(DataView).show(model, w)
        text = costliest_text(model, w, self.charset) if hasattr(model, "dataset") else ""
        self.query_one("#costliest", Static).update(
            ascii_only(text) if self.charset == "ascii" else text)
