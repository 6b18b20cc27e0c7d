"""Minima finder: literature critical points of the analytic surfaces, data landscapes,
unbounded losses, flat regions, and the Hessian against closed forms."""

from __future__ import annotations

import itertools
import re
import threading
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from losswalk.core.landscapes import minima, models
from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.gridsurface import GridSurface
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.minima import (
    MAX_POINTS,
    UNBOUNDED_NOTE,
    CriticalPoint,
    MinimaReport,
    _grid_minima,
    _search,
    forget_searches,
    hessian,
    landmarks,
    search_key,
)
from losswalk.core.landscapes.models import LogisticModel, TinyNet, make_model
from losswalk.core.landscapes.surfaces import SURFACES, Surface
from losswalk.core.landscapes.surfaces import bowl as make_bowl

KIND_ORDER = {"minimum": 0, "saddle": 1, "maximum": 2}


def report_for(model, extent=None) -> MinimaReport:
    """The landmarks of model in extent (default: the model's view), limited as a map shows them."""
    return landmarks(model, extent or model.extent).limited()


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


def rastrigin_dips() -> list[float]:
    """Independent: the 1-D dip near each whole number k by brute force (a 2-D minimum is the
    sum of two)."""
    x = np.linspace(-0.5, 0.5, 200001)
    return [np.min((k + x) ** 2 - 10 * np.cos(2 * np.pi * (k + x)) + 10) for k in range(-5, 6)]


def test_map_markers_keep_the_lowest_minima_and_never_split_a_tie():
    # the old cap kept 64 minima, cutting the 8 equally low ones at loss ~13 to 3
    report = report_for(SURFACES["rastrigin"]())
    assert len(report.points) <= MAX_POINTS and all(p.kind == "minimum" for p in report.points)
    assert_found([p for p in report.points if p.is_global], [(0.0, 0.0)], tol=1e-7)
    all_losses = sorted(a + b for a, b in itertools.product(rastrigin_dips(), repeat=2))
    got = [p.loss for p in report.points]
    assert got == sorted(got)
    np.testing.assert_allclose(got, all_losses[:len(got)], atol=1e-6)
    assert all_losses[len(got)] > got[-1] + 1e-6  # the next minimum left out is not a tie
    assert len(got) > MAX_POINTS - 8  # and no more left out than the next tie group needs
    assert dict(report.omitted) == {"minimum": 121 - len(got), "saddle": 220, "maximum": 100}
    assert report.truncated


def brute_force_critical_points(surface: Surface, n: int = 1201) -> dict[str, np.ndarray]:
    """Independent: cells of a fine grid where both exact partial derivatives change sign, then
    plain Newton steps with a Hessian from differences of the exact gradient; by kind."""
    e = surface.extent
    xs, ys = np.linspace(e[0], e[1], n), np.linspace(e[2], e[3], n)
    g1, g2 = surface.g(xs[None, :], ys[:, None])

    def changes(d):
        corners = np.stack([d[:-1, :-1], d[:-1, 1:], d[1:, :-1], d[1:, 1:]])
        return (corners.min(axis=0) <= 0) & (corners.max(axis=0) >= 0)

    def jacobians(W):  # J[k, r, c] = d grad_r / d w_c at the k-th row of W
        h = 1e-6
        return np.stack([(surface.grad_many(W + h * u) - surface.grad_many(W - h * u)) / (2 * h)
                         for u in np.eye(2)], axis=-1)

    # every candidate takes its own Newton steps; one vectorised call per step serves them all
    j, i = np.nonzero(changes(g1) & changes(g2))
    W = np.column_stack([(xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2])
    for _ in range(30):
        W = W - np.linalg.solve(jacobians(W), surface.grad_many(W)[..., None])[..., 0]
    inside = (e[0] <= W[:, 0]) & (W[:, 0] <= e[1]) & (e[2] <= W[:, 1]) & (W[:, 1] <= e[3])
    settled = W[inside & (np.linalg.norm(surface.grad_many(W), axis=1) < 1e-9)]
    found: dict[str, list] = {"minimum": [], "saddle": [], "maximum": []}
    for w, (low, high) in zip(settled, np.linalg.eigvalsh(jacobians(settled)), strict=True):
        kind = "minimum" if low > 0 else "maximum" if high < 0 else "saddle"
        if not found[kind] or np.min(np.max(np.abs(np.array(found[kind]) - w), axis=1)) >= 1e-6:
            found[kind].append(w)
    return {kind: np.array(points).reshape(-1, 2) for kind, points in found.items()}


@pytest.mark.parametrize("name", ["rastrigin", "ackley", "himmelblau", "camel", "beale"])
def test_every_critical_point_is_listed(name):
    # the old finder listed 64 of Rastrigin's and Ackley's 441 and none of their saddles
    surface = SURFACES[name]()
    expected = brute_force_critical_points(surface)
    if name == "ackley":  # the cone's tip is a cusp: no Newton step settles there
        expected["minimum"] = np.vstack([expected["minimum"], [0.0, 0.0]])
    report = landmarks(surface, surface.extent)
    for kind in ("minimum", "saddle", "maximum"):
        assert_found(of_kind(report, kind), expected[kind], tol=1e-6)
    assert not report.truncated and report.omitted == ()
    assert report.counts() == {kind: len(expected[kind]) for kind in expected}
    assert_well_ordered(report)


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
def test_a_search_grid_finds_the_minimum_whether_or_not_it_has_a_point_there(name, n):
    # even n puts no grid point at 0: Ackley's cone tip (a cusp, no Newton step settles there)
    # must still be found by walking in from the four cells around it
    surface = SURFACES[name]()
    found = _search(surface, surface.extent, (n, n), home=False)
    w, loss, _ = min(found.minima, key=lambda m: m[1])
    assert np.max(np.abs(w)) < 1e-6 and abs(loss) < 1e-6


def test_cusp_minima_along_a_crease_are_found_off_the_grid():
    # |w1 - 0.3| is a crease (no grid point on it for n = 40); along it a tilted double well
    # whose two minima are roots of 4 w2^3 - 4 w2 + 0.1; the sloping crease between is no minimum
    model = formula(lambda w1, w2: np.abs(w1 - 0.3) + (w2 * w2 - 1) ** 2 + 0.1 * w2,
                    lambda w1, w2: (np.sign(w1 - 0.3) + 0.0 * w2, 4 * w2 * (w2 * w2 - 1) + 0.1))
    low, _, high = np.sort(np.roots([4.0, 0.0, -4.0, 0.1]).real)
    report = report_for(model)
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
    assert report.note == "the global minimum lies outside the map, at (w1, w2) = (0, 0), loss 0"


def gd_minimum(model, w=(0.0, 0.0), lr: float = 1.0, tol: float = 1e-10) -> np.ndarray:
    """Independent: plain gradient descent until the gradient vanishes."""
    w = np.array(w, dtype=float)
    for _ in range(100_000):
        g = model.grad(w)
        if np.linalg.norm(g) < tol:
            return w
        w = w - lr * g
    raise AssertionError("gradient descent did not converge")


def note_points(note: str) -> tuple[np.ndarray, float]:
    """The (w1, w2) points and the loss named by the 'global minimum lies outside the map' note."""
    match = re.fullmatch(r"the global (?:minimum lies|minima lie) outside the map, at \(w1, w2\) "
                         r"= (.*), loss (\S+)", note)
    assert match, note
    points = re.findall(r"\(([^,()]+), ([^,()]+)\)", match[1])
    return np.array(points, dtype=float), float(match[2])


def note_point(note: str) -> np.ndarray:
    """The one (w1, w2) named by the note."""
    (point,), _ = note_points(note)
    return point


@pytest.mark.parametrize("centre", [(-3.0, 3.0), (0.0, 0.0), (5.0, -5.0), (-40.0, 70.0)])
@pytest.mark.parametrize("half", [1e-6, 1e-3])
def test_zoomed_in_far_from_the_bottom_points_to_it_not_to_infinity(centre, half):
    # a map 2e-6 wide is tiny, but the minimum ~2.3 away is not "at infinity"
    model = make_model("logistic", dataset="overlap")
    extent = (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    report = report_for(model, extent)
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
    report = report_for(model, extent)
    assert report.unbounded and report.note == UNBOUNDED_NOTE
    assert report.global_minimum is None


# ----------------------------------------------------------------------------- data models


def test_logistic_overlap_has_one_global_minimum_with_zero_gradient():
    model = make_model("logistic", dataset="overlap")
    grid = evaluate(model, model.extent, 129, 129)
    report = report_for(model)
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
                    lambda w1, w2: tuple(np.where(w1 * w1 + w2 * w2 > 1, 2.0 * w, 0.0)
                                         for w in (w1, w2)))
    report = report_for(model)
    assert len(report.points) == 1
    best = report.global_minimum
    assert best.loss == 0.0 and best.w1**2 + best.w2**2 < 1 and not report.unbounded


def test_constant_landscape_gives_one_minimum():
    model = formula(lambda w1, w2: np.zeros(np.broadcast(w1, w2).shape),
                    lambda w1, w2: (0.0 * w1, 0.0 * w2))
    report = report_for(model)
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


def test_landscape_with_no_finite_loss_has_no_points():
    # formerly an all-NaN grid of the bowl: the grid's values no longer play a part
    model = formula(lambda w1, w2: np.full(np.broadcast(w1, w2).shape, np.nan),
                    lambda w1, w2: (np.nan * w1, np.nan * w2))
    assert report_for(model, (-1.0, 1.0, -1.0, 1.0)) == MinimaReport(points=())


def test_data_of_tiny_size_gives_no_division_by_zero():
    # Inputs ~1e-10 put the weights at ~1e10: gradients ~1e-218 whose squares underflow to 0.
    from losswalk.core.landscapes.datasets import Dataset

    X = np.array([[1.0, 2.0], [-1.0, -0.5], [0.3, -1.0], [-0.2, 0.1]]) * 1e-10
    model = make_model("logistic")
    model = type(model)(Dataset("tiny", X, np.array([1.0, 0.0, 1.0, 0.0]), ""))
    report = report_for(model)
    assert report.unbounded and report.global_minimum is None


@pytest.mark.parametrize("half", [1e6, 1e12])
def test_huge_map_reports_no_point_where_the_slope_still_matters(half):
    # on ±1e12 the descent's steps fall below 1e-12 map widths while the slope is still ~47
    # (loss 136): that point must not be reported as a (global) minimum
    model = SURFACES["himmelblau"]()
    report = report_for(model, (-half, half, -half, half))
    for p in report.points:
        g = model.grad([p.w1, p.w2])
        assert np.linalg.norm(g) < 1e-6, p
    for p in report.points:
        if p.kind == "minimum":
            assert p.loss == pytest.approx(0.0, abs=1e-9)


# ----------------------------------------------------------------------------- landmarks


def points_of(report: MinimaReport) -> list[tuple]:
    return [(p.kind, p.w1, p.w2, p.loss, p.is_global, p.lowest_in_view) for p in report.points]


@pytest.mark.parametrize("name", ["rastrigin", "himmelblau", "camel", "ackley", "tiny-net"])
def test_a_zoomed_view_shows_the_home_views_points_inside_it(name):
    # the old finder searched the map's grid: Rastrigin zoomed to a quarter lost or moved
    # minima. A view inside the home view holds exactly the home points that fall in it.
    model = make_model(name)
    home = landmarks(model, model.extent)
    x0, x1, y0, y1 = model.extent
    quarter = (x0, (x0 + x1) / 2 + 0.1 * (x1 - x0), y0, (y0 + y1) / 2 + 0.1 * (y1 - y0))
    zoomed = landmarks(model, quarter)
    inside = [p for p in home.points
              if quarter[0] <= p.w1 <= quarter[1] and quarter[2] <= p.w2 <= quarter[3]]
    assert [(p.kind, p.w1, p.w2, p.loss, p.is_global) for p in zoomed.points] == [
        (p.kind, p.w1, p.w2, p.loss, p.is_global) for p in inside]
    best = home.global_minimum
    assert np.linalg.norm(model.grad([best.w1, best.w2])) < 1e-8


def test_rastrigin_global_minimum_is_the_origin_in_any_view():
    model = SURFACES["rastrigin"]()
    for extent in [(-5.12, 5.12, -5.12, 5.12), (-1.3, 4.0, -2.2, 0.7), (-40.0, 60.0, -50.0, 50.0)]:
        report = landmarks(model, extent)
        assert [(p.w1, p.w2, p.loss) for p in report.points if p.is_global] == [(0.0, 0.0, 0.0)]
        assert [(p.w1, p.w2, p.loss) for p in report.global_minima] == [(0.0, 0.0, 0.0)]


def test_ackley_minimum_is_exactly_zero():
    # float64 computes Ackley's loss at the origin as -4.44e-16
    report = landmarks(SURFACES["ackley"](), SURFACES["ackley"]().extent)
    best = report.global_minimum
    assert (best.w1, best.w2, best.loss) == (0.0, 0.0, 0.0)
    assert report.global_minima == (best,)


def test_the_lowest_point_of_a_zoomed_view_is_not_called_global():
    # zoomed on two-dip's shallow dip the old finder marked it global, with an empty note
    surface = SURFACES["two-dip"]()
    left, _, right = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
    report = landmarks(surface, (0.5, 1.5, -0.5, 0.5))
    (dip,) = report.points
    assert (dip.kind, dip.is_global, dip.lowest_in_view) == ("minimum", False, True)
    assert dip.w1 == pytest.approx(right, abs=1e-9) and report.global_minimum is None
    assert report.lowest_in_view == dip
    (best,) = report.global_minima
    assert (best.w1, best.w2) == (pytest.approx(left, abs=1e-9), 0.0) and best.is_global
    assert best.loss == pytest.approx((left**2 - 1) ** 2 + 0.3 * left, abs=1e-12)
    np.testing.assert_allclose(note_point(report.note), [left, 0.0], atol=1e-3)


def test_camel_view_names_both_global_minima_outside_it():
    # the old note pointed to a local dip near (-1.70, 0.80) at loss -0.215
    report = landmarks(SURFACES["camel"](), (-2.1, -1.7, -0.15, 0.15))
    assert report.points == () and not report.unbounded
    points, loss = note_points(report.note)
    expected = [(-0.0898420137, 0.7126564033), (0.0898420137, -0.7126564033)]
    np.testing.assert_allclose(sorted(map(tuple, points)), expected, atol=1e-4)
    assert loss == pytest.approx(-1.031628453, abs=1e-4)
    assert_found(list(report.global_minima), expected, tol=1e-8)


def newton_step(model, w) -> float:
    """Independent: the length of one Newton step on the gradient from w (0 at a critical point),
    with the Jacobian from differences of the exact gradient."""
    w, h = np.asarray(w, dtype=float), 1e-6
    J = np.column_stack([(model.grad(w + h * u) - model.grad(w - h * u)) / (2 * h)
                         for u in np.eye(2)])
    return float(np.linalg.norm(np.linalg.solve(J, model.grad(w))))


@pytest.mark.parametrize("name", [n for n in SURFACES if n != "saddle"])
def test_landmarks_match_the_known_minima_refined_to_rounding(name):
    surface = SURFACES[name]()
    report = landmarks(surface, surface.extent)
    minima = of_kind(report, "minimum")
    # literature values have 6 to 10 digits; the refined points are exact to 1e-8
    for w in surface.known_minima:
        assert any(p.is_global and np.max(np.abs([p.w1 - w[0], p.w2 - w[1]])) < 2e-6
                   for p in minima), w
    for w in surface.local_minima:
        assert any(not p.is_global and np.max(np.abs([p.w1 - w[0], p.w2 - w[1]])) < 2e-6
                   for p in minima), w
    assert len(report.global_minima) == len(surface.known_minima)
    for p in report.points:
        if (p.w1, p.w2) != (0.0, 0.0) or name != "ackley":  # (the cusp has no Newton step)
            assert newton_step(surface, [p.w1, p.w2]) < 1e-8, p


def test_closed_form_minima_exactly():
    cases = {"bowl": [(0.0, 0.0)], "rosenbrock": [(1.0, 1.0)], "beale": [(3.0, 0.5)],
             "rastrigin": [(0.0, 0.0)], "himmelblau": [(3.0, 2.0)],
             "two-dip": [(np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)[0], 0.0)]}
    for name, expected in cases.items():
        surface = SURFACES[name]()
        report = landmarks(surface, surface.extent)
        assert_found([p for p in report.points if p.is_global and (name != "himmelblau"
                                                                   or p.w1 == pytest.approx(3))],
                     expected, tol=1e-9)


def test_tiny_net_on_xor_lists_each_saddle_once():
    # on the flat line w2 = 0 the old finder listed the saddle at (0, 0) twice
    model = make_model("tiny-net", dataset="xor")
    report = landmarks(model, model.extent)
    x, y = model.dataset.X[:, 0], model.dataset.y
    # Independent: on w2 = 0 the slope along w2 is mean((1/2 - y) tanh(w1 x)); its roots by
    # bisection between sign changes on a fine grid
    def slope(w1):
        return np.mean((0.5 - y) * np.tanh(w1 * x))

    w1s = np.linspace(-4, 4, 8000)  # no point at 0
    signs = np.sign([slope(w) for w in w1s])
    roots = []
    for k in np.flatnonzero(signs[:-1] * signs[1:] < 0):
        lo, hi = w1s[k], w1s[k + 1]
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.sign(slope(mid)) == signs[k] else (lo, mid)
        roots.append(lo)
    saddles = of_kind(report, "saddle")
    assert len(roots) == 3 and roots[0] == pytest.approx(-roots[2]) and abs(roots[1]) < 1e-12
    assert_found(saddles, [(r, 0.0) for r in roots], tol=1e-8)
    assert sum((p.w1, p.w2) == (0.0, 0.0) for p in saddles) == 1
    for p in report.points:
        assert np.linalg.norm(model.grad([p.w1, p.w2])) < 1e-10, p
    a, b = of_kind(report, "minimum")  # two mirror-image minima, a hair below log 2
    assert (a.w1, a.w2) == pytest.approx((-b.w1, -b.w2), abs=1e-9) and a.is_global
    assert a.loss < np.log(2) - 1e-5


def test_a_view_outside_the_default_one_is_searched_at_the_same_detail():
    surface = SURFACES["rastrigin"]()
    report = landmarks(surface, (6.3, 9.7, -1.4, 1.4))
    # Independent: minima near each whole number, from the 1-D dips
    x = np.linspace(-0.5, 0.5, 200001)
    dip = {k: k + x[np.argmin((k + x) ** 2 - 10 * np.cos(2 * np.pi * (k + x)))]
           for k in range(-1, 10)}
    expected = [(dip[a], dip[b]) for a in (7, 8, 9) for b in (-1, 0, 1)]
    assert_found(of_kind(report, "minimum"), expected, tol=1e-5)
    assert not report.truncated and not any(p.is_global for p in report.points)
    assert report.note == "the global minimum lies outside the map, at (w1, w2) = (0, 0), loss 0"


def test_a_view_too_wide_for_the_detail_is_searched_in_part_and_says_so():
    surface = SURFACES["rastrigin"]()
    report = landmarks(surface, (-100.0, 100.0, -50.0, 50.0))
    assert report.truncated and report.searched == surface.extent
    assert report.counts() == {"minimum": 121, "saddle": 220, "maximum": 100}
    assert report.global_minimum == CriticalPoint(0.0, 0.0, 0.0, "minimum", True, True)
    far = landmarks(surface, (1000.0, 3000.0, 0.0, 5.0))
    a, b, c, d = far.searched
    assert (a, c, d) == (1000.0, 0.0, 5.0) and b == pytest.approx(1010.24)
    for p in far.points:
        assert a - 1e-6 <= p.w1 <= b + 1e-6 and np.linalg.norm(surface.grad([p.w1, p.w2])) < 1e-6


EXTREME_EXTENTS = [(-1e300, 1e300, -1e300, 1e300), (-1.7e308, 1.7e308, -1e308, 1e308),
                   (0.0, 1e-300, 0.0, 1e-300), (-1e150, 1e150, -1e150, 1e150),
                   (1e150, 1e150 * (1 + 1e-12), 0.0, 1.0), (1e10, 1e10 + 1e-5, -1.0, 1.0),
                   (5e-324, 1e-323, 0.0, 5e-324)]


@pytest.mark.parametrize("name", ["himmelblau", "rastrigin", "ackley", "beale", "saddle",
                                  "logistic", "tiny-net"])
def test_extreme_extents_neither_fail_nor_warn_nor_invent_a_minimum(name):
    # himmelblau on ±1e300 raised OverflowError, on [0, 1e-300] ZeroDivisionError, and on
    # ±1e150 printed RuntimeWarnings and called (0.333, 0.846) at loss 136 its global minimum
    model = make_model(name)
    home = landmarks(model, model.extent)
    best = [(g.w1, g.w2, g.loss) for g in home.global_minima]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for extent in EXTREME_EXTENTS:
            report = landmarks(model, extent)
            assert [(g.w1, g.w2, g.loss) for g in report.global_minima] == best
            assert report.unbounded == home.unbounded
            for p in report.points:
                assert np.linalg.norm(model.grad([p.w1, p.w2])) < 1e-6, (extent, p)
                assert p.is_global == ((p.w1, p.w2, p.loss) in best)


def test_landmarks_from_worker_threads_agree():
    forget_searches()  # nothing remembered: the threads search at the same time
    model = make_model("tiny-net", dataset="moons")
    results: list[MinimaReport] = []
    threads = [threading.Thread(target=lambda: results.append(landmarks(model, model.extent)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and results[0] == results[1] == results[2]


# ---------------------------------------------------------------- searches remembered by value


def counted_searches(monkeypatch) -> list:
    """The (model, extent) of every search run from now on, with nothing remembered before."""
    forget_searches()
    runs: list = []

    def counted(model, extent, shape, home):
        runs.append((model, extent))
        return _search(model, extent, shape, home)

    monkeypatch.setattr(minima, "_search", counted)
    return runs


@pytest.mark.parametrize("build", [
    lambda: make_model("ackley"),
    lambda: make_model("logistic", dataset="xor", l2=0.1),
    lambda: make_model("tiny-net", loss="mse"),
    lambda: make_model("mlp-random", direction_seed=3),
])
def test_a_landscape_built_again_reuses_its_search(monkeypatch, build):
    """n then p (or the tour, or the split) builds the same landscape anew: its landmarks are
    the ones already found, not searched again."""
    runs = counted_searches(monkeypatch)
    first, again = build(), build()
    assert first is not again and search_key(first) == search_key(again)
    report = landmarks(first, first.extent)
    searched = len(runs)
    assert searched >= 1
    assert landmarks(again, again.extent) == report and len(runs) == searched


@pytest.mark.parametrize("one, other", [
    (dict(name="logistic"), dict(name="logistic", l2=0.01)),
    (dict(name="logistic"), dict(name="logistic", loss="mse")),
    (dict(name="logistic"), dict(name="logistic", dataset="xor")),
    (dict(name="tiny-net"), dict(name="logistic")),
    (dict(name="bowl"), dict(name="bowl", condition=20.0)),
    (dict(name="rastrigin"), dict(name="ackley")),
    (dict(name="mlp-random"), dict(name="mlp-random", direction_seed=1)),
    (dict(name="mlp-random"), dict(name="mlp-pca")),
])
def test_different_landscapes_have_different_search_keys(one, other):
    assert search_key(make_model(**one)) != search_key(make_model(**other))


def test_a_landscape_with_another_key_is_searched_on_its_own(monkeypatch):
    runs = counted_searches(monkeypatch)
    plain, penalised = make_model("logistic"), make_model("logistic", l2=0.01)
    landmarks(plain, plain.extent)
    searched = len(runs)
    landmarks(penalised, penalised.extent)
    assert len(runs) > searched and all(model is penalised for model, _ in runs[searched:])


def test_the_same_data_read_twice_shares_a_search_and_other_data_does_not(monkeypatch):
    runs = counted_searches(monkeypatch)
    data = make_dataset("moons", n=150)
    copy = type(data)(data.name, data.X.copy(), data.y.copy(), data.description)
    moved = type(data)(data.name, data.X + 1e-9, data.y.copy(), data.description)
    first, again, other = map(LogisticModel, (data, copy, moved))
    reports = [landmarks(m, m.extent) for m in (first, again, other)]
    searched = {id(model) for model, _ in runs}
    assert reports[0] == reports[1] and searched == {id(first), id(other)}


def test_a_grid_budget_that_samples_other_examples_searches_again(monkeypatch):
    """The search grid of a big dataset scores a sample sized by the budget: another budget,
    another grid, so another search (the key holds how many examples the grid scores)."""
    runs = counted_searches(monkeypatch)
    data = make_dataset("xor", n=600)
    landmarks(TinyNet(data), (-4.0, 4.0, -4.0, 4.0))
    searched = len(runs)
    monkeypatch.setattr(models, "GRID_BUDGET", 129 * 129 * 50)  # 50 of the 600 examples
    model = TinyNet(data)
    assert model.grid_examples(129, 129) == 50
    landmarks(model, (-4.0, 4.0, -4.0, 4.0))
    assert len(runs) > searched


def test_a_surface_file_is_remembered_per_model_object_only(monkeypatch):
    runs = counted_searches(monkeypatch)
    xs = np.linspace(-1.0, 1.0, 21)
    values = np.add.outer(xs**2, xs**2)
    a, b = (GridSurface(xs, xs, values, name="f", description="f") for _ in range(2))
    assert search_key(a) is None
    assert landmarks(a, a.extent) == landmarks(b, b.extent)
    assert {id(model) for model, _ in runs} == {id(a), id(b)}
    searched = len(runs)
    landmarks(a, a.extent)
    assert len(runs) == searched
