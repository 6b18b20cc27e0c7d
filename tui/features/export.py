"""Export (e): the view and the trail into a folder, written in a thread (never blocks keys)."""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from losswalk.tui.features import Controller

if TYPE_CHECKING:
    from losswalk.core.files.export import Export


class ExportController(Controller):
    """What e does: a failure is a message and nothing else changes."""

    def start(self) -> None:
        """Take the view now, then ask for the folder."""
        from losswalk.core.files.export import Export
        from losswalk.tui.screens.export import ExportScreen

        app = self.app
        text = "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())
        export = Export(app.explorer.model.name, app.export_screenshot(), text + "\n",
                        list(app.explorer.walker.trail))
        app.push_screen(ExportScreen(os.getcwd()), partial(self._export_to, export=export))

    def _export_to(self, folder: str | None, export: Export) -> None:
        """Write the export into folder (None: the prompt was cancelled) in a thread."""
        if folder is not None:
            self.app.run_worker(partial(self._write, folder, export), thread=True,
                                group="export")

    def _write(self, folder: str, export: Export) -> None:
        """(In the export's thread.) Write the files, then say where they went or why not."""
        from losswalk.core.files.export import write_export

        try:
            paths = write_export(folder, export)
        except Exception as error:  # ExportError, or anything else: said, never fatal
            self.app.call_from_thread(self.app.notify, f"nothing exported: {error}",
                                      severity="error")
            return
        self.app.call_from_thread(self._exported, paths)

    def _exported(self, paths) -> None:
        app = self.app
        names = ", ".join(path.name for path in paths)
        app.explorer.message = f"exported to {paths[0].parent}: {names}"
        app.notify(app.explorer.message)
        app._update_status()
