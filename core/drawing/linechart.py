"""The loss-vs-step chart as rows of text, with no terminal library: round tick values, a bounded
summary of a long walk, and the line in braille dots (or '*' in ASCII) with axes and labels.

A walk is summarised in BINS bins across its step window (the first, lowest, highest and last
loss in each), kept up to date one point at a time; the chart is drawn from the bins alone, so a
step costs the same at step 10 as at step 10,000. The axes stay put while the points fit: the
step window doubles when outgrown (and scrolls a bin at a time once the oldest points leave the
trail), and the loss axis keeps room below for the loss still to fall.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from losswalk.core.drawing.text import check_charset, format_number

BINS = 1024  # summary bins across the step window: the most a chart ever reads, at any length
MIN_STEPS = 32  # the step window's first span; it doubles when outgrown
HEADROOM = 0.5  # room below the lowest loss, as a fraction of the loss span (linear axis)
PLOT_LIMIT = 1e100  # finite values beyond this are clipped, so that spans never overflow
NICE = (1.0, 2.0, 2.5, 5.0)  # round steps are these times a power of ten
MIN_HEIGHT = 3  # the title and two rows of line; below this only the title is drawn
MIN_PLOT_WIDTH = 4  # cells of line right of the loss labels; narrower, only the title is drawn
DOTS = {"unicode": (2, 4), "ascii": (1, 1)}  # dots per cell (across, down): braille or one '*'
AXES = {  # left axis, its tick, bottom corner, bottom axis, its tick
    "unicode": ("│", "┤", "└", "─", "┬"),
    "ascii": ("|", "+", "+", "-", "+"),
}
BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])


# --- values and axes ----------------------------------------------------------------------------


def plottable(values) -> np.ndarray:
    """Values as float64 with inf/nan turned into nan (gaps) and the rest clipped to ±PLOT_LIMIT."""
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), np.clip(v, -PLOT_LIMIT, PLOT_LIMIT), np.nan)


def wants_log(values: np.ndarray) -> bool:
    """True when all finite values are positive and span at least two orders of magnitude."""
    v = values[np.isfinite(values)]
    return v.size > 1 and v.min() > 0 and v.max() / v.min() >= 100


def loss_range(finite: np.ndarray, log: bool, top: float = 0.05) -> tuple[float, float]:
    """y limits around the finite losses with room below for the loss still to fall (and `top`
    of the span above): in whole decades (log10 units, one spare) when `log`, else in loss
    units, not below 0 if losses >= 0."""
    lo, hi = float(finite.min()), float(finite.max())
    if log:
        return float(math.floor(math.log10(lo)) - 1), float(math.ceil(math.log10(hi)))
    span = hi - lo if hi > lo else abs(hi) or 1.0  # one point: room for it to halve
    bottom = lo - HEADROOM * span
    return (max(bottom, 0.0) if lo >= 0 else bottom), hi + top * span


def fits(ylim: tuple[float, float] | None, finite: np.ndarray, log: bool) -> bool:
    """True when every finite value lies inside ylim (log10 units when `log`)."""
    if ylim is None or finite.size == 0 or (log and finite.min() <= 0):
        return False
    values = np.log10(finite) if log else finite
    return ylim[0] <= values.min() and values.max() <= ylim[1]


def _round_steps(smallest: float, integer: bool) -> Iterator[float]:
    """Round steps (1, 2, 2.5, 5 × 10^k) from the first >= smallest upwards; whole ones only if
    `integer`."""
    exponent = math.floor(math.log10(smallest))
    while True:
        for mantissa in NICE:
            step = mantissa * 10.0**exponent
            if step >= smallest * (1 - 1e-12) and not (integer and step != round(step)):
                yield step
        exponent += 1


def nice_ticks(lo: float, hi: float, count: int, integer: bool = False,
               ) -> tuple[list[float], float]:
    """At most `count` evenly spaced round values inside [lo, hi]: the multiples of the smallest
    round step (1, 2, 2.5, 5 × 10^k; whole if `integer`) that gives no more than `count`, and
    that step. ([], 0.0) for an empty range. (An axis wants its ends and a bound on the count;
    contour levels, contours.nice_levels, lie strictly inside and about n.)"""
    span = hi - lo
    if count < 1 or not (span > 0 and math.isfinite(span)):
        return [], 0.0
    for step in _round_steps(span / (count + 1), integer):  # smaller steps give > count
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        if last - first + 1 <= count:
            digits = 2 - math.floor(math.log10(step))  # k * 0.1 = 0.30000000000000004 -> 0.3
            return [round(k * step, digits) + 0.0 for k in range(first, last + 1)], step
    raise AssertionError("unreachable: the steps grow without bound")


def _whole_digits(x: float) -> int:
    """Digits before the point of |x| (1 below 1), at most 5: 40 -> 2, 0.5 -> 1, 1e7 -> 5."""
    return min(5, math.floor(math.log10(abs(x))) + 1) if abs(x) >= 1 else 1


def tick_labels(ticks: Sequence[float], step: float = 0.0) -> list[str]:
    """The ticks written as the walker panel writes numbers, with the fewest significant digits
    that give each value back (to a millionth of `step`; to a billionth of itself if step 0)."""
    labels: list[str] = []
    for digits in range(1, 18):  # whole numbers below 1e5 in full: 40, not 4e1
        labels = [format_number(t, max(digits, _whole_digits(t))) for t in ticks]
        if all(abs(float(s) - t) <= (1e-6 * step if step else 1e-9 * abs(t))
               for s, t in zip(labels, ticks, strict=True)):
            break
    return labels


# --- the summary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepWindow:
    """The steps across the chart: `span` steps from bin `start` (lo = start · span / BINS),
    cut into BINS bins that stay put as the window scrolls one bin at a time."""

    span: int
    start: int

    @property
    def lo(self) -> float:
        return self.start * self.span / BINS

    @property
    def hi(self) -> float:
        return self.lo + self.span

    def bin(self, step: int) -> int:
        """The bin a step at or after lo falls in (a step at hi: the last bin)."""
        return min(step * BINS // self.span - self.start, BINS - 1)


def step_window(first: int, last: int, span: int = MIN_STEPS) -> StepWindow:
    """The window for steps first..last: the span doubles from `span` until it holds them with
    its start on a bin boundary at or before `first` (first 0: the window is 0..span)."""
    while True:
        start = first * BINS // span
        if (start + BINS) * span >= last * BINS:
            return StepWindow(span, start)
        span *= 2


class Bins:
    """The first, lowest, highest and last finite loss in each of BINS bins (nan: none), and
    where non-finite losses break the line: before a bin's first finite loss, after its last."""

    def __init__(self) -> None:
        self.first, self.low, self.high, self.last = (np.full(BINS, np.nan) for _ in range(4))
        self.gap_before, self.gap_after, self.seen = (np.zeros(BINS, bool) for _ in range(3))

    def add(self, b: int, loss: float) -> None:
        """Put the next point of the walk (nan: not finite) in bin b."""
        has_finite = not math.isnan(self.first[b])
        if math.isnan(loss):
            (self.gap_after if has_finite else self.gap_before)[b] = True
        elif has_finite:
            self.low[b], self.high[b] = min(self.low[b], loss), max(self.high[b], loss)
            self.last[b], self.gap_after[b] = loss, False
        else:
            self.first[b] = self.low[b] = self.high[b] = self.last[b] = loss
        self.seen[b] = True

    def shift(self, by: int) -> None:
        """Drop the first `by` bins; empty ones come in at the end (the window scrolled)."""
        for values, empty in ((self.first, np.nan), (self.low, np.nan), (self.high, np.nan),
                              (self.last, np.nan), (self.gap_before, False),
                              (self.gap_after, False), (self.seen, False)):
            kept = values[by:].copy()
            values[:] = empty
            values[:kept.size] = kept

    def extremes(self) -> tuple[float, float] | None:
        """Lowest and highest finite loss in all bins (None: there is none)."""
        lo = float(np.fmin.reduce(self.low))
        return None if math.isnan(lo) else (lo, float(np.fmax.reduce(self.high)))


class LossHistory:
    """The losses along a walk as the chart needs them, following the walker's trail: the points
    on it (and up to a bin of older ones) summarised in Bins across the step window, the loss
    axis (linear or log) and the title's number."""

    def __init__(self) -> None:
        self._start_over()

    def _start_over(self) -> None:
        self.points: deque[tuple[int, float]] = deque()  # (step, plottable loss) from window.lo
        self.window = StepWindow(MIN_STEPS, 0)
        self.bins = Bins()
        self.binned = 0  # points put into bins so far: what a step costs, counted
        self.extremes: tuple[float, float] | None = None
        self.log = False
        self.ylim: tuple[float, float] | None = None  # loss axis (log10 units when log)
        self.last_loss: float | None = None  # the trail's last loss as it is (not clipped)
        self._last = None  # the trail's last point seen: the walk goes on from it

    def follow(self, trail: Sequence) -> bool:
        """Take the trail's new points (TrailPoint-like: .step, .loss). A trail that does not go
        on from the point seen last is a new walk (reset, another landscape): the chart starts
        afresh, axes and all. True when anything changed."""
        new = self._new_points(trail)
        fresh = new is None
        if new is None:
            had_points = self._last is not None
            self._start_over()
            if not trail:
                return had_points
            new = trail
        elif not new:
            return False
        self._last, self.last_loss = trail[-1], float(trail[-1].loss)
        added = list(zip((int(p.step) for p in new), plottable([p.loss for p in new]).tolist(),
                         strict=True))
        self.points.extend(added)
        window = step_window(int(trail[0].step), int(trail[-1].step), self.window.span)
        if fresh or window.span != self.window.span:
            self.window = window
            self._drop_before_window()
            self.bins, self.extremes = Bins(), None
            added = list(self.points)
        elif window.start != self.window.start:
            self.bins.shift(window.start - self.window.start)
            self.window = window
            self._drop_before_window()
            self.extremes = self.bins.extremes()
        for step, loss in added:
            self._bin(step, loss)
        self._fit_loss_axis(fresh)
        return True

    def _new_points(self, trail: Sequence) -> Sequence | None:
        """The points after the last one seen ([]: none), or None if the trail does not hold it."""
        if self._last is None:
            return None if trail else []
        for i in range(len(trail) - 1, -1, -1):  # the last point seen is near the end
            if trail[i] is self._last:
                return trail[i + 1:]
        return None

    def _drop_before_window(self) -> None:
        while self.points and self.points[0][0] < self.window.lo:
            self.points.popleft()

    def _bin(self, step: int, loss: float) -> None:
        self.bins.add(self.window.bin(step), loss)
        self.binned += 1
        if not math.isnan(loss):
            lo, hi = self.extremes or (loss, loss)
            self.extremes = (min(lo, loss), max(hi, loss))

    def _fit_loss_axis(self, fresh: bool) -> None:
        """Keep the loss axis while the points fit it (and the scale stays); else fit it anew."""
        if self.extremes is None:
            self.ylim = None
            return
        finite = np.array(self.extremes)
        log = wants_log(finite)
        if fresh or log != self.log or not fits(self.ylim, finite, log):
            self.ylim = loss_range(finite, log)
        self.log = log

    @property
    def title(self) -> str:
        """'loss 0.2853' as the walker panel writes it, or why there is no number."""
        if self.last_loss is None:
            return "loss: no steps yet"
        if not math.isfinite(self.last_loss):
            return "loss: diverged"
        return f"loss {format_number(self.last_loss)}"


# --- drawing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """The bins merged into columns: for each column with a finite loss (`index`, ascending) its
    first, lowest, highest and last loss and whether the line breaks before or after it; and
    the columns that hold only non-finite losses (the line does not cross them)."""

    index: np.ndarray
    first: np.ndarray
    low: np.ndarray
    high: np.ndarray
    last: np.ndarray
    gap_before: np.ndarray
    gap_after: np.ndarray
    broken: np.ndarray


def columns(bins: Bins, n: int) -> Columns:
    """Merge the bins into n equal columns (bin b goes to column b·n // BINS)."""
    seen = np.flatnonzero(bins.seen)
    col = seen * n // BINS
    finite = ~np.isnan(bins.first[seen])
    fb, fc = seen[finite], col[finite]
    if not fb.size:
        none = np.zeros(0)
        return Columns(np.zeros(0, int), none, none, none, none, none.astype(bool),
                       none.astype(bool), np.array(sorted(set(col.tolist())), dtype=int))
    at_first = np.flatnonzero(np.diff(fc, prepend=-1))  # fc ascends: where a new column begins
    index = fc[at_first]  # (not np.unique: its first call imports numpy.ma, ~20 ms)
    at_last = np.append(at_first[1:], fc.size) - 1
    low = np.fmin.reduceat(bins.low[fb], at_first)
    high = np.fmax.reduceat(bins.high[fb], at_first)
    gap_before, gap_after = bins.gap_before[fb[at_first]], bins.gap_after[fb[at_last]]
    broken = []
    for b, c in zip(seen[~finite].tolist(), col[~finite].tolist(), strict=True):
        k = int(np.searchsorted(index, c))  # only non-finite losses in bin b
        if k == index.size or index[k] != c:
            broken.append(c)
        elif b < fb[at_first[k]]:
            gap_before[k] = True
        elif b > fb[at_last[k]]:
            gap_after[k] = True
    return Columns(index, bins.first[fb[at_first]], low, high, bins.last[fb[at_last]],
                   gap_before, gap_after, np.array(sorted(set(broken)), dtype=int))


def line_dots(cols: Columns, ylim: tuple[float, float], log: bool, rows: int, n: int,
              ) -> np.ndarray:
    """rows x n dots (row 0 at the top of ylim): each column's lowest..highest loss, joined to
    the previous column's last loss unless a non-finite loss lies between them."""
    dots = np.zeros((rows, n), bool)
    bottom, top = ylim

    def row_of(values: np.ndarray) -> np.ndarray:
        v = np.log10(values) if log else values
        return (top - v) / (top - bottom) * (rows - 1)

    def mark(x: int, y0: float, y1: float) -> None:
        r0, r1 = (min(max(math.floor(y + 0.5), 0), rows - 1) for y in sorted((y0, y1)))
        dots[r0:r1 + 1, x] = True

    first, low, high, last = (row_of(v).tolist() for v in (cols.first, cols.low, cols.high,
                                                            cols.last))
    index, broken = cols.index.tolist(), cols.broken
    for k, j in enumerate(index):
        mark(j, low[k], high[k])
        if k == 0 or cols.gap_after[k - 1] or cols.gap_before[k]:
            continue
        i = index[k - 1]
        if np.any((broken > i) & (broken < j)):
            continue
        a, b = last[k - 1], first[k]  # the segment (i, a)-(j, b): x covers x-0.5..x+0.5 of it
        for x in range(i, j + 1):
            t0, t1 = max(x - 0.5, i), min(x + 0.5, j)
            mark(x, a + (b - a) * (t0 - i) / (j - i), a + (b - a) * (t1 - i) / (j - i))
    return dots


def dot_cells(dots: np.ndarray, charset: str) -> list[str]:
    """The dots as text: braille cells of 2x4 dots, or one '*' a dot in ASCII; blank: a space."""
    if charset == "ascii":
        return ["".join("*" if d else " " for d in row) for row in dots.tolist()]
    rows, cells = dots.shape[0] // 4, dots.shape[1] // 2
    codes = (dots.reshape(rows, 4, cells, 2) * BRAILLE_BITS[None, :, None, :]).sum(axis=(1, 3))
    return ["".join(chr(0x2800 + c) if c else " " for c in row) for row in codes.tolist()]


@dataclass(frozen=True)
class ChartText:
    """A chart as `rows` of text, each exactly `width` characters; the line lies in the
    characters `line_columns` of the rows `line_rows` (empty ranges: no line drawn)."""

    rows: list[str]
    line_rows: range
    line_columns: range


def _loss_ticks(ylim: tuple[float, float], log: bool, rows: int, dots_down: int,
                ) -> tuple[list[int], list[str]]:
    """Round loss values on the axis, as (cell row, label): as many as fit with a blank row
    between labels (from 5 rows on; on fewer, one to a row); decades on a log axis."""
    bottom, top = ylim
    gap = 2 if rows >= 5 else 1
    for count in range(max(2, (rows + 1) // 2), 0, -1):
        ticks, step = nice_ticks(bottom, top, count, integer=log)
        dot_rows = (top - np.array(ticks)) / (top - bottom) * (rows * dots_down - 1)
        cell_rows = (np.floor(dot_rows + 0.5).astype(int) // dots_down).tolist()
        if all(a - b >= gap for a, b in itertools.pairwise(cell_rows)):  # ticks go up, rows down
            break
    values = [10.0**t for t in ticks] if log else ticks
    return cell_rows, tick_labels(values, 0.0 if log else step)


def _step_labels(window: StepWindow, width: int) -> list[tuple[int, int, str]]:
    """Round steps under the line as (tick cell, label start, label), as many as fit with a
    space between them in `width` cells."""
    lo, hi = window.lo, window.hi
    placed: list[tuple[int, int, str]] = []
    for count in range(max(2, width // 6), 0, -1):  # a label at most every 6 cells
        ticks, _ = nice_ticks(lo, hi, count, integer=True)
        placed, end = [], -1
        for t in ticks:
            label = format_number(t, 7)
            cell = min(math.floor((t - lo) / (hi - lo) * width), width - 1)
            start = min(max(cell - (len(label) - 1) // 2, 0), width - len(label))
            if start <= end or start < 0:  # overlaps the label before, or wider than the line
                break
            placed.append((cell, start, label))
            end = start + len(label)
        else:
            return placed
    return placed


def draw_chart(history: LossHistory, width: int, height: int, charset: str = "unicode",
               ) -> ChartText:
    """The loss chart in width x height characters: the title (the last loss) on top, the line
    on the loss axis (round ticks) over the step axis. Only the title when there is no room for
    two rows and MIN_PLOT_WIDTH cells of line, or no finite loss to draw; no title (rather than
    a cut number) where it does not fit."""
    check_charset(charset)
    across, down = DOTS[charset]

    def cells(rows: int, plot_width: int) -> list[str]:
        n = plot_width * across
        return dot_cells(line_dots(columns(history.bins, n), history.ylim, history.log,
                                   rows * down, n), charset)

    return _draw(history.title, history.ylim, history.log, history.window, width, height,
                 charset, down, cells)


def _draw(title: str, ylim: tuple[float, float] | None, log: bool, window: StepWindow,
          width: int, height: int, charset: str, down: int, cells) -> ChartText:
    """The chart's frame (title, loss ticks, axes, step labels) around the line's cells, which
    `cells(rows, plot_width)` draws (`down` dots to a cell vertically)."""
    blank = " " * width
    title = title.center(width) if len(title) <= width else blank  # never cut
    only_title = ChartText(([title] + [blank] * (height - 1))[:height], range(0), range(0))
    if height < MIN_HEIGHT or ylim is None:
        return only_title
    # rows under the line: the step labels from 4 rows on, the bottom axis too from 6 on
    has_labels, has_axis = height >= 4, height >= 6
    rows = height - 1 - has_labels - has_axis
    tick_rows, labels = _loss_ticks(ylim, log, rows, down)
    label_width = max((len(label) for label in labels), default=0)
    x0 = label_width + 1
    plot_width = width - x0
    if plot_width < MIN_PLOT_WIDTH:
        return only_title
    line_cells = cells(rows, plot_width)
    axis, tick, corner, rule, step_tick = AXES[charset]
    out = [title]
    for r in range(rows):
        label = labels[tick_rows.index(r)] if r in tick_rows else ""
        out.append(f"{label:>{label_width}}{tick if label else axis}{line_cells[r]}")
    steps = _step_labels(window, plot_width)
    if has_axis:
        line = [rule] * plot_width
        for cell, _, _ in steps:
            line[cell] = step_tick
        out.append(" " * label_width + corner + "".join(line))
    if has_labels:
        under = [" "] * width
        for _, start, label in steps:
            under[x0 + start:x0 + start + len(label)] = label
        out.append("".join(under))
    return ChartText(out, range(1, rows + 1), range(x0, width))


# --- several series on one chart (the optimizer race) -------------------------------------------


def rebinned(history: LossHistory, window: StepWindow) -> Bins:
    """The history's bins moved into a wider (or later) window: the windows' bins nest (spans
    are powers of two times MIN_STEPS, starts on bin boundaries), so each bin goes whole into
    one bin of `window`; bins before the window are dropped."""
    own = history.window
    if own == window:
        return history.bins
    bins, old = Bins(), history.bins
    for b in np.flatnonzero(old.seen).tolist():
        target = ((own.start + b) * own.span - window.start * window.span) // window.span
        if not 0 <= target < BINS:
            continue
        if old.gap_before[b] or math.isnan(old.first[b]):
            bins.add(target, math.nan)
        if not math.isnan(old.first[b]):
            for loss in (old.first[b], old.low[b], old.high[b], old.last[b]):
                bins.add(target, float(loss))
            if old.gap_after[b]:
                bins.add(target, math.nan)
    return bins


class LossHistories:
    """Several walks' losses on shared axes (one LossHistory each): the step window is the
    widest of theirs, the loss axis holds them all and stays put while they fit."""

    def __init__(self) -> None:
        self.histories: list[LossHistory] = []
        self.ylim: tuple[float, float] | None = None
        self.log = False
        self.window = StepWindow(MIN_STEPS, 0)
        self._starts: tuple = ()  # the first point of each trail: another means a new race
        self._moved: dict[int, tuple[tuple, Bins]] = {}  # series -> (what it was made of, bins)

    def follow(self, trails: Sequence[Sequence]) -> bool:
        """Take each trail's new points (a new set of trails starts afresh); True on a change."""
        starts = tuple(id(trail[0]) if trail else None for trail in trails)
        fresh = starts != self._starts
        if fresh:
            self.histories = [LossHistory() for _ in trails]
            self._starts, self._moved = starts, {}
        changed = [history.follow(trail) for history, trail in
                   zip(self.histories, trails, strict=True)]
        if not (fresh or any(changed)):
            return False
        self.window = max((h.window for h in self.histories), key=lambda w: (w.span, w.start),
                          default=StepWindow(MIN_STEPS, 0))
        ends = [value for h in self.histories if h.extremes for value in h.extremes]
        if not ends:
            self.ylim = None
            return True
        finite = np.array([min(ends), max(ends)])
        log = wants_log(finite)
        if fresh or log != self.log or not fits(self.ylim, finite, log):
            self.ylim = loss_range(finite, log)
        self.log = log
        return True

    def bins(self, k: int) -> Bins:
        """Series k's bins in the shared window (moved once, while neither changes: a racer
        that has stopped costs nothing per frame)."""
        history = self.histories[k]
        made_of = (history.window, history.binned, self.window)
        cached = self._moved.get(k)
        if cached is None or cached[0] != made_of:
            cached = self._moved[k] = (made_of, rebinned(history, self.window))
        return cached[1]


@dataclass(frozen=True)
class SeriesChart(ChartText):
    """A chart of several series: `owner[r][c]` is the series drawn in line row r, line column c
    (-1: none), each series in its own glyph."""

    owner: np.ndarray


def draw_series_chart(histories: LossHistories, glyphs: Sequence[str], title: str, width: int,
                      height: int, charset: str = "unicode") -> SeriesChart:
    """Several losses on one chart, each series drawn in its own glyph (one dot a cell, so they
    stay apart without colour); where two cross, the earlier series is on top."""
    check_charset(charset)
    owner = np.full((0, 0), -1)

    def cells(rows: int, plot_width: int) -> list[str]:
        nonlocal owner
        owner = np.full((rows, plot_width), -1)
        for k in range(len(histories.histories) - 1, -1, -1):
            dots = line_dots(columns(histories.bins(k), plot_width), histories.ylim,
                             histories.log, rows, plot_width)
            owner[dots] = k
        return ["".join(glyphs[k] if k >= 0 else " " for k in row) for row in owner.tolist()]

    chart = _draw(title, histories.ylim, histories.log, histories.window, width, height,
                  charset, 1, cells)
    if not chart.line_rows:
        owner = np.full((0, 0), -1)
    return SeriesChart(chart.rows, chart.line_rows, chart.line_columns, owner)
