"""Minima finder: literature critical points of the analytic surfaces, data landscapes,
unbounded losses, flat regions, and the Hessian against closed forms."""

from __future__ import annotations

import dataclasses
import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.minima import (
    MAX_POINTS,
    UNBOUNDED_NOTE,
    CriticalPoint,
    MinimaReport,
    _grid_minima,
    find_critical_points,
    hessian,
)
from losswalk.core.landscapes.models import make_model
from losswalk.core.landscapes.surfaces import SURFACES, Surface
from losswalk.core.landscapes.surfaces import bowl as make_bowl

KIND_ORDER = {"minimum": 0, "saddle": 1, "maximum": 2}


def report_for(model, extent=None, n: int = 129) -> MinimaReport:
    """Critical points of model on an n x n grid of extent (default: the model's view)."""
    return find_critical_points(model, evaluate(model, extent or model.extent, n, n))


def of_kind(report: MinimaReport, kind: str) -> list[CriticalPoint]:
    return [p for p in report.points if p.kind == kind]


def assert_found(points: list[CriticalPoint], expected, tol: float = 1e-5) -> None:
    """Each expected (w1, w2) is matched by exactly one point, and nothing else is there."""
    got = np.array([[p.w1, p.w2] for p in points]).reshape(-1, 2)
    for w in expected:
        assert np.sum(np.all(np.abs(got - w) < tol, axis=1)) == 1, (w, got)
    assert len(got) == len(expected), got


def assert_well_ordered(report: MinimaReport) -> None:
    """Global minima, then other minima by loss, then saddles, then maxima."""
    keys = [(KIND_ORDER[p.kind], not p.is_global, p.loss) for p in report.points]
    assert keys == sorted(keys)
    assert all(p.kind == "minimum" for p in report.points if p.is_global)


def formula(f, g, extent=(-2.0, 2.0, -2.0, 2.0)) -> Surface:
    """A small test landscape from a vectorised formula and its gradient."""
    return Surface("test", "test surface", extent, (0.0, 0.0), 0.1, (), f, g)


# ----------------------------------------------------------------------------- hessian


@settings(max_examples=50, deadline=None)
@given(arrays(float, (2, 2), elements=st.floats(-10, 10)),
       arrays(float, 2, elements=st.floats(-10, 10)),
       arrays(float, 2, elements=st.floats(-10, 10)))
def test_hessian_of_a_quadratic_is_its_matrix(m, b, w):
    a = m + m.T  # f = w.A w / 2 + b.w, grad = A w + b, Hessian = A exactly
    model = formula(lambda w1, w2: 0.5 * (a[0, 0] * w1 * w1 + 2 * a[0, 1] * w1 * w2
                                          + a[1, 1] * w2 * w2) + b[0] * w1 + b[1] * w2,
                    lambda w1, w2: (a[0, 0] * w1 + a[0, 1] * w2 + b[0],
                                    a[0, 1] * w1 + a[1, 1] * w2 + b[1]))
    np.testing.assert_allclose(hessian(model, w), a, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5))
def test_hessian_of_himmelblau_matches_hand_derivation(w1, w2):
    expected = np.array([[12 * w1**2 + 4 * w2 - 42, 4 * w1 + 4 * w2],
                         [4 * w1 + 4 * w2, 12 * w2**2 + 4 * w1 - 26]])
    np.testing.assert_allclose(hessian(SURFACES["himmelblau"](), [w1, w2]), expected,
                               atol=1e-5 * (1 + np.abs(expected).max()))


def test_hessian_of_logistic_bce_is_x_t_s_x():
    model = make_model("logistic", dataset="overlap")
    X, w = model.dataset.X, np.array([0.7, -1.3])
    p = 1 / (1 + np.exp(-(X @ w)))
    expected = X.T @ (X * (p * (1 - p))[:, None]) / len(X)
    np.testing.assert_allclose(hessian(model, w), expected, rtol=1e-6, atol=1e-9)
    assert np.array_equal(hessian(model, w), hessian(model, w).T)


# ----------------------------------------------------------------------------- surfaces


def test_bowl_has_one_global_minimum_at_the_origin():
    report = report_for(make_bowl())
    assert report.points == (report.global_minimum,)
    assert abs(report.global_minimum.w1) < 1e-8 and abs(report.global_minimum.w2) < 1e-8
    assert report.global_minimum.loss < 1e-15 and not report.unbounded and report.note == ""


def test_rosenbrock_minimum_at_one_one_despite_many_grid_dips_along_the_valley():
    report = report_for(SURFACES["rosenbrock"]())
    assert_found(of_kind(report, "minimum"), [(1.0, 1.0)], tol=1e-6)
    assert report.global_minimum.is_global


def test_himmelblau_four_global_minima_four_saddles_one_maximum():
    report = report_for(SURFACES["himmelblau"]())
    minima = of_kind(report, "minimum")
    assert_found(minima, [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                          (3.584428, -1.848126)])
    assert all(p.is_global and p.loss < 1e-12 for p in minima)
    assert_found(of_kind(report, "maximum"), [(-0.270845, -0.923039)])
    assert of_kind(report, "maximum")[0].loss == pytest.approx(181.617, abs=1e-3)
    saddles = of_kind(report, "saddle")
    assert_found(saddles, [(3.385154, 0.073852), (0.086678, 2.884255), (-3.073026, -0.081353),
                           (-0.127961, -1.953715)])
    assert_well_ordered(report)


def test_camel_two_global_and_four_local_minima():
    report = report_for(SURFACES["camel"]())
    minima = of_kind(report, "minimum")
    globals_ = [(0.0898420137, -0.7126564033), (-0.0898420137, 0.7126564033)]
    locals_ = [(-1.7036067134, 0.7960835687), (1.7036067134, -0.7960835687),
               (-1.6071047547, -0.5686514549), (1.6071047547, 0.5686514549)]
    assert_found(minima, globals_ + locals_)
    assert_found([p for p in minima if p.is_global], globals_)
    assert [round(p.loss, 6) for p in minima] == [-1.031628] * 2 + [-0.215464] * 2 + [2.104250] * 2
    assert_found([p for p in of_kind(report, "saddle") if abs(p.w1) < 0.5], [(0.0, 0.0)])
    assert_well_ordered(report)


def test_beale_minimum_and_the_saddle_at_zero_one():
    report = report_for(SURFACES["beale"]())
    assert_found(of_kind(report, "minimum"), [(3.0, 0.5)])
    assert report.global_minimum.loss < 1e-15
    assert any(abs(p.w1) < 1e-6 and abs(p.w2 - 1) < 1e-6 for p in of_kind(report, "saddle"))


def test_two_dip_deep_dip_is_global_shallow_one_local_ridge_a_saddle():
    left, ridge, right = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)  # zeros of d/dw1
    report = report_for(SURFACES["two-dip"]())
    assert [(p.kind, p.is_global) for p in report.points] == [
        ("minimum", True), ("minimum", False), ("saddle", False)]
    for p, w1 in zip(report.points, (left, right, ridge), strict=True):
        assert p.w1 == pytest.approx(w1, abs=1e-7) and abs(p.w2) < 1e-7
        assert p.loss == pytest.approx((w1**2 - 1) ** 2 + 0.3 * w1, abs=1e-12)


def test_rastrigin_keeps_the_lowest_minima_up_to_the_cap():
    report = report_for(SURFACES["rastrigin"]())
    assert len(report.points) == MAX_POINTS and all(p.kind == "minimum" for p in report.points)
    assert_found([p for p in report.points if p.is_global], [(0.0, 0.0)], tol=1e-7)
    # Independent: the 1-D dip near each whole number k by brute force; a 2-D minimum is a sum.
    x = np.linspace(-0.5, 0.5, 200001)
    dip = [np.min((k + x) ** 2 - 10 * np.cos(2 * np.pi * (k + x)) + 10) for k in range(-5, 6)]
    lowest = sorted(a + b for a, b in itertools.product(dip, dip))[:MAX_POINTS]
    got = [p.loss for p in report.points]
    np.testing.assert_allclose(got, lowest, atol=1e-6)
    assert got == sorted(got)


def test_ackley_global_minimum_at_the_tip_of_its_cone():
    report = report_for(SURFACES["ackley"]())
    best = report.global_minimum
    assert abs(best.w1) < 1e-6 and abs(best.w2) < 1e-6 and abs(best.loss) < 1e-6
    assert [p for p in report.points if p.is_global] == [best]
    assert_well_ordered(report)


@pytest.mark.parametrize(("name", "n"), [("ackley", 16), ("ackley", 33), ("ackley", 64),
                                         ("ackley", 116), ("ackley", 129), ("rastrigin", 33),
                                         ("rastrigin", 64), ("rastrigin", 116),
                                         ("rastrigin", 129)])
def test_global_minimum_at_the_origin_whether_or_not_the_grid_has_a_point_there(name, n):
    # even n puts no grid point at 0: Ackley's cone tip (a cusp, no Newton step settles there)
    # must still be found by walking in from the four cells around it
    report = report_for(SURFACES[name](), n=n)
    assert_found([p for p in report.points if p.is_global], [(0.0, 0.0)], tol=1e-6)
    assert abs(report.global_minimum.loss) < 1e-6 and not report.unbounded


def test_cusp_minima_along_a_crease_are_found_off_the_grid():
    # |w1 - 0.3| is a crease (no grid point on it for n = 40); along it a tilted double well
    # whose two minima are roots of 4 w2^3 - 4 w2 + 0.1; the sloping crease between is no minimum
    model = formula(lambda w1, w2: np.abs(w1 - 0.3) + (w2 * w2 - 1) ** 2 + 0.1 * w2,
                    lambda w1, w2: (np.sign(w1 - 0.3) + 0.0 * w2, 4 * w2 * (w2 * w2 - 1) + 0.1))
    low, _, high = np.sort(np.roots([4.0, 0.0, -4.0, 0.1]).real)
    report = report_for(model, n=40)
    minima = of_kind(report, "minimum")
    assert_found(minima, [(0.3, low), (0.3, high)], tol=1e-6)
    assert [p.is_global for p in minima] == [True, False]
    assert minima[0].loss == pytest.approx((low**2 - 1) ** 2 + 0.1 * low, abs=1e-9)


def test_saddle_surface_has_a_saddle_and_no_bottom():
    report = report_for(SURFACES["saddle"]())
    assert [(p.kind, p.is_global) for p in report.points] == [("saddle", False)]
    assert abs(report.points[0].w1) < 1e-9 and abs(report.points[0].w2) < 1e-9
    assert report.unbounded and report.note == UNBOUNDED_NOTE
    assert report.global_minimum is None


def test_floor_flattening_out_past_the_edge_counts_as_unbounded():
    # Like a saturated sigmoid: downhill to w1 = 3 (off the map), dead flat from there on.
    model = formula(lambda w1, w2: -np.minimum(w1, 3.0) + w2 * w2,
                    lambda w1, w2: (np.where(w1 < 3.0, -1.0, 0.0), 2.0 * w2))
    report = report_for(model)
    assert report.unbounded and report.points == () and report.note == UNBOUNDED_NOTE


def test_minimum_outside_the_view_is_not_invented_on_the_edge():
    report = report_for(make_bowl(), extent=(1.0, 5.0, 0.5, 3.0))
    assert report.points == () and not report.unbounded
    assert report.note == "the lowest point lies outside the map, near (w1, w2) = (0, 0)"


def gd_minimum(model, w=(0.0, 0.0), lr: float = 1.0, tol: float = 1e-10) -> np.ndarray:
    """Independent: plain gradient descent until the gradient vanishes."""
    w = np.array(w, dtype=float)
    for _ in range(100_000):
        g = model.grad(w)
        if np.linalg.norm(g) < tol:
            return w
        w = w - lr * g
    raise AssertionError("gradient descent did not converge")


def note_point(note: str) -> np.ndarray:
    """The (w1, w2) named by the 'lowest point lies outside the map' note."""
    prefix = "the lowest point lies outside the map, near (w1, w2) = ("
    assert note.startswith(prefix) and note.endswith(")"), note
    return np.array([float(x) for x in note[len(prefix):-1].split(",")])


@pytest.mark.parametrize("centre", [(-3.0, 3.0), (0.0, 0.0), (5.0, -5.0), (-40.0, 70.0)])
@pytest.mark.parametrize("half", [1e-6, 1e-3])
def test_zoomed_in_far_from_the_bottom_points_to_it_not_to_infinity(centre, half):
    # a map 2e-6 wide is tiny, but the minimum ~2.3 away is not "at infinity"
    model = make_model("logistic", dataset="overlap")
    extent = (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    report = report_for(model, extent, n=33)
    assert not report.unbounded and report.points == ()
    np.testing.assert_allclose(note_point(report.note), gd_minimum(model), atol=1e-3)


@pytest.mark.parametrize(("name", "half"), [("separable", 1e-6), ("separable", 1e-3),
                                           ("separable", 10.0), ("saddle", 1e-6),
                                           ("saddle", 1e-3), ("saddle", 1e6), ("saddle", 1e12)])
@pytest.mark.parametrize("centre", [(-3.0, 3.0), (0.0, 0.0), (5.0, -5.0)])
def test_separable_data_and_saddle_stay_unbounded_zoomed_in_or_out(name, half, centre):
    model = (make_model("logistic", dataset="separable") if name == "separable"
             else SURFACES["saddle"]())
    extent = (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    report = report_for(model, extent, n=33)
    assert report.unbounded and report.note == UNBOUNDED_NOTE
    assert report.global_minimum is None


# ----------------------------------------------------------------------------- data models


def test_logistic_overlap_has_one_global_minimum_with_zero_gradient():
    model = make_model("logistic", dataset="overlap")
    grid = evaluate(model, model.extent, 129, 129)
    report = find_critical_points(model, grid)
    assert len(report.points) == 1 and report.points[0].is_global and not report.unbounded
    best = report.global_minimum
    assert np.linalg.norm(model.grad([best.w1, best.w2])) < 1e-8
    assert best.loss == pytest.approx(model.loss([best.w1, best.w2]), rel=1e-12)
    assert best.loss <= np.nanmin(grid.values)


def test_logistic_separable_is_unbounded_with_a_note():
    report = report_for(make_model("logistic", dataset="separable"))
    assert report.unbounded and report.note == UNBOUNDED_NOTE
    assert report.global_minimum is None and not any(p.is_global for p in report.points)


def test_tiny_net_two_mirror_global_minima_and_a_saddle_between():
    model = make_model("tiny-net")
    report = report_for(model)
    a, b = of_kind(report, "minimum")
    assert a.is_global and b.is_global
    assert (a.w1, a.w2) == pytest.approx((-b.w1, -b.w2), abs=1e-6)
    assert a.loss == pytest.approx(b.loss, rel=1e-9)
    for p in report.points:
        assert np.linalg.norm(model.grad([p.w1, p.w2])) < 1e-6
    assert_found(of_kind(report, "saddle"), [(0.0, 0.0)], tol=1e-8)


# ----------------------------------------------------------------------------- grid minima


def test_plateau_gives_one_minimum_not_none_or_hundreds():
    model = formula(lambda w1, w2: np.maximum(w1 * w1 + w2 * w2 - 1, 0.0),
                    lambda w1, w2: np.where(w1 * w1 + w2 * w2 > 1, 2.0, 0.0) * np.array([w1, w2]))
    report = report_for(model)
    assert len(report.points) == 1
    best = report.global_minimum
    assert best.loss == 0.0 and best.w1**2 + best.w2**2 < 1 and not report.unbounded


def test_constant_landscape_gives_one_minimum():
    model = formula(lambda w1, w2: np.zeros(np.broadcast(w1, w2).shape),
                    lambda w1, w2: (0.0 * w1, 0.0 * w2))
    report = report_for(model, n=33)
    assert [(p.kind, p.loss, p.is_global) for p in report.points] == [("minimum", 0.0, True)]


def test_nan_cells_are_ignored():
    def f(w1, w2):
        return np.where(w1 > 1.0, np.nan, (w1 + 0.5) ** 2 + w2 * w2)

    model = formula(f, lambda w1, w2: (2 * (w1 + 0.5), 2 * w2))
    report = report_for(model)
    assert_found(of_kind(report, "minimum"), [(-0.5, 0.0)], tol=1e-8)


def test_shelf_on_a_slope_is_not_a_minimum():
    values = np.array([[3, 3, 3, 3, 3],
                       [3, 1, 1, 1, 3],
                       [3, 1, 1, 1, 0],  # the shelf of 1s spills into a 0 at the edge
                       [3, 1, 1, 1, 3],
                       [3, 3, 3, 3, 3]], dtype=float)
    assert _grid_minima(values) == [(2, 4, True)]
    values[2, 4] = 3  # now the shelf is a basin: one cell for it, in its middle
    assert _grid_minima(values) == [(2, 2, False)]
    values[:] = np.nan
    assert _grid_minima(values) == []


def slow_grid_minima(values: np.ndarray) -> list[set]:
    """Independent: label equal-valued 8-connected regions by repeated relaxation, keep those
    with no strictly lower neighbour anywhere; non-finite cells belong to no region."""
    ny, nx = values.shape
    label = np.arange(values.size).reshape(values.shape)
    cells = [(j, i) for j in range(ny) for i in range(nx) if np.isfinite(values[j, i])]

    def neighbours(j, i):
        for b in range(max(j - 1, 0), min(j + 2, ny)):
            for a in range(max(i - 1, 0), min(i + 2, nx)):
                if (b, a) != (j, i):
                    yield b, a

    changed = True
    while changed:
        changed = False
        for j, i in cells:
            for b, a in neighbours(j, i):
                if values[b, a] == values[j, i] and label[b, a] < label[j, i]:
                    label[j, i], changed = label[b, a], True
    regions: dict[int, set] = {}
    for c in cells:
        regions.setdefault(label[c], set()).add(c)
    return [r for r in regions.values()
            if not any(values[n] < values[c] for c in r for n in neighbours(*c))]


@settings(max_examples=100, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 7), st.integers(1, 7)),
              elements=st.sampled_from([0.0, 1.0, 2.0, np.nan])))
def test_grid_minima_one_cell_per_minimal_region(values):
    regions = slow_grid_minima(values)
    found = _grid_minima(values)
    assert len(found) == len(regions)
    for region in regions:
        (hit,) = [(j, i) for j, i, _ in found if (j, i) in region]
        edge = any(j in (0, values.shape[0] - 1) or i in (0, values.shape[1] - 1)
                   for j, i in region)
        assert (*hit, edge) in found


def test_all_nan_grid_has_no_points():
    grid = evaluate(make_bowl(), (-1.0, 1.0, -1.0, 1.0), 9, 7)
    nan_grid = dataclasses.replace(grid, values=np.full_like(grid.values, np.nan))
    assert find_critical_points(make_bowl(), nan_grid) == MinimaReport(points=())


def test_bad_grid_shape_is_a_clear_error():
    grid = evaluate(make_bowl(), (-1.0, 1.0, -1.0, 1.0), 9, 7)
    bad = SimpleNamespace(w1s=grid.w1s, w2s=grid.w2s, values=grid.values.T, extent=grid.extent)
    with pytest.raises(ValueError, match="grid values have shape"):
        find_critical_points(make_bowl(), bad)


def test_data_of_tiny_size_gives_no_division_by_zero():
    # Inputs ~1e-10 put the weights at ~1e10: gradients ~1e-218 whose squares underflow to 0.
    from losswalk.core.landscapes.datasets import Dataset

    X = np.array([[1.0, 2.0], [-1.0, -0.5], [0.3, -1.0], [-0.2, 0.1]]) * 1e-10
    model = make_model("logistic")
    model = type(model)(Dataset("tiny", X, np.array([1.0, 0.0, 1.0, 0.0]), ""))
    report = find_critical_points(model, evaluate(model, model.extent, 33, 33))
    assert report.unbounded and report.global_minimum is None


@pytest.mark.parametrize("half", [1e6, 1e12])
def test_huge_map_reports_no_point_where_the_slope_still_matters(half):
    # on ±1e12 the descent's steps fall below 1e-12 map widths while the slope is still ~47
    # (loss 136): that point must not be reported as a (global) minimum
    model = SURFACES["himmelblau"]()
    report = find_critical_points(model, evaluate(model, (-half, half, -half, half), 80, 60))
    for p in report.points:
        g = model.grad([p.w1, p.w2])
        assert np.linalg.norm(g) < 1e-6, p
    for p in report.points:
        if p.kind == "minimum":
            assert p.loss == pytest.approx(0.0, abs=1e-9)
