"""SurfaceView: the landscape as a 3-D surface in perspective (key 3), turned with the arrows.

The picture comes from core.drawing.surface3d: a mesh of the loss over the view, filled into a
z-buffer and shaded, in half blocks (colour) or a density ramp (NO_COLOR, 16 colours, ASCII). It
is a MapView in everything but the picture: the same Strip cache, cell styles, walker paint, and
the walker and its trail as an overlay that repaints only the cells it changes. While it is shown
it has the focus, so the arrow keys turn and tilt it instead of moving the walker.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, work
from textual.binding import Binding
from textual.worker import get_current_worker

from losswalk.core.drawing.palette import DEFAULT
from losswalk.core.drawing.raster import _mark, marker_glyph
from losswalk.core.drawing.surface3d import (
    Camera,
    Frame,
    Surface,
    decades,
    marks,
    render_surface,
    surface_from_grid,
    surface_of,
)
from losswalk.core.drawing.text import cut_to_width, for_charset, format_number
from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.models import Extent, Model
from losswalk.tui.widgets.map_view import BLANK, MapView, Paint

TURN = 15.0  # degrees of azimuth an arrow turns the surface (shift: SPIN)
SPIN = 45.0
TILT = 10.0  # degrees of elevation an up/down arrow (or shift+up/down) tilts it
CAPTION_ROWS = 2  # a title line above the picture, a line of notes and keys below it
KEYS_HINT = {"unicode": "←→ turn, shift+↑↓ tilt, 3 map",
             "ascii": "left/right turn, shift+up/down tilt, 3 map"}
SEPARATOR = {"unicode": " · ", "ascii": " - "}
DEGREE = {"unicode": "°", "ascii": ""}


class SurfaceView(MapView):
    """The surface seen from a camera the arrows move, with minima, walker and trail on it."""

    can_focus = True

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("left,h", "turn(-1)", "turn left", show=False),
        Binding("right,l", "turn(1)", "turn right", show=False),
        Binding("shift+left,H", "turn(-3)", "turn left x3", show=False),
        Binding("shift+right,L", "turn(3)", "turn right x3", show=False),
        Binding("shift+up,up,K,k", "tilt(1)", "tilt up", show=False),
        Binding("shift+down,down,J,j", "tilt(-1)", "tilt down", show=False),
        Binding("escape", "app.view3d", "map", show=False),
    ]

    def __init__(self, *, charset: str = "unicode", colour: bool = True,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(charset=charset, colour=colour, legend=False, name=name, id=id,
                         classes=classes)
        self.camera = Camera()
        self.surface: Surface | None = None
        self._surface_key: tuple | None = None
        self._points: tuple = ()  # the critical points drawn (the map's landmarks, limited)
        self._notes: list[str] = []  # what the picture cannot show, said below it
        self._problem = ""  # why there is no surface to show, if something went wrong

    # ------------------------------------------------------------------ public API

    def show(self, explorer: Explorer) -> None:
        """Show the explorer's landscape, view, height scale, landmarks and walker."""
        version = self._version
        key = (explorer.model, explorer.extent, explorer.scale)
        if key != self._surface_key:
            old, self._surface_key = self._surface_key, key
            if old is not None and old[:2] == key[:2] and self.surface is not None:
                self.surface = surface_from_grid(self.surface.grid, explorer.scale)  # m: rescale
                self._version += 1
            else:  # a new mesh, in a thread: the old picture stays until it comes
                self._compute(*key)
        report = explorer.report  # landmarks(model, extent): the landscape's, not a grid's
        points = report.limited().points if report is not None else ()
        if points != self._points:
            self._points = points
            self._version += 1
        if self._version != version:
            self.refresh()
        self.set_walker(explorer.walker.position, explorer.walker.trail)

    @work(thread=True, exclusive=True, group="surface", exit_on_error=False)
    def _compute(self, model: Model, extent: Extent, scale: str) -> None:
        """The mesh of the landscape over the view (data landscapes score every example at
        every node: not on the app's thread)."""
        worker = get_current_worker()
        try:
            surface = surface_of(model, extent, scale)
        except Exception as error:  # any numeric failure: say why, keep running
            if not worker.is_cancelled:
                self.app.call_from_thread(self._surface_failed, (model, extent, scale), error)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._surface_ready, (model, extent, scale), surface)

    def _surface_failed(self, key: tuple, error: Exception) -> None:
        if key == self._surface_key:
            self.surface = None
            self._problem = "3-D: cannot draw this surface"
            self._version += 1
            self.refresh()
            self.notify(f"cannot draw the 3-D surface: {error}", severity="error")

    def _surface_ready(self, key: tuple, surface: Surface) -> None:
        if key == self._surface_key:  # still the one wanted
            self.surface, self._problem = surface, ""
            self._version += 1
            self.refresh()

    def action_turn(self, steps: int) -> None:
        self.camera = self.camera.turned(steps * TURN)
        self.refresh()

    def action_tilt(self, steps: int) -> None:
        self.camera = self.camera.tilted(steps * TILT)
        self.refresh()

    # ------------------------------------------------------------------ MapView's hooks

    def on_resize(self, event: events.Resize) -> None:
        """The picture is redrawn at any size from the same mesh: nothing to re-evaluate."""

    def on_click(self, event: events.Click) -> None:
        """A click on a 3-D picture names no single point: nothing happens."""

    def _frame_size(self) -> tuple[int, int]:
        width, height = self.size
        return width, max(height - CAPTION_ROWS, 0)

    def _ensure_base(self) -> None:
        """Re-render the frame if the surface, landmarks, size, camera or tier changed."""
        width, height = self.size
        key = (self._version, width, height, self.camera, self.style_name, self.charset)
        if key == self._base_key:
            return
        self._base_key = key
        self._line_cache.clear()
        cols, rows = self._frame_size()
        self.view = None
        if self.surface is None or cols < 1 or rows < 1:
            title = self._problem or "3-D: computing the surface..."
            self._base = [self._text_row(title, width),
                          *[[BLANK] * width for _ in range(max(height - 1, 0))]]
        else:
            frame = render_surface(self.surface, self.camera, cols, rows, self.style_name,
                                   self.charset)
            self.view = frame  # the overlay's picture (MapView's _update_overlay needs one)
            self._palette = frame.palette
            base = [[(str(ch), int(fg), int(bg), False, False) for ch, fg, bg in
                     zip(frame.chars[y], frame.fg[y], frame.bg[y], strict=True)]
                    for y in range(rows)]
            placed = marks(frame, self._points, None, (), self.charset)
            for (row, col), (glyph, kind) in placed.cells.items():
                base[row][col] = (glyph, self._ink(kind), base[row][col][2], True, False)
            self._notes = self._landmark_notes(placed.hidden)
            self._base = [self._text_row(self._title(), width), *base,
                          self._text_row("", width)]
        self._strips = [self._strip(cells) for cells in self._base]
        self._set_overlay(self._compute_overlay())

    def _compute_overlay(self) -> dict[tuple[int, int], Paint]:
        """The trail (under the landmarks) and the walker on the surface, and the notes line
        (it says when the walker is hidden or outside the view)."""
        frame = self.view
        if not isinstance(frame, Frame):
            return {}
        trail = [(p.w1, p.w2) for p in self._trail]
        placed = marks(frame, (), self._walker, trail, self.charset)
        overlay: dict[tuple[int, int], Paint] = {}
        for (row, col), (_, kind) in placed.cells.items():
            under = self._base[row + 1][col]
            if kind == "walker":
                overlay[row + 1, col] = self._walker_paint(marker_glyph("walker", self.charset))
            elif not under[3]:  # landmarks (bold) stay on top of the trail
                overlay[row + 1, col] = self._trail_paint(marker_glyph("trail", self.charset),
                                                          under[2])
        notes = {"hidden": ["you: behind the surface"],
                 "outside": ["you: outside the view"]}.get(placed.walker, [])
        last = len(self._base) - 1
        for col, paint in enumerate(self._text_row(self._notes_line(notes, self.size.width),
                                                        self.size.width)):
            if paint != BLANK:
                overlay[last, col] = paint
        return overlay

    # ------------------------------------------------------------------ words

    def _ink(self, kind: str) -> int:
        """The landmark's colour, as on the map (none in the ramp's NO_COLOR tier)."""
        return _mark(kind, self.charset)[1] if self.colour else DEFAULT

    def _title(self) -> str:
        camera, surface = self.camera, self.surface
        height = "log loss" if surface.scale.log else "loss"
        if surface.clipped:
            height += f" (cut at {format_number(surface.scale.vmax, 3)})"
        degree = DEGREE[self.charset]
        return SEPARATOR[self.charset].join((
            f"3-D az {camera.azimuth:.0f}{degree} el {camera.elevation:.0f}{degree}",
            f"height: {height}"))

    def _landmark_notes(self, hidden: int) -> list[str]:
        """What the picture cannot show, most needed first (the line is cut to the width)."""
        notes = []
        if not self.surface.scale.log and decades(self.surface) >= 2:
            notes.append(f"{decades(self.surface):.0f} decades: m for log height")
        if hidden:
            notes.append(f"{hidden} point{'s' if hidden > 1 else ''} hidden")
        return notes

    def _notes_line(self, walker_notes: list[str], width: int) -> str:
        """The notes, most needed first, then the key hint: each later part only when it fits
        whole in `width` (a hint cut to '←→' says nothing)."""
        first, *rest = [*walker_notes, *self._notes, KEYS_HINT[self.charset]]
        line = first
        for part in rest:
            longer = SEPARATOR[self.charset].join((line, part))
            if len(for_charset(longer, self.charset)) > width:
                break
            line = longer
        return line

    def _text_row(self, text: str, width: int) -> list[Paint]:
        """One caption row: the text in the app's charset, cut to the width."""
        text = cut_to_width(for_charset(text, self.charset), width)
        return [(ch, DEFAULT, DEFAULT, False, False) for ch in text] + \
            [BLANK] * (width - len(text))


def walker_cell(view: SurfaceView) -> tuple[int, int] | None:
    """The widget cell (row, col) the walker is painted on, or None (for tests and tools)."""
    for cell, paint in view._overlay.items():
        if paint[4]:  # reverse video: only the walker
            return cell
    return None


__all__ = ["SurfaceView", "walker_cell"]
