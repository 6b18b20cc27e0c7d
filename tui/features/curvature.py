"""The curvature panel (i): the Hessian at the walker, with its axes drawn on the map."""

from __future__ import annotations

from losswalk.tui.features import Controller


class CurvatureController(Controller):
    """What i does, and the curvature panel's part of the redraw."""

    def toggle(self) -> None:
        self.app._do(self.app.explorer.toggle_curvature, charts=False)

    def sync(self) -> None:
        """The panel and the axes while it is on; once off, the map without the axes."""
        app, explorer = self.app, self.app.explorer
        app.set_class(explorer.curvature_shown, "-curvature")
        if not explorer.curvature_shown:
            app.map.set_marks(())
            return
        from losswalk.tui.widgets.curvature_panel import CurvaturePanel, axis_marks

        curvature = explorer.walker_curvature()
        panels = app.query(CurvaturePanel)
        if panels:
            panel = panels.first()
        else:
            panel = CurvaturePanel(charset=app.charset, colour=app._colour(), id="curvature")
            app.query_one("#side").mount(panel, before="#history")
        panel.show(curvature, explorer.walker.current_lr())
        app.map.set_marks(axis_marks(curvature, app.map.cell_size()))
