"""Analytic test surfaces: classic optimisation landscapes whose minima are known exactly.

Each surface is a formula f(w1, w2) with its exact gradient g(w1, w2), both vectorised with numpy
broadcasting so one call scores a whole grid. A `Surface` implements the Model protocol of
docs/architecture.md, so the walker, the minima finder and the map treat it like a network's loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Extent = tuple[float, float, float, float]  # (w1_min, w1_max, w2_min, w2_max), as everywhere
Point = tuple[float, float]


@dataclass(frozen=True)
class Surface:
    """A loss given by a formula: f(w1, w2) and its gradient g(w1, w2) = (df/dw1, df/dw2)."""

    name: str
    description: str
    extent: Extent
    start: Point
    default_lr: float
    known_minima: tuple[Point, ...]  # global minima (literature values)
    f: Callable
    g: Callable
    local_minima: tuple[Point, ...] = ()  # non-global minima, where the lesson needs them
    h: Callable | None = None  # (d2f/dw1^2, d2f/dw1dw2, d2f/dw2^2), where the formula is known

    def loss(self, w) -> float:
        """Loss at the point w = (w1, w2); inf or nan (no warning) when the formula overflows."""
        w1, w2 = _point(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(self.f(w1, w2))

    def grad(self, w) -> np.ndarray:
        """Exact gradient (df/dw1, df/dw2) at w, shape (2,)."""
        w1, w2 = _point(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.array(self.g(w1, w2), dtype=float)

    def hessian(self, w) -> np.ndarray | None:
        """Exact 2x2 Hessian at w, or None when the surface has no formula for it (callers then
        take finite differences of the gradient)."""
        if self.h is None:
            return None
        w1, w2 = _point(w)
        with np.errstate(over="ignore", invalid="ignore"):
            d11, d12, d22 = (float(d) for d in self.h(w1, w2))
        return np.array([[d11, d12], [d12, d22]])

    def search_key(self) -> Surface:
        """The surface as a value (see minima.search_key): itself, equal to another made from the
        same functions and numbers (the bowl's are made anew for each one, so bowls never are)."""
        return self

    def grad_many(self, W) -> np.ndarray:
        """Exact gradient at each row (w1, w2) of W, shape (k, 2), in one vectorised call."""
        W = np.asarray(W, dtype=float).reshape(-1, 2)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.column_stack(_both(*self.g(W[:, 0], W[:, 1])))

    def loss_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> np.ndarray:
        """Loss on the grid, values[j, i] = f(w1s[i], w2s[j]) (row 0 = smallest w2)."""
        return self._on_grid(self.f, w1s, w2s)[0]

    def grad_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact gradient on the grid: (df/dw1, df/dw2), each [j, i] at (w1s[i], w2s[j])."""
        return self._on_grid(self.g, w1s, w2s)

    def _on_grid(self, formula: Callable, w1s, w2s) -> tuple[np.ndarray, ...]:
        """formula's output(s) at every (w1s[i], w2s[j]), each as an array [j, i]."""
        w1s = np.asarray(w1s, dtype=float)
        w2s = np.asarray(w2s, dtype=float)
        if w1s.ndim != 1 or w2s.ndim != 1:
            raise ValueError("a grid needs two 1-D axes of w1 and w2 values")
        with np.errstate(over="ignore", invalid="ignore"):
            out = formula(w1s[np.newaxis, :], w2s[:, np.newaxis])
        parts = out if isinstance(out, tuple) else (out,)
        return tuple(np.broadcast_to(p, (w2s.size, w1s.size)).astype(float) for p in parts)


def _point(w) -> tuple[np.float64, np.float64]:
    """The two coordinates of w as numpy scalars (they overflow to inf, not OverflowError)."""
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"a point in weight space has 2 coordinates (w1, w2), got shape {w.shape}")
    return w[0], w[1]


def _both(d1, d2) -> tuple[np.ndarray, np.ndarray]:
    """The two partial derivatives broadcast to one shape (a partial may not use both inputs)."""
    d1, d2 = np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)
    return (d1, d2) if d1.shape == d2.shape else tuple(np.broadcast_arrays(d1, d2))


def bowl(condition: float = 10.0) -> Surface:
    """0.5 (w1^2 + condition w2^2): the easy case, and with a large condition a narrow valley."""
    if not (np.isfinite(condition) and condition >= 1.0):
        raise ValueError(f"bowl condition number must be a finite number >= 1, got {condition}")

    def f(w1, w2):
        return 0.5 * (w1 * w1 + condition * w2 * w2)

    def g(w1, w2):
        return _both(w1, condition * w2)

    def h(w1, w2):
        return 1.0, 0.0, condition

    # lr * condition = 1.8 < 2: stable, but the steep axis zig-zags while the flat one crawls.
    return Surface(
        name="bowl",
        description=f"Bowl: one smooth valley, {condition:g}x steeper across than along",
        extent=(-5.0, 5.0, -3.0, 3.0),
        start=(-4.0, 2.0),
        default_lr=min(0.5, 1.8 / condition),
        known_minima=((0.0, 0.0),),
        f=f,
        g=g,
        h=h,
    )


def _rosenbrock_f(w1, w2):
    return (1.0 - w1) ** 2 + 100.0 * (w2 - w1 * w1) ** 2


def _rosenbrock_g(w1, w2):
    ridge = 200.0 * (w2 - w1 * w1)
    return _both(-2.0 * (1.0 - w1) - 2.0 * w1 * ridge, ridge)


def _rosenbrock_h(w1, w2):
    return 2.0 - 400.0 * w2 + 1200.0 * w1 * w1, -400.0 * w1, 200.0


def rosenbrock() -> Surface:
    """(1 - w1)^2 + 100 (w2 - w1^2)^2: a curved banana-shaped valley, minimum at (1, 1)."""
    return Surface(
        name="rosenbrock",
        description="Rosenbrock: a long curved valley — easy to fall into, slow to walk along",
        extent=(-2.0, 2.0, -1.0, 3.0),
        start=(-1.2, 1.0),
        default_lr=1e-3,
        known_minima=((1.0, 1.0),),
        f=_rosenbrock_f,
        g=_rosenbrock_g,
        h=_rosenbrock_h,
    )


def _himmelblau_f(w1, w2):
    return (w1 * w1 + w2 - 11.0) ** 2 + (w1 + w2 * w2 - 7.0) ** 2


def _himmelblau_g(w1, w2):
    a = w1 * w1 + w2 - 11.0
    b = w1 + w2 * w2 - 7.0
    return _both(4.0 * w1 * a + 2.0 * b, 2.0 * a + 4.0 * w2 * b)


def _himmelblau_h(w1, w2):
    a = w1 * w1 + w2 - 11.0
    b = w1 + w2 * w2 - 7.0
    return 4.0 * a + 8.0 * w1 * w1 + 2.0, 4.0 * (w1 + w2), 2.0 + 4.0 * b + 8.0 * w2 * w2


def himmelblau() -> Surface:
    """(w1^2 + w2 - 11)^2 + (w1 + w2^2 - 7)^2: four global minima, all with loss 0."""
    return Surface(
        name="himmelblau",
        description="Himmelblau: four equally low valleys — which one you reach depends on "
        "where you start",
        extent=(-5.0, 5.0, -5.0, 5.0),
        start=(0.0, 0.0),
        default_lr=0.01,
        known_minima=(
            (3.0, 2.0),
            (-2.805118, 3.131312),
            (-3.779310, -3.283186),
            (3.584428, -1.848126),
        ),
        f=_himmelblau_f,
        g=_himmelblau_g,
        h=_himmelblau_h,
    )


_RASTRIGIN_A = 10.0


def _rastrigin_f(w1, w2):
    a = _RASTRIGIN_A
    return 2 * a + w1 * w1 - a * np.cos(2 * np.pi * w1) + w2 * w2 - a * np.cos(2 * np.pi * w2)


def _rastrigin_g(w1, w2):
    a = _RASTRIGIN_A
    return _both(
        2 * w1 + 2 * np.pi * a * np.sin(2 * np.pi * w1),
        2 * w2 + 2 * np.pi * a * np.sin(2 * np.pi * w2),
    )


def _rastrigin_h(w1, w2):
    a = 4 * np.pi**2 * _RASTRIGIN_A
    return 2 + a * np.cos(2 * np.pi * w1), 0.0, 2 + a * np.cos(2 * np.pi * w2)


def rastrigin() -> Surface:
    """20 + sum(w^2 - 10 cos(2 pi w)): a bowl covered in an egg-box of local minima."""
    return Surface(
        name="rastrigin",
        description="Rastrigin: a bowl covered in bumps — a dip at every whole number traps you",
        extent=(-5.12, 5.12, -5.12, 5.12),
        start=(3.3, -2.4),
        default_lr=2e-3,
        known_minima=((0.0, 0.0),),
        f=_rastrigin_f,
        g=_rastrigin_g,
        h=_rastrigin_h,
    )


def _ackley_parts(w1, w2):
    """Radius r = sqrt((w1^2 + w2^2) / 2) and the ripple term exp(mean cos(2 pi w))."""
    r = np.sqrt(0.5 * (w1 * w1 + w2 * w2))
    ripple = np.exp(0.5 * (np.cos(2 * np.pi * w1) + np.cos(2 * np.pi * w2)))
    return r, ripple


def _ackley_f(w1, w2):
    r, ripple = _ackley_parts(w1, w2)
    return 20.0 + np.e - 20.0 * np.exp(-0.2 * r) - ripple


def _ackley_g(w1, w2):
    r, ripple = _ackley_parts(w1, w2)
    # d/dw of -20 exp(-0.2 r) is 2 w exp(-0.2 r) / r; the cone tip r = 0 gets gradient 0.
    cone = np.where(r > 0, 2.0 * np.exp(-0.2 * r) / np.where(r > 0, r, 1.0), 0.0)
    return _both(
        cone * w1 + np.pi * np.sin(2 * np.pi * w1) * ripple,
        cone * w2 + np.pi * np.sin(2 * np.pi * w2) * ripple,
    )


def ackley() -> Surface:
    """Ackley: a flat, rippled plain with one deep funnel at the origin."""
    return Surface(
        name="ackley",
        description="Ackley: a bumpy plain with one deep hole in the middle — hard to find by feel",
        extent=(-5.0, 5.0, -5.0, 5.0),
        start=(2.6, -1.7),
        default_lr=0.01,
        known_minima=((0.0, 0.0),),
        f=_ackley_f,
        g=_ackley_g,
    )


def _camel_f(w1, w2):
    x2, y2 = w1 * w1, w2 * w2
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + w1 * w2 + (-4.0 + 4.0 * y2) * y2


def _camel_g(w1, w2):
    x2, y2 = w1 * w1, w2 * w2
    return _both(
        8.0 * w1 - 8.4 * x2 * w1 + 2.0 * x2 * x2 * w1 + w2,
        w1 - 8.0 * w2 + 16.0 * y2 * w2,
    )


def _camel_h(w1, w2):
    x2 = w1 * w1
    return 8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * w2 * w2


def camel() -> Surface:
    """Six-hump camel: two global minima (f = -1.0316) and four higher local ones."""
    return Surface(
        name="camel",
        description="Six-hump camel: two deepest valleys in the middle, four shallower ones "
        "at the sides",
        extent=(-2.0, 2.0, -1.2, 1.2),
        start=(-1.9, 1.1),
        default_lr=0.01,
        known_minima=((0.0898420137, -0.7126564033), (-0.0898420137, 0.7126564033)),
        f=_camel_f,
        g=_camel_g,
        h=_camel_h,
        local_minima=(
            (-1.7036067134, 0.7960835687),
            (1.7036067134, -0.7960835687),
            (-1.6071047547, -0.5686514549),
            (1.6071047547, 0.5686514549),
        ),
    )


def _beale_terms(w1, w2):
    """The three squared residuals 1.5, 2.25, 2.625 - w1 (1 - w2^k) for k = 1, 2, 3."""
    y2 = w2 * w2
    return (1.5 - w1 + w1 * w2, 2.25 - w1 + w1 * y2, 2.625 - w1 + w1 * y2 * w2), y2


def _beale_f(w1, w2):
    (a, b, c), _ = _beale_terms(w1, w2)
    return a * a + b * b + c * c


def _beale_g(w1, w2):
    (a, b, c), y2 = _beale_terms(w1, w2)
    return _both(
        2.0 * (a * (w2 - 1.0) + b * (y2 - 1.0) + c * (y2 * w2 - 1.0)),
        2.0 * w1 * (a + 2.0 * b * w2 + 3.0 * c * y2),
    )


def _beale_h(w1, w2):
    (a, b, c), y2 = _beale_terms(w1, w2)
    da, db, dc = w2 - 1.0, y2 - 1.0, y2 * w2 - 1.0  # d/dw1 of the residuals
    ea, eb, ec = w1, 2.0 * w1 * w2, 3.0 * w1 * y2  # d/dw2 of the residuals
    return (2.0 * (da * da + db * db + dc * dc),
            2.0 * (da * ea + a + db * eb + 2.0 * w2 * b + dc * ec + 3.0 * y2 * c),
            2.0 * (ea * ea + eb * eb + ec * ec + 2.0 * w1 * b + 6.0 * w1 * w2 * c))


def beale() -> Surface:
    """Beale: a flat valley floor between very steep walls, minimum at (3, 0.5)."""
    return Surface(
        name="beale",
        description="Beale: a flat valley floor between cliff-steep walls — the step size matters",
        extent=(-4.5, 4.5, -4.5, 4.5),
        start=(1.0, 1.4),
        default_lr=1e-3,
        known_minima=((3.0, 0.5),),
        f=_beale_f,
        g=_beale_g,
        h=_beale_h,
    )


def _saddle_f(w1, w2):
    return w1 * w1 - w2 * w2


def _saddle_g(w1, w2):
    return _both(2.0 * w1, -2.0 * w2)


def _saddle_h(w1, w2):
    return 2.0, 0.0, -2.0


def saddle() -> Surface:
    """w1^2 - w2^2: a horse saddle, downhill forever along w2; no minimum at all."""
    return Surface(
        name="saddle",
        description="Saddle: flat in the middle, but no bottom — the walker slowly slides off",
        extent=(-2.0, 2.0, -2.0, 2.0),
        start=(-1.8, 0.05),
        default_lr=0.05,
        known_minima=(),
        f=_saddle_f,
        g=_saddle_g,
        h=_saddle_h,
    )


_TILT = 0.3  # tips the double well: the w1 < 0 dip is deeper than the w1 > 0 one


def _two_dip_f(w1, w2):
    return (w1 * w1 - 1.0) ** 2 + _TILT * w1 + w2 * w2


def _two_dip_g(w1, w2):
    return _both(4.0 * w1 * (w1 * w1 - 1.0) + _TILT, 2.0 * w2)


def _two_dip_h(w1, w2):
    return 12.0 * w1 * w1 - 4.0, 0.0, 2.0


def two_dip() -> Surface:
    """(w1^2 - 1)^2 + 0.3 w1 + w2^2: a shallow dip at w1 ~ 0.96 beside a deeper one at -1.04.

    From `start` with `default_lr`, plain descent stops in the shallow dip; momentum (0.9)
    carries enough speed over the ridge into the deep one.
    """
    # Minima solve 4 w1^3 - 4 w1 + 0.3 = 0 (the third root, ~0.075, is the ridge between them).
    return Surface(
        name="two-dip",
        description="Two dips: a shallow one near the start and a deeper one past a ridge",
        extent=(-2.0, 2.0, -1.5, 1.5),
        start=(1.7, 1.0),
        default_lr=0.02,
        known_minima=((-1.0355787141, 0.0),),
        f=_two_dip_f,
        g=_two_dip_g,
        h=_two_dip_h,
        local_minima=((0.9601495555, 0.0),),
    )


SURFACES: dict[str, Callable[..., Surface]] = {
    "bowl": bowl,
    "rosenbrock": rosenbrock,
    "himmelblau": himmelblau,
    "rastrigin": rastrigin,
    "ackley": ackley,
    "camel": camel,
    "beale": beale,
    "saddle": saddle,
    "two-dip": two_dip,
}
"""Name -> constructor, in display order; only `bowl` takes an argument (condition=)."""
