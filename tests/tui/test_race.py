"""The optimizer race in the app (R): racers on the map, the table and the chart in the side
panel, the shared clock on space and enter, the picker, R and escape back to the walker, and the
race readable in every colour mode and charset at every supported size."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.walk.race import DEFAULT_RACERS, HEADS, TRAILS, RacerSpec
from losswalk.tui.app import LosswalkApp
from losswalk.tui.screens.race_picker import RacePicker
from losswalk.tui.widgets.race_chart import RaceChart
from losswalk.tui.widgets.race_panel import RacePanel
from losswalk.tui.widgets.walker_panel import WalkerPanel
from tests.tui.conftest import screen_text, wait_for_map, wait_until
from tests.tui.test_layout import MODES, set_mode, shown_cells

SIZE = (80, 24)


def app_on(name: str, charset: str = "unicode") -> LosswalkApp:
    return LosswalkApp(LandscapeOptions(name=name), charset=charset)


async def test_r_starts_the_race_where_the_walker_stands_and_r_returns():
    app = app_on("himmelblau")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("l", "l", "k")
        start = app.explorer.walker.position.copy()
        trail = list(app.explorer.walker.trail)
        await pilot.press("R")
        await pilot.pause()
        race = app.explorer.race
        assert race is not None and app.has_class("-race")
        assert [s.label for s in race.specs] == [s.label for s in DEFAULT_RACERS]
        for walker in race.walkers:
            np.testing.assert_array_equal(walker.position, start)
            assert walker.lr == app.explorer.walker.lr
        assert app.query_one(RacePanel).display and app.query_one(RaceChart).display
        assert not app.query_one(WalkerPanel).display
        await pilot.press("space", "space", "space")
        await pilot.pause()
        assert race.clock == 3 and all(w.steps == 3 for w in race.walkers)
        text = screen_text(pilot)
        assert "race: step 3" in text and "race of 4" in text
        for spec in DEFAULT_RACERS[:3]:
            assert spec.label in text
        # the racers are drawn, the walker is not
        overlay = {paint[0] for paint in app.map._overlay.values()}
        assert "1" in overlay and "◉" not in overlay
        await pilot.press("R")
        await pilot.pause()
        assert app.explorer.race is None and not app.has_class("-race")
        np.testing.assert_array_equal(app.explorer.walker.position, start)
        assert app.explorer.walker.trail == trail  # the walker is where it was
        assert "◉" in {paint[0] for paint in app.map._overlay.values()}


async def test_escape_leaves_the_race_and_enter_runs_and_pauses_it():
    app = app_on("bowl")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("R", "enter")
        await wait_until(pilot, lambda: app.explorer.race.clock > 0)
        assert app.explorer.walking and app.explorer.race.clock > 0
        await pilot.press("enter")
        clock = app.explorer.race.clock
        await pilot.pause(0.2)
        assert not app.explorer.walking and app.explorer.race.clock == clock
        await pilot.press("r")
        assert app.explorer.race.clock == 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.explorer.race is None and not app.explorer.walking


async def test_keys_for_the_hidden_walker_are_refused_during_the_race():
    app = app_on("bowl")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("R")
        position = app.explorer.walker.position.copy()
        for key in ("n", "l", "plus", "s", "b", "g", "t", "v"):
            await pilot.press(key)
        await pilot.pause()
        assert app.explorer.model.name == "bowl" and app.explorer.race is not None
        np.testing.assert_array_equal(app.explorer.walker.position, position)
        assert not app.explorer.blind and not app.explorer.touring
        assert any("R (or escape) returns" in str(n.message) for n in app._notifications)
        await pilot.press("c", "z")  # the view's keys work
        assert app.explorer.mode == "contours"


async def test_the_race_ends_with_the_results_table():
    app = app_on("two-dip")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("R")
        race = app.explorer.race
        while not race.over:  # the clock as space drives it, without a key press per step
            app.explorer.step()
        app._sync()
        await pilot.pause()
        text = screen_text(pilot)
        assert f"race over at step {race.clock}" in text
        results = race.results()
        panel = app.query_one(RacePanel).table(app.explorer, 31).plain
        for result in results:
            assert result.status.value in panel
            near = "never" if result.steps_to_near is None else str(result.steps_to_near)
            assert f"1% {near:>7}" in panel
        assert {r.status.value for r in results} >= {"stuck", "converged"}


async def test_the_picker_edits_the_racers():
    app = app_on("bowl")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("R", "space", "o")
        await pilot.pause()
        assert isinstance(app.screen, RacePicker)
        await pilot.press("a")  # already 4: refused
        assert len(app.screen.racers) == 4 and "at most 4" in app.screen.note
        await pilot.press("x", "x", "x")  # down to 2, then refused
        assert len(app.screen.racers) == 2 and "at least 2" in app.screen.note
        await pilot.press("up", "right", "s")  # the last row: adam+cosine -> sgd+warmup-cosine
        picked = tuple(app.screen.racers)
        assert picked == (RacerSpec("adam"), RacerSpec("sgd", "warmup-cosine"))
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RacePicker)
        assert app.explorer.race.specs == picked == app.explorer.racers
        assert app.explorer.race.clock == 0  # a new race from the same start
        await pilot.press("o", "a", "escape")  # escape keeps the race as it was
        await pilot.pause()
        assert app.explorer.race.specs == picked
        await pilot.press("R", "R")  # the next race has the same racers
        assert app.explorer.race.specs == picked


def test_picked_racers_by_hand():
    """x removes the chosen row (the first) until two are left; up wraps to the last row; the
    optimizer and schedule lists wrap too."""
    picker = RacePicker(DEFAULT_RACERS)
    picker._redraw = lambda note="": setattr(picker, "note", note)
    for _ in range(3):
        picker.action_remove()
    assert picker.racers == [RacerSpec("adam"), RacerSpec("adam", "cosine")]
    picker.action_row(-1)  # up from row 0: the last row
    picker.action_optimizer(1)  # adam -> sgd (the list wraps)
    for _ in range(2):
        picker.action_schedule()  # cosine -> warmup-cosine -> cyclic
    assert picker.racers == [RacerSpec("adam"), RacerSpec("sgd", "cyclic")]
    picker.action_schedule()  # cyclic -> constant
    assert picker.racers[1].label == "sgd"
    picker.action_add()
    assert picker.racers[-1] == RacerSpec("momentum") and picker.row == 2  # first default unused


@pytest.mark.parametrize("mode", list(MODES))
async def test_every_racer_reads_apart_in_every_mode(monkeypatch, mode):
    """Heads are the digits 1-4 (bold reverse video) and trails their own glyphs, in every
    colour mode and charset, at every supported size (the race run once, the terminal resized);
    the table names each racer by its head and the chart draws each racer's line in its digit."""
    charset = set_mode(monkeypatch, mode)
    app = app_on("two-dip", charset)
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("R", *["space"] * 12)
        for size in [(60, 18), (80, 24), (200, 50)]:
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            await pilot.pause()
            assert app.size == size
            view, shown = app.map.view, shown_cells(app, app.map)
            on_map = {shown[r, c] for r in range(view.y0, view.y0 + view.map_h)
                      for c in range(view.x0, view.x0 + view.map_w)}
            heads = {glyph for glyph, style in on_map if glyph in HEADS}
            assert heads >= {"1", "2"}, size  # sgd and momentum have parted by step 12
            for glyph, style in on_map:
                if glyph in HEADS:
                    assert style.bold and style.reverse
            trails = {glyph for glyph, _ in on_map} & set(TRAILS[charset])
            assert len(trails) >= 2, size
            text = screen_text(pilot)
            for k, spec in enumerate(app.explorer.race.specs):
                assert f"{HEADS[k]} {spec.label}" in text, size
            chart = app.query_one(RaceChart)
            chart_text = "\n".join(strip.text for strip in chart._lines)
            if chart.size.height >= 4:
                assert {"1", "2"} <= set(chart_text), size
            if charset == "ascii":
                assert text.isascii()
            assert "terminal too small" not in text
