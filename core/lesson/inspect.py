"""Looking at the data behind a point on the landscape: which examples the weights get wrong,
what they cost, and where the line the model draws through the data lies.

The loss at a point is the mean of one loss per example; here those per-example losses are kept
apart, so the costliest examples can be shown next to the map.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from losswalk.core.landscapes.losses import sigmoid, softplus
from losswalk.core.landscapes.models import LogisticModel, ModelError, TinyNet
from losswalk.core.memo import last_result

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

NO_DATA = "this landscape has no data"
FLAT_WEIGHTS = 1e-12  # |w| below this: no decision boundary (the model ignores the inputs)


class Example(NamedTuple):
    """One training example and how the model at w does on it (x2 is None for 1-D data)."""

    index: int
    x1: float
    x2: float | None
    y: float
    p: float
    loss: float


def logits(model: Model, w, X: np.ndarray | None = None) -> np.ndarray:
    """z for each row of X (default: the model's own examples), by the model's own formula."""
    w = np.asarray(w, dtype=float)
    if not hasattr(model, "dataset"):
        raise ModelError(f"{NO_DATA}: {model.name!r} is an analytic surface")
    X = model.dataset.X if X is None else np.atleast_2d(np.asarray(X, dtype=float))
    with np.errstate(all="ignore"):
        if isinstance(model, LogisticModel):
            return X @ w + model.bias  # p = sigmoid(w1 x1 + w2 x2 + bias)
        if isinstance(model, TinyNet):
            return w[1] * np.tanh(w[0] * X[:, 0])  # p = sigmoid(w2 tanh(w1 x))
    raise ModelError(f"no per-example view for the {model.name!r} landscape")


def predictions(model: Model, w) -> np.ndarray:
    """p = sigmoid(z), the model's probability of label 1 for each example, shape (N,)."""
    return sigmoid(logits(model, w))


def per_example_losses(model: Model, w) -> np.ndarray:
    """Loss of each example, shape (N,); their mean is model.loss(w) without the l2 term.

    BCE is softplus(z) - y z (= -log p or -log(1 - p), exact from the logit); MSE is (p - y)^2.
    """
    z, y = logits(model, w), model.dataset.y
    with np.errstate(all="ignore"):
        if model.loss_kind == "bce":
            return softplus(z) - y * z
        return (sigmoid(z) - y) ** 2


def accuracy(model: Model, w) -> float:
    """Fraction of examples on the right side: predicted label 1 when p > 0.5 (nan if w is nan)."""
    z = logits(model, w)
    if np.isnan(z).any():
        return math.nan
    return float(np.mean((z > 0) == (model.dataset.y == 1.0)))


def costliest(model: Model, w, k: int = 3) -> list[Example]:
    """The k examples with the largest loss at w, costliest first (ties: lower index first)."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    losses = per_example_losses(model, w)
    p = predictions(model, w)
    X, y = model.dataset.X, model.dataset.y
    candidates = np.flatnonzero(np.isfinite(losses))
    if 0 < k < candidates.size:  # only the k largest (and their ties) need sorting: 1M rows fast
        kth = np.partition(losses[candidates], candidates.size - k)[candidates.size - k]
        candidates = candidates[losses[candidates] >= kth]
    order = candidates[np.argsort(-losses[candidates], kind="stable")][:k]
    return [Example(int(i), float(X[i, 0]), float(X[i, 1]) if X.shape[1] > 1 else None,
                    float(y[i]), float(p[i]), float(losses[i])) for i in order]


@last_result
def data_summary(model: Model, w, k: int = 3) -> tuple[float, list[Example]]:
    """(accuracy, the k costliest examples) at w, remembered for the last model and point: on big
    data the app computes them in a worker and the data view then reads them at once."""
    return accuracy(model, w), costliest(model, w, k)


Segment = tuple[tuple[float, float], tuple[float, float]]


def decision_boundary(w1: float, w2: float, bias: float, xlim: tuple[float, float],
                      ylim: tuple[float, float]) -> Segment | None:
    """The part of the line w1 x1 + w2 x2 + bias = 0 (where p = 0.5) inside the box xlim x ylim.

    None when the line misses the box, or when w is about 0: then p is the same everywhere and
    there is no boundary. Clipping is Liang-Barsky on the line through the point nearest the origin.
    """
    norm = math.hypot(w1, w2)
    if not (norm > FLAT_WEIGHTS and math.isfinite(norm) and math.isfinite(bias)):
        return None
    n = np.array([w1, w2]) / norm
    origin = -bias / norm * n  # the point of the line nearest (0, 0)
    along = np.array([-n[1], n[0]])
    t_lo, t_hi = -math.inf, math.inf
    for o, d, (lo, hi) in zip(origin, along, (xlim, ylim), strict=True):
        if abs(d) < 1e-15:  # parallel to this axis: inside the slab or nowhere
            if not lo <= o <= hi:
                return None
            continue
        a, b = sorted(((lo - o) / d, (hi - o) / d))
        t_lo, t_hi = max(t_lo, a), min(t_hi, b)
    if not t_lo <= t_hi:
        return None
    ends = [np.clip(origin + t * along, (xlim[0], ylim[0]), (xlim[1], ylim[1]))
            for t in (t_lo, t_hi)]  # clip only trims rounding: the ends are on the box edge
    (xa, ya), (xb, yb) = ends
    return (float(xa), float(ya)), (float(xb), float(yb))
