"""Loss functions of the lesson, their gradients, and the numerically stable logit forms.

Every loss is the *mean* over examples, so landscapes of datasets of different sizes compare.
The `axis` argument takes the mean along one axis only (y broadcasts against the predictions),
which is how whole grids of weights are scored in one call.
"""

from __future__ import annotations

import numpy as np

EPS: float = 1e-12
"""Probabilities are clipped to [EPS, 1-EPS]: max per-example BCE = -log(1e-12) ~ 27.63."""


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions as float arrays of one broadcast shape; ValueError if empty."""
    y, p = np.broadcast_arrays(np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float))
    if y.size == 0:
        raise ValueError("loss of an empty set of examples is undefined")
    return y, p


def sigmoid(z) -> np.ndarray:
    """1 / (1 + e^-z), computed from e^-|z| so it never overflows (|z| up to 1e4 and beyond)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(z) -> np.ndarray:
    """log(1 + e^z) without overflow: the BCE of a logit z with label 0."""
    return np.logaddexp(0.0, np.asarray(z, dtype=float))


def binary_cross_entropy(y_true, y_pred, axis: int | None = None) -> float | np.ndarray:
    """-mean[y log p + (1-y) log(1-p)], p clipped to [EPS, 1-EPS] so p = 0 or 1 stays finite."""
    y, p = _pair(y_true, y_pred)
    p = np.clip(p, EPS, 1.0 - EPS)
    return np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p)), axis=axis)


def binary_cross_entropy_grad(y_true, y_pred) -> np.ndarray:
    """dL/dp = (p - y) / (p (1 - p)) / N, evaluated at the clipped p."""
    y, p = _pair(y_true, y_pred)
    p = np.clip(p, EPS, 1.0 - EPS)
    return (p - y) / (p * (1.0 - p)) / y.size


def binary_cross_entropy_with_logits(y_true, logits, axis: int | None = None) -> float | np.ndarray:
    """BCE of p = sigmoid(z) written as mean[softplus(z) - y z]: exact, no log(0), no overflow."""
    y, z = _pair(y_true, logits)
    return np.mean(softplus(z) - y * z, axis=axis)


def binary_cross_entropy_with_logits_grad(y_true, logits) -> np.ndarray:
    """dL/dz = (sigmoid(z) - y) / N: the famous 'prediction minus label'."""
    y, z = _pair(y_true, logits)
    return (sigmoid(z) - y) / y.size


def mean_squared_error(y_true, y_pred, axis: int | None = None) -> float | np.ndarray:
    """mean[(p - y)^2]."""
    y, p = _pair(y_true, y_pred)
    return np.mean((p - y) ** 2, axis=axis)


def mean_squared_error_grad(y_true, y_pred) -> np.ndarray:
    """dL/dp = 2 (p - y) / N."""
    y, p = _pair(y_true, y_pred)
    return 2.0 * (p - y) / y.size
