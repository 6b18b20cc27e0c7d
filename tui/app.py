"""The losswalk Textual app: composition, key bindings and routing over a plain Explorer.

Everything the app knows lives in `core.explorer.Explorer`; a key calls one of its operations and
the app redraws from it (`_sync`). Each widget owns its own screen logic: the LandscapeMap computes
its grid in a worker and posts Ready/Progress/Failed, the SplitView and DataPane draw their modes,
the StatusBar words the state.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Static

from losswalk.core.drawing.text import check_charset, safe_text
from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.datasets import Dataset
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.landscapes.userdata import options_with_data
from losswalk.core.walk.optimizers import OptimizerSettings
from losswalk.tui.keymap import KEY_ACTIONS, KEYMAP
from losswalk.tui.offloop import HEAVY_EXAMPLES, OffLoop
from losswalk.tui.widgets.charts import CrossSectionChart, LossHistoryChart
from losswalk.tui.widgets.data_view import DataPane
from losswalk.tui.widgets.landscape_map import LandscapeMap
from losswalk.tui.widgets.map_view import MapView
from losswalk.tui.widgets.split_view import SplitView
from losswalk.tui.widgets.status_bar import Banner, StatusBar, banner_text
from losswalk.tui.widgets.tour_panel import TourPanel
from losswalk.tui.widgets.walker_panel import WalkerPanel

MIN_SIZE = (60, 18)  # below this the app shows "terminal too small" instead of the UI
STEPS_PER_SECOND = 18  # animated walk speed
CHART_EVERY = 3  # while walking, redraw the cross-sections (and data view) every few steps
# Textual paints the screen about three times while it starts (layout, resize, resume): the
# output is held until the map's first grid is drawn (at most this long), so one frame is sent
FIRST_FRAME_WAIT = 0.5


class LosswalkApp(App[None]):
    """Walk a 2-D loss landscape with an optimizer, or by hand, and watch what it feels."""

    CSS_PATH = "losswalk.tcss"
    TITLE = "losswalk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[Binding]] = KEYMAP

    def __init__(self, options: LandscapeOptions | None = None, *, charset: str = "unicode",
                 tour: bool = False, settings: OptimizerSettings | None = None) -> None:
        super().__init__()
        self.charset = check_charset(charset)
        self.explorer = Explorer(options, settings)
        self._start_with_tour = tour
        self._progress: float | None = None  # 0..1 while the map's grid is being evaluated
        self._walk_timer: Timer | None = None
        self._first_frame: Timer | None = None  # set while the first frame is held back
        self._offloop = OffLoop(self)  # big data: keys computed in a worker

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        look = {"charset": self.charset, "colour": self._colour()}
        yield StatusBar(id="status")
        yield Banner(id="banner")
        with Horizontal(id="main"):
            yield LandscapeMap(**look, id="map")
            # the split view, the data view and the tour panel are mounted when first opened
            with Vertical(id="side"):
                yield WalkerPanel(**look, id="panel")
                yield LossHistoryChart(**look, id="history")
                yield CrossSectionChart(**look, id="sections")
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
        if not self.is_headless:  # a terminal: send the first frame once, map and all
            self._begin_batch()  # what App.delay_update does, but ended by the map, not a clock
            self._first_frame = self.set_timer(FIRST_FRAME_WAIT, self._release_first_frame)
        self.set_class(self.charset == "ascii", "-ascii")
        self._layout_for(self.size.width, self.size.height)
        if self._start_with_tour:
            self.action_tour()
        elif not self._offloop.take(lambda: None, (), self._sync, lambda: True):
            self._sync()  # (big data: the panel and charts are computed in a worker first)

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
    def map(self) -> LandscapeMap:
        return self.query_one("#map", LandscapeMap)

    @property
    def map_busy(self) -> bool:
        """True while the map's landmarks are pending: requested, computing, after a resize, or
        not yet handed to the explorer."""
        return self.map.busy or self.explorer.report is None

    # ------------------------------------------------------------------ routing

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification (from any widget) made safe to show in the app's charset: it may
        quote a file name or a value. Markup is always off (widgets pass markup=True), so a '['
        in a name is just text."""
        del markup
        super().notify(safe_text(message, self.charset), title=safe_text(title, self.charset),
                       severity=severity, timeout=timeout, markup=False)

    def _sync(self, charts: bool = True) -> None:
        """Show the explorer as it is now: modes, maps, walker, panel, charts and status (the
        loss chart always, so its title never lags the panel; the costlier charts if `charts`)."""
        explorer = self.explorer
        for on_, name in ((explorer.blind, "-blind"), (explorer.data_view, "-data"),
                          (explorer.split, "-split"), (explorer.touring, "-tour")):
            self.set_class(on_, name)
        self.map.mode, self.map.scale = explorer.mode, explorer.scale
        self.map.show_landscape(explorer.model, explorer.extent)
        walker = explorer.walker
        self.map.set_walker(walker.position, walker.trail)
        if explorer.split:
            self._opened(SplitView, "split").show(explorer)
        self.query_one(WalkerPanel).show(walker.feel(), walker, self.charset,
                                         explorer.walk_state)
        self.query_one(LossHistoryChart).show(walker.trail)  # no-op while the trail is unchanged
        if charts:
            self.query_one(CrossSectionChart).show(explorer.model, walker.position,
                                                   explorer.extent)
            if explorer.data_view:
                self._opened(DataPane, "data-box").show(explorer.model, walker.position)
        if explorer.touring:
            self._opened(TourPanel, "tour").show(explorer.tour)
        self._run_clock()
        self._update_status()

    def _opened(self, kind: type[Widget], id: str) -> Widget:
        """The mode's widget, mounted the first time its mode opens (the first frame does not pay
        for modes nobody has opened yet)."""
        for widget in self.query(kind):
            return widget
        widget = kind(charset=self.charset, colour=self._colour(), id=id)
        if kind is TourPanel:  # under the map and the side panel
            self.mount(widget, before="#too-small")
        else:  # beside the map, in its place when the mode hides it
            self.query_one("#main").mount(widget, before="#side")
        return widget

    def _update_status(self) -> None:
        # query, not query_one: a map's message may still arrive while the app shuts down
        for bar in self.query(StatusBar):
            bar.show(self.explorer, self.charset, self._progress)
        for banner in self.query(Banner):
            banner.say(banner_text(self.explorer, self.map.sample_note), self.charset)

    def _run_clock(self) -> None:
        """The walk's clock runs exactly while the explorer is walking."""
        if self.explorer.walking and self._walk_timer is None:
            # the map owns the clock: it stops with the map, so no tick lands while the app closes
            self._walk_timer = self.map.set_interval(1 / STEPS_PER_SECOND, self._tick)
        elif not self.explorer.walking and self._walk_timer is not None:
            self._walk_timer.stop()
            self._walk_timer = None

    def _tick(self) -> None:
        """One animation frame: one step; the cross-sections every few steps and when the walk
        ends."""
        if self._offloop.take(self.explorer.tick, (), self._after_tick, self._tick_charts,
                              skip_if_busy=True):
            return
        self.explorer.tick()
        self._after_tick()

    def _tick_charts(self) -> bool:
        """Whether this frame of the walk redraws the cross-sections."""
        return not self.explorer.walking or self.explorer.walker.steps % CHART_EVERY == 0

    def _after_tick(self) -> None:
        self._sync(charts=self._tick_charts())

    def _do(self, operation: Callable[..., object], *args, charts: bool = True) -> None:
        """Run an explorer operation for a key; whatever goes wrong is said, never fatal. On big
        data it runs in a worker (OffLoop), and the screen follows when it is done."""
        if self._offloop.take(operation, args, lambda: self._sync(charts), lambda: charts):
            return
        try:
            operation(*args)
        except Exception as error:
            self.notify(str(error), severity="error")
        self._sync(charts)

    def _release_first_frame(self) -> None:
        """Send the held first frame (once): the map is drawn, or it took too long."""
        if self._first_frame is not None:
            self._first_frame.stop()
            self._first_frame = None
            self._end_batch()
            self.screen.refresh()

    @on(LandscapeMap.Progress, "#map")
    def _map_progress(self, message: LandscapeMap.Progress) -> None:
        self._progress = message.fraction
        self._update_status()
        self._release_first_frame()  # laid out: the chrome is painted while the grid computes

    @on(LandscapeMap.Ready, "#map")
    def _map_ready(self, message: LandscapeMap.Ready) -> None:
        self._progress = None
        self.explorer.set_report(message.report)
        self._update_status()
        self._release_first_frame()

    @on(LandscapeMap.Failed)
    def _map_failed(self, message: LandscapeMap.Failed) -> None:
        if message.map_view.id == "map":
            self._progress = None
            self._release_first_frame()
        self.notify(f"could not evaluate the map: {message.error}", severity="error")
        self._update_status()

    def on_map_view_clicked(self, message: MapView.Clicked) -> None:
        """A click on a map puts the walker there."""
        self._do(self.explorer.place, message.w1, message.w2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the terminal is too small nothing is shown, so of the app's keys only q works:
        no key changes what the user cannot see."""
        guarded = action in KEY_ACTIONS and action != "quit"
        return not (guarded and self.has_class("-too-small"))

    # ------------------------------------------------------------------ keys

    def action_move(self, cells_w1: int, cells_w2: int) -> None:
        """Move the walker by hand a number of map cells (one cell = span / map cells)."""
        dw1, dw2 = self.map.cell_size()
        self._do(self.explorer.move, cells_w1 * dw1, cells_w2 * dw2)

    def action_step(self) -> None:
        self._do(self.explorer.step)

    def action_run(self) -> None:
        self._do(self.explorer.toggle_run)

    def action_optimizer(self, delta: int) -> None:
        self._do(self.explorer.cycle_optimizer, delta, charts=False)

    def action_lr(self, direction: int) -> None:
        self._do(self.explorer.change_lr, direction, charts=False)

    def action_schedule(self) -> None:
        self._do(self.explorer.cycle_schedule, charts=False)

    def action_landscape(self, delta: int) -> None:
        self._do(self.explorer.next_landscape, delta)

    def action_cycle_mode(self) -> None:
        self._do(self.explorer.cycle_mode, charts=False)

    def action_toggle_scale(self) -> None:
        self._do(self.explorer.toggle_scale, charts=False)

    def action_zoom(self, factor: float) -> None:
        self._do(self.explorer.zoom, factor)

    def action_reset_view(self) -> None:
        self._do(self.explorer.reset_view)

    def action_global_min(self) -> None:
        """Put the walker on the global minimum (the map flashes it) or say why not."""
        moved = self.explorer.go_to_global_min()
        self._sync()
        if moved:  # the walker stands on it now (in a new view when it lay outside the old one)
            self.map.flash(*self.explorer.walker.position)

    def action_reset(self) -> None:
        self._do(self.explorer.reset_walker)

    def action_blind(self) -> None:
        self._do(self.explorer.toggle_blind)

    def action_data(self) -> None:
        self._do(self.explorer.toggle_data)

    def action_split(self) -> None:
        self._do(self.explorer.toggle_split)

    def action_l2(self, direction: int) -> None:
        self._do(self.explorer.change_l2, direction)

    def action_batch(self) -> None:
        self._do(self.explorer.next_batch, charts=False)

    def action_tour(self) -> None:
        """Start the lesson tour at slide 1, or end it (the app stays as it is)."""
        if self.explorer.touring:
            self._do(self.explorer.end_tour)
            return
        from losswalk.core.lesson.tour import Tour, load_tour
        from losswalk.tui.widgets.tour_panel import TOUR_PATH

        try:
            tour = self.explorer.tour or Tour(load_tour(TOUR_PATH))
        except ValueError as error:
            self.notify(f"cannot start the tour: {error}", severity="error")
            return
        self._do(self.explorer.start_tour, tour)

    def action_slide(self, delta: int) -> None:
        self._do(self.explorer.move_slide, delta)

    def action_help(self) -> None:
        from losswalk.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(charset=self.charset))

    def action_open_data(self) -> None:
        """ctrl+o: the open-data dialog; a file read there opens on a data landscape."""
        from losswalk.tui.screens.open_data import OpenDataScreen

        self.explorer.walking = False
        self._run_clock()
        data = self.explorer.options.data
        start = os.path.join(os.path.dirname(os.path.abspath(data)), "") if data else ""
        self.push_screen(OpenDataScreen(start, charset=self.charset), self._data_opened)

    def _data_opened(self, result: tuple[str, Dataset] | None) -> None:
        """The dialog's file was read: open it (off the event loop when it is big); a landscape
        that cannot take it is said, and the current one kept."""
        if result is None:
            return
        path, dataset = result
        options = options_with_data(self.explorer.options, path, dataset)
        message = f"data: {path} ({dataset.n:,} examples) on {options.name}"
        if not self._offloop.take(self.explorer.open, (options, message), self._sync,
                                  lambda: True, force=dataset.n > HEAVY_EXAMPLES):
            self._do(self.explorer.open, options, message)

    def action_practice(self) -> None:
        """The lesson's practice problems (escape comes back here)."""
        from losswalk.tui.screens.practice import PracticeScreen

        self.explorer.walking = False
        self._run_clock()
        self.push_screen(PracticeScreen(charset=self.charset, colour=self._colour()))


def run(options: LandscapeOptions, *, charset: str = "unicode", tour: bool = False,
        settings: OptimizerSettings | None = None) -> None:
    """Open the app on the landscape described by options (`losswalk`; `losswalk tour` passes
    tour=True to start with the lesson tour), its walkers built with these optimizer settings."""
    LosswalkApp(options, charset=charset, tour=tour, settings=settings).run()


__all__ = ["MIN_SIZE", "LosswalkApp", "run"]
