"""Curvature at the walker: analytic Hessians against finite differences, and closed forms."""

import math

import numpy as np
import pytest

from losswalk.core.landscapes.curvature import (
    curvature_at,
    full_top_eigenvalue,
    hessian_at,
)
from losswalk.core.landscapes.models import make_model
from losswalk.core.landscapes.surfaces import SURFACES, bowl, rosenbrock
from losswalk.core.walk.walker import Walker, WalkerStatus

ANALYTIC = [name for name in SURFACES if SURFACES[name]().h is not None]


def _fd(model, w, h=1e-5):
    """Central differences of the exact gradient, written out here (independent of minima.py)."""
    w = np.asarray(w, dtype=float)
    cols = []
    for e in np.eye(2):
        cols.append((np.asarray(model.grad(w + h * e)) - np.asarray(model.grad(w - h * e)))
                    / (2 * h))
    return np.column_stack(cols)


def test_every_surface_but_ackley_has_an_analytic_hessian():
    assert set(SURFACES) - set(ANALYTIC) == {"ackley"}


@pytest.mark.parametrize("name", ANALYTIC)
def test_analytic_hessian_matches_finite_differences(name):
    model = SURFACES[name]()
    x0, x1, y0, y1 = model.extent
    for w in np.random.default_rng(5).uniform((x0, y0), (x1, y1), (20, 2)):
        H, source = hessian_at(model, w)
        assert source == "analytic"
        np.testing.assert_allclose(H, _fd(model, w), rtol=1e-5,
                                   atol=1e-5 * max(1.0, np.max(np.abs(H))))


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_logistic_analytic_hessian_matches_finite_differences(loss):
    model = make_model("logistic", loss=loss, l2=0.03)
    for w in np.random.default_rng(6).uniform(-3, 3, (10, 2)):
        H, source = hessian_at(model, w)
        assert source == "analytic"
        np.testing.assert_allclose(H, _fd(model, w), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", ["tiny-net", "ackley"])
def test_models_without_a_formula_use_finite_differences(name):
    model = make_model(name)
    w = np.array([0.7, -1.3])
    H, source = hessian_at(model, w)
    assert source == "finite differences"
    np.testing.assert_allclose(H, _fd(model, w), rtol=1e-4, atol=1e-6)


def test_bowl_curvature_is_exact():
    c = curvature_at(bowl(10.0), np.array([1.3, -0.4]))
    np.testing.assert_array_equal(c.hessian, [[1.0, 0.0], [0.0, 10.0]])
    np.testing.assert_array_equal(c.eigenvalues, [10.0, 1.0])
    np.testing.assert_array_equal(np.abs(c.eigenvectors), [[0.0, 1.0], [1.0, 0.0]])
    assert c.condition == 10.0 and c.stability_limit == 0.2 and c.kind == "minimum"


def test_rosenbrock_at_its_minimum_closed_form():
    c = curvature_at(rosenbrock(), np.array([1.0, 1.0]))
    np.testing.assert_array_equal(c.hessian, [[802.0, -400.0], [-400.0, 200.0]])
    root = math.sqrt(602.0**2 + 4 * 400.0**2)
    np.testing.assert_allclose(c.eigenvalues, [(1002 + root) / 2, (1002 - root) / 2], rtol=1e-12)
    for value, vector in zip(c.eigenvalues, c.eigenvectors, strict=True):
        np.testing.assert_allclose(c.hessian @ vector, value * vector, rtol=1e-10, atol=1e-10)
        assert np.linalg.norm(vector) == pytest.approx(1.0)
    assert c.condition == pytest.approx((1002 + root) / (1002 - root))
    assert c.kind == "minimum"


def test_kinds_saddle_maximum_minimum_flat():
    assert curvature_at(make_model("saddle"), np.zeros(2)).kind == "saddle"
    himmelblau = make_model("himmelblau")
    assert curvature_at(himmelblau, np.array([-0.270845, -0.923039])).kind == "maximum"
    assert curvature_at(himmelblau, np.array([3.0, 2.0])).kind == "minimum"
    assert curvature_at(make_model("two-dip"), np.array([1 / math.sqrt(3), 0.0])).kind == "flat"


@pytest.mark.parametrize("factor, ends", [(0.95, WalkerStatus.CONVERGED),
                                          (1.05, WalkerStatus.DIVERGED)])
def test_stability_limit_predicts_what_plain_descent_does_on_the_bowl(factor, ends):
    model = bowl(10.0)
    limit = curvature_at(model, np.array(model.start)).stability_limit
    assert curvature_at(model, np.array(model.start)).diverges_at(limit * factor) == (
        factor > 1)
    walker = Walker(model, optimizer="sgd", lr=limit * factor, global_min_loss=0.0)
    for _ in range(5000):
        if walker.status.ended:
            break
        walker.step()
    assert walker.status is ends


def test_full_network_top_eigenvalue_comes_from_the_model_when_it_has_one():
    class Slice:
        name, extent = "stub-slice", (-1.0, 1.0, -1.0, 1.0)

        def grad(self, w):
            return np.array([2.0 * w[0], 4.0 * w[1]])

        def full_hessian_top_eigenvalue(self):
            return 37.5

    assert full_top_eigenvalue(Slice()) == 37.5
    assert full_top_eigenvalue(bowl()) is None
    c = curvature_at(Slice(), np.zeros(2), full_top_eigenvalue(Slice()))
    assert c.full_top == 37.5 and c.source == "finite differences"
    np.testing.assert_allclose(c.eigenvalues, [4.0, 2.0])


def test_overflowing_hessian_is_unknown_not_an_error():
    c = curvature_at(rosenbrock(), np.array([1e200, 1e200]))
    assert not c.finite and c.kind == "unknown"
