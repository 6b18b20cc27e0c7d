"""MapView: the loss landscape as a terminal map (heatmap/contours, axes, legend), Line API.

The base picture (heatmap, contours, critical-point markers, axes, legend) comes from
core.raster and is cached as Strips per (grid, size, mode, scale, style). The walker and its
trail are an overlay of a few cells: a walker step re-renders and refreshes only the cells
whose overlay changed, so one step costs a few hundred bytes on the wire.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from losswalk.core.drawing.palette import DEFAULT, GLOBAL_MIN, HIGHLIGHT, TRAIL, WALKER, Palette
from losswalk.core.drawing.raster import (
    MODES,
    Raster,
    TrailCells,
    View,
    contrast_ink,
    grid_shape_for,
    legend_strip_parts,
    map_size,
    marker_glyph,
    render_legend,
    render_view,
    strip_row,
)
from losswalk.core.landscapes.landscape import LossGrid
from losswalk.core.landscapes.minima import MinimaReport

Cell = tuple[int, int]  # (row, col) in widget coordinates
Paint = tuple[str, int, int, bool, bool]  # (char, fg code, bg code, bold, reverse video)
BLANK: Paint = (" ", DEFAULT, DEFAULT, False, False)



class RacerMark(NamedTuple):
    """One racer of the optimizer race on the map: its head glyph, trail glyph, colour code,
    legend label, position and trail."""

    head: str
    trail_glyph: str
    colour: int
    label: str
    position: tuple[float, float]
    trail: Sequence


FLASH = ("[", "]")  # brackets either side of a point being shown (the global minimum after g)
LEGEND_MIN_MAP = 30  # the legend column shows only when the map keeps this many columns
STRIP_MIN_HEIGHT = 10  # narrower, the legend is one row under the map if the map is this tall
FLASH_SECONDS = 1.5
HALF_BLOCKS = ("▀", "▄")  # the heatmap's glyphs: a one-colour half block is drawn as a space
DOWNGRADE = {"256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD,
             "windows": ColorSystem.WINDOWS}  # console colour systems that need fewer colours


def legend_width(width: int) -> int:
    """Columns given to the legend beside the map (0 when the widget is too narrow)."""
    legend = 10 if width < 90 else 14
    return legend if width - legend >= LEGEND_MIN_MAP else 0


class MapView(Widget):
    """The landscape map with axes and legend, and the walker with its trail on top."""

    MODES = MODES

    DEFAULT_CSS = """
    MapView {
        width: 1fr;
        height: 1fr;
    }
    """

    mode: reactive[str] = reactive("heatmap")
    scale: reactive[str] = reactive("linear")

    class SizeChanged(Message):
        """The map area changed size: the app should evaluate a grid of the new shape."""

        def __init__(self, map_view: MapView | None = None) -> None:
            super().__init__()
            self.map_view = map_view

        @property
        def control(self) -> MapView | None:
            """The map that changed size (lets handlers select one map with @on)."""
            return self.map_view

    class Clicked(Message):
        """The user clicked a map cell at world point (w1, w2)."""

        def __init__(self, w1: float, w2: float, map_view: MapView | None = None) -> None:
            super().__init__()
            self.w1, self.w2, self.map_view = w1, w2, map_view

        @property
        def control(self) -> MapView | None:
            return self.map_view

    def __init__(self, *, charset: str = "unicode", colour: bool = True, legend: bool = True,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.charset = charset
        self.colour = colour
        self.legend = legend  # False: the whole width is map (the split view's half maps)
        self.extent: tuple[float, float, float, float] | None = None  # the view wanted now
        self.grid: LossGrid | None = None
        self.report: MinimaReport | None = None
        self.view: View | None = None
        self._version = 0  # bumped with every new grid: part of the base cache key
        self._base_key: tuple | None = None
        self._base: list[list[Paint]] = []  # per widget row: the base cells (for overlays)
        self._strips: list[Strip] = []  # per widget row: base strips
        self._styles: dict[tuple[int, int, bool], Style] = {}
        self._palette: Palette | None = None
        self._walker: tuple[float, float] | None = None
        self._trail: Sequence = ()
        self._trail_cells = TrailCells()  # the trail's cells, kept up to date incrementally
        self._overlay: dict[Cell, Paint] = {}
        self._rows: dict[int, tuple[tuple[int, Paint], ...]] = {}  # overlay indexed by row
        self._line_cache: dict[int, tuple[tuple, Strip]] = {}
        self._flash: tuple[float, float] | None = None
        self._flash_timer: Timer | None = None
        self._shown_cells = (64, 32)  # map cells at the last visible size (see cell_size)
        self._racers: tuple[RacerMark, ...] = ()  # the race's walkers, drawn instead of the walker
        self._marks: Sequence[tuple[float, float, str]] = ()  # (w1, w2, glyph) drawn on top

    # ------------------------------------------------------------------ public API

    @property
    def palette(self) -> str:
        """The heatmap's colours: the app's (the user's config.toml), else viridis."""
        return getattr(self.app, "palette", "viridis")

    @property
    def style_name(self) -> str:
        """Raster style: half-block heatmap in colour, density ramp otherwise (or in ASCII)."""
        return "blocks" if self.colour and self.charset == "unicode" else "ramp"

    def legend_layout(self) -> str:
        """Where the legend goes: "column" beside the map, "strip" (one row under it) when the
        widget is too narrow for a column (60x18 terminals), or "none"."""
        width, height = self.size
        if not self.legend:
            return "none"
        if legend_width(width):
            return "column"
        return "strip" if height >= STRIP_MIN_HEIGHT else "none"

    def _view_size(self) -> tuple[int, int]:
        width, height = self.size
        layout = self.legend_layout()
        return (width - legend_width(width) if layout == "column" else width,
                height - (layout == "strip"))

    def map_cells(self) -> tuple[int, int]:
        """(map_w, map_h): map cells inside the axes."""
        return map_size(*self._view_size())

    def grid_shape(self) -> tuple[int, int] | None:
        """(nx, ny) of the grid the map needs at its current size, None before layout."""
        map_w, map_h = self.map_cells()
        if map_w < 2 or map_h < 2:
            return None
        return grid_shape_for(map_w, map_h, self.style_name)

    def cell_size(self) -> tuple[float, float]:
        """World size of one map cell: (w1 span / map columns, w2 span / map rows)."""
        w1_min, w1_max, w2_min, w2_max = self.extent
        map_w, map_h = self.map_cells()
        if map_w < 1 or map_h < 1:  # hidden (blind mode): keep the cells it had when shown
            map_w, map_h = self._shown_cells
        return (w1_max - w1_min) / max(map_w, 1), (w2_max - w2_min) / max(map_h, 1)

    def set_grid(self, grid: LossGrid, report: MinimaReport | None) -> None:
        """Show a new grid (coarse or full); critical points are drawn once the report comes."""
        self.grid, self.report = grid, report
        self._version += 1
        self.refresh()

    def clear_grid(self) -> None:
        """Forget the grid (new landscape): the map is blank until the next grid arrives."""
        self.grid = self.report = None
        self._version += 1
        self.refresh()

    def set_walker(self, position, trail: Sequence) -> None:
        """Move the walker overlay; only the cells whose overlay changed are repainted."""
        self._walker = (float(position[0]), float(position[1]))
        self._trail = trail
        self._update_overlay()

    def set_racers(self, racers: Sequence[RacerMark]) -> None:
        """Draw these racers (heads, trails, legend keys) in place of the walker; () for none."""
        keys = [(r.head, r.trail_glyph, r.colour, r.label) for r in self._racers]
        self._racers = tuple(racers)
        if keys != [(r.head, r.trail_glyph, r.colour, r.label) for r in self._racers]:
            self._base_key = None  # the legend's keys change: the base is drawn again
            self.refresh()
        else:
            self._update_overlay()
    def set_marks(self, marks: Sequence[tuple[float, float, str]]) -> None:
        """Glyphs at world points over the map (the curvature's axes), under the walker; only
        the cells that changed are repainted."""
        self._marks = tuple(marks)
        self._update_overlay()

    def flash(self, w1: float, w2: float) -> None:
        """Highlight a point (the global minimum after `g`) for a moment."""
        self._flash = (w1, w2)
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._end_flash)
        self._update_overlay()

    def _end_flash(self) -> None:
        self._flash = None
        self._update_overlay()

    # ------------------------------------------------------------------ events

    def on_resize(self, event: events.Resize) -> None:
        cells = self.map_cells()
        if min(cells) >= 1:
            self._shown_cells = cells
        self.post_message(self.SizeChanged(self))

    def watch_mode(self) -> None:
        self.refresh()

    def watch_scale(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if self.view is not None:
            point = self.view.world_at(event.y, event.x)
            if point is not None:
                self.post_message(self.Clicked(*point, self))

    # ------------------------------------------------------------------ base picture

    def _ensure_base(self) -> None:
        """Re-render the base strips if grid, size, mode, scale or style changed."""
        width, height = self.size
        view_w, view_h = self._view_size()
        layout = self.legend_layout()
        key = (self._version, width, height, self.mode, self.scale,
               self.style_name, self.charset, self.palette)
        if key == self._base_key:
            return
        self._base_key = key
        self._line_cache.clear()
        self.view, legend = None, None
        if self.grid is not None and width > 0 and height > 0:
            markers = self.report.points if self.report is not None else ()
            try:
                self.view = render_view(self.grid, view_w, view_h, mode=self.mode,
                                        charset=self.charset, style=self.style_name,
                                        scale=self.scale, markers=markers,
                                        palette=self.palette)
                self._palette = self.view.raster.palette
                legend = self._legend(width - view_w, height) if layout == "column" else None
            except ValueError as error:  # a grid the raster cannot draw: say so, keep running
                self.view = None
                self.notify(f"cannot draw this map: {error}", severity="error")
        if self.view is None:
            self._base = [[BLANK] * width for _ in range(height)]
        else:
            self._base = [self._row_cells(self.view.raster, y)
                          + self._legend_cells(legend, y, width - view_w) for y in range(view_h)]
            if layout == "strip":
                self._base.append(self._legend_strip(width))
        self._strips = [self._strip(cells) for cells in self._base]
        self._set_overlay(self._compute_overlay())

    def _set_overlay(self, overlay: dict[Cell, Paint]) -> None:
        self._overlay = overlay
        rows: dict[int, list[tuple[int, Paint]]] = {}
        for (row, col), paint in overlay.items():
            rows.setdefault(row, []).append((col, paint))
        self._rows = {row: tuple(sorted(cells)) for row, cells in rows.items()}

    def _legend(self, width: int, height: int) -> list[list[Paint]]:
        """The raster's legend (colour bar, contour values, markers) plus walker and trail keys
        painted as the overlay paints them (the raster does not know about them)."""
        keys = self._overlay_keys("walker")
        legend = render_legend(self.view, width - 1, max(height - len(keys), 0))
        rows = [self._row_cells(legend, y) for y in range(legend.height)]
        return rows + [key[:width - 1] for key in keys]

    def _legend_strip(self, width: int) -> list[Paint]:
        """The legend in one row: the colour bar (or ramp), contours, then the marker, walker
        ("you", as in the panel's rose, so that it fits) and trail keys, as many as fit."""
        parts = [[(*cell, False) for cell in part] for part in legend_strip_parts(self.view)]
        return strip_row([*parts, *self._overlay_keys("you")], width, BLANK)

    def _overlay_keys(self, walker: str) -> list[list[Paint]]:
        """Legend keys of the walker (named `walker`) and its trail, painted as the overlay
        paints them (the raster does not know about them)."""
        if self._racers:
            return [[self._racer_head(r.head, r.colour), self._trail_paint(r.trail_glyph, DEFAULT,
                                                                         r.colour),
                     *[(ch, DEFAULT, DEFAULT, False, False) for ch in f" {r.label}"]]
                    for r in self._racers]
        swatches = (self._walker_paint(marker_glyph("walker", self.charset)),
                    self._trail_paint(marker_glyph("trail", self.charset), DEFAULT))
        return [[swatch, *[(ch, DEFAULT, DEFAULT, False, False) for ch in f" {name}"]]
                for swatch, name in zip(swatches, (walker, "trail"), strict=True)]

    @staticmethod
    def _row_cells(raster: Raster, y: int) -> list[Paint]:
        return [(str(ch), int(fg), int(bg), bool(b), False) for ch, fg, bg, b in
                zip(raster.chars[y], raster.fg[y], raster.bg[y], raster.bold[y], strict=True)]

    @staticmethod
    def _legend_cells(legend: list[list[Paint]] | None, y: int, width: int) -> list[Paint]:
        """A legend row with one blank column between map and legend."""
        if legend is None:
            return []
        row = legend[y] if y < len(legend) else []
        return [BLANK, *row, *[BLANK] * (width - 1 - len(row))]

    def _walker_paint(self, glyph: str) -> Paint:
        """The walker's cell: bold, in reverse video, a block of its own colour with the glyph in
        contrasting ink, so it outshines its trail and the map in every mode; under NO_COLOR
        (greys) the block is white, and a terminal that drops colour still shows the reverse."""
        colour = HIGHLIGHT if self.app.no_color else WALKER
        return (glyph, colour, contrast_ink(self._palette, colour), True, True)

    @staticmethod
    def _trail_paint(glyph: str, bg: int, colour: int = TRAIL) -> Paint:
        return (glyph, colour, bg, False, False)

    def _racer_head(self, glyph: str, colour: int) -> Paint:
        """A racer's head: drawn as the walker is (a bold reverse-video block), in its colour."""
        colour = HIGHLIGHT if self.app.no_color else colour
        return (glyph, colour, contrast_ink(self._palette, colour), True, True)

    def _style(self, fg: int, bg: int, bold: bool, reverse: bool = False) -> Style:
        """Rich Style for (fg, bg) codes, bold and reverse video, cached."""
        key = (fg, bg, bold, reverse)
        style = self._styles.get(key)
        if style is None:
            style = Style(color=self._rich_colour(fg), bgcolor=self._rich_colour(bg),
                          bold=bold or None, reverse=reverse or None)
            self._styles[key] = style
        return style

    def _rich_colour(self, code: int):
        """The colour as the terminal will show it (downgraded on a 256/16-colour terminal, so
        levels that look the same there share one escape sequence and half blocks merge; in 256
        colours the palette keeps every level its own index, as the legend promises)."""
        rgb = self._palette.rgb(code) if self._palette is not None else None
        if rgb is None:
            return None
        system = DOWNGRADE.get(self.app.console.color_system)
        colour = Color(*rgb).rich_color
        if system is None:
            return colour
        if system == ColorSystem.EIGHT_BIT:
            return RichColor.from_ansi(self._palette.xterm256(code))
        return RichColor.from_ansi(colour.downgrade(system).number)  # one name per terminal colour

    def _strip(self, cells: list[Paint]) -> Strip:
        """One row of painted cells as a Strip: runs of equal style become one Segment. A half
        block whose halves share a colour is sent as a space on that background (fewer bytes)."""
        base = self.rich_style
        segments: list[Segment] = []
        run: list[str] = []
        key = None
        for ch, fg, bg, bold, reverse in cells:
            # both halves one colour (as the terminal shows it)
            bare = ch in HALF_BLOCKS and fg != DEFAULT and self._same_colours(fg, bg, bold)
            if (fg, bg, bold, reverse, bare) != key and run:
                segments.append(self._segment(run, key, base))
                run = []
            key = (fg, bg, bold, reverse, bare)
            run.append(" " if bare else ch)
        if run:
            segments.append(self._segment(run, key, base))
        return Strip(segments, len(cells)).simplify()

    def _same_colours(self, fg: int, bg: int, bold: bool) -> bool:
        style = self._style(fg, bg, bold)
        return style.color == style.bgcolor

    def _segment(self, run: list[str], key: tuple[int, int, bool, bool, bool],
                 base: Style) -> Segment:
        """A run of cells in one style. One-colour half blocks (`bare`) are spaces on their
        background without the widget's foreground: a shorter escape sequence, same picture."""
        fg, bg, bold, reverse, bare = key
        if bare:
            return Segment("".join(run), self._style(DEFAULT, bg, bold))
        return Segment("".join(run), base + self._style(fg, bg, bold, reverse))


    # ------------------------------------------------------------------ overlay

    def _compute_overlay(self) -> dict[Cell, Paint]:
        """Cells painted over the base: trail (joined cell to cell), then flash, then walker."""
        view = self.view
        if view is None:
            return {}
        if self._racers:
            return self._racers_overlay(view)
        glyphs = {name: marker_glyph(name, self.charset) for name in ("walker", "trail")}
        overlay: dict[Cell, Paint] = {}
        # segments to points off the map are drawn up to the map's edge
        for row, col in self._trail_cells.update(view, self._trail):  # step by step
            if not self._base[row][col][3]:  # markers (bold) stay on top of the trail
                overlay[row, col] = self._trail_paint(glyphs["trail"], self._base[row][col][2])
        for w1, w2, glyph in self._marks:
            cell = view.cell_at(w1, w2)
            if cell is not None and not self._base[cell[0]][cell[1]][3]:
                overlay[cell] = (glyph, HIGHLIGHT, self._base[cell[0]][cell[1]][2], True, False)
        flash = view.cell_at(*self._flash) if self._flash is not None else None
        if flash is not None:
            row, col = flash
            for glyph, c in zip(FLASH, (col - 1, col + 1), strict=True):
                if view.x0 <= c < view.x0 + view.map_w:
                    overlay[row, c] = (glyph, GLOBAL_MIN, self._base[row][c][2], True, False)
        if self._walker is not None:
            walker = view.cell_at(*self._walker)
            if walker is not None:
                overlay[walker] = self._walker_paint(glyphs["walker"])
            elif (mark := view.edge_mark(*self._walker)) is not None:  # off the map: an arrow
                row, col, arrow = mark
                overlay[row, col] = self._walker_paint(arrow)
        return overlay

    def _racers_overlay(self, view: View) -> dict[Cell, Paint]:
        """The racers' trails, then their heads (racer 1 on top); a head off the map is drawn
        at the edge the way to it crosses."""
        overlay: dict[Cell, Paint] = {}
        for racer in reversed(self._racers):
            for row, col in view.trail_cells([(p.w1, p.w2) for p in racer.trail]):
                if not self._base[row][col][3]:  # markers (bold) stay on top of the trails
                    overlay[row, col] = self._trail_paint(racer.trail_glyph,
                                                          self._base[row][col][2], racer.colour)
        for racer in reversed(self._racers):
            cell = view.cell_at(*racer.position)
            if cell is None and (mark := view.edge_mark(*racer.position)) is not None:
                cell = mark[:2]
            if cell is not None:
                overlay[cell] = self._racer_head(racer.head, racer.colour)
        return overlay

    def _update_overlay(self) -> None:
        """Recompute the overlay and refresh exactly the cells that changed."""
        if self.view is None or self._base_key is None:
            return
        old, new = self._overlay, self._compute_overlay()
        changed = {cell for cell in old.keys() | new.keys() if old.get(cell) != new.get(cell)}
        self._set_overlay(new)
        for row, _ in changed:
            self._line_cache.pop(row, None)
        regions = [Region(col, row, 1, 1) for row, col in changed]
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        """Row y: the cached base strip, or a copy with this row's overlay cells painted."""
        self._ensure_base()
        if y >= len(self._strips):
            return Strip.blank(self.size.width, self.rich_style)
        painted = self._rows.get(y)
        if not painted:
            return self._strips[y]
        cached = self._line_cache.get(y)
        if cached is not None and cached[0] == painted:
            return cached[1]
        cells = list(self._base[y])
        for col, paint in painted:
            cells[col] = paint
        strip = self._strip(cells)
        self._line_cache[y] = (painted, strip)
        return strip


__all__ = ["MapView", "legend_width"]
