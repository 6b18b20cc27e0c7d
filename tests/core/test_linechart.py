"""The loss chart's numerics and text layout (core.drawing.linechart): round ticks checked by hand
and against their definition, the bounded summary against a brute-force one, the drawn rows."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from losswalk.core.drawing.linechart import (
    BINS,
    NICE,
    Bins,
    LossHistory,
    columns,
    draw_chart,
    nice_ticks,
    plottable,
    step_window,
    tick_labels,
    wants_log,
)
from losswalk.core.drawing.text import format_number
from losswalk.core.walk.walker import TrailPoint


def trail(losses, steps=None) -> list[TrailPoint]:
    steps = range(len(losses)) if steps is None else steps
    return [TrailPoint(s, 0.0, 0.0, loss, 1.0, 0.1) for s, loss in zip(steps, losses, strict=True)]


def followed(points: list[TrailPoint]) -> LossHistory:
    history = LossHistory()
    history.follow(points)
    return history


# --- values and ticks ---------------------------------------------------------------------------


def test_plottable_and_wants_log():
    np.testing.assert_array_equal(plottable([1.0, math.inf, -1e300, math.nan]),
                                  [1.0, math.nan, -1e100, math.nan])
    assert wants_log(np.array([1.0, 1000.0]))
    assert wants_log(np.array([math.nan, 0.01, 1.0]))
    assert not wants_log(np.array([1.0, 10.0]))
    assert not wants_log(np.array([0.0, 100.0]))
    assert not wants_log(np.array([5.0]))


@pytest.mark.parametrize(("lo", "hi", "count", "integer", "ticks", "step"), [
    (0.87, 2.63, 4, False, [1.0, 1.5, 2.0, 2.5], 0.5),  # the range: no 1.94, no 2.17
    (0.0, 2.76, 4, False, [0.0, 1.0, 2.0], 1.0),  # 0.5 would give 6 ticks
    (0.0, 10.0, 5, False, [0.0, 2.5, 5.0, 7.5, 10.0], 2.5),  # 2 gives 6
    (0.0, 1.0, 2, False, [0.0, 1.0], 1.0),  # 0.5 gives 0, 0.5, 1: three
    (-0.3, 0.3, 3, False, [-0.2, 0.0, 0.2], 0.2),  # 0.1 · 3 prints as 0.3, not 0.30000000000000004
    (1000.2, 1000.9, 3, False, [1000.25, 1000.5, 1000.75], 0.25),  # 0.2 gives 1000.2..1000.8
    (1.01, 1.09, 1, False, [1.05], 0.05),  # a step below span/count still gives one tick
    (0.0, 32.0, 5, True, [0.0, 10.0, 20.0, 30.0], 10.0),
    (0.0, 7.0, 3, True, [0.0, 5.0], 5.0),  # whole steps: 2.5 is skipped
    (-7.0, 0.0, 4, True, [-6.0, -4.0, -2.0, 0.0], 2.0),  # decades on a log axis
    (1.0, 1.0, 3, False, [], 0.0),
    (0.0, math.inf, 3, False, [], 0.0),
])
def test_nice_ticks_by_hand(lo, hi, count, integer, ticks, step):
    assert nice_ticks(lo, hi, count, integer) == (ticks, step)


@given(st.floats(-1e6, 1e6), st.floats(1e-6, 1e6), st.integers(1, 12), st.booleans())
def test_nice_ticks_are_the_fewest_round_steps_inside(lo, span, count, integer):
    """Evenly spaced multiples of a round step, all inside, at most `count`, and the next smaller
    round step would give more than `count` (checked by counting its multiples directly)."""
    hi = lo + span
    ticks, step = nice_ticks(lo, hi, count, integer)
    mantissa = step / 10.0 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in NICE)
    assert not integer or step == round(step)
    assert len(ticks) <= count
    tolerance = 1e-9 * max(abs(lo), abs(hi), step)
    for t in ticks:
        assert lo - tolerance <= t <= hi + tolerance
        assert abs(t / step - round(t / step)) < 1e-6 + 1e-12 * abs(t / step)
    assert all(math.isclose(b - a, step, rel_tol=1e-6, abs_tol=tolerance)
               for a, b in itertools.pairwise(ticks))
    smaller = [m * 10.0**e for e in range(-8, 8) for m in NICE if m * 10.0**e < step * 0.999]
    smaller = [s for s in smaller if not integer or s == round(s)]
    if smaller:
        s = max(smaller)
        multiples = math.floor(hi / s + 1e-9) - math.ceil(lo / s - 1e-9) + 1
        assert multiples > count


@pytest.mark.parametrize(("ticks", "step", "labels"), [
    ([0.0, 0.5, 1.0, 1.5], 0.5, ["0", "0.5", "1", "1.5"]),
    ([1000.4, 1000.6, 1000.8], 0.2, ["1000.4", "1000.6", "1000.8"]),
    ([20.0, 40.0], 20.0, ["20", "40"]),  # whole numbers in full, not 2e1
    ([10000.0, 20000.0], 10000.0, ["10000", "20000"]),
    ([1e6, 2e6], 1e6, ["1e6", "2e6"]),
    ([-0.2, 0.0, 0.2], 0.2, ["-0.2", "0", "0.2"]),
    ([1e-6, 1e-4, 0.01, 1.0], 0.0, ["1e-6", "0.0001", "0.01", "1"]),  # decades
    ([1e-300, 1e300], 0.0, ["1e-300", "1e300"]),
])
def test_tick_labels_give_the_values_back(ticks, step, labels):
    assert tick_labels(ticks, step) == labels


# --- the step window and the summary ------------------------------------------------------------


@pytest.mark.parametrize(("first", "last", "span", "lo"), [
    (0, 0, 32, 0.0), (0, 32, 32, 0.0), (0, 33, 64, 0.0), (0, 5000, 8192, 0.0),
    (5000, 14999, 16384, 4992.0),  # a capped trail: starts on the bin at or before its first step
])
def test_step_window(first, last, span, lo):
    window = step_window(first, last)
    assert (window.span, window.lo) == (span, lo)
    assert window.lo <= first and last <= window.hi


@given(st.integers(0, 10**6), st.integers(0, 10**5), st.sampled_from([32, 64, 1024]))
def test_step_window_holds_the_steps_with_the_smallest_span(first, length, at_least):
    window = step_window(first, first + length, at_least)
    assert window.lo <= first and first + length <= window.hi
    assert window.span >= at_least and window.span & (window.span - 1) == 0  # a power of two
    assert window.lo == window.start * window.span / BINS
    if window.span > at_least:  # half the span would not do
        half = window.span // 2
        assert (first * BINS // half + BINS) * half < (first + length) * BINS


def brute_bins(points, window) -> dict[int, tuple]:
    """Bin -> (first, low, high, last finite loss, gap before, gap after), one point at a time."""
    grouped: dict[int, list[float]] = {}
    for step, loss in points:
        b = min(math.floor(step * BINS / window.span) - window.start, BINS - 1)
        grouped.setdefault(b, []).append(loss)
    out = {}
    for b, losses in grouped.items():
        finite = [k for k, v in enumerate(losses) if not math.isnan(v)]
        if not finite:
            out[b] = (None, None, None, None, True, False)
            continue
        values = [losses[k] for k in finite]
        out[b] = (values[0], min(values), max(values), values[-1],
                  any(math.isnan(v) for v in losses[:finite[0]]),
                  any(math.isnan(v) for v in losses[finite[-1] + 1:]))
    return out


def bins_as_dict(bins: Bins) -> dict[int, tuple]:
    out = {}
    columns = [a.tolist() for a in (bins.first, bins.low, bins.high, bins.last)]
    gaps_before, gaps_after = bins.gap_before.tolist(), bins.gap_after.tolist()
    for b in np.flatnonzero(bins.seen).tolist():
        values = [None if math.isnan(column[b]) else column[b] for column in columns]
        out[b] = (*values, bool(gaps_before[b]), bool(gaps_after[b]))
    return out


def same(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """Equal lists of (step, loss), nan equal to nan."""
    return [(s, repr(v)) for s, v in a] == [(s, repr(v)) for s, v in b]


def random_walk(rng: random.Random, length: int) -> list[tuple[int, float]]:
    """(step, loss) with repeated steps (hand moves), nan and inf, and a huge value."""
    points, step = [], 0
    for _ in range(length):
        step += rng.choice([0, 1, 1, 1, 1])
        r = rng.random()
        loss = (math.nan if r < 0.03 else math.inf if r < 0.05 else 1e300 if r < 0.06
                else rng.uniform(-1.0, 5.0))
        points.append((step, loss))
    return points


@pytest.mark.parametrize("seed", range(6))
def test_summary_matches_brute_force_on_a_capped_walk(seed):
    """Followed a few points at a time, with the trail capped as the walker caps it, the bins
    always equal a brute-force binning of the points held, and those are the trail's points
    plus older ones of the window's first bin only."""
    rng = random.Random(seed)
    walk, cap = random_walk(rng, 1200), rng.choice([50, 400, 5000])  # 5000: never capped
    points = [TrailPoint(s, 0.0, 0.0, loss, 1.0, 0.1) for s, loss in walk]
    plotted = [(p.step, float(plottable(p.loss))) for p in points]  # once, not per slice shown
    history, end = LossHistory(), 0
    while end < len(points):
        end += rng.choice([1, 1, 2, 3, 40])
        shown = points[max(0, end - cap):end]
        assert history.follow(shown)
        window = history.window
        held = list(history.points)
        expected = plotted[max(0, end - cap):end]
        assert same(held[len(held) - len(shown):], expected)
        assert all(window.lo <= s for s, _ in held)
        assert shown[0].step <= window.lo + window.span / BINS  # older points: the first bin's
        assert bins_as_dict(history.bins) == brute_bins(held, window)
        finite = [v for _, v in held if not math.isnan(v)]
        assert history.extremes == (pytest.approx((min(finite), max(finite))) if finite else None)


@pytest.mark.parametrize("n", [1, 7, 50, 333, BINS, 3000])
def test_columns_match_brute_force(n):
    """Merging the bins into n columns equals binning each point straight into its column."""
    rng = random.Random(n)
    points = trail([loss for _, loss in random_walk(rng, 2500)])
    history = followed(points)
    got = columns(history.bins, n)
    expected = brute_bins([(s, v) for s, v in history.points], history.window)
    by_column: dict[int, list] = {}
    for b in sorted(expected):
        by_column.setdefault(b * n // BINS, []).append(expected[b])
    finite_columns = sorted(c for c, rows in by_column.items()
                            if any(r[0] is not None for r in rows))
    assert got.index.tolist() == finite_columns
    for k, c in enumerate(finite_columns):
        rows = by_column[c]
        with_finite = [r for r in rows if r[0] is not None]
        first_at = rows.index(with_finite[0])
        last_at = rows.index(with_finite[-1])
        assert got.first[k] == with_finite[0][0] and got.last[k] == with_finite[-1][3]
        assert got.low[k] == min(r[1] for r in with_finite)
        assert got.high[k] == max(r[2] for r in with_finite)
        assert got.gap_before[k] == (with_finite[0][4] or first_at > 0)
        assert got.gap_after[k] == (with_finite[-1][5] or last_at < len(rows) - 1)
    assert got.broken.tolist() == sorted(set(by_column) - set(finite_columns))


def test_a_step_costs_the_same_at_step_10_as_at_step_10000():
    """One new point is binned once and the chart reads BINS bins, however long the walk: the
    work is counted, not timed. The trail is capped at 10,000 points as the walker caps it."""
    cap = 10_000
    points = trail([2.0 * 0.999**k + 0.01 * math.sin(k) for k in range(12_000)])
    history = LossHistory()
    costs = {}
    for end in range(1, len(points) + 1):
        before = history.binned
        history.follow(points[max(0, end - cap):end])
        if end in (10, 10_001, 11_999):
            costs[end] = history.binned - before
    assert costs == {10: 1, 10_001: 1, 11_999: 1}
    assert len(history.points) <= cap + history.window.span / BINS + 1  # memory stays bounded
    chart = draw_chart(history, 60, 20)
    cols = columns(history.bins, 2 * 56)
    assert cols.index.size <= 2 * 56 and chart.rows[0].strip() == history.title
    assert history.window.lo <= points[-cap].step and history.window.hi >= points[-1].step


# --- following a walk ---------------------------------------------------------------------------


def test_axes_stay_put_while_the_points_fit():
    points = trail([2.0, 1.0, 1.5, 0.8, 0.6])  # the first two give 0.5..2.05
    history = followed(points[:2])
    ylim, window = history.ylim, history.window
    for end in range(3, 6):
        history.follow(points[:end])
        assert (history.ylim, history.window) == (ylim, window)
    assert not history.follow(points)  # nothing new: nothing changed
    history.follow([*points, TrailPoint(5, 0.0, 0.0, 9.0, 1.0, 0.1)])  # above the axis: refit
    assert history.ylim != ylim and history.ylim[1] >= 9.0


def test_a_new_walk_starts_the_chart_afresh():
    """`r` clears the trail and restarts it at the same start: the chart must look exactly as a
    new chart does (the old one kept the range of the long walk before)."""
    long_walk = trail([2.6, 2.0, 1.0, 0.1] + [0.05] * 60)
    history = followed(long_walk)
    restarted = trail([2.6])  # the same first point, a new walk
    assert history.follow(restarted)
    fresh = followed(trail([2.6]))
    assert (history.ylim, history.window, history.log) == (fresh.ylim, fresh.window, fresh.log)
    assert draw_chart(history, 30, 10).rows == draw_chart(fresh, 30, 10).rows
    assert history.follow([]) and history.title == "loss: no steps yet"


def test_log_axis_when_the_loss_spans_decades():
    history = followed(trail([1.0, 1e-3, 1e-6]))
    assert history.log and history.ylim == (-7.0, 0.0)
    assert not followed(trail([1.0, 0.5])).log


@pytest.mark.parametrize(("losses", "title"), [
    ([], "loss: no steps yet"),
    ([0.5], "loss 0.5"),
    ([0.693147], "loss " + format_number(0.693147)),
    ([1e150], "loss 1e150"),  # the number itself, not the chart's clipped value
    ([2.0, math.inf], "loss: diverged"),
    ([math.nan], "loss: diverged"),
])
def test_title_is_the_last_loss_as_the_panel_writes_it(losses, title):
    assert followed(trail(losses)).title == title


# --- drawing ------------------------------------------------------------------------------------


def test_a_falling_line_by_hand():
    """Steps 0, 4, .., 28 with losses 4, 3.5, .., 0.5 on a 0..32 window, 10 columns of one dot
    (ASCII), 5 rows over the loss axis 0..4.175: point k lands in column floor(1.25 k), row
    round((4.175 - loss) / 4.175 · 4); neighbours are joined through the half-way column."""
    history = followed(trail([4 - 0.5 * k for k in range(8)], steps=[4 * k for k in range(8)]))
    assert history.ylim == pytest.approx((0.0, 4.175))
    assert draw_chart(history, 12, 8, "ascii").rows == [
        "  loss 0.5  ",
        "4+**        ",
        " | ***      ",
        "2+   ****   ",
        " |      *** ",
        "0+        * ",
        " ++-----+---",
        "  0     20  ",
    ]


@pytest.mark.parametrize(("width", "height"), [(31, 10), (31, 4), (31, 3), (59, 20), (200, 40)])
@pytest.mark.parametrize("charset", ["unicode", "ascii"])
def test_every_point_lands_in_its_dot_and_the_line_is_whole(width, height, charset):
    """A straight falling line at several sizes: each point's own dot is set, each column between
    the first and last point has a dot, and no dot strays from the line by a row or more."""
    losses = [3.0 - 0.07 * k for k in range(40)]
    history = followed(trail(losses))
    chart = draw_chart(history, width, height, charset)
    across, down = (2, 4) if charset == "unicode" else (1, 1)
    rows = len(chart.line_rows)
    dots = np.zeros((rows * down, len(chart.line_columns) * across), bool)
    for r, y in enumerate(chart.line_rows):
        for c, ch in enumerate(chart.rows[y][chart.line_columns.start:]):
            if charset == "ascii":
                dots[r, c] = ch == "*"
            elif ch != " ":
                bits = ord(ch) - 0x2800
                for (dr, dc), bit in np.ndenumerate([[1, 8], [2, 16], [4, 32], [64, 128]]):
                    dots[r * down + dr, c * across + dc] = bool(bits & bit)
    n, dot_rows = dots.shape[1], dots.shape[0]
    bottom, top = history.ylim

    def row_at(loss):
        return (top - loss) / (top - bottom) * (dot_rows - 1)

    first_col = last_col = None
    for step, loss in enumerate(losses):
        col = step * BINS // history.window.span * n // BINS
        assert dots[math.floor(row_at(loss) + 0.5), col], (step, chart.rows)
        first_col = col if first_col is None else first_col
        last_col = col
    for col in range(n):
        marked = np.flatnonzero(dots[:, col])
        assert (marked.size > 0) == (first_col <= col <= last_col)
        # the line is at step = col · span / n .. (col + 1) · span / n in this column
        for r in marked:
            steps_here = np.clip(np.array([col, col + 1]) * history.window.span / n, 0, 39)
            ends = row_at(3.0 - 0.07 * steps_here)
            assert ends.min() - 1 < r < ends.max() + 1


def test_non_finite_losses_leave_a_gap():
    losses, steps = [2.0, 2.0, math.inf, math.nan, 1.0, 1.0], [0, 5, 10, 15, 20, 25]
    history = followed(trail(losses, steps))
    assert history.title == "loss 1"
    chart = draw_chart(history, 2 + 32, 8, "ascii")  # 32 columns: step s in column s
    plot = [row[chart.line_columns.start:] for row in chart.rows[1:1 + len(chart.line_rows)]]
    marked = {c for row in plot for c, ch in enumerate(row) if ch == "*"}
    assert {0, 5, 20, 25} <= marked and not marked & set(range(6, 20))
    diverged = followed(trail([2.0, 1.0, math.inf]))
    assert draw_chart(diverged, 30, 8).rows[0].strip() == "loss: diverged"
    nothing = followed(trail([math.nan]))
    assert columns(nothing.bins, 10).index.size == 0
    assert columns(nothing.bins, 10).broken.tolist() == [0]  # one column, all gap
    assert [row.strip() for row in draw_chart(nothing, 30, 8).rows] == ["loss: diverged"] + [""] * 7


@pytest.mark.parametrize(("width", "height"), [(0, 0), (1, 1), (30, 1), (30, 2), (4, 10), (5, 10)])
def test_no_room_draws_only_the_title(width, height):
    history = followed(trail([2.0, 1.0, 0.5]))
    chart = draw_chart(history, width, height)
    assert len(chart.rows) == height and all(len(row) == width for row in chart.rows)
    assert chart.rows[1:] == [" " * width] * (height - 1) and not chart.line_rows
    assert not height or chart.rows[0] == ("loss 0.5".center(width) if width >= 8 else " " * width)


def test_a_title_that_does_not_fit_is_left_out_not_cut():
    history = followed(trail([2.0, -17.9]))  # "loss -1" would be a false number
    assert [draw_chart(history, w, 1).rows[0] for w in (9, 10, 11)] == [
        " " * 9, "loss -17.9", " loss -17.9"]


@pytest.mark.parametrize("height", [3, 4, 5, 6, 7, 12, 40])
@pytest.mark.parametrize("width", [12, 31, 44, 60, 120])
def test_layout_at_every_size(width, height):
    """Rows exactly `width` wide; the loss labels are round, evenly spaced, on distinct rows and
    in falling order; step labels from 4 rows on and the bottom axis from 6 on."""
    history = followed(trail([2.63 * 0.97**k for k in range(90)]))
    chart = draw_chart(history, width, height, "ascii")
    assert len(chart.rows) == height and all(len(row) == width for row in chart.rows)
    assert "".join(chart.rows).isascii()
    assert len(chart.line_rows) == height - 1 - (height >= 4) - (height >= 6)
    axis = chart.line_columns.start - 1
    labels = [float(row[:axis]) for row in chart.rows[1:]
              if row[axis] == "+" and row[:axis].strip()]  # '2.5+', not the corner ' +--
    assert labels == sorted(labels, reverse=True) and len(labels) >= 1
    if len(labels) > 1:
        steps = np.diff(labels)
        assert np.allclose(steps, steps[0])
        mantissa = -steps[0] / 10.0 ** math.floor(math.log10(-steps[0]))
        assert any(math.isclose(mantissa, m) for m in NICE)
    if height >= 4:
        under = chart.rows[-1].split()
        assert under and under[0] == "0" and all(int(s) % 5 == 0 for s in under)


def test_unicode_draws_braille_and_box_glyphs_ascii_only_ascii():
    history = followed(trail([1.0, 1e-3, 1e-6, 2e-6]))
    unicode = "".join(draw_chart(history, 40, 12, "unicode").rows)
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in unicode) and "┤" in unicode
    ascii_rows = draw_chart(history, 40, 12, "ascii").rows
    assert "".join(ascii_rows).isascii() and "*" in "".join(ascii_rows)
    with pytest.raises(ValueError, match="charset"):
        draw_chart(history, 40, 12, "latin1")


def test_log_axis_labels_decades_where_they_lie():
    history = followed(trail([1.0, 1e-3, 1e-6]))
    chart = draw_chart(history, 40, 12, "ascii")  # 9 rows over -7..0 decades
    x0 = chart.line_columns.start
    labelled = {y: row[:x0 - 1].strip() for y, row in enumerate(chart.rows) if row[x0 - 1] == "+"
                and y in chart.line_rows}
    assert list(labelled.values()) == ["1", "0.01", "0.0001", "1e-6"]
    for y, label in labelled.items():  # each on the row its decade falls in
        assert round((0 - math.log10(float(label))) / 7 * 8) == y - 1
