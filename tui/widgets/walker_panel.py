"""WalkerPanel: what the blindfolded walker feels under its feet, and how it is set up to walk.

It shows no map: only the local readings (position, loss, slope, gradient, downhill direction and
the 3x3 "feel" rose of rise/fall one small step away) plus the optimizer settings and state.
Each row is one style (colour only where it means something: the rose, a stopped state), and a
step resends only the rows whose text changed (LinesWidget).
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from losswalk.core.drawing.text import ARROWS, ascii_only, check_charset, format_number
from losswalk.tui.widgets.lines import LinesWidget, text_strips

WIDE = 34  # from this many columns on, the panel uses long labels
# rise, fall, no change, and the walker at the centre of the rose: a rise or fall is the sign of
# the loss change and the centre a word, so nothing here reads as a map marker (▲ is the maximum)
GLYPHS = {
    "unicode": {"rise": "+", "fall": "-", "flat": "·", "walker": "you"},
    "ascii": {"rise": "+", "fall": "-", "flat": "=", "walker": "you"},
}
ROSE_CELL = 8  # sign glyph + a 2-significant-digit magnitude like "1.2e-5"


class WalkerPanel(LinesWidget):
    """The walker's senses and settings, compact at 26x12 and roomier when given more space."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "walker-panel--label",
        "walker-panel--rise",
        "walker-panel--fall",
        "walker-panel--walker",
        "walker-panel--stopped",
    }
    DEFAULT_CSS = """
    WalkerPanel > .walker-panel--label { color: $text-muted; }
    WalkerPanel > .walker-panel--rise { color: $error; }
    WalkerPanel > .walker-panel--fall { color: $success; }
    WalkerPanel > .walker-panel--walker { color: $accent; text-style: bold; }
    WalkerPanel > .walker-panel--stopped { color: $warning; text-style: bold; }
    """

    def __init__(self, *, charset: str = "unicode", colour: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._feel = None
        self._walker = None
        self._state: str | None = None
        self._charset = check_charset(charset)
        self._rows = 1  # compact height last measured
        self.colour = colour  # False: plain text (the app's NO_COLOR also removes colour)

    def show(self, feel, walker, charset: str | None = None, state: str | None = None) -> None:
        """Display `feel` (a losswalk.core.walk.walker.Feel) and the settings/state of `walker`.

        charset ("unicode" or "ascii") replaces the one given at construction when passed; state
        is the word the status line uses for a walk that has not ended (ready/walking/paused)."""
        self._charset = check_charset(charset or self._charset)
        self._feel, self._walker, self._state = feel, walker, state
        # measured as the layout measures it, in the parent's room on the screen (not in the
        # panel's own size, which stays at the one row it had before its first reading)
        room, viewport = ((self.parent.content_size, self.screen.size) if self.is_attached
                          else (self.size, self.size))
        rows = self.get_content_height(room, viewport, self.size.width)
        if rows != self._rows:  # a wrapped state message, or the first show: re-measure
            self._rows = rows
            self.refresh(layout=True)
        self.update_lines()

    def get_content_height(self, container, viewport, width: int) -> int:
        """Height for `height: auto`: the panel without blank lines at this width, in the layout
        that fits its max-height (the roomy one, else the compact one), and never taller than
        its container (a short one, as under the tour at 60x18, gets the panel cut to fit)."""
        if self._feel is None:
            return 1
        cap = self.styles.max_height
        rows = cap.cells if cap is not None and cap.cells is not None else viewport.height
        rows = min(rows, container.height) if container.height > 0 else rows
        return min(sum(map(len, self._fitting_sections(max(width, 1), rows))), rows)

    def build_lines(self, width: int, height: int) -> list[Strip]:
        return text_strips(self.panel_text(), width, self.rich_style, self.app.console)

    def panel_text(self) -> Text:
        """The panel text for the current size (blank lines between sections if height allows)."""
        if self._feel is None:
            return Text("no walker yet", style=self._style("label"))
        width, height = self.size
        sections = self._fitting_sections(max(width, 1), height)
        spacious = sum(map(len, sections)) + len(sections) - 1 <= height
        out = Text(no_wrap=True, overflow="crop", end="")
        for s, section in enumerate(sections):
            if s:
                out.append("\n\n" if spacious else "\n")
            out.append(Text("\n").join(section))
        lines = out.split("\n")
        if 0 < height < len(lines):  # too tall: show what is cut, but keep the state's first line
            state = len(sections[-1])
            body, first = lines[:-state], lines[-state]
            if len(body) < height:  # only the state is cut
                shown, cut = lines[:height], [height - 1]
            else:  # the body is cut too: its last row marked, then the state's first line
                shown = [*body[:height - 1], first]
                cut = [k for k, more in ((height - 2, height > 1), (height - 1, state > 1)) if more]
            ellipsis = "..." if self._charset == "ascii" else "…"
            for k in cut:
                shown[k].truncate(max(width - len(ellipsis), 0))
                shown[k].append(ellipsis)
            out = Text("\n", no_wrap=True, overflow="crop", end="").join(shown)
        return out

    def _fitting_sections(self, width: int, height: int) -> list[list[Text]]:
        """The roomy layout (long labels) when the panel is wide enough and it fits the height,
        else the compact one: a panel capped in height keeps every reading."""
        if width >= WIDE:
            roomy = self._sections(wide=True, width=width)
            if sum(map(len, roomy)) <= height:
                return roomy
        return self._sections(wide=False, width=width)

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"walker-panel--{part}") if self.colour else Style()

    def _row_maker(self, pad: int):
        """row(label, value, label, value, ...) -> a Text line, the first label padded."""

        def row(*pairs: str) -> Text:
            words = []
            for k in range(0, len(pairs), 2):
                label = pairs[k].ljust(pad) if k == 0 else pairs[k]
                words += [label, pairs[k + 1]] if label else [pairs[k + 1]]
            return Text(" ".join(words).rstrip())

        return row

    def _sections(self, wide: bool, width: int) -> list[list[Text]]:
        """Rows grouped as readings, rose, settings, state; long labels when `wide`."""
        feel, walker, glyphs = self._feel, self._walker, GLYPHS[self._charset]
        row = self._row_maker(pad=10 if wide else 0)
        w1, w2, loss, slope = map(format_number, (feel.w1, feel.w2, feel.loss, feel.slope))
        grad = ", ".join(format_number(g) for g in feel.grad)
        arrow = ARROWS[self._charset].get(feel.direction)
        downhill = f"{arrow} {feel.direction}" if arrow else feel.direction
        base, now = walker.lr, walker.current_lr()
        lr = format_number(now) if now == base else f"{format_number(now)}/{format_number(base)}"
        if wide:
            readings = [row("w1", w1), row("w2", w2), row("loss", loss), row("slope", slope),
                        row("downhill", downhill), row("gradient", grad)]
            settings = [row("optimizer", walker.optimizer_name), row("learn rate", lr),
                        row("schedule", walker.schedule_name), row("step", str(walker.steps))]
        else:
            readings = [row("w1", w1, " w2", w2), row("loss", loss),
                        row("slope", slope, "", downhill), row("grad", grad)]
            settings = [row("", walker.optimizer_name, "", walker.schedule_name),
                        row("lr", lr), row("step", str(walker.steps))]
        if getattr(getattr(walker, "model", None), "interpolated", False):  # a file: a spline
            readings.append(Text("slope: from a spline of the file's grid" if wide
                                 else "slope: spline of grid", style=self._style("label")))
        rose = [self._rose_row(r, glyphs) for r in range(3)]
        if wide:
            rose.insert(0, Text("one step away (N = w2+):", style=self._style("label")))
        return [readings, rose, settings, self._state_lines(walker, width)]

    def _state_lines(self, walker, width: int) -> list[Text]:
        """'state: why it stopped', wrapped; the walker's own 'state:' prefix is not repeated."""
        state = status = str(getattr(walker.status, "value", walker.status))
        if status in ("ready", "walking") and not walker.message:
            return [Text(self._state or state)]
        message = walker.message.removeprefix(f"{status}:").strip()
        if self._charset == "ascii":
            message = ascii_only(message)
        paragraph = Text(f"{state}: {message}" if message else state)
        paragraph.stylize(self._style("stopped"), 0, len(state))
        return list(paragraph.wrap(self.app.console, width))

    def _rose_row(self, r: int, glyphs: dict[str, str]) -> Text:
        """Row r of the rose (0 = north, w2+): rise/fall glyph and magnitude per direction."""
        row = Text()
        for c in range(3):
            if c:
                row.append(" ")
            if (r, c) == (1, 1):
                row.append(glyphs["walker"].center(ROSE_CELL), style=self._style("walker"))
                continue
            change = float(self._feel.rose[r, c])
            kind = "rise" if change > 0 else "fall" if change < 0 else "flat"
            magnitude = "nan" if math.isnan(change) else format_number(abs(change), 2)
            cell = f"{glyphs[kind]}{magnitude}".center(ROSE_CELL)
            row.append(cell, style=self._style(kind) if kind != "flat" else "")
        return row
