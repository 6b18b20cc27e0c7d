"""Keys on big data: the explorer's operations run in a thread, so the event loop never waits.

On a landscape with many examples every loss or gradient reads them all (a million rows: about
0.1 s a pass here), and a key may need a dozen passes (a step, the rose, the cross-sections, a
new model for λ or n/p). The app hands such operations to an OffLoop: one worker thread runs them
in the order the keys came, then computes what the screen will read (the walker's feel and the
cross-sections, and the data view's accuracy and costliest examples or the curvature when
they are shown, all remembered), and the app redraws from the finished state. Frames of the
animated walk that arrive while it is busy are skipped, not queued.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from losswalk.tui.widgets.charts import slices

if TYPE_CHECKING:
    from losswalk.tui.app import LosswalkApp

HEAVY_EXAMPLES = 50_000  # landscapes with more examples than this compute off the event loop


class OffLoop:
    """Runs explorer operations of a big-data landscape in a worker thread, one at a time."""

    def __init__(self, app: LosswalkApp) -> None:
        self.app = app
        self._pending: deque[tuple] = deque()  # (operation, args, then, charts)
        self._lock = threading.Lock()
        self.busy = False  # an operation is queued or running

    def wanted(self) -> bool:
        """True when the current landscape, or the data the session carries (n/p build a
        landscape on it from any other), has so many examples that keys must not wait."""
        explorer = self.app.explorer
        dataset = getattr(explorer.model, "dataset", None)
        carried = explorer.options.examples
        return self.busy or max(getattr(dataset, "n", 0),
                                getattr(carried, "n", 0)) > HEAVY_EXAMPLES

    def take(self, operation: Callable[..., object], args: tuple, then: Callable[[], None],
             charts: Callable[[], bool], skip_if_busy: bool = False,
             force: bool = False) -> bool:
        """Queue operation(*args), then `then()` on the event loop once it is done (with the
        cross-sections computed first if charts() says the redraw shows them); False, nothing
        queued, when the landscape is small enough to do it at once. A busy OffLoop drops it
        instead when `skip_if_busy` (a frame of the walk). `force`: off the loop whatever the
        current landscape (opening a big dataset on a small one)."""
        if not (force or self.wanted()):
            return False
        with self._lock:
            if self.busy and skip_if_busy:
                return True
            self._pending.append((operation, args, then, charts))
            start = not self.busy
            self.busy = True
        if start:
            self.app.run_worker(self._drain, thread=True, group="explorer",
                                exit_on_error=False)
        return True

    def _drain(self) -> None:
        """In the worker: run the queued operations in order, each followed by its redraw."""
        while True:
            with self._lock:
                if not self._pending:
                    self.busy = False
                    return
                operation, args, then, charts = self._pending.popleft()
            error = None
            try:
                operation(*args)
                self._prepare(charts())
            except Exception as exc:  # said on screen, as for any key
                error = exc
            try:
                self.app.call_from_thread(self._finish, error, then)
            except RuntimeError:  # the app is closing
                with self._lock:
                    self._pending.clear()
                    self.busy = False
                return

    def _prepare(self, sections: bool) -> None:
        """Compute here what the redraw will read, so the event loop finds it remembered."""
        explorer = self.app.explorer
        walker = explorer.walker
        walker.feel()
        if sections:
            slices(explorer.model, tuple(float(c) for c in walker.position), explorer.extent)
            if explorer.data_view and hasattr(explorer.model, "dataset"):
                from losswalk.tui.widgets.data_view import data_numbers  # (opened: imported)

                data_numbers(explorer.model, walker.position)  # accuracy, costliest examples
        if explorer.curvature_shown:  # the Hessian over every example
            explorer.walker_curvature()

    def _finish(self, error: Exception | None, then: Callable[[], None]) -> None:
        """On the event loop: say what went wrong, if anything, and redraw."""
        if error is not None:
            self.app.notify(str(error), severity="error")
        then()
