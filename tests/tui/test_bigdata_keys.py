"""Big data (issue 8 §5): d, v, g, i and R compute in the OffLoop worker, never on the event loop,
and the screen then shows exactly what it shows when they are computed at once (small data).

A 2,000-row file stands in for a million rows: the OffLoop threshold is lowered below it."""

from __future__ import annotations

import threading

import pytest

from losswalk.core.explorer import Explorer
from losswalk.core.landscapes import curvature
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.lesson import inspect
from losswalk.tui import offloop
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets import map_view
from tests.tui.conftest import screen_text
from tests.tui.test_bigdata_app import write_blobs

SIZE = (80, 24)
KEYS = ("d", "d", "v", "v", "g", "i", "space", "i", "R", "R")
WATCHED = {  # what each key computes, and where it must run
    "toggle_data": (Explorer, "toggle_data"), "toggle_split": (Explorer, "toggle_split"),
    "go_to_global_min": (Explorer, "go_to_global_min"), "start_race": (Explorer, "start_race"),
    "toggle_curvature": (Explorer, "toggle_curvature"), "costliest": (inspect, "costliest"),
    "accuracy": (inspect, "accuracy"), "hessian_at": (curvature, "hessian_at")}


async def settle(pilot, app) -> None:
    """Wait until queued keys are done and every map on screen is drawn with its landmarks."""
    for _ in range(1500):
        await pilot.pause(0.02)
        maps = [m for m in app.query("LandscapeMap") if m.display and m.size.area]
        if not (app._offloop.busy or app.map_busy or any(m.busy for m in maps)):
            await pilot.pause(0.05)
            return
    raise AssertionError("the app did not settle")


async def screens(path, monkeypatch, heavy: int) -> tuple[list[str], dict[str, set[bool]]]:
    """The screen after each of KEYS, and for each watched function whether it ran on the event
    loop's thread (True) or in a worker (False), with OffLoop's threshold at `heavy`."""
    monkeypatch.setattr(offloop, "HEAVY_EXAMPLES", heavy)
    where: dict[str, set[bool]] = {name: set() for name in WATCHED}
    for name, (owner, attribute) in WATCHED.items():
        real = getattr(owner, attribute)

        def spy(*args, _real=real, _name=name, **kwargs):
            where[_name].add(threading.current_thread() is threading.main_thread())
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, attribute, spy)
    app = LosswalkApp(LandscapeOptions.from_user(data=str(path)).loaded())
    shown = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for key in KEYS:
            await pilot.press(key)
            await settle(pilot, app)
            shown.append(screen_text(pilot))
        assert app.explorer.message  # (the race ended by R: the single walker again)
    monkeypatch.undo()
    return shown, where


@pytest.fixture
def blobs(tmp_path):
    path = tmp_path / "blobs.csv"
    write_blobs(path, 2000)
    return path


async def test_heavy_keys_run_in_the_worker_and_show_the_same_screen(blobs, monkeypatch):
    monkeypatch.setattr(map_view, "FLASH_SECONDS", 60)  # g's flash stays on in both runs
    at_once, on_loop = await screens(blobs, monkeypatch, heavy=10**9)
    monkeypatch.setattr(map_view, "FLASH_SECONDS", 60)
    off, in_worker = await screens(blobs, monkeypatch, heavy=1000)
    assert all(on_loop[name] == {True} for name in WATCHED), on_loop  # small: at once
    assert all(in_worker[name] == {False} for name in WATCHED), in_worker  # never on the loop
    for key, small, big in zip(KEYS, at_once, off, strict=True):
        assert big == small, f"after {key!r} the screens differ"
    assert "acc " in off[0] and "cost the most" in off[0]  # the data view with its numbers
    assert "BCE" in off[2] and "MSE" in off[2]
    assert "global minimum" in off[4] and "[" in off[4]  # the flash around it
    assert "race" in off[8]


async def test_p_back_to_a_big_data_landscape_is_built_in_the_worker(blobs, monkeypatch):
    """Regression: from tiny-net on a big file, n went to a landscape without data, and p back
    built tiny-net over every example on the event loop (3.2 s for 1M rows): the OffLoop only
    looked at the current landscape, not at the data the session carries."""
    monkeypatch.setattr(offloop, "HEAVY_EXAMPLES", 1000)
    where: list[tuple[str, bool]] = []
    real = Explorer.next_landscape

    def spy(self, delta):
        real(self, delta)
        where.append((self.model.name, threading.current_thread() is threading.main_thread()))

    monkeypatch.setattr(Explorer, "next_landscape", spy)
    app = LosswalkApp(LandscapeOptions.from_user(name="tiny-net", data=str(blobs)).loaded())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        assert not hasattr(app.explorer.model, "dataset")  # (a landscape without data)
        await pilot.press("p")
        await settle(pilot, app)
    assert where[-1] == ("tiny-net", False), where
    assert all(not on_loop for _, on_loop in where), where
