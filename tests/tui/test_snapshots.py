"""Snapshot tests (pytest-textual-snapshot) of the app at 80x24: heatmap, contours, help, too small,
the tour's first slide, the practice screen and blind mode.

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
