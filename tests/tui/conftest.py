"""Shared helpers for the app and CLI tests: wait until the map's grid worker has finished, read
the screen, run the command line in this process."""

from __future__ import annotations

import contextlib
import subprocess
import warnings

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from losswalk.tui.cli import main


@pytest.fixture
def losswalk(capfdbinary):
    """`losswalk ARGV` run in this process, as `python -m losswalk` would run: its exit status,
    and the bytes on stdout and stderr, with any Python warning printed to stderr as the
    interpreter prints it (a process of its own cost ~0.3 s of CPU a run)."""

    def run(*argv: str) -> subprocess.CompletedProcess:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            code = main(list(argv))
        out, err = capfdbinary.readouterr()
        for w in caught:
            err += warnings.formatwarning(w.message, w.category, w.filename, w.lineno).encode()
        return subprocess.CompletedProcess(list(argv), code, out, err)

    return run


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """`losswalk ARGV` in this process: its exit status, stdout and stderr (as text)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def wait_for_map(pilot: Pilot, max_pauses: int = 1500) -> None:
    """Let the grid worker finish and its result land (the full grid with its critical points)."""
    app = pilot.app
    for _ in range(max_pauses):
        with contextlib.suppress(WorkerCancelled):  # a newer request replaced a worker
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.map_busy:
            return
        await pilot.pause(0.005)
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
