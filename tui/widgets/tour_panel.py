"""TourPanel: the current slide of the lesson tour, under the live map.

It only shows text (counter, title, what to look at, keys to try); the app applies the slide's
setup and keeps every map key working while the panel is up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from losswalk.core.drawing.text import check_charset

if TYPE_CHECKING:
    from losswalk.core.lesson.tour import Tour

TOUR_PATH = Path(__file__).resolve().parent.parent / "tour.toml"  # the packaged tui/tour.toml
SEPARATORS = {"unicode": " · ", "ascii": " - "}



class TourPanel(Widget):
    """'Tour 3/7 · title', the slide's text, its hint, and the keys that move through the tour."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tour-panel--title",
        "tour-panel--hint",
        "tour-panel--keys",
    }
    DEFAULT_CSS = """
    TourPanel { height: auto; padding: 0 1; }
    TourPanel > .tour-panel--title { color: $accent; text-style: bold; }
    TourPanel > .tour-panel--hint { color: $success; }
    TourPanel > .tour-panel--keys { color: $text-muted; }
    """

    def __init__(self, *, charset: str = "unicode", colour: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._tour: Tour | None = None
        self._charset = check_charset(charset)
        self.colour = colour  # False: plain text (the app's NO_COLOR also removes colour)

    def show(self, tour: Tour) -> None:
        """Display the tour's current slide (call again after tour.next()/previous())."""
        self._tour = tour
        self.refresh(layout=True)  # the text may need another number of lines

    def render(self) -> Text:
        """Counter and title, the text (wrapped to the width), the hint, the tour keys."""
        if self._tour is None:
            return Text("no tour", style=self._style("keys"))
        tour, sep = self._tour, SEPARATORS[self._charset]
        slide = tour.current
        out = Text(end="")
        out.append(f"Tour {tour.index + 1}/{len(tour)}{sep}{slide.title}\n", self._style("title"))
        out.append(slide.text + "\n")
        if slide.setup.hint:
            out.append(f"try: {slide.setup.hint}\n", self._style("hint"))
        out.append(sep.join(("PgDn next", "PgUp back", "t ends the tour")), self._style("keys"))
        return out

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"tour-panel--{part}") if self.colour else Style()
