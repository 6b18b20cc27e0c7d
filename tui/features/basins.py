"""The basin map (A): which minimum each start rolls into, shown in place of the map."""

from __future__ import annotations

from losswalk.tui.features import Controller


class BasinsController(Controller):
    """What A does, and the basin map's part of the redraw."""

    def toggle(self) -> None:
        self.app._do(self.app.explorer.toggle_basins)

    def sync(self) -> None:
        """The basin map while it is on; once off, its computation stops."""
        app, explorer = self.app, self.app.explorer
        app.set_class(explorer.basins_shown, "-basins")
        if explorer.basins_shown:
            app._opened("basins").show(explorer.model, explorer.extent,
                                       explorer.basin_settings(), explorer.walker.position)
        else:
            for view in app.query("#basins"):
                view.stop()
