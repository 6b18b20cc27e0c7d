"""The 3-D view (3): the landscape as a surface, focused while shown so the arrows turn it."""

from __future__ import annotations

from losswalk.tui.features import Controller


class SurfaceController(Controller):
    """What 3 does, and the 3-D view's part of the redraw."""

    def toggle(self) -> None:
        self.app._do(self.app.explorer.toggle_view3d, charts=False)

    def sync(self) -> None:
        """The 3-D view when it is on, drawn from the explorer; while it is shown it has the
        focus, and once it is off the arrows move the walker again."""
        app, explorer = self.app, self.app.explorer
        if not explorer.view3d:
            if app.focused is not None and app.focused.id == "surface":
                app.set_focus(None)
            return
        view = app._opened("surface")
        view.show(explorer)
        if not (explorer.blind or explorer.split or explorer.data_view) and not view.has_focus:
            view.focus()
