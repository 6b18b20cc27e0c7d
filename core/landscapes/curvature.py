"""Curvature at a point: the 2x2 Hessian, its eigen-directions, and what they mean for a walk.

The Hessian comes from the model's own formula where it has one (`model.hessian(w)`: the analytic
surfaces, logistic regression), else from central differences of the exact gradient. Its
eigenvalues are the curvatures along its two eigenvectors: both up is minimum-shaped, both down
maximum-shaped, one of each a saddle. On a quadratic with largest curvature λmax, plain gradient
descent settles only when lr < 2/λmax (each step multiplies the error along that axis by
1 - lr λmax): the stability limit the panel shows beside the learning rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.landscapes.minima import hessian as finite_difference_hessian

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

FD_STEP = 1e-5  # finite-difference step, as a fraction of the landscape's span (or of |w|)
FLAT = 1e-9  # an eigenvalue this small relative to the larger one is zero: a flat direction
SLICE_NOTE = "random slices look flatter than the sharpest direction of the full network"


@dataclass(frozen=True)
class Curvature:
    """The Hessian at (w1, w2), its eigenvalues (largest first) and unit eigenvectors (rows)."""

    w1: float
    w2: float
    hessian: np.ndarray  # 2x2, symmetric
    eigenvalues: np.ndarray  # (λ1, λ2) with λ1 >= λ2
    eigenvectors: np.ndarray  # rows: the direction of λ1, then of λ2
    source: str  # "analytic" or "finite differences"
    full_top: float | None = None  # top eigenvalue of the full network's Hessian (MLP slices)

    @property
    def finite(self) -> bool:
        """False where the Hessian overflowed (far out): nothing below is meaningful then."""
        return bool(np.all(np.isfinite(self.hessian)))

    @property
    def kind(self) -> str:
        """minimum, maximum or saddle by the signs of the curvatures; flat when one is zero."""
        if not self.finite:
            return "unknown"
        big = float(np.max(np.abs(self.eigenvalues)))
        top, low = self.eigenvalues
        if big == 0 or min(abs(top), abs(low)) <= FLAT * big:
            return "flat"
        if low > 0:
            return "minimum"
        return "maximum" if top < 0 else "saddle"

    @property
    def condition(self) -> float:
        """|λ|max / |λ|min: how much steeper the steepest direction curves than the flattest
        (inf when one curvature is zero)."""
        sizes = np.abs(self.eigenvalues)
        low, high = float(np.min(sizes)), float(np.max(sizes))
        if high == 0:
            return 1.0
        return math.inf if low == 0 else high / low

    @property
    def stability_limit(self) -> float:
        """2/λmax: the largest learning rate at which plain descent does not blow up along the
        steepest upward curvature here (inf when nothing curves up)."""
        top = float(self.eigenvalues[0])
        return 2.0 / top if top > 0 else math.inf

    def diverges_at(self, lr: float) -> bool:
        """True when plain descent with this learning rate overshoots more each step here."""
        return lr > self.stability_limit


def hessian_at(model: Model, w) -> tuple[np.ndarray, str]:
    """(H, source): the model's analytic Hessian if it has one, else central differences of its
    gradient with a step of FD_STEP times the landscape's span (or |w| far out)."""
    w = np.asarray(w, dtype=float)
    analytic = getattr(model, "hessian", None)
    H = analytic(w) if analytic is not None else None
    if H is not None:
        return np.asarray(H, dtype=float), "analytic"
    x0, x1, y0, y1 = model.extent
    h = FD_STEP * max(x1 - x0, y1 - y0, float(np.max(np.abs(w))))
    with np.errstate(all="ignore"):
        return finite_difference_hessian(model, w, h), "finite differences"


def curvature_at(model: Model, w, full_top: float | None = None) -> Curvature:
    """The curvature of model's loss at w (full_top: the full network's top eigenvalue, shown
    beside a slice's)."""
    H, source = hessian_at(model, w)
    H = 0.5 * (H + H.T)
    if np.all(np.isfinite(H)):
        values, vectors = np.linalg.eigh(H)  # ascending, columns
        values, vectors = values[::-1], vectors[:, ::-1].T
        vectors = vectors * np.where(vectors[:, :1] < 0, -1.0, 1.0)  # w1 part >= 0: stable signs
    else:
        values, vectors = np.full(2, np.nan), np.full((2, 2), np.nan)
    return Curvature(float(w[0]), float(w[1]), H, values, vectors, source, full_top)


def full_top_eigenvalue(model: Model) -> float | None:
    """The full network's top Hessian eigenvalue, for slice landscapes that can compute it
    (`model.full_hessian_top_eigenvalue()`); None for every other model."""
    compute = getattr(model, "full_hessian_top_eigenvalue", None)
    return None if compute is None else float(compute())
