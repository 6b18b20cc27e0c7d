"""Logistic-regression loss on a whole grid of weights (w1, w2), fast and exact.

On a grid the logit z = w1·x1 + w2·x2 + b is separable, so e^z = e^(w1 x1) · e^(w2 x2 + b) is an
outer product of two per-axis exponentials u (over w1s) and v (over w2s). Then

    sum_n softplus(z_n) = log prod_n (1 + u_n v_n)    and for a pair of examples
    (1 + u1 v1)(1 + u2 v2) = [1, u1, u2, u1 u2] · [1, v1, v2, v1 v2]

is a rank-4 matrix product that BLAS does for us. Products of pairs are multiplied until they
might overflow, then one log is taken. The BCE term sum_n y_n z_n is linear in (w1, w2), so it
costs nothing. MSE needs sigmoid(z) = 1 / (1 + e^-z) per example: a rank-2 product and a divide.
Where a product could overflow (huge |z|) the affected cells are recomputed with the exact stable
formula, so every value is the float64 loss to ~1e-13.
"""

from __future__ import annotations

import numpy as np

from losswalk.core.landscapes.losses import sigmoid, softplus

LOSSES = ("bce", "mse")
_GROUP = {"bce": 2, "mse": 1}  # examples per factor matrix: rank 2**k
_WORK_BYTES = 2**21  # one stack of (groups, rows, nx) products: about cache-sized


def logistic_loss_grid(X, y, w1s, w2s, *, loss: str = "bce", l2: float = 0.0, bias: float = 0.0,
                       max_bytes: int = 64 * 2**20, dtype=np.float64) -> np.ndarray:
    """values[j, i] = mean loss of sigmoid(w1s[i] x1 + w2s[j] x2 + bias) + l2/2 (w1² + w2²).

    loss "bce" (cross-entropy from logits) or "mse" (on the probability). Working memory stays
    near max_bytes whatever N and grid size. dtype=np.float32 computes the products in single
    precision (faster, ~1e-6 relative); the result is float64 either way.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w1s, w2s = np.asarray(w1s, dtype=float), np.asarray(w2s, dtype=float)
    dtype = np.dtype(dtype)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),) or len(X) == 0:
        raise ValueError(f"need X of shape (N, 2) and y of shape (N,) with N >= 1, "
                         f"got {X.shape} and {y.shape}")
    if w1s.ndim != 1 or w2s.ndim != 1:
        raise ValueError("w1s and w2s must be 1-D arrays of weights")
    if not all(np.isfinite(a).all() for a in (X, y, w1s, w2s, bias, l2)):
        raise ValueError("X, y, weights, bias and l2 must be finite")
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    nx, ny, n = len(w1s), len(w2s), len(y)
    total = np.zeros((ny, nx))
    if total.size == 0:
        return total
    # a chunk of examples holds ~6 arrays of (examples, nx + ny) floats
    chunk = max(2, int(max_bytes) // (2 * 6 * 8 * (nx + ny)))
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for s in range(0, n, chunk):
            _add_sum_over_examples(total, X[s:s + chunk], y[s:s + chunk], w1s, w2s, loss, bias,
                                   dtype, max_bytes // 2)
    if loss == "bce":  # subtract sum_n y_n z_n, linear on the grid
        sy = y @ X
        total -= np.add.outer(w2s * sy[1] + bias * y.sum(), w1s * sy[0])
    total /= n
    # softplus(z) - y z >= 0, but for huge |z| the two sums cancel and rounding can leave a
    # tiny negative: clip so a saturated valley floor reads as the 0 it is.
    np.maximum(total, 0.0, out=total)
    if l2:
        total += 0.5 * l2 * np.add.outer(w2s**2, w1s**2)
    return total


def _add_sum_over_examples(total, X, y, w1s, w2s, loss, bias, dtype, max_bytes) -> None:
    """Add to total the sum over these examples of softplus(z) (bce) or (sigmoid(z) - y)² (mse)."""
    bce = loss == "bce"
    sign = 1.0 if bce else -1.0  # factors 1 + e^z (bce) or 1 + e^-z (mse)
    U, V, budget, members = _factors(sign * X, w1s, w2s, sign * bias, _GROUP[loss], dtype)
    limit = np.log(np.finfo(dtype).max) - 20.0  # products stay below e^limit, far from overflow
    big = np.exp(limit)
    ny, nx = total.shape
    work = min(_WORK_BYTES, max_bytes) // dtype.itemsize  # floats in one stack of products
    rows = int(np.clip(work // nx, 1, ny))
    rows = -(-ny // -(-ny // rows))  # blocks of equal size
    # bce multiplies the products of a segment before one log, so its total budget is limited
    segments = list(_segments(budget, limit, max(1, work // (rows * nx)), cumulative=bce))
    for j in range(0, ny, rows):
        block = slice(j, j + rows)
        for seg in segments:
            T = np.matmul(V[seg, :, block].transpose(0, 2, 1), U[seg])  # prod of (1 + e^±z)
            bad = None
            if budget[seg.start] > limit:  # alone in its segment, may overflow somewhere
                bad = ~(T[0] <= big)  # inf, nan (0·inf) or too big: recompute those cells
                T[0][bad] = 1.0
            if bce:
                part = np.log(np.multiply.reduce(T, axis=0))
            else:
                np.reciprocal(T, out=T)  # sigmoid(z) = 1 / (1 + e^-z)
                T -= y[members[seg, 0], None, None]
                np.square(T, out=T)
                part = np.add.reduce(T, axis=0)
            if bad is not None and bad.any():
                part[bad] = _exact(X, y, members[seg.start], w1s, w2s[block], bias, bad, bce)
            total[block] += part


def _exact(X, y, members, w1s, w2s, bias, cells, bce) -> np.ndarray:
    """The stable per-example formula summed over these examples at the masked grid cells."""
    ex = members[members >= 0]
    jj, ii = np.nonzero(cells)
    z = np.multiply.outer(X[ex, 0], w1s[ii]) + np.multiply.outer(X[ex, 1], w2s[jj]) + bias
    per_example = softplus(z) if bce else (sigmoid(z) - y[ex][:, None]) ** 2
    return per_example.sum(axis=0)


def _factors(X, w1s, w2s, offset, k, dtype):
    """Factor matrices with V[g].T @ U[g] = prod over the k examples of group g of (1 + e^t),
    t = x1 w1 + x2 w2 + offset; also each group's log bound on that product and its examples.

    U: (groups, 2**k, nx) products of u over every subset of the group; V likewise over w2s.
    Examples are sorted by bound so groups (and segments of groups) of similar size form.
    """
    x1, x2 = X[:, 0], X[:, 1]
    amax = np.maximum(x1 * w1s.min(), x1 * w1s.max())  # t is linear: extremes at the edges
    bmax = np.maximum(x2 * w2s.min(), x2 * w2s.max()) + offset
    bound = np.log(2.0) + np.maximum(amax + bmax, 0.0)  # log(1 + e^t) <= bound on the grid
    pad = -len(x1) % k
    members = np.r_[np.argsort(bound), np.full(pad, -1)].reshape(-1, k)  # -1: padding
    shift = 0.5 * (amax - bmax)[members][..., None]  # both exponentials peak at e^(max t / 2)
    u = np.exp(np.multiply.outer(x1[members], w1s) - shift, dtype=dtype)
    v = np.exp(np.multiply.outer(x2[members], w2s) + offset + shift, dtype=dtype)
    u[members < 0] = v[members < 0] = 0.0  # padding contributes the factor 1
    U = np.empty((len(members), 2**k, len(w1s)), dtype)
    V = np.empty((len(members), 2**k, len(w2s)), dtype)
    U[:, 0] = V[:, 0] = 1.0
    for m in range(k):  # subsets without example m, then the same ones with it
        np.multiply(U[:, :2**m], u[:, m:m + 1], out=U[:, 2**m:2**(m + 1)])
        np.multiply(V[:, :2**m], v[:, m:m + 1], out=V[:, 2**m:2**(m + 1)])
    budget = np.where(members >= 0, bound[members], 0.0).sum(axis=1)
    return U, V, budget, members


def _segments(budget, limit, max_len, cumulative):
    """Runs of at most max_len consecutive groups, a group over the limit on its own; if
    cumulative, also total budget within the limit so their product cannot overflow."""
    start, total = 0, 0.0
    for g, b in enumerate(budget):
        if g > start and (g - start == max_len or b > limit or budget[g - 1] > limit
                          or (cumulative and total + b > limit)):
            yield slice(start, g)
            start, total = g, 0.0
        total += b
    yield slice(start, len(budget))
