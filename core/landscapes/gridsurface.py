"""A landscape known only on a grid (a surface file): a smooth interpolant stands in for a model.

The interpolant is shape-preserving: bicubic Hermite patches (once continuously differentiable)
whose slopes at the grid nodes are limited per axis as in PCHIP / Fritsch-Carlson (zero at a
node that is a local extremum of its row or column, and on flat stretches) and whose cross-
derivatives are the cells' bilinear twists, cut where needed. The slope limit is half of
Fritsch-Carlson's (|slope| <= 1.5 x the neighbouring secants) and the twist cut is chosen so
that every Bezier control point of every cell lies between the cell's lowest and highest corner:
by the convex-hull property the interpolant never goes below the lowest or above the highest of
its cell's four corners (no invented minima below the grid, a constant grid stays constant). It
passes through the grid points, and its gradient is exact for the interpolant, so the minima
finder's Newton steps and Hessians work on it as on a formula. Points outside the grid, and grid
cells with a corner that was never computed, have no loss: NaN, never a made-up value (missing
corners are filled by neighbour averaging only to fit the interpolant around them).
"""

from __future__ import annotations

import bisect
import math
from pathlib import Path

import numpy as np

from losswalk.core.files.surfaces import SurfaceFileError, pick_surface, read_surface_file

FILL_ITERATIONS = 500  # neighbour-averaging sweeps that fill never-computed points for the fit


def spline_curvature(nodes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Second derivatives M (same shape as values) of the natural cubic spline through
    values[k, ...] at nodes[k], along axis 0, for every column at once (Thomas algorithm)."""
    n = nodes.size
    M = np.zeros_like(values, dtype=float)
    if n < 3:
        return M
    h = np.diff(nodes)
    slope = np.diff(values, axis=0) / h.reshape(-1, *[1] * (values.ndim - 1))
    rhs = 6.0 * np.diff(slope, axis=0)  # rows 1 .. n-2
    diag = 2.0 * (h[:-1] + h[1:])
    c_prime = np.zeros(n - 2)
    d_prime = np.zeros_like(rhs)
    for k in range(n - 2):  # forward sweep: M[k] + c'[k] M[k+1] = d'[k]
        lower = h[k] if k else 0.0
        denom = diag[k] - lower * (c_prime[k - 1] if k else 0.0)
        c_prime[k] = h[k + 1] / denom if k < n - 3 else 0.0
        d_prime[k] = (rhs[k] - (lower * d_prime[k - 1] if k else 0.0)) / denom
    M[n - 2] = d_prime[n - 3]
    for k in range(n - 4, -1, -1):
        M[k + 1] = d_prime[k] - c_prime[k] * M[k + 2]
    return M


SLOPE_LIMIT = 1.5  # |node slope| <= SLOPE_LIMIT x each neighbouring secant (see the docstring)


def limited_slopes(nodes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """First derivatives (same shape as values) at nodes[k] of values[k, ...] along axis 0, for
    every column at once: the PCHIP (Fritsch-Butland weighted harmonic mean) slope, zero where
    the secants on either side differ in sign or one is zero, and at most SLOPE_LIMIT times
    either secant. At the ends: the one-sided three-point slope, limited the same way."""
    values = np.asarray(values, dtype=float)
    n = nodes.size
    D = np.zeros_like(values)
    if n < 2:
        return D
    h = np.diff(nodes).reshape(-1, *[1] * (values.ndim - 1))
    delta = np.diff(values, axis=0) / h
    if n == 2:
        return np.broadcast_to(delta[0] * 0.0, values.shape).copy()  # one interval: flat ends
    d0, d1 = delta[:-1], delta[1:]
    h0, h1 = h[:-1], h[1:]
    w0, w1 = 2.0 * h1 + h0, h1 + 2.0 * h0
    same = (d0 * d1) > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(same, (w0 + w1) / (w0 / np.where(same, d0, 1.0)
                                            + w1 / np.where(same, d1, 1.0)), 0.0)
    bound = SLOPE_LIMIT * np.minimum(np.abs(d0), np.abs(d1))
    D[1:-1] = np.clip(inner, -bound, bound)

    def end(ha, hb, da, db):
        d = ((2.0 * ha + hb) * da - ha * db) / (ha + hb)
        d = np.where(d * da > 0.0, d, 0.0)
        return np.clip(d, -SLOPE_LIMIT * np.abs(da), SLOPE_LIMIT * np.abs(da))

    D[0] = end(h[0], h[1], delta[0], delta[1])
    D[-1] = end(h[-1], h[-2], delta[-1], delta[-2])
    return D


def limited_twists(x, y, V, Dx, Dy) -> np.ndarray:
    """Cross-derivatives d2/dxdy [j, i] at the nodes: the mean of the adjacent cells' bilinear
    twists (exact on a + b x + c y + d x y), cut to the largest interval (always holding 0) in
    which every interior Bezier control point of the four cells around the node stays between
    that cell's lowest and highest corner."""
    hx, hy = np.diff(x), np.diff(y)
    cell = (V[1:, 1:] - V[1:, :-1] - V[:-1, 1:] + V[:-1, :-1]) / np.outer(hy, hx)
    ny, nx = V.shape
    total, count = np.zeros_like(V), np.zeros_like(V)
    lo, hi = np.full_like(V, -np.inf), np.full_like(V, np.inf)
    corners = np.stack([V[:-1, :-1], V[:-1, 1:], V[1:, :-1], V[1:, 1:]])
    m, M = corners.min(axis=0), corners.max(axis=0)
    k = np.outer(hy, hx) / 9.0
    for dj, sy in ((0, 1.0), (1, -1.0)):  # the node at the cell's bottom (sy=+1) or top
        for di, sx in ((0, 1.0), (1, -1.0)):
            rows, cols = slice(dj, ny - 1 + dj), slice(di, nx - 1 + di)
            total[rows, cols] += cell
            count[rows, cols] += 1.0
            base = (V[rows, cols] + sx * hx[np.newaxis, :] * Dx[rows, cols] / 3.0
                    + sy * hy[:, np.newaxis] * Dy[rows, cols] / 3.0)
            a, b = (m - base) / k, (M - base) / k
            if sx * sy < 0:
                a, b = -b, -a
            lo[rows, cols] = np.maximum(lo[rows, cols], np.minimum(a, 0.0))
            hi[rows, cols] = np.minimum(hi[rows, cols], np.maximum(b, 0.0))
    return np.clip(total / np.maximum(count, 1.0), lo, hi)


def _fill(values: np.ndarray) -> np.ndarray:
    """values with NaN points replaced by repeated averages of their grid neighbours (starting
    from the mean), so a spline can pass through them; computed points are kept exactly."""
    gaps = np.isnan(values)
    if not gaps.any():
        return values
    filled = np.where(gaps, np.nanmean(values), values)
    for _ in range(FILL_ITERATIONS):
        padded = np.pad(filled, 1, mode="edge")
        mean = 0.25 * (padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2]
                       + padded[1:-1, 2:])
        filled = np.where(gaps, mean, filled)
    return filled


def _basis(s, h):
    """Cubic-spline weights on (f_k, f_k+1, M_k, M_k+1) at s = (w - node_k) / h in [0, 1], and
    their derivatives with respect to w (the natural spline of a 1-D file)."""
    a, b = 1.0 - s, s
    h6 = h * h / 6.0
    weights = (a, b, (a**3 - a) * h6, (b**3 - b) * h6)
    slopes = (-1.0 / h, 1.0 / h, -(3 * a * a - 1) * h / 6.0, (3 * b * b - 1) * h / 6.0)
    return weights, slopes


def _hermite(s, h):
    """Cubic Hermite weights on (f_k, f_k+1, f'_k, f'_k+1) at s = (w - node_k) / h in [0, 1],
    and their derivatives with respect to w."""
    a = 1.0 - s
    weights = (a * a * (1.0 + 2.0 * s), s * s * (3.0 - 2.0 * s), h * s * a * a, -h * s * s * a)
    six = 6.0 * s * a / h
    slopes = (-six, six, a * (1.0 - 3.0 * s), s * (3.0 * s - 2.0))
    return weights, slopes


class GridSurface:
    """The Model protocol (core.landscapes.models.Model) on a grid of loss values."""

    interpolated = True

    def __init__(self, x, y, values, *, name: str, description: str) -> None:
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.values = np.asarray(values, dtype=float)
        if self.values.shape != (self.y.size, self.x.size):
            raise ValueError(f"values must have shape (len(y), len(x)), got {self.values.shape}")
        self.name, self.description = name, description
        self.extent = (float(self.x[0]), float(self.x[-1]), float(self.y[0]), float(self.y[-1]))
        self.computed = np.isfinite(self.values)
        V = _fill(self.values)
        Dx = limited_slopes(self.x, V.T).T
        Dy = limited_slopes(self.y, V)
        if self.x.size > 1 and self.y.size > 1:
            Dxy = limited_twists(self.x, self.y, V, Dx, Dy)
        else:
            Dxy = np.zeros_like(V)
        self._tables = (V, Dx, Dy, Dxy)
        # a cell is usable when its 4 corners were computed: [j, i] for the cell right/up of it
        c = self.computed
        self.cell_ok = c[:-1, :-1] & c[1:, :-1] & c[:-1, 1:] & c[1:, 1:]
        self._rows = [t.tolist() for t in self._tables]  # the scalar path reads Python floats
        self._ok_rows = self.cell_ok.tolist()
        self._xs, self._ys = self.x.tolist(), self.y.tolist()
        self._last: tuple[float, float, float, float, float] | None = None
        self.start = self._pick_start()
        # a curvature scale for the default rate: the natural spline's (as before the change)
        self.default_lr = self._pick_lr(spline_curvature(self.x, V.T).T,
                                        spline_curvature(self.y, V))

    @property
    def not_computed(self) -> int:
        """Grid points the file marks as never computed."""
        return int(np.count_nonzero(~self.computed))

    def why_no_loss(self, w) -> str | None:
        """Why there is no loss at w ("off the file's grid", "into a cell never computed"), or
        None where there is one: the walker says it instead of blaming its learning rate."""
        if math.isfinite(self.loss(w)):
            return None
        x0, x1, y0, y1 = self.extent
        inside = x0 <= float(w[0]) <= x1 and y0 <= float(w[1]) <= y1
        return "into a grid cell never computed" if inside else "off the file's grid"

    # --- the Model protocol --------------------------------------------------------------

    def loss(self, w) -> float:
        """The interpolant at w; NaN outside the grid or in a cell not computed."""
        return self._at(w)[0]

    def grad(self, w) -> np.ndarray:
        """The interpolant's exact gradient at w (NaN where it has no loss)."""
        _, g1, g2 = self._at(w)
        return np.array([g1, g2])

    def grad_many(self, W) -> np.ndarray:
        """The gradient at each row (w1, w2) of W, shape (k, 2)."""
        W = np.asarray(W, dtype=float).reshape(-1, 2)
        _, g1, g2 = self.evaluate(W[:, 0], W[:, 1], slopes=True)
        return np.column_stack([g1, g2])

    def loss_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> np.ndarray:
        """values[j, i] = interpolant at (w1s[i], w2s[j])."""
        W1, W2 = np.meshgrid(np.asarray(w1s, dtype=float), np.asarray(w2s, dtype=float))
        return self.evaluate(W1, W2)[0]

    def grad_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The interpolant's gradient on the grid: (d/dw1, d/dw2), each [j, i]."""
        W1, W2 = np.meshgrid(np.asarray(w1s, dtype=float), np.asarray(w2s, dtype=float))
        _, g1, g2 = self.evaluate(W1, W2, slopes=True)
        return g1, g2

    # --- evaluation ----------------------------------------------------------------------

    def evaluate(self, w1, w2, slopes: bool = False):
        """(loss, d/dw1, d/dw2) arrays at the points (w1, w2) (the slopes None unless asked)."""
        w1, w2 = np.broadcast_arrays(np.asarray(w1, dtype=float), np.asarray(w2, dtype=float))
        i, s, hx, in_x = _locate_1d(self.x, w1)
        j, t, hy, in_y = _locate_1d(self.y, w2)
        # on a grid line next to a cell not computed: the usable cell across it (same spline)
        for di, dj in ((1, 0), (0, 1), (1, 1)):
            move = ~self.cell_ok[j, i] & ((s == 0) | (di == 0)) & ((t == 0) | (dj == 0))
            move &= (i >= di) & (j >= dj)
            move &= self.cell_ok[np.maximum(j - dj, 0), np.maximum(i - di, 0)]
            i, j = np.where(move, i - di, i), np.where(move, j - dj, j)
            s, t = np.where(move & (di == 1), 1.0, s), np.where(move & (dj == 1), 1.0, t)
        hx, hy = self.x[i + 1] - self.x[i], self.y[j + 1] - self.y[j]
        bx, dx = _hermite(s, hx)
        by, dy = _hermite(t, hy)
        V, Mx, My, Mxy = self._tables  # values, d/dx, d/dy, d2/dxdy at the nodes
        # x-weights act on (V or My) at columns i, i+1 then (Mx or Mxy); y-weights likewise
        corner = {}
        for q, (rows, yc) in enumerate(((j, False), (j + 1, False), (j, True), (j + 1, True))):
            for p, (cols, xc) in enumerate(((i, False), (i + 1, False), (i, True), (i + 1, True))):
                table = (Mxy if yc else Mx) if xc else (My if yc else V)
                corner[q, p] = table[rows, cols]
        # as in _point: the value weights on (f_k, f_k+1) act as f_k + w (f_k+1 - f_k), so the
        # interpolant is exactly flat where a cell's corners tie
        def along(w, q, value=True):  # row group q along x; the value or (not) its slope
            return ((corner[q, 0] if value else 0.0) + w[1] * (corner[q, 1] - corner[q, 0])
                    + w[2] * corner[q, 2] + w[3] * corner[q, 3])

        def across(w, rows, value=True):  # the four row results along y
            return ((rows[0] if value else 0.0) + w[1] * (rows[1] - rows[0])
                    + w[2] * rows[2] + w[3] * rows[3])

        rows = [along(bx, q) for q in range(4)]
        loss = across(by, rows)
        ok = in_x & in_y & self.cell_ok[j, i]
        nan = np.where(ok, 0.0, np.nan)
        if not slopes:
            return loss + nan, None, None
        g1 = across(by, [along(dx, q, False) for q in range(4)])
        g2 = across(dy, rows, False)
        return loss + nan, g1 + nan, g2 + nan

    def _at(self, w) -> tuple[float, float, float]:
        """(loss, d/dw1, d/dw2) at one point in plain Python floats: a walker step stays cheap.
        The last point is remembered, since the walker asks for the loss, then the gradient."""
        try:
            w1, w2 = w
            w1, w2 = float(w1), float(w2)
        except (TypeError, ValueError):
            raise ValueError(f"a point in weight space has 2 coordinates (w1, w2), got shape "
                             f"{np.shape(w)}") from None
        last = self._last
        if last is not None and last[0] == w1 and last[1] == w2:
            return last[2:]
        result = self._point(w1, w2)
        self._last = (w1, w2, *result)
        return result

    def _point(self, w1: float, w2: float) -> tuple[float, float, float]:
        xs, ys = self._xs, self._ys
        if not (xs[0] <= w1 <= xs[-1] and ys[0] <= w2 <= ys[-1]):
            return math.nan, math.nan, math.nan
        i = min(bisect.bisect_right(xs, w1) - 1, len(xs) - 2)
        j = min(bisect.bisect_right(ys, w2) - 1, len(ys) - 2)
        hx, hy = xs[i + 1] - xs[i], ys[j + 1] - ys[j]
        bx, by = (w1 - xs[i]) / hx, (w2 - ys[j]) / hy
        if not self._ok_rows[j][i]:  # on a grid line: the usable cell across it, if any
            ok = self._ok_rows
            for di, dj in ((1, 0), (0, 1), (1, 1)):
                if ((bx == 0.0 and i >= 1) or not di) and ((by == 0.0 and j >= 1) or not dj) \
                        and ok[j - dj][i - di]:
                    i, j = i - di, j - dj
                    bx, by = (1.0 if di else bx), (1.0 if dj else by)
                    break
            else:
                return math.nan, math.nan, math.nan
            hx, hy = xs[i + 1] - xs[i], ys[j + 1] - ys[j]
        ax, ay = 1.0 - bx, 1.0 - by  # _hermite, written out for speed
        # written as f_k + w1 (f_k+1 - f_k): exactly flat where the corners tie (no rounding
        # ripples for the minima finder to read as minima)
        wx1, wy1 = bx * bx * (3.0 - 2.0 * bx), by * by * (3.0 - 2.0 * by)
        cx, ex = hx * bx * ax * ax, -hx * bx * bx * ax
        cy, ey = hy * by * ay * ay, -hy * by * by * ay
        dbx, dby = 6.0 * bx * ax / hx, 6.0 * by * ay / hy
        dcx, dex = ax * (1.0 - 3.0 * bx), bx * (3.0 * bx - 2.0)
        dcy, dey = ay * (1.0 - 3.0 * by), by * (3.0 * by - 2.0)
        V, Mx, My, Mxy = self._rows
        v0, v1, m0, m1 = V[j], V[j + 1], My[j], My[j + 1]
        x0, x1, n0, n1 = Mx[j], Mx[j + 1], Mxy[j], Mxy[j + 1]
        # along x at rows j, j+1 (values and their y-slopes), then along y
        rows = []
        for vals, curv in ((v0, x0), (v1, x1), (m0, n0), (m1, n1)):
            a, b, c, e = vals[i], vals[i + 1], curv[i], curv[i + 1]
            rows.append((a + wx1 * (b - a) + cx * c + ex * e, dbx * (b - a) + dcx * c + dex * e))
        (f0, g0), (f1, g1), (k0, l0), (k1, l1) = rows
        loss = f0 + wy1 * (f1 - f0) + cy * k0 + ey * k1
        d1 = g0 + wy1 * (g1 - g0) + cy * l0 + ey * l1
        d2 = dby * (f1 - f0) + dcy * k0 + dey * k1
        return loss, d1, d2

    # --- defaults ------------------------------------------------------------------------

    def _pick_start(self) -> tuple[float, float]:
        """A quarter of the way in from the top-left corner (as the data landscapes start), or
        the computed grid point nearest it."""
        x0, x1, y0, y1 = self.extent
        want = (x0 + 0.25 * (x1 - x0), y1 - 0.25 * (y1 - y0))
        if math.isfinite(self.loss(want)):
            return want
        jj, ii = np.nonzero(np.pad(self.cell_ok, ((0, 1), (0, 1))))
        if ii.size == 0:
            raise SurfaceFileError(f"{self.name}: no grid cell has all four corners computed")
        k = int(np.argmin(np.hypot((self.x[ii] - want[0]) / (x1 - x0),
                                   (self.y[jj] - want[1]) / (y1 - y0))))
        return float(self.x[ii[k]]), float(self.y[jj[k]])

    def _pick_lr(self, Mx: np.ndarray, My: np.ndarray) -> float:
        """A readable learning rate about 1 / the steepest curvature on the grid (a stable
        gradient-descent step), or a tenth of the span when the grid is flat."""
        curvature = float(np.max(np.abs(np.concatenate([Mx.ravel(), My.ravel()]))))
        span = min(self.x[-1] - self.x[0], self.y[-1] - self.y[0])
        if not curvature > 0:
            return _nice_below(0.1 * span)
        return _nice_below(1.0 / curvature)


def _nice_below(x: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is <= x."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m * power for m in (1.0, 2.0, 5.0) if m * power <= x)


def load_surface(path: str, surface: str | None = None) -> GridSurface:
    """The surface `surface` (default train_loss, or the file's only one) of a surface file as a
    model. A 1-D file is refused here (it has no second weight to walk)."""
    data = read_surface_file(path)
    chosen, values = pick_surface(data, path, surface)
    if data.one_d:
        raise SurfaceFileError(f"{path}: a 1-D surface (no ycoordinates) has no second weight "
                               "to walk; open, info and render show it as a line")
    file_name = Path(path).name
    gaps = int(np.count_nonzero(np.isnan(values)))
    gap_note = f"; {gaps} not computed (?)" if gaps else ""
    description = (f"{chosen}, {data.x.size}x{data.y.size} grid, spline between "
                   f"points{gap_note}")
    return GridSurface(data.x, data.y, values, name=file_name, description=description)


# ----------------------------------------------------------------------------- 1-D files


class LineSurface:
    """A 1-D surface file (loss along one direction): the natural cubic spline through it, and
    its critical points, exact (the spline's slope is a quadratic on each interval)."""

    def __init__(self, x, values, *, name: str, description: str) -> None:
        self.x, self.values = np.asarray(x, dtype=float), np.asarray(values, dtype=float)
        self.name, self.description = name, description
        self.extent = (float(self.x[0]), float(self.x[-1]))
        self._fit = _fill(self.values[np.newaxis, :])[0]
        self._curv = spline_curvature(self.x, self._fit)
        finite = np.isfinite(self.values)
        self.segment_ok = finite[:-1] & finite[1:]

    def loss(self, xs) -> np.ndarray:
        """The spline at xs; NaN outside the line or on an interval with an end not computed."""
        xs = np.asarray(xs, dtype=float)
        k, s, h, inside = _locate_1d(self.x, xs)
        ok = self.segment_ok
        across = ~ok[k] & (s == 0) & (k > 0) & ok[np.maximum(k - 1, 0)]  # a node by a gap
        k, s = np.where(across, k - 1, k), np.where(across, 1.0, s)
        h = self.x[k + 1] - self.x[k]
        (a, b, c, d), _ = _basis(s, h)
        f, M = self._fit, self._curv
        value = a * f[k] + b * f[k + 1] + c * M[k] + d * M[k + 1]
        return np.where(inside & self.segment_ok[k], value, np.nan)

    def critical_points(self) -> list[tuple[float, float, str]]:
        """(x, loss, kind) where the spline's slope is zero, kind "minimum" or "maximum"
        (by the sign of its curvature there), in x order; inflections are left out."""
        found: list[tuple[float, float, str]] = []
        f, M, x = self._fit, self._curv, self.x
        for k in np.flatnonzero(self.segment_ok).tolist():
            h = x[k + 1] - x[k]
            # dS/ds = A s^2 + B s + C on s in [0, 1] (see _basis)
            A, B = h * h * (M[k + 1] - M[k]) / 2.0, h * h * M[k]
            C = f[k + 1] - f[k] - h * h * (2.0 * M[k] + M[k + 1]) / 6.0
            for s in _quadratic_roots(A, B, C):
                curvature = (1.0 - s) * M[k] + s * M[k + 1]
                if curvature == 0.0 or not 0.0 <= s <= 1.0:
                    continue
                w = float(x[k] + s * h)
                if found and abs(w - found[-1][0]) <= 1e-12 * max(1.0, abs(w)):
                    continue  # a root on a node, seen from both intervals
                found.append((w, float(self.loss(w)), "minimum" if curvature > 0 else "maximum"))
        return found


def _locate_1d(nodes: np.ndarray, w: np.ndarray):
    """Interval k of each w (nodes[k] <= w <= nodes[k+1]), s in [0, 1], its width, inside."""
    k = np.clip(np.searchsorted(nodes, w, side="right") - 1, 0, nodes.size - 2)
    h = nodes[k + 1] - nodes[k]
    inside = (w >= nodes[0]) & (w <= nodes[-1])
    return k, np.clip((w - nodes[k]) / h, 0.0, 1.0), h, inside


def _quadratic_roots(A: float, B: float, C: float) -> list[float]:
    """Real roots of A s^2 + B s + C (the linear or constant case too; none if identically 0)."""
    scale = max(abs(A), abs(B), abs(C))
    if scale == 0.0:
        return []
    if abs(A) <= 1e-14 * scale:
        return [] if B == 0.0 else [-C / B]
    disc = B * B - 4.0 * A * C
    if disc < 0.0:
        return []
    q = -0.5 * (B + math.copysign(math.sqrt(disc), B))  # no cancellation
    roots = [q / A] + ([C / q] if q != 0.0 else [])
    return sorted(roots)


def load_line(path: str, surface: str | None = None) -> LineSurface:
    """The 1-D surface `surface` of a file (SurfaceFileError if the file is 2-D)."""
    data = read_surface_file(path)
    chosen, values = pick_surface(data, path, surface)
    if not data.one_d:
        raise SurfaceFileError(f"{path}: a 2-D surface, not a line")
    gaps = int(np.count_nonzero(np.isnan(values)))
    gap_note = f"; {gaps} not computed" if gaps else ""
    description = f"{chosen}, {data.x.size} points along a line{gap_note}"
    return LineSurface(data.x, values, name=Path(path).name, description=description)


def is_line_file(path: str) -> bool:
    """True if `path` is a readable 1-D surface file (a quick look: no error is raised here;
    reading it properly reports any)."""
    try:
        return read_surface_file(path).one_d
    except (SurfaceFileError, OSError):
        return False
