"""Find the landmarks of a loss landscape: its minima, saddles and maxima, and its global minimum.

They belong to the landscape, never to the screen. A search grid whose cells come from the
landscape's own default view (not from the map's size) shows roughly where they are: cells lower
than their 8 neighbours, and cells where both slopes change sign. The model's exact gradient then
pins each one down, and the Hessian (the curvature, from central differences of the gradient)
says which kind it is: both curvatures up = minimum, both down = maximum, one of each = saddle.
The global minimum is the lowest minimum of the landscape's default view, of the view asked
about and of where the loss leads past the default view's edge, whether or not it is in view.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import Counter, deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.landscapes.landscape import evaluate, validate_extent

if TYPE_CHECKING:
    from losswalk.core.landscapes.landscape import LossGrid
    from losswalk.core.landscapes.models import Extent, Model

SEARCH_CELLS = 128  # the search grid cuts the landscape's default view into this many cells a side
MIN_VIEW_CELLS = 64  # ... and a view reaching outside the default one into at least this many
SEARCH_PAIRS = 40_000_000  # data landscapes: fewer cells if examples x cells would exceed this
MIN_SEARCH_CELLS = 32  # ... but never fewer than this
CACHED_SEARCHES = 8  # searches kept per landscape (views revisited by zoom and pan)
SEARCH_EXAMPLES = 10_000  # data landscapes with more examples are searched on a fixed sample of
# this many, and every point found is then refined by Newton's method on all of them
REFINE_ITER = 8  # Newton steps on all the examples from a point found on the sample
MAX_POINTS = 64  # points a map marks (see MinimaReport.limited)
MAX_ITER = 50  # descent steps per minimum candidate
ROOT_ITER = 20  # Newton steps per root seed (it converges fast or not at all)
POLISH_ITER = 3  # Newton steps on the gradient after a descent, to refine a minimum to rounding
ESCAPE_ITER = 200  # steps allowed when following the loss off the edge of the default view
ESCAPE_DISTANCE = 1e6  # ... until this many "problem sizes" away: then the bottom is "at infinity"
CRITICAL_TOL = 1e-8  # a point is critical if a Newton step would change the loss by less (relative)
TIE_TOL = 1e-8  # minima whose losses differ by less (relative to the loss scale) are equally low
ZERO_TOL = 1e-12  # a loss or coordinate this small relative to the landscape's scale is zero
SAME_POINT = 0.01  # Newton's method found the same point twice if it is this close (in cells)
HESSIAN_STEP = 1e-6  # finite-difference step, relative to the landscape's size or |w|
UNBOUNDED_NOTE = ("the loss keeps falling toward the edge of the map: "
                  "the lowest point lies at infinity (no finite minimum)")
KINDS = ("minimum", "saddle", "maximum")
_NEIGHBOURS = [(dj, di) for dj in (-1, 0, 1) for di in (-1, 0, 1) if dj or di]


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes, its loss, its kind; whether it is a global minimum of
    the landscape, and whether it is the lowest minimum in the view (not the same thing)."""

    w1: float
    w2: float
    loss: float
    kind: str  # "minimum" | "saddle" | "maximum"
    is_global: bool = False
    lowest_in_view: bool = False


@dataclass(frozen=True)
class MinimaReport:
    """The critical points in a view (global minima, other minima by loss, saddles, maxima), and
    the landscape's global minima wherever they are."""

    points: tuple[CriticalPoint, ...]
    unbounded: bool = False  # the loss keeps falling toward infinity (e.g. separable data)
    note: str = ""  # plain words: unbounded, or where the global minimum lies outside the view
    global_minima: tuple[CriticalPoint, ...] = ()  # in the view or not; () when unbounded
    searched: Extent | None = None  # the part of a too-wide view searched in full (None: all)
    omitted: tuple[tuple[str, int], ...] = ()  # (kind, count) left out by limited()
    loss_scale: float = 0.0  # the size of the landscape's losses, for telling ties apart
    sample: str = ""  # how the points were found when not on every example (very big data)

    @property
    def global_minimum(self) -> CriticalPoint | None:
        """The first global minimum in view, or None (outside the view, or no finite minimum)."""
        return next((p for p in self.points if p.is_global), None)

    @property
    def lowest_in_view(self) -> CriticalPoint | None:
        """The first of the lowest minima in view (global or not), or None."""
        return next((p for p in self.points if p.lowest_in_view), None)

    @property
    def truncated(self) -> bool:
        """True if points may be missing: a too-wide view searched in part, or limited()."""
        return self.searched is not None or bool(self.omitted)

    def counts(self) -> dict[str, int]:
        """How many points of each kind are listed."""
        found = Counter(p.kind for p in self.points)
        return {kind: found[kind] for kind in KINDS}

    def limited(self, n: int = MAX_POINTS) -> MinimaReport:
        """At most n points, for a map: the first ones in order, cut between two losses (a tie
        of equally low points is kept whole or left out whole); `omitted` counts the rest."""
        kept: list[CriticalPoint] = []
        for group in _ties(self.points, self.loss_scale):
            if len(kept) + len(group) > n:
                break
            kept += group
        left = Counter(p.kind for p in self.points[len(kept):])
        omitted = tuple((kind, left[kind]) for kind in KINDS if left[kind])
        return replace(self, points=tuple(kept), omitted=omitted)


def _ties(points: Sequence[CriticalPoint], scale: float) -> list[list[CriticalPoint]]:
    """Consecutive points of one kind (and globality) whose losses tie with the run's first."""
    groups: list[list[CriticalPoint]] = []
    for p in points:
        first = groups[-1][0] if groups else None
        if (first is not None and (p.kind, p.is_global) == (first.kind, first.is_global)
                and abs(p.loss - first.loss) <= _tie_tol(first.loss, scale)):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _tie_tol(loss: float, scale: float) -> float:
    """Losses closer than this to `loss` are equal up to refinement error."""
    return TIE_TOL * (scale + abs(loss))


def hessian(model: Model, w, h: float = 1e-5) -> np.ndarray:
    """The 2x2 matrix of second derivatives at w: central differences of model.grad, symmetrised."""
    w = np.asarray(w, dtype=float)
    columns = [(model.grad(w + h * e) - model.grad(w - h * e)) / (2 * h) for e in np.eye(2)]
    H = np.column_stack(columns)
    return 0.5 * (H + H.T)


def clean_zero(value: float, scale: float) -> float:
    """value, or 0.0 if it is zero up to rounding: within ZERO_TOL of scale (e.g. Ackley's
    minimum, which float64 computes as -4.4e-16). Also turns -0.0 into 0.0."""
    return 0.0 if abs(value) <= ZERO_TOL * scale else float(value)


def landmarks(model: Model, extent) -> MinimaReport:
    """Every critical point of `model` in `extent`, and the landscape's global minima.

    Depends only on the landscape and the extent. Views inside the landscape's default view reuse
    its search; others are searched at the same detail (at least MIN_VIEW_CELLS cells a side).
    A view too wide for that is searched only where it is nearest the default view (`searched`
    says where, `note` says so). Searches are cached per landscape; safe to call from a thread.
    """
    view = validate_extent(extent)
    home_extent = validate_extent(model.extent)
    examples = getattr(getattr(model, "dataset", None), "n", 0)
    if examples > SEARCH_EXAMPLES and hasattr(model, "with_examples"):
        return _refined(model, view)
    cells = _search_cells(model)
    # Far out the loss and its gradient overflow: inf and nan are expected there, and every
    # test below reads them as "not a critical point".
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        step = _spans(home_extent) / cells
        home = _cached_search(model, home_extent, (cells + 1, cells + 1), home=True)
        window = _window(view, home_extent, step, cells)
        found = [home]
        # (a window too narrow for the floats out there holds nothing to search)
        if not _inside(window, home_extent) and window[0] < window[1] and window[2] < window[3]:
            need = np.ceil(_spans(window) / step).astype(int)
            nx, ny = np.clip(need, MIN_VIEW_CELLS, cells) + 1
            found.append(_cached_search(model, window, (int(nx), int(ny)), home=False))
        report = _report(found, view, None if window == view else window, home_extent)
        return _one_per_flat_region(model, report, step)


_SAMPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> its search sample


FLAT_SAMPLES_PER_CELL = 4  # loss samples per search cell on the path between two tied points


def _one_per_flat_region(model: Model, report: MinimaReport, cell: np.ndarray) -> MinimaReport:
    """The report with the critical points that lie on one flat region (a plateau or floor of a
    surface file, a constant landscape) shown as one: points with the loss tied half a search
    cell away along both axes (not a flat line, like tiny-net's w2 = 0, where isolated saddles
    sit) whose losses tie and are joined by a straight path on which the loss stays tied
    (sampled FLAT_SAMPLES_PER_CELL times a search cell). The one kept is of the group's most
    telling kind (a minimum if any, else a maximum, else a saddle), the first of that kind in
    the report's order; the note names each point that stands for a flat region."""
    scale = report.loss_scale
    merged: list[tuple[str, float]] = []

    def flat_path(a: CriticalPoint, b: CriticalPoint) -> bool:
        if abs(a.loss - b.loss) > _tie_tol(a.loss, scale):
            return False
        wa, wb = np.array([a.w1, a.w2]), np.array([b.w1, b.w2])
        n = int(np.ceil(FLAT_SAMPLES_PER_CELL * np.max(np.abs(wb - wa) / cell))) + 1
        ts = np.linspace(0.0, 1.0, max(n, 3))[1:-1]
        ts = ts[np.argsort(np.abs(ts - 0.5), kind="stable")]  # the middle first: fails fastest
        return all(abs(float(model.loss(wa + t * (wb - wa))) - a.loss) <= _tie_tol(a.loss, scale)
                   for t in ts)

    def flat_around(p: CriticalPoint) -> bool:
        """The loss ties half a search cell from p along w1 (one way or the other) and along w2:
        p lies on (or on the rim of) a flat region, not on a flat line."""
        w = np.array([p.w1, p.w2])

        def ties(dw: np.ndarray) -> bool:
            return abs(float(model.loss(w + dw)) - p.loss) <= _tie_tol(p.loss, scale)

        dx, dy = np.array([cell[0] / 2, 0.0]), np.array([0.0, cell[1] / 2])
        return (ties(dx) or ties(-dx)) and (ties(dy) or ties(-dy))

    def one_per_region(points: Sequence[CriticalPoint]) -> tuple[CriticalPoint, ...]:
        parent = list(range(len(points)))

        def root(k: int) -> int:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        flat = [flat_around(p) for p in points]
        for a in range(len(points)):
            for b in range(a + 1, len(points)):
                if (flat[a] and flat[b] and root(a) != root(b)
                        and flat_path(points[a], points[b])):
                    parent[root(b)] = root(a)
        groups: dict[int, list[int]] = {}
        for k in range(len(points)):
            groups.setdefault(root(k), []).append(k)
        kept = set()
        for group in groups.values():
            kinds = {points[k].kind for k in group}
            kind = next(name for name in ("minimum", "maximum", "saddle") if name in kinds)
            first = next(k for k in group if points[k].kind == kind)
            kept.add(first)
            if points is report.points and flat[first]:
                merged.append((kind, points[first].loss))
        return tuple(p for k, p in enumerate(points) if k in kept)

    with np.errstate(all="ignore"):
        points = one_per_region(report.points)
        global_minima = one_per_region(report.global_minima)
    if not merged:
        return report
    words = "; ".join(f"the {kind} at loss {f:.5g} is a flat region (one point shown for all "
                      "of it)" for kind, f in merged)
    note = ". ".join(part for part in (report.note, words) if part)
    return replace(report, points=points, global_minima=global_minima, note=note)


def _search_sample(model: Model) -> Model:
    """The model on its fixed sample of SEARCH_EXAMPLES examples (the same one every call)."""
    from losswalk.core.landscapes.models import sample_indices

    with _CACHE_LOCK:
        sample = _SAMPLES.get(model)
    if sample is None:
        sample = model.with_examples(sample_indices(model.dataset.n, SEARCH_EXAMPLES))
        with _CACHE_LOCK:
            _SAMPLES[model] = sample
    return sample


def _refined(model: Model, view: Extent) -> MinimaReport:
    """landmarks of a model with very many examples: searched on a fixed sample of them (the
    search's cost grows with the examples), then each point refined on all of them by Newton's
    method and classified again by the full Hessian. The sample never depends on the view."""
    rough = landmarks(_search_sample(model), view)
    size = float(np.max(np.abs(validate_extent(model.extent))))
    scale = rough.loss_scale
    refined: dict[tuple[float, float], tuple[np.ndarray, float, str]] = {}

    def refine(p: CriticalPoint) -> tuple[np.ndarray, float, str]:
        key = (p.w1, p.w2)
        if key not in refined:
            refined[key] = _newton_on_all(model, np.array(key), p.kind, size)
        return refined[key]

    points = _distinct([refine(p) for p in rough.points], size)
    outside = _distinct([refine(p) for p in rough.global_minima], size)
    lows = [f for _, f, kind in points + outside if kind == "minimum"]
    lowest = min(lows, default=np.inf)
    box = _Box(view)
    view_low = min((f for w, f, kind in points if kind == "minimum" and box.contains(w)),
                   default=np.inf)

    def point(w, f, kind) -> CriticalPoint:
        minimum = kind == "minimum"
        return CriticalPoint(*(clean_zero(float(v), size) for v in w), clean_zero(f, scale),
                             kind, minimum and not rough.unbounded
                             and f <= lowest + _tie_tol(lowest, scale) < np.inf,
                             minimum and box.contains(w)
                             and f <= view_low + _tie_tol(view_low, scale))

    shown = sorted((point(*entry) for entry in points if box.contains(entry[0])),
                   key=lambda p: (KINDS.index(p.kind), not p.is_global, p.loss, p.w1, p.w2))
    global_minima = sorted((p for p in (point(*e) for e in outside) if p.is_global),
                           key=lambda p: (p.loss, p.w1, p.w2))
    notes = [UNBOUNDED_NOTE] if rough.unbounded else []
    if global_minima and not any(p.is_global for p in shown):
        notes.append(_outside_note(global_minima))
    sample = (f"critical points found on a fixed sample of {SEARCH_EXAMPLES:,} of the "
              f"{model.dataset.n:,} examples, then refined on all of them")
    return MinimaReport(tuple(shown), rough.unbounded, ". ".join(notes), tuple(global_minima),
                        rough.searched, loss_scale=scale, sample=sample)


def _distinct(entries: list[tuple], size: float) -> list[tuple]:
    """The (point, loss, kind) entries without repeats: points of the sample that Newton's
    method took to the same point of the full landscape (to rounding) are one."""
    kept: list[tuple] = []
    for entry in entries:
        if not np.any(_near(entry[0], _positions(kept), 1e-7 * size)):
            kept.append(entry)
    return kept


def _newton_on_all(model: Model, w: np.ndarray, kind: str,
                   size: float) -> tuple[np.ndarray, float, str]:
    """(point, loss, kind) of the critical point near w on the full model: Newton steps on the
    gradient while |grad| shrinks, then the kind from the Hessian's signs (the sample's kind
    where the Hessian is not clear)."""
    h = HESSIAN_STEP * max(size, float(np.max(np.abs(w))))
    g = model.grad(w)
    H = hessian(model, w, h)
    for _ in range(REFINE_ITER):
        try:
            step = -np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or math.hypot(*step) <= 1e-15 * size:
            break
        trial = w + step
        g_trial = model.grad(trial)
        if not np.linalg.norm(g_trial) < np.linalg.norm(g):
            break
        w, g = trial, g_trial
        H = hessian(model, w, h)
    low, high = _eigenvalues(H)
    found = ("minimum" if low > 0 else "maximum" if high < 0 else
             "saddle" if low < 0 < high else kind)
    return w, float(model.loss(w)), found


def _report(found: list[_Found], view: Extent, searched: Extent | None,
            home_extent: Extent) -> MinimaReport:
    """Merge the searches, mark global and lowest-in-view minima, and say what a user must know."""
    home = found[0]
    cell = np.max([f.cell for f in found], axis=0)
    scale = home.loss_scale
    size = float(np.max(np.abs(home_extent)))
    minima = _merge([f.minima for f in found], cell)
    others = _merge([f.others for f in found], SAME_POINT * cell)
    lowest = min([f for _, f, _ in minima] + [home.outside[1] if home.outside else np.inf])

    def is_global(f: float) -> bool:
        return not home.unbounded and f <= lowest + _tie_tol(lowest, scale) < np.inf

    box = _Box(view)
    view_low = min([f for w, f, _ in minima if box.contains(w)], default=np.inf)

    def point(w, f, kind) -> CriticalPoint:
        w1, w2 = (clean_zero(float(v), size) for v in w)
        low = kind == "minimum" and box.contains(w) and f <= view_low + _tie_tol(view_low, scale)
        return CriticalPoint(w1, w2, clean_zero(f, scale), kind,
                             kind == "minimum" and is_global(f), bool(low))

    points = [point(w, f, kind) for w, f, kind in minima + others if box.contains(w)]
    points.sort(key=lambda p: (KINDS.index(p.kind), not p.is_global, p.loss, p.w1, p.w2))
    candidates = minima + ([(*home.outside, "minimum")] if home.outside else [])
    global_minima = sorted((point(w, f, kind) for w, f, kind in candidates if is_global(f)),
                           key=lambda p: (p.loss, p.w1, p.w2))

    notes = []
    if home.unbounded:
        notes.append(UNBOUNDED_NOTE)
    elif global_minima and not any(p.is_global for p in points):
        notes.append(_outside_note(global_minima))
    return MinimaReport(tuple(points), home.unbounded, ". ".join(notes), tuple(global_minima),
                        searched, loss_scale=scale)


def _outside_note(global_minima: Sequence[CriticalPoint]) -> str:
    """'the global minimum lies outside the map, at (w1, w2) = (x, y), loss f' (or minima)."""
    places = [f"({p.w1:.4g}, {p.w2:.4g})" for p in global_minima[:4]]
    more = len(global_minima) - len(places)
    where = (places[0] if len(places) == 1 else
             ", ".join(places[:-1]) + (f", {places[-1]} and {more} more" if more
                                       else f" and {places[-1]}"))
    subject = "minimum lies" if len(global_minima) == 1 else "minima lie"
    return (f"the global {subject} outside the map, at (w1, w2) = {where}, "
            f"loss {global_minima[0].loss:.5g}")


def _merge(lists: Sequence[Sequence[tuple]], tol: np.ndarray) -> list[tuple]:
    """The (point, loss, kind) entries of all lists, but none within tol of an earlier list's:
    two searches that found the same point (each list has no repeats of its own)."""
    kept: list[tuple] = []
    for entries in lists:
        earlier = _positions(kept)
        kept += [e for e in entries if not np.any(_near(e[0], earlier, tol))]
    return kept


def _spans(extent: Extent) -> np.ndarray:
    """Width along w1 and height along w2 (inf, not an overflow error, for huge extents)."""
    e = np.asarray(extent, dtype=float)
    return np.array([e[1] - e[0], e[3] - e[2]])


def _inside(inner: Extent, outer: Extent) -> bool:
    """True if the extent `inner` lies within `outer`."""
    return (outer[0] <= inner[0] and inner[1] <= outer[1]
            and outer[2] <= inner[2] and inner[3] <= outer[3])


def _window(view: Extent, home: Extent, step: np.ndarray, cells: int) -> Extent:
    """The part of the view to search: all of it, or on an axis where it is wider than `cells`
    search steps, the stretch of that width nearest the default view's centre."""
    out = []
    for lo, hi, h_lo, h_hi, width in ((*view[:2], *home[:2], cells * step[0]),
                                      (*view[2:], *home[2:], cells * step[1])):
        if not hi - lo > width:  # also for an overflowing width: searched whole, coarsely
            out += [lo, hi]
            continue
        centre = min(max(0.5 * h_lo + 0.5 * h_hi, lo + width / 2), hi - width / 2)
        out += [max(lo, centre - width / 2), min(hi, centre + width / 2)]
    return tuple(float(v) for v in out)


def _search_cells(model: Model) -> int:
    """Cells a side of the default view's search grid: SEARCH_CELLS, fewer for large datasets."""
    dataset = getattr(model, "dataset", None)
    examples = max(1, getattr(dataset, "n", 1))
    return int(np.clip(math.isqrt(SEARCH_PAIRS // examples), MIN_SEARCH_CELLS, SEARCH_CELLS))


# ----------------------------------------------------------------------------- one search


@dataclass(frozen=True)
class _Found:
    """What one search grid shows: refined minima and other critical points as (point, loss,
    kind), the grid's cell, and (default view only) where the loss leads past its edge."""

    minima: list[tuple[np.ndarray, float, str]]
    others: list[tuple[np.ndarray, float, str]]
    cell: np.ndarray
    unbounded: bool = False
    outside: tuple[np.ndarray, float] | None = None  # a lower minimum past the edge
    loss_scale: float = 0.0


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SHARED: dict[tuple, _Found] = {}  # searches of landscapes known by value (search_key)
_CACHE_LOCK = threading.Lock()
SHARED_SEARCHES = 64  # searches kept for landscapes known by value, the oldest dropped first


def search_key(model: Model) -> Hashable | None:
    """The landscape as a value, for models that can say what their loss depends on
    (search_key()): two models with equal keys have the same loss everywhere, so a search of one
    serves the other (the app builds a new model each time a landscape is chosen again: n, p, the
    tour, the split). None for the rest, remembered per model object only."""
    key = getattr(model, "search_key", None)
    value = key() if callable(key) else None
    try:
        hash(value)
    except TypeError:  # (a surface made with an unhashable part)
        return None
    return value


def forget_searches() -> None:
    """Drop every remembered search (for a test that must see one computed)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _SHARED.clear()


def _cached_search(model: Model, extent: Extent, shape: tuple[int, int], home: bool) -> _Found:
    """_search, remembered per landscape (models are treated as immutable): by value where the
    model has a search_key (with the examples its grid scores, which a budget sets), else per
    model object; uncached for a model that cannot be a weak dictionary key."""
    key = (extent, shape, home)
    value = search_key(model)
    if value is not None:
        examples = getattr(model, "grid_examples", None)
        searches, kept = _SHARED, SHARED_SEARCHES
        key = (value, examples(*shape) if examples else None, *key)
    else:
        try:
            with _CACHE_LOCK:
                searches, kept = _CACHE.setdefault(model, {}), CACHED_SEARCHES
        except TypeError:
            return _search(model, extent, shape, home)
    with _CACHE_LOCK:
        found = searches.get(key)
    if found is None:
        found = _search(model, extent, shape, home)
        with _CACHE_LOCK:
            searches[key] = found
            while len(searches) > kept:
                del searches[next(iter(searches))]
    return found


def _search(model: Model, extent: Extent, shape: tuple[int, int], home: bool) -> _Found:
    """The critical points on an nx x ny search grid over extent. For the default view (home)
    also its known minima as seeds, and where the loss leads past its edge."""
    grid = evaluate(model, extent, *shape)
    values = grid.values
    cell = _spans(extent) / (np.array(shape) - 1)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return _Found([], [], cell)
    size = float(np.max(np.abs(model.extent)))
    view = _View(extent, grid.w1s, grid.w2s, float(finite.max() - finite.min()), size)
    candidates = sorted(_grid_minima(values), key=lambda c: values[c[0], c[1]])
    unbounded, outside = False, None
    if home and candidates[0][2]:  # the lowest cell is on the edge: follow the loss past it
        j, i, _ = candidates[0]
        unbounded, outside = _beyond_edge(model, np.array([grid.w1s[i], grid.w2s[j]]), view)
    known = [*getattr(model, "known_minima", ()), *getattr(model, "local_minima", ())]
    starts = [np.asarray(w, dtype=float) for w in known] if home else []
    starts += [np.array([grid.w1s[i], grid.w2s[j]]) for j, i, _ in candidates]
    minima = _minima(model, starts, view)
    slopes = _slopes(model, grid)
    roots = _roots(model, _root_seeds(*slopes, grid.w1s, grid.w2s), view, minima)
    minima += [r for r in roots if r[2] == "minimum"]
    others = [r for r in roots if r[2] != "minimum"]
    scale = float(max(finite.max() - finite.min(), np.max(np.abs(finite))))
    return _Found(minima, others, cell, unbounded, outside, scale if math.isfinite(scale) else 0.0)


class _Box:
    """An extent that tells whether a point lies in it (up to a hair of rounding)."""

    def __init__(self, extent) -> None:
        self.lo = np.array([extent[0], extent[2]], dtype=float)
        self.hi = np.array([extent[1], extent[3]], dtype=float)
        self.span = float(np.max(self.hi - self.lo))
        self.centre = 0.5 * self.lo + 0.5 * self.hi

    def contains(self, w: np.ndarray, margin: float = 1e-9) -> bool:
        """True if w lies in the extent, or within margin x its span of it."""
        pad = margin * self.span
        return bool(np.all(w >= self.lo - pad) and np.all(w <= self.hi + pad))


class _View(_Box):
    """A search grid's extent and scales: cell size, loss range, tolerances for 'zero' slope and
    curve, and the Hessian's step (relative to the landscape's size, or to |w| far out)."""

    def __init__(self, extent, w1s: np.ndarray, w2s: np.ndarray, loss_range: float,
                 size: float) -> None:
        super().__init__(extent)
        self.cell = (self.hi - self.lo) / np.array([w1s.size - 1, w2s.size - 1])
        span = np.float64(self.span)  # numpy: a span of 1e-300 squares to 0, not ZeroDivisionError
        self.grad_tol = 1e-6 * (loss_range + 1e-12) / span  # |grad| below this is zero
        self.curve_tol = 1e-6 * (loss_range + 1e-12) / span**2
        self.size = size

    def h(self, w: np.ndarray) -> float:
        """The Hessian's finite-difference step at w."""
        return HESSIAN_STEP * max(self.size, float(np.max(np.abs(w))))


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


def _slopes(model: Model, grid: LossGrid) -> tuple[np.ndarray, np.ndarray]:
    """dL/dw1 and dL/dw2 on the grid: exact if the model has grad_grid (the analytic surfaces),
    else central differences of the grid's values (data landscapes: smooth at the grid's scale,
    where a ripple a few cells wide, like Ackley's, would blur away)."""
    grad_grid = getattr(model, "grad_grid", None)
    if grad_grid is not None:
        return grad_grid(grid.w1s, grid.w2s)
    d_w2, d_w1 = np.gradient(grid.values, grid.w2s, grid.w1s)
    return d_w1, d_w2


def _root_seeds(d_w1: np.ndarray, d_w2: np.ndarray, w1s: np.ndarray,
                w2s: np.ndarray) -> np.ndarray:
    """Centres of the grid cells where both slopes change sign between the cell's corners:
    every isolated critical point lies in or next to one."""

    def changes(d):
        corners = np.stack([d[:-1, :-1], d[:-1, 1:], d[1:, :-1], d[1:, 1:]])
        lo, hi = corners.min(axis=0), corners.max(axis=0)  # nan: no sign change
        return (lo <= 0) & (hi >= 0) & ((lo < 0) | (hi > 0))  # not a flat patch

    j, i = np.nonzero(changes(d_w1) & changes(d_w2))
    return np.column_stack([0.5 * (w1s[i] + w1s[i + 1]), 0.5 * (w2s[j] + w2s[j + 1])])


# ----------------------------------------------------------------------------- refinement


def _minima(model: Model, starts: Sequence[np.ndarray], view: _View) -> list[tuple]:
    """(point, loss, "minimum") for each minimum in view reached by walking down from `starts`.

    Kept if it is critical (up to rounding) and curves up, or if the descent stopped at a cusp
    (the loss rises all round). One per cell: walks that meet an earlier trail stop there.
    """
    minima: list[tuple] = []
    trails: list[tuple[np.ndarray, float, tuple]] = []  # (point, loss, the minimum it led to)
    for start in starts:
        w, f, moving, path = _descend(model, start, view, MAX_ITER, True, trails)
        g, H = model.grad(w), hessian(model, w, view.h(w))
        smooth = _eigenvalues(H)[0] >= -view.curve_tol and _is_critical(g, H, f, view)
        if view.contains(w) and (smooth or (not moving and _lowest_nearby(model, w, f, view))):
            if smooth:
                w, f = _polish(model, w, f, g, H, view)
            trails += [(p, f_p, (w, f)) for p, f_p in path]
            if not np.any(_near(w, _positions(minima), view.cell)):
                minima.append((w, f, "minimum"))
    return minima


def _polish(model: Model, w: np.ndarray, f: float, g: np.ndarray, H: np.ndarray,
            view: _View) -> tuple[np.ndarray, float]:
    """Plain Newton steps on the gradient from where a descent stopped (no step lowered the loss
    any more, ~1e-8 from the bottom), kept while the gradient shrinks: refined to rounding.
    g and H are the gradient and Hessian at w."""
    for i in range(POLISH_ITER):
        try:
            step = -np.linalg.solve(H if i == 0 else hessian(model, w, view.h(w)), g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.abs(step) <= view.cell):  # also False for nan
            break
        trial = w + step
        g_trial, f_trial = model.grad(trial), model.loss(trial)
        if not (np.linalg.norm(g_trial) < np.linalg.norm(g)
                and f_trial <= f + CRITICAL_TOL * max(1.0, abs(f))):
            break
        w, f, g = trial, f_trial, g_trial
    return w, f


def _eigenvalues(H: np.ndarray) -> np.ndarray:
    """Eigenvalues of the symmetric H, low first; nan if H is not finite."""
    return np.linalg.eigvalsh(H) if np.all(np.isfinite(H)) else np.full(2, np.nan)


def _is_critical(g: np.ndarray, H: np.ndarray, f: float, view: _View) -> bool:
    """True if a Newton step from here (on |curvature|) would land within SAME_POINT of a cell
    and, at most a cell long, change the loss by at most CRITICAL_TOL·max(1, |f|): a critical
    point up to rounding, whatever the map's scale. A walk stopped short on a huge map, or on
    the floor of a long, nearly flat valley (the tiny net's on xor data), is not one."""
    cell = float(np.max(view.cell))
    full = _newton_step(H, g, np.inf)
    step = _newton_step(H, g, cell)
    return bool(math.hypot(*full) <= SAME_POINT * cell  # False for nan
                and abs(g @ step) <= CRITICAL_TOL * max(1.0, abs(f)))


def _lowest_nearby(model: Model, w: np.ndarray, f: float, view: _View) -> bool:
    """True if the loss a millionth of a cell away, toward each of the 8 grid neighbours, is
    higher than f: a minimum where the slope says nothing (the tip of Ackley's cone, a cusp
    whose gradient jumps), found where the descent could no longer step lower."""
    return all(model.loss(w + 1e-6 * view.cell * np.array(d)) > f for d in _NEIGHBOURS)


def _curves_up(H: np.ndarray) -> bool:
    """True if H is clearly positive definite: a real bowl, not a flat or tilted floor."""
    lam = _eigenvalues(H)
    return bool(lam[0] > 1e-9 * abs(lam[1]))  # False for nan


def _beyond_edge(model: Model, w: np.ndarray, view: _View) -> tuple[bool, tuple | None]:
    """Follow the loss downhill from the default view's edge, off the view if it leads there.

    Returns (unbounded, (point, loss) of the minimum found outside the view or None): unbounded
    if the walk is still falling when it stops, or ends on a floor that no longer curves up.
    "Far away" is measured by the problem: the view's width, the size of the weights in view and
    the length of a full Newton step from here.
    """
    H = hessian(model, w, view.h(w))
    curved = np.all(np.isfinite(H)) and np.any(H)  # else no Newton step: no limit but the count
    newton = np.linalg.norm(_newton_step(H, model.grad(w), np.inf)) if curved else np.inf
    far = ESCAPE_DISTANCE * max(view.span, float(np.linalg.norm(view.centre)), float(newton))
    w, f, moving, _ = _descend(model, w, view, ESCAPE_ITER, stay=False, far=far)
    if view.contains(w):
        return False, None
    H = hessian(model, w, view.h(w))
    if moving or not _curves_up(H):
        return True, None
    return False, _polish(model, w, f, model.grad(w), H, view)


def _descend(model: Model, w: np.ndarray, view: _View, max_iter: int, stay: bool,
             trails: Sequence[tuple[np.ndarray, float, tuple]] = (), far: float = np.inf) -> tuple:
    """Walk downhill from w by damped Newton steps on |curvature| (saddle-free Newton, which
    falls back to a gradient step where the surface is flat). Never raises the loss.

    Returns (point, loss, still_moving, path of (point, loss)); stops when no step lowers the
    loss, when the walk leaves the view by more than a cell (if stay), gets `far` from the view's
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
        step = _newton_step(hessian(model, w, view.h(w)), g, radius)
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


def _grads(model: Model, W: np.ndarray) -> np.ndarray:
    """The gradient at each row of W (k, 2): one vectorised call if the model has grad_many
    (the analytic surfaces), else one model.grad call per point."""
    grad_many = getattr(model, "grad_many", None)
    if grad_many is not None:
        return grad_many(W)
    return np.array([model.grad(w) for w in W]).reshape(-1, 2)


def _find_roots(model: Model, seeds: np.ndarray, view: _View) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on the gradient from every seed at once (a root of grad L: minimum,
    saddle or maximum alike), each step at most two cells long and halved until |grad| shrinks;
    a seed gives up beyond 8 cells from where it began. Returns (points, gradients there)."""
    W = np.array(seeds, dtype=float).reshape(-1, 2)
    G = _grads(model, W)
    radius = 2.0 * float(np.max(view.cell))
    going = np.ones(len(W), dtype=bool)
    for _ in range(ROOT_ITER):
        going &= np.all(np.abs(W - seeds) <= 8 * view.cell, axis=1)  # else: no root near it
        k = np.flatnonzero(going)
        if not k.size:
            break
        H = _hessians(model, W[k], view)
        det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] * H[:, 1, 0]
        g1, g2 = G[k, 0], G[k, 1]
        step = -np.column_stack([H[:, 1, 1] * g1 - H[:, 0, 1] * g2,
                                 H[:, 0, 0] * g2 - H[:, 1, 0] * g1]) / det[:, None]
        length = np.hypot(step[:, 0], step[:, 1])
        moves = np.isfinite(length) & (length >= 1e-14 * view.span)
        going[k[~moves]] = False
        k, step, length = k[moves], step[moves], length[moves]
        step *= np.minimum(1.0, radius / length)[:, None]
        t, pending = 1.0, np.ones(len(k), dtype=bool)
        while t > 1e-6 and pending.any():
            trial = W[k[pending]] + t * step[pending]
            g_trial = _grads(model, trial)
            better = np.linalg.norm(g_trial, axis=1) < np.linalg.norm(G[k[pending]], axis=1)
            done = k[pending][better]  # False for nan
            W[done], G[done] = trial[better], g_trial[better]
            pending[np.flatnonzero(pending)[better]] = False
            t *= 0.5
        going[k[pending]] = False  # no shorter step lowered |grad|: as close as it gets
    return W, G


def _hessians(model: Model, W: np.ndarray, view: _View) -> np.ndarray:
    """hessian() at each row of W (k, 2), shape (k, 2, 2)."""
    h = np.array([view.h(w) for w in W])[:, None]
    columns = [(_grads(model, W + h * e) - _grads(model, W - h * e)) / (2 * h) for e in np.eye(2)]
    H = np.stack(columns, axis=2)
    return 0.5 * (H + H.transpose(0, 2, 1))


def _roots(model: Model, seeds: np.ndarray, view: _View, minima: list[tuple]) -> list[tuple]:
    """(point, loss, kind) of the critical points Newton's method reaches from `seeds`: saddles,
    maxima, and minima the descents missed (on xor data the tiny net's two shallow minima lie
    between grid rows no lower than the flat line w2 = 0). Kept if the gradient there is ~0,
    the curvature clear, and no point was found there already: Newton's method lands on a point
    to rounding, so two within SAME_POINT of a cell are one (Ackley has a saddle and a maximum
    about a cell apart)."""
    known = _positions(minima)
    seeds = seeds[~np.any(np.all(np.abs(seeds[:, None] - known) < 0.5 * view.cell, axis=2),
                          axis=1)]  # a point already found lies in the seed's cell
    W, G = _find_roots(model, seeds, view)
    inside = np.array([view.contains(w) for w in W], dtype=bool)
    keep = (np.linalg.norm(G, axis=1) <= view.grad_tol) & inside
    W, G = W[keep], G[keep]
    found = np.vstack([known, np.empty((len(W), 2))])  # the first n are taken
    n, points = len(known), []
    for w, g, H in zip(W, G, _hessians(model, W, view), strict=True):
        if np.any(_near(w, found[:n], SAME_POINT * view.cell)):
            continue
        f = model.loss(w)
        if not _is_critical(g, H, f, view):
            continue
        low, high = _eigenvalues(H)
        kind = ("maximum" if high < -view.curve_tol else
                "minimum" if low > view.curve_tol else
                "saddle" if low < -view.curve_tol and high > view.curve_tol else None)
        if kind == "minimum" and np.any(_near(w, known, view.cell)):
            continue  # a descent already ended within a cell of it
        if kind:
            found[n], n = w, n + 1
            points.append((w, f, kind))
    return points


def _positions(entries: Sequence[tuple]) -> np.ndarray:
    """The points of (point, ...) entries as an (n, 2) array."""
    return np.array([e[0] for e in entries]).reshape(-1, 2)


def _near(w: np.ndarray, points: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Which of `points` (n, 2) lie within tol (a cell, say) of w on both axes."""
    return np.all(np.abs(points - w) < tol, axis=1)
