"""Snapshots of the basin map (A) and the curvature panel (i) at 80x24, in colour and in ASCII.

The map's and the basin map's workers are awaited before each snapshot and the colour system is
pinned to truecolor, so the SVGs are deterministic.
"""

from __future__ import annotations

import pytest
from textual import constants

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from tests.tui.test_basins_curvature import settle

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def truecolor(monkeypatch):
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


def snap(snap_compare, app, *keys) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_basins_colour(snap_compare):
    assert snap(snap_compare, LosswalkApp(LandscapeOptions(name="himmelblau")), "A")


def test_basins_ascii(snap_compare):
    app = LosswalkApp(LandscapeOptions(name="camel"), charset="ascii")
    assert snap(snap_compare, app, "A")


def test_curvature_colour(snap_compare):
    app = LosswalkApp(LandscapeOptions(name="rosenbrock"))
    assert snap(snap_compare, app, "i", "space")


def test_curvature_ascii(snap_compare):
    app = LosswalkApp(LandscapeOptions(name="bowl"), charset="ascii")
    assert snap(snap_compare, app, "i", "plus", "plus", "plus")
