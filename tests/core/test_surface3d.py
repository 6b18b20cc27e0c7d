"""The 3-D surface: projection of known points (hand-computed), z-buffer against a slow loop,
hidden surfaces, each tier's characters, and markers where the projection puts them."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from losswalk.core.drawing.palette import DEFAULT
from losswalk.core.drawing.surface3d import (
    DISTANCE,
    HALF_HEIGHT,
    RAMPS,
    REACH_MARGIN,
    Camera,
    Projection,
    decades,
    marks,
    rasterise,
    render_surface,
    surface_from_grid,
    surface_of,
)
from losswalk.core.landscapes.landscape import LossGrid
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LandscapeOptions

TOP = Camera(-90.0, 90.0)  # straight down: w1 to the right, w2 up, as on the map
SIDE = Camera(-90.0, 0.0)  # from -w2, level with the floor: w1 to the right, loss up


def grid(values, extent=(-1.0, 1.0, -1.0, 1.0)) -> LossGrid:
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    return LossGrid(np.linspace(extent[0], extent[1], nx), np.linspace(extent[2], extent[3], ny),
                    values, extent)


def point(w1, w2, kind="minimum", is_global=False):
    return SimpleNamespace(w1=w1, w2=w2, kind=kind, is_global=is_global)


# ---------------------------------------------------------------- projection, by hand


def test_top_view_zoom_by_hand():
    # straight down, the box's top corners (±1, ±1, +0.5) reach furthest: sqrt(2) * 5 / 4.5 at
    # azimuth 45 degrees off; a 40 x 20 canvas is 20 cell widths each way from its middle
    reach = math.sqrt(2) * DISTANCE / (DISTANCE - HALF_HEIGHT) * REACH_MARGIN
    assert Projection(TOP, 40, 20, "ramp").zoom == pytest.approx(20 / reach)
    assert 20 / reach == pytest.approx(12.7025, abs=1e-4)


@pytest.mark.parametrize(("box", "pixel", "cell"), [
    ((0.0, 0.0, 0.0), (20.0, 10.0), (10, 20)),
    ((0.5, 0.0, 0.0), (26.3513, 10.0), (10, 26)),  # 20 + 0.5 * 12.7025
    ((0.0, 0.5, 0.0), (20.0, 6.8244), (6, 20)),  # 10 - 0.5 * 12.7025 / 2: w2 up the screen
    ((-1.0, -1.0, 0.5), (5.8862, 17.0569), (17, 5)),  # 5/4.5 nearer the eye: 12.7025 * 1.1111
])
def test_projection_top_view_by_hand(box, pixel, cell):
    projection = Projection(TOP, 40, 20, "ramp")
    px, py, _ = projection.project(np.array(box))
    assert (float(px), float(py)) == pytest.approx(pixel, abs=1e-3)
    assert tuple(int(v) for v in projection.cell(px, py)) == cell


def test_projection_side_view_by_hand():
    # from -w2 at eye level: w1 right, height up, nearer points (smaller w2) magnified
    projection = Projection(SIDE, 40, 20, "blocks")  # 2 pixels a cell down
    zoom = projection.zoom
    px, py, depth = projection.project(np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.5],
                                                 [1.0, 1.0, 0.0]]))
    assert depth == pytest.approx([4.0, 5.0, 6.0])
    assert px == pytest.approx([20 + 1.25 * zoom, 20, 20 + 5 / 6 * zoom])
    assert py == pytest.approx([20, 20 - 0.5 * zoom, 20])  # 40 pixel rows; 2 pixels a width...
    # ... a cell is two widths tall and two pixels, so one pixel row per width up


def test_every_corner_fits_at_every_azimuth():
    # slow check of the zoom: the box's corners from each azimuth (off the whole degrees too)
    # stay on the canvas, and, over all azimuths, reach its sides or its top and bottom
    corners = np.array([(x, y, z) for x in (-1, 1) for y in (-1, 1) for z in (-0.5, 0.5)])
    for elevation in (0.0, 35.0, 90.0):
        xs, ys = [], []
        for azimuth in np.arange(-180, 180, 0.5):
            projection = Projection(Camera(azimuth, elevation), 60, 20, "blocks")
            px, py, _ = projection.project(corners)
            xs += [px.min(), px.max()]
            ys += [py.min(), py.max()]
        width, height = projection.pixels
        assert min(xs) >= 0 and max(xs) <= width and min(ys) >= 0 and max(ys) <= height
        sides = min(xs) / width < 0.01 and max(xs) / width > 0.99
        ends = min(ys) / height < 0.01 and max(ys) / height > 0.99
        assert sides or ends


def test_turning_keeps_the_azimuth_in_range_and_tilting_stops_at_the_ends():
    assert Camera(170, 30).turned(20).azimuth == pytest.approx(-170)
    assert Camera(-170, 30).turned(-20).azimuth == pytest.approx(170)
    assert Camera(0, 85).tilted(10).elevation == 90
    assert Camera(0, 5).tilted(-10).elevation == 0


# ---------------------------------------------------------------- z-buffer


def slow_rasterise(px, py, depth, triangles, width, height):
    """Per pixel, per triangle: the nearest triangle whose area holds the pixel's centre."""
    zbuf = np.full((height, width), np.inf)
    owner = np.full((height, width), -1)
    for t, (a, b, c) in enumerate(triangles):
        for j in range(height):
            for i in range(width):
                qx, qy = i + 0.5, j + 0.5
                m = np.array([[px[a] - px[c], px[b] - px[c]], [py[a] - py[c], py[b] - py[c]]])
                if abs(np.linalg.det(m)) < 1e-12:
                    continue
                wa, wb = np.linalg.solve(m, [qx - px[c], qy - py[c]])
                wc = 1 - wa - wb
                if min(wa, wb, wc) < -1e-9:
                    continue
                d = 1 / (wa / depth[a] + wb / depth[b] + wc / depth[c])
                if d < zbuf[j, i] - 1e-12:
                    zbuf[j, i], owner[j, i] = d, t
    return zbuf, owner


def test_rasterise_matches_a_slow_loop():
    rng = np.random.default_rng(3)
    px, py = rng.uniform(-3, 15, 12), rng.uniform(-3, 11, 12)
    depth = rng.uniform(2, 8, 12)
    triangles = rng.integers(0, 12, (10, 3))
    zbuf, owner, weights = rasterise(px, py, depth, triangles, 12, 8)
    slow_z, slow_owner = slow_rasterise(px, py, depth, triangles, 12, 8)
    assert np.array_equal(np.isinf(zbuf), np.isinf(slow_z))
    assert zbuf[np.isfinite(zbuf)] == pytest.approx(slow_z[np.isfinite(slow_z)])
    covered = owner >= 0
    assert covered.sum() > 20  # the test draws something
    # the same triangle, or one as near (a shared edge or crossing)
    same = (owner == slow_owner) | np.isclose(zbuf, slow_z)
    assert same[covered].all()
    assert weights[covered].sum(-1) == pytest.approx(1.0)


def test_a_near_face_hides_a_far_one_whatever_the_order():
    # two triangles over the same pixels: depth 3 (near) and 6 (far)
    px = np.array([0, 10, 0, 0, 10, 0], dtype=float)
    py = np.array([0, 0, 10, 0, 0, 10], dtype=float)
    depth = np.array([3, 3, 3, 6, 6, 6], dtype=float)
    for triangles in ([[0, 1, 2], [3, 4, 5]], [[3, 4, 5], [0, 1, 2]]):
        zbuf, owner, _ = rasterise(px, py, depth, np.array(triangles), 10, 10)
        near = triangles.index([0, 1, 2])
        assert (owner[zbuf < np.inf] == near).all()
        assert zbuf[2, 2] == pytest.approx(3.0)


def test_a_ridge_hides_what_lies_behind_it():
    # a wall along w2 = -0.5 (near the eye from -w2), a low floor behind it
    values = np.zeros((21, 21))
    values[4:7, :] = 10.0
    surface = surface_from_grid(grid(values))
    behind, before = point(0.0, 0.6), point(0.5, -0.9)
    low = render_surface(surface, Camera(-90, 10), 60, 20, "blocks")
    seen = marks(low, [behind, before], None)
    assert seen.hidden == 1
    assert set(kind for _, kind in seen.cells.values()) == {"minimum"}
    assert len(seen.cells) == 1
    above = render_surface(surface, TOP, 60, 20, "blocks")
    assert marks(above, [behind, before], None).hidden == 0


# ---------------------------------------------------------------- tiers


@pytest.fixture(scope="module")
def himmelblau():
    model = LandscapeOptions(name="himmelblau").build()
    return model, surface_of(model, model.extent)


def test_mesh_is_the_models_loss(himmelblau):
    model, surface = himmelblau
    g = surface.grid
    for j, i in ((0, 0), (10, 33), (64, 64)):
        assert g.values[j, i] == pytest.approx(model.loss(np.array([g.w1s[i], g.w2s[j]])))
    # between nodes the drawn surface is bilinear: the midpoint of a cell is its corners' mean
    w1, w2 = (g.w1s[3] + g.w1s[4]) / 2, (g.w2s[7] + g.w2s[8]) / 2
    assert surface.loss_on_mesh(w1, w2) == pytest.approx(g.values[7:9, 3:5].mean())
    assert np.isnan(surface.loss_on_mesh(99.0, 0.0))


@pytest.mark.parametrize("charset", ["unicode", "ascii"])
def test_ramp_tier_is_the_ramp_without_colour(himmelblau, charset):
    model, surface = himmelblau
    frame = render_surface(surface, Camera(), 60, 20, "ramp", charset)
    assert set("".join(frame.chars.ravel())) <= set(RAMPS[charset])
    assert len(set("".join(frame.chars.ravel()))) >= 5  # shading shows
    assert (frame.fg == DEFAULT).all() and (frame.bg == DEFAULT).all()
    placed = marks(frame, landmarks(model, model.extent).points, model.start,
                   [(0.0, 0.0), (1.0, 1.0)], charset)
    glyphs = "".join(glyph for glyph, _ in placed.cells.values())
    assert glyphs.isascii() == (charset == "ascii")
    assert not set(glyphs) & set(RAMPS[charset])  # a marker never reads as shading
    assert len(set(glyphs)) == 5  # walker, trail, global minimum, saddle, maximum


def test_blocks_tier_is_half_blocks_in_colour(himmelblau):
    _, surface = himmelblau
    frame = render_surface(surface, Camera(), 60, 20, "blocks")
    assert set("".join(frame.chars.ravel())) == {" ", "▀", "▄"}
    drawn = frame.chars != " "
    assert (frame.fg[drawn] >= 0).all()  # every drawn cell has a colour
    assert (frame.fg[~drawn] == DEFAULT).all() and (frame.bg[~drawn] == DEFAULT).all()
    assert len(np.unique(frame.fg[drawn])) >= 8


def test_log_height_scale_and_the_clipped_top():
    values = np.array([[1.0, 10.0, 100.0], [1000.0, 10000.0, 1e5], [1e5, 1e5, 1e5]])
    linear = surface_from_grid(grid(values), "linear")
    log = surface_from_grid(grid(values), "log")
    assert linear.height(1000.0) == pytest.approx((1000 - 1) / (1e5 - 1))
    # log10(v - floor + delta), floor 0, delta 1e-4 * 1e5 = 10: 1 -> log10(11), 1e5 -> ~5
    top, bottom = math.log10(1e5 + 10), math.log10(11)
    assert log.height(1000.0) == pytest.approx((math.log10(1010) - bottom) / (top - bottom))
    with pytest.raises(ValueError, match="linear or log"):
        surface_from_grid(grid(values), "cubic")


# ---------------------------------------------------------------- markers where they belong


def test_markers_land_where_the_projection_says_by_hand():
    # a flat floor (every loss equal: height 0, z = -0.5) seen straight down on 40 x 20 cells
    surface = surface_from_grid(grid(np.full((5, 5), 2.0)))
    frame = render_surface(surface, TOP, 40, 20, "ramp")
    zoom = 20 / (math.sqrt(2) * DISTANCE / (DISTANCE - HALF_HEIGHT) * REACH_MARGIN)
    shrink = DISTANCE / (DISTANCE + HALF_HEIGHT)  # the floor is 5.5 from the eye
    walker, minimum = (0.5, 0.5), point(-0.5, 0.25, is_global=True)
    placed = marks(frame, [minimum], walker, charset="ascii")
    col = math.floor(20 + 0.5 * shrink * zoom)  # 25.78 -> 25
    row = math.floor(10 - 0.5 * shrink * zoom / 2)  # 7.11 -> 7
    assert (col, row) == (25, 7)
    assert placed.cells[row, col] == ("@", "walker")
    assert placed.cells[math.floor(10 - 0.25 * shrink * zoom / 2),
                        math.floor(20 - 0.5 * shrink * zoom)] == ("*", "global")
    assert placed.walker == "shown" and placed.hidden == 0


def test_himmelblau_minima_from_above_are_where_the_map_has_them(himmelblau):
    # straight down the picture is the map: the four global minima's cells by the top-view
    # formula, each at its own height on the mesh
    model, surface = himmelblau
    frame = render_surface(surface, TOP, 80, 30, "blocks")
    report = landmarks(model, model.extent)
    minima = [p for p in report.points if p.kind == "minimum"]
    assert len(minima) == 4
    placed = marks(frame, minima, None)
    zoom = frame.projection.zoom
    expected = set()
    for p in minima:
        z = (float(surface.height(surface.loss_on_mesh(p.w1, p.w2))) - 0.5) * 2 * HALF_HEIGHT
        shrink = DISTANCE / (DISTANCE - z)
        x, y = p.w1 / 5, p.w2 / 5
        expected.add((math.floor((30 - y * shrink * zoom) / 2), math.floor(40 + x * shrink * zoom)))
    assert set(placed.cells) == expected
    assert {mark for mark in placed.cells.values()} == {("★", "global")}


def test_the_walker_shows_behind_a_hill_and_says_so():
    values = np.zeros((21, 21))
    values[4:7, :] = 10.0
    frame = render_surface(surface_from_grid(grid(values)), Camera(-90, 10), 60, 20, "blocks")
    placed = marks(frame, [], (0.0, 0.6))
    assert placed.walker == "hidden" and ("◉", "walker") in placed.cells.values()
    assert marks(frame, [], (5.0, 0.0)).walker == "outside"


def test_the_trail_is_drawn_between_steps_and_cut_at_the_view():
    surface = surface_from_grid(grid(np.full((5, 5), 2.0)))
    frame = render_surface(surface, TOP, 40, 20, "ramp")
    placed = marks(frame, [], None, [(-0.8, 0.0), (0.8, 0.0), (3.0, 0.0)], "ascii")
    cols = sorted(col for (row, col), mark in placed.cells.items() if mark == ("o", "trail"))
    assert {row for row, _ in placed.cells} == {10}
    assert cols == list(range(cols[0], cols[-1] + 1))  # joined, no gaps
    right_edge = math.floor(20 + 1.0 * DISTANCE / (DISTANCE + HALF_HEIGHT) * frame.projection.zoom)
    assert cols[-1] in (right_edge - 1, right_edge)  # the segment leaving the view stops there


def test_the_numbers_the_title_and_notes_show():
    # the cut is the 98th percentile of the mesh's losses; decades are log10 of the 98th over
    # the 2nd percentile, each shifted as the log scale shifts (floor 0, delta 1e-4 * max)
    values = np.logspace(0, 5, 400).reshape(20, 20)
    surface = surface_from_grid(grid(values))
    assert surface.scale.vmax == pytest.approx(np.percentile(values, 98))
    assert surface.clipped
    delta = 1e-4 * 1e5
    p02, p98 = np.percentile(np.log10(values + delta), [2, 98])
    assert decades(surface) == pytest.approx(p98 - p02)
    flat = surface_from_grid(grid(np.full((4, 4), 3.0)))
    assert decades(flat) == 0 and not flat.clipped


def test_a_long_trail_is_drawn_from_its_first_step():
    # 10,000 steps (the walker's cap) back and forth along w2 = 0, starting at the far left
    surface = surface_from_grid(grid(np.full((5, 5), 2.0)))
    frame = render_surface(surface, TOP, 40, 20, "ramp")
    trail = np.zeros((10_000, 2))
    trail[0] = (-0.9, 0.0)
    trail[1:, 0] = np.where(np.arange(1, 10_000) % 2, 0.5, 0.6)
    cols = [col for (_, col), mark in marks(frame, [], None, trail).cells.items()
            if mark[1] == "trail"]
    assert min(cols) == math.floor(20 - 0.9 * DISTANCE / (DISTANCE + HALF_HEIGHT)
                                   * frame.projection.zoom)
