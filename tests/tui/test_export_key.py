"""The app's `e`: a typed folder prompt, four files holding the view and the walker's trail, and a
message; a folder that cannot take them is a message and the app goes on."""

from __future__ import annotations

import csv
import json
import os

import pytest

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from losswalk.tui.screens.export import ExportScreen
from tests.tui.conftest import screen_text, wait_for_map


async def _export_into(pilot, folder: str) -> None:
    await pilot.press("e")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    field = screen.query_one("#export-folder")
    assert field.value == os.getcwd()  # the default: the current folder
    field.value = folder
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()  # the files are written in a thread
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (60, 18)])
async def test_e_saves_view_and_trail(tmp_path, size):
    app = LosswalkApp(LandscapeOptions(name="himmelblau"), charset="ascii")
    async with app.run_test(size=size) as pilot:
        await wait_for_map(pilot)
        await pilot.press("space", "space", "o", "space")
        shown = screen_text(pilot)
        trail = list(app.explorer.walker.trail)
        await _export_into(pilot, str(tmp_path))
        assert not isinstance(app.screen, ExportScreen)
        files = sorted(p.name for p in tmp_path.iterdir())
        assert len(files) == 4 and all(f.startswith("losswalk-himmelblau-") for f in files)
        svg, = tmp_path.glob("*.svg")
        assert svg.read_text().lstrip().startswith("<svg")
        txt, = tmp_path.glob("*.txt")
        assert txt.read_text().splitlines() == [line.rstrip() for line in shown.splitlines()]
        assert txt.read_text().isascii()
        rows = list(csv.DictReader((tmp_path / next(f for f in files if f.endswith(".csv")))
                                   .open()))
        assert [(int(r["step"]), float(r["w1"]), float(r["w2"]), float(r["loss"]),
                 float(r["grad_norm"]), float(r["lr"]), r["optimizer"]) for r in rows] == [
            (p.step, p.w1, p.w2, p.loss, p.grad_norm, p.lr, p.optimizer) for p in trail]
        assert [r["optimizer"] for r in rows] == ["sgd", "sgd", "sgd", "momentum"]
        data = json.loads((tmp_path / next(f for f in files if f.endswith(".json"))).read_text())
        assert [p["w1"] for p in data["trail"]] == [p.w1 for p in trail]
        assert "exported to" in app.explorer.message and str(tmp_path) in app.explorer.message


async def test_escape_cancels_and_a_bad_folder_is_a_message(tmp_path):
    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("e", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        before = app.explorer.walker.position.copy()
        await _export_into(pilot, str(tmp_path / "missing"))
        assert list(tmp_path.iterdir()) == []
        notes = [n.message for n in app._notifications]
        assert any("nothing exported: no such folder" in n for n in notes), notes
        await pilot.press("space")  # the app goes on
        assert app.explorer.walker.steps == 1 and (app.explorer.walker.trail[0].w1 == before[0])


async def test_an_unexpected_failure_is_a_message_too(tmp_path, monkeypatch):
    from losswalk.core.files import export

    def broken(folder, data):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(export, "write_export", broken)
    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await _export_into(pilot, str(tmp_path))
        assert any("nothing exported: the disk caught fire" in n.message
                   for n in app._notifications)
        assert app.is_running
