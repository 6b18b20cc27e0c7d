"""Snapshot tests (pytest-textual-snapshot) of the 3-D view at 80x24: in colour (half blocks)
and in ASCII (the density ramp), after a few steps so the trail shows, turned once."""

from __future__ import annotations

import pytest
from textual import constants

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from tests.tui.test_snapshots import snap


@pytest.fixture(autouse=True)
def truecolor(monkeypatch):
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


STEPS = ("space",) * 6


def test_surface_in_colour(snap_compare):
    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    assert snap(snap_compare, app, *STEPS, "3", "right")


def test_surface_in_ascii(snap_compare):
    app = LosswalkApp(LandscapeOptions(name="himmelblau"), charset="ascii")
    assert snap(snap_compare, app, *STEPS, "3", "right")
