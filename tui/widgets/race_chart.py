"""RaceChart: every racer's loss against the shared clock on one chart, in place of the loss
chart. Each racer's line is drawn in its own glyph (its head: 1, 2, 3, 4), so the lines stay
apart without colour, and in its colour when there is colour."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from losswalk.core.drawing.linechart import LossHistories, draw_series_chart
from losswalk.core.walk.race import HEADS, Race
from losswalk.tui.widgets.lines import ChartLines
from losswalk.tui.widgets.race_panel import racer_colour

TITLE = "loss of each racer"


class RaceChart(ChartLines):
    """The racers' losses on shared axes (core.drawing.linechart's LossHistories)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._histories = LossHistories()

    def show(self, race: Race) -> None:
        """Follow the racers' trails (a new race starts afresh); nothing is redrawn when no
        trail changed."""
        if self._histories.follow([walker.trail for walker in race.walkers]):
            self.update_lines()

    def build_lines(self, width: int, height: int) -> list[Strip]:
        chart = draw_series_chart(self._histories, HEADS, TITLE, width, height, self.charset)
        plain = self.rich_style
        styles = [plain + Style(color=racer_colour(k), bold=True) if self.use_colour else plain
                  for k in range(len(HEADS))]
        strips = []
        for y, row in enumerate(chart.rows):
            if y not in chart.line_rows:
                strips.append(Strip([Segment(row, plain)], width))
                continue
            cut = chart.line_columns.start
            owners = chart.owner[y - chart.line_rows.start].tolist()
            segments = [Segment(row[:cut], plain)]
            for x, k in enumerate(owners):
                segments.append(Segment(row[cut + x], styles[k] if k >= 0 else plain))
            strips.append(Strip(segments, width))
        return strips
