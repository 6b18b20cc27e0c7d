"""Every layout whole, every mode legible (issue 7, section 4): the side panel at wide sizes, the
legend at the minimum size, the walker in every colour mode, the split view's panes, and glyphs
that mean one thing each."""

from __future__ import annotations

import math
import re

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual import constants

from losswalk.core.drawing.palette import DEFAULT
from losswalk.core.drawing.raster import marker_glyph
from losswalk.core.drawing.text import ARROWS
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets.walker_panel import GLYPHS, WalkerPanel
from tests.tui.conftest import wait_for_map, wait_until

MARKERS = ("global", "minimum", "saddle", "maximum", "walker", "trail")


def panel_lines(app: LosswalkApp) -> list[str]:
    panel = app.query_one(WalkerPanel)
    return [panel.render_line(y).text.rstrip() for y in range(panel.size.height)]


# ------------------------------------------------------------------------- the side panel

async def test_the_panel_shows_every_setting_and_the_state_at_every_width():
    """At 140 columns and more the roomy panel (15 rows) was capped at 14: `step 85…` and no
    state line. One walker, the terminal resized through the sizes."""
    app = LosswalkApp()
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("space")
        for size in [(60, 18), (80, 24), (140, 24), (160, 45), (200, 50), (250, 70)]:
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            lines = panel_lines(app)
            assert app.size == size
            assert not any(line.endswith(("…", "...")) for line in lines), (size, lines)
            assert any(line.split()[:2] == ["step", "1"] for line in lines if line), (size, lines)
            state_line = [line for line in lines if line][-1]
            assert state_line.startswith(app.explorer.walk_state), (size, lines)
            if size[0] >= 140 and size[1] >= 30:  # room for the long labels
                assert any(line.startswith("learn rate") for line in lines), (size, lines)


async def test_a_stopped_walker_always_shows_why():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press(*["plus"] * 20, "enter")
        await wait_until(pilot, lambda: app.explorer.walker.status.ended)
        for size in [(80, 24), (140, 24), (200, 50)]:
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            state = app.explorer.walk_state
            lines = [line for line in panel_lines(app) if line]
            assert any(line.startswith(state) for line in lines), (size, lines)
            assert any(line.startswith(("step", "lr", "learn rate")) for line in lines), lines


async def test_the_panel_fits_its_place_under_the_tour_at_60x18():
    """Under the tour at 60x18 the side column is 7 rows: the 11-row panel was clipped by it,
    losing the settings and the state without a sign; now it is cut to fit, state kept."""
    app = LosswalkApp(tour=True)
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_for_map(pilot)
        panel = app.query_one(WalkerPanel)
        side = app.query_one("#side")
        assert panel.size.height <= side.size.height
        lines = [line for line in panel_lines(app) if line]
        assert lines[-1] == app.explorer.walk_state and lines[-2].endswith("…")


# ------------------------------------------------------------------------- glyphs

@pytest.mark.parametrize("charset", ["unicode", "ascii"])
def test_panel_glyphs_never_read_as_map_markers(charset):
    """The rose's rise was ▲, the maximum marker; ASCII NW/SW arrows were ` and , (dust)."""
    markers = {marker_glyph(kind, charset) for kind in MARKERS}
    rose = set(GLYPHS[charset].values())
    assert not rose & markers
    arrows = set(ARROWS[charset].values()) - {ARROWS[charset]["flat"]}
    assert not arrows & markers and not arrows & rose
    assert not arrows & set("`',.;:")  # punctuation ticks that read as specks


# ------------------------------------------------------------------------- the walker

def shown_cells(app: LosswalkApp, widget) -> dict[tuple[int, int], tuple[str, Style]]:
    """What the screen shows (after NO_COLOR's filter) over a widget: (row, col) -> (char,
    style), in the widget's coordinates."""
    region, out = widget.region, {}
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for text, style, _ in strip:
            for ch in text:
                if region.contains(x, y):
                    out[y - region.y, x - region.x] = (ch, style or Style())
                x += 1
    return out


def rgb(colour) -> tuple[int, int, int]:
    return tuple(colour.get_truecolor()) if colour is not None else (18, 18, 18)  # app's bg


def shown_colours(style: Style) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(ink, background) as the terminal shows them (reverse video swaps them)."""
    ink, paper = rgb(style.color), rgb(style.bgcolor)
    return (paper, ink) if style.reverse else (ink, paper)


def luma(colour) -> float:
    return 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]


MODES = {  # name -> (env NO_COLOR, Textual colour system, charset)
    "256": (False, "256", "unicode"), "truecolor": (False, "truecolor", "unicode"),
    "16": (False, "standard", "unicode"), "no_color": (True, "256", "unicode"),
    "ascii": (False, "256", "ascii"), "ascii_no_color": (True, "256", "ascii"),
}


def set_mode(monkeypatch, mode: str) -> str:
    """Colour system and NO_COLOR for one of MODES; returns its charset."""
    no_color, system, charset = MODES[mode]
    monkeypatch.setattr(constants, "COLOR_SYSTEM", system)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return charset


@pytest.mark.parametrize("mode", list(MODES))
async def test_the_walker_is_the_most_visible_thing_on_the_map(monkeypatch, mode):
    """With NO_COLOR the walker was #444444 on #121212, dimmer than its own trail (and in 256
    colours magenta on dark purple): now a bold reverse-video block no other cell looks like."""
    charset, no_color = set_mode(monkeypatch, mode), MODES[mode][0]
    app = LosswalkApp(charset=charset)
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("space", "space", "space", "c", "c")  # the trail, over contours too
        for size in [(60, 18), (80, 24)]:
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            assert app.size == size
            walker_stands_out(app, charset, no_color)


def walker_stands_out(app: LosswalkApp, charset: str, no_color: bool) -> None:
    """The walker's cell is the one solid block on the map, in a colour (or grey) that reads."""
    view, shown = app.map.view, shown_cells(app, app.map)
    walker = view.cell_at(*app.explorer.walker.position)
    trail = [cell for cell, paint in app.map._overlay.items() if cell != walker
             and paint[0] == marker_glyph("trail", charset)]
    assert walker is not None and len(trail) >= 3
    on_map = {(r, c): shown[r, c] for r in range(view.y0, view.y0 + view.map_h)
              for c in range(view.x0, view.x0 + view.map_w)}
    glyph, style = on_map.pop(walker)
    assert glyph == marker_glyph("walker", charset) and style.bold and style.reverse
    assert not any(s.reverse for _, s in on_map.values())  # the only solid block
    block, ink = shown_colours(style)[::-1]
    assert abs(luma(block) - luma(ink)) > 128  # the glyph reads inside its block
    others = {colour for _, s in on_map.values() for colour in shown_colours(s)}
    if no_color:  # greys only: the brightest thing on the map, brighter than the trail
        assert luma(block) >= max(map(luma, others))
        assert all(luma(block) > luma(shown_colours(on_map[c][1])[0]) for c in trail)
    else:  # a colour nothing else on the map is drawn in, far from all of them
        assert min(math.dist(block, colour) for colour in others) > 100


# ------------------------------------------------------------------------- the legend at 60x18

@pytest.mark.parametrize("mode", ["256", "16", "no_color", "ascii"])
async def test_the_map_has_a_legend_at_the_minimum_size(monkeypatch, mode):
    """At 60x18 the map kept < 30 columns, so it had no legend at all: now a one-row legend
    under it (the colour bar or ramp, or the contour lines, and what fits of the key), and the
    map keeps every column and all rows but that one; for the heatmap, contours and both."""
    charset = set_mode(monkeypatch, mode)
    app = LosswalkApp(charset=charset)
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_for_map(pilot)
        for keys in [(), ("c",), ("c", "c")]:  # c from the heatmap to contours, then both
            await pilot.press(*keys[-1:])
            await wait_for_map(pilot)
            legend_fits_the_strip(app, charset, keys)


def legend_fits_the_strip(app: LosswalkApp, charset: str, keys: tuple[str, ...]) -> None:
    """The map's one-row legend under it, and the map's size beside it."""
    view, width, height = app.map.view, *app.map.size
    assert app.map.legend_layout() == "strip"
    assert (view.map_w, view.map_h) == (width - 7, height - 3)  # axes and the legend row
    assert app.map.grid.values.shape[::-1] == app.map.grid_shape()
    legend = "".join(ch for _, (ch, _) in sorted(
        (c, cell) for (r, c), cell in shown_cells(app, app.map).items() if r == height - 1))
    low, high = view.levels[0], view.levels[-1]
    if not keys or keys == ("c", "c"):  # the colour bar / ramp from lowest to highest loss
        levels = "".join(e.glyph for e in reversed(view.legend) if e.kind == "level")
        bar = levels if view.style == "blocks" else f"[{levels}]"
        numbers = legend.replace(bar, " ").split()
        assert bar in legend and float(numbers[0]) == pytest.approx(low, rel=0.01)
        assert float(numbers[1]) == pytest.approx(high, rel=0.01)
    else:  # the contour lines and the range of their values
        assert ("─" if charset == "unicode" else "-") in legend
        numbers = re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", legend)
        lines = view.contour_levels
        assert [float(v) for v in numbers[:2]] == pytest.approx([lines[0], lines[-1]], rel=0.01)


# ------------------------------------------------------------------------- the BCE | MSE split

async def wait_for_split(pilot) -> None:
    """Both halves of the split have their grid and landmarks, for their current size."""
    app = pilot.app
    for _ in range(300):
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if not any(app.query_one(f"#map-{loss}").busy for loss in ("bce", "mse")):
            return
    raise AssertionError("the split maps did not finish")


def svg_backgrounds(svg: str) -> dict[tuple[int, int], str]:
    """(row, col) -> fill of the background rectangles of a Textual SVG screenshot."""
    cells = {}
    for fill, x, y, w in re.findall(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" '
                                    r'width="([\d.]+)" height="24.65"', svg):
        row = round((float(y) - 1.5) / 24.4)
        for col in range(round(float(x) / 12.2), round((float(x) + float(w)) / 12.2)):
            cells[row, col] = fill
    return cells


@pytest.mark.parametrize("system", ["256", "truecolor"])
async def test_every_cell_of_both_split_maps_is_painted(monkeypatch, system):
    """Reported: the MSE pane of `v` left 100+ cells (around its ★) at the terminal's default
    background. The app paints them (tmux's `capture-pane -e` drops the blank cells that end a
    line unless given -N, and the MSE pane ends every line, its flat valley in one colour): each
    map cell of both panes is sent, and screenshot, in its heatmap colour or the app's own; as
    a heatmap and contours at 80x24, and both at 160x45."""
    monkeypatch.setattr(constants, "COLOR_SYSTEM", system)
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = LosswalkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("v")
        for size, key in [((80, 24), None), ((80, 24), "c"), ((160, 45), "c")]:
            await pilot.resize_terminal(*size)
            if key:
                await pilot.press(key)
            await wait_for_split(pilot)
            await pilot.pause()
            assert app.size == size
            split_cells_are_painted(app, system)


def split_cells_are_painted(app: LosswalkApp, system: str) -> None:
    """Every map cell of both split panes is sent and screenshot in its heatmap colour."""
    painted = svg_backgrounds(app.export_screenshot())
    for loss in ("bce", "mse"):
        pane = app.query_one(f"#map-{loss}")
        view, shown = pane.view, shown_cells(app, pane)
        palette = view.raster.palette
        for r in range(view.map_h):
            for c in range(view.x0, view.x0 + view.map_w):
                if (r, c) in pane._overlay:  # the walker and its trail
                    continue
                style = shown[r, c][1]
                code = int(view.raster.bg[r, c])
                expected = (rgb(app.screen.rich_style.bgcolor) if code == DEFAULT
                            else palette.rgb(code) if system == "truecolor"
                            else rgb(RichColor.from_ansi(palette.xterm256(code))))
                colour = shown_colours(style)[1]
                assert style.bgcolor is not None, (loss, r, c)
                assert colour == expected, (loss, r, c)
                fill = painted.get((pane.region.y + r, pane.region.x + c))
                assert fill == "#{:02x}{:02x}{:02x}".format(*colour), (loss, r, c)
