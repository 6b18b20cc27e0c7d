"""A loss curve along one direction (a 1-D surface file) as text: braille dots (or '*' in ASCII)
on a loss axis with round ticks, over an x axis, with its minima and maxima marked."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from losswalk.core.drawing.linechart import AXES, DOTS, dot_cells, nice_ticks, tick_labels
from losswalk.core.drawing.text import check_charset

MIN_WIDTH, MIN_HEIGHT = 20, 6  # below this the plot says only its title
# (unicode, ascii) marks; ASCII draws the curve in '*', so the global minimum is 'G' there
MARKS = {"global": ("★", "G"), "minimum": ("◇", "m"), "maximum": ("▲", "M")}


def _x_labels(lo: float, hi: float, width: int) -> list[tuple[int, int, str]]:
    """Round x values under the axis as (cell, label start, label), as many as fit with a
    space between them."""
    for count in range(max(2, width // 8), 0, -1):
        ticks, step = nice_ticks(lo, hi, count)
        labels = tick_labels(ticks, step)
        placed, end = [], -1
        for t, label in zip(ticks, labels, strict=True):
            cell = min(math.floor((t - lo) / (hi - lo) * width), width - 1)
            start = min(max(cell - (len(label) - 1) // 2, 0), width - len(label))
            if start <= end or start < 0:
                break
            placed.append((cell, start, label))
            end = start + len(label)
        else:
            return placed
    return []


def draw_line_plot(f: Callable[[np.ndarray], np.ndarray], extent: tuple[float, float],
                   width: int, height: int, title: str, charset: str = "unicode",
                   markers: Sequence[tuple[float, float, str]] = ()) -> list[str]:
    """`height` rows of `width` characters: the title, the curve f over extent on a loss axis,
    the x axis and its labels. markers are (x, loss, kind) with kind global/minimum/maximum."""
    check_charset(charset)
    rows_out = [title[:width].ljust(width)]
    x0, x1 = extent
    across, down = DOTS[charset]
    rows = height - 3
    probe = f(np.linspace(x0, x1, 4 * width))
    finite = probe[np.isfinite(probe)]
    if width < MIN_WIDTH or height < MIN_HEIGHT or finite.size == 0:
        return rows_out + [" " * width] * (height - 1)
    lo, hi = float(finite.min()), float(finite.max())
    pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.5
    bottom, top = lo - pad, hi + pad

    def dot_row(v):  # loss -> dot row (0 at the top), for the curve, ticks and markers alike
        return (top - v) / (top - bottom) * (rows * down - 1)

    for count in range(max(2, (rows + 1) // 2), 0, -1):
        ticks, step = nice_ticks(bottom, top, count)
        tick_rows = [math.floor(dot_row(t) + 0.5) // down for t in ticks]
        if len(set(tick_rows)) == len(tick_rows):
            break
    labels = tick_labels(ticks, step)
    label_width = max(len(label) for label in labels)
    plot_width = width - label_width - 1
    n = plot_width * across
    xs = np.linspace(x0, x1, n)
    ys = f(xs)
    dot_rows = dot_row(ys)
    dots = np.zeros((rows * down, n), bool)
    previous = None
    for k, r in enumerate(dot_rows.tolist()):
        if not math.isfinite(r):
            previous = None
            continue
        a, b = sorted((r, r if previous is None else previous))
        dots[max(math.floor(a + 0.5), 0):min(math.floor(b + 0.5), rows * down - 1) + 1, k] = True
        previous = r
    cells = [list(row) for row in dot_cells(dots, charset)]
    for x, loss, kind in markers:
        col = round((x - x0) / (x1 - x0) * (n - 1)) // across
        row = math.floor(dot_row(loss) + 0.5) // down
        if 0 <= row < rows and 0 <= col < plot_width:
            cells[row][col] = MARKS[kind][charset == "ascii"]
    axis, tick, corner, rule, x_tick = AXES[charset]
    for r in range(rows):
        label = labels[tick_rows.index(r)] if r in tick_rows else ""
        rows_out.append(f"{label:>{label_width}}{tick if label else axis}{''.join(cells[r])}")
    placed = _x_labels(x0, x1, plot_width)
    line = [rule] * plot_width
    under = [" "] * width
    for cell, start, label in placed:
        line[cell] = x_tick
        under[label_width + 1 + start:label_width + 1 + start + len(label)] = label
    rows_out.append(" " * label_width + corner + "".join(line))
    rows_out.append("".join(under))
    return rows_out
