"""Evaluating a model on a view, the view's colour statistics, and moving the view."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.landscapes.landscape import (
    MAX_COORDINATE,
    MIN_HALF_WIDTH,
    LossGrid,
    ScaleStats,
    axes,
    evaluate,
    pan,
    parse_extent,
    quantiles,
    validate_extent,
    zoom,
)
from losswalk.core.landscapes.models import ModelError, check_view, make_model


class FakeModel:
    """loss = w1 + 10 w2² (asymmetric, so a transposed grid shows); records each call."""

    def __init__(self, f=None):
        self.f = f or (lambda w1, w2: w1 + 10.0 * w2**2)
        self.calls = []

    def loss_grid(self, w1s, w2s):
        self.calls.append(np.array(w2s))
        return self.f(w1s[None, :], w2s[:, None])


def test_axes_are_inclusive_linspaces():
    w1s, w2s = axes((-2.0, 2.0, 0.0, 1.0), 5, 3)
    np.testing.assert_array_equal(w1s, [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(w2s, [0.0, 0.5, 1.0])
    with pytest.raises(ModelError, match="at least 2 points"):
        axes((0.0, 1.0, 0.0, 1.0), 1, 5)


def test_evaluate_orientation_and_chunks():
    model = FakeModel()
    progress = []
    grid = evaluate(model, (-1.0, 3.0, -2.0, 2.0), 5, 10, progress=progress.append,
                    rows_per_chunk=3)
    assert grid.values.shape == (10, 5)
    assert grid.extent == (-1.0, 3.0, -2.0, 2.0)
    # values[j, i] = loss(w1s[i], w2s[j]); row 0 = smallest w2
    assert grid.values[0, 4] == 3.0 + 10.0 * 4.0
    assert grid.values[9, 0] == -1.0 + 10.0 * 4.0
    i, j = 2, 6
    assert grid.values[j, i] == grid.w1s[i] + 10.0 * grid.w2s[j] ** 2
    assert [len(c) for c in model.calls] == [3, 3, 3, 1]
    np.testing.assert_array_equal(np.concatenate(model.calls), grid.w2s)
    assert progress == pytest.approx([0.3, 0.6, 0.9, 1.0])
    whole = evaluate(FakeModel(), (-1.0, 3.0, -2.0, 2.0), 5, 10, rows_per_chunk=100)
    np.testing.assert_array_equal(whole.values, grid.values)


def test_evaluate_default_chunks_report_progress():
    progress = []
    evaluate(FakeModel(), (0.0, 1.0, 0.0, 1.0), 4, 40, progress=progress.append)
    assert len(progress) > 1 and progress[-1] == 1.0
    assert progress == sorted(progress)


def test_evaluate_stops_when_cancelled():
    model = FakeModel()
    checks = iter([False, False, True])
    grid = evaluate(model, (0.0, 1.0, 0.0, 1.0), 4, 10, rows_per_chunk=2,
                    cancelled=lambda: next(checks))
    assert grid is None
    assert len(model.calls) == 2
    done = evaluate(FakeModel(), (0.0, 1.0, 0.0, 1.0), 4, 10, cancelled=lambda: False)
    assert isinstance(done, LossGrid)


def test_evaluate_overflow_is_values_not_exceptions():
    model = FakeModel(lambda w1, w2: np.exp(1000.0 * w1) - np.exp(1000.0 * w2))
    with np.errstate(all="raise"):
        grid = evaluate(model, (-1.0, 1.0, -1.0, 1.0), 5, 5)
    assert np.isposinf(grid.values[0, -1]) and np.isnan(grid.values[-1, -1])
    st_ = grid.stats()
    assert st_.finite_fraction == pytest.approx(16 / 25)


def test_evaluate_logistic_matches_pointwise_loss():
    model = make_model("logistic")
    grid = evaluate(model, model.extent, 7, 6, rows_per_chunk=4)
    for j, i in [(0, 0), (2, 5), (5, 6)]:
        w = np.array([grid.w1s[i], grid.w2s[j]])
        assert grid.values[j, i] == pytest.approx(model.loss(w), abs=1e-12)


def test_stats_linear():
    values = np.arange(101.0).reshape(1, 101)
    grid = LossGrid(np.arange(101.0), np.array([0.0]), values, (0.0, 100.0, 0.0, 1.0))
    assert grid.stats() == ScaleStats(0.0, 100.0, 2.0, 50.0, 98.0, 1.0, False)
    values = values.copy()
    values[0, :10] = [np.nan, np.inf, -np.inf] + [0.0] * 7
    st_ = LossGrid(grid.w1s, grid.w2s, values, grid.extent).stats()
    assert st_.finite_fraction == pytest.approx(98 / 101)
    assert (st_.vmin, st_.vmax) == (0.0, 100.0)


def test_stats_log_handles_negative_losses():
    # camel-like: minimum -1; floor = -1, delta = 1e-4 (3 - -1) = 4e-4
    values = np.array([[-1.0, 0.0], [1.0, 3.0]])
    st_ = LossGrid([0.0, 1.0], [0.0, 1.0], values, (0.0, 1.0, 0.0, 1.0)).stats(log=True)
    assert st_.log
    assert st_.vmin == pytest.approx(math.log10(4e-4))
    assert st_.vmax == pytest.approx(math.log10(4.0004))
    assert st_.p50 == pytest.approx(np.median(np.log10(values + 1.0004)))
    # positive losses keep their decades: floor 0, delta 1e-4 * 100
    values = np.array([[0.0, 1.0], [10.0, 100.0]])
    st_ = LossGrid([0.0, 1.0], [0.0, 1.0], values, (0.0, 1.0, 0.0, 1.0)).stats(log=True)
    assert (st_.vmin, st_.vmax) == pytest.approx((-2.0, math.log10(100.01)))


def test_stats_of_flat_and_empty_grids():
    flat = LossGrid([0.0, 1.0], [0.0, 1.0], np.zeros((2, 2)), (0.0, 1.0, 0.0, 1.0))
    assert flat.stats(log=True).vmin == 0.0  # log10(0 - 0 + 1)
    empty = LossGrid([0.0, 1.0], [0.0, 1.0], np.full((2, 2), np.nan), (0.0, 1.0, 0.0, 1.0))
    st_ = empty.stats()
    assert st_.finite_fraction == 0.0 and math.isnan(st_.vmin) and math.isnan(st_.p98)


def test_loss_grid_checks_shape():
    with pytest.raises(ValueError, match="shape"):
        LossGrid([0.0, 1.0, 2.0], [0.0, 1.0], np.zeros((3, 2)), (0.0, 2.0, 0.0, 1.0))


def test_zoom_and_pan():
    e = (-4.0, 4.0, -2.0, 2.0)
    assert zoom(e, (1.0, 1.0), 0.5) == (-1.0, 3.0, 0.0, 2.0)
    assert zoom(e, (0.0, 0.0), 2.0) == (-8.0, 8.0, -4.0, 4.0)
    assert zoom(e, (100.0, -100.0), 0.5) == (2.0, 6.0, -3.0, -1.0)  # centre moved inside first
    assert zoom(e, (math.nan, 0.0), 0.5)[:2] == (-2.0, 2.0)
    tiny = zoom((1e6, 1e6 + 1e-3, 0.0, 1.0), (1e6, 0.5), 1e-9)
    assert tiny[1] - tiny[0] == pytest.approx(2e-3) and tiny[0] < tiny[1]
    assert pan(e, 0.25, -0.5) == (-2.0, 6.0, -4.0, 0.0)
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ModelError, match="zoom factor"):
            zoom(e, (0.0, 0.0), bad)


@settings(max_examples=60, deadline=None)
@given(c1=st.floats(-10, 10), c2=st.floats(-10, 10), factor=st.floats(0.01, 100.0),
       dx=st.floats(-3, 3), dy=st.floats(-3, 3))
def test_zoom_and_pan_properties(c1, c2, factor, dx, dy):
    e = (-4.0, 6.0, -1.0, 1.0)
    z = zoom(e, (c1, c2), factor)
    centre = (min(max(c1, -4.0), 6.0), min(max(c2, -1.0), 1.0))
    assert (z[0] + z[1]) / 2 == pytest.approx(centre[0], abs=1e-12)
    assert (z[2] + z[3]) / 2 == pytest.approx(centre[1], abs=1e-12)
    assert z[1] - z[0] == pytest.approx(10.0 * factor)
    assert z[3] - z[2] == pytest.approx(2.0 * factor)
    p = pan(e, dx, dy)
    assert (p[1] - p[0], p[3] - p[2]) == pytest.approx((10.0, 2.0))
    assert pan(p, -dx, -dy) == pytest.approx(e)


def test_validate_extent():
    assert validate_extent([-1, 1, np.float32(2), 3]) == (-1.0, 1.0, 2.0, 3.0)
    for bad in [(1.0, 1.0, 0.0, 1.0), (0.0, 1.0, 2.0, -2.0), (0.0, math.nan, 0.0, 1.0),
                (0.0, math.inf, 0.0, 1.0), (0.0, 1.0, 0.0), ("a", 1, 2, 3), None]:
        with pytest.raises(ModelError, match="extent needs four finite numbers "
                           "W1MIN,W1MAX,W2MIN,W2MAX with min < max"):
            validate_extent(bad)


def test_parse_extent():
    assert parse_extent("-4,4,-2.5,1e1") == (-4.0, 4.0, -2.5, 10.0)
    assert parse_extent(" -1 , 1, -1 ,1 ") == (-1.0, 1.0, -1.0, 1.0)
    for text in ["1,2,3", "a,b,c,d", "1,0,0,1", "", "0,1,0,inf", "0,1,0,1,5"]:
        with pytest.raises(ModelError) as info:
            parse_extent(text)
        assert str(info.value) == ("--extent needs four finite numbers W1MIN,W1MAX,W2MIN,W2MAX "
                                   f"with min < max, got {text!r}")


# ---- zoom and pan stay valid wherever the view is (issue 8 §3) -------------------------------

def _view(centre: float, span: float, centre2: float, span2: float):
    """A valid extent around the centres, or None where it is not one (too far out, or too
    narrow for floats to resolve)."""
    try:
        extent = validate_extent((centre - span / 2, centre + span / 2, centre2 - span2 / 2,
                                  centre2 + span2 / 2))
    except ModelError:
        return None
    wide_enough = all(hi - lo >= 1e-11 * max(1.0, abs(0.5 * lo + 0.5 * hi))
                      for lo, hi in (extent[:2], extent[2:]))
    return extent if wide_enough and max(map(abs, extent)) <= MAX_COORDINATE else None


def _magnitude(low: float, high: float):
    """Numbers whose size is spread evenly over the decades low..high (signed)."""
    return st.builds(lambda e, s: s * 10.0 ** e, st.floats(math.log10(low), math.log10(high)),
                     st.sampled_from((-1.0, 1.0)))


CENTRES = st.one_of(st.just(0.0), _magnitude(1e-300, 1e300))
SPANS = _magnitude(1e-300, 1e300).map(abs)
STEPS = st.one_of(st.floats(-2.0, 2.0), st.sampled_from((-0.25, 0.25)))


@settings(max_examples=400, deadline=None)
@given(CENTRES, SPANS, CENTRES, SPANS, st.tuples(CENTRES, CENTRES),
       st.sampled_from((0.5, 2.0, 1e-6, 1e6, 1.0)), STEPS, STEPS)
def test_zoom_and_pan_give_a_valid_extent_wherever_the_view_is(c1, s1, c2, s2, point, factor,
                                                               dx, dy):
    extent = _view(c1, s1, c2, s2)
    if extent is None:
        return
    for moved in (zoom(extent, point, factor), pan(extent, dx, dy)):
        assert validate_extent(moved) == moved
        assert all(abs(v) <= MAX_COORDINATE for v in moved)
    zoomed = zoom(extent, point, factor)
    for lo, hi in (zoomed[:2], zoomed[2:]):
        centre = 0.5 * lo + 0.5 * hi
        assert 0.5 * hi - 0.5 * lo >= 0.99 * MIN_HALF_WIDTH * max(1.0, abs(centre))


def test_zooming_a_view_far_out_stays_valid_and_keeps_a_resolvable_width():
    extent = (1e25, 2e25, 1e25, 2e25)  # the half-width cap (1e9) was below the float spacing
    for factor in (0.5, 2.0):
        w1_min, w1_max, w2_min, w2_max = zoom(extent, (1.5e25, 1.5e25), factor)
        assert w1_min < w1_max and w2_min < w2_max
    tiny = extent
    for _ in range(200):
        tiny = zoom(tiny, (1.5e25, 1.5e25), 0.5)
    assert tiny[1] - tiny[0] == pytest.approx(2 * MIN_HALF_WIDTH * 1.5e25)
    assert zoom(tiny, (1.5e25, 1.5e25), 0.5) == tiny  # at the limit: unchanged


def test_pan_and_zoom_at_the_edge_of_the_allowed_views_stay_inside():
    edge = (-1e150, 1e150, -1e150, 1e150)
    assert zoom(edge, (1e150, -1e150), 0.5) == (0.0, 1e150, -1e150, 0.0)
    assert zoom(edge, (0.0, 0.0), 2.0) == edge
    assert pan(edge, 0.5, -0.5) == edge
    assert pan((1e149, 1e150, 0.0, 1.0), 1.0, 0.0) == (1e149, 1e150, 0.0, 1.0)


@pytest.mark.parametrize("extent", [(1e15, 1e15 + 1, 0, 1), (-1e308, 1e308, 0, 1),
                                    (0, 1e-12, 0, 1)])
def test_an_extent_floats_cannot_grid_is_refused(extent):
    """A view the landscape cannot be drawn in is refused, naming the range that works."""
    model = make_model("bowl")
    with pytest.raises(ModelError, match="coordinates within"):
        check_view(extent, model)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 2401])
def test_quantiles_equal_numpys_linear_method(n):
    # numpy's np.quantile is the independent, slow-to-start implementation
    rng = np.random.default_rng(n)
    values = rng.normal(size=n) * 10 ** rng.uniform(-3, 3)
    qs = [0.0, 0.02, 0.25, 0.5, 0.75, 0.98, 1.0]
    assert quantiles(values, qs) == pytest.approx(np.quantile(values, qs), rel=1e-12, abs=1e-300)


def test_quantiles_by_hand():
    # 1, 2, 3, 4: the 50% point lies half-way between 2 and 3; 1/3 falls on 2 exactly
    assert list(quantiles(np.array([4.0, 1.0, 3.0, 2.0]), [0.0, 1 / 3, 0.5, 1.0])) == [
        1.0, 2.0, 2.5, 4.0]
