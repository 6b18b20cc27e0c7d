"""The losswalk Textual app: composition, key bindings and routing over a plain Explorer.

Everything the app knows lives in `core.explorer.Explorer`; a key calls one of its operations and
the app redraws from it (`_sync`). Each widget owns its own screen logic: the LandscapeMap computes
its grid in a worker and posts Ready/Progress/Failed, the SplitView and DataPane draw their modes,
the StatusBar words the state.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import ClassVar

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
from losswalk.core.landscapes.datasets import Dataset
from losswalk.core.landscapes.models import MLP_LANDSCAPES, LandscapeOptions
from losswalk.core.landscapes.userdata import options_with_data
from losswalk.core.walk.optimizers import OptimizerSettings
from losswalk.tui.keymap import KEY_ACTIONS, KEYMAP
from losswalk.tui.offloop import HEAVY_EXAMPLES, OffLoop
from losswalk.tui.widgets.charts import CrossSectionChart, LossHistoryChart
from losswalk.tui.widgets.key_bar import KeyBar
from losswalk.tui.widgets.landscape_map import LandscapeMap
from losswalk.tui.widgets.map_view import MapView
from losswalk.tui.widgets.slice_note import SliceNote
from losswalk.tui.widgets.status_bar import Banner, StatusBar, banner_text
from losswalk.tui.widgets.walker_panel import WalkerPanel

MIN_SIZE = (60, 18)  # below this the app shows "terminal too small" instead of the UI
STEPS_PER_SECOND = 18  # animated walk speed
CHART_EVERY = 3  # while walking, redraw the cross-sections (and data view) every few steps
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
        self.map.set_walker(walker.position, _map_trail(explorer.model, walker.trail))
        self.query_one(SliceNote).show(explorer.model, self.charset)
        if explorer.split:
            self._opened("split").show(explorer)
        self._show_surface()
        self.query_one(WalkerPanel).show(walker.feel(), walker, self.charset,
                                         explorer.walk_state)
        self.query_one(LossHistoryChart).show(walker.trail)  # no-op while the trail is unchanged
        if charts:
            self.query_one(CrossSectionChart).show(explorer.model, walker.position,
                                                   explorer.extent)
            if explorer.data_view:
                self._opened("data-box").show(explorer.model, walker.position)
        if explorer.touring:
            self._opened("tour").show(explorer.tour)
        self._show_race()
        self._show_basins_and_curvature()
        self._run_clock()
        self._update_status()

    def _show_surface(self) -> None:
        """The 3-D view when it is on, drawn from the explorer; while it is shown it has the
        focus (its arrows turn it), and once it is off the arrows move the walker again."""
        explorer = self.explorer
        if not explorer.view3d:
            if self.focused is not None and self.focused.id == "surface":
                self.set_focus(None)
            return
        view = self._opened("surface")
        view.show(explorer)
        if not (explorer.blind or explorer.split or explorer.data_view) and not view.has_focus:
            view.focus()

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
        self._show_surface()  # the 3-D view marks the same landmarks
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
            self._pick_racers()
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

    def action_global_min(self) -> None:
        """Put the walker on the global minimum (the map flashes it) or say why not."""
        moved: list[bool] = []  # (big data: go there and compute the screen in a worker first)

        def go() -> None:
            moved.append(self.explorer.go_to_global_min())

        def shown() -> None:
            self._sync()
            if moved and moved[0]:  # it stands on it now (in a new view when it lay outside)
                self.map.flash(*self.explorer.walker.position)

        if not self._offloop.take(go, (), shown, lambda: True):
            go()
            shown()

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

    def action_view3d(self) -> None:
        self._do(self.explorer.toggle_view3d, charts=False)

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

    def _show_race(self) -> None:
        """The race's racers on the map and its table and chart in the side panel (mounted the
        first time a race starts), or the single walker again."""
        race = self.explorer.race
        self.set_class(race is not None, "-race")
        if race is None:
            self.map.set_racers(())
            return
        from losswalk.tui.widgets.race_chart import RaceChart  # imported when a race starts
        from losswalk.tui.widgets.race_panel import RacePanel, racer_marks

        self.map.set_racers(racer_marks(race, self.charset))
        if not self.query(RacePanel):
            look = {"charset": self.charset, "colour": self._colour()}
            self.query_one("#side").mount(RacePanel(**look, id="race-panel"),
                                          RaceChart(**look, id="race-chart"), before="#panel")
        self.query_one(RacePanel).show(self.explorer)
        self.query_one(RaceChart).show(race)

    def action_race(self) -> None:
        """Start the optimizer race from the walker's position, or end it."""
        self._do(self.explorer.toggle_race)

    def action_end_race(self) -> None:
        if self.explorer.race is not None:
            self._do(self.explorer.end_race)

    def _pick_racers(self) -> None:
        """The race picker; enter there races the new set from the same start."""
        from losswalk.tui.screens.race_picker import RacePicker

        self.explorer.walking = False
        self._run_clock()

        def picked(racers) -> None:
            if racers is not None:
                self._do(self.explorer.start_race, racers)

        self.push_screen(RacePicker(self.explorer.racers, colour=self._colour()), picked)

    def action_help(self) -> None:
        from losswalk.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(charset=self.charset, overrides=self.config.keys))

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

    # ------------------------------------------------------------------ basins and curvature

    def action_basins(self) -> None:
        self._do(self.explorer.toggle_basins)

    def action_curvature(self) -> None:
        self._do(self.explorer.toggle_curvature, charts=False)

    def _show_basins_and_curvature(self) -> None:
        """The basin map (A) in place of the map, the curvature panel (i) under the walker's
        panel with the Hessian's axes on the map; each imported and mounted when first opened."""
        explorer = self.explorer
        self.set_class(explorer.basins_shown, "-basins")
        self.set_class(explorer.curvature_shown, "-curvature")
        if explorer.basins_shown:
            self._opened("basins").show(explorer.model, explorer.extent,
                                        explorer.basin_settings(), explorer.walker.position)
        else:
            for view in self.query("#basins"):
                view.stop()
        if not explorer.curvature_shown:
            self.map.set_marks(())
            return
        from losswalk.tui.widgets.curvature_panel import CurvaturePanel, axis_marks

        curvature = explorer.walker_curvature()
        panels = self.query(CurvaturePanel)
        if panels:
            panel = panels.first()
        else:
            panel = CurvaturePanel(charset=self.charset, colour=self._colour(), id="curvature")
            self.query_one("#side").mount(panel, before="#history")
        panel.show(curvature, explorer.walker.current_lr())
        self.map.set_marks(axis_marks(curvature, self.map.cell_size()))
    def action_export(self) -> None:
        """Save the view as it is now (SVG and text) and the trail so far (CSV and JSON) into
        a folder the prompt asks for; a failure is a message and nothing else changes."""
        from losswalk.core.files.export import Export
        from losswalk.tui.screens.export import ExportScreen

        text = "\n".join(strip.text.rstrip() for strip in self.screen._compositor.render_strips())
        export = Export(self.explorer.model.name, self.export_screenshot(), text + "\n",
                        list(self.explorer.walker.trail))
        self.push_screen(ExportScreen(os.getcwd()), partial(self._export_to, export=export))

    def _export_to(self, folder: str | None, export) -> None:
        """Write the export into folder (None: the prompt was cancelled) in a thread: a long
        trail on a slow disk never holds up the keys."""
        if folder is not None:
            self.run_worker(partial(self._write_export, folder, export), thread=True,
                            group="export")

    def _write_export(self, folder: str, export) -> None:
        """(In the export's thread.) Write the files, then say where they went or why not."""
        from losswalk.core.files.export import write_export

        try:
            paths = write_export(folder, export)
        except Exception as error:  # ExportError, or anything else: said, never fatal
            self.call_from_thread(self.notify, f"nothing exported: {error}", severity="error")
            return
        self.call_from_thread(self._exported, paths)

    def _exported(self, paths) -> None:
        names = ", ".join(path.name for path in paths)
        self.explorer.message = f"exported to {paths[0].parent}: {names}"
        self.notify(self.explorer.message)
        self._update_status()


def _map_trail(model, trail):
    """The trail the map draws: the walker's, and on the PCA plane the training run before it
    (the slices' module is read only on the slices)."""
    if model.name not in MLP_LANDSCAPES:
        return trail
    from losswalk.core.landscapes.slices import shown_trail

    return shown_trail(model, trail)


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
