"""The lesson's practice problems (P): a screen over the app, the walk paused under it."""

from __future__ import annotations

from losswalk.tui.features import Controller


class PracticeController(Controller):
    """What P does."""

    def open(self) -> None:
        from losswalk.tui.screens.practice import PracticeScreen

        self.app.stop_walk()
        self.app.push_screen(PracticeScreen(charset=self.app.charset, colour=self.app._colour()))
