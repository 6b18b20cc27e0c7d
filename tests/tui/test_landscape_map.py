"""The map's grid worker: a slow grid shows its progress on the status line, a quick one does not
stop to report (each report waits for the event loop)."""

from __future__ import annotations

import time

from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets import landscape_map
from tests.tui.conftest import screen_text, wait_for_map


def slow_evaluate(pause: float):
    """evaluate, taking `pause` seconds before reporting half-way, and as long again after."""

    def run(model, extent, nx, ny, progress=None, cancelled=None):
        if progress is not None:
            progress(0.25)  # at once: too soon after the start to be worth a report
            time.sleep(pause)
            progress(0.5)
            time.sleep(pause)
        return evaluate(model, extent, nx, ny, cancelled=cancelled)

    return run


async def test_a_slow_grid_shows_its_progress(monkeypatch):
    monkeypatch.setattr(landscape_map, "evaluate", slow_evaluate(0.6))
    app = LosswalkApp(LandscapeOptions.from_user("bowl"))
    async with app.run_test(size=(80, 24)) as pilot:
        shown = set()
        for _ in range(100):
            await pilot.pause(0.02)
            text = screen_text(pilot)
            shown |= {p for p in ("0%", "25%", "50%") if f"computing the map {p:>4}" in text}
            if "50%" in shown:
                break
        await wait_for_map(pilot)
        assert shown == {"0%", "50%"}  # the start, and the report after the pause
        assert "computing the map" not in screen_text(pilot)


async def test_a_quick_grid_reports_only_its_start(monkeypatch):
    reports: list[float] = []
    original = landscape_map.LandscapeMap._progress

    def record(self, token, fraction):
        reports.append(fraction)
        original(self, token, fraction)

    monkeypatch.setattr(landscape_map.LandscapeMap, "_progress", record)
    monkeypatch.setattr(landscape_map, "evaluate", slow_evaluate(0.0))
    app = LosswalkApp(LandscapeOptions.from_user("bowl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
    assert reports == []


async def test_a_burst_of_resizes_evaluates_the_grid_once_at_the_last_size(monkeypatch):
    """A window being dragged: the map waits for a quiet spell (RESIZE_DEBOUNCE, which the other
    tests shorten), then evaluates once, at the size the window ended at. The spell is 1 s here,
    so a loaded machine's slow steps still fall within it."""
    monkeypatch.setattr(landscape_map, "RESIZE_DEBOUNCE", 1.0)
    shapes: list[tuple[int, int]] = []

    def counted(model, extent, nx, ny, **options):
        shapes.append((nx, ny))
        return evaluate(model, extent, nx, ny, **options)

    monkeypatch.setattr(landscape_map, "evaluate", counted)
    app = LosswalkApp(LandscapeOptions.from_user("bowl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        assert len(shapes) == 1
        started = time.monotonic()
        for size in [(90, 26), (100, 28), (110, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()  # the new layout reaches the map
            assert app.map_busy and len(shapes) == 1, size  # waiting for quiet, nothing evaluated
        assert time.monotonic() - started < 1.0  # the burst was one spell (else the check is void)
        await wait_for_map(pilot)
        assert shapes[1:] == [app.map.grid_shape()] and app.map.grid_shape() != shapes[0]
