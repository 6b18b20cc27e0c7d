"""The lesson's practice problems (P): a screen over the app, the walk paused while it is open
(escape comes back)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from losswalk.tui.app import LosswalkApp


class PracticeController:
    """What P does."""

    def __init__(self, app: LosswalkApp) -> None:
        self.app = app

    def open(self) -> None:
        from losswalk.tui.screens.practice import PracticeScreen

        self.app.stop_walk()
        self.app.push_screen(PracticeScreen(charset=self.app.charset, colour=self.app._colour()))
