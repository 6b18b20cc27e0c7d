"""Open a data file (ctrl+o): the dialog, then its examples on a data landscape."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from losswalk.tui.features import Controller

if TYPE_CHECKING:
    from losswalk.core.landscapes.datasets import Dataset


class OpenDataController(Controller):
    """What ctrl+o does."""

    def open(self) -> None:
        """The open-data dialog, starting in the current data file's folder; a file read there
        opens on a data landscape."""
        from losswalk.tui.screens.open_data import OpenDataScreen

        app = self.app
        app.stop_walk()
        data = app.explorer.options.data
        start = os.path.join(os.path.dirname(os.path.abspath(data)), "") if data else ""
        app.push_screen(OpenDataScreen(start, charset=app.charset), self._opened)

    def _opened(self, result: tuple[str, Dataset] | None) -> None:
        """The dialog's file was read: open it (off the event loop when it is big); a landscape
        that cannot take it is said, and the current one kept."""
        if result is None:
            return
        from losswalk.core.landscapes.userdata import options_with_data
        from losswalk.tui.offloop import HEAVY_EXAMPLES

        app = self.app
        path, dataset = result
        options = options_with_data(app.explorer.options, path, dataset)
        message = f"data: {path} ({dataset.n:,} examples) on {options.name}"
        if not app._offloop.take(app.explorer.open, (options, message), app._sync,
                                 lambda: True, force=dataset.n > HEAVY_EXAMPLES):
            app._do(app.explorer.open, options, message)
