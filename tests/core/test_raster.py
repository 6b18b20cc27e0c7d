"""Text rasters: literal expected glyphs, cell geometry against the grid axes, markers, legend."""

import itertools
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from losswalk.core.drawing.contours import CASE_GLYPHS
from losswalk.core.drawing.palette import (
    DEFAULT,
    GLOBAL_MIN,
    INK_DARK,
    INK_LIGHT,
    LOCAL_MIN,
    TRAIL,
    WALKER,
)
from losswalk.core.drawing.raster import (
    AXIS_BOTTOM,
    AXIS_LEFT,
    CHARSETS,
    MODES,
    RAMPS,
    SCALES,
    STYLES,
    Marker,
    Raster,
    RenderError,
    _labels,
    _resample,
    _tick_labels,
    cell_to_world,
    clip_segment,
    edge_mark,
    grid_shape_for,
    legend_strip_parts,
    map_size,
    marker_glyph,
    render_legend,
    render_view,
    strip_row,
    world_to_cell,
)
from losswalk.core.landscapes.landscape import LossGrid


def make_grid(values, extent=(-1.0, 1.0, -1.0, 1.0)) -> LossGrid:
    """values[j, i] = loss at (w1s[i], w2s[j]) on inclusive linspace axes."""
    values = np.asarray(values, dtype=float)
    w1s = np.linspace(extent[0], extent[1], values.shape[1])
    w2s = np.linspace(extent[2], extent[3], values.shape[0])
    return LossGrid(w1s, w2s, values, tuple(map(float, extent)))


def surface(f, extent, nx, ny) -> LossGrid:
    w1s = np.linspace(extent[0], extent[1], nx)
    w2s = np.linspace(extent[2], extent[3], ny)
    return make_grid(f(*np.meshgrid(w1s, w2s)), extent)


def bowl(w1, w2):
    return w1**2 + 2 * w2**2


# ---------------------------------------------------------------- geometry


def test_map_size_and_grid_shape():
    assert map_size(80, 24) == (80 - AXIS_LEFT, 24 - AXIS_BOTTOM) == (73, 22)
    assert map_size(80, 24, axes=False) == (80, 24)
    assert map_size(10, 24) == (10, 24)  # too narrow for axes
    assert map_size(0, 0) == (0, 0)
    assert grid_shape_for(73, 22) == grid_shape_for(73, 22, "blocks") == (73, 44)
    assert grid_shape_for(73, 22, "ramp") == (73, 22)
    with pytest.raises(RenderError):
        grid_shape_for(3, 3, "dots")
    with pytest.raises(RenderError):
        map_size(-1, 5)


def test_cells_by_hand():
    ext = (0.0, 4.0, 0.0, 2.0)
    # ramp, 5x3 map: column c at w1 = c, row r at w2 = 2 - r
    assert world_to_cell(ext, 5, 3, 0.0, 2.0, "ramp") == (0, 0)
    assert world_to_cell(ext, 5, 3, 4.0, 0.0, "ramp") == (2, 4)
    assert world_to_cell(ext, 5, 3, 1.4, 0.9, "ramp") == (1, 1)
    assert cell_to_world(ext, 5, 3, 2, 3, "ramp") == (3.0, 0.0)
    # blocks, 3 rows hold 6 samples at w2 = 2, 1.6, 1.2, 0.8, 0.4, 0
    assert cell_to_world(ext, 5, 3, 0, 0) == pytest.approx((0.0, 1.8))
    assert cell_to_world(ext, 5, 3, 2, 0) == pytest.approx((0.0, 0.2))
    assert world_to_cell(ext, 5, 3, 0.0, 1.41) == (0, 0)  # nearest sample 1.6 (row 0)
    assert world_to_cell(ext, 5, 3, 0.0, 1.39) == (1, 0)  # nearest sample 1.2 (row 1)
    for w1, w2 in [(-0.01, 1.0), (4.01, 1.0), (2.0, 2.01), (np.nan, 1.0), (2.0, np.inf)]:
        assert world_to_cell(ext, 5, 3, w1, w2) is None
    assert world_to_cell(ext, 0, 3, 1.0, 1.0) is None
    with pytest.raises(RenderError):
        cell_to_world(ext, 5, 3, 3, 0)


extents = st.tuples(st.floats(-100, 100), st.floats(0.01, 100), st.floats(-100, 100),
                    st.floats(0.01, 100)).map(lambda t: (t[0], t[0] + t[1], t[2], t[2] + t[3]))


@given(extents, st.integers(1, 40), st.integers(1, 20), st.sampled_from(STYLES), st.data())
def test_cell_world_round_trip(ext, map_w, map_h, style, data):
    row = data.draw(st.integers(0, map_h - 1))
    col = data.draw(st.integers(0, map_w - 1))
    w1, w2 = cell_to_world(ext, map_w, map_h, row, col, style)
    assert world_to_cell(ext, map_w, map_h, w1, w2, style) == (row, col)


@given(extents, st.integers(2, 40), st.integers(1, 20), st.sampled_from(STYLES),
       st.floats(0, 1), st.floats(0, 1))
def test_world_to_cell_matches_nearest_grid_sample(ext, map_w, map_h, style, fx, fy):
    # slow and independent: the cell holding the nearest sample of the linspace grid axes
    nx, ny = grid_shape_for(map_w, map_h, style)
    w1s, w2s = np.linspace(ext[0], ext[1], nx), np.linspace(ext[2], ext[3], ny)
    w1, w2 = ext[0] + fx * (ext[1] - ext[0]), ext[2] + fy * (ext[3] - ext[2])
    d1, d2 = np.abs(w1s - w1), np.abs(w2s - w2)
    if np.ptp(np.sort(d1)[:2]) < 1e-9 * (ext[1] - ext[0]) or (
            ny > 1 and np.ptp(np.sort(d2)[:2]) < 1e-9 * (ext[3] - ext[2])):
        return  # a tie between two samples: either answer is right
    top_down = ny - 1 - int(np.argmin(d2))
    expected = (top_down // (ny // map_h), int(np.argmin(d1)))
    assert world_to_cell(ext, map_w, map_h, w1, w2, style) == expected


def test_resample_identity_and_every_other_sample():
    values = np.arange(12.0).reshape(3, 4)
    assert _resample(values, 4, 3).tolist() == values[::-1].tolist()
    fine = surface(bowl, (-1, 1, -1, 1), 2 * 5 - 1, 2 * 4 - 1)  # contains the 5x4 linspace
    coarse = surface(bowl, (-1, 1, -1, 1), 5, 4)
    assert np.array_equal(_resample(fine.values, 5, 4), coarse.values[::-1])


# ---------------------------------------------------------------- heatmap

STAIRS = [[0, 1, 2, 3, 4, 5, 6, 7],  # bottom row (smallest w2)
          [7, 6, 5, 4, 3, 2, 1, 0],
          [8, 8, 8, 8, 8, 8, 8, 8]]  # top row; p98 = vmax = 8 for any percentile method


def test_ramp_glyphs_literally():
    # range [0, 8] in 8 levels: level = floor(v), one ramp glyph per level, w2 up
    view = render_view(make_grid(STAIRS), 8, 3, style="ramp", charset="ascii", n_levels=8,
                       axes=False)
    assert view.raster.text() == ["########", "#%x=;:. ", " .:;=x%#"]
    assert view.raster.fg[2].tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert (view.raster.bg == DEFAULT).all()
    assert view.levels.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    ascii_view = render_view(make_grid(STAIRS), 8, 3, charset="ascii", n_levels=8, axes=False)
    assert ascii_view.style == "ramp"  # no half blocks in ASCII
    assert ascii_view.raster.text() == ["########", "#%x=;:. ", " .:;=x%#"]
    uni = render_view(make_grid(STAIRS), 8, 3, style="ramp", n_levels=8, axes=False)
    # RAMPS["unicode"] has 7 glyphs: level k gets glyph k * 7 // 8
    assert uni.raster.text() == ["████████", "█▓▒░:.  ", "  .:░▒▓█"]


def test_blocks_upper_is_fg_lower_is_bg():
    view = render_view(make_grid(STAIRS[1:]), 8, 1, n_levels=8, axes=False)
    assert view.raster.text() == ["▀" * 8]
    assert view.raster.fg[0].tolist() == [7] * 8  # upper sample: the top row, 8
    assert view.raster.bg[0].tolist() == [7, 6, 5, 4, 3, 2, 1, 0]


def test_log_scale_spreads_decades():
    values = np.array([[1.0, 10.0, 100.0, 1000.0]] * 4)
    lin = render_view(make_grid(values), 4, 4, style="ramp", n_levels=9, axes=False)
    log = render_view(make_grid(values), 4, 4, style="ramp", n_levels=9, scale="log",
                      axes=False)
    assert lin.raster.fg[0].tolist() == [0, 0, 0, 8]
    # log10(v + 0.1) over [log10(1.1), log10(1000.1)] in 9 steps: 10 -> 2.93, 100 -> 5.96
    assert log.raster.fg[0].tolist() == [0, 2, 5, 8]
    assert log.levels[0] == pytest.approx(1.0) and log.levels[-1] == pytest.approx(1000.0)


def test_huge_corner_does_not_wash_out_the_map():
    g = surface(bowl, (-1, 1, -1, 1), 40, 40)
    g = make_grid(np.where(np.arange(40)[:, None] + np.arange(40) == 0, 1e9, g.values))
    view = render_view(g, 40, 20, axes=False)
    assert len(np.unique(view.raster.bg)) >= 8
    assert view.levels[-1] < 10


def test_nan_cells_and_all_nan():
    values = np.array([[0.0, np.nan, 2.0], [np.nan, np.nan, 1.0]])  # top row second
    ramp = render_view(make_grid(values), 3, 2, style="ramp", n_levels=2, axes=False)
    assert ramp.raster.text() == ["??░", " ?░"]
    blocks = render_view(make_grid(values), 3, 1, n_levels=2, axes=False)
    assert blocks.raster.text() == ["▄?▀"]
    assert blocks.raster.fg[0].tolist() == [0, DEFAULT, 1]
    assert blocks.raster.bg[0].tolist() == [DEFAULT, DEFAULT, 1]
    overflow = render_view(make_grid([[0.0, 1.0, np.inf]]), 3, 1, style="ramp", n_levels=2,
                           axes=False)
    assert overflow.raster.fg[0].tolist() == [0, 1, 1]  # +inf is a huge loss: top level
    for mode in MODES:
        nothing = render_view(make_grid(np.full((4, 4), np.nan)), 20, 8, mode=mode)
        assert nothing.raster.chars.shape == (8, 20)


@pytest.mark.parametrize("scale", ["linear", "log"])
@pytest.mark.parametrize("value", [0.0, 3.0, -2.0])
def test_constant_grid(scale, value):
    view = render_view(make_grid(np.full((6, 6), value)), 6, 3, mode="both", scale=scale,
                       axes=False)
    assert (view.raster.fg == 0).all() and (view.raster.bg == 0).all()
    assert view.raster.text() == ["▀" * 6] * 3  # level 0, no contour lines
    assert np.isfinite(view.levels).all()


@pytest.mark.parametrize("charset", CHARSETS)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("mode", MODES)
def test_tiny_sizes(mode, style, charset):
    g = surface(bowl, (-1, 1, -1, 1), 7, 5)
    for width in range(11):
        for height in range(7):
            view = render_view(g, width, height, mode=mode, style=style, charset=charset,
                               markers=[Marker(0, 0, "minimum", True)], walker=(0.5, 0.5),
                               trail=[(-1, -1), (0.5, 0.5)])
            assert view.raster.chars.shape == (height, width)
            legend = render_legend(view, width, height)
            assert legend.chars.shape == (height, width)


# ---------------------------------------------------------------- contours


def test_contours_mode_draws_lines_in_level_colours():
    g = surface(lambda a, b: a**2 + b**2, (-3, 3, -2, 2), 7, 5)  # centre samples 0..13
    view = render_view(g, 7, 5, mode="contours", style="ramp", contour_levels=[1.5],
                       axes=False)
    assert view.raster.text() == ["       ", "  ╭─╮  ", "  │ │  ", "  ╰─╯  ", "       "]
    drawn = view.raster.chars != " "
    level_of_1_5 = int(np.floor(1.5 / view.levels[-1] * 10))
    assert (view.raster.fg[drawn] == level_of_1_5).all()
    assert (view.raster.bg == DEFAULT).all()
    assert view.contour_levels.tolist() == [1.5]


def test_both_mode_uses_contrasting_ink_over_blocks():
    g = surface(lambda a, b: a**2 + b**2, (-3, 3, -2, 2), 7, 10)  # 13 = max in 4 corners
    view = render_view(g, 7, 5, mode="both", contour_levels=6, axes=False)
    lines = np.isin(view.raster.chars, list(CASE_GLYPHS["unicode"].strip()))
    assert lines.any() and (view.raster.chars[~lines] == "▀").all()
    assert set(view.raster.fg[lines].tolist()) <= {INK_LIGHT, INK_DARK}
    assert view.contour_levels.tolist() == [2, 4, 6, 8, 10, 12]  # step 13/6 -> 2, inside (0, 13)


def test_contour_level_specs():
    g = surface(bowl, (-1, 1, -1, 1), 20, 20)
    assert render_view(g, 20, 10, mode="contours", contour_levels=0).contour_levels.size == 0
    q = render_view(g, 20, 10, mode="contours", contour_levels="quantile").contour_levels
    assert q.size == 8 and np.all(np.diff(q) > 0)
    assert render_view(g, 20, 10, mode="contours", contour_levels=[2, 1]).contour_levels.tolist() \
        == [1, 2]
    assert render_view(g, 20, 10, contour_levels=[1.0]).contour_levels.size == 0  # heatmap
    rosen = surface(lambda a, b: (1 - a) ** 2 + 100 * (b - a * a) ** 2, (-2, 2, -1, 3), 60, 60)
    logv = render_view(rosen, 40, 20, mode="contours", scale="log")
    mantissas = logv.contour_levels / 10 ** np.floor(np.log10(logv.contour_levels))
    assert np.allclose(mantissas, 1) or np.all(np.isin(np.round(mantissas, 9), [1, 2, 5]))
    below = render_view(g, 20, 10, mode="contours", scale="log", contour_levels=[-5.0])
    assert below.legend[-1].fg == 0  # below the log floor: the lowest level's colour
    for bad in ("nice", [1.0, np.nan], -1):
        with pytest.raises(RenderError):
            render_view(g, 20, 10, mode="contours", contour_levels=bad)


# ---------------------------------------------------------------- markers


def test_markers_trail_and_walker():
    ext = (0.0, 4.0, 0.0, 4.0)
    g = surface(bowl, ext, 5, 10)
    view = render_view(g, 5, 5, markers=[Marker(2, 2, "minimum", True), Marker(4, 4, "minimum")],
                       trail=[(0, 0), (4, 0), (4, 2)], walker=(4, 2), axes=False)
    r = view.raster
    assert r.text() == ["▀▀▀▀◇", "▀▀▀▀▀", "▀▀★▀◉", "▀▀▀▀•", "•••••"]
    assert (r.fg[2, 2], r.bold[2, 2]) == (GLOBAL_MIN, True)
    assert (r.fg[0, 4], r.fg[2, 4], r.fg[4, 0]) == (LOCAL_MIN, WALKER, TRAIL)
    assert not r.bold[4, 0] and r.bold[2, 4]
    assert view.cell_at(4, 2) == (2, 4) and view.world_at(2, 4) == pytest.approx((4.0, 2.0))
    assert view.world_at(5, 0) is None
    on_top = render_view(g, 5, 5, markers=[Marker(2, 2, "saddle")], walker=(2, 2), axes=False)
    assert on_top.raster.text()[2][2] == "◉"
    key = [e.label for e in view.legend if e.kind == "marker"]
    assert key == ["global", "local", "walker", "trail"]


def test_a_trail_that_leaves_the_map_is_drawn_to_the_edge():
    # Regression: a step far off the map was a "wild jump" drawn as its ends only, so a walk
    # that diverged showed no trail at all beyond its last point on the map.
    g = surface(bowl, (0.0, 4.0, 0.0, 4.0), 5, 5)
    for far in [(100.0, 2.0), (1e300, 2.0), (1.7e308, 2.0)]:
        view = render_view(g, 5, 5, style="ramp", trail=[(2, 2), far], axes=False)
        assert view.raster.text()[2][2:] == "•••", far
        assert view.trail_cells([(2, 2), far]) == [(2, 2), (2, 3), (2, 4)]
    through = render_view(g, 5, 5, style="ramp", trail=[(-10, -10), (14, 14)], axes=False)
    assert [through.raster.text()[4 - k][k] for k in range(5)] == ["•"] * 5  # passes across
    assert render_view(g, 5, 5, style="ramp", trail=[(-10, 0), (0, -10)], axes=False
                       ).raster.text() == render_view(g, 5, 5, style="ramp", axes=False
                                                      ).raster.text()  # misses the map


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((2, 2), (100, 2), ((2, 2), (4, 2))),
    ((-2, -2), (6, 6), ((0, 0), (4, 4))),
    ((-1, 5), (5, -1), ((0, 4), (4, 0))),
    ((5, 5), (6, 6), None),
    ((-1e3, 2), (1.7e308, 2), ((0, 2), (4, 2))),
])
def test_clip_segment_against_hand_values(a, b, expected):
    piece = clip_segment(a, b, (0.0, 4.0, 0.0, 4.0))
    if expected is None:
        assert piece is None
    else:
        np.testing.assert_allclose(np.array(piece), np.array(expected, dtype=float), atol=1e-9)


@pytest.mark.parametrize(("charset", "walker", "cell", "arrow"), [
    ("unicode", (100.0, 2.0), (2, 4), "→"),
    ("unicode", (100.0, 100.0), (0, 4), "↗"),
    ("unicode", (2.0, -50.0), (4, 2), "↓"),
    ("unicode", (-1e308, 2.0), (2, 0), "←"),
    ("ascii", (100.0, 2.0), (2, 4), ">"),
    ("ascii", (2.0, 100.0), (0, 2), "^"),
])
def test_a_walker_off_the_map_is_an_arrow_at_the_edge(charset, walker, cell, arrow):
    g = surface(bowl, (0.0, 4.0, 0.0, 4.0), 5, 5)
    view = render_view(g, 5, 5, style="ramp", charset=charset, walker=walker, axes=False)
    r = view.raster
    assert r.chars[cell] == arrow and r.fg[cell] == WALKER and r.bold[cell]
    assert sum(ch == arrow for ch in "".join(r.text())) == 1
    assert view.edge_mark(*walker) == (*cell, arrow) and view.cell_at(*walker) is None
    key = [(e.glyph, e.label) for e in view.legend if e.kind == "marker"]
    assert key == [(arrow, "off map")]


def test_the_edge_mark_lies_where_the_way_from_the_centre_crosses_the_edge():
    extent = (-3.0, 5.0, 10.0, 12.0)  # spans 8 and 2: the arrow follows the map's own axes
    for w1, w2 in [(40.0, 11.5), (1.0, 30.0), (-20.0, 0.0), (9.0, 14.0)]:
        row, col, _ = edge_mark(extent, 33, 9, w1, w2, "ramp", "unicode")
        u = np.array([(w1 - 1.0) / 8, (w2 - 11.0) / 2])
        exit_point = np.array([1.0, 11.0]) + u / (2 * np.max(np.abs(u))) * [8, 2]
        assert world_to_cell(extent, 33, 9, *exit_point, "ramp") == (row, col)
    assert edge_mark(extent, 33, 9, 1.0, 11.0) is None  # on the map
    assert edge_mark(extent, 33, 9, float("nan"), 11.0) is None
    with_axes = render_view(surface(bowl, extent, 9, 9), 40, 11, style="ramp", walker=(40, 11))
    row, col, arrow = with_axes.edge_mark(40.0, 11.0)
    assert with_axes.raster.chars[row, col] == arrow == "→" and col == with_axes.x0 + 32


def test_critical_points_work_as_markers():
    minima = pytest.importorskip("losswalk.core.landscapes.minima")
    cp = minima.CriticalPoint(w1=0.0, w2=0.0, loss=0.0, kind="saddle", is_global=False)
    view = render_view(surface(bowl, (-1, 1, -1, 1), 5, 5), 5, 5, style="ramp", charset="ascii",
                       markers=[cp], axes=False)
    assert view.raster.text()[2][2] == "S"
    with pytest.raises(RenderError, match="marker kind"):
        render_view(surface(bowl, (-1, 1, -1, 1), 5, 5), 5, 5, markers=[Marker(0, 0, "peak")])


def test_ascii_glyph_sets_are_disjoint():
    ascii_view = render_view(
        surface(bowl, (-1, 1, -1, 1), 9, 9), 9, 9, charset="ascii", axes=False,
        markers=[Marker(-1, -1, "minimum", True), Marker(1, 1, "minimum"),
                 Marker(-1, 1, "saddle"), Marker(1, -1, "maximum")],
        trail=[(0, 0), (0.5, 0)], walker=(0, 0))
    marks = [e.glyph for e in ascii_view.legend if e.kind == "marker"]
    assert marks == ["*", "m", "S", "M", "@", "o"]
    contour = set(CASE_GLYPHS["ascii"]) - {" "}
    assert len(set(marks)) == 6
    assert not set(marks) & (contour | set(RAMPS["ascii"]) | {"?"})
    assert not contour & set(RAMPS["ascii"])


# ---------------------------------------------------------------- axes and legend


def test_axes_literally():
    view = render_view(surface(bowl, (-1, 1, -1, 1), 23, 16), 30, 10)
    assert (view.x0, view.y0, view.map_w, view.map_h) == (7, 0, 23, 8)
    rows = view.raster.text()
    gutter = [row[:7] for row in rows]
    assert gutter == ["    w2│", "      │", "      │", "      │", "     0┤", "      │", "      │",
                      "    -1┤", "      └", "      -"]
    # w1 ticks -1, 0, 1 at map columns 0, 11, 22; the label "1" gives way to the axis name
    assert rows[8] == "      └┬──────────┬───────────"
    assert rows[9] == "      -1          0         w1"
    ascii_rows = render_view(surface(bowl, (-1, 1, -1, 1), 23, 8), 30, 10, charset="ascii")
    assert ascii_rows.raster.text()[8] == "      ++----------+-----------"


def test_legend_levels_contours_and_key():
    g = surface(lambda a, b: np.minimum(a**2 + b**2, 8), (-3, 3, -2, 2), 31, 31)
    view = render_view(g, 30, 12, mode="both", n_levels=4, contour_levels=[2.0, 5.0],
                       walker=(0, 0))
    assert view.levels.tolist() == [0, 2, 4, 6, 8]
    legend = render_legend(view, 12, 12)
    edges = ["6", "4", "2", "0"]
    assert legend.text()[:8] == [
        "loss".ljust(12), *[f"██ {e}".ljust(12) for e in edges],
        "contours    ", "─ 5         ", "─ 2         "]
    assert legend.text()[8:] == ["◉ walker    "] + [" " * 12] * 3
    assert legend.fg[1:5, 0].tolist() == [3, 2, 1, 0]
    small = render_legend(view, 8, 5)  # 5 rows: key 1, titles 2, so 2 left for levels+contours
    assert small.text() == ["loss    ", f"██ {edges[0]}".ljust(8)[:8], "contours",
                            "─ 5     ", "◉ walker"[:8]]


def himmelblau(w1, w2):
    return (w1**2 + w2 - 11) ** 2 + (w1 + w2**2 - 7) ** 2


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("charset", CHARSETS)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("mode", MODES)
def test_every_legend_entry_has_its_own_look(mode, style, charset, scale):
    """The density ramp's legend had two levels drawn ▒▒ and two blank, and every contour line
    the same ─: entries that look alike say nothing. Without colour (ramp) only the glyph counts;
    with colour, what 256 colours show."""
    view = render_view(surface(himmelblau, (-5, 5, -5, 5), 60, 60), 60, 30, mode=mode,
                       style=style, charset=charset, scale=scale)
    pal, colour = view.raster.palette, view.style == "blocks"

    def look(e):
        return (e.glyph, pal.xterm256(e.fg), pal.xterm256(e.bg)) if colour else e.glyph

    levels = [look(e) for e in view.legend if e.kind == "level"]
    assert len(set(levels)) == len(levels) == (0 if mode == "contours" else
                                               10 if colour else len(RAMPS[charset]))
    lines = [e for e in view.legend if e.kind == "contour"]
    assert len(lines) == len(view.contour_levels) and (mode == "heatmap") == (not lines)
    own = [look(e) for e in lines if e.glyph]
    assert len(set(own)) == len(own) and len(own) in (0, len(lines))  # all apart, or none drawn
    assert not own or colour or len(lines) == 1
    legend = render_legend(view, 13, 30).text()
    key = f"{CASE_GLYPHS[charset][3]} at".ljust(13)
    assert legend.count(key) == (bool(lines) and not own)
    if lines and not own:  # the values follow their one shared line, highest first
        values = [float(row) for row in legend[legend.index(key) + 1:] if row[:2] == "  "
                  and row.strip()]
        assert values and values == sorted(values, reverse=True)


def test_ramp_legend_gives_each_glyph_the_lowest_loss_it_stands_for():
    view = render_view(make_grid(STAIRS), 8, 3, style="ramp", n_levels=8, axes=False)
    entries = [(e.glyph, e.value) for e in view.legend if e.kind == "level"]
    # 8 levels on 7 glyphs: levels 0 and 1 are both blank, so one entry from loss 0
    assert entries == [("█", 7), ("▓", 6), ("▒", 5), ("░", 4), (":", 3), (".", 2), (" ", 0)]


def test_strip_row_keeps_the_parts_that_fit_in_order():
    parts = [list("abcd"), list("efghijk"), list("xy"), list("z")]
    assert "".join(strip_row(parts, 10, ".")) == "abcd.xy.z."  # efghijk does not fit: skipped
    assert "".join(strip_row(parts, 3, ".")) == "xy.z"[:3]
    assert strip_row([], 2, ".") == [".", "."]


@pytest.mark.parametrize("charset", CHARSETS)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("mode", MODES)
def test_legend_strip_reads_the_range_and_keys(mode, style, charset):
    """The one-row legend under a 60x18 map: the colour bar (or ramp) between its lowest and
    highest loss, the contour lines, then marker keys."""
    view = render_view(surface(himmelblau, (-5, 5, -5, 5), 40, 40), 28, 14, mode=mode,
                       style=style, charset=charset, markers=[Marker(3, 2, "minimum", True)])
    parts = legend_strip_parts(view)
    text = ["".join(cell[0] for cell in part) for part in parts]
    lo, hi = view.levels[0], view.levels[-1]
    if mode != "contours":
        low, bar, high = text[0].split(" ")[-3:] if view.style == "blocks" else (
            text[0].split("[")[0].strip(), text[0][text[0].index("["):text[0].index("]") + 1],
            text[0].split("]")[1].strip())
        assert abs(float(low) - lo) <= 0.01 * (hi - lo) and abs(float(high) - hi) <= 0.01 * hi
        levels = [e for e in view.legend if e.kind == "level"]
        glyphs = "".join(e.glyph for e in reversed(levels))
        assert bar == (glyphs if view.style == "blocks" else f"[{glyphs}]")  # low to high
        start = len(low) + 1 + (view.style == "ramp")
        assert [cell[1] for cell in parts[0][start:start + len(levels)]] == [
            e.fg for e in reversed(levels)]
    lines = view.contour_levels
    if mode == "contours":  # the lines: in their own colours, or their range
        low, high = (float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text[0])[:2])
        assert (low, high) == pytest.approx((lines[0], lines[-1]), rel=0.01)
    assert text[-1] == f"{marker_glyph('global', charset)} global"
    row = strip_row(parts, 28, (" ", DEFAULT, DEFAULT, False))
    assert len(row) == 28 and row[:len(parts[0])] == parts[0]


def test_labels_by_hand():
    assert _labels([0.0, 2.0, 4.0]) == ["0", "2", "4"]
    assert _labels([0.125, 0.5]) == ["0.125", "0.5"]  # 3 digits are within a quarter gap
    assert _labels([-3.004, -3.002, -3.0, -2.998]) == ["-3.004", "-3.002", "-3", "-2.998"]
    assert _labels([-1e15, -5e14, 0.0, 5e14, 1e15]) == ["-1e15", "-5e14", "0", "5e14", "1e15"]
    assert _labels([1e-6, 2e-6]) == ["1e-6", "2e-6"]
    assert _labels([0.0, 0.05, 0.1, 0.15], width=3) == ["0", "", "0.1", ""]  # "0.1" for 0.05: far
    assert _labels([2.51, 2.51001, 2.51002]) == ["2.51", "", ""]  # 6 columns can't tell them apart
    assert _labels([]) == []


def test_tick_labels_fall_back_to_offsets():
    ticks = np.array([1e6 - 5e-4, 1e6, 1e6 + 5e-4])
    assert _tick_labels(ticks, 6) == ["-5e-4", "1e6", "+5e-4"]
    assert _tick_labels(np.array([1.0, 2.0]), 6) == ["1", "2"]
    assert _tick_labels(np.array([0.5]), 6) == ["0.5"] and _tick_labels(np.empty(0), 6) == []


@given(st.floats(-1e12, 1e12), st.floats(1e-9, 1e9), st.integers(1, 12), st.integers(3, 8))
def test_labels_are_close_distinct_and_fit(start, step, n, width):
    values = start + step * np.arange(n)
    assume(np.all(np.diff(values) > 0))  # a step below the float spacing at start gives ties
    labels = _labels(values, width)
    shown = [(v, s) for v, s in zip(values, labels, strict=True) if s]
    assert len(labels) == n and all(len(s) <= width for s in labels)
    parsed = [float(s) for _, s in shown]
    assert parsed == sorted(set(parsed))  # strictly increasing, so pairwise distinct
    if len(shown) > 1:
        gap = min(b[0] - a[0] for a, b in itertools.pairwise(shown))
        assert all(abs(float(s) - v) <= gap / 4 for v, s in shown)


def axis_ticks(view):
    """(world coordinate of the tick, label) for w2 (gutter) and w1 (bottom row)."""
    rows, x0, h = view.raster.text(), view.x0, view.map_h
    w2 = [(view.world_at(r, x0)[1], rows[r][:x0 - 1].strip()) for r in range(h)
          if rows[r][x0 - 1] == "┤"]
    labels = {m.start() + len(m.group()) // 2: m.group()
              for m in re.finditer(r"\S+", rows[h + 1]) if m.group() != "w1"}
    w1 = [(view.world_at(0, c)[0], labels[c]) for c in range(x0, view.raster.width)
          if rows[h][c] == "┬"]
    return w2, w1


def absolute(labels):
    """Tick values from labels, resolving offsets ("+2e-7") against the one base label."""
    if not any(s.startswith("+") for s in labels):
        return [float(s) for s in labels]
    base = [s for s in labels if not s.startswith(("+", "-"))]
    if not base:  # a negative base: the label not within the offsets' scale
        base = [max(labels, key=lambda s: abs(float(s)))]
    assert len(base) == 1
    return [float(base[0]) + (0.0 if s == base[0] else float(s)) for s in labels]


@pytest.mark.parametrize("extent", [
    (-3.005, -2.995, 2.995, 3.005), (3.0, 3.000001, -5e-7, 5e-7),
    (1e6 - 1e-3, 1e6 + 1e-3, -1e6 - 1e-3, -1e6 + 1e-3), (-1e9, 1e9, -1e9, 1e9),
    (-1e15, 1e15, 0.0, 1e15)])
def test_axis_labels_distinct_in_gutter_and_right(extent):
    g = surface(lambda a, b: (a - extent[0]) + (b - extent[2]), extent, 73, 44)
    view = render_view(g, 80, 24, mode="both")
    assert [len(row) for row in view.raster.text()] == [80] * 24
    cell = ((extent[3] - extent[2]) / view.map_h, (extent[1] - extent[0]) / view.map_w)
    for ticks, size in zip(axis_ticks(view), cell, strict=True):
        assert len(ticks) >= 2
        assert all(0 < len(s) <= AXIS_LEFT - 1 for _, s in ticks)
        values = absolute([s for _, s in ticks])
        assert len(set(values)) == len(values)
        for (pos, _), v in zip(ticks, values, strict=True):
            assert abs(v - pos) <= size + 1e-9 * abs(pos)  # the tick sits on its value
    assert "w1" in view.raster.text()[-1]


@pytest.mark.parametrize(("lo", "hi", "shown"), [
    (2.51, 2.5101, 2), (1e9, 1e9 + 1, 1), (-1e15, 1e15, 2), (0, 1e-9, 2)])
def test_legend_labels_distinct_for_any_range(lo, hi, shown):
    """Levels closer than 6 columns can show get fewer labels (1e9 + 1 is '1e9' at best)."""
    g = make_grid(np.linspace(lo, hi, 100).reshape(10, 10))
    view = render_view(g, 40, 24, mode="both")
    for kind in ("level", "contour"):
        entries = [e for e in view.legend if e.kind == kind and e.label]
        assert len(entries) >= min(shown, 1 if kind == "contour" else 2)
        labels = [e.label for e in entries]
        assert len(set(labels)) == len(labels) and all(len(s) <= 6 for s in labels)
        assert [float(s) for s in labels] == sorted(map(float, labels), reverse=True)
        assert all(abs(float(e.label) - e.value) <= (hi - lo) / 4 for e in entries)
    legend = render_legend(view, 9, 22)
    assert legend.width == 9 and all(len(row) == 9 for row in legend.text())


def test_raster_runs_and_put():
    r = Raster.blank(1, 5, render_view(make_grid(STAIRS), 1, 1).raster.palette)
    r.put(0, 3, "abcd", fg=2, bold=True)
    assert r.text() == ["   ab"]
    assert r.runs(0) == [("   ", DEFAULT, DEFAULT, False), ("ab", 2, DEFAULT, True)]
    assert Raster.blank(2, 0, r.palette).runs(1) == []


# ---- the trail's cells, one segment at a time (issue 8 §6) -----------------------------------


def test_trail_cells_kept_step_by_step_equal_the_whole_trail_drawn_afresh():
    """Regression: the map redrew the whole trail each step (24 -> 45 ms by step 8,000). The
    incremental cells equal View.trail_cells of the trail at every step: growing, dropping its
    oldest points as the walker does, after a non-finite point, and after a new walk."""
    from losswalk.core.drawing.raster import TrailCells
    from losswalk.core.walk.walker import TrailPoint

    grid = surface(bowl, (-4.0, 4.0, -3.0, 3.0), 41, 31)
    view = render_view(grid, 40, 14, mode="heatmap", style="ramp")
    rng = np.random.default_rng(4)
    cells = TrailCells()
    trail: list = []

    def point(k, w1, w2):
        return TrailPoint(k, w1, w2, 0.0, 0.0, 0.1)

    for k in range(400):
        w = rng.normal(0.0, 2.5, 2)  # sometimes off the map: cut at its edge
        trail.append(point(k, *w) if k != 150 else point(k, np.nan, np.nan))
        del trail[:-60]  # the walker keeps its last points
        expected = set(view.trail_cells([(p.w1, p.w2) for p in trail]))
        assert cells.update(view, trail) == expected, k
        if k == 300:  # a new walk: a fresh list
            trail = [point(0, 0.5, 0.5)]
            assert cells.update(view, trail) == set(view.trail_cells([(0.5, 0.5)]))
    other = render_view(grid, 30, 10, mode="heatmap", style="ramp")
    assert cells.update(other, trail) == set(other.trail_cells([(p.w1, p.w2) for p in trail]))
