"""The losswalk Textual app: the loss landscape as a map, and a blindfolded walker on it.

The app owns the model, the view extent and the walker. The map's grid is evaluated in a thread
worker (a coarse picture first when the full grid is costly); walker steps never touch the grid,
they only move overlay markers on the cached map and refresh the side panel.

Teaching modes on top of the map: the lesson tour (t), blind walking (b), the data behind the
landscape (d), BCE vs MSE side by side (v), L2 regularisation ([ ]), minibatch noise (B) and
the practice problems (P).
"""

from __future__ import annotations

import dataclasses
import math
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from losswalk.core.drawing.text import ascii_only, check_charset
from losswalk.core.landscapes.landscape import LossGrid, evaluate, zoom
from losswalk.core.landscapes.minima import MinimaReport, find_critical_points
from losswalk.core.landscapes.models import (
    DATA_LANDSCAPES,
    LANDSCAPES,
    LOSS_KINDS,
    LOSS_NAMES,
    LandscapeOptions,
    Model,
)
from losswalk.core.lesson.tour import Slide, Tour, TourError, load_tour
from losswalk.core.walk.minibatch import BATCH_SIZES, MinibatchGradient
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES
from losswalk.core.walk.walker import Walker, WalkerStatus
from losswalk.tui.screens.help import HelpScreen
from losswalk.tui.screens.practice import PracticeScreen
from losswalk.tui.widgets.charts import CrossSectionChart, LossHistoryChart
from losswalk.tui.widgets.data_view import DataView, costliest_text
from losswalk.tui.widgets.lines import TextLines
from losswalk.tui.widgets.map_view import MapView
from losswalk.tui.widgets.tour_panel import TOUR_PATH, TourPanel
from losswalk.tui.widgets.walker_panel import WalkerPanel

MIN_SIZE = (60, 18)  # below this the app shows "terminal too small" instead of the UI
STEPS_PER_SECOND = 18  # animated walk speed
CHART_EVERY = 3  # while walking, redraw the charts every few steps (they are the costly part)
LR_FACTOR = 1.5
RESIZE_DEBOUNCE = 0.25  # seconds of quiet before a resize re-evaluates the grid
COARSE_ABOVE = 2e6  # grid cells x examples above which a coarse picture is shown first
# Textual paints the screen about three times while it starts (layout, resize, resume); holding
# the output this long lets the first grid arrive and sends one full frame instead
FIRST_FRAME_DELAY = 0.2
MIN_TITLE = 12  # the status line clips the landscape's name to no fewer columns than this
L2_LADDER = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # the λ values [ and ] step through

BLIND_NOTE = "blind mode: you feel only the ground under your feet — press b to look"
NO_MINIMUM = ("no finite minimum: the loss keeps falling toward 0 as the weights grow — "
              "raise λ with ] to bring one back")
SPLIT_CAPTIONS = {
    "bce": "BCE: convex — one valley",
    "mse": "MSE on sigmoid: plateaus where confident wrong predictions get almost no gradient "
           "(BCE's logit gradient is ŷ-y, MSE's is 2(ŷ-y)ŷ(1-ŷ))",
}
NOT_CONVEX = "BCE: the hidden tanh bends the valley, but wrong predictions always pull hard"


def landscape_title(model: Model, long: bool = True) -> str:
    """Name of what is on the map, e.g. 'logistic: binary cross-entropy on overlap' (long) or
    'logistic: BCE on overlap'."""
    if model.name in DATA_LANDSCAPES:
        loss = LOSS_NAMES[model.loss_kind] if long else model.loss_kind.upper()
        return f"{model.name}: {loss} on {model.dataset.name}"
    return model.name


def split_caption(model: Model, loss: str) -> str:
    """What to see in one half of the BCE/MSE split (the logistic BCE map is convex)."""
    return NOT_CONVEX if loss == "bce" and model.name != "logistic" else SPLIT_CAPTIONS[loss]


class LosswalkApp(App[None]):
    """Walk a 2-D loss landscape with an optimizer, or by hand, and watch what it feels."""

    CSS_PATH = "losswalk.tcss"
    TITLE = "losswalk"
    ENABLE_COMMAND_PALETTE = False

    # The footer shows the shown bindings in this order until the width runs out.
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("left,h", "move(-1, 0)", "left", show=False),
        Binding("right,l", "move(1, 0)", "right", show=False),
        Binding("up,k", "move(0, 1)", "up", show=False),
        Binding("down,j", "move(0, -1)", "down", show=False),
        Binding("shift+left,H", "move(-10, 0)", "left x10", show=False),
        Binding("shift+right,L", "move(10, 0)", "right x10", show=False),
        Binding("shift+up,K", "move(0, 10)", "up x10", show=False),
        Binding("shift+down,J", "move(0, -10)", "down x10", show=False),
        Binding("space", "step", "step"),
        Binding("enter", "run", "run"),
        Binding("t", "tour", "tour"),
        Binding("b", "blind", "blind"),
        Binding("d", "data", "data"),
        Binding("v", "split", "bce/mse"),
        Binding("o", "optimizer(1)", "optim"),
        Binding("O", "optimizer(-1)", "prev optim", show=False),
        Binding("plus,equals_sign", "lr(1)", "lr+", key_display="+"),
        Binding("minus", "lr(-1)", "lr-", key_display="-"),
        Binding("s", "schedule", "sched", show=False),
        Binding("n", "landscape(1)", "next"),
        Binding("p", "landscape(-1)", "prev", show=False),
        Binding("c", "cycle_mode", "view", show=False),
        Binding("e", "toggle_scale", "log", show=False),
        Binding("z", "zoom(0.5)", "zoom", show=False),
        Binding("x", "zoom(2.0)", "out", show=False),
        Binding("0", "reset_view", "reset view", show=False),
        Binding("g", "global_min", "global min", show=False),
        Binding("r", "reset", "reset", show=False),
        Binding("pagedown,full_stop", "slide(1)", "next slide", show=False),
        Binding("pageup,comma", "slide(-1)", "prev slide", show=False),
        Binding("left_square_bracket", "l2(-1)", "λ-", key_display="[", show=False),
        Binding("right_square_bracket", "l2(1)", "λ+", key_display="]", show=False),
        Binding("B", "batch", "batch", show=False),
        Binding("P", "practice", "practice"),
        Binding("question_mark", "help", "help", key_display="?"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, options: LandscapeOptions | None = None, *,
                 charset: str = "unicode", tour: bool = False) -> None:
        super().__init__()
        check_charset(charset)
        self.options = options or LandscapeOptions()
        self.charset = charset
        self.batch_size: int | None = None  # minibatch size of the walker's gradient (B)
        self.model: Model = self.options.build()
        self.extent = self.options.view_extent(self.model)
        self.walker = self._new_walker(self.model, self.options)
        self.grid: LossGrid | None = None
        self.report: MinimaReport | None = None
        self.message = ""  # the latest event in plain words (second status line)
        self.blind = False  # b: the map is hidden, only what the walker feels is shown
        self.data_view = False  # d: the data and the model's boundary replace the side panel
        self.split = False  # v: BCE and MSE maps of the same data side by side
        self.tour: Tour | None = None  # loaded on the first t
        self.touring = False
        self._start_with_tour = tour
        self._grid_token = 0  # bumps on every grid request; stale worker results are dropped
        self._split_tokens = dict.fromkeys(LOSS_KINDS, 0)
        self._progress: float | None = None  # 0..1 while the full grid is being evaluated
        self._walk_timer: Timer | None = None
        self._resize_timer: Timer | None = None
        self._requested_shape: tuple[int, int] | None = None
        self._banner_text: str | None = None  # what the banner shows (updated only on change)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        look = {"charset": self.charset, "colour": self._colour()}
        yield TextLines(id="status")
        yield Static(id="banner")
        with Horizontal(id="main"):
            yield MapView(**look, id="map")
            with Horizontal(id="split"):
                for loss in LOSS_KINDS:
                    with Vertical(classes="split-half"):
                        yield Static(id=f"caption-{loss}", classes="caption")
                        yield MapView(**look, legend=False, id=f"map-{loss}", classes="split-map")
            with Vertical(id="data-box"):
                yield DataView(**look, id="data")
                yield Static(id="costliest")
            with Vertical(id="side"):
                yield WalkerPanel(**look, id="panel")
                yield LossHistoryChart(**look, id="history")
                yield CrossSectionChart(**look, id="sections")
        yield TourPanel(**look, id="tour")
        yield Static(id="too-small")
        yield Footer()

    def get_key_display(self, binding: Binding) -> str:
        """Footer key names; plain words in ASCII mode (Textual shows enter as a glyph)."""
        display = super().get_key_display(binding)
        return display if self.charset == "unicode" or display.isascii() else binding.key

    def _colour(self) -> bool:
        """Colour heatmap unless NO_COLOR, a 16-colour/monochrome terminal, or ASCII was asked."""
        weak = self.console.color_system in (None, "standard", "windows")
        return not (self.no_color or self.charset == "ascii" or weak)

    def on_mount(self) -> None:
        if not self.is_headless:  # a terminal: send the first frame once, grid and all
            self.delay_update(FIRST_FRAME_DELAY)
        self.set_class(self.charset == "ascii", "-ascii")
        self._layout_for(self.size.width, self.size.height)
        self.map.extent = self.extent
        self._show_walker(charts=True)
        if self._start_with_tour:
            self._start_tour()

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width, event.size.height)
        # the status lines are fitted to the width: redo them once the new size has landed
        self.call_after_refresh(self._update_status)

    def _layout_for(self, width: int, height: int) -> None:
        """Size classes: too small, short (charts folded away), wide, huge side panel."""
        need_w, need_h = MIN_SIZE
        small = width < need_w or height < need_h
        self.set_class(small, "-too-small")
        self.set_class(height < 30, "-short")
        self.set_class(width >= 140, "-wide")
        self.set_class(width >= 200, "-huge")
        if small:
            self.query_one("#too-small", Static).update(
                f"terminal too small\n(need {need_w}x{need_h}, have {width}x{height})\n\n"
                "make the window bigger, or press q to quit")

    @property
    def map(self) -> MapView:
        return self.query_one("#map", MapView)

    def _split_map(self, loss: str) -> MapView:
        return self.query_one(f"#map-{loss}", MapView)

    @property
    def is_data(self) -> bool:
        """True when the landscape is made from examples (λ, minibatches, data view, split)."""
        return self.model.name in DATA_LANDSCAPES

    # ------------------------------------------------------------------ grid worker

    @property
    def map_busy(self) -> bool:
        """True while the map's grid is pending: requested, computing, or waiting on a resize."""
        return self._progress is not None or self._resize_timer is not None or self.report is None

    @on(MapView.SizeChanged, "#map")
    def _map_resized(self) -> None:
        """Re-evaluate the grid for the new map size: at once the first time, debounced after."""
        if self.map.grid_shape() == self._requested_shape:
            return
        if self._resize_timer is not None:
            self._resize_timer.stop()
            self._resize_timer = None
        if self._requested_shape is None:
            self._request_grid()
        else:
            self._resize_timer = self.set_timer(RESIZE_DEBOUNCE, self._debounced_request)

    def _debounced_request(self) -> None:
        self._resize_timer = None
        self._request_grid()

    def _request_grid(self) -> None:
        """Start (or restart) evaluating the grid for the current model, extent and map size."""
        # a hidden map (blind, split) has no size: keep computing at the last size it had
        shape = self.map.grid_shape() or self._requested_shape
        if shape is None:
            return
        self._grid_token += 1
        self._requested_shape = shape
        self._progress = 0.0
        self._compute_grid(self.model, self.extent, shape, self._grid_token)
        self._update_status()

    @work(thread=True, exclusive=True, group="grid", exit_on_error=False)
    def _compute_grid(self, model: Model, extent, shape: tuple[int, int], token: int) -> None:
        """The full grid and its critical points; a coarse grid first (a quick picture) when the
        full one is costly, judged by cells x examples."""
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        def progress(fraction: float) -> None:
            if not worker.is_cancelled:
                self.call_from_thread(self._grid_progress, token, fraction)

        nx, ny = shape
        examples = model.dataset.n if hasattr(model, "dataset") else 1
        try:
            if nx * ny * examples > COARSE_ABOVE:
                coarse = evaluate(model, extent, max(8, nx // 4), max(8, ny // 4),
                                  cancelled=cancelled)
                if coarse is None or worker.is_cancelled:
                    return
                self.call_from_thread(self._grid_ready, token, coarse, None)
            grid = evaluate(model, extent, nx, ny, progress=progress, cancelled=cancelled)
            if grid is None or worker.is_cancelled:
                return
            report = find_critical_points(model, grid)
        except Exception as error:  # any numeric failure: keep the old map, say why
            if not worker.is_cancelled:
                self.call_from_thread(self._grid_failed, token, error)
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._grid_ready, token, grid, report)

    def _grid_progress(self, token: int, fraction: float) -> None:
        if token == self._grid_token:
            self._progress = fraction
            self._update_status()

    def _grid_ready(self, token: int, grid: LossGrid, report: MinimaReport | None) -> None:
        """Show a finished grid (coarse: report None) if it is still the one wanted."""
        if token != self._grid_token:
            return
        self.grid = grid
        self.map.set_grid(grid, report)
        if report is not None:
            self.report = report
            self._progress = None
            self._set_global_min_loss()
        self._update_status()

    def _grid_failed(self, token: int, error: Exception) -> None:
        if token == self._grid_token:
            self._progress = None
            self.notify(f"could not evaluate the map: {error}", severity="error")
            self._update_status()

    def _set_global_min_loss(self) -> None:
        """Tell the walker the best loss on the map (it uses it to say how close it got)."""
        best = self.report.global_minimum if self.report else None
        if best is not None and not self.report.unbounded:
            self.walker.global_min_loss = best.loss

    # ------------------------------------------------------------------ split view grids

    @on(MapView.SizeChanged, ".split-map")
    def _split_map_resized(self, message: MapView.SizeChanged) -> None:
        loss = message.map_view.id.removeprefix("map-")
        self._request_split(loss)

    def _request_split(self, *losses: str) -> None:
        """Evaluate the BCE and/or MSE grid (same data, λ, extent) for the split maps."""
        if not self.split:
            return
        for loss in losses or LOSS_KINDS:
            map_view = self._split_map(loss)
            map_view.extent = self.extent
            shape = map_view.grid_shape()
            if shape is None:  # not laid out yet: its SizeChanged will ask again
                continue
            self._split_tokens[loss] += 1
            options = dataclasses.replace(self.options, loss=loss)
            self.run_worker(partial(self._compute_split, options, loss, self.extent, shape,
                                    self._split_tokens[loss]),
                            thread=True, exclusive=True, group=f"split-{loss}",
                            exit_on_error=False)

    def _compute_split(self, options: LandscapeOptions, loss: str, extent, shape, token) -> None:
        """Thread worker: one split map's grid and critical points."""
        worker = get_current_worker()
        try:
            model = options.build()
            grid = evaluate(model, extent, *shape, cancelled=lambda: worker.is_cancelled)
            report = None if grid is None else find_critical_points(model, grid)
        except Exception as error:
            if not worker.is_cancelled:
                self.call_from_thread(self.notify, f"could not evaluate the {loss} map: {error}",
                                      severity="error")
            return
        if report is not None and not worker.is_cancelled:
            self.call_from_thread(self._split_ready, loss, token, grid, report)

    def _split_ready(self, loss: str, token: int, grid: LossGrid, report: MinimaReport) -> None:
        if token == self._split_tokens[loss] and self.split:
            map_view = self._split_map(loss)
            map_view.set_grid(grid, report)
            map_view.set_walker(self.walker.position, self.walker.trail)

    # ------------------------------------------------------------------ walker

    def _gradient(self, model: Model) -> MinibatchGradient | None:
        """The walker's minibatch gradient for the chosen batch size (None: the full model)."""
        if self.batch_size is None or model.name not in DATA_LANDSCAPES:
            return None
        return MinibatchGradient(model, self.batch_size, seed=0)

    def _new_walker(self, model: Model, options: LandscapeOptions, optimizer: str = "sgd",
                    schedule: str = "constant") -> Walker:
        """A walker at the model's start with its default learning rate."""
        return Walker(model, optimizer=optimizer, lr=model.default_lr, schedule=schedule,
                      extent=options.view_extent(model), gradient=self._gradient(model))

    def _batch_label(self) -> str:
        gradient = self.walker.gradient
        return gradient.label if isinstance(gradient, MinibatchGradient) else "full batch"

    def _show_walker(self, charts: bool = True) -> None:
        """Push the walker's position, trail and feel to the maps, panel, charts and status."""
        walker = self.walker
        self.map.set_walker(walker.position, walker.trail)
        if self.split:
            for loss in LOSS_KINDS:
                self._split_map(loss).set_walker(walker.position, walker.trail)
        self.query_one("#panel", WalkerPanel).show(walker.feel(), walker, self.charset)
        if charts:
            self.query_one("#history", LossHistoryChart).show(walker.trail)
            self.query_one("#sections", CrossSectionChart).show(
                self.model, walker.position, self.extent)
            if self.data_view:
                self._show_data()
        self._update_status()

    def _show_data(self) -> None:
        """The data view: examples, the boundary the walker's weights draw, the costliest."""
        w = self.walker.position
        self.query_one("#data", DataView).show(self.model, w)
        text = costliest_text(self.model, w, self.charset) if self.is_data else ""
        self.query_one("#costliest", Static).update(
            ascii_only(text) if self.charset == "ascii" else text)

    @property
    def walking(self) -> bool:
        return self._walk_timer is not None

    def _stop_walk(self) -> None:
        if self._walk_timer is not None:
            self._walk_timer.stop()
            self._walk_timer = None

    def _start_walk(self) -> None:
        if self.walker.status == WalkerStatus.DIVERGED:
            self.message = self._stop_message()
            return
        self.message = "walking... enter pauses"
        if self.is_data and self.report is not None and self.report.unbounded:
            self.message = "walking: the loss keeps falling toward 0 - there is no minimum"
        self._walk_timer = self.set_interval(1 / STEPS_PER_SECOND, self._tick)

    def _after_step(self, point) -> bool:
        """Report a step; False when the walker has stopped (converged/diverged/stuck/stalled)."""
        status = self.walker.status
        if point is None or status != WalkerStatus.WALKING or self.walker.stalled:
            self.message = self._stop_message()
            return False
        return True

    def _stop_message(self) -> str:
        walker = self.walker
        why = walker.message or walker.status.value
        if walker.status == WalkerStatus.DIVERGED:
            return f"{why}; - lowers the learning rate"
        return why

    def _tick(self) -> None:
        """One animation frame: one optimizer step; stop when the walker stops."""
        going = self._after_step(self.walker.step())
        if not going:
            self._stop_walk()
        self._show_walker(charts=not going or self.walker.steps % CHART_EVERY == 0)

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the terminal is too small nothing is shown, so of the app's keys only q works:
        no key changes what the user cannot see."""
        guarded = action in _KEY_ACTIONS and action != "quit"
        return not (guarded and self.has_class("-too-small"))

    def _say(self, message: str) -> None:
        """Put a message on the status line (for keys that change nothing)."""
        self.message = message
        self._update_status()

    def action_move(self, cells_w1: int, cells_w2: int) -> None:
        """Move the walker by hand a number of map cells (one cell = span / map cells)."""
        dw1, dw2 = self.map.cell_size()
        self._stop_walk()
        self.walker.move(cells_w1 * dw1, cells_w2 * dw2)
        w1, w2 = self.walker.position
        x0, x1, y0, y1 = self.extent
        if x0 <= w1 <= x1 and y0 <= w2 <= y1:
            self.message = "moved by hand (optimizer memory cleared)"
        else:
            self.message = f"off the map at w1={w1:.4g} w2={w2:.4g} - x zooms out, r goes back"
        self._show_walker()

    def action_step(self) -> None:
        """One optimizer step."""
        self._stop_walk()
        if self.walker.status == WalkerStatus.DIVERGED:
            self.message = self._stop_message()
        else:
            self.message = ""
            self._after_step(self.walker.step())
        self._show_walker()

    def action_run(self) -> None:
        """Start or pause the animated walk."""
        if self.walking:
            self._stop_walk()
            self.message = "paused"
        else:
            self._start_walk()
        self._show_walker()

    def action_optimizer(self, delta: int) -> None:
        name = OPTIMIZERS[(OPTIMIZERS.index(self.walker.optimizer_name) + delta) % len(OPTIMIZERS)]
        self.walker.set_optimizer(name)
        self.message = f"optimizer: {name}"
        self._show_walker(charts=False)

    def action_lr(self, direction: int) -> None:
        lr = self.walker.lr * (LR_FACTOR if direction > 0 else 1 / LR_FACTOR)
        self.walker.set_lr(lr)
        self.message = f"learning rate: {lr:.4g}"
        self._show_walker(charts=False)

    def action_schedule(self) -> None:
        name = SCHEDULES[(SCHEDULES.index(self.walker.schedule_name) + 1) % len(SCHEDULES)]
        self.walker.set_schedule(name)
        self.message = f"schedule: {name}"
        self._show_walker(charts=False)

    def action_landscape(self, delta: int) -> None:
        """Open the next/previous landscape with the same options; on error keep this one."""
        names = list(LANDSCAPES)
        name = names[(names.index(self.model.name) + delta) % len(names)]
        self._open(self.options.with_name(name), f"landscape: {name} - {LANDSCAPES[name]}")

    def _open(self, options: LandscapeOptions, message: str) -> bool:
        """Switch to the landscape options describe (fresh walker, view reset, grid
        re-evaluated); on error say so and keep the current one."""
        try:
            model = options.build()
            walker = self._new_walker(model, options, self.walker.optimizer_name,
                                      self.walker.schedule_name)
        except Exception as error:
            self.notify(f"cannot open {options.name}: {error}", severity="error")
            return False
        self._stop_walk()
        self.options, self.model, self.walker = options, model, walker
        self.extent = options.view_extent(model)
        self.grid = self.report = None
        self.map.clear_grid()
        self.message = message
        if self.split and not self.is_data:
            self._set_split(False)
            self.message += " (split view closed: it needs data)"
        self._new_view()
        return True

    def _new_view(self) -> None:
        """The extent or model changed: re-evaluate the grid(s) and redraw everything."""
        self.map.extent = self.extent
        self._request_grid()
        if self.split:
            self._set_split(True)  # new captions, new grids
        self._show_walker()

    def _maps(self) -> list[MapView]:
        return [self.map, *(self._split_map(loss) for loss in LOSS_KINDS)]

    def _set_mode(self, mode: str) -> None:
        for map_view in self._maps():
            map_view.mode = mode

    def action_cycle_mode(self) -> None:
        modes = MapView.MODES
        self._set_mode(modes[(modes.index(self.map.mode) + 1) % len(modes)])
        self._say(f"view: {self.map.mode}")

    def action_toggle_scale(self) -> None:
        self._set_scale("log" if self.map.scale == "linear" else "linear")
        self._say(f"colour scale: {self.map.scale}")

    def _set_scale(self, scale: str) -> None:
        for map_view in self._maps():
            map_view.scale = scale

    def action_zoom(self, factor: float) -> None:
        """Zoom in (factor < 1) or out around the walker."""
        self.extent = zoom(self.extent, tuple(self.walker.position), factor)
        self.message = "zoomed in" if factor < 1 else "zoomed out"
        if self.blind:
            self.message += " (the map is hidden: b shows it; the arrows' step changed too)"
        self._new_view()

    def action_reset_view(self) -> None:
        self.extent = self.options.view_extent(self.model)
        self.message = "view reset"
        self._new_view()

    def action_global_min(self) -> None:
        """Put the walker on the global minimum found on the map (or say why not)."""
        report = self.report
        if self.blind:
            self.message = "no peeking: g would show where the minimum is - press b to look first"
        elif report is None:
            self.message = "still computing the map - try g again in a moment"
        elif report.unbounded:
            self.message = f"no global minimum: {report.note}"
        elif report.global_minimum is None:
            where = report.note or "no minimum found in this view"
            self.message = f"{where} - zoom out (x) or reset the view (0)"
        else:
            best = report.global_minimum
            self._stop_walk()
            x, y = self.walker.position
            self.walker.move(best.w1 - x, best.w2 - y)
            self.map.flash(best.w1, best.w2)
            self.message = f"global minimum: w1={best.w1:.4g} w2={best.w2:.4g} loss={best.loss:.4g}"
        self._show_walker()

    def action_reset(self) -> None:
        self._stop_walk()
        self.walker.reset()
        self.message = "walker reset to its start, trail cleared"
        self._show_walker()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(charset=self.charset))

    def action_practice(self) -> None:
        """The lesson's practice problems (escape comes back here)."""
        self._stop_walk()
        self.push_screen(PracticeScreen(charset=self.charset, colour=self._colour()))

    def on_map_view_clicked(self, message: MapView.Clicked) -> None:
        """A click on a map puts the walker there."""
        self._stop_walk()
        x, y = self.walker.position
        self.walker.move(message.w1 - x, message.w2 - y)
        self.message = f"walker placed at w1={message.w1:.4g} w2={message.w2:.4g}"
        self._show_walker()

    # ------------------------------------------------------------------ teaching modes

    def action_blind(self) -> None:
        """Hide the map (walk by feel alone) or show it again with the path walked."""
        self._set_blind(not self.blind)
        self.message = ("blind: step with space, enter or the arrows" if self.blind
                        else "looking again: the trail shows the path you walked")
        self._show_walker()

    def _set_blind(self, on: bool) -> None:
        if on and self.split:
            self._set_split(False)
        self.blind = on
        self.set_class(on, "-blind")

    def action_data(self) -> None:
        """Show or hide the data view (examples, boundary, costliest points)."""
        if self.split:
            self._say("the split view fills the screen - v closes it first")
            return
        self.data_view = not self.data_view
        self.set_class(self.data_view, "-data")
        self.message = ("data view: the line is where the model says p = 0.5" if self.data_view
                        else "data view closed")
        self._show_walker()

    def action_split(self) -> None:
        """BCE and MSE maps of the same data side by side, or back to one map."""
        if self.split:
            self._set_split(False)
            self._say("split view closed")
        elif self.blind:
            self._say("blind mode hides the maps - press b to look first")
        elif not self.is_data:
            self._say(f"v compares BCE with MSE on data; {self.model.name} has no data "
                      f"(try {' or '.join(DATA_LANDSCAPES)})")
        else:
            self._stop_walk()
            self._set_split(True)
            self.message = "BCE (left) vs MSE (right): same data, same walker - v returns"
            self._show_walker()

    def _set_split(self, on: bool) -> None:
        self.split = on
        self.set_class(on, "-split")
        if not on:
            return
        for loss in LOSS_KINDS:
            caption = split_caption(self.model, loss)
            self.query_one(f"#caption-{loss}", Static).update(
                ascii_only(caption) if self.charset == "ascii" else caption)
            map_view = self._split_map(loss)
            map_view.mode, map_view.scale = self.map.mode, self.map.scale
            map_view.clear_grid()
        self._request_split()

    def action_l2(self, direction: int) -> None:
        """λ (L2 regularisation) one rung down/up the ladder; the walker stays where it is."""
        if not self.is_data:
            self._say(f"λ (L2) applies to data landscapes only: {', '.join(DATA_LANDSCAPES)}")
            return
        l2 = self.options.l2
        rungs = [v for v in L2_LADDER if v > l2] if direction > 0 else [
            v for v in reversed(L2_LADDER) if v < l2]
        if not rungs:
            self._say(f"λ = {l2:g} is already the end of the ladder")
            return
        options = dataclasses.replace(self.options, l2=rungs[0])
        old = self.walker
        try:
            model = options.build()
            walker = Walker(model, tuple(old.position), optimizer=old.optimizer_name, lr=old.lr,
                            schedule=old.schedule_name, extent=options.view_extent(model),
                            gradient=self._gradient(model))
        except Exception as error:
            self.notify(f"cannot set λ: {error}", severity="error")
            return
        walker.start = old.start.copy()  # r still goes back to where the walk began
        self._stop_walk()
        self.options, self.model, self.walker = options, model, walker
        self.report = None
        self.message = f"λ = {rungs[0]:g}: the loss adds λ/2·|w|², pulling the weights toward 0"
        self._new_view()

    def action_batch(self) -> None:
        """Cycle the walker's gradient between the full batch and minibatches of 64, 16, 1."""
        if not self.is_data:
            self._say(f"minibatches need examples; {self.model.name} has none "
                      f"(try {' or '.join(DATA_LANDSCAPES)})")
            return
        self.batch_size = BATCH_SIZES[(BATCH_SIZES.index(self.batch_size) + 1) % len(BATCH_SIZES)]
        self.walker.gradient = self._gradient(self.model)
        self.message = f"gradient from {self._batch_label()} (the map is still the full batch)"
        self._show_walker(charts=False)

    # ------------------------------------------------------------------ tour

    def action_tour(self) -> None:
        """Start the lesson tour at slide 1, or end it (the app stays as it is)."""
        if self.touring:
            self.touring = False
            self.set_class(False, "-tour")
            self._say("tour ended - t starts it again")
        else:
            self._start_tour()

    def _start_tour(self) -> None:
        if self.tour is None:
            try:
                self.tour = Tour(load_tour(TOUR_PATH))
            except TourError as error:
                self.notify(f"cannot start the tour: {error}", severity="error")
                return
        self.tour.restart()
        self.touring = True
        self.set_class(True, "-tour")
        self._apply_slide(self.tour.current)

    def action_slide(self, delta: int) -> None:
        """Next / previous tour slide."""
        if not self.touring:
            self._say("no tour running - t starts it")
        elif self.tour.next() if delta > 0 else self.tour.previous():
            self._apply_slide(self.tour.current)
        else:
            self._say("last slide - t ends the tour" if delta > 0 else "this is the first slide")

    def _apply_slide(self, slide: Slide) -> None:
        """Set the app up as the slide says; settings it leaves out stay as they are."""
        self._stop_walk()
        setup = slide.setup
        options = setup.options()
        if options is not None:
            if not self._open(options, ""):
                return
            self._set_scale("linear")  # each slide's map as its text describes it
        try:
            if setup.optimizer is not None:
                self.walker.set_optimizer(setup.optimizer)
            if setup.schedule is not None:
                self.walker.set_schedule(setup.schedule)
            if setup.lr is not None:
                self.walker.set_lr(setup.lr)
            if setup.start is not None:
                self.walker.reset(setup.start)
        except ValueError as error:
            self.notify(f"this slide's setup failed: {error}", severity="error")
        if setup.mode is not None:
            self._set_mode(setup.mode)
        if setup.blind is not None:
            self._set_blind(setup.blind)
        self.query_one("#tour", TourPanel).show(self.tour)
        self.message = f"tour slide {self.tour.index + 1}/{len(self.tour)}"
        if setup.run:
            self._start_walk()
        self._show_walker()

    # ------------------------------------------------------------------ status

    def _banner(self) -> str:
        """One standing fact above the map: blind mode, or that there is no minimum to find."""
        if self.blind:
            return BLIND_NOTE
        report = self.report
        if report is None or self.split:
            return ""
        if report.unbounded:
            return NO_MINIMUM if self.is_data else report.note
        if report.global_minimum is None and report.note:  # e.g. a small λ on separable data
            return f"{report.note} - x zooms out"
        return ""

    def _update_status(self) -> None:
        """Two lines: what and where (landscape, optimizer, walker), then the keys and news."""
        walker = self.walker
        state = "walking" if self.walking else walker.status.value
        sep = " | "
        title = landscape_title(self.model, long=self.size.width >= 120)
        if self.is_data:
            extras = [f"λ {self.model.l2:g}"] if self.model.l2 else []
            extras += [self._batch_label()] if walker.gradient is not None else []
            title = " ".join([title, *extras])
        # step and loss change on every step: the side panel shows them, so the status repeats
        # them only while the panel is hidden (split, data view) and a step resends no status row
        where = []
        if self.split or self.data_view:
            loss = walker.trail[-1].loss if walker.trail else self.model.loss(walker.position)
            where = [f"step {walker.steps} loss {_fmt(loss)}"]
        rest = sep.join([
            f"{walker.optimizer_name} lr {walker.lr:.3g} {walker.schedule_name}",
            *where,
            state.upper() if walker.status == WalkerStatus.DIVERGED else state,
        ])
        if self._progress is not None:
            news = f"computing the map {self._progress:4.0%}..."
            news = f"{news} {self.message}" if self.message else news
        else:
            news = self.message
        keys = self._keys_now()
        second = f"{keys}{sep}{news}" if news else keys
        banner = self._banner()
        if self.charset == "ascii":
            title, rest = ascii_only(title), ascii_only(rest)
            news, second, banner = ascii_only(news), ascii_only(second), ascii_only(banner)
        # the one-column margin is part of the text (not CSS padding): fewer segments to send
        width = max(self.size.width - 2, 1)
        # too narrow for everything: the title gives way first (the numbers and state matter
        # more), and news that fits on its own pushes out the key hints (the footer has them)
        room = width - len(rest) - len(sep)
        first = f"{_clip(title, room, self.charset)}{sep}{rest}" if room >= MIN_TITLE else (
            f"{title}{sep}{rest}")
        if len(second) > width and news and len(news) <= width:
            second = news
        text = Text(no_wrap=True)
        text.append(" " + _clip(first, width, self.charset), style="bold")
        text.append("\n " + _clip(second, width, self.charset))
        self.query_one("#status", TextLines).show(text)
        if banner != self._banner_text:
            self._banner_text = banner
            self.query_one("#banner", Static).update(banner)
            self.set_class(bool(banner), "-banner")

    def _keys_now(self) -> str:
        """The keys that matter in the walker's current state."""
        if self.walking:
            return "enter pause  +/- lr  ? help"
        if self.walker.status == WalkerStatus.DIVERGED:
            return "r reset  - lower lr  ? help"
        if self.touring:
            return "PgDn/. next  PgUp/, back  t end tour"
        if self.walker.status != WalkerStatus.WALKING:
            return "r reset  o optimizer  g global min  ? help"
        return "arrows/hjkl move  space step  enter run  ? help"


_KEY_ACTIONS = frozenset(b.action.partition("(")[0] for b in LosswalkApp.BINDINGS)


def _clip(line: str, width: int, charset: str) -> str:
    """line cut to width columns, ending in an ellipsis when cut (status lines never wrap)."""
    if len(line) <= width:
        return line
    dots = "…" if charset == "unicode" else "..."
    return line[:max(width - len(dots), 0)] + dots


def _fmt(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else str(value)


def run(options: LandscapeOptions, *, charset: str = "unicode", tour: bool = False) -> None:
    """Open the app on the landscape described by options (`losswalk`; `losswalk tour` passes
    tour=True to start with the lesson tour)."""
    LosswalkApp(options, charset=charset, tour=tour).run()


__all__ = ["L2_LADDER", "MIN_SIZE", "LosswalkApp", "run"]
