"""Find the landmarks of a loss landscape: its minima, saddles and maxima.

The grid shows roughly where they are (cells lower, or higher, than their 8 neighbours; cells
where the slope is smallest); the model's exact gradient then pins each one down, and the
Hessian (the curvature, from central differences of the gradient) says which kind it is:
both curvatures up = minimum, both down = maximum, one of each = saddle.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from losswalk.core.landscapes.landscape import LossGrid
    from losswalk.core.landscapes.models import Model

MAX_POINTS = 64  # Rastrigin in ±5.12 has 121 minima: only the lowest 64 are kept
MAX_ITER = 50  # descent steps per minimum candidate
ROOT_ITER = 20  # Newton steps per saddle / maximum candidate (it converges fast or not at all)
ESCAPE_ITER = 200  # steps allowed when following the loss off the edge of the map
ESCAPE_DISTANCE = 1e6  # ... until this many "problem sizes" away: then the bottom is "at infinity"
CRITICAL_TOL = 1e-8  # a point is critical if a Newton step would change the loss by less (relative)
UNBOUNDED_NOTE = ("the loss keeps falling toward the edge of the map: "
                  "the lowest point lies at infinity (no finite minimum)")
_NEIGHBOURS = [(dj, di) for dj in (-1, 0, 1) for di in (-1, 0, 1) if dj or di]


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes, its loss, its kind and whether it is the lowest."""

    w1: float
    w2: float
    loss: float
    kind: str  # "minimum" | "saddle" | "maximum"
    is_global: bool = False


@dataclass(frozen=True)
class MinimaReport:
    """The critical points in view: global minima, other minima by loss, saddles, maxima."""

    points: tuple[CriticalPoint, ...]
    unbounded: bool = False  # the loss keeps falling toward the edge (e.g. separable data)
    note: str = ""  # plain words when unbounded or when the lowest point is outside the map

    @property
    def global_minimum(self) -> CriticalPoint | None:
        """The first global minimum, or None (e.g. when the loss is unbounded below)."""
        return next((p for p in self.points if p.is_global), None)


def hessian(model: Model, w, h: float = 1e-5) -> np.ndarray:
    """The 2x2 matrix of second derivatives at w: central differences of model.grad, symmetrised."""
    w = np.asarray(w, dtype=float)
    columns = [(model.grad(w + h * e) - model.grad(w - h * e)) / (2 * h) for e in np.eye(2)]
    H = np.column_stack(columns)
    return 0.5 * (H + H.T)


def find_critical_points(model: Model, grid: LossGrid) -> MinimaReport:
    """Minima, saddles and maxima of `model` inside the grid's extent, seeded from the grid.

    Minima: grid cells no higher than their 8 neighbours (one per flat region), each walked
    downhill with damped Newton steps. Saddles and maxima: cells where the grid's slope is
    locally smallest, and grid maxima, refined by Newton's method on the gradient. Points that
    end outside the extent are dropped. If the lowest cell is on the edge and the loss keeps
    falling beyond it, the report is `unbounded` and no minimum is marked global. At most
    MAX_POINTS points are kept, minima first (the lowest ones).
    """
    values = np.asarray(grid.values, dtype=float)
    w1s, w2s = np.asarray(grid.w1s, dtype=float), np.asarray(grid.w2s, dtype=float)
    if values.shape != (w2s.size, w1s.size) or min(values.shape) < 2:
        raise ValueError(f"grid values have shape {values.shape}, expected "
                         f"({w2s.size}, {w1s.size}) with at least 2 points per axis")
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return MinimaReport(points=())
    view = _View(grid.extent, w1s, w2s, float(finite.max() - finite.min()))

    candidates = sorted(_grid_minima(values), key=lambda c: values[c[0], c[1]])
    unbounded, note, outside_low = False, "", np.inf
    if candidates[0][2]:  # the lowest cell is on the edge: follow the loss past it
        j, i, _ = candidates[0]
        unbounded, note, outside_low = _beyond_edge(model, np.array([w1s[i], w2s[j]]), view)
    minima: list[tuple[np.ndarray, float]] = []
    trails: list[tuple[np.ndarray, float, tuple]] = []  # (point, loss, the minimum it led to)
    for j, i, _ in candidates[: 2 * MAX_POINTS]:
        w, f, moving, path = _descend(model, np.array([w1s[i], w2s[j]]), view, MAX_ITER, True,
                                      trails)
        H = hessian(model, w)
        smooth = np.linalg.eigvalsh(H)[0] >= -view.curve_tol and _is_critical(
            model.grad(w), H, f, view)
        if view.contains(w) and (smooth or (not moving and _lowest_nearby(model, w, f, view))):
            trails += [(p, f_p, (w, f)) for p, f_p in path]
            if not np.any(_near(w, minima, view.cell)):
                minima.append((w, f))
    minima = sorted(minima, key=lambda m: m[1])[:MAX_POINTS]

    lowest = min([f for _, f in minima] + [outside_low])
    tol = 1e-8 * (view.loss_range + abs(lowest))  # equal up to refinement error
    points = [CriticalPoint(float(w[0]), float(w[1]), f, "minimum",
                            not unbounded and f <= lowest + tol) for w, f in minima]
    points.sort(key=lambda p: (not p.is_global, p.loss))
    others = _saddles_and_maxima(model, grid, view, MAX_POINTS - len(points), minima)
    return MinimaReport(tuple(points + others), unbounded, note)


class _View:
    """The map's extent and scales: cell size, loss range, tolerances for 'zero' slope and curve."""

    def __init__(self, extent, w1s: np.ndarray, w2s: np.ndarray, loss_range: float) -> None:
        self.lo = np.array([extent[0], extent[2]], dtype=float)
        self.hi = np.array([extent[1], extent[3]], dtype=float)
        self.span = float(np.max(self.hi - self.lo))
        self.centre = 0.5 * (self.lo + self.hi)
        self.cell = (self.hi - self.lo) / np.array([w1s.size - 1, w2s.size - 1])
        self.loss_range = loss_range
        self.grad_tol = 1e-6 * (loss_range + 1e-12) / self.span  # |grad| below this is zero
        self.curve_tol = 1e-6 * (loss_range + 1e-12) / self.span**2

    def contains(self, w: np.ndarray, margin: float = 1e-9) -> bool:
        """True if w lies in the extent (up to a hair of rounding)."""
        pad = margin * self.span
        return bool(np.all(w >= self.lo - pad) and np.all(w <= self.hi + pad))


def _grid_minima(values: np.ndarray) -> list[tuple[int, int, bool]]:
    """(j, i, touches_edge) for each 8-neighbour local minimum of the grid, one cell per flat
    region (the member nearest its middle); non-finite cells are ignored."""
    v = np.where(np.isfinite(values), values, np.inf)
    ny, nx = v.shape
    padded = np.pad(v, 1, constant_values=np.inf)
    lower = np.zeros(v.shape, dtype=bool)
    equal = np.zeros(v.shape, dtype=bool)
    for dj, di in _NEIGHBOURS:
        neighbour = padded[1 + dj: 1 + dj + ny, 1 + di: 1 + di + nx]
        lower |= neighbour < v
        equal |= neighbour == v
    is_min = np.isfinite(v) & ~lower

    def on_edge(j, i):
        return j in (0, ny - 1) or i in (0, nx - 1)

    found = [(int(j), int(i), on_edge(j, i)) for j, i in np.argwhere(is_min & ~equal)]
    # A flat region is a minimum only if none of its cells has a lower neighbour.
    rows, seen = v.tolist(), set()  # plain lists: the flood fill below is pure Python
    for start in map(tuple, np.argwhere(is_min & equal).tolist()):
        if start in seen:
            continue
        region, queue = [], deque([start])
        seen.add(start)
        while queue:
            j, i = queue.popleft()
            region.append((j, i))
            for dj, di in _NEIGHBOURS:
                b, a = j + dj, i + di
                if (0 <= b < ny and 0 <= a < nx and (b, a) not in seen
                        and rows[b][a] == rows[j][i]):
                    seen.add((b, a))
                    queue.append((b, a))
        if all(is_min[c] for c in region):
            cells = np.array(region)
            j, i = region[int(np.argmin(np.sum((cells - cells.mean(axis=0)) ** 2, axis=1)))]
            found.append((int(j), int(i), any(on_edge(*c) for c in region)))
    return found


def _is_critical(g: np.ndarray, H: np.ndarray, f: float, view: _View) -> bool:
    """True if a Newton step from here (on |curvature|, at most a cell long) would change the loss
    by at most CRITICAL_TOL·max(1, |f|): a critical point up to rounding, whatever the map's
    scale (a walk stopped short on a huge map has a slope that still matters)."""
    step = _newton_step(H, g, float(np.max(view.cell)))
    return bool(abs(g @ step) <= CRITICAL_TOL * max(1.0, abs(f)))  # False for nan


def _lowest_nearby(model: Model, w: np.ndarray, f: float, view: _View) -> bool:
    """True if the loss a millionth of a cell away, toward each of the 8 grid neighbours, is
    higher than f: a minimum where the slope says nothing (the tip of Ackley's cone, a cusp
    whose gradient jumps), found where the descent could no longer step lower."""
    return all(model.loss(w + 1e-6 * view.cell * np.array(d)) > f for d in _NEIGHBOURS)


def _curves_up(H: np.ndarray) -> bool:
    """True if H is clearly positive definite: a real bowl, not a flat or tilted floor."""
    lam = np.linalg.eigvalsh(H)
    return bool(lam[0] > 1e-9 * abs(lam[1]))  # False for nan


def _beyond_edge(model: Model, w: np.ndarray, view: _View) -> tuple[bool, str, float]:
    """Follow the loss downhill from the map's edge, off the map if it leads there.

    Returns (unbounded, note, loss of the minimum found outside the map or inf): unbounded if
    the walk is still falling when it stops, or ends on a floor that no longer curves up.
    "Far away" is measured by the problem, not the view (a zoomed-in map is tiny): the map's
    width, the size of the weights in view and the length of a full Newton step from here.
    """
    H = hessian(model, w)
    curved = np.all(np.isfinite(H)) and np.any(H)  # else no Newton step: no limit but the count
    newton = np.linalg.norm(_newton_step(H, model.grad(w), np.inf)) if curved else np.inf
    far = ESCAPE_DISTANCE * max(view.span, float(np.linalg.norm(view.centre)), float(newton))
    w, f, moving, _ = _descend(model, w, view, ESCAPE_ITER, stay=False, far=far)
    if view.contains(w):
        return False, "", np.inf
    if moving or not _curves_up(hessian(model, w)):
        return True, UNBOUNDED_NOTE, np.inf
    digits = max(0, 2 - int(np.floor(np.log10(np.min(view.cell)))))
    w1, w2 = np.round(w, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return False, f"the lowest point lies outside the map, near (w1, w2) = ({w1:g}, {w2:g})", f


def _descend(model: Model, w: np.ndarray, view: _View, max_iter: int, stay: bool,
             trails: Sequence[tuple[np.ndarray, float, tuple]] = (), far: float = np.inf) -> tuple:
    """Walk downhill from w by damped Newton steps on |curvature| (saddle-free Newton, which
    falls back to a gradient step where the surface is flat). Never raises the loss.

    Returns (point, loss, still_moving, path of (point, loss)); stops when no step lowers the
    loss, when the walk leaves the map by more than a cell (if stay), gets `far` from the map's
    centre, or comes within a cell of an earlier walk's trail point no higher than here (then it
    returns the minimum that walk reached: it would only retrace it).
    """
    f = model.loss(w)
    radius = 2.0 * float(np.max(view.cell))
    trail_w = np.array([p for p, _, _ in trails]).reshape(-1, 2)
    trail_f = np.array([f_p for _, f_p, _ in trails])
    path = [(w, f)]
    for _ in range(max_iter):
        retrace = np.flatnonzero(_near(w, trail_w, view.cell) & (trail_f <= f))
        if retrace.size:
            return (*trails[retrace[0]][2], False, path)
        g = model.grad(w)
        if not (np.all(np.isfinite(g)) and np.any(g)):
            return w, f, False, path
        step = _newton_step(hessian(model, w), g, radius)
        t = 1.0
        while t > 1e-10:
            trial = w + t * step
            f_trial = model.loss(trial)
            if f_trial < f:  # also False for nan
                break
            t *= 0.5
        else:
            return w, f, False, path  # nothing lower nearby: we are at the bottom
        w, f = trial, f_trial
        path.append((w, f))
        moved = t * float(np.linalg.norm(step))
        radius = 2.0 * moved if t == 1.0 else moved
        if moved < 1e-12 * view.span:
            return w, f, False, path
        if stay and not view.contains(w, margin=float(np.max(view.cell)) / view.span):
            return w, f, True, path
        if not np.isfinite(f) or np.linalg.norm(w - view.centre) > far:
            return w, f, True, path
    return w, f, True, path


def _newton_step(H: np.ndarray, g: np.ndarray, radius: float) -> np.ndarray:
    """-|H|^-1 g (curvatures taken as magnitudes so it always points downhill), at most radius
    long; a plain gradient step of length radius where the Hessian is zero or not finite."""
    lam, vec = np.linalg.eigh(H) if np.all(np.isfinite(H)) else (np.zeros(2), np.eye(2))
    size = np.abs(lam)
    flat = size.max() == 0
    step = -g if flat else -vec @ ((vec.T @ g) / np.maximum(size, 1e-8 * size.max()))
    length = math.hypot(*step)  # no underflow to 0 for tiny gradients, unlike np.linalg.norm
    return step * (radius / length) if length > radius or (flat and length > 0) else step


def _find_root(model: Model, w: np.ndarray, view: _View) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on the gradient (a root of grad L: minimum, saddle or maximum alike),
    with steps halved until |grad| shrinks; gives up beyond 8 cells from w. Returns (point,
    gradient there)."""
    g, seed = model.grad(w), w
    radius = 2.0 * float(np.max(view.cell))
    for _ in range(ROOT_ITER):
        if np.any(np.abs(w - seed) > 8 * view.cell):
            break  # wandered off: there was no root near this seed
        try:
            step = -np.linalg.solve(hessian(model, w), g)
        except np.linalg.LinAlgError:
            break
        length = float(np.linalg.norm(step))
        if not np.isfinite(length) or length < 1e-14 * view.span:
            break
        step *= min(1.0, radius / length)
        t = 1.0
        while t > 1e-6:
            g_trial = model.grad(w + t * step)
            if np.linalg.norm(g_trial) < np.linalg.norm(g):  # also False for nan
                break
            t *= 0.5
        else:
            break
        w, g = w + t * step, g_trial
    return w, g


def _saddles_and_maxima(model: Model, grid: LossGrid, view: _View, room: int,
                        minima: list) -> list[CriticalPoint]:
    """Saddles then maxima, each by loss: seeded where the grid's slope is locally smallest and
    at interior grid maxima, refined by _find_root, kept if the gradient there is ~0 and the
    point is not within a cell of one already found."""
    values = np.asarray(grid.values, dtype=float)
    ny, nx = values.shape
    d_w2, d_w1 = np.gradient(values, grid.w2s, grid.w1s)
    slope = np.hypot(d_w1, d_w2)
    seeds = sorted(_grid_minima(slope), key=lambda c: slope[c[0], c[1]])
    seeds += _grid_minima(-values)  # grid maxima
    found = list(minima)
    points = []
    for j, i, _ in seeds[: 4 * max(room, 0)]:
        if len(points) >= room:
            break
        if j in (0, ny - 1) or i in (0, nx - 1):
            continue
        w, g = _find_root(model, np.array([grid.w1s[i], grid.w2s[j]], dtype=float), view)
        if not (np.linalg.norm(g) <= view.grad_tol and view.contains(w)):
            continue
        if np.any(_near(w, found, view.cell)):
            continue
        H = hessian(model, w)
        if not _is_critical(g, H, model.loss(w), view):
            continue
        lam = np.linalg.eigvalsh(H)
        kind = ("maximum" if lam[1] < -view.curve_tol else
                "saddle" if lam[0] < -view.curve_tol and lam[1] > view.curve_tol else None)
        if kind:
            found.append((w, kind))
            points.append(CriticalPoint(float(w[0]), float(w[1]), model.loss(w), kind))
    order = {"saddle": 0, "maximum": 1}
    return sorted(points, key=lambda p: (order[p.kind], p.loss))


def _near(w: np.ndarray, points, cell: np.ndarray) -> np.ndarray:
    """Which of `points` (an (n, 2) array, or (point, anything) pairs) lie within a grid cell
    of w on both axes."""
    if not isinstance(points, np.ndarray):
        points = np.array([p for p, _ in points]).reshape(-1, 2)
    return np.all(np.abs(points - w) < cell, axis=1)
