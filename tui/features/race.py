"""The optimizer race (R, escape; o picks the racers): shown on the map and in the side panel."""

from __future__ import annotations

from losswalk.tui.features import Controller


class RaceController(Controller):
    """What R, escape and (during a race) o do, and the race's part of the redraw."""

    def toggle(self) -> None:
        """Start the optimizer race from the walker's position, or end it."""
        self.app._do(self.app.explorer.toggle_race)

    def end(self) -> None:
        if self.app.explorer.race is not None:
            self.app._do(self.app.explorer.end_race)

    def pick_racers(self) -> None:
        """The race picker; enter there races the new set from the same start."""
        from losswalk.tui.screens.race_picker import RacePicker

        app = self.app
        app.stop_walk()

        def picked(racers) -> None:
            if racers is not None:
                app._do(app.explorer.start_race, racers)

        app.push_screen(RacePicker(app.explorer.racers, colour=app._colour()), picked)

    def sync(self) -> None:
        """The race's racers on the map and its table and chart in the side panel (mounted the
        first time a race starts), or the single walker again."""
        app = self.app
        race = app.explorer.race
        app.set_class(race is not None, "-race")
        if race is None:
            app.map.set_racers(())
            return
        from losswalk.tui.widgets.race_chart import RaceChart
        from losswalk.tui.widgets.race_panel import RacePanel, racer_marks

        app.map.set_racers(racer_marks(race, app.charset))
        if not app.query(RacePanel):
            look = {"charset": app.charset, "colour": app._colour()}
            app.query_one("#side").mount(RacePanel(**look, id="race-panel"),
                                         RaceChart(**look, id="race-chart"), before="#panel")
        app.query_one(RacePanel).show(app.explorer)
        app.query_one(RaceChart).show(race)
