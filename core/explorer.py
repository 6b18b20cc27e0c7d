"""The explorer: everything the app knows, as a plain object whose operations the keys call.

It holds the landscape and its options, the view (extent, drawing mode, colour scale), the walker
and its gradient, the teaching modes (blind, data view, split, tour) and the latest message in
plain words. It never touches the screen: the app reads it after each operation and redraws, and
tests drive it without a terminal. Operations that cannot be done raise ValueError with a message
for the user and leave the state as it was.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

from losswalk.core.landscapes.landscape import centred_on, zoom
from losswalk.core.landscapes.minima import MinimaReport
from losswalk.core.landscapes.models import (
    DATA_LANDSCAPES,
    LANDSCAPES,
    MLP_LANDSCAPES,
    LandscapeOptions,
    Model,
)
from losswalk.core.memo import last_result
from losswalk.core.walk.minibatch import BATCH_SIZES, MinibatchGradient
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES, OptimizerSettings
from losswalk.core.walk.walker import Walker, WalkerStatus

if TYPE_CHECKING:  # the tour, race, basins and curvature are read only when first used
    from losswalk.core.landscapes.curvature import Curvature
    from losswalk.core.lesson.tour import Slide, Tour
    from losswalk.core.walk.basins import BasinSettings
    from losswalk.core.walk.race import Race, RacerSpec

Extent = tuple[float, float, float, float]

LR_FACTOR = 1.5  # + and - multiply / divide the learning rate by this
L2_LADDER = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # the λ values [ and ] step through
MODES = ("heatmap", "contours", "both")  # how the map is drawn (c cycles)
NO_SLICE_DATA_VIEW = "it draws two-weight models, and a network's boundary is not a line"
STOP_HINTS = {  # the keys that help once a walk has ended this way
    WalkerStatus.DIVERGED: "- lowers the learning rate, r resets",
    WalkerStatus.OSCILLATING: "- lowers the learning rate",
    WalkerStatus.NOISY: "B changes the batch, - lowers the learning rate",
    WalkerStatus.STALLED: "+ raises the learning rate",
    WalkerStatus.UNBOUNDED: "] adds an L2 penalty, r resets",
    WalkerStatus.STUCK: "o tries another optimizer, r resets",
}


class Explorer:
    """The explorer's state: landscape, view, walker, teaching modes and the latest message."""

    def __init__(self, options: LandscapeOptions | None = None,
                 settings: OptimizerSettings | None = None, model: Model | None = None) -> None:
        """`model` is the options' model when the caller has built it already (the command line
        does, to refuse a bad landscape before the screen opens): it is not built twice."""
        self.options = (options or LandscapeOptions()).loaded()  # a --data file is read once
        self.settings = settings or OptimizerSettings()  # μ, β1, β2, ε of every walker built
        self.batch_size: int | None = None  # minibatch size of the walker's gradient (B)
        self.model: Model = model or self.options.build()
        self.extent: Extent = self.options.view_extent(self.model)
        self.walker = self._new_walker(self.model, self.options)
        self.mode = "heatmap"
        self.scale = "linear"
        self.report: MinimaReport | None = None  # landmarks of the current view, once computed
        self.view_version = 0  # bumps whenever model or extent change: the map must be redone
        self.message = ""  # the latest event in plain words
        self.walking = False  # an animated walk is running (the app owns the clock)
        self.blind = False  # the map is hidden, only what the walker feels is shown
        self.data_view = False  # the data and the model's boundary replace the side panel
        self.split = False  # BCE and MSE maps of the same data side by side
        self.tour: Tour | None = None
        self.touring = False
        self.view3d = False  # the surface in 3-D replaces the map (key 3)
        self._before_tour: dict[str, object] = {}  # what the viewer had when the tour started
        self.race: Race | None = None  # the optimizer race (R), in place of the single walker
        self._racers: tuple[RacerSpec, ...] | None = None  # who races next time (see racers)
        self.basins_shown = False  # A: the basin map of the current optimizer replaces the map
        self.curvature_shown = False  # i: the curvature at the walker, its axes on the map
        self._full_top: tuple[Model, float | None] | None = None  # a slice's full-net λmax

    # ------------------------------------------------------------------ facts

    @property
    def is_data(self) -> bool:
        """True when the landscape is made from examples (λ, minibatches, data view, split)."""
        return self.model.name in DATA_LANDSCAPES

    @property
    def batch_label(self) -> str:
        """How the walker's gradient is taken: "full batch" or "batch 16 of 200"."""
        gradient = self.walker.gradient
        return gradient.label if isinstance(gradient, MinibatchGradient) else "full batch"

    @property
    def walk_state(self) -> str:
        """One word for the walk, the same on the status line and the panel: ready, walking
        (animated), paused (stepped, not running) or how it ended (the walker's status)."""
        status = self.walker.status
        if self.walking:
            return "walking"
        return "paused" if status is WalkerStatus.WALKING else status.value

    def split_options(self, loss: str) -> LandscapeOptions:
        """The options of one half of the BCE/MSE split: this landscape under that loss."""
        return dataclasses.replace(self.options, loss=loss)

    def stop_message(self) -> str:
        """Why the walker stopped, and the key that helps (the walker's own words name none)."""
        walker = self.walker
        why = walker.message or walker.status.value
        hint = STOP_HINTS.get(walker.status, "")
        if walker.status == WalkerStatus.UNBOUNDED and not self.is_data:
            hint = "r resets"
        return f"{why}; {hint}" if hint else why

    # ------------------------------------------------------------------ the map

    def set_report(self, report: MinimaReport) -> None:
        """The landmarks of the current view arrived: tell the walker the landscape's lowest loss
        (in view or not), so 'stuck' means above the real global minimum."""
        self.report = report
        if report.global_minima and not report.unbounded:
            self.walker.global_min_loss = report.global_minima[0].loss
        if self.race is not None:
            self.race.global_min_loss = self.walker.global_min_loss

    def _new_view(self) -> None:
        """The model or the extent changed: landmarks are unknown until the map is redone."""
        self.report = None
        self.view_version += 1
        self.walker.extent = self.extent  # the walker knows when it is off the map

    def cycle_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self.message = f"view: {self.mode}"

    def toggle_scale(self) -> None:
        self.scale = "log" if self.scale == "linear" else "linear"
        self.message = f"colour scale: {self.scale}"

    def zoom(self, factor: float) -> None:
        """Zoom in (factor < 1) or out around the walker; says so when the view is at the limit
        (floats run out, or the widest view) and nothing changes."""
        word = "in" if factor < 1 else "out"
        extent = zoom(self.extent, tuple(self.walker.position), factor)
        pairs = zip(_spans(extent), _spans(self.extent), strict=True)
        if not any((new < old) if factor < 1 else (new > old) for new, old in pairs):
            self.message = f"cannot zoom {word} further here"
            return
        self.extent = extent
        self.message = f"zoomed {word}"
        if self.blind:
            self.message += " (the map is hidden: b shows it; the arrows' step changed too)"
        self._new_view()

    def reset_view(self) -> None:
        self.extent = self.options.view_extent(self.model)
        self.message = "view reset"
        self._new_view()

    def next_landscape(self, delta: int) -> None:
        """Open the next/previous landscape with the same options."""
        names = list(LANDSCAPES)
        here = names.index(self.model.name) if self.model.name in names else -int(delta > 0)
        name = names[(here + delta) % len(names)]  # from a surface file: the first or last one
        self.open(self.options.with_name(name), f"landscape: {name} - {LANDSCAPES[name]}")

    def open(self, options: LandscapeOptions, message: str) -> None:
        """Switch to the landscape options describe: fresh walker (same optimizer and schedule),
        view reset. On error (ValueError) nothing changes."""
        try:
            model = options.build()
            walker = self._new_walker(model, options, self.walker.optimizer_name,
                                      self.walker.schedule_name)
        except Exception as error:  # any failure to build: keep the current landscape
            raise ValueError(f"cannot open {options.name}: {error}") from error
        self.walking = False
        self.options, self.model, self.walker = options, model, walker
        self.extent = options.view_extent(model)
        self.message = message
        if self.split and not self.is_data:
            self.split = False
            self.message += " (split view closed: it needs data)"
        if self.data_view and model.name in MLP_LANDSCAPES:
            self.data_view = False
            self.message += f" (data view closed: {NO_SLICE_DATA_VIEW})"
        self._new_view()

    # ------------------------------------------------------------------ the walker

    def _gradient(self, model: Model) -> MinibatchGradient | None:
        """The walker's minibatch gradient for the chosen batch size (None: the full model)."""
        if self.batch_size is None or model.name not in DATA_LANDSCAPES:
            return None
        return MinibatchGradient(model, self.batch_size, seed=0)

    def _new_walker(self, model: Model, options: LandscapeOptions, optimizer: str = "sgd",
                    schedule: str = "constant") -> Walker:
        """A walker at the model's start with its default learning rate."""
        return Walker(model, optimizer=optimizer, lr=model.default_lr, schedule=schedule,
                      extent=options.view_extent(model), gradient=self._gradient(model),
                      settings=self.settings)

    def move(self, dw1: float, dw2: float) -> None:
        """Move the walker by hand (the optimizer forgets its momentum)."""
        self.walking = False
        self.walker.move(dw1, dw2)
        w1, w2 = self.walker.position
        x0, x1, y0, y1 = self.extent
        if x0 <= w1 <= x1 and y0 <= w2 <= y1:
            self.message = "moved by hand (optimizer memory cleared)"
        else:
            self.message = f"off the map at w1={w1:.4g} w2={w2:.4g} - x zooms out, r goes back"

    def place(self, w1: float, w2: float) -> None:
        """Put the walker at (w1, w2) (a click on the map)."""
        self.walking = False
        x, y = self.walker.position
        self.walker.move(w1 - x, w2 - y)
        self.message = f"walker placed at w1={w1:.4g} w2={w2:.4g}"

    def step(self) -> None:
        """One optimizer step (none once diverged: the message says why)."""
        self.walking = False
        if self.race is not None:
            self._race_step()
        elif self.walker.status is WalkerStatus.DIVERGED:
            self.message = self.stop_message()
        else:
            self.message = ""
            self._after_step(self.walker.step())

    def toggle_run(self) -> None:
        """Start or pause the animated walk (the app's clock calls tick while walking)."""
        if self.walking:
            self.walking = False
            self.message = "paused"
        else:
            self.start_walk()

    def start_walk(self) -> None:
        """Start the animated walk, unless the walk has already ended (the message says how)."""
        if self.race is not None:
            self._start_race_clock()
            return
        if self.walker.status.ended:
            self.message = self.stop_message()
            return
        self.walking = True
        self.message = "walking... enter pauses"
        if self.is_data and self.report is not None and self.report.unbounded:
            self.message = "walking: the loss keeps falling toward 0 - there is no minimum"

    def tick(self) -> None:
        """One frame of the animated walk: one step; the walk ends when the walker stops."""
        if self.race is not None:
            self.walking = self._race_step()
        elif not self._after_step(self.walker.step()):
            self.walking = False

    def _after_step(self, point) -> bool:
        """Report a step; False when the walk has ended (any status but ready or walking)."""
        if point is None or self.walker.status.ended:
            self.message = self.stop_message()
            return False
        if self.walker.off_map:  # where it is now, and what brings it back into view
            w1, w2 = self.walker.position
            self.message = (f"the walker left the map at w1={w1:.4g} w2={w2:.4g} (the arrow at "
                            "the edge points to it) - x zooms out, r goes back")
        return True

    def cycle_optimizer(self, delta: int) -> None:
        names = OPTIMIZERS
        name = names[(names.index(self.walker.optimizer_name) + delta) % len(names)]
        self.walker.set_optimizer(name)
        self.message = f"optimizer: {name}"

    def change_lr(self, direction: int) -> None:
        """Learning rate × LR_FACTOR (direction > 0) or ÷ LR_FACTOR."""
        lr = self.walker.lr * (LR_FACTOR if direction > 0 else 1 / LR_FACTOR)
        self.walker.set_lr(lr)
        self.message = f"learning rate: {lr:.4g}"

    def cycle_schedule(self) -> None:
        name = SCHEDULES[(SCHEDULES.index(self.walker.schedule_name) + 1) % len(SCHEDULES)]
        self.walker.set_schedule(name)
        self.message = f"schedule: {name}"

    def go_to_global_min(self) -> bool:
        """Put the walker on the landscape's global minimum, moving the view there when it lies
        outside (or say why not); True when it moved there."""
        report = self.report
        if self.race is not None:
            self.message = RACE_ONLY
        elif self.blind:
            self.message = "no peeking: g would show where the minimum is - press b to look first"
        elif report is None:
            self.message = "still computing the map - try g again in a moment"
        elif report.unbounded:
            self.message = f"no global minimum: {report.note}"
        elif not report.global_minima:
            at_home = tuple(self.extent) == tuple(self.options.view_extent(self.model))
            reset = "" if at_home else " - reset the view (0)"  # no circle back to here
            self.message = f"{report.note or 'no minimum found'}{reset}"
        else:
            best = report.global_minima[0]
            self.walking = False
            x, y = self.walker.position
            self.walker.move(best.w1 - x, best.w2 - y)
            self.message = (f"global minimum: w1={best.w1:.4g} w2={best.w2:.4g} "
                            f"loss={best.loss:.4g}")
            x0, x1, y0, y1 = self.extent
            if not (x0 <= best.w1 <= x1 and y0 <= best.w2 <= y1):
                self.extent = centred_on(self.extent, (best.w1, best.w2))
                self.message += " (the view moved there)"
                self._new_view()
            return True
        return False

    def reset_walker(self) -> None:
        self.walking = False
        if self.race is not None:
            self.race.reset()
            self.message = "race restarted from its start"
            return
        self.walker.reset()
        self.message = "walker reset to its start, trail cleared"

    # ------------------------------------------------------------------ teaching modes

    def toggle_blind(self) -> None:
        """Hide the map (walk by feel alone) or show it again with the path walked."""
        self._set_blind(not self.blind)
        self.message = ("blind: step with space, enter or the arrows" if self.blind
                        else "looking again: the trail shows the path you walked")

    def _set_blind(self, on: bool) -> None:
        if on:
            self.split = False
            self.view3d = False  # the 3-D surface shows the landscape too
            self.basins_shown = False  # and so does the basin map
        self.blind = on

    def toggle_data(self) -> None:
        """Show or hide the data view (examples, boundary, costliest points)."""
        if self.split:
            self.message = "the split view fills the screen - v closes it first"
            return
        if not self.data_view and self.basins_shown:
            self.message = BASINS_FILL_THE_SCREEN
            return
        if not self.data_view and self.model.name in MLP_LANDSCAPES:
            self.message = f"no data view here: {NO_SLICE_DATA_VIEW}"
            return
        self.data_view = not self.data_view
        self.message = ("data view: the line is where the model says p = 0.5" if self.data_view
                        else "data view closed")

    def toggle_split(self) -> None:
        """BCE and MSE maps of the same data side by side, or back to one map."""
        if self.split:
            self.split = False
            self.message = "split view closed"
        elif self.blind:
            self.message = "blind mode hides the maps - press b to look first"
        elif self.basins_shown:
            self.message = BASINS_FILL_THE_SCREEN
        elif not self.is_data:
            self.message = (f"v compares BCE with MSE on data; {self.model.name} has no data "
                            f"(try {' or '.join(DATA_LANDSCAPES)})")
        else:
            self.walking = False
            self.split = True
            self.message = "BCE (left) vs MSE (right): same data, same walker - v returns"

    def toggle_view3d(self) -> None:
        """The landscape as a 3-D surface in place of the map, or back to the map."""
        if self.view3d:
            self.view3d = False
            self.message = "back to the map"
        elif self.blind:
            self.message = "blind mode hides the landscape - press b to look first"
        elif self.split or self.data_view:
            self.message = f"the {'split' if self.split else 'data'} view fills the screen - " \
                           f"{'v' if self.split else 'd'} closes it first"
        elif self.basins_shown:
            self.message = BASINS_FILL_THE_SCREEN
        else:
            self.view3d = True
            self.message = "3-D view: the arrows turn and tilt it; 3 or escape returns to the map"

    def change_l2(self, direction: int) -> None:
        """λ (L2 regularisation) one rung down/up the ladder; the walker stays where it is."""
        if not self.is_data:
            self.message = f"λ (L2) applies to data landscapes only: {', '.join(DATA_LANDSCAPES)}"
            return
        l2 = self.options.l2
        rungs = [v for v in L2_LADDER if v > l2] if direction > 0 else [
            v for v in reversed(L2_LADDER) if v < l2]
        if not rungs:
            self.message = f"λ = {l2:g} is already the end of the ladder"
            return
        options = dataclasses.replace(self.options, l2=rungs[0])
        old = self.walker
        try:
            model = options.build()
            walker = Walker(model, tuple(old.position), optimizer=old.optimizer_name, lr=old.lr,
                            schedule=old.schedule_name, extent=options.view_extent(model),
                            gradient=self._gradient(model), settings=self.settings)
        except Exception as error:  # e.g. the walker's point is not finite under the new λ
            raise ValueError(f"cannot set λ: {error}") from error
        walker.start = old.start.copy()  # r still goes back to where the walk began
        self.walking = False
        self.options, self.model, self.walker = options, model, walker
        self.message = f"λ = {rungs[0]:g}: the loss adds λ/2·|w|², pulling the weights toward 0"
        self._new_view()

    def next_batch(self) -> None:
        """Cycle the walker's gradient between the full batch and minibatches of 64, 16, 1."""
        if not self.is_data:
            self.message = (f"minibatches need examples; {self.model.name} has none "
                            f"(try {' or '.join(DATA_LANDSCAPES)})")
            return
        self.batch_size = BATCH_SIZES[(BATCH_SIZES.index(self.batch_size) + 1) % len(BATCH_SIZES)]
        self.walker.gradient = self._gradient(self.model)
        self.message = f"gradient from {self.batch_label} (the map is still the full batch)"

    # ------------------------------------------------------------------ tour

    # what a tour changes, and gives back when it ends
    _TOURED = ("options", "model", "extent", "walker", "mode", "scale", "blind", "data_view",
               "split", "batch_size")

    def start_tour(self, tour: Tour) -> None:
        """Start the tour at its first slide, remembering where the viewer was."""
        if not self.touring:
            self._before_tour = {name: getattr(self, name) for name in self._TOURED}
        self.tour = tour
        tour.restart()
        self.touring = True
        self.apply_slide(tour.current)

    def end_tour(self) -> None:
        """End the tour and return to the landscape, view, walker and modes the viewer had."""
        self.touring = False
        self.walking = False
        for name, value in self._before_tour.items():
            setattr(self, name, value)
        self._before_tour = {}
        self._new_view()
        self.message = "tour ended: back where you were - t starts it again"

    def move_slide(self, delta: int) -> None:
        """Next / previous tour slide."""
        if not self.touring:
            self.message = "no tour running - t starts it"
        elif self.tour.next() if delta > 0 else self.tour.previous():
            self.apply_slide(self.tour.current)
        else:
            self.message = ("last slide - t ends the tour" if delta > 0
                            else "this is the first slide")

    def apply_slide(self, slide: Slide) -> None:
        """Set up as the slide says; settings it leaves out stay as they are. A landscape that
        cannot be opened raises (nothing changes); a bad walker setting is skipped and raised
        after the rest is applied."""
        self.walking = False
        setup = slide.setup
        options = setup.options()
        if options is not None:
            self.open(options, "")
            self.scale = "linear"  # each slide's map as its text describes it
        failure = None
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
            failure = error
        if setup.mode is not None:
            self.mode = setup.mode
        if setup.blind is not None:
            self._set_blind(setup.blind)
        self.message = f"tour slide {self.tour.index + 1}/{len(self.tour)}"
        if setup.run:
            self.start_walk()
        if failure is not None:
            raise ValueError(f"this slide's setup failed: {failure}")

    # ------------------------------------------------------------------ basins and curvature

    def toggle_basins(self) -> None:
        """Show the basin map (which minimum each start cell walks to with the walker's
        optimizer, learning rate and schedule) in place of the map, or go back to the map."""
        if self.basins_shown:
            self.basins_shown = False
            self.message = "basin map closed"
        elif self.blind or self.split or self.data_view:
            self.message = "A needs the map: close blind (b), split (v) or data (d) first"
        elif self.view3d:
            self.message = "A needs the map: 3 closes the 3-D view first"
        else:
            self.walking = False
            self.basins_shown = True
            walk = self.basin_settings()
            self.message = (f"basins: where {walk.optimizer} at lr {walk.lr:.4g} "
                            f"({walk.schedule}) ends from every cell - A returns")

    def basin_settings(self) -> BasinSettings:
        """How every start of the basin map walks: as the walker would from there, afresh."""
        from losswalk.core.walk.basins import BasinSettings

        walker = self.walker
        return BasinSettings(walker.optimizer_name, walker.lr, walker.schedule_name,
                             total_steps=walker.total_steps, settings=self.settings)

    def toggle_curvature(self) -> None:
        """Show or hide the curvature at the walker (Hessian, eigen-axes, stability limit)."""
        self.curvature_shown = not self.curvature_shown
        self.message = ("curvature at the walker: the two axes on the map are the Hessian's "
                        "eigen-directions" if self.curvature_shown else "curvature hidden")

    def walker_curvature(self) -> Curvature:
        """The curvature where the walker stands (and, for a slice of a many-weight network,
        the full network's top Hessian eigenvalue, computed once per landscape)."""
        from losswalk.core.landscapes.curvature import full_top_eigenvalue

        if self._full_top is None or self._full_top[0] is not self.model:
            self._full_top = (self.model, full_top_eigenvalue(self.model))
        return _remembered_curvature()(self.model, self.walker.position, self._full_top[1])


    # ------------------------------------------------------------------ optimizer race

    def toggle_race(self) -> None:
        """Start the optimizer race from the walker's position, or end it (back to the walker)."""
        if self.race is not None:
            self.end_race()
        else:
            self.start_race()

    @property
    def racers(self) -> tuple[RacerSpec, ...]:
        """Who races next time: the set last raced, or the default one."""
        if self._racers is None:
            from losswalk.core.walk.race import DEFAULT_RACERS

            return DEFAULT_RACERS
        return self._racers

    @racers.setter
    def racers(self, specs: tuple[RacerSpec, ...]) -> None:
        self._racers = tuple(specs)

    def start_race(self, racers: tuple[RacerSpec, ...] | None = None) -> None:
        """Race `racers` (default: the last set) from where the walker stands, at its learning
        rate, schedule length, gradient and settings; ValueError if the set is not 2 to 4."""
        if self.blind or self.split or self.data_view or self.touring:
            raise ValueError("the race needs the map: leave blind mode, the split view, the data "
                             "view or the tour first")
        if self.view3d or self.basins_shown:  # they would hide the racers (and A is refused)
            hiding = "3 closes the 3-D view" if self.view3d else "A closes the basin map"
            raise ValueError(f"the race needs the map: {hiding} first")
        from losswalk.core.walk.race import Race

        walker = self.walker
        try:
            race = Race(self.model, racers or self.racers, start=tuple(walker.position),
                        lr=walker.lr, total_steps=walker.total_steps, extent=self.extent,
                        global_min_loss=walker.global_min_loss, gradient=walker.gradient,
                        settings=self.settings)
        except ValueError as error:  # e.g. the walker stands where the loss overflowed
            raise ValueError(f"cannot race from here: {error} - r resets the walker") from error
        self.walking = False
        self.race, self.racers = race, race.specs
        self.message = (f"race: {', '.join(spec.label for spec in race.specs)} - space steps "
                        "all, enter runs, o picks the racers, R returns")

    def end_race(self) -> None:
        """Leave the race: the single walker is back, where it was before the race."""
        if self.race is None:
            return
        self.walking = False
        self.race = None
        self.message = "race over: back to the single walker"

    def check_race(self, operation) -> None:
        """ValueError when a race is on and `operation` would act on the hidden single walker
        or change the landscape under the racers."""
        if self.race is not None and getattr(operation, "__name__", "") not in RACE_OPERATIONS:
            raise ValueError(RACE_ONLY)

    def _start_race_clock(self) -> None:
        if self.race.over:
            self.message = "the race is over: r runs it again, R returns to the single walker"
        else:
            self.walking = True
            self.message = "racing... enter pauses"

    def _race_step(self) -> bool:
        """One beat of the race's clock; False (and the results in the message) once it is over."""
        race = self.race
        race.tick()
        if race.over:
            self.message = f"race over after {race.clock} steps: the table shows the results"
            return False
        self.message = ""
        return True


@functools.cache
def _remembered_curvature():
    """curvature_at, remembering its last result: on big data a worker computes it and the
    screen reads it (the curvature module is read only when first used)."""
    from losswalk.core.landscapes.curvature import curvature_at

    return last_result(curvature_at)

RACE_OPERATIONS = frozenset({  # what works during a race: the race's clock and the view
    "step", "toggle_run", "start_walk", "reset_walker", "cycle_mode", "toggle_scale", "zoom",
    "reset_view", "toggle_race", "start_race", "end_race"})
RACE_ONLY = "racing: R (or escape) returns to the single walker first"
BASINS_FILL_THE_SCREEN = "the basin map fills the screen - A closes it first"


def _spans(extent) -> tuple[float, float]:
    """The view's half-widths along w1 and w2 (halved first: no overflow at +/-1e308)."""
    return 0.5 * extent[1] - 0.5 * extent[0], 0.5 * extent[3] - 0.5 * extent[2]
