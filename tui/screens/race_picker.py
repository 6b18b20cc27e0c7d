"""The race picker: choose the optimizer race's two to four racers with the keyboard.

Each row is one racer: its head glyph, optimizer and learning-rate schedule. up/down (k/j) pick a
row, left/right (h/l) change its optimizer, s its schedule, a adds a racer, x removes one, enter
races them and escape keeps the race as it was.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES
from losswalk.core.walk.race import DEFAULT_RACERS, HEADS, MAX_RACERS, MIN_RACERS, RacerSpec
from losswalk.tui.widgets.race_panel import head_style

KEYS_TEXT = ("up/down pick  left/right optimizer  s schedule  a add  x remove  "
             "enter race  esc cancel")


def _next(names: tuple[str, ...], name: str, delta: int) -> str:
    return names[(names.index(name) + delta) % len(names)]


class RacePicker(ModalScreen[tuple[RacerSpec, ...] | None]):
    """Edit the set of racers; dismissed with the new set (enter) or None (escape)."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("up,k", "row(-1)", "up", show=False),
        Binding("down,j", "row(1)", "down", show=False),
        Binding("right,l,o", "optimizer(1)", "optimizer", show=False),
        Binding("left,h,O", "optimizer(-1)", "optimizer", show=False),
        Binding("s", "schedule", "schedule", show=False),
        Binding("a", "add", "add", show=False),
        Binding("x,delete", "remove", "remove", show=False),
        Binding("enter", "race", "race", show=False),
        Binding("escape,q", "cancel", "cancel", show=False),
    ]

    def __init__(self, racers: tuple[RacerSpec, ...], *, colour: bool = True) -> None:
        super().__init__()
        self.racers = list(racers)
        self.row = 0
        self.colour = colour
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Static(self.body(), id="race-picker-box")

    def body(self) -> Text:
        """The picker's text: a title, one row per racer (the chosen one marked), the keys."""
        colour = self.colour and not getattr(self.app, "no_color", False)
        text = Text(f"Optimizer race: {MIN_RACERS} to {MAX_RACERS} racers", style="bold")
        text.append("\nall start where the walker stands, at its learning rate\n")
        for k, spec in enumerate(self.racers):
            text.append("\n" + (">" if k == self.row else " ") + " ")
            text.append(HEADS[k], style=head_style(k, colour))
            text.append(f" {spec.optimizer:<9} {spec.schedule}",
                        style="bold" if k == self.row else "")
        text.append(f"\n\n{KEYS_TEXT}")
        if self.note:
            text.append(f"\n{self.note}", style="italic")
        return text

    def _redraw(self, note: str = "") -> None:
        self.note = note
        self.query_one("#race-picker-box", Static).update(self.body())

    def action_row(self, delta: int) -> None:
        self.row = (self.row + delta) % len(self.racers)
        self._redraw()

    def action_optimizer(self, delta: int) -> None:
        spec = self.racers[self.row]
        self.racers[self.row] = RacerSpec(_next(OPTIMIZERS, spec.optimizer, delta), spec.schedule)
        self._redraw()

    def action_schedule(self) -> None:
        spec = self.racers[self.row]
        self.racers[self.row] = RacerSpec(spec.optimizer, _next(SCHEDULES, spec.schedule, 1))
        self._redraw()

    def action_add(self) -> None:
        if len(self.racers) >= MAX_RACERS:
            self._redraw(f"at most {MAX_RACERS} racers")
            return
        unused = [spec for spec in DEFAULT_RACERS if spec not in self.racers]
        self.racers.append(unused[0] if unused else self.racers[-1])
        self.row = len(self.racers) - 1
        self._redraw()

    def action_remove(self) -> None:
        if len(self.racers) <= MIN_RACERS:
            self._redraw(f"at least {MIN_RACERS} racers")
            return
        del self.racers[self.row]
        self.row = min(self.row, len(self.racers) - 1)
        self._redraw()

    def action_race(self) -> None:
        self.dismiss(tuple(self.racers))

    def action_cancel(self) -> None:
        self.dismiss(None)
