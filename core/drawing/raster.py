"""Turn a LossGrid into a grid of terminal cells: heatmap, contour lines, markers and axes.

The Raster is plain data (chars + colour codes + bold); the Textual widget and the ANSI printer
(core/ansi.py) both draw it. Colour codes are explained in core/palette.py.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import numpy as np

from losswalk.core.drawing.contours import (
    CASE_GLYPHS,
    contour_cells,
    corner_values,
    nice_levels,
    nice_log_levels,
    quantile_levels,
)
from losswalk.core.drawing.palette import (
    DEFAULT,
    GLOBAL_MIN,
    INK_DARK,
    INK_LIGHT,
    LOCAL_MIN,
    MAXIMUM,
    SADDLE,
    TRAIL,
    WALKER,
    Palette,
    RenderError,
    make_palette,
)
from losswalk.core.drawing.text import ARROWS, CHARSETS, char_cells, compass

if TYPE_CHECKING:
    from losswalk.core.landscapes.landscape import LossGrid

Extent = tuple[float, float, float, float]
Cell = tuple[int, int]  # (row, col)
StripCell = tuple[str, int, int, bool]  # (char, fg, bg, bold) of one legend-strip cell
T = TypeVar("T")

__all__ = [
    "AXIS_BOTTOM", "AXIS_LEFT", "CHARSETS", "DEFAULT_CONTOURS", "DEFAULT_LEVELS", "MODES",
    "RAMPS", "SCALES", "STYLES", "LegendEntry", "Marker", "Raster", "RenderError", "View",
    "cell_to_world", "clip_segment", "contrast_ink", "edge_mark", "grid_shape_for",
    "legend_strip_parts", "map_size", "marker_glyph", "render_legend", "render_view", "strip_row",
    "world_to_cell",
]

MODES = ("heatmap", "contours", "both")
STYLES = ("blocks", "ramp")
SCALES = ("linear", "log")
DEFAULT_LEVELS = 10
DEFAULT_CONTOURS = 8
AXIS_LEFT = 7  # 6 label columns + the axis line
AXIS_BOTTOM = 2  # axis line + tick labels
RAMPS = {"unicode": " .:░▒▓█", "ascii": " .:;=x%#"}  # low loss sparse, high loss dense
NAN_GLYPH = "?"

# kind -> (unicode glyph, ascii glyph, colour code, legend label), in legend order
_MARKS = {
    "global": ("★", "*", GLOBAL_MIN, "global"),  # short labels fit a 9-column legend
    "minimum": ("◇", "m", LOCAL_MIN, "local"),
    "saddle": ("✕", "S", SADDLE, "saddle"),
    "maximum": ("▲", "M", MAXIMUM, "maximum"),
    "walker": ("◉", "@", WALKER, "walker"),
    "trail": ("•", "o", TRAIL, "trail"),
}
_AXIS_GLYPHS = {"unicode": "│┤└─┬", "ascii": "|++-+"}  # line, tick, corner, line, tick


@dataclass(eq=False)
class Raster:
    """Terminal cells: a glyph, fg/bg colour codes and bold per cell; row 0 is the top line."""

    chars: np.ndarray  # (H, W) '<U1'
    fg: np.ndarray  # (H, W) int16
    bg: np.ndarray  # (H, W) int16
    bold: np.ndarray  # (H, W) bool
    palette: Palette

    @property
    def height(self) -> int:
        return self.chars.shape[0]

    @property
    def width(self) -> int:
        return self.chars.shape[1]

    @classmethod
    def blank(cls, height: int, width: int, palette: Palette) -> Raster:
        """Spaces in the terminal's default colours."""
        shape = (height, width)
        return cls(np.full(shape, " ", dtype="<U1"), np.full(shape, DEFAULT, dtype=np.int16),
                   np.full(shape, DEFAULT, dtype=np.int16), np.zeros(shape, dtype=bool), palette)

    def text(self) -> list[str]:
        """The glyphs alone, one string per row."""
        return ["".join(row) for row in self.chars]

    def runs(self, row: int) -> list[tuple[str, int, int, bool]]:
        """Maximal runs of same-style cells in a row: (text, fg, bg, bold), left to right."""
        fg, bg, bold = self.fg[row], self.bg[row], self.bold[row]
        if self.width == 0:
            return []
        cut = np.flatnonzero((fg[1:] != fg[:-1]) | (bg[1:] != bg[:-1]) | (bold[1:] != bold[:-1]))
        starts = [0, *(cut + 1).tolist()]
        ends = [*starts[1:], self.width]
        return [("".join(self.chars[row, a:b]), int(fg[a]), int(bg[a]), bool(bold[a]))
                for a, b in zip(starts, ends, strict=True)]

    def put(self, row: int, col: int, text: str, fg: int = DEFAULT, bold: bool = False) -> None:
        """Write text from (row, col), clipped to the raster; the background is kept. A wide
        character takes two cells (the second left empty, "", so a row is as wide as the raster);
        one that would not fit whole, and zero-width marks (a cell holds one character), are
        left out."""
        if not 0 <= row < self.height:
            return
        for ch in text:
            cells = char_cells(ch)
            if cells and col >= 0 and col + cells <= self.width:
                self.chars[row, col:col + cells] = [ch, ""][:cells]
                self.fg[row, col:col + cells] = fg
                self.bold[row, col:col + cells] = bold
            col += cells


class Marker(NamedTuple):
    """A critical point to mark; minima.CriticalPoint has the same fields and works too."""

    w1: float
    w2: float
    kind: str  # "minimum" | "saddle" | "maximum"
    is_global: bool = False


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: the swatch as drawn on the map and what it means."""

    kind: str  # "level" | "contour" | "marker"
    glyph: str
    fg: int
    bg: int
    bold: bool
    label: str
    value: float  # loss value; nan for markers


@dataclass(eq=False)
class View:
    """A rendered map with its axes, where the map sits in the raster, and its legend."""

    raster: Raster
    x0: int
    y0: int
    map_w: int
    map_h: int
    extent: Extent
    style: str
    charset: str
    scale: str
    levels: np.ndarray  # (n_levels + 1,) level edges in loss units
    contour_levels: np.ndarray
    legend: tuple[LegendEntry, ...]

    def cell_at(self, w1: float, w2: float) -> tuple[int, int] | None:
        """Raster (row, col) showing a world point, or None when it is off the map."""
        cell = world_to_cell(self.extent, self.map_w, self.map_h, w1, w2, self.style)
        return None if cell is None else (cell[0] + self.y0, cell[1] + self.x0)

    def trail_cells(self, trail: Sequence[tuple[float, float]]) -> list[Cell]:
        """Raster (row, col) of every cell on the trail's segments, cut at the map's edges."""
        return [(r + self.y0, c + self.x0)
                for r, c in _trail_cells(self.extent, self.map_w, self.map_h, self.style, trail)]

    def segment_cells(self, a, b) -> list[Cell]:
        """Raster (row, col) of the cells on the segment from a to b, cut at the map's edges."""
        return [(r + self.y0, c + self.x0)
                for r, c in _segment_cells(self.extent, self.map_w, self.map_h, self.style, a, b)]

    def edge_mark(self, w1: float, w2: float) -> tuple[int, int, str] | None:
        """(row, col, arrow) marking an off-map point at the map's edge; None when on the map."""
        mark = edge_mark(self.extent, self.map_w, self.map_h, w1, w2, self.style, self.charset)
        return None if mark is None else (mark[0] + self.y0, mark[1] + self.x0, mark[2])

    def world_at(self, row: int, col: int) -> tuple[float, float] | None:
        """World point at the centre of a raster cell, or None when the cell is not on the map."""
        r, c = row - self.y0, col - self.x0
        if not (0 <= r < self.map_h and 0 <= c < self.map_w):
            return None
        return cell_to_world(self.extent, self.map_w, self.map_h, r, c, self.style)


# ---------------------------------------------------------------- geometry


def _check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise RenderError(f"unknown {name} {value!r} (choose {', '.join(allowed)})")


def _has_axes(width: int, height: int, axes: bool) -> bool:
    if width < 0 or height < 0:
        raise RenderError(f"raster size must be >= 0, got {width}x{height}")
    return axes and width >= AXIS_LEFT + 4 and height >= AXIS_BOTTOM + 2


def map_size(width: int, height: int, *, axes: bool = True) -> tuple[int, int]:
    """(map_w, map_h) of the map area that render_view will use for a width x height raster."""
    if _has_axes(width, height, axes):
        return width - AXIS_LEFT, height - AXIS_BOTTOM
    return width, height


def grid_shape_for(map_w: int, map_h: int, style: str = "blocks") -> tuple[int, int]:
    """(nx, ny) samples that fill a map exactly: blocks holds two rows per cell, ramp one."""
    _check("style", style, STYLES)
    return map_w, (2 * map_h if style == "blocks" else map_h)


def _position(extent: Extent, map_w: int, map_h: int, w1, w2, style: str):
    """Fractional (row, col) of a world point on a non-empty map; integers are cell centres."""
    w1_min, w1_max, w2_min, w2_max = extent
    if not (w1_max > w1_min and w2_max > w2_min):
        raise RenderError(f"empty extent {extent}")
    nx, ny = grid_shape_for(map_w, map_h, style)
    per = ny // map_h
    col = (w1 - w1_min) / (w1_max - w1_min) * (nx - 1)
    s = (w2_max - w2) / (w2_max - w2_min) * (ny - 1)  # sample index from the top
    return (s - (per - 1) / 2) / per, col


def world_to_cell(
    extent: Extent, map_w: int, map_h: int, w1: float, w2: float, style: str = "blocks"
) -> tuple[int, int] | None:
    """Map (row, col) of the cell holding the sample nearest a world point; None off the extent."""
    w1_min, w1_max, w2_min, w2_max = extent
    inside = w1_min <= w1 <= w1_max and w2_min <= w2 <= w2_max  # False for NaN
    if not inside or map_w < 1 or map_h < 1:
        return None
    row, col = _position(extent, map_w, map_h, w1, w2, style)
    return min(math.floor(row + 0.5), map_h - 1), min(math.floor(col + 0.5), map_w - 1)


def cell_to_world(
    extent: Extent, map_w: int, map_h: int, row: int, col: int, style: str = "blocks"
) -> tuple[float, float]:
    """World point at a cell's centre (in blocks style, the midpoint of its two samples)."""
    if not (0 <= row < map_h and 0 <= col < map_w):
        raise RenderError(f"cell ({row}, {col}) is outside a {map_w}x{map_h} map")
    w1_min, w1_max, w2_min, w2_max = extent
    nx, ny = grid_shape_for(map_w, map_h, style)
    per = ny // map_h
    s = row * per + (per - 1) / 2
    w1 = w1_min + (w1_max - w1_min) * (col / (nx - 1) if nx > 1 else 0.5)
    w2 = w2_max - (w2_max - w2_min) * (s / (ny - 1) if ny > 1 else 0.5)
    return min(max(w1, w1_min), w1_max), min(max(w2, w2_min), w2_max)  # rounding stays inside


def clip_segment(a, b, extent: Extent) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the segment a -> b (world points) inside the extent, or None (Liang-Barsky).

    Works for any finite points, even near the float limit: differences are taken in halves.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return None
    lo, hi = np.array(extent[0::2], dtype=float), np.array(extent[1::2], dtype=float)
    half = b / 2 - a / 2  # a + 2 t half, t in [0, 1]
    t0, t1 = 0.0, 1.0
    for k in range(2):
        if half[k] == 0:
            if not lo[k] <= a[k] <= hi[k]:
                return None
            continue
        near, far = sorted(((lo[k] / 2 - a[k] / 2) / half[k], (hi[k] / 2 - a[k] / 2) / half[k]))
        t0, t1 = max(t0, near), min(t1, far)
    if t0 > t1:
        return None
    inside = [np.clip(a + 2 * (t * half), lo, hi) for t in (t0, t1)]  # rounding stays inside
    return inside[0], inside[1]


def _trail_cells(extent: Extent, map_w: int, map_h: int, style: str, trail) -> list[Cell]:
    """Map (row, col) of the cells along straight segments joining consecutive finite trail
    points, each cut to the map: a walk that leaves the map is drawn up to its edge."""
    points = [p for p in (np.asarray(q, dtype=float) for q in trail) if np.all(np.isfinite(p))]
    cells: list[Cell] = []
    for a, b in zip(points, points[1:] + points[-1:], strict=True):
        cells += _segment_cells(extent, map_w, map_h, style, a, b)
    return cells


def _segment_cells(extent: Extent, map_w: int, map_h: int, style: str, a, b) -> list[Cell]:
    """Map (row, col) of the cells along the straight segment from a to b (finite points), cut
    to the map; a == b gives the point's own cell when it is on the map."""
    if not (map_w and map_h):
        return []
    piece = clip_segment(np.asarray(a, dtype=float), np.asarray(b, dtype=float), extent)
    if piece is None:
        return []
    (r0, c0), (r1, c1) = (_position(extent, map_w, map_h, *p, style) for p in piece)
    n = math.ceil(max(abs(r1 - r0), abs(c1 - c0)))
    cells = []
    for t in range(n + 1):
        f = t / n if n else 0.0
        cells.append((min(max(math.floor(r0 + f * (r1 - r0) + 0.5), 0), map_h - 1),
                      min(max(math.floor(c0 + f * (c1 - c0) + 0.5), 0), map_w - 1)))
    return cells


class TrailCells:
    """The cells of a walker's trail on one View, kept up to date one segment at a time: a step
    adds its segment, a point dropped from the trail's start (the walker keeps the last
    MAX_TRAIL) takes its segment away; a new trail or another view starts over. So a step costs
    the same at step 10,000 as at step 10. `update` gives the same cells as View.trail_cells."""

    def __init__(self) -> None:
        self._view: View | None = None
        self._points: deque = deque()  # the trail's points taken in so far (the objects)
        self._segments: deque[list[Cell]] = deque()  # cells of the segment ending at each one
        self._counts: Counter[Cell] = Counter()  # how many segments cover each cell
        self._last: tuple[float, float] | None = None  # the last finite point

    def update(self, view: View, trail: Sequence) -> set[Cell]:
        """The raster cells of trail (points with w1, w2) on view."""
        if view is not self._view or not self._drop_gone(trail):
            self._start(view)
        for point in trail[len(self._points):]:
            self._add(point)
        cells = set(self._counts)
        if self._last is not None:  # a one-point trail still shows its point
            cells.update(view.segment_cells(self._last, self._last))
        return cells

    def _start(self, view: View) -> None:
        self._view = view
        self._points.clear()
        self._segments.clear()
        self._counts.clear()
        self._last = None

    def _add(self, point) -> None:
        p = (float(point.w1), float(point.w2))
        segment = []
        if math.isfinite(p[0]) and math.isfinite(p[1]):
            if self._last is not None:
                segment = self._view.segment_cells(self._last, p)
            self._last = p
        self._points.append(point)
        self._segments.append(segment)
        self._counts.update(segment)

    def _drop(self, segment: list[Cell]) -> None:
        self._counts.subtract(segment)
        for cell in segment:
            if self._counts[cell] <= 0:
                del self._counts[cell]

    def _drop_gone(self, trail: Sequence) -> bool:
        """Forget the points the trail has dropped from its start; False when the trail is not
        the one taken in so far, grown at its end (then it is taken in afresh)."""
        seen = self._points
        if not seen:
            return True
        gone = next((k for k, point in enumerate(seen) if trail and point is trail[0]), None)
        if gone is None or len(trail) < len(seen) - gone or trail[len(seen) - gone - 1] is not (
                seen[-1]):
            return False
        for _ in range(gone):
            seen.popleft()
            self._drop(self._segments.popleft())
        if gone:  # the first point left no longer joins a point before it
            if not all(math.isfinite(float(v)) for v in (seen[0].w1, seen[0].w2)):
                return False  # (after a non-finite point: simpler to start over)
            self._drop(self._segments[0])
            self._segments[0] = []
        return True


def edge_mark(extent: Extent, map_w: int, map_h: int, w1: float, w2: float,
              style: str = "blocks", charset: str = "unicode") -> tuple[int, int, str] | None:
    """Where to show a point that is off the map: the map-edge cell on the way from the map's
    centre to it, and the arrow pointing its way (as the map's axes run). None when the point is
    on the map, not finite, or the map is empty."""
    if (world_to_cell(extent, map_w, map_h, w1, w2, style) is not None
            or not (math.isfinite(w1) and math.isfinite(w2) and map_w and map_h)):
        return None
    lo, hi = np.array(extent[0::2], dtype=float), np.array(extent[1::2], dtype=float)
    centre, span = lo / 2 + hi / 2, hi - lo
    with np.errstate(all="ignore"):
        way = (np.array([w1, w2]) / 2 - centre / 2) / span  # in map widths; halves: no overflow
    if not np.all(np.isfinite(way)):  # a tiny span: only the infinite part's direction counts
        way = np.where(np.isinf(way), np.sign(way), 0.0)
    edge = np.clip(centre + way / (2 * np.max(np.abs(way))) * span, lo, hi)
    row, col = world_to_cell(extent, map_w, map_h, *edge, style)
    return row, col, ARROWS[charset][compass(*way)]


def _resample(values: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """Nearest-neighbour (ny, nx) samples, flipped so row 0 is the top (largest w2)."""
    gy, gx = values.shape

    def pick(n: int, g: int) -> np.ndarray:
        if n <= 1:
            return np.full(n, (g - 1) // 2, dtype=int)
        return np.floor(np.arange(n) * (g - 1) / (n - 1) + 0.5).astype(int)

    return values[::-1][pick(ny, gy)][:, pick(nx, gx)]


# ---------------------------------------------------------------- colour scale


@dataclass(frozen=True)
class _Scale:
    """n equal steps of [vmin, vmax], in loss units or in log10(v - floor + delta)."""

    n: int
    vmin: float
    vmax: float
    log: bool

    @property
    def floor(self) -> float:
        return min(self.vmin, 0.0)

    @property
    def delta(self) -> float:
        return 1e-4 * (self.vmax - self.floor) if self.vmax > self.floor else 1.0

    def forward(self, v):
        v = np.asarray(v, dtype=float)
        if not self.log:
            return v
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log10(v - self.floor + self.delta)

    def inverse(self, t):
        t = np.asarray(t, dtype=float)
        return 10.0**t + self.floor - self.delta if self.log else t

    def level(self, v) -> np.ndarray:
        """Level code 0..n-1 of each value, clipped to the range; -1 for NaN."""
        t = self.forward(v)
        lo, hi = self.forward([self.vmin, self.vmax])
        with np.errstate(invalid="ignore"):
            k = np.floor((t - lo) / (hi - lo) * self.n) if hi > lo else np.zeros_like(t)
        k = np.clip(np.nan_to_num(k, nan=0.0), 0, self.n - 1)  # below the log floor -> 0
        return np.where(np.isnan(v), -1, k).astype(np.int16)

    def edges(self) -> np.ndarray:
        """The n + 1 level edges in loss units."""
        return self.inverse(np.linspace(*self.forward([self.vmin, self.vmax]), self.n + 1))


def _make_scale(grid: LossGrid, scale: str, n: int) -> _Scale:
    """Robust colour range [vmin, p98]: one huge corner cannot wash the map out."""
    st = grid.stats()
    vmin = float(st.vmin) if math.isfinite(st.vmin) else 0.0
    top = vmin
    for candidate in (st.p98, st.vmax):
        if math.isfinite(candidate) and candidate > vmin:
            top = float(candidate)
            break
    return _Scale(n, vmin, top, scale == "log")


def _contour_values(spec, scale: _Scale, values: np.ndarray) -> np.ndarray:
    """Contour levels in loss units, ascending, from None / count / 'quantile' / explicit list."""
    if isinstance(spec, str):
        if spec != "quantile":
            raise RenderError(f"contour_levels must be a count, 'quantile' or a list, got {spec!r}")
        return quantile_levels(values, DEFAULT_CONTOURS)
    if spec is None or isinstance(spec, (int, np.integer)):
        n = DEFAULT_CONTOURS if spec is None else int(spec)
        if n < 0:
            raise RenderError(f"contour level count must be >= 0, got {n}")
        if not scale.log:
            return nice_levels(scale.vmin, scale.vmax, n)
        lo = max(scale.vmin - scale.floor, scale.delta)
        return nice_log_levels(lo, scale.vmax - scale.floor, n) + scale.floor
    levels = np.asarray(spec, dtype=float).ravel()
    if not np.all(np.isfinite(levels)):
        raise RenderError("contour levels must be finite numbers")
    return np.sort(levels)


# ---------------------------------------------------------------- drawing


def _short(v: float, digits: int) -> str:
    """v to `digits` significant digits, fixed or exponent notation, whichever is shorter."""
    fixed = f"{v:.{digits}g}"
    mantissa, _, exp = f"{v:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return min(fixed, f"{mantissa}e{int(exp)}", key=len)


_DIGITS = (3, 2, 1, *range(4, 18))  # 3 significant digits read best; more only when needed


def _labels(values, width: int = 6) -> list[str]:
    """Labels of ascending values in `width` characters, each within a quarter of the smallest
    gap (so neighbours never read the same); gaps too fine: every k-th only ('' between)."""
    v = np.asarray(values, dtype=float)
    for k in range(1, len(v) + 1):
        shown = v[::k]
        gap = float(np.min(np.diff(shown))) if len(shown) > 1 else math.inf
        for digits in _DIGITS:
            labels = [_short(x, digits) for x in shown]
            if all(len(s) <= width and abs(float(s) - x) <= gap / 4
                   for s, x in zip(labels, shown, strict=True)):
                out = [""] * len(v)
                out[::k] = labels
                return out
    return [""] * len(v)


def _tick_labels(ticks: np.ndarray, width: int) -> list[str]:
    """Axis labels; when fewer than two can be told apart, the middle-most tick that fits is shown
    in full and the others as offsets from it ("3", "+2e-7"), else the one label that fits."""
    labels = _labels(ticks, width)
    if len(ticks) < 2 or sum(map(bool, labels)) >= 2:
        return labels
    step = float(ticks[1] - ticks[0])
    for i in sorted(range(len(ticks)), key=lambda i: abs(i - (len(ticks) - 1) / 2)):
        base = next((b for d in _DIGITS if len(b := _short(ticks[i], d)) <= width
                     and abs(float(b) - ticks[i]) <= step / 4), None)
        if base is not None:
            offsets = _labels(ticks - ticks[i], width - 1)
            return [base if j == i else "+" * (o[:1] not in ("", "-")) + o
                    for j, o in enumerate(offsets)]
    return labels


def contrast_ink(palette: Palette, code: int) -> int:
    """Dark or light ink, whichever contrasts with a background colour code."""
    rgb = palette.rgb(code)
    if rgb is None:
        return DEFAULT
    luma = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return INK_DARK if luma > 128 else INK_LIGHT


def _mark(kind: str, charset: str) -> tuple[str, int]:
    uni, asc, code, _ = _MARKS[kind]
    return (uni if charset == "unicode" else asc), code


def marker_glyph(kind: str, charset: str = "unicode") -> str:
    """The glyph drawn for a marker kind: global, minimum, saddle, maximum, walker or trail."""
    return _mark(kind, charset)[0]


def _marker_kind(marker) -> str:
    """Key into _MARKS for a Marker / CriticalPoint."""
    kind = marker.kind
    if kind not in ("minimum", "saddle", "maximum"):
        raise RenderError(f"unknown marker kind {kind!r} (choose minimum, saddle, maximum)")
    return "global" if kind == "minimum" and getattr(marker, "is_global", False) else kind


def _ramp_index(level, n_levels: int, ramp):
    """Index into a ramp of the glyph drawn for a level (or an array of levels) of n_levels."""
    return level * len(ramp) // n_levels


def _draw_heatmap(m: Raster, samples: np.ndarray, scale: _Scale, style: str, charset: str):
    lev = scale.level(samples)
    if style == "blocks":
        up, low = lev[0::2], lev[1::2]
        m.chars[:] = np.where(up >= 0, "▀", np.where(low >= 0, "▄", NAN_GLYPH))
        m.fg[:] = np.where(up >= 0, up, low)
        m.bg[:] = np.where(up >= 0, low, DEFAULT)
    else:
        ramp = np.array(list(RAMPS[charset]))
        m.chars[:] = np.where(lev >= 0, ramp[_ramp_index(np.maximum(lev, 0), scale.n, ramp)],
                              NAN_GLYPH)
        m.fg[:] = lev


def _draw_contours(m: Raster, centres, levels, scale: _Scale, over_blocks: bool, charset: str):
    """Line glyphs: ink that contrasts with a blocks heatmap, else in the level's own colour."""
    chars, index = contour_cells(corner_values(centres), levels, charset)
    codes = scale.level(levels)
    for r, c in zip(*np.nonzero(index >= 0), strict=True):
        m.chars[r, c] = chars[r, c]
        if over_blocks:
            m.fg[r, c] = contrast_ink(m.palette, m.bg[r, c])
        else:
            m.fg[r, c], m.bg[r, c] = codes[index[r, c]], DEFAULT


def _draw_trail(m: Raster, extent: Extent, style: str, trail, charset: str) -> None:
    """Dots on every cell along straight segments joining consecutive trail points."""
    glyph, code = _mark("trail", charset)
    for row, col in _trail_cells(extent, m.width, m.height, style, trail):
        m.put(row, col, glyph, code)


def _draw_axes(r: Raster, extent: Extent, map_w: int, map_h: int, style: str, charset: str):
    """Left gutter with w2 ticks (name on the top row), bottom line with w1 ticks and name."""
    line, tick, corner, hline, btick = _AXIS_GLYPHS[charset]
    x0 = AXIS_LEFT
    w1_min, w1_max, w2_min, w2_max = extent
    r.chars[:map_h, x0 - 1] = line
    r.chars[map_h, x0 - 1] = corner
    r.chars[map_h, x0:] = hline
    r.put(0, x0 - 3, "w2")
    pad = 1e-9 * (w2_max - w2_min)
    ticks = nice_levels(w2_min - pad, w2_max + pad, max(2, map_h // 3))
    for v, label in zip(ticks, _tick_labels(ticks, x0 - 1), strict=True):
        row, _ = world_to_cell(extent, map_w, map_h, w1_min, min(max(v, w2_min), w2_max), style)
        if row > 0 and label:
            r.put(row, x0 - 1 - len(label), label)
            r.chars[row, x0 - 1] = tick
    name_col = r.width - 2
    r.put(map_h + 1, name_col, "w1")
    free = 0  # first column the next label may use
    pad = 1e-9 * (w1_max - w1_min)
    ticks = nice_levels(w1_min - pad, w1_max + pad, max(2, map_w // 10))
    for v, label in zip(ticks, _tick_labels(ticks, x0 - 1), strict=True):
        _, col = world_to_cell(extent, map_w, map_h, min(max(v, w1_min), w1_max), w2_min, style)
        start = x0 + col - len(label) // 2
        if label and start >= free and start + len(label) < name_col:
            r.put(map_h + 1, start, label)
            r.chars[map_h, x0 + col] = btick
            free = start + len(label) + 1


def render_view(
    grid: LossGrid,
    width: int,
    height: int,
    *,
    mode: str = "heatmap",
    charset: str = "unicode",
    style: str = "blocks",
    scale: str = "linear",
    palette: str = "viridis",
    n_levels: int = DEFAULT_LEVELS,
    contour_levels: int | str | Sequence[float] | None = None,
    markers: Sequence[Marker] = (),
    trail: Sequence[tuple[float, float]] = (),
    walker: tuple[float, float] | None = None,
    axes: bool = True,
) -> View:
    """Draw a loss grid as a width x height text picture with axes, contours and markers."""
    _check("mode", mode, MODES)
    _check("charset", charset, CHARSETS)
    _check("style", style, STYLES)
    _check("scale", scale, SCALES)
    pal = make_palette(palette, n_levels)
    style = "ramp" if charset == "ascii" else style  # no half blocks in ASCII
    has_axes = _has_axes(width, height, axes)
    map_w, map_h = map_size(width, height, axes=axes)
    x0 = AXIS_LEFT if has_axes else 0
    extent = tuple(float(e) for e in grid.extent)
    sc = _make_scale(grid, scale, n_levels)
    values = np.asarray(grid.values, dtype=float)
    levels = _contour_values(contour_levels, sc, values) if mode != "heatmap" else np.empty(0)
    points = [(mk.w1, mk.w2, _marker_kind(mk)) for mk in markers]
    off_map = None
    if walker is not None:
        points.append((*walker, "walker"))
        off_map = edge_mark(extent, map_w, map_h, *walker, style, charset)

    m = Raster.blank(map_h, map_w, pal)
    if map_w and map_h:
        samples = _resample(values, *grid_shape_for(map_w, map_h, style))
        if mode != "contours":
            _draw_heatmap(m, samples, sc, style, charset)
        centres = samples if style == "ramp" else (samples[0::2] + samples[1::2]) / 2
        over_blocks = mode == "both" and style == "blocks"
        _draw_contours(m, centres, levels, sc, over_blocks, charset)
        _draw_trail(m, extent, style, trail, charset)
        for w1, w2, kind in points:  # the walker is last, so on top
            cell = world_to_cell(extent, map_w, map_h, w1, w2, style)
            if cell is not None:
                m.put(*cell, *_mark(kind, charset), bold=True)
        if walker is not None and off_map:
            row, col, arrow = off_map
            m.put(row, col, arrow, WALKER, bold=True)
    raster = Raster.blank(height, width, pal)
    for a in ("chars", "fg", "bg", "bold"):
        getattr(raster, a)[:map_h, x0:x0 + map_w] = getattr(m, a)
    if has_axes:
        _draw_axes(raster, extent, map_w, map_h, style, charset)

    kinds = {kind for *_, kind in points} | ({"trail"} if len(trail) else set())
    legend = _legend(pal, sc, levels, mode, style, charset, kinds, off_map and off_map[2])
    return View(raster, x0, 0, map_w, map_h, extent, style, charset, scale, sc.edges(),
                levels, legend)


def _legend(pal, sc: _Scale, levels, mode, style, charset, kinds,
            off_map: str | None = None) -> tuple[LegendEntry, ...]:
    """Legend entries: levels and contours from high to low, then the marker key (the walker
    off the map: its edge arrow, "off map")."""
    edges = sc.edges()
    ramp = RAMPS[charset]
    entries = []
    if mode != "contours":
        # blocks: one entry per level colour; ramp: one per glyph (the lowest of the levels that
        # share it), since without colour levels with one glyph cannot be told apart
        firsts = [k for k in range(sc.n) if style == "blocks" or k == 0
                  or _ramp_index(k, sc.n, ramp) != _ramp_index(k - 1, sc.n, ramp)]
        labels = _labels(edges[firsts])
        for k, label in reversed(list(zip(firsts, labels, strict=True))):
            glyph = "█" if style == "blocks" else ramp[_ramp_index(k, sc.n, ramp)]
            entries.append(LegendEntry("level", glyph, k, DEFAULT, False, label, float(edges[k])))
    line = CASE_GLYPHS[charset][3]
    over_blocks = mode == "both" and style == "blocks"
    contours = []
    for v, label in reversed(list(zip(levels, _labels(levels), strict=True))):
        code = int(sc.level(v))
        fg, bg = (contrast_ink(pal, code), code) if over_blocks else (code, DEFAULT)
        contours.append(LegendEntry("contour", line, fg, bg, False, label, float(v)))
    looks = {(e.fg, e.bg) for e in contours}
    if len(contours) > 1 and (style == "ramp" or len(looks) < len(contours)):
        # the lines cannot be told apart (one glyph, no colour to rely on, or two in one colour):
        # their values are listed without a swatch of their own (render_legend adds "─ at")
        contours = [LegendEntry("contour", "", DEFAULT, DEFAULT, False, e.label, e.value)
                    for e in contours]
    entries += contours
    for kind, (_, _, code, label) in _MARKS.items():
        if kind in kinds:
            glyph = _mark(kind, charset)[0]
            if kind == "walker" and off_map:
                glyph, label = off_map, "off map"
            entries.append(LegendEntry("marker", glyph, code, DEFAULT, True, label, math.nan))
    return tuple(entries)


def _thin(items: list, k: int) -> list:
    """At most k items, evenly spread, keeping the first and the last."""
    if k >= len(items):
        return items
    if k <= 0:
        return []
    return [items[i] for i in sorted(set(np.rint(np.linspace(0, len(items) - 1, k)).astype(int)))]


def render_legend(view: View, width: int, height: int) -> Raster:
    """Colour bar (high to low), contour values and marker key, thinned to fit width x height."""
    if width < 0 or height < 0:
        raise RenderError(f"legend size must be >= 0, got {width}x{height}")
    lev, con, mk = ([e for e in view.legend if e.kind == kind]
                    for kind in ("level", "contour", "marker"))
    shared = bool(con) and not con[0].glyph  # lines that look alike: one "─ at" row, then values
    budget = height - len(mk) - bool(lev) - bool(con) - shared  # rows left after key and titles
    n_con = min(len(con), max(budget // 3, 1)) if con else 0
    lev = _thin(lev, budget - n_con)
    con = _thin(con, budget - len(lev))
    r = Raster.blank(height, width, view.raster.palette)
    row = 0
    title = "log loss" if view.scale == "log" else "loss"
    for head, entries in ((title, lev), ("contours", con), (None, mk)):
        if entries and head:
            r.put(row, 0, head)
            row += 1
            if entries is con and shared:
                r.put(row, 0, f"{CASE_GLYPHS[view.charset][3]} at")
                row += 1
        for e in entries:
            swatch = e.glyph * (2 if e.kind == "level" else 1) or " "
            r.put(row, 0, swatch, e.fg, e.bold)
            if row < height:
                r.bg[row, :len(swatch)] = e.bg
            r.put(row, len(swatch) + 1, e.label)
            row += 1
    return r


def _strip_text(text: str) -> list[StripCell]:
    return [(ch, DEFAULT, DEFAULT, False) for ch in text]


def _end_labels(lo: float, hi: float) -> tuple[str, str]:
    """Labels of a range's two ends, each as exact as 6 columns allow, told apart if they differ
    (a single value gives a single label)."""
    low, high = _labels([lo])[0], _labels([hi])[0]
    if hi <= lo:
        return low, ""
    return (low, high) if low != high else tuple(_labels([lo, hi]))


def _strip_bar(lo: float, hi: float, swatches: list[StripCell],
               prefix: str = "") -> list[StripCell]:
    """'lo <swatches> hi': a colour bar or a row of lines from its lowest to its highest loss."""
    low, high = _end_labels(lo, hi)
    return [*_strip_text(f"{prefix}{low} "), *swatches, *_strip_text(f" {high}".rstrip())]


def legend_strip_parts(view: View) -> list[list[StripCell]]:
    """The legend as one-row parts, most needed first: the colour bar (or ramp) from the lowest
    to the highest loss, the contour lines, then one key per marker kind."""
    lev, con, mk = ([e for e in view.legend if e.kind == kind]
                    for kind in ("level", "contour", "marker"))
    parts = []
    if lev:
        swatches = [(e.glyph, e.fg, e.bg, e.bold) for e in reversed(lev)]
        if view.style == "ramp":  # brackets show where a blank glyph begins and ends
            swatches = [*_strip_text("["), *swatches, *_strip_text("]")]
        prefix = "log " if view.scale == "log" else ""
        parts.append(_strip_bar(view.levels[0], view.levels[-1], swatches, prefix))
    if con and con[0].glyph and len(con) > 1:  # each line its own colour: a bar of lines
        swatches = [(e.glyph, e.fg, e.bg, e.bold) for e in reversed(con)]
        parts.append(_strip_bar(con[-1].value, con[0].value, swatches))
    elif con:  # lines alike: their range
        line = CASE_GLYPHS[view.charset][3]
        dots = "…" if view.charset == "unicode" else "..."
        low, high = _end_labels(con[-1].value, con[0].value)
        parts.append(_strip_text(f"{line} {low}{dots}{high}" if high else f"{line} {low}"))
    for e in mk:
        parts.append([(e.glyph, e.fg, e.bg, e.bold), *_strip_text(f" {e.label}")])
    return parts


def strip_row(parts: Sequence[Sequence[T]], width: int, blank: T) -> list[T]:
    """One row of `width` cells: the parts left to right with one blank between, a part that does
    not fit in what is left skipped (so earlier parts, the more needed, win)."""
    row: list[T] = []
    for part in parts:
        gap = [blank] if row else []
        if len(row) + len(gap) + len(part) <= width:
            row += [*gap, *part]
    return row + [blank] * (width - len(row))
