"""The file interpolant is shape-preserving: it stays within each cell's corners (the guarantee
of its construction), passes through the grid, has an exact gradient, and reports flat grids
honestly (issue 11 §1)."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.landscapes.gridsurface import GridSurface, limited_slopes
from losswalk.core.landscapes.minima import landmarks


def _random_grids(count: int = 120):
    rng = np.random.default_rng(7)
    for trial in range(count):
        nx, ny = (int(n) for n in rng.integers(2, 9, 2))
        x = np.cumsum(rng.uniform(0.2, 2.0, nx))
        y = np.cumsum(rng.uniform(0.2, 2.0, ny))
        V = rng.normal(size=(ny, nx))
        if trial % 3 == 0:
            V = np.round(V)  # plateaus and ties
        if trial % 5 == 1:
            V = np.abs(V) ** 3  # steep kinks
        yield x, y, V


def _cell_bounds(x, y, V, xs, ys):
    """The lowest and highest corner of the cell holding each (xs[i], ys[j]): each coordinate's
    cell by bisection (the outer cells hold the ends), its four corners compared."""
    i = np.clip(np.searchsorted(x, xs, side="right") - 1, 0, x.size - 2)[np.newaxis, :]
    j = np.clip(np.searchsorted(y, ys, side="right") - 1, 0, y.size - 2)[:, np.newaxis]
    corners = np.stack([V[j, i], V[j + 1, i], V[j, i + 1], V[j + 1, i + 1]])
    return corners.min(axis=0), corners.max(axis=0)


def test_interpolant_stays_between_each_cells_lowest_and_highest_corner() -> None:
    for x, y, V in _random_grids():
        model = GridSurface(x, y, V, name="t", description="t")
        xs, ys = np.linspace(x[0], x[-1], 61), np.linspace(y[0], y[-1], 57)
        L = model.loss_grid(xs, ys)
        lo, hi = _cell_bounds(x, y, V, xs, ys)
        tol = 1e-12 * (1.0 + np.abs(V).max())
        assert (L - lo >= -tol).all() and (hi - L >= -tol).all()


def test_interpolant_passes_through_the_grid_and_its_gradient_is_exact() -> None:
    rng = np.random.default_rng(3)
    for x, y, V in _random_grids(40):
        model = GridSurface(x, y, V, name="t", description="t")
        X, Y = np.meshgrid(x, y)
        assert np.allclose(model.evaluate(X, Y)[0], V, atol=1e-12)
        for _ in range(6):
            w = rng.uniform([x[0], y[0]], [x[-1], y[-1]])
            e = 1e-6
            fd = [(model.loss(w + d) - model.loss(w - d)) / (2 * e) for d in e * np.eye(2)]
            assert model.grad(w) == pytest.approx(fd, abs=1e-5)
            loss, g1, g2 = model.evaluate(np.array([w[0]]), np.array([w[1]]), slopes=True)
            assert loss[0] == pytest.approx(model.loss(w), abs=1e-12)
            assert (g1[0], g2[0]) == pytest.approx(tuple(model.grad(w)), abs=1e-9)


def test_gradient_is_continuous_across_grid_lines() -> None:
    """C1: the slope just left/right (below/above) of a grid line agrees."""
    for x, y, V in _random_grids(30):
        model = GridSurface(x, y, V, name="t", description="t")
        for k in range(1, x.size - 1):
            for w2 in np.linspace(y[0], y[-1], 7):
                a, b = model.grad((x[k] - 1e-9, w2)), model.grad((x[k] + 1e-9, w2))
                assert a == pytest.approx(b, abs=1e-5 * (1 + np.abs(V).max()))
        for k in range(1, y.size - 1):
            for w1 in np.linspace(x[0], x[-1], 7):
                a, b = model.grad((w1, y[k] - 1e-9)), model.grad((w1, y[k] + 1e-9))
                assert a == pytest.approx(b, abs=1e-5 * (1 + np.abs(V).max()))


def test_limited_slopes_by_hand() -> None:
    nodes = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    # a local maximum at node 2, a flat stretch 3..4: zero slope there
    d = limited_slopes(nodes, np.array([0.0, 1.0, 3.0, 2.0, 2.0]))
    assert d[2] == 0.0 and d[3] == 0.0 and d[4] == 0.0
    # node 1: harmonic mean of secants 1 and 2 = 4/3, under 1.5 * min = 1.5
    assert d[1] == pytest.approx(4.0 / 3.0)
    # node 0: three-point slope (3*1 - 2)/2 = 0.5, same sign as the secant
    assert d[0] == pytest.approx(0.5)
    # a straight line keeps its slope
    assert limited_slopes(nodes, 2.0 * nodes - 1.0) == pytest.approx([2.0] * 5)


def test_bilinear_data_is_reproduced_exactly() -> None:
    x, y = np.linspace(-1.0, 2.0, 7), np.linspace(0.0, 3.0, 5)
    X, Y = np.meshgrid(x, y)
    model = GridSurface(x, y, 0.7 - 1.3 * X + 2.1 * Y + 0.4 * X * Y, name="t", description="t")
    for w in np.random.default_rng(1).uniform([-1, 0], [2, 3], size=(50, 2)):
        assert model.loss(w) == pytest.approx(0.7 - 1.3 * w[0] + 2.1 * w[1] + 0.4 * w[0] * w[1],
                                              abs=1e-12)


def _disc(n: int = 51):
    x = np.linspace(-1.0, 1.0, n)
    return x, x[np.newaxis, :] ** 2 + x[:, np.newaxis] ** 2


def test_flat_floor_is_one_minimum_at_the_grids_lowest_loss_with_a_note() -> None:
    """Issue 11 §1: a 51x51 surface with a flat floor at 0.001 (the natural spline found 96
    minima, 184 saddles and a loss of -0.0022 below every grid value)."""
    x, r2 = _disc()
    V = np.maximum(r2 - 0.3, 0.0) + 0.001
    model = GridSurface(x, x, V, name="floor", description="")
    fine = model.loss_grid(np.linspace(-1, 1, 401), np.linspace(-1, 1, 401))
    assert fine.min() >= V.min() - 1e-15  # nothing below the grid's lowest value
    report = landmarks(model, model.extent)
    assert report.counts() == {"minimum": 1, "saddle": 0, "maximum": 0}
    (best,) = report.global_minima
    assert best.loss == pytest.approx(0.001, abs=1e-15) and best.is_global
    assert V.min() == 0.001 and r2[np.isclose(V, 0.001)].max() <= 0.3 + 1e-12
    assert best.w1 ** 2 + best.w2 ** 2 <= 0.3  # on the floor
    assert "the minimum at loss 0.001 is a flat region" in report.note


def test_constant_surface_is_one_global_minimum() -> None:
    """The natural spline's rounding ripples made 197 'global minima' of a constant."""
    x, _ = _disc()
    model = GridSurface(x, x, np.full((51, 51), 0.7), name="c", description="")
    assert model.loss((0.123, -0.456)) == 0.7 and tuple(model.grad((0.123, -0.456))) == (0, 0)
    report = landmarks(model, model.extent)
    assert report.counts() == {"minimum": 1, "saddle": 0, "maximum": 0}
    assert len(report.global_minima) == 1 and report.global_minima[0].loss == 0.7
    assert "flat region" in report.note


def test_saturated_accuracy_plateau_is_one_maximum_and_no_spurious_minima() -> None:
    """train_acc saturating at 100 in the middle: one flat maximum, no minimum inside (the
    lowest accuracies are on the grid's corners, not critical points)."""
    x, r2 = _disc()
    V = np.minimum(100.0, 120.0 - 50.0 * r2)
    model = GridSurface(x, x, V, name="acc", description="")
    fine = model.loss_grid(np.linspace(-1, 1, 301), np.linspace(-1, 1, 301))
    assert fine.max() <= 100.0 + 1e-12 and fine.min() >= V.min() - 1e-12
    report = landmarks(model, model.extent)
    assert report.counts() == {"minimum": 0, "saddle": 0, "maximum": 1}
    assert report.points[0].loss == 100.0
    assert "the maximum at loss 100 is a flat region" in report.note


def test_a_bowl_on_the_grid_keeps_its_minimum_without_a_flat_note() -> None:
    x, r2 = _disc(21)
    model = GridSurface(x, x, r2 + 0.5, name="bowl", description="")
    report = landmarks(model, model.extent)
    assert report.counts() == {"minimum": 1, "saddle": 0, "maximum": 0}
    (best,) = report.global_minima
    assert (best.w1, best.w2, best.loss) == pytest.approx((0.0, 0.0, 0.5), abs=1e-12)
    assert report.note == ""
