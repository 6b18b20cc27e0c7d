"""The loss landscape as a grid of numbers: evaluate a model on a view, and move the view.

A view is an Extent (w1_min, w1_max, w2_min, w2_max). `evaluate` scores the model on an
inclusive grid over it, values[j, i] = loss(w1s[i], w2s[j]) with row 0 at the smallest w2, a
few rows at a time so a caller can show progress and cancel a grid the user no longer wants.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from losswalk.core.landscapes.models import Extent, Model, ModelError

MIN_HALF_WIDTH = 1e-9  # zoom stops here (relative to |centre| when that is > 1): floats run out
MAX_HALF_WIDTH = 1e9  # and here (unless the view is wider): no weight worth walking is further out
MAX_COORDINATE = 1e150  # zoom and pan keep every view inside +/- this (float64 ends at 1.8e308)
EXTENT_RULE = "needs four finite numbers W1MIN,W1MAX,W2MIN,W2MAX with min < max"
PROGRESS_STEPS = 8  # default number of row chunks in evaluate


@dataclass(frozen=True)
class ScaleStats:
    """Robust colour-scale statistics of the finite values of a grid.

    With log=True every number is in log units t = log10(v - floor + delta), floor = min(vmin, 0)
    and delta = 1e-4 (vmax - floor): positive losses keep their decades, and negative ones (the
    camel's -1.03, a saddle) are shifted so the lowest value still has a finite logarithm.
    """

    vmin: float
    vmax: float
    p02: float
    p50: float
    p98: float
    finite_fraction: float
    log: bool


@dataclass(frozen=True, eq=False)
class LossGrid:
    """Loss values[j, i] at (w1s[i], w2s[j]) over the view extent; row 0 is the smallest w2."""

    w1s: np.ndarray
    w2s: np.ndarray
    values: np.ndarray
    extent: Extent

    def __post_init__(self) -> None:
        for name in ("w1s", "w2s", "values"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=float))
        if self.values.shape != (len(self.w2s), len(self.w1s)):
            raise ValueError(f"values must have shape (len(w2s), len(w1s)) = "
                             f"{(len(self.w2s), len(self.w1s))}, got {self.values.shape}")

    def stats(self, log: bool = False) -> ScaleStats:
        """Min, max and 2/50/98th percentiles of the finite values (NaN if there are none)."""
        finite = self.values[np.isfinite(self.values)]
        if finite.size == 0:
            return ScaleStats(*[math.nan] * 5, finite_fraction=0.0, log=log)
        if log:
            floor = min(float(finite.min()), 0.0)
            span = float(finite.max()) - floor
            finite = np.log10(finite - floor + (1e-4 * span if span > 0 else 1.0))
        p02, p50, p98 = quantiles(finite, [0.02, 0.5, 0.98])
        return ScaleStats(float(finite.min()), float(finite.max()), float(p02), float(p50),
                          float(p98), finite.size / self.values.size, log)


def quantiles(values: np.ndarray, qs) -> np.ndarray:
    """The qs-quantiles (each 0..1) of values (non-empty, no NaN), interpolated linearly between
    order statistics as numpy's default method does. A sort, because np.quantile's first call
    costs ~20 ms: a tenth of the app's start-up, paid for three numbers."""
    ordered = np.sort(np.ravel(values))
    position = np.asarray(qs, dtype=float) * (ordered.size - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, ordered.size - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def validate_extent(extent) -> Extent:
    """The extent as four floats; ModelError unless all are finite with min < max on both axes.
    (Which views a landscape can be drawn in is models.check_view's to say; zoom and pan keep
    their results within +/-MAX_COORDINATE.)"""
    try:
        e = tuple(float(v) for v in extent)
    except (TypeError, ValueError):
        e = ()
    if len(e) != 4 or not all(math.isfinite(v) for v in e) or not (e[0] < e[1] and e[2] < e[3]):
        raise ModelError(f"extent {EXTENT_RULE}, got {extent!r}")
    return e


def parse_extent(text: str) -> Extent:
    """Parse "W1MIN,W1MAX,W2MIN,W2MAX" (the --extent option): four finite numbers, min < max;
    ModelError naming the text. Whether the landscape can be drawn there is the landscape's
    to say (models.check_view names the range that works for it)."""
    try:
        e = tuple(float(part) for part in text.split(","))
    except ValueError:
        e = ()
    if len(e) != 4 or not all(math.isfinite(v) for v in e) or not (e[0] < e[1] and e[2] < e[3]):
        raise ModelError(f"--extent {EXTENT_RULE}, got {text!r}")
    return e


def axes(extent: Extent, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid's w1s (nx) and w2s (ny): inclusive linspace from min to max on each axis."""
    w1_min, w1_max, w2_min, w2_max = validate_extent(extent)
    if int(nx) < 2 or int(ny) < 2:
        raise ModelError(f"a grid needs at least 2 points on each axis, got {nx} x {ny}")
    return np.linspace(w1_min, w1_max, int(nx)), np.linspace(w2_min, w2_max, int(ny))


def evaluate(model: Model, extent: Extent, nx: int, ny: int, *,
             progress: Callable[[float], object] | None = None,
             cancelled: Callable[[], bool] | None = None,
             rows_per_chunk: int | None = None) -> LossGrid | None:
    """The model's loss on an nx x ny grid over extent, computed a chunk of rows at a time.

    progress(fraction done) is called after each chunk; if cancelled() turns True the work stops
    and None is returned. Overflowing losses become inf/NaN values, never an exception. A model
    with many examples scores the whole grid on one fixed sample of them (its for_grid), so the
    work stays within its budget.
    """
    w1s, w2s = axes(extent, nx, ny)
    for_grid = getattr(model, "for_grid", None)
    if for_grid is not None:
        model = for_grid(len(w1s), len(w2s))
    rows = math.ceil(len(w2s) / PROGRESS_STEPS) if rows_per_chunk is None else int(rows_per_chunk)
    if rows < 1:
        raise ValueError(f"rows_per_chunk must be >= 1, got {rows_per_chunk}")
    values = np.empty((len(w2s), len(w1s)))
    for start in range(0, len(w2s), rows):
        if cancelled is not None and cancelled():
            return None
        stop = min(start + rows, len(w2s))
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            values[start:stop] = model.loss_grid(w1s, w2s[start:stop])
        if progress is not None:
            progress(stop / len(w2s))
    if cancelled is not None and cancelled():
        return None
    return LossGrid(w1s, w2s, values, validate_extent(extent))


def _zoom_axis(lo: float, hi: float, centre: float, factor: float) -> tuple[float, float]:
    """One axis of `zoom`: the half-width scaled, kept between the smallest a float can resolve
    here and the largest allowed, and the window kept inside +/-MAX_COORDINATE."""
    c = min(max(centre, lo), hi) if math.isfinite(centre) else 0.5 * lo + 0.5 * hi
    current = 0.5 * hi - 0.5 * lo  # not (hi - lo) / 2: that overflows for +/-1e308
    smallest = MIN_HALF_WIDTH * max(1.0, abs(c))
    largest = min(max(MAX_HALF_WIDTH, current, abs(c)), MAX_COORDINATE)
    half = min(max(current * factor, smallest), largest)
    c = min(max(c, half - MAX_COORDINATE), MAX_COORDINATE - half)
    return c - half, c + half


def zoom(extent: Extent, center, factor: float) -> Extent:
    """The view scaled by factor (< 1 zooms in) around center, which is first moved inside it.

    Valid wherever the view is: the half-width stays >= MIN_HALF_WIDTH * max(1, |centre|) (a
    million ulps of the centre: floats run out below), <= MAX_HALF_WIDTH or |centre| or the
    view's own half-width, whichever is largest, and the view inside +/-MAX_COORDINATE. Where those
    limits stop it, the extent comes back unchanged: `zoom(e, c, f) == e` says it could not zoom.
    """
    w1_min, w1_max, w2_min, w2_max = validate_extent(extent)
    if not (math.isfinite(factor) and factor > 0):
        raise ModelError(f"zoom factor must be a finite number > 0, got {factor}")
    w1 = _zoom_axis(w1_min, w1_max, float(center[0]), factor)
    w2 = _zoom_axis(w2_min, w2_max, float(center[1]), factor)
    return validate_extent((*w1, *w2))


def _pan_axis(lo: float, hi: float, frac: float) -> tuple[float, float]:
    """One axis of `pan`: moved by frac of its width, stopping at +/-MAX_COORDINATE; unmoved
    where the step is too small for floats to tell the ends apart after it."""
    step = frac * hi - frac * lo  # not frac * (hi - lo): that overflows for +/-1e308
    step = min(max(step, -MAX_COORDINATE - lo), MAX_COORDINATE - hi)
    moved = lo + step, hi + step
    return moved if moved[0] < moved[1] else (lo, hi)


def centred_on(extent: Extent, point) -> Extent:
    """The view of the same size moved so that point is at its centre."""
    w1_min, w1_max, w2_min, w2_max = validate_extent(extent)
    half_w1, half_w2 = 0.5 * (w1_max - w1_min), 0.5 * (w2_max - w2_min)
    w1, w2 = float(point[0]), float(point[1])
    return validate_extent((w1 - half_w1, w1 + half_w1, w2 - half_w2, w2 + half_w2))


def pan(extent: Extent, dx_frac: float, dy_frac: float) -> Extent:
    """The view moved by dx_frac of its width along w1 and dy_frac of its height along w2 (never
    past +/-MAX_COORDINATE)."""
    w1_min, w1_max, w2_min, w2_max = validate_extent(extent)
    return validate_extent((*_pan_axis(w1_min, w1_max, dx_frac),
                            *_pan_axis(w2_min, w2_max, dy_frac)))
