"""`losswalk open FILE` on a 1-D surface file: its loss along the line as a plot, redrawn at
every size. There is no second weight, so there is no map and no walker; q quits."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from losswalk.tui.commands.surface_files import line_page

TOO_SMALL = "terminal too small"


class LinePlot(Static):
    """The line plot, filling the widget; drawn again when the widget's size changes."""

    def __init__(self, line, charset: str) -> None:
        super().__init__()
        self.line, self.charset = line, charset

    def render(self) -> Text:
        width, height = self.size
        if width < 20 or height < 6:
            return Text(TOO_SMALL)
        return Text("\n".join(line_page(self.line, width, height, self.charset).text()))


class LineSurfaceApp(App[None]):
    """The plot of a 1-D surface file, and a key to quit."""

    CSS = "LinePlot { width: 1fr; height: 1fr; }"
    ENABLE_COMMAND_PALETTE = False  # as the main app: nothing to offer, and '▏^p' is not ASCII
    BINDINGS: ClassVar = [Binding("q", "quit", "quit"), Binding("ctrl+c", "quit", show=False)]

    def __init__(self, line, charset: str = "unicode") -> None:
        super().__init__()
        self.line, self.charset = line, charset
        self.title = f"losswalk: {line.name}"

    def compose(self) -> ComposeResult:
        yield LinePlot(self.line, self.charset)
        yield Footer()


def run_line(line, *, charset: str = "unicode") -> None:
    """Run the line-plot app until the user quits."""
    LineSurfaceApp(line, charset=charset).run()
