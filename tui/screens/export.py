"""The export prompt (`e`): which folder the view and the trail go to, typed, never clicked."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

PROMPT = "Export the view (SVG, text) and the walker's trail (CSV, JSON) into the folder:"
HINT = "enter saves, escape cancels"


class ExportScreen(ModalScreen[str | None]):
    """Ask for the folder (default: the current one); dismisses with the text typed, or None."""

    SCOPED_CSS = False  # the ASCII rule below starts at the app
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    #export-box { width: 90%; max-width: 100; height: auto; border: round $accent;
                  padding: 0 1; background: $panel; }
    #export-box Static { width: 100%; }
    #export-folder { border: none; height: 1; padding: 0 1; margin: 1 0;
                     background: $primary 40%; }
    LosswalkApp.-ascii #export-box { border: ascii $accent; }
    """
    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, folder: str) -> None:
        super().__init__()
        self._folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(PROMPT, markup=False)
            # a one-row field without block-glyph borders (ASCII terminals); no blinking
            # cursor, which would resend its cell twice a second over SSH
            yield Input(value=self._folder, id="export-folder")
            yield Static(HINT, markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-folder", Input).cursor_blink = False

    @on(Input.Submitted, "#export-folder")
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
