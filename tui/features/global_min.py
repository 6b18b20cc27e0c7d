"""Go to the global minimum (g): the walker is put on it and the map flashes it, or the message
says why not (on big data the move and the redraw's numbers are computed in a worker first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from losswalk.tui.app import LosswalkApp


class GlobalMinController:
    """What g does."""

    def __init__(self, app: LosswalkApp) -> None:
        self.app = app

    def go(self) -> None:
        app = self.app
        moved: list[bool] = []  # this press's move (presses queued on big data each have one)

        def move() -> None:
            moved.append(app.explorer.go_to_global_min())

        def shown() -> None:
            app._sync()
            if moved and moved[0]:  # it stands on it now (in a new view when it lay outside)
                app.map.flash(*app.explorer.walker.position)

        if not app._offloop.take(move, (), shown, lambda: True):
            move()
            shown()
