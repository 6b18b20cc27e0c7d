"""BasinView: the basin map (key A): each cell coloured and lettered by the minimum the walker's
optimizer, learning rate and schedule reach from there, with a legend of each basin's share.

One start per character cell (its centre), so the picture is as fine as the screen; the minima
come from the landscape's landmarks (core.walk.basins), never from the cells. The walk runs in a
thread worker that reports progress and is cancelled when anything it depends on changes.
Letters carry the meaning (NO_COLOR, ASCII); colour only repeats them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import work
from textual.timer import Timer
from textual.worker import get_current_worker

from losswalk.core.drawing.raster import marker_glyph
from losswalk.core.drawing.text import ascii_only, format_number
from losswalk.core.walk.basins import (
    DIVERGED,
    UNSETTLED,
    BasinMap,
    BasinSettings,
    basin_map,
    check_work,
)
from losswalk.tui.widgets.lines import ChartLines, text_strips

Extent = tuple[float, float, float, float]

LEGEND_WIDTH = 24  # the legend column at the right
RESIZE_DEBOUNCE = 0.25  # seconds of quiet before a resize walks again
LETTERS = "abcdefghijklmnopqrstuvwxyz"
BASIN_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
                 "#9c755f")  # background of basin k (cycled; the letter tells them apart)
DIVERGED_COLOUR = "#e15759"
GLYPHS = {"unicode": {DIVERGED: "x", UNSETTLED: "·", "other": "+"},
          "ascii": {DIVERGED: "x", UNSETTLED: ".", "other": "+"}}


@dataclass(frozen=True)
class Entry:
    """One legend line: the glyph its cells show, what it is, its share, its colour (or None)."""

    glyph: str
    label: str
    share: float
    colour: str | None


def share_text(share: float) -> str:
    """A share as a percentage; a share that rounds to 0 but is not 0 reads '<0.1%'."""
    return "<0.1%" if 0 < share < 0.0005 else f"{share:.1%}"


def legend(result: BasinMap, rows: int, charset: str) -> tuple[list[Entry], dict[int, str]]:
    """The legend's entries in at most `rows` lines (basins by share, then diverged and not
    settled) and the glyph of every label: basins beyond what fits are lumped as '+'."""
    glyphs = GLYPHS[charset]
    shares = result.shares()
    basins = sorted(range(len(result.minima)), key=lambda k: (-shares[k], k))
    room = max(0, min(len(LETTERS), rows - 2))
    if len(basins) > room:
        room = max(0, room - 1)  # a line for the rest
    shown, rest = basins[:room], basins[room:]
    entries, glyph_of = [], {DIVERGED: glyphs[DIVERGED], UNSETTLED: glyphs[UNSETTLED]}
    for letter, k in zip(LETTERS, shown, strict=False):
        p = result.minima[k]
        mark = marker_glyph("global" if p.is_global else "minimum", charset)
        where = _position(p.w1, p.w2, LEGEND_WIDTH - 6 - len(share_text(shares[k])))
        entries.append(Entry(letter, f"{mark} {where}", shares[k],
                             BASIN_COLOURS[len(entries) % len(BASIN_COLOURS)]))
        glyph_of[k] = letter
    if rest:
        entries.append(Entry(glyphs["other"], f"{len(rest)} more basins",
                             sum(shares[k] for k in rest), None))
        glyph_of.update({k: glyphs["other"] for k in rest})
    entries.append(Entry(glyphs[DIVERGED], "diverged", shares[DIVERGED], DIVERGED_COLOUR))
    entries.append(Entry(glyphs[UNSETTLED], "not settled", shares[UNSETTLED], None))
    return entries, glyph_of


def _position(w1: float, w2: float, room: int) -> str:
    """'w1,w2' in at most `room` characters: 3 significant digits, fewer when they do not fit
    (rounded, never cut mid-number: a cut 0.00649 read 0.0064)."""
    for digits in (3, 2, 1):
        where = f"{format_number(w1, digits)},{format_number(w2, digits)}"
        if len(where) <= room:
            break
    return where


def basin_text(result: BasinMap, width: int, height: int, charset: str, colour: bool,
               title: str, walker: tuple[float, float] | None = None) -> Text:
    """The basin map (one cell per start, w2 up), the legend beside it, a title above and the
    axes' ranges below, as `height` lines of `width` cells."""
    ny, nx = result.labels.shape
    entries, glyph_of = legend(result, ny, charset)
    colour_of = {DIVERGED: DIVERGED_COLOUR}
    colour_of.update({k: e.colour for k, e in _basin_entries(entries, glyph_of)})
    marks = _marks(result, charset, walker)
    lines = [Text(title)]
    for r in range(ny):
        row, j = Text(), ny - 1 - r  # screen row 0 is the largest w2
        for i in range(nx):
            label = int(result.labels[j, i])
            mark = marks.get((j, i))
            bg = colour_of.get(label) if colour else None
            style = Style(bgcolor=bg, color="black" if bg else None, bold=bool(mark))
            row.append(mark or glyph_of[label], style)
        if r < len(entries):
            entry = entries[r]
            swatch = Style(bgcolor=entry.colour, color="black") if colour and entry.colour \
                else Style()
            row.append(" ")
            row.append(entry.glyph, swatch)
            text = f" {entry.label}"
            share = share_text(entry.share)
            row.append(text[:LEGEND_WIDTH - 2 - len(share) - 1].ljust(
                LEGEND_WIDTH - 2 - len(share)) + share)
        lines.append(row)
    x0, x1, y0, y1 = result.extent
    lines.append(Text(f"w1 {format_number(x0)}..{format_number(x1)} across, "
                      f"w2 {format_number(y0)}..{format_number(y1)} up; "
                      f"{marker_glyph('walker', charset)} you"))
    return _ascii(Text("\n").join(lines[:height]), charset)


def _ascii(text: Text, charset: str) -> Text:
    """In ASCII the spans keep their styles: only the glyphs change (one for one)."""
    if charset != "ascii":
        return text
    plain = ascii_only(text.plain)
    out = Text(plain, end="")
    for span in text.spans:
        out.stylize(span.style, span.start, span.end)
    return out


def _basin_entries(entries: list[Entry], glyph_of: dict[int, str]):
    """(label, entry) for each basin with a letter of its own."""
    by_glyph = {e.glyph: e for e in entries}
    return [(k, by_glyph[g]) for k, g in glyph_of.items()
            if k >= 0 and g in by_glyph and g in LETTERS]


def _marks(result: BasinMap, charset: str,
           walker: tuple[float, float] | None) -> dict[tuple[int, int], str]:
    """The cells (j, i) holding a minimum (its marker) and the walker."""
    marks = {}
    points = [(p.w1, p.w2, "global" if p.is_global else "minimum") for p in result.minima]
    if walker is not None:
        points.append((*walker, "walker"))
    for w1, w2, kind in points:
        cell = _cell(result, w1, w2)
        if cell is not None:
            marks[cell] = marker_glyph(kind, charset)
    return marks


def _cell(result: BasinMap, w1: float, w2: float) -> tuple[int, int] | None:
    """(j, i) of the start cell holding the point, None off the map."""
    x0, x1, y0, y1 = result.extent
    ny, nx = result.labels.shape
    if not (x0 <= w1 <= x1 and y0 <= w2 <= y1):
        return None
    i = min(int((w1 - x0) / (x1 - x0) * nx), nx - 1)
    j = min(int((w2 - y0) / (y1 - y0) * ny), ny - 1)
    return j, i


def map_cells(width: int, height: int) -> tuple[int, int]:
    """(nx, ny) start cells for a widget of this size: the legend column at the right, a title
    line above and the axes' line below."""
    return max(width - LEGEND_WIDTH, 0), max(height - 2, 0)


class BasinView(ChartLines):
    """The basin map of a landscape, view and walk, recomputed when any of them (or the size)
    changes."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._want: tuple | None = None  # (model, extent, walk) to show
        self._walker: tuple[float, float] | None = None
        self._computed: tuple | None = None  # (model, extent, walk, shape) of the last request
        self.result: BasinMap | None = None
        self._result_for: tuple | None = None  # the (model, extent, walk) of result
        self.progress: float | None = None  # 0..1 while walking
        self.problem = ""  # why no map can be shown (too much work, an error)
        self._resize_timer: Timer | None = None

    def show(self, model, extent: Extent, walk: BasinSettings,
             walker: tuple[float, float]) -> None:
        """Show the basins of this landscape, view and walk (walked again only if they changed)."""
        self._want = (model, tuple(extent), walk)
        self._walker = (float(walker[0]), float(walker[1]))
        self._request()
        self.update_lines()

    def stop(self) -> None:
        """Cancel a walk in progress, or one a resize is about to start (the view is being
        closed); a finished map is kept."""
        if self._resize_timer is not None:
            self._resize_timer.stop()
            self._resize_timer = None
        if self.progress is not None:
            self.workers.cancel_group(self, "basins")
            self._computed = None
            self.progress = None

    def on_resize(self) -> None:
        if self._resize_timer is not None:
            self._resize_timer.stop()
        self._resize_timer = self.set_timer(RESIZE_DEBOUNCE, self._resized)

    def _resized(self) -> None:
        self._resize_timer = None
        self._request()
        self.update_lines()

    def _request(self) -> None:
        """Start walking for what is wanted at the current size, unless that is what is shown."""
        nx, ny = map_cells(*self.size)
        if self._want is None or nx < 1 or ny < 1:
            return
        key = (*self._want, (nx, ny))
        if key == self._computed:
            return
        self._computed = key
        model, extent, walk = self._want
        try:
            check_work(model, nx * ny, walk.steps)
        except ValueError as error:
            self.workers.cancel_group(self, "basins")
            self.result, self.progress, self.problem = None, None, str(error)
            self._result_for = None
            return
        self.problem, self.progress = "", 0.0
        self._walk(key, model, extent, walk, nx, ny)

    @work(thread=True, exclusive=True, group="basins", exit_on_error=False)
    def _walk(self, key: tuple, model, extent: Extent, walk: BasinSettings, nx: int,
              ny: int) -> None:
        worker = get_current_worker()

        def progress(fraction: float) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progressed, key, fraction)

        try:
            result = basin_map(model, extent, nx, ny, walk,
                               cancelled=lambda: worker.is_cancelled, progress=progress)
        except Exception as error:  # a numeric failure: say so, keep running
            if not worker.is_cancelled:
                self.app.call_from_thread(self._finished, key, None, str(error))
            return
        if result is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._finished, key, result, "")

    def _progressed(self, key: tuple, fraction: float) -> None:
        if key == self._computed:
            self.progress = fraction
            self.update_lines()

    def _finished(self, key: tuple, result: BasinMap | None, problem: str) -> None:
        if key == self._computed:
            self.result, self.progress, self.problem = result, None, problem
            self._result_for = key[:3]
            self.update_lines()

    def title(self) -> str:
        """What the map shows, or how far the walk has come."""
        if self._want is None:
            return "basins"
        walk = self._want[2]
        what = (f"basins: {walk.optimizer} lr {format_number(walk.lr)} {walk.schedule}, "
                f"{walk.steps} steps from each cell - A returns")
        if self.progress is not None:
            return f"walking from every cell... {self.progress:.0%} - A returns"
        return what

    def lines_key(self) -> tuple:
        return (*super().lines_key(), id(self.result), self.progress, self.problem,
                self._walker)

    def build_lines(self, width: int, height: int):
        charset, colour = self.charset, self.use_colour
        if self.problem:
            text = _ascii(Text(f"{self.title()}\n{self.problem}"), charset)
        elif self.result is None or self._result_for != self._want:
            text = _ascii(Text(self.title()), charset)
        else:  # walking again after a resize: the last map stays under the progress line
            text = basin_text(self.result, width, height, charset, colour, self.title(),
                              self._walker)
        return text_strips(text, width, self.rich_style, self.app.console)[:height]
