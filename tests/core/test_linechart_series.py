"""Several series on one loss chart (core.drawing.linechart's LossHistories and
draw_series_chart): bins moved into a wider window against a brute-force placement of every
point, one glyph per series, shared axes that hold every series."""

from __future__ import annotations

import math

import numpy as np
import pytest

from losswalk.core.drawing.linechart import (
    BINS,
    LossHistories,
    LossHistory,
    columns,
    draw_chart,
    draw_series_chart,
    rebinned,
    step_window,
)
from losswalk.core.walk.walker import TrailPoint


def trail(losses, first=0) -> list[TrailPoint]:
    return [TrailPoint(first + k, 0.0, 0.0, loss, 1.0, 0.1) for k, loss in enumerate(losses)]


def brute_columns(points, window, n):
    """Per column: lowest and highest finite loss of the points in it, each point placed by its
    own step (bin = step·BINS // span - start, column = bin·n // BINS)."""
    out: dict[int, list[float]] = {}
    for p in points:
        b = p.step * BINS // window.span - window.start
        if 0 <= b < BINS and math.isfinite(p.loss):
            out.setdefault(b * n // BINS, []).append(p.loss)
    return {c: (min(v), max(v)) for c, v in sorted(out.items())}


@pytest.mark.parametrize(("short", "long", "n"), [(20, 300, 40), (90, 1000, 25), (3, 70, 7)])
def test_rebinned_places_every_point_in_its_column(short, long, n):
    rng = np.random.default_rng(short)
    points = trail(rng.uniform(0.1, 5.0, short + 1))
    history = LossHistory()
    history.follow(points)
    wide = step_window(0, long)
    assert wide.span > history.window.span
    cols = columns(rebinned(history, wide), n)
    expected = brute_columns(points, wide, n)
    assert cols.index.tolist() == list(expected)
    np.testing.assert_array_equal(cols.low, [lo for lo, _ in expected.values()])
    np.testing.assert_array_equal(cols.high, [hi for _, hi in expected.values()])


def test_rebinned_keeps_the_gap_after_a_diverged_point():
    history = LossHistory()
    history.follow(trail([3.0, 2.0, math.inf]))
    bins = rebinned(history, step_window(0, 40_000))  # 32 steps a bin: all three in bin 0
    assert bins.gap_after[0] and bins.last[0] == 2.0 and not bins.gap_before[0]
    apart = rebinned(history, step_window(0, 1000))  # a step a bin: the inf alone in bin 2
    assert apart.seen[2] and math.isnan(apart.first[2]) and not apart.gap_after[1]


def test_a_scrolled_window_drops_the_points_before_it():
    history = LossHistory()
    history.follow(trail([1.0, 2.0, 3.0, 4.0]))
    later = step_window(2, 40)  # from step 2: steps 0 and 1 lie before it
    assert later.lo == 2
    cols = columns(rebinned(history, later), 10)
    expected = brute_columns(trail([1.0, 2.0, 3.0, 4.0]), later, 10)
    assert cols.index.tolist() == list(expected)
    assert cols.low.tolist() == [lo for lo, _ in expected.values()] == [3.0]


def test_one_series_draws_as_the_single_chart_does_in_ascii():
    history_points = trail(list(np.linspace(5.0, 0.5, 60)))
    single = LossHistory()
    single.follow(history_points)
    many = LossHistories()
    many.follow([history_points])
    mine = draw_series_chart(many, ["7"], single.title, 40, 12, "ascii")
    theirs = draw_chart(single, 40, 12, "ascii")
    assert [row.replace("7", "*") for row in mine.rows] == theirs.rows
    assert (mine.owner >= 0).sum() == sum(row.count("*") for row in theirs.rows)


def test_each_series_in_its_own_glyph_on_axes_that_hold_all():
    a = trail(list(np.linspace(10.0, 9.0, 30)))  # high and short
    b = trail(list(np.linspace(1.0, 0.2, 200)))  # low and long
    many = LossHistories()
    assert many.follow([a, b])
    bottom, top = many.ylim
    assert bottom <= 0.2 and top >= 10.0
    assert many.window.span >= 200
    chart = draw_series_chart(many, ["1", "2"], "t", 40, 14, "unicode")
    body = "".join(chart.rows[r] for r in chart.line_rows)
    assert "1" in body and "2" in body
    for r, row in zip(chart.line_rows, chart.owner.tolist(), strict=True):
        line = chart.rows[r][chart.line_columns.start:]
        assert [("12"[k] if k >= 0 else " ") for k in row] == list(line)
    # series 1 (high) is above series 2 (low): its cells lie on higher rows
    rows_of = [np.flatnonzero((chart.owner == k).any(axis=1)) for k in (0, 1)]
    assert rows_of[0].max() < rows_of[1].min()
    # the short series fills about 30/span of the width, the long one most of it
    cols_of = [np.flatnonzero((chart.owner == k).any(axis=0)) for k in (0, 1)]
    assert cols_of[0].max() < cols_of[1].max()
    assert not many.follow([a, b])  # nothing new: nothing to redraw


def test_a_new_race_starts_the_axes_afresh():
    many = LossHistories()
    many.follow([trail([100.0, 50.0]), trail([90.0, 80.0])])
    many.follow([trail([1.0, 0.9]), trail([1.1, 1.0])])
    assert many.ylim[1] < 2.0


def test_a_stopped_series_follows_the_shared_window_as_it_grows():
    """The moved bins are kept while nothing changes and made again when the window grows."""
    short = trail(list(np.linspace(4.0, 1.0, 10)))
    long = trail(list(np.linspace(5.0, 0.5, 400)))
    many = LossHistories()
    many.follow([short, long[:40]])
    first = many.bins(0)
    assert many.bins(0) is first  # nothing changed: kept
    many.follow([short, long])
    assert many.window.span > 40
    cols = columns(many.bins(0), 30)
    assert cols.index.tolist() == list(brute_columns(short, many.window, 30))
