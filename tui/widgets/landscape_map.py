"""LandscapeMap: a MapView that computes its own grid, in a thread worker, for the size it has.

Give it a landscape and a view (`show_landscape`); it evaluates the grid at the shape its size
needs (a coarse picture first when the full grid is costly), finds the landmarks, and tells its
parent with messages: Progress while it works, Ready when the landmarks are known, Failed on a
numeric error. Resizes re-evaluate after a short quiet spell; stale results are dropped.
"""

from __future__ import annotations

import threading
import time

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.worker import get_current_worker

from losswalk.core.landscapes.landscape import LossGrid, evaluate
from losswalk.core.landscapes.minima import SEARCH_EXAMPLES, MinimaReport, landmarks
from losswalk.core.landscapes.models import MLP_LANDSCAPES, LandscapeOptions, Model
from losswalk.tui.widgets.map_view import MapView

Extent = tuple[float, float, float, float]

RESIZE_DEBOUNCE = 0.25  # seconds of quiet before a resize re-evaluates the grid
COARSE_ABOVE = 2e6  # grid cells x examples above which a coarse picture is shown first
PROGRESS_EVERY = 0.1  # seconds between progress reports (each one waits for the event loop)
# Grids and landmarks of all maps are computed one at a time: on big data a few keys in a row
# would otherwise leave several cancelled workers computing at once (time and memory)
_ONE_AT_A_TIME = threading.Lock()


class _MapMessage(Message):
    """A message from one LandscapeMap (`control` lets handlers pick a map with @on(..., "#id"))."""

    def __init__(self, map_view: LandscapeMap) -> None:
        super().__init__()
        self.map_view = map_view

    @property
    def control(self) -> LandscapeMap:
        return self.map_view


class LandscapeMap(MapView):
    """The map of one landscape and view, kept up to date with its own size."""

    class Progress(_MapMessage):
        """Part of the full grid is done (fraction 0..1)."""

        def __init__(self, map_view: LandscapeMap, fraction: float) -> None:
            super().__init__(map_view)
            self.fraction = fraction

    class Ready(_MapMessage):
        """The full grid is drawn and its landmarks are known (the full report: the map marks
        `report.limited()`)."""

        def __init__(self, map_view: LandscapeMap, report: MinimaReport) -> None:
            super().__init__(map_view)
            self.report = report

    class Failed(_MapMessage):
        """The grid could not be evaluated; the old picture stays."""

        def __init__(self, map_view: LandscapeMap, error: Exception) -> None:
            super().__init__(map_view)
            self.error = error

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._source: tuple[LandscapeOptions | Model, Extent] | None = None
        self._token = 0  # bumps on every request; results of older requests are dropped
        self._requested_shape: tuple[int, int] | None = None
        self._resize_timer: Timer | None = None
        self.computing = False  # a grid for the current landscape and view is being evaluated
        self.sample_note = ""  # says so when the map scores a sample of very many examples

    @property
    def busy(self) -> bool:
        """True while the landmarks of what is shown are not known yet."""
        return self.computing or self._resize_timer is not None or self.report is None

    def show_landscape(self, source: Model | LandscapeOptions, extent: Extent) -> None:
        """Show this landscape (a model, or options built in the worker) over this view."""
        old = self._source
        if old == (source, extent):  # models compare by identity, options by value
            return
        self._source = (source, extent)
        self.extent = extent
        if old is None or old[0] != source:  # a zoom keeps the old picture until the new one
            self.clear_grid()
        self._request()

    def on_map_view_size_changed(self, message: MapView.SizeChanged) -> None:
        """Re-evaluate for the new size: at once the first time, after a quiet spell later."""
        message.stop()
        if self.grid_shape() == self._requested_shape:
            return
        if self._resize_timer is not None:
            self._resize_timer.stop()
            self._resize_timer = None
        if self._requested_shape is None:
            self._request()
        else:
            self._resize_timer = self.set_timer(RESIZE_DEBOUNCE, self._debounced)

    def _debounced(self) -> None:
        self._resize_timer = None
        self._request()

    def _request(self) -> None:
        """Start (or restart) evaluating the grid of the current source at the current size."""
        # hidden (blind, another mode) the map has no size: compute at the last size it had
        shape = self.grid_shape() or self._requested_shape
        if shape is None or self._source is None:
            return
        self._token += 1
        self._requested_shape = shape
        self.computing = True
        self.post_message(self.Progress(self, 0.0))
        self._compute(*self._source, shape, self._token)

    @work(thread=True, exclusive=True, group="grid", exit_on_error=False)
    def _compute(self, source: Model | LandscapeOptions, extent: Extent,
                 shape: tuple[int, int], token: int) -> None:
        """The full grid and its landmarks; a coarse grid first (a quick picture) when the full
        one is costly, judged by cells x examples."""
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        reported = [time.monotonic()]  # a quick grid reports nothing: it is drawn at once

        def progress(fraction: float) -> None:
            now = time.monotonic()
            if not worker.is_cancelled and now - reported[0] >= PROGRESS_EVERY:
                reported[0] = now
                self.app.call_from_thread(self._progress, token, fraction)

        nx, ny = shape
        try:
            model = source.build() if isinstance(source, LandscapeOptions) else source
            examples = model.dataset.n if hasattr(model, "dataset") else 1
            with _ONE_AT_A_TIME:  # a request replaced while it waited never starts
                if worker.is_cancelled:
                    return
                if nx * ny * examples > COARSE_ABOVE:
                    coarse = evaluate(model, extent, max(8, nx // 4), max(8, ny // 4),
                                      cancelled=cancelled)
                    if coarse is None or worker.is_cancelled:
                        return
                    self.app.call_from_thread(self._ready, token, coarse, None)
                grid = evaluate(model, extent, nx, ny, progress=progress, cancelled=cancelled)
            if grid is None or worker.is_cancelled:
                return
            used = getattr(model, "grid_examples", lambda *_: examples)(nx, ny)
            sample = (f"map from a fixed sample of {used:,} of the {examples:,} examples; the "
                      "walker and the minima use them all" if used < examples else "")
            if sample != self.sample_note:  # (each call waits for the event loop)
                self.app.call_from_thread(self._sampled, token, sample)
            if examples > SEARCH_EXAMPLES:  # the landmarks take a while: show the map first
                self.app.call_from_thread(self._ready, token, grid, None)
            with _ONE_AT_A_TIME:
                if worker.is_cancelled:
                    return
                report = landmarks(model, extent)  # the landscape's own, not the display grid's
        except Exception as error:  # any numeric failure: keep the old map, say why
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, token, error)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._ready, token, grid, report)

    def _sampled(self, token: int, sample: str) -> None:
        if token == self._token:
            self.sample_note = sample

    def _progress(self, token: int, fraction: float) -> None:
        if token == self._token:
            self.post_message(self.Progress(self, fraction))

    def _ready(self, token: int, grid: LossGrid, report: MinimaReport | None) -> None:
        """Show a finished grid (coarse: report None) if it is still the one wanted."""
        if token != self._token:
            return
        self.set_grid(grid, None if report is None else report.limited())  # markers: a bounded few
        if report is not None:
            self.computing = False
            self.post_message(self.Ready(self, report))

    def _failed(self, token: int, error: Exception) -> None:
        if token == self._token:
            self.computing = False
            self.post_message(self.Failed(self, error))


def map_trail(model: Model, trail):
    """The trail the map draws: the walker's, and on the PCA plane the training run before it
    (the slices' module is read only on the slices)."""
    if model.name not in MLP_LANDSCAPES:
        return trail
    from losswalk.core.landscapes.slices import shown_trail

    return shown_trail(model, trail)
