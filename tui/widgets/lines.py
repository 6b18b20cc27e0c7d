"""LinesWidget: a Line-API widget that repaints only the rows whose content changed.

Over SSH every byte counts: a widget that calls `refresh()` makes Textual resend all of its rows.
A LinesWidget keeps the Strips it showed last; `update_lines()` builds the new ones and marks
dirty only the rows that differ, each up to its last changed cell (every row when the size or
style changed, nothing when nothing did). Subclasses implement `build_lines(width, height)`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


def _blank_safe(style: Style | None) -> bool:
    """True when spaces in this style look the same whatever its foreground (no line effects)."""
    return not (style and (style.underline or style.strike or style.reverse or style.overline))


def compact(strip: Strip) -> Strip:
    """The same cells in fewer segments: runs of spaces join the segment before them when the
    background matches (their foreground is invisible), then equal styles merge. Every segment
    costs a full SGR sequence and a reset on the wire."""
    out: list[Segment] = []
    for segment in strip:
        text, style, _ = segment
        if out and text.strip(" ") == "" and _blank_safe(style):
            prev_text, prev_style, _ = out[-1]
            if _blank_safe(prev_style) and (prev_style and prev_style.bgcolor) == (
                    style and style.bgcolor):
                out[-1] = Segment(prev_text + text, prev_style)
                continue
        out.append(segment)
    return Strip(out, strip.cell_length).simplify()


def changed_end(old: Strip, new: Strip) -> int:
    """Cells up to the last one where `new` differs from `old`: Textual resends a changed row
    from its start, so only its end can be cut off (the whole row when a character is wider
    than one cell)."""
    a = [(ch, style) for text, style, _ in old for ch in text]
    b = [(ch, style) for text, style, _ in new for ch in text]
    if not len(a) == len(b) == old.cell_length == new.cell_length:
        return new.cell_length
    return next((x + 1 for x in range(len(b) - 1, -1, -1) if a[x] != b[x]), 0)


class LinesWidget(Widget):
    """Line-API widget with a cache of its rows; call `update_lines()` when the content changes."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Strip] = []
        self._lines_key: tuple | None = None

    def build_lines(self, width: int, height: int) -> list[Strip]:
        """The widget's rows for this size (subclass hook); missing rows are drawn blank."""
        return []

    def lines_key(self) -> tuple:
        """What, besides the content, invalidates every row: size and style (extend if needed)."""
        return (self.size, self.rich_style)

    def _build(self) -> list[Strip]:
        width, height = self.size
        lines = [compact(line) for line in self.build_lines(width, height)[:height]]
        blank = Strip.blank(width, self.rich_style)
        return lines + [blank] * (height - len(lines))

    def update_lines(self) -> None:
        """The content changed: rebuild the rows now and repaint only those that differ."""
        width, height = self.size
        if not self.is_mounted or not width or not height:
            self._lines_key = None  # built on the first render_line
            self.refresh()
            return
        key = self.lines_key()
        lines = self._build()
        if key != self._lines_key or len(lines) != len(self._lines):
            self._lines, self._lines_key = lines, key
            self.refresh()
            return
        for y, (old, new) in enumerate(zip(self._lines, lines, strict=True)):
            end = changed_end(old, new) if old != new else 0
            if end:
                self.refresh(Region(0, y, end, 1))
        self._lines = lines

    def render_line(self, y: int) -> Strip:
        """Row y from the cache (rebuilt first when the size or style changed)."""
        key = self.lines_key()
        if key != self._lines_key:
            self._lines, self._lines_key = self._build(), key
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)


class ChartLines(LinesWidget):
    """A LinesWidget drawn in a charset, in colour unless switched off or the app has NO_COLOR;
    a change to either redraws every row."""

    DEFAULT_CSS = """
    ChartLines {
        height: 1fr;
    }
    """

    charset: reactive[str] = reactive("unicode")  # "unicode" or "ascii"
    colour: reactive[bool] = reactive(True)  # False (or the app's NO_COLOR) strips all colour

    def __init__(self, *, charset: str = "unicode", colour: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(ChartLines.charset, charset)
        self.set_reactive(ChartLines.colour, colour)

    @property
    def use_colour(self) -> bool:
        """Colour is shown unless switched off here or the app runs with NO_COLOR."""
        return self.colour and not getattr(self.app, "no_color", False)

    def lines_key(self) -> tuple:
        """Size, style, charset and colour: a change to any of them redraws every row."""
        return (*super().lines_key(), self.charset, self.use_colour)


class TextLines(LinesWidget):
    """Rich Text shown line by line (no wrapping, cropped to the width): a cheap status line."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text = Text("")

    @property
    def text(self) -> Text:
        return self._text

    def show(self, text: Text) -> None:
        """Show `text`; rows that come out identical are not resent."""
        self._text = text
        self.update_lines()

    def build_lines(self, width: int, height: int) -> list[Strip]:
        return text_strips(self._text, width, self.rich_style, self.app.console)[:height]


def text_strips(text: Text, width: int, style: Style, console) -> list[Strip]:
    """Each line of `text` as a Strip of exactly `width` cells on top of the widget `style`."""
    return [Strip(Segment.apply_style(line.render(console), style)).crop_extend(0, width, style)
            for line in text.split("\n", allow_blank=True)]
