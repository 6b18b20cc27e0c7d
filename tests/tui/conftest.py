"""Shared helpers for the Textual app tests: wait until the map's grid worker has finished."""

from __future__ import annotations

import contextlib

from textual.pilot import Pilot
from textual.worker import WorkerCancelled


async def wait_for_map(pilot: Pilot, max_pauses: int = 500) -> None:
    """Let the grid worker finish and its result land (the full grid with its critical points)."""
    app = pilot.app
    for _ in range(max_pauses):
        with contextlib.suppress(WorkerCancelled):  # a newer request replaced a worker
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.map_busy:
            return
        await pilot.pause(0.02)
    raise AssertionError("the map's grid worker did not finish")


def screen_text(pilot: Pilot) -> str:
    """Everything on screen as plain text, one line per terminal row."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


async def wait_until(pilot: Pilot, condition, max_pauses: int = 300) -> None:
    """Let the app run until `condition()` holds: for what an app does a frame or two after
    start-up (focus, the key bar), which an idle check alone may not wait for."""
    for _ in range(max_pauses):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never reached the awaited state")
