"""The losswalk Textual app: composition, key bindings and routing over a plain Explorer.

Everything the app knows lives in `core.explorer.Explorer`; a key calls one of its operations and
the app redraws from it (`_sync`). Each widget owns its own screen logic: the LandscapeMap computes
its grid in a worker and posts Ready/Progress/Failed, the SplitView and DataPane draw their modes,
the StatusBar words the state. Each feature (race, basins, curvature, 3-D view, tour, practice,
export, opening data, the global minimum, the walk's clock) has its controller in tui/features/:
the app's action for its key is one line that calls it, and `_sync` calls its `sync()`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from losswalk.core.drawing.text import check_charset, safe_text
from losswalk.core.explorer import Explorer
from losswalk.core.files.config import Config
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.walk.optimizers import OptimizerSettings
from losswalk.tui.keymap import KEY_ACTIONS, KEYMAP
from losswalk.tui.offloop import OffLoop
from losswalk.tui.widgets.charts import CrossSectionChart, LossHistoryChart
from losswalk.tui.widgets.key_bar import KeyBar
from losswalk.tui.widgets.landscape_map import LandscapeMap, map_trail
from losswalk.tui.widgets.map_view import MapView
from losswalk.tui.widgets.slice_note import SliceNote
from losswalk.tui.widgets.status_bar import Banner, StatusBar, banner_text
from losswalk.tui.widgets.walker_panel import WalkerPanel

MIN_SIZE = (60, 18)  # below this the app shows "terminal too small" instead of the UI
# Textual paints the screen about three times while it starts (layout, resize, resume): the
# output is held until the map's first grid is drawn (at most this long), so one frame is sent
FIRST_FRAME_WAIT = 0.5
MODE_WIDGETS = {  # id -> (module, class) of the widgets of modes the first frame does not show
    "split": ("losswalk.tui.widgets.split_view", "SplitView"),
    "data-box": ("losswalk.tui.widgets.data_view", "DataPane"),
    "tour": ("losswalk.tui.widgets.tour_panel", "TourPanel"),
    "basins": ("losswalk.tui.widgets.basin_view", "BasinView"),
    "surface": ("losswalk.tui.widgets.surface_view", "SurfaceView"),
}
CONTROLLERS = {  # name -> (module, class) of each feature's controller, imported when first used
    "race": ("losswalk.tui.features.race", "RaceController"),
    "basins": ("losswalk.tui.features.basins", "BasinsController"),
    "curvature": ("losswalk.tui.features.curvature", "CurvatureController"),
    "surface": ("losswalk.tui.features.surface", "SurfaceController"),
    "tour": ("losswalk.tui.features.tour", "TourController"),
    "practice": ("losswalk.tui.features.practice", "PracticeController"),
    "export": ("losswalk.tui.features.export", "ExportController"),
    "open_data": ("losswalk.tui.features.open_data", "OpenDataController"),
    "global_min": ("losswalk.tui.features.global_min", "GlobalMinController"),
    "walk": ("losswalk.tui.features.walk", "WalkController"),
}


class LosswalkApp(App[None]):
    """Walk a 2-D loss landscape with an optimizer, or by hand, and watch what it feels."""

    CSS_PATH = "losswalk.tcss"
    TITLE = "losswalk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[Binding]] = KEYMAP

    def __init__(self, options: LandscapeOptions | None = None, *, charset: str = "unicode",
                 tour: bool = False, settings: OptimizerSettings | None = None,
                 explorer: Explorer | None = None, config: Config | None = None) -> None:
        super().__init__()
        self.charset = check_charset(charset)
        self.config = config or Config()  # the user's config.toml: palette and extra keys
        self.palette = self.config.palette or "viridis"  # the maps' heatmap colours
        if self.config.keys:  # ConfigError for an unknown action or a key two actions share
            from losswalk.tui.key_config import keymap_with

            self._bindings = BindingsMap([*App.BINDINGS, *keymap_with(self.config)])
        # a resumed session hands its explorer over; otherwise a fresh one for the options
        self.explorer = explorer or Explorer(options, settings)
        self._start_with_tour = tour
        self._progress: float | None = None  # 0..1 while the map's grid is being evaluated
        self._controllers: dict[str, Any] = {}  # the features used so far (tui/features/)
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
                yield SliceNote(id="slice")  # shown on the network slices only
                yield LossHistoryChart(**look, id="history")
                yield CrossSectionChart(**look, id="sections")
        yield Static(id="too-small")
        yield KeyBar()

    def get_key_display(self, binding: Binding) -> str:
        """Key names in the key bar and help; plain words in ASCII mode (Textual shows enter as
        a glyph)."""
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
        self.set_class(explorer.view3d, "-view3d")
        self.map.mode, self.map.scale = explorer.mode, explorer.scale
        self.map.show_landscape(explorer.model, explorer.extent)
        walker = explorer.walker
        self.map.set_walker(walker.position, map_trail(explorer.model, walker.trail))
        self.query_one(SliceNote).show(explorer.model, self.charset)
        if explorer.split:
            self._opened("split").show(explorer)
        self._sync_feature("surface", explorer.view3d)
        self.query_one(WalkerPanel).show(walker.feel(), walker, self.charset,
                                         explorer.walk_state)
        self.query_one(LossHistoryChart).show(walker.trail)  # no-op while the trail is unchanged
        if charts:
            self.query_one(CrossSectionChart).show(explorer.model, walker.position,
                                                   explorer.extent)
            if explorer.data_view:
                self._opened("data-box").show(explorer.model, walker.position)
        for name, on_ in (("tour", explorer.touring), ("race", explorer.race is not None),
                          ("basins", explorer.basins_shown),
                          ("curvature", explorer.curvature_shown), ("walk", explorer.walking)):
            self._sync_feature(name, on_)
        self._update_status()

    def controller(self, name: str) -> Any:
        """The feature's controller (tui/features/<name>.py), imported and made the first time
        the feature is used."""
        if name not in self._controllers:
            module, class_name = CONTROLLERS[name]
            self._controllers[name] = getattr(import_module(module), class_name)(self)
        return self._controllers[name]

    def _sync_feature(self, name: str, on: bool) -> None:
        """The feature's part of the redraw while it is on, and after it was on (to clear what it
        drew); a feature never used has nothing on screen, and is not imported."""
        if on or name in self._controllers:
            self.controller(name).sync()

    def stop_walk(self) -> None:
        """Stop the walk and its clock (a screen is about to cover the map)."""
        self.explorer.walking = False
        self._sync_feature("walk", False)

    def _opened(self, id: str) -> Widget:
        """The mode's widget, imported and mounted the first time its mode opens (the first frame
        does not pay for modes nobody has opened yet)."""
        for widget in self.query(f"#{id}"):
            return widget
        module, name = MODE_WIDGETS[id]
        widget = getattr(import_module(module), name)(charset=self.charset,
                                                      colour=self._colour(), id=id)
        if id == "tour":  # under the map and the side panel
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

    def _do(self, operation: Callable[..., object], *args, charts: bool = True) -> None:
        """Run an explorer operation for a key; whatever goes wrong is said, never fatal. On big
        data it runs in a worker (OffLoop), and the screen follows when it is done."""
        try:
            self.explorer.check_race(operation)  # during a race: refused, whatever the data
        except ValueError as error:
            self.notify(str(error), severity="error")
            return
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
        self._sync_feature("surface", self.explorer.view3d)  # it marks the same landmarks
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
        if self.explorer.race is not None:  # in the race, o picks the racers
            self.controller("race").pick_racers()
            return
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

    def action_help(self) -> None:
        from losswalk.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(charset=self.charset, overrides=self.config.keys))

    # ------------------------------------------------------------------ features
    # each feature's keys call its controller (tui/features/), which holds what they do

    def action_race(self) -> None:
        self.controller("race").toggle()

    def action_end_race(self) -> None:
        self.controller("race").end()

    def action_basins(self) -> None:
        self.controller("basins").toggle()

    def action_curvature(self) -> None:
        self.controller("curvature").toggle()

    def action_view3d(self) -> None:
        self.controller("surface").toggle()

    def action_tour(self) -> None:
        self.controller("tour").toggle()

    def action_slide(self, delta: int) -> None:
        self.controller("tour").slide(delta)

    def action_practice(self) -> None:
        self.controller("practice").open()

    def action_export(self) -> None:
        self.controller("export").start()

    def action_open_data(self) -> None:
        self.controller("open_data").open()

    def action_global_min(self) -> None:
        self.controller("global_min").go()


def run(options: LandscapeOptions, *, charset: str = "unicode", tour: bool = False,
        settings: OptimizerSettings | None = None, explorer: Explorer | None = None,
        save: bool = False, config: Config | None = None) -> None:
    """Open the app on the landscape described by options (`losswalk`; `losswalk tour` passes
    tour=True to start with the lesson tour), its walkers built with these optimizer settings;
    or on `explorer` (`losswalk --resume`), with the user's `config` (palette, keys). With
    `save`, the state at quit is saved for --resume (a failure is one line on stderr).
    SIGINT, SIGTERM and SIGHUP end it with the terminal restored (and the session saved), and
    SystemExit(128 + signal)."""
    from losswalk.tui.signals import ExitOnSignals

    app = LosswalkApp(options, charset=charset, tour=tour, settings=settings, explorer=explorer,
                      config=config)
    with ExitOnSignals(app) as signals:
        app.run()
    # a crash (return code 1) leaves the last save as it was; a signal ends a sound session
    if save and (not app.return_code or signals.status is not None):
        from losswalk.core.files.session import save_session

        try:
            save_session(app.explorer)
        except OSError as error:
            why = (f"{error.filename}: {error.strerror}" if error.filename and error.strerror
                   else error.strerror or str(error))
            print(f"losswalk: could not save the session for --resume: "
                  f"{safe_text(why)}", file=sys.stderr)
    if signals.status is not None:
        raise SystemExit(signals.status)


__all__ = ["MIN_SIZE", "LosswalkApp", "run"]
