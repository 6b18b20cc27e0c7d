"""The loss surface in perspective, as terminal cells: projection, z-buffer, shading, markers.

The surface is a mesh of the model's loss over the view (MESH cells a side, whatever the terminal
size), scaled into a box: w1 and w2 to [-1, 1], the height to [-HALF_HEIGHT, HALF_HEIGHT] by the
map's own colour scale (linear clipped at the 98th percentile, or log). A camera at `azimuth` and
`elevation` (degrees) looks at the box's centre from DISTANCE; each mesh quad is two triangles,
filled into a depth buffer one sub-cell pixel at a time (two pixels a cell in half blocks, one in
the ramp), so near faces hide far ones. Pixels are coloured by height (the map's levels) and
shaded by how squarely they face the light. Pure numpy: the widget only paints the cells.

Conventions: azimuth -90, elevation 90 looks straight down with w1 to the right and w2 up, as on
the map; elevation 0 looks from the side. Pixel (px, py) = (0, 0) is the top-left corner.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from losswalk.core.drawing.palette import DEFAULT, Palette, make_palette
from losswalk.core.drawing.raster import _make_scale, _marker_kind, _Scale, marker_glyph
from losswalk.core.drawing.text import check_charset
from losswalk.core.landscapes.landscape import LossGrid
from losswalk.core.landscapes.models import Extent, Model

MESH = 64  # mesh cells a side: the surface's detail, the same at every terminal size
HALF_HEIGHT = 0.5  # the box is 2 x 2 wide and 2 * HALF_HEIGHT tall
DISTANCE = 5.0  # the eye's distance from the box's centre (in half-widths): mild perspective
AZIMUTH, ELEVATION = -60.0, 35.0  # the starting view (degrees)
ELEVATION_RANGE = (0.0, 90.0)  # from the side to straight down
TIERS = ("blocks", "ramp")  # colour half blocks (two pixels a cell) / a density ramp (one)
PIXELS = {"blocks": (1, 2), "ramp": (1, 1)}  # pixels a cell: (across, down)
# dark (turned away from the light) to bright, the space for empty sky; ASCII's leaves out the
# ASCII markers' glyphs (* m S M @ o), so a marker never reads as shading
RAMPS = {"unicode": " .:-=+*#%@", "ascii": " .:-=+x#%"}
HEIGHT_LEVELS = 8  # colours by height (blocks tier) ...
SHADES = (0.45, 0.7, 1.0)  # ... each at these brightnesses
LIGHT = (-0.5, 0.3, 0.8)  # towards the light: (camera's left-right, towards the eye, straight up)
AMBIENT = 0.2  # the light a face turned away still gets
DEPTH_TOLERANCE = 0.04  # a point this much behind the surface in its pixel still shows
MARK_KINDS = ("global", "minimum", "saddle", "maximum")  # drawn over the surface, in this order
REACH_MARGIN = 1.002  # the canvas is fitted to the box's corners with this much to spare
TOP_HALF, BOTTOM_HALF = "▀", "▄"

Cell = tuple[int, int]  # (row, col)


@dataclass(frozen=True)
class Camera:
    """Where the eye is: azimuth around the vertical axis, elevation above the floor (degrees)."""

    azimuth: float = AZIMUTH
    elevation: float = ELEVATION

    def turned(self, degrees: float) -> Camera:
        """Rotated about the vertical axis, azimuth kept in (-180, 180]."""
        azimuth = -((-(self.azimuth + degrees) + 180.0) % 360.0 - 180.0)
        return Camera(azimuth, self.elevation)

    def tilted(self, degrees: float) -> Camera:
        """Tilted up or down, elevation kept within ELEVATION_RANGE."""
        low, high = ELEVATION_RANGE
        return Camera(self.azimuth, min(high, max(low, self.elevation + degrees)))

    @cached_property
    def axes(self) -> np.ndarray:
        """Rows: right, up and towards-the-eye unit vectors in box coordinates (x, y, z)."""
        a, e = math.radians(self.azimuth), math.radians(self.elevation)
        eye = (math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e))
        right = (-math.sin(a), math.cos(a), 0.0)
        up = (-math.sin(e) * math.cos(a), -math.sin(e) * math.sin(a), math.cos(e))
        return np.array([right, up, eye])


@dataclass(frozen=True)
class Surface:
    """The mesh of loss values over the extent and the height scale that turns them into z."""

    grid: LossGrid
    scale: _Scale  # the map's colour scale: levels and heights agree

    @property
    def extent(self) -> Extent:
        return self.grid.extent

    @property
    def clipped(self) -> bool:
        """True when losses above the scale's top (the 98th percentile) are cut flat."""
        finite = self.grid.values[np.isfinite(self.grid.values)]
        return finite.size > 0 and float(finite.max()) > self.scale.vmax

    def height(self, loss) -> np.ndarray:
        """0 (lowest) .. 1 (top of the scale) for losses; NaN stays NaN, +inf is 1."""
        t = self.scale.forward(loss)
        lo, hi = self.scale.forward([self.scale.vmin, self.scale.vmax])
        with np.errstate(invalid="ignore"):
            fraction = (t - lo) / (hi - lo) if hi > lo else np.zeros_like(t)
        return np.clip(np.where(np.isnan(np.asarray(loss, dtype=float)), np.nan, fraction), 0, 1)

    def box(self, w1, w2, loss) -> np.ndarray:
        """Box coordinates (..., 3) of weight-space points at these losses."""
        w1_min, w1_max, w2_min, w2_max = self.extent
        x = (np.asarray(w1, dtype=float) - (w1_min + w1_max) / 2) / ((w1_max - w1_min) / 2)
        y = (np.asarray(w2, dtype=float) - (w2_min + w2_max) / 2) / ((w2_max - w2_min) / 2)
        z = (self.height(loss) - 0.5) * 2 * HALF_HEIGHT
        return np.stack(np.broadcast_arrays(x, y, z), axis=-1)

    def loss_on_mesh(self, w1, w2) -> np.ndarray:
        """The mesh's loss at points of the view, bilinear between its nodes (where a point drawn
        on the surface sits); NaN outside the view."""
        g = self.grid
        w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
        fx = np.interp(w1, g.w1s, np.arange(g.w1s.size), left=np.nan, right=np.nan)
        fy = np.interp(w2, g.w2s, np.arange(g.w2s.size), left=np.nan, right=np.nan)
        inside = np.isfinite(fx) & np.isfinite(fy)
        fx, fy = np.where(inside, fx, 0.0), np.where(inside, fy, 0.0)
        i = np.minimum(fx.astype(int), g.w1s.size - 2)
        j = np.minimum(fy.astype(int), g.w2s.size - 2)
        tx, ty = fx - i, fy - j
        v = np.clip(g.values, -np.finfo(float).max, np.finfo(float).max)
        with np.errstate(invalid="ignore", over="ignore"):
            loss = ((1 - ty) * ((1 - tx) * v[j, i] + tx * v[j, i + 1])
                    + ty * ((1 - tx) * v[j + 1, i] + tx * v[j + 1, i + 1]))
        return np.where(inside, loss, np.nan)


def surface_of(model: Model, extent: Extent, scale: str = "linear", n: int = MESH) -> Surface:
    """The model's loss on an (n + 1) x (n + 1) mesh over the extent, with its height scale
    (`scale` linear or log, as the map's colours)."""
    w1s = np.linspace(extent[0], extent[1], n + 1)
    w2s = np.linspace(extent[2], extent[3], n + 1)
    with np.errstate(all="ignore"):
        values = np.asarray(model.loss_grid(w1s, w2s), dtype=float)
    return surface_from_grid(LossGrid(w1s, w2s, values, tuple(extent)), scale)


def surface_from_grid(grid: LossGrid, scale: str = "linear") -> Surface:
    """A surface over a given grid of losses (tests build planes and steps by hand)."""
    if scale not in ("linear", "log"):
        raise ValueError(f"height scale must be linear or log, got {scale!r}")
    return Surface(grid, _make_scale(grid, scale, HEIGHT_LEVELS))


@dataclass(frozen=True)
class Projection:
    """Box coordinates to pixels of a cols x rows cell canvas, for one camera and tier.

    The scale does not depend on the azimuth, so turning the surface never resizes it: the box's
    widest possible extent, seen from this elevation through the nearest perspective, fits.
    """

    camera: Camera
    cols: int
    rows: int
    tier: str

    @property
    def pixels(self) -> tuple[int, int]:
        """(width, height) of the canvas in pixels."""
        pw, ph = PIXELS[self.tier]
        return self.cols * pw, self.rows * ph

    @cached_property
    def zoom(self) -> float:
        """Cell widths per box unit at the eye's distance (a cell is two widths tall): the box's
        corners, seen from any azimuth at this elevation, stay on the canvas."""
        across, low, high = _reach(self.camera.elevation)
        return min(self.cols / 2 / across, 2 * self.rows / (high - low)) if high > low else 0.0

    @cached_property
    def middle(self) -> float:
        """The height on the screen (box units) put at the canvas's middle row."""
        _, low, high = _reach(self.camera.elevation)
        return (low + high) / 2

    def project(self, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(px, py, depth) of box points (..., 3): pixel coordinates and distance from the eye
        along the line of sight."""
        p = np.asarray(points, dtype=float)
        right, up, eye = (p @ axis for axis in self.camera.axes)
        depth = DISTANCE - eye
        with np.errstate(invalid="ignore", divide="ignore"):
            su, sv = right * DISTANCE / depth, up * DISTANCE / depth
        pw, ph = PIXELS[self.tier]
        width, height = self.pixels
        return (width / 2 + su * self.zoom * pw,
                height / 2 - (sv - self.middle) * self.zoom * ph / 2, depth)

    def cell(self, px, py) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) of the cell holding pixel coordinates (px, py)."""
        pw, ph = PIXELS[self.tier]
        return np.floor(np.asarray(py) / ph).astype(int), np.floor(np.asarray(px) / pw).astype(int)


@lru_cache(maxsize=64)
def _reach(elevation: float) -> tuple[float, float, float]:
    """(widest |across|, lowest, highest up) on the screen of the box's 8 corners seen from
    every whole degree of azimuth at this elevation, perspective included (box units), with
    REACH_MARGIN to spare for the azimuths between whole degrees."""
    corners = np.array([(x, y, z) for x in (-1, 1) for y in (-1, 1)
                        for z in (-HALF_HEIGHT, HALF_HEIGHT)], dtype=float)
    across, ups = [], []
    for azimuth in range(-180, 180):
        right, up, eye = Camera(float(azimuth), elevation).axes @ corners.T
        shrink = DISTANCE / (DISTANCE - eye)
        across.append(np.abs(right * shrink).max())
        ups += [(up * shrink).min(), (up * shrink).max()]
    return (float(max(across)) * REACH_MARGIN, float(min(ups)) * REACH_MARGIN,
            float(max(ups)) * REACH_MARGIN)


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture: cells (glyph, fg, bg codes) and the depth buffer behind them."""

    chars: np.ndarray  # (rows, cols) str
    fg: np.ndarray  # (rows, cols) colour codes: palette levels or DEFAULT
    bg: np.ndarray
    depth: np.ndarray  # (pixel rows, pixel cols): the nearest surface's depth, inf where none
    projection: Projection
    surface: Surface
    palette: Palette

    def locate(self, w1, w2) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, visible, on_canvas) of points of the view placed on the drawn surface;
        visible is False where the surface hides the point (or it is outside the view)."""
        w1, w2 = np.atleast_1d(np.asarray(w1, dtype=float)), np.atleast_1d(np.asarray(w2, float))
        loss = self.surface.loss_on_mesh(w1, w2)
        inside = np.isfinite(w1) & np.isfinite(w2) & ~np.isnan(loss)
        px, py, depth = self.projection.project(self.surface.box(w1, w2, loss))
        width, height = self.projection.pixels
        ok = inside & np.isfinite(px) & np.isfinite(py)
        on_canvas = ok & (px >= 0) & (px < width) & (py >= 0) & (py < height)
        ix = np.clip(np.where(on_canvas, px, 0), 0, width - 1).astype(int)
        iy = np.clip(np.where(on_canvas, py, 0), 0, height - 1).astype(int)
        visible = on_canvas & (depth <= self.depth[iy, ix] + DEPTH_TOLERANCE)
        row, col = self.projection.cell(np.where(on_canvas, px, 0), np.where(on_canvas, py, 0))
        return row, col, visible, on_canvas


def shaded_palette() -> Palette:
    """HEIGHT_LEVELS map colours, each at the SHADES brightnesses: code = level * len(SHADES) +
    shade."""
    base = make_palette("viridis", HEIGHT_LEVELS).levels.astype(float)
    levels = np.array([colour * shade for colour in base for shade in SHADES])
    return Palette("viridis-shaded", np.rint(levels).astype(np.uint8))


def _triangles(n1: int, n2: int) -> np.ndarray:
    """(T, 3) vertex indices of the mesh's triangles, two per quad (row-major nodes j * n1 + i)."""
    j, i = np.meshgrid(np.arange(n2 - 1), np.arange(n1 - 1), indexing="ij")
    a = (j * n1 + i).ravel()
    b, c, d = a + 1, a + n1, a + n1 + 1
    return np.concatenate([np.stack([a, b, d], axis=1), np.stack([a, d, c], axis=1)])


def rasterise(px: np.ndarray, py: np.ndarray, depth: np.ndarray, triangles: np.ndarray,
              width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill triangles into a width x height z-buffer: (depth, triangle index (-1 for none),
    barycentric weights (height, width, 3)) per pixel. A pixel belongs to a triangle when its
    centre is inside; the nearest triangle wins (1/depth interpolated, exact under perspective)."""
    x, y, d = px[triangles], py[triangles], depth[triangles]
    area = (x[:, 1] - x[:, 0]) * (y[:, 2] - y[:, 0]) - (x[:, 2] - x[:, 0]) * (y[:, 1] - y[:, 0])
    good = np.isfinite(x).all(1) & np.isfinite(y).all(1) & (d > 0).all(1) & (np.abs(area) > 1e-12)
    with np.errstate(invalid="ignore"):
        x0 = np.clip(np.ceil(x.min(1) - 0.5), 0, width)
        x1 = np.clip(np.floor(x.max(1) - 0.5), -1, width - 1)
        y0 = np.clip(np.ceil(y.min(1) - 0.5), 0, height)
        y1 = np.clip(np.floor(y.max(1) - 0.5), -1, height - 1)
    nx, ny = np.where(good, x1 - x0 + 1, 0), np.where(good, y1 - y0 + 1, 0)
    nx, ny = np.maximum(nx, 0).astype(np.int64), np.maximum(ny, 0).astype(np.int64)
    counts = nx * ny
    zbuf = np.full((height, width), np.inf)
    owner = np.full((height, width), -1)
    weights = np.zeros((height, width, 3))
    total = int(counts.sum())
    if total == 0:
        return zbuf, owner, weights
    tri = np.repeat(np.arange(len(triangles)), counts)
    local = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    cx = x0[tri].astype(np.int64) + local % nx[tri]
    cy = y0[tri].astype(np.int64) + local // nx[tri]
    qx, qy = cx + 0.5, cy + 0.5
    tx, ty = x[tri], y[tri]
    # barycentric weight of each vertex: the signed area opposite it over the whole
    w0 = ((tx[:, 1] - qx) * (ty[:, 2] - qy) - (tx[:, 2] - qx) * (ty[:, 1] - qy)) / area[tri]
    w1 = ((tx[:, 2] - qx) * (ty[:, 0] - qy) - (tx[:, 0] - qx) * (ty[:, 2] - qy)) / area[tri]
    w2 = 1.0 - w0 - w1
    inside = (w0 >= -1e-9) & (w1 >= -1e-9) & (w2 >= -1e-9)
    tri, cx, cy, bary = tri[inside], cx[inside], cy[inside], np.stack([w0, w1, w2], 1)[inside]
    inverse = (bary / d[tri]).sum(1)  # 1/depth is linear on the screen
    pixel = cy * width + cx
    nearest = np.zeros(width * height)
    np.maximum.at(nearest, pixel, inverse)
    win = inverse == nearest[pixel]
    owner.ravel()[pixel[win]] = tri[win]
    zbuf.ravel()[pixel[win]] = 1.0 / inverse[win]
    weights.reshape(-1, 3)[pixel[win]] = bary[win]
    return zbuf, owner, weights


def _brightness(points: np.ndarray, triangles: np.ndarray, camera: Camera) -> np.ndarray:
    """AMBIENT .. 1 per triangle: how squarely it faces the light (either side of it)."""
    a, b, c = (points[triangles[:, k]] for k in range(3))
    normal = np.cross(b - a, c - a)
    length = np.linalg.norm(normal, axis=1)
    right, _, eye = camera.axes
    light = LIGHT[0] * right + LIGHT[1] * eye + LIGHT[2] * np.array([0.0, 0.0, 1.0])
    light = light / np.linalg.norm(light)
    with np.errstate(invalid="ignore", divide="ignore"):
        facing = np.abs(normal @ light) / length
    return AMBIENT + (1 - AMBIENT) * np.nan_to_num(facing)


def render_surface(surface: Surface, camera: Camera, cols: int, rows: int,
                   tier: str = "blocks", charset: str = "unicode") -> Frame:
    """The surface seen by the camera on a cols x rows canvas of cells, in a tier of TIERS
    (the ramp's characters by charset)."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {', '.join(TIERS)}, got {tier!r}")
    projection = Projection(camera, max(cols, 0), max(rows, 0), tier)
    g = surface.grid
    w1, w2 = np.meshgrid(g.w1s, g.w2s)
    points = surface.box(w1.ravel(), w2.ravel(), g.values.ravel())
    triangles = _triangles(g.w1s.size, g.w2s.size)
    triangles = triangles[~np.isnan(points[triangles, 2]).any(1)]  # NaN losses leave holes
    px, py, depth = projection.project(points)
    width, height = projection.pixels
    zbuf, owner, weights = rasterise(px, py, depth, triangles, width, height)
    shown = owner >= 0
    light = _brightness(points, triangles, camera)[np.maximum(owner, 0)]
    heights = (weights * points[triangles[np.maximum(owner, 0)], 2]).sum(-1)
    level = np.clip(((heights / HALF_HEIGHT + 1) / 2 * HEIGHT_LEVELS).astype(int),
                    0, HEIGHT_LEVELS - 1)
    palette = shaded_palette()
    if tier == "blocks":
        shade = np.clip((light * len(SHADES)).astype(int), 0, len(SHADES) - 1)
        code = np.where(shown, level * len(SHADES) + shade, DEFAULT)
        chars, fg, bg = _half_blocks(code[0::2], code[1::2])
    else:
        ramp = RAMPS[check_charset(charset)]
        glyph = np.clip((light * (len(ramp) - 1)).astype(int) + 1, 1, len(ramp) - 1)
        chars = np.where(shown, np.array(list(ramp))[glyph], " ")
        fg = bg = np.full(chars.shape, DEFAULT)
    return Frame(chars, fg, bg, zbuf, projection, surface, palette)


def _half_blocks(top: np.ndarray, bottom: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cells from pixel pairs: an upper half block in the top colour on the bottom colour; a
    lower half block where only the bottom is drawn; a space where neither is."""
    only_bottom = (top == DEFAULT) & (bottom != DEFAULT)
    chars = np.where(only_bottom, BOTTOM_HALF, np.where(top == DEFAULT, " ", TOP_HALF))
    fg = np.where(only_bottom, bottom, top)
    bg = np.where(only_bottom, DEFAULT, bottom)
    return chars, fg, bg


@dataclass(frozen=True)
class Marks:
    """What is drawn over the surface: cell -> (glyph, kind), and what could not be shown."""

    cells: dict[Cell, tuple[str, str]]
    hidden: int  # critical points in view that the surface hides
    walker: str  # "shown", "hidden" (behind the surface, drawn anyway) or "outside" the view


def marks(frame: Frame, points: Iterable, walker: Sequence[float] | None,
          trail: Sequence[Sequence[float]] = (), charset: str = "unicode") -> Marks:
    """The critical points (CriticalPoint-like: w1, w2, kind, is_global), the trail (w1, w2
    pairs, joined point to point) and the walker placed on the drawn surface. The trail and the
    points show only where the surface does not hide them; the walker always shows."""
    cells: dict[Cell, tuple[str, str]] = {}
    rows, cols = frame.chars.shape
    if len(trail):
        rr, cc, visible, _ = frame.locate(*_trail_samples(frame, np.asarray(trail, float)).T)
        glyph = marker_glyph("trail", charset)
        for r, c in zip(rr[visible], cc[visible], strict=True):
            cells[int(r), int(c)] = (glyph, "trail")
    points = [p for p in points if _marker_kind(p) in MARK_KINDS]
    hidden = 0
    if points:
        order = sorted(points, key=lambda p: -MARK_KINDS.index(_marker_kind(p)))  # global last
        rr, cc, visible, on_canvas = frame.locate([p.w1 for p in order], [p.w2 for p in order])
        hidden = int((on_canvas & ~visible).sum())
        for p, r, c, v in zip(order, rr, cc, visible, strict=True):
            if v:
                kind = _marker_kind(p)
                cells[int(r), int(c)] = (marker_glyph(kind, charset), kind)
    state = "outside"
    if walker is not None:
        r, c, visible, on_canvas = frame.locate(walker[0], walker[1])
        if on_canvas[0]:
            cells[int(r[0]), int(c[0])] = (marker_glyph("walker", charset), "walker")
            state = "shown" if visible[0] else "hidden"
    cells = {cell: mark for cell, mark in cells.items()
             if 0 <= cell[0] < rows and 0 <= cell[1] < cols}
    return Marks(cells, hidden, state)


def _trail_samples(frame: Frame, trail: np.ndarray, budget: int = 4096) -> np.ndarray:
    """Points along the trail's segments, about one a pixel while they fit the budget, and at
    least each step's own point: the trail follows the surface between the walker's steps.
    Samples outside the view are dropped by `locate`, so segments leaving it are cut off."""
    if len(trail) < 2:
        return trail
    px, py, _ = frame.projection.project(frame.surface.box(trail[:, 0], trail[:, 1], 0.0))
    length = np.hypot(np.diff(px), np.diff(py))
    steps = np.clip(np.nan_to_num(np.ceil(length), nan=1.0), 1, 64).astype(int)
    steps = np.minimum(steps, max(1, budget // len(steps)))
    seg = np.repeat(np.arange(len(steps)), steps)
    t = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / steps[seg]
    between = trail[seg] + t[:, None] * (trail[seg + 1] - trail[seg])
    return np.concatenate([between, trail[-1:]])


def decades(surface: Surface) -> float:
    """How many decades the loss spans over the view (98th over 2nd percentile, shifted as the
    log scale shifts losses so the lowest has a logarithm): 2 or more asks for a log height."""
    stats = surface.grid.stats(log=True)
    return float(stats.p98 - stats.p02) if math.isfinite(stats.p98) else 0.0


__all__ = ["AZIMUTH", "ELEVATION", "MESH", "TIERS", "Camera", "Frame", "Marks", "Projection",
           "Surface", "decades", "marks", "rasterise", "render_surface", "surface_from_grid",
           "surface_of"]
