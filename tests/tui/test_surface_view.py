"""The 3-D view in the app: key 3 and escape, the arrows turn it (and move the walker again once
it is closed), the walker and landmarks where the projection puts them, every size and
colour mode."""

from __future__ import annotations

import numpy as np
import pytest
from textual import constants

from losswalk.core.drawing.surface3d import ELEVATION, Camera, marks, render_surface
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets.status_bar import status_lines
from losswalk.tui.widgets.surface_view import SPIN, TILT, TURN, SurfaceView, walker_cell
from tests.tui.conftest import screen_text, wait_for_map

SIZE = (80, 24)


def himmelblau(**kwargs) -> LosswalkApp:
    return LosswalkApp(LandscapeOptions(name="himmelblau"), **kwargs)


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await wait_for_map(pilot)


def surface(app) -> SurfaceView:
    return app.query_one("#surface", SurfaceView)


async def test_3_shows_the_surface_the_arrows_turn_it_and_escape_returns():
    app = himmelblau()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        start = app.explorer.walker.position.copy()
        await press(pilot, "3")
        view = surface(app)
        assert view.display and not app.map.display and app.focused is view
        assert "3-D az -60° el 35°" in screen_text(pilot)
        app.explorer.message = ""  # the status line's key hint: the arrows turn it
        assert status_lines(app.explorer, 80, "unicode")[1] == (
            "arrows turn  space step  enter run  3 map")
        azimuth = view.camera.azimuth
        await press(pilot, "right", "right", "shift+left")
        assert view.camera.azimuth == pytest.approx(azimuth + 2 * TURN - 3 * TURN)
        assert SPIN == 3 * TURN
        await press(pilot, "shift+up", "down", "shift+up")
        assert view.camera.elevation == pytest.approx(ELEVATION + TILT)
        np.testing.assert_array_equal(app.explorer.walker.position, start)  # nothing walked
        await press(pilot, "space")  # the app's other keys still work
        assert app.explorer.walker.steps == 1
        await press(pilot, "escape")
        assert not app.explorer.view3d and app.map.display and not view.display
        moved = app.explorer.walker.position.copy()
        app.explorer.message = ""
        assert status_lines(app.explorer, 80, "unicode")[1].startswith("arrows/hjkl move")
        await press(pilot, "left")  # the walker's again
        assert app.explorer.walker.position[0] < moved[0]
        await press(pilot, "3")
        assert view.display and app.focused is view
        await press(pilot, "3")
        assert app.map.display and app.focused is None


async def test_blind_mode_refuses_it_and_blind_closes_it():
    app = himmelblau()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "b", "3")
        assert not app.explorer.view3d and "press b to look first" in app.explorer.message
        await press(pilot, "b", "3", "b")
        assert app.explorer.blind and not app.explorer.view3d and not surface(app).display
        await press(pilot, "left")  # blind: the arrows walk
        assert app.explorer.walker.steps == 0 and app.explorer.walker.position[0] < 0


async def test_it_waits_behind_the_data_view_and_comes_back_with_its_arrows():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "3", "d")
        assert app.explorer.view3d and not surface(app).display and app.focused is None
        await press(pilot, "d")
        assert surface(app).display and app.focused is surface(app)
        await press(pilot, "d", "3")  # 3 closes it, even waiting
        assert not app.explorer.view3d
        await press(pilot, "3")  # refused: the data view fills the screen
        assert not app.explorer.view3d and "d closes it first" in app.explorer.message


async def test_walker_and_landmarks_land_where_the_projection_says():
    app = himmelblau()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "space", "space", "3", "right")
        view = surface(app)
        model = app.explorer.model
        # an independent frame of the same surface at the widget's canvas size
        frame = render_surface(view.surface, Camera(-45, 35), view.size.width,
                               view.size.height - 2, view.style_name)
        report = landmarks(model, model.extent)
        placed = marks(frame, report.limited().points, app.explorer.walker.position)
        (walker,) = [cell for cell, (_, kind) in placed.cells.items() if kind == "walker"]
        assert walker_cell(view) == (walker[0] + 1, walker[1])  # below the title row
        text = screen_text(pilot).splitlines()
        top = view.region.y + 1
        for (row, col), (glyph, kind) in placed.cells.items():
            if kind != "walker":
                assert text[top + row][view.region.x + col] == glyph


@pytest.mark.parametrize("setup", ["colour", "no_color", "ascii"])
async def test_every_size_and_mode_draws_it(setup, monkeypatch):
    """In each look, at each size (the terminal resized under the 3-D view)."""
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    if setup == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = himmelblau(charset="ascii" if setup == "ascii" else "unicode")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "space", "3")
        for size in [(80, 24), (60, 18), (200, 50)]:
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            assert app.size == size
            surface_is_drawn(app, screen_text(pilot), setup)


def surface_is_drawn(app, text: str, setup: str) -> None:
    """The 3-D picture with its walker, in half blocks (colour) or the density ramp."""
    view = surface(app)
    assert view.style_name == ("blocks" if setup == "colour" else "ramp")
    assert "3-D az" in text and walker_cell(view) is not None
    picture = "".join(strip.text for strip in (view.render_line(y)
                                               for y in range(1, view.size.height - 1)))
    if setup == "colour":
        assert "▀" in picture
    else:
        assert set(picture) & set("-=+*#%@")
    if setup == "ascii":
        assert text.isascii(), sorted({c for c in text if not c.isascii()})
    if setup != "colour":  # the picture and its landmarks have no colour of their own
        assert {(fg, bg) for row in view._base for _, fg, bg, _, _ in row} == {(-1, -1)}


async def test_log_height_follows_m_and_the_screen_says_so():
    app = LosswalkApp(LandscapeOptions(name="rosenbrock"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "3")
        text = screen_text(pilot)
        assert "height: loss" in text
        assert "decades: m for log height" in text
        await press(pilot, "m")
        assert surface(app).surface.scale.log and "height: log loss" in screen_text(pilot)


async def test_a_walker_step_repaints_only_a_few_cells_of_the_surface():
    app = himmelblau()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "3")
        view = surface(app)
        regions = []
        original = view.refresh

        def spy(*args, **kwargs):
            regions.append(args)
            return original(*args, **kwargs)

        view.refresh = spy
        cell = walker_cell(view)
        while walker_cell(view) == cell:  # steps until the walker is on another cell
            await press(pilot, "space")
        assert regions and all(args for args in regions)  # regions only, never the whole view
        assert sum(len(args) for args in regions) < 10 * app.explorer.walker.steps


async def test_a_surface_that_cannot_be_computed_is_said_in_one_line(monkeypatch):
    import losswalk.tui.widgets.surface_view as surface_view

    def fail(*args, **kwargs):
        raise ValueError("the loss overflowed")

    monkeypatch.setattr(surface_view, "surface_of", fail)
    app = himmelblau()
    said = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        original = app.notify
        app.notify = lambda message, **kwargs: (said.append(message), original(message, **kwargs))
        await press(pilot, "3")
        assert said == ["cannot draw the 3-D surface: the loss overflowed"]
        assert "3-D: cannot draw this surface" in screen_text(pilot)
        await press(pilot, "escape", "space")  # the app goes on
        assert app.explorer.walker.steps == 1
