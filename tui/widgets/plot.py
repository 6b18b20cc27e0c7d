"""PlotextPlot: a small Textual widget that shows a plotext 5.x figure sized to its content region.

plotext keeps one global figure, so every build happens under a lock: clear the figure, size it
to the widget, let the subclass's `draw` add data, build the text, and turn its ANSI codes into
Strips for the Line API. The rows are cached (LinesWidget): a replot resends only the rows that
changed, so a chart with stable axes costs a few rows per new point.
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual.strip import Strip

from losswalk.core.drawing.text import ascii_only
from losswalk.tui.widgets.lines import ChartLines, text_strips

MIN_WIDTH = 5  # below this (or MIN_HEIGHT) the widget renders blank instead of a squashed figure
MIN_HEIGHT = 3

_PLOTEXT_LOCK = threading.Lock()  # plotext's figure is module-global state

def to_ascii(text: str) -> str:
    """plotext's output in ASCII: frame glyphs spelt out, other non-ASCII (markers) as '*'."""
    return ascii_only(text, unknown="*")


class PlotextPlot(ChartLines):
    """A plotext figure drawn to fit the widget; subclasses add the data in `draw`."""

    def draw(self, plt, width: int, height: int) -> None:
        """Add data, title and labels to the cleared, sized plotext figure (subclass hook)."""

    def replot(self) -> None:
        """Redraw the figure (call after changing the data); only changed rows are resent."""
        self.update_lines()

    def build_text(self, width: int, height: int) -> Text:
        """The figure as Rich Text, exactly `height` lines of `width` cells (blank when tiny)."""
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            return Text("\n".join(" " * width for _ in range(height)))
        with _PLOTEXT_LOCK:
            import plotext as plt  # imported at the first chart drawn: start-up does not wait

            plt.clf()
            plt.plotsize(width, height)
            plt.theme("clear")  # no canvas/axes colours: the figure sits on the widget background
            try:
                self.draw(plt, width, height)
                out = plt.build()
            except (ArithmeticError, ValueError) as error:  # plotext trips on degenerate data
                out = f"cannot plot: {error}"
        if self.charset == "ascii":
            out = to_ascii(out)
        text = Text.from_ansi(out, no_wrap=True, end="")
        return text if self.use_colour else Text(text.plain, no_wrap=True, end="")

    def build_lines(self, width: int, height: int) -> list[Strip]:
        """The figure's rows, each exactly `width` cells."""
        text = self.build_text(width, height)
        return text_strips(text, width, self.rich_style, self.app.console)[:height]
