"""Analytic surfaces: exact gradients, literature minima, grid layout and the walks they teach."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from losswalk.core.landscapes.surfaces import SURFACES, Surface, bowl

NAMES = list(SURFACES)
SURFACE = {name: make() for name, make in SURFACES.items()}

# Global minimum loss from the literature; two-dip's comes from an independent root finder.
_TWO_DIP_ROOTS = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)  # d/dw1 = 4 w1^3 - 4 w1 + 0.3
MIN_LOSS = {
    "bowl": 0.0,
    "rosenbrock": 0.0,
    "himmelblau": 0.0,
    "rastrigin": 0.0,
    "ackley": 0.0,
    "camel": -1.031628453489877,
    "beale": 0.0,
    "two-dip": (_TWO_DIP_ROOTS[0] ** 2 - 1) ** 2 + 0.3 * _TWO_DIP_ROOTS[0],
}


def central_diff(s: Surface, w: np.ndarray, h: float) -> np.ndarray:
    """Gradient of s.loss by central differences, step h on each axis."""
    return np.array([(s.loss(w + h * e) - s.loss(w - h * e)) / (2 * h) for e in np.eye(2)])


def fd_hessian(s: Surface, w, h: float = 1e-5) -> np.ndarray:
    """Symmetrised Hessian from central differences of the exact gradient."""
    w = np.asarray(w, dtype=float)
    cols = [(s.grad(w + h * e) - s.grad(w - h * e)) / (2 * h) for e in np.eye(2)]
    hess = np.array(cols).T
    return 0.5 * (hess + hess.T)


def descend(s: Surface, start, lr: float, steps: int, mu: float = 0.0) -> np.ndarray:
    """Heavy-ball descent v <- mu v + g, w <- w - lr v (mu = 0 is plain gradient descent)."""
    w = np.array(start, dtype=float)
    v = np.zeros(2)
    for _ in range(steps):
        v = mu * v + s.grad(w)
        w = w - lr * v
    return w


def points_in(s: Surface):
    """Hypothesis strategy: points inside the surface's default extent."""
    x0, x1, y0, y1 = s.extent
    return st.tuples(st.floats(x0, x1), st.floats(y0, y1)).map(np.array)


# ---------------------------------------------------------------- registry and metadata


def test_registry_order_and_names():
    assert NAMES == [
        "bowl", "rosenbrock", "himmelblau", "rastrigin", "ackley",
        "camel", "beale", "saddle", "two-dip",
    ]  # fmt: skip
    for name, s in SURFACE.items():
        assert isinstance(s, Surface)
        assert s.name == name


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_sensible(name):
    s = SURFACE[name]
    assert s.description and "\n" not in s.description and len(s.description) <= 100
    x0, x1, y0, y1 = s.extent
    assert x0 < x1 and y0 < y1
    assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1
    assert s.default_lr > 0
    assert np.linalg.norm(s.grad(s.start)) > 1e-3  # the start is not a critical point
    for m in s.known_minima + s.local_minima:
        assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1
        assert math.dist(m, s.start) > 0.1


def test_surface_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SURFACE["bowl"].default_lr = 1.0


# ---------------------------------------------------------------- hand-computed values


@pytest.mark.parametrize(
    ("name", "w", "loss"),
    [
        ("bowl", (1.0, 1.0), 5.5),  # 0.5 (1 + 10)
        ("rosenbrock", (0.0, 0.0), 1.0),
        ("rosenbrock", (-1.0, 2.0), 104.0),  # 4 + 100 * 1
        ("himmelblau", (0.0, 0.0), 170.0),  # 121 + 49
        ("rastrigin", (1.0, 1.0), 2.0),  # 20 + 1 - 10 + 1 - 10
        ("rastrigin", (0.5, 0.0), 20.25),  # 20 + 0.25 + 10 - 10
        ("ackley", (0.0, 0.0), 0.0),
        ("ackley", (1.0, 0.0), 20.0 - 20.0 * math.exp(-0.2 * math.sqrt(0.5))),  # cos terms give e
        ("camel", (1.0, 1.0), 4.0 - 2.1 + 1 / 3 + 1.0),  # last term (-4 + 4) * 1 = 0
        ("beale", (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
        ("beale", (1.0, 1.0), 1.5**2 + 2.25**2 + 2.625**2),  # w1 (w2^k - 1) = 0
        ("saddle", (2.0, 3.0), -5.0),
        ("two-dip", (1.0, 1.0), 1.3),
    ],
)
def test_loss_hand_values(name, w, loss):
    assert SURFACE[name].loss(w) == pytest.approx(loss, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("name", "w", "grad"),
    [
        ("bowl", (1.0, 1.0), (1.0, 10.0)),
        ("rosenbrock", (0.0, 0.0), (-2.0, 0.0)),
        ("himmelblau", (0.0, 0.0), (-14.0, -22.0)),  # 2 * (-7), 2 * (-11)
        ("camel", (0.0, 0.0), (0.0, 0.0)),  # the origin is a saddle of the camel
        ("saddle", (1.0, 1.0), (2.0, -2.0)),
        ("two-dip", (1.0, 1.0), (0.3, 2.0)),
        ("ackley", (0.0, 0.0), (0.0, 0.0)),  # cone tip: defined as 0, not nan
    ],
)
def test_grad_hand_values(name, w, grad):
    g = SURFACE[name].grad(w)
    assert g.shape == (2,)
    np.testing.assert_allclose(g, grad, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- exact gradients


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_grad_matches_central_differences(name, data):
    s = SURFACE[name]
    w = data.draw(points_in(s))
    if name == "ackley":
        assume(np.linalg.norm(w) > 1e-2)  # the cone tip is a kink: no derivative there
    h = 1e-6 * (1.0 + np.abs(w).max())
    g = s.grad(w)
    fd = central_diff(s, w, h)
    scale = 1.0 + abs(s.loss(w)) + np.abs(g).max()
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-7 * scale)


@settings(max_examples=60, deadline=None)
@given(condition=st.floats(1.0, 1e3), w=st.tuples(st.floats(-5, 5), st.floats(-3, 3)))
def test_bowl_grad_any_condition(condition, w):
    s = bowl(condition)
    w = np.array(w)
    np.testing.assert_allclose(s.grad(w), central_diff(s, w, 1e-5), rtol=1e-6, atol=1e-6)
    assert s.loss(w) == pytest.approx(0.5 * (w[0] ** 2 + condition * w[1] ** 2))


# ---------------------------------------------------------------- minima


@pytest.mark.parametrize("name", [n for n in NAMES if n != "saddle"])
def test_known_minima_are_the_literature_global_minima(name):
    s = SURFACE[name]
    assert s.known_minima
    x0, x1, y0, y1 = s.extent
    grid_min = s.loss_grid(np.linspace(x0, x1, 401), np.linspace(y0, y1, 401)).min()
    for m in s.known_minima:
        assert s.loss(m) == pytest.approx(MIN_LOSS[name], abs=1e-9)
        assert np.linalg.norm(s.grad(m)) < 1e-4  # himmelblau's are given to 6 decimals
        assert np.all(np.linalg.eigvalsh(fd_hessian(s, m)) > 0)
        assert s.loss(m) <= grid_min + 1e-9  # nothing on a fine grid is lower


@pytest.mark.parametrize("name", ["camel", "two-dip"])
def test_local_minima_are_minima_but_not_global(name):
    s = SURFACE[name]
    assert s.local_minima
    for m in s.local_minima:
        assert np.linalg.norm(s.grad(m)) < 1e-7
        assert np.all(np.linalg.eigvalsh(fd_hessian(s, m)) > 0)
        assert s.loss(m) > MIN_LOSS[name] + 0.1


def test_camel_local_minima_literature_values():
    losses = sorted(round(SURFACE["camel"].loss(m), 6) for m in SURFACE["camel"].local_minima)
    assert losses == [-0.215464, -0.215464, 2.10425, 2.10425]


def test_two_dip_minima_match_independent_roots():
    s = SURFACE["two-dip"]
    np.testing.assert_allclose(s.known_minima[0], (_TWO_DIP_ROOTS[0], 0.0), atol=1e-9)
    np.testing.assert_allclose(s.local_minima[0], (_TWO_DIP_ROOTS[2], 0.0), atol=1e-9)


def test_saddle_has_no_minimum_and_an_indefinite_hessian():
    s = SURFACE["saddle"]
    assert s.known_minima == () and s.local_minima == ()
    np.testing.assert_array_equal(s.grad((0.0, 0.0)), [0.0, 0.0])
    np.testing.assert_allclose(np.linalg.eigvalsh(fd_hessian(s, (0.0, 0.0))), [-2.0, 2.0])
    assert s.loss((0.0, 100.0)) == -1e4  # unbounded below


def test_ackley_cone_tip_is_finite():
    s = SURFACE["ackley"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = s.grad((0.0, 0.0))
        grid = s.loss_grid(np.array([-1e-300, 0.0, 1e-300]), np.array([0.0]))
        g_arr = s.g(np.array([0.0, 1e-8]), np.array([0.0, 0.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0])
    assert np.all(np.isfinite(grid))
    assert g_arr[0][0] == 0.0 and np.isfinite(g_arr[0][1])
    # just off the tip the cone slope is 2 sqrt(2) (exp(-0.2 r) -> 1), plus the ripple's pull ~ 0
    assert np.linalg.norm(s.grad((1e-9, 0.0))) == pytest.approx(2 * math.sqrt(2), rel=1e-6)


# ---------------------------------------------------------------- grids and vectorisation


@pytest.mark.parametrize("name", NAMES)
def test_loss_grid_matches_pointwise_loop(name):
    s = SURFACE[name]
    x0, x1, y0, y1 = s.extent
    w1s = np.linspace(x0, x1, 7)
    w2s = np.linspace(y0, y1, 5)
    values = s.loss_grid(w1s, w2s)
    assert values.shape == (5, 7) and values.dtype == np.float64
    expected = [[s.loss((w1, w2)) for w1 in w1s] for w2 in w2s]
    np.testing.assert_allclose(values, expected, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_f_and_g_broadcast(name):
    s = SURFACE[name]
    w1 = np.linspace(-1.3, 1.7, 4)[np.newaxis, :]
    w2 = np.linspace(-0.9, 1.1, 3)[:, np.newaxis]
    f = s.f(w1, w2)
    d1, d2 = s.g(w1, w2)
    assert np.shape(f) == d1.shape == d2.shape == (3, 4)
    for j in range(3):
        for i in range(4):
            w = (w1[0, i], w2[j, 0])
            assert f[j, i] == pytest.approx(s.loss(w), rel=1e-13, abs=1e-13)
            np.testing.assert_allclose((d1[j, i], d2[j, i]), s.grad(w), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((2, 1)), 1.0])
def test_point_must_have_two_coordinates(bad):
    s = SURFACE["bowl"]
    with pytest.raises(ValueError, match="2 coordinates"):
        s.loss(bad)
    with pytest.raises(ValueError, match="2 coordinates"):
        s.grad(bad)


def test_loss_grid_needs_1d_axes():
    with pytest.raises(ValueError, match="1-D"):
        SURFACE["bowl"].loss_grid(np.zeros((2, 2)), np.zeros(3))


def test_overflow_gives_inf_without_warning():
    s = SURFACE["rosenbrock"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert s.loss((1e200, 1e200)) == math.inf
        assert not np.all(np.isfinite(s.grad((1e200, 1e200))))


# ---------------------------------------------------------------- bowl options


def test_bowl_condition_sets_shape_and_a_stable_lr():
    for condition in (1.0, 10.0, 100.0):
        s = bowl(condition)
        assert s.loss((0.0, 1.0)) == 0.5 * condition
        assert f"{condition:g}x" in s.description
        assert 0 < s.default_lr * condition < 2  # plain descent converges on the steep axis
    assert bowl().loss((0.0, 1.0)) == 5.0  # condition 10 by default


@pytest.mark.parametrize("condition", [0.5, 0.0, -3.0, math.nan, math.inf])
def test_bowl_rejects_bad_condition(condition):
    with pytest.raises(ValueError, match="condition"):
        bowl(condition)


# ---------------------------------------------------------------- the walks the lesson shows


@pytest.mark.parametrize("name", NAMES)
def test_default_lr_walks_visibly_and_stably(name):
    s = SURFACE[name]
    w = np.array(s.start)
    x0, x1, y0, y1 = s.extent
    width = x1 - x0
    losses = [s.loss(w)]
    for _ in range(200):
        if not (x0 <= w[0] <= x1 and y0 <= w[1] <= y1):
            break  # walked off the map (the saddle's lesson); the walk so far must be stable
        step = s.default_lr * s.grad(w)
        assert np.linalg.norm(step) < 0.5 * width  # no wild jumps
        w = w - step
        losses.append(s.loss(w))
    assert np.all(np.isfinite(losses))
    assert losses[-1] < losses[0]
    assert math.dist(w, s.start) > 0.01 * width


def test_himmelblau_descent_from_origin_reaches_3_2():
    s = SURFACE["himmelblau"]
    w = descend(s, (0.0, 0.0), s.default_lr, 1000)
    np.testing.assert_allclose(w, (3.0, 2.0), atol=1e-3)


@pytest.mark.parametrize("lr_factor", [0.5, 1.0, 1.5])
def test_two_dip_plain_descent_sticks_momentum_escapes(lr_factor):
    s = SURFACE["two-dip"]
    lr = lr_factor * s.default_lr
    plain = descend(s, s.start, lr, 500)
    heavy = descend(s, s.start, lr, 500, mu=0.9)
    np.testing.assert_allclose(plain, s.local_minima[0], atol=1e-3)
    np.testing.assert_allclose(heavy, s.known_minima[0], atol=1e-3)
