"""The animated walk (enter): a clock that steps the explorer and redraws while it walks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from losswalk.tui.features import Controller

if TYPE_CHECKING:
    from textual.timer import Timer

    from losswalk.tui.app import LosswalkApp

STEPS_PER_SECOND = 18  # animated walk speed
CHART_EVERY = 3  # while walking, redraw the cross-sections (and data view) every few steps


class WalkController(Controller):
    """The walk's clock: it runs exactly while the explorer is walking."""

    def __init__(self, app: LosswalkApp) -> None:
        super().__init__(app)
        self._timer: Timer | None = None

    def sync(self) -> None:
        """Start the clock when the explorer walks, stop it when it stops."""
        walking = self.app.explorer.walking
        if walking and self._timer is None:
            # the map owns the clock: it stops with the map, so no tick lands while the app closes
            self._timer = self.app.map.set_interval(1 / STEPS_PER_SECOND, self.tick)
        elif not walking and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def tick(self) -> None:
        """One animation frame: one step; the cross-sections every few steps and when the walk
        ends."""
        app = self.app
        if app._offloop.take(app.explorer.tick, (), self._after_tick, self._charts,
                             skip_if_busy=True):
            return
        app.explorer.tick()
        self._after_tick()

    def _charts(self) -> bool:
        """Whether this frame of the walk redraws the cross-sections."""
        explorer = self.app.explorer
        return not explorer.walking or explorer.walker.steps % CHART_EVERY == 0

    def _after_tick(self) -> None:
        self.app._sync(charts=self._charts())
