"""RacePanel: the optimizer race's legend and results table, in place of the walker's panel.

One entry per racer: its head glyph (a block of its colour, as on the map and the chart), its
name, the loss where it stands, the step at which it came within 1% of the global minimum's loss,
and how its run ended (the walker's own status: converged, stuck, diverged, ...). While the race
runs the table fills in; when every run has ended it is the results table.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from losswalk.core.drawing.palette import NAMED_RGB, RACERS
from losswalk.core.drawing.text import format_number
from losswalk.core.explorer import Explorer
from losswalk.core.walk.race import HEADS, TRAILS, near_text
from losswalk.tui.widgets.lines import LinesWidget, text_strips
from losswalk.tui.widgets.map_view import RacerMark

WIDE = 45  # from this width each racer takes one row (a table with headings), else two
NAME = 11  # columns for a racer's name ("adam+cosine")


def head_style(racer: int, colour: bool) -> Style:
    """A racer's head as the map draws it: bold reverse video, in the racer's colour."""
    style = Style(bold=True, reverse=True)
    return style + Style(color=racer_colour(racer)) if colour else style


def racer_colour(racer: int) -> str:
    """Racer `racer`'s colour (0-based) as a Rich colour: the palette's RACERS code."""
    return "rgb({},{},{})".format(*NAMED_RGB[RACERS[racer]])


def target_line(explorer: Explorer, width: int) -> str:
    """What 'within 1%' means here (the global minimum's loss too, when it fits the width), or
    why there is no such mark (yet)."""
    race, report = explorer.race, explorer.report
    if race.target is not None:
        line = f"1%: loss <= {format_number(race.target)}"
        full = f"{line} (min {format_number(race.global_min_loss)})"
        return full if len(full) <= width else line
    if report is None:
        return "1%: finding the global minimum..."
    return "1%: no global minimum here"


class RacePanel(LinesWidget):
    """The race's legend and results table (height: as many rows as it has)."""

    DEFAULT_CSS = """
    RacePanel {
        height: auto;
    }
    """

    def __init__(self, *, charset: str = "unicode", colour: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.charset, self.colour = charset, colour
        self._explorer: Explorer | None = None

    def show(self, explorer: Explorer) -> None:
        """Show the race as it stands (only the rows that changed are resent)."""
        self._explorer = explorer
        self.update_lines()

    def get_content_height(self, container, viewport, width: int) -> int:
        """Height for `height: auto`: the table's rows at this width."""
        if self._explorer is None or self._explorer.race is None:
            return 1
        return len(self.table(self._explorer, width).split("\n"))

    def build_lines(self, width: int, height: int):
        if self._explorer is None or self._explorer.race is None:
            return []
        return text_strips(self.table(self._explorer, width), width, self.rich_style,
                           self.app.console)

    def table(self, explorer: Explorer, width: int) -> Text:
        """The panel's text for a panel `width` columns wide."""
        race = explorer.race
        colour = self.colour and not getattr(self.app, "no_color", False)
        lr = format_number(race.lr)
        title = (f"race over at step {race.clock}, lr {lr}" if race.over
                 else f"race: step {race.clock}, lr {lr}")
        text = Text(title, style="bold", no_wrap=True)
        text.append("\n" + target_line(explorer, width))
        wide = width >= WIDE
        if wide:
            text.append(f"\n# {'racer':<{NAME}} {'final loss':>10} {'1% at':>7}  end")
        for k, result in enumerate(race.results()):
            loss, near = format_number(result.final_loss), near_text(result, race.target)
            status = result.status.value
            text.append("\n")
            text.append(HEADS[k], style=head_style(k, colour))
            if wide:
                text.append(f" {result.label:<{NAME}} {loss:>10} {near:>7}  {status}")
            else:
                text.append(f" {result.label:<{NAME}}{loss:>{max(width - 13, 1)}}")
                text.append(f"\n  {status:<{max(width - 15, 1)}}1% {near:>7}")
        return text


def racer_marks(race, charset: str) -> list[RacerMark]:
    """The racers as the map draws them: head glyph, trail glyph, colour, legend label."""
    return [RacerMark(HEADS[k], TRAILS[charset][k], RACERS[k], spec.label,
                      tuple(walker.position), walker.trail)
            for k, (spec, walker) in enumerate(zip(race.specs, race.walkers, strict=True))]
