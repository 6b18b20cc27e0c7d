"""Snapshot tests (pytest-textual-snapshot) of the optimizer race at 80x24: in colour, in ASCII
and the racer picker (the same deterministic set-up as tests/tui/test_snapshots.py)."""

from __future__ import annotations

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from tests.tui.test_snapshots import snap, truecolor  # noqa: F401 (the autouse fixture)

STEPS = ("space",) * 20


def test_race_colour(snap_compare):
    assert snap(snap_compare, LosswalkApp(LandscapeOptions(name="himmelblau")), "R", *STEPS)


def test_race_ascii(snap_compare):
    app = LosswalkApp(LandscapeOptions(name="himmelblau"), charset="ascii")
    assert snap(snap_compare, app, "R", *STEPS)


def test_race_picker(snap_compare):
    assert snap(snap_compare, LosswalkApp(LandscapeOptions(name="two-dip")), "R", "o", "down")
