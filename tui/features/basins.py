"""The basin map (A): which minimum each point of the view rolls into, shown in place of the
map; its widget is imported and mounted when first opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from losswalk.tui.app import LosswalkApp


class BasinsController:
    """What A does, and the basin map's part of the redraw."""

    def __init__(self, app: LosswalkApp) -> None:
        self.app = app

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
