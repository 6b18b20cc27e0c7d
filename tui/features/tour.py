"""The lesson tour (t, page keys): its slides, read and mounted when the tour first starts."""

from __future__ import annotations

from losswalk.tui.features import Controller


class TourController(Controller):
    """What t and the slide keys do, and the tour panel's part of the redraw."""

    def toggle(self) -> None:
        """Start the lesson tour at slide 1, or end it (the app stays as it is)."""
        app = self.app
        if app.explorer.touring:
            app._do(app.explorer.end_tour)
            return
        from losswalk.core.lesson.tour import Tour, load_tour
        from losswalk.tui.widgets.tour_panel import TOUR_PATH

        try:
            tour = app.explorer.tour or Tour(load_tour(TOUR_PATH))
        except ValueError as error:
            app.notify(f"cannot start the tour: {error}", severity="error")
            return
        app._do(app.explorer.start_tour, tour)

    def slide(self, delta: int) -> None:
        self.app._do(self.app.explorer.move_slide, delta)

    def sync(self) -> None:
        """The current slide in the panel while touring (the panel is hidden otherwise)."""
        if self.app.explorer.touring:
            self.app._opened("tour").show(self.app.explorer.tour)
