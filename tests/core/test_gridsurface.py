"""The interpolant that stands in for a model on a surface file: a natural bicubic spline whose
gradient is exact, honest about gaps, whose minima are found where the file puts them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from losswalk.core.explorer import Explorer
from losswalk.core.files.surfaces import SurfaceFileError
from losswalk.core.landscapes.gridsurface import GridSurface, load_surface, spline_curvature
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LANDSCAPES, LandscapeOptions, ModelError, make_model
from losswalk.core.walk.walker import Walker
from tests.core.surface_fixtures import (
    GRID_MIN,
    TEST_GRID_MIN,
    X0,
    XS,
    Y0,
    YS,
    grid_values,
    write_li_h5,
    write_long_csv,
    write_npz,
)

h5py = pytest.importorskip("h5py")


def _dense_curvature(nodes: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The natural spline's second derivatives from the full linear system (independent of the
    Thomas sweep): M0 = Mn = 0 and h_{k-1} M_{k-1} + 2(h_{k-1}+h_k) M_k + h_k M_{k+1} = 6 (...)."""
    n, h = nodes.size, np.diff(nodes)
    A, b = np.zeros((n, n)), np.zeros(n)
    A[0, 0] = A[-1, -1] = 1.0
    for k in range(1, n - 1):
        A[k, k - 1], A[k, k], A[k, k + 1] = h[k - 1], 2 * (h[k - 1] + h[k]), h[k]
        b[k] = 6 * ((f[k + 1] - f[k]) / h[k] - (f[k] - f[k - 1]) / h[k - 1])
    return np.linalg.solve(A, b)


@pytest.mark.parametrize("n", [2, 3, 4, 9, 40])
def test_spline_curvature_solves_the_natural_spline_system(n) -> None:
    rng = np.random.default_rng(n)
    nodes = np.cumsum(rng.uniform(0.1, 2.0, n))  # uneven spacing
    values = rng.normal(size=(n, 3))
    M = spline_curvature(nodes, values)
    for col in range(3):
        np.testing.assert_allclose(M[:, col], _dense_curvature(nodes, values[:, col]),
                                   rtol=1e-10, atol=1e-12)


def _surface(f=None, x=XS, y=YS) -> GridSurface:
    values = grid_values(x, y) if f is None else f(x[np.newaxis, :], y[:, np.newaxis])
    return GridSurface(x, y, values, name="t", description="t")


def test_interpolant_passes_through_the_grid_points() -> None:
    model = _surface()
    np.testing.assert_allclose(model.loss_grid(XS, YS), grid_values(), rtol=1e-14, atol=1e-14)
    for j, i in [(0, 0), (16, 22), (5, 9)]:
        assert model.loss((XS[i], YS[j])) == pytest.approx(grid_values()[j, i], rel=1e-14)


def test_interpolant_reproduces_bilinear_surfaces_exactly() -> None:
    """The limited slopes keep a straight line's slope and the limited twists a bilinear cell's
    twist, so the interpolant is exact on a + b x + c y + d x y everywhere."""
    def f(x, y):
        return 0.7 - 1.3 * x + 2.1 * y + 0.4 * x * y

    model = _surface(f)
    rng = np.random.default_rng(1)
    W = rng.uniform([XS[0], YS[0]], [XS[-1], YS[-1]], size=(200, 2))
    for w in W:
        assert model.loss(w) == pytest.approx(f(*w), abs=1e-12)
        np.testing.assert_allclose(model.grad(w), [-1.3 + 0.4 * w[1], 2.1 + 0.4 * w[0]],
                                   atol=1e-11)


def test_gradient_matches_finite_differences_and_the_vectorised_paths() -> None:
    model = _surface(lambda x, y: np.sin(3 * x) * np.cos(2 * y) + x * x)
    rng = np.random.default_rng(2)
    W = rng.uniform([XS[0] + 0.01, YS[0] + 0.01], [XS[-1] - 0.01, YS[-1] - 0.01], size=(100, 2))
    h = 1e-6
    for w in W:
        fd = [(model.loss(w + h * e) - model.loss(w - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(model.grad(w), fd, rtol=1e-6, atol=1e-6)
    scalar = np.array([model.grad(w) for w in W])
    np.testing.assert_allclose(model.grad_many(W), scalar, rtol=1e-13, atol=1e-13)
    loss, g1, g2 = model.evaluate(W[:, 0], W[:, 1], slopes=True)
    np.testing.assert_allclose(loss, [model.loss(w) for w in W], rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(np.column_stack([g1, g2]), scalar, rtol=1e-13, atol=1e-13)


def test_no_loss_outside_the_grid() -> None:
    model = _surface()
    for w in [(XS[0] - 1e-9, 0.0), (XS[-1] + 0.1, 0.0), (0.0, YS[-1] + 1e-9), (0.0, -5.0)]:
        assert math.isnan(model.loss(w)) and np.all(np.isnan(model.grad(w)))
    assert math.isfinite(model.loss((XS[-1], YS[-1])))  # the corner itself is on the grid


@pytest.mark.parametrize("writer", ["h5", "npz", "csv"])
def test_minimum_is_found_where_the_file_puts_it(tmp_path, writer) -> None:
    path = tmp_path / f"surface.{writer}"
    {"h5": write_li_h5, "npz": write_npz, "csv": write_long_csv}[writer](path)
    model = make_model(str(path))
    assert model.extent == (XS[0], XS[-1], YS[0], YS[-1])
    report = landmarks(model, model.extent)
    (best,) = report.global_minima
    assert (best.w1, best.w2) == pytest.approx(GRID_MIN[:2], abs=2e-4)
    assert best.loss == pytest.approx(GRID_MIN[2], abs=1e-12)
    assert abs(best.w1 - X0) <= XS[1] - XS[0] and abs(best.w2 - Y0) <= YS[1] - YS[0]
    assert [p.kind for p in report.points] == ["minimum"]


def test_surface_flag_picks_the_test_loss(tmp_path) -> None:
    path = tmp_path / "surface.h5"
    write_li_h5(path)
    model = LandscapeOptions.from_user(str(path), surface="test_loss").build(strict=True)
    (best,) = landmarks(model, model.extent).global_minima
    assert (best.w1, best.w2) == pytest.approx(TEST_GRID_MIN[:2], abs=2e-4)
    with pytest.raises(ModelError, match="--surface applies only to surface files"):
        LandscapeOptions.from_user("bowl", surface="test_loss").build(strict=True)
    with pytest.raises(SurfaceFileError, match="no surface 'min_eig'"):
        load_surface(str(path), "min_eig")


def test_not_computed_cells_are_never_minima(tmp_path) -> None:
    """Cells around the true minimum were never computed (-1): no point is reported in them,
    none with the sentinel's loss, and the interpolant has no loss there."""
    nx = len(XS)
    i0, j0 = int(np.searchsorted(XS, X0)), int(np.searchsorted(YS, Y0))
    gaps = {j * nx + i for j in range(j0 - 1, j0 + 1) for i in range(i0 - 1, i0 + 1)}
    path = tmp_path / "partial.h5"
    write_li_h5(path, not_computed=gaps)
    model = make_model(str(path))
    assert model.not_computed == 4
    assert "; 4 not computed (?)" in model.description
    assert math.isnan(model.loss((X0, Y0)))
    report = landmarks(model, model.extent)
    for p in report.points:
        assert p.loss > 0.5 - 1e-9  # never -1, never below the bowl's floor
        i, j = np.searchsorted(XS, p.w1) - 1, np.searchsorted(YS, p.w2) - 1
        assert model.cell_ok[j, i], (p.w1, p.w2)
        assert math.isfinite(model.loss((p.w1, p.w2)))


def test_walker_steps_on_the_interpolant_gradient(tmp_path) -> None:
    path = tmp_path / "surface.npz"
    write_npz(path)
    model = make_model(str(path))
    walker = Walker(model, start=(0.9, 0.6), lr=0.1)
    before = walker.position.copy()
    g = model.grad(before)
    walker.step()
    np.testing.assert_allclose(walker.position, before - 0.1 * g, rtol=1e-15, atol=1e-15)
    for _ in range(300):
        if walker.status.ended:
            break
        walker.step()
    assert walker.status.value == "converged"
    assert tuple(walker.position) == pytest.approx(GRID_MIN[:2], abs=2e-4)


def test_explorer_opens_a_file_and_moves_on_to_the_landscapes(tmp_path) -> None:
    path = tmp_path / "surface.csv"
    write_long_csv(path)
    explorer = Explorer(LandscapeOptions.from_user(str(path)))
    assert explorer.model.name == "surface.csv" and explorer.model.interpolated
    explorer.next_landscape(1)
    assert explorer.model.name == "logistic"
    explorer = Explorer(LandscapeOptions.from_user(str(path)))
    explorer.next_landscape(-1)
    assert explorer.model.name == list(LANDSCAPES)[-1]  # the last one


def test_one_d_files_and_unknown_names_are_one_line(tmp_path) -> None:
    path = tmp_path / "line.h5"
    with h5py.File(path, "w") as f:
        f["xcoordinates"] = np.linspace(0, 1, 5)
        f["train_loss"] = np.linspace(0, 1, 5)
    with pytest.raises(SurfaceFileError, match="a 1-D surface"):
        make_model(str(path))
    with pytest.raises(ModelError, match=r"nosuch\.h5' \(choose from: logistic.* no file of"):
        make_model(str(tmp_path / "nosuch.h5"))


def test_computed_points_next_to_a_gap_keep_their_values() -> None:
    """A grid point that was computed has its own value even where a cell it touches was not:
    the scalar and vectorised paths agree, and the gap's inside has no loss."""
    values = grid_values()
    values[6, 9] = np.nan
    model = GridSurface(XS, YS, values, name="t", description="t")
    grid = model.loss_grid(XS, YS)
    np.testing.assert_array_equal(np.isnan(grid), np.isnan(values))
    np.testing.assert_allclose(grid[~np.isnan(values)], values[~np.isnan(values)], rtol=1e-14)
    for j, i in [(6, 10), (7, 9), (7, 10), (5, 9), (6, 8), (5, 8), (7, 8), (5, 10)]:
        assert model.loss((XS[i], YS[j])) == pytest.approx(values[j, i], rel=1e-14)
    mid = (0.5 * (XS[9] + XS[10]), 0.5 * (YS[6] + YS[7]))
    assert math.isnan(model.loss(mid)) and np.isnan(model.loss_grid(*map(np.array, mid)))


def test_a_step_off_the_grid_says_so(tmp_path) -> None:
    """Leaving the file's grid (or stepping into a cell never computed) ends the walk with the
    reason, not with 'the learning rate is too large' about a loss that overflowed."""
    model = _surface()
    walker = Walker(model, start=(1.0, 0.7), lr=5.0)
    walker.step()
    assert walker.status.value == "diverged"
    assert "stepped off the file's grid" in walker.message and "no loss is known" in walker.message
    values = grid_values()
    values[8:12, 10:14] = np.nan
    holed = GridSurface(XS, YS, values, name="t", description="t")
    assert holed.why_no_loss((0.5 * (XS[10] + XS[11]), 0.5 * (YS[9] + YS[10]))) == (
        "into a grid cell never computed")
    assert holed.why_no_loss((-0.5, -0.5)) is None and holed.why_no_loss((9.0, 0.0)) == (
        "off the file's grid")


def test_a_start_or_move_with_no_loss_says_why() -> None:
    """--start off a file's grid, or a move into a cell never computed, is refused with the
    reason (as a step is), not only 'the loss there is not finite'."""
    values = grid_values()
    values[8:12, 10:14] = np.nan
    holed = GridSurface(XS, YS, values, name="t", description="t")
    with pytest.raises(ValueError, match=r"at the start \(9, 0\) .*off the file's grid"):
        Walker(holed, start=(9.0, 0.0))
    walker = Walker(holed, start=(XS[9], YS[9]))
    with pytest.raises(ValueError, match=r"can't move to .*into a grid cell never computed"):
        walker.move(0.5 * (XS[11] - XS[9]), 0.0)
    with pytest.raises(ValueError, match=r"move to \(1e\+300, .*\): the loss there is not finite"):
        Walker(make_model("bowl")).move(1e300, 0.0)
