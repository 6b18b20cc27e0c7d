"""Go to the global minimum (g): the walker goes there and the map flashes it, or says why not."""

from __future__ import annotations

from losswalk.tui.features import Controller


class GlobalMinController(Controller):
    """What g does."""

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
