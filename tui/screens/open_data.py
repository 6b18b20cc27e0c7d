"""The open-data dialog (ctrl+o): type a CSV file's path, tab completes it, enter opens it.

Keyboard only: the folder of what is typed is listed under the path (matching names, folders
first), tab completes as far as the names agree, enter on a folder goes into it and on a file
reads it, escape cancels. The file is read in a worker, within load_csv's byte and row caps
(memory stays about twice the data); a progress bar appears when it takes more than a moment.
A file that cannot be used (malformed, too big, not a file) is named in one line in the
dialog, which stays open; the app keeps its landscape until a file has been read.
"""

from __future__ import annotations

import os
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from losswalk.core.drawing.text import safe_text
from losswalk.core.landscapes.datasets import Dataset, load_csv
from losswalk.core.landscapes.userdata import complete, folder_entries

PROGRESS_AFTER = 0.3  # seconds of reading before the progress bar is shown
LISTED = 8  # folder entries shown under the path
BAR_WIDTH = 40
BAR_GLYPHS = {"unicode": ("█", "░"), "ascii": ("#", ".")}
HINTS = {"unicode": "tab completes · enter opens · escape cancels",
         "ascii": "tab completes - enter opens - escape cancels"}


class OpenDataScreen(ModalScreen[tuple[str, Dataset] | None]):
    """Ask for a CSV file and read it; dismissed with (path, dataset), or None on escape."""

    DEFAULT_CSS = """
    OpenDataScreen { align: center middle; }
    OpenDataScreen > Vertical { width: 90%; max-width: 100; height: auto; border: round $accent;
                                padding: 0 1; background: $surface; }
    OpenDataScreen.-ascii > Vertical { border: ascii $accent; }
    OpenDataScreen Input { border: none; height: 1; padding: 0 1; background: $boost; }
    OpenDataScreen Input:focus { border: none; background: $primary 40%; }
    OpenDataScreen #open-listing { height: auto; max-height: 8; color: $text-muted; }
    OpenDataScreen #open-error { height: auto; color: $error; }
    OpenDataScreen #open-progress { display: none; }
    OpenDataScreen.-reading #open-progress { display: block; }
    """
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "cancel", "cancel", priority=True),
        Binding("tab", "complete", "complete", priority=True),
    ]

    def __init__(self, start: str = "", charset: str = "unicode") -> None:
        super().__init__()
        self.start = start or os.getcwd() + os.sep
        self.charset = charset
        self._timer: Timer | None = None
        self.reading = False
        self.message = ""  # the line shown under the path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Open a data file: CSV with columns x1,x2,y (or x1,y), y 0 or 1",
                         id="open-title")
            yield Input(value=self.start, id="open-path")
            yield Static(id="open-listing")
            yield Static(id="open-progress")
            yield Static(id="open-error")
            yield Static(HINTS[self.charset], id="open-hints")

    def on_mount(self) -> None:
        self.set_class(self.charset == "ascii", "-ascii")
        self.query_one(Input).focus()
        self._list(self.start)

    @property
    def path_input(self) -> Input:
        return self.query_one("#open-path", Input)

    def _say(self, text: str) -> None:
        """Show one line (an error, or what is going on) under the path."""
        self.message = safe_text(text, self.charset)
        self.query_one("#open-error", Static).update(self.message)

    def _list(self, text: str) -> None:
        """Show the entries of the folder of `text` that match what is typed."""
        _, names = folder_entries(text, limit=LISTED + 1)
        shown = [safe_text(name, self.charset) for name in names[:LISTED]]
        if len(names) > LISTED:
            shown.append("...")
        listing = "  ".join(shown) if shown else "(nothing here matches)"
        self.query_one("#open-listing", Static).update(listing)

    def on_input_changed(self, event: Input.Changed) -> None:
        """List the folder of what is typed; a path typed after the start ('/tmp//data' or
        '/tmp/~/data') starts afresh from the second part, as in Emacs."""
        value = event.value
        cut = max(value.rfind(os.sep * 2), value.rfind(os.sep + "~")) + 1
        if cut > 0:
            self.path_input.value = value[cut:]
            self.path_input.cursor_position = len(self.path_input.value)
            return
        self._list(value)
        self._say("")

    def action_complete(self) -> None:
        if self.reading:
            return
        field = self.path_input
        field.value = complete(field.value)
        field.cursor_position = len(field.value)

    def action_cancel(self) -> None:
        """Escape: close without changing anything (a read under way is abandoned)."""
        self.workers.cancel_group(self, "read")
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: into a folder, or read the file."""
        if self.reading:
            return
        text = os.path.expanduser(event.value)
        if os.path.isdir(text):
            self.path_input.value = text.rstrip(os.sep) + os.sep
            self.path_input.cursor_position = len(self.path_input.value)
            return
        if not text.strip():
            self._say("type the path of a CSV file")
            return
        self.reading = True
        self._say("reading...")
        self._timer = self.set_timer(PROGRESS_AFTER, lambda: self.add_class("-reading"))
        self._read(text)

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def _read(self, path: str) -> None:
        """Read the file in a worker (progress to the bar); the result goes back to the screen."""
        worker = get_current_worker()

        def progress(fraction: float) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress, fraction)

        try:
            dataset = load_csv(path, progress=progress)
        except ValueError as error:  # DatasetError: one line naming the file and the problem
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, str(error))
            return
        except Exception as error:  # anything else is said, never fatal
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, f"{path}: {error}")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, path, dataset)

    def _progress(self, fraction: float) -> None:
        """The bar: 'reading  42% [#####.......]' (block glyphs in unicode)."""
        full, empty = BAR_GLYPHS[self.charset]
        done = round(BAR_WIDTH * fraction)
        self.query_one("#open-progress", Static).update(
            f"reading {fraction:4.0%} [{full * done}{empty * (BAR_WIDTH - done)}]")

    def _stop_reading(self) -> None:
        self.reading = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.remove_class("-reading")

    def _failed(self, message: str) -> None:
        self._stop_reading()
        self._say(message)

    def _done(self, path: str, dataset: Dataset) -> None:
        self._stop_reading()
        self.dismiss((path, dataset))
