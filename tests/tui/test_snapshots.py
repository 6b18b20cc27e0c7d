"""Snapshot tests (pytest-textual-snapshot) of the app at 80x24: heatmap, contours, help, too small,
the tour's first slide, the practice screen, blind mode and the walker under NO_COLOR; and the
layouts at 200x50 and at the 60x18 minimum.

The map's grid worker is awaited before each snapshot, the colour system is pinned to truecolor
(the half-block heatmap), nothing animates and text cursors do not blink, so the SVGs are
deterministic.
"""

from __future__ import annotations

import pytest
from textual import constants
from textual.widgets import Input

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from tests.tui.conftest import wait_for_map

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def truecolor(monkeypatch):
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


def snap(snap_compare, app, *keys, size=SIZE) -> bool:
    async def run_before(pilot) -> None:
        await wait_for_map(pilot)
        for key in keys:
            await pilot.press(key)
        await wait_for_map(pilot)
        for field in pilot.app.screen.query(Input):  # a blinking cursor is on or off by timing
            field.cursor_blink = False  # (0.5 s): steady, shown, under any load

    return snap_compare(app, terminal_size=size, run_before=run_before)


def test_heatmap_default(snap_compare):
    assert snap(snap_compare, LosswalkApp(), "space", "space", "space")


def test_contours_only(snap_compare):
    assert snap(snap_compare, LosswalkApp(LandscapeOptions(name="himmelblau")), "c")


def test_help_screen(snap_compare):
    assert snap(snap_compare, LosswalkApp(), "question_mark")


def test_too_small(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.pause()

    assert snap_compare(LosswalkApp(), terminal_size=(50, 14), run_before=run_before)


def test_tour_first_slide(snap_compare):
    assert snap(snap_compare, LosswalkApp(tour=True))


def test_practice_screen(snap_compare):
    assert snap(snap_compare, LosswalkApp(), "P")


def test_blind_mode(snap_compare):
    assert snap(snap_compare, LosswalkApp(), "l", "l", "l", "b", "space", "space")


def test_wide_layout(snap_compare):
    """200x50: the roomy side panel with every setting and the walker's state (issue 7: at 140
    columns and more it was cut at `step` and the state never showed)."""
    assert snap(snap_compare, LosswalkApp(), "space", "space", size=(200, 50))


def test_minimum_size(snap_compare):
    """60x18, the smallest size the app draws: the legend is one row under the map."""
    assert snap(snap_compare, LosswalkApp(), "space", "space", size=(60, 18))


def test_no_color_walker(snap_compare, monkeypatch):
    """NO_COLOR: the walker is a white reverse-video block, brighter than its trail and the map
    (it was #444444 on #121212)."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap(snap_compare, LosswalkApp(), "space", "space", "space")
