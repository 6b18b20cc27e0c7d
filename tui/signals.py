"""SIGINT, SIGTERM and SIGHUP end the app through Textual's own exit (App.exit), so its driver
puts the terminal back as it was (tty modes, main screen, mouse off, line wrap on, cursor shown);
the process then exits with the conventional status 128 + the signal's number (130, 143, 129).

Without this, SIGTERM and SIGHUP killed the process at once and left the terminal in raw mode on
the alternate screen, and SIGINT (`kill -INT`; the app reads ctrl+c as a key) ended it with 0.
A terminal that hung up can stall Textual's exit (its output thread dies on the write error and
the exit then waits on it), so an exit still unfinished after GRACE seconds, or a second
signal, ends the process at once with the same status.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from types import FrameType, TracebackType

from textual.app import App

EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE = 10.0  # seconds Textual's exit may take before the process is ended without it


def exit_status(signum: int) -> int:
    """The shell's status for a process ended by this signal: 128 + its number."""
    return 128 + signum


class ExitOnSignals:
    """While in effect, the first of EXIT_SIGNALS ends `app` with App.exit (scheduled on its
    event loop, never run inside the signal handler) and sets `status`. Outside the app's loop
    (before it starts, or once it has ended and the terminal is restored) the signal raises
    SystemExit(status) at once: the terminal is not the app's then. A second signal, or an exit
    still running after GRACE seconds, ends the process with os._exit(status)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.status: int | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> ExitOnSignals:
        self._previous = {signum: signal.signal(signum, self._received)
                          for signum in EXIT_SIGNALS}
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _received(self, signum: int, _frame: FrameType | None) -> None:
        if self.status is not None:  # asked again while ending: end now, with the first status
            os._exit(self.status)
        self.status = exit_status(signum)
        try:
            loop = asyncio.get_running_loop()  # the app's, when it runs: this is its thread
        except RuntimeError:
            raise SystemExit(self.status) from None
        loop.call_soon_threadsafe(self.app.exit, None, self.status)
        threading.Thread(target=self._end_if_stalled, args=(self.status,), daemon=True,
                         name="losswalk-exit-grace").start()

    @staticmethod
    def _end_if_stalled(status: int) -> None:
        """Runs beside the exit; a daemon thread, so a prompt exit simply leaves it behind."""
        threading.Event().wait(GRACE)
        os._exit(status)
