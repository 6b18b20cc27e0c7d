"""The two status lines above the map, and the banner: what is shown and what just happened.

Line one: the landscape, the walker's optimizer, learning rate, schedule and state. Line two: the
keys that matter now and the latest message. The banner states one standing fact (blind mode, or
that there is no minimum to find). Both are fitted to the width and never wrap.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import Static

from losswalk.core.drawing.text import cell_width, clip, safe_text
from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.models import DATA_LANDSCAPES, LOSS_NAMES, Model
from losswalk.core.walk.walker import WalkerStatus
from losswalk.tui.widgets.lines import TextLines

MIN_TITLE = 12  # the status line clips the landscape's name to no fewer columns than this
SEP = " | "
BLIND_NOTE = "blind mode: you feel only the ground under your feet — press b to look"
NO_MINIMUM = ("no finite minimum: the loss keeps falling toward 0 as the weights grow — "
              "raise λ with ] to bring one back")


def landscape_title(model: Model, long: bool = True) -> str:
    """Name of what is on the map, e.g. 'logistic: binary cross-entropy on overlap' (long) or
    'logistic: BCE on overlap'."""
    if model.name in DATA_LANDSCAPES:
        loss = LOSS_NAMES[model.loss_kind] if long else model.loss_kind.upper()
        return f"{model.name}: {loss} on {safe_text(model.dataset.name)}"
    return model.name


PLURALS = {"minimum": "minima", "maximum": "maxima"}  # as info and the README spell them


def banner_text(explorer: Explorer, sample: str = "") -> str:
    """One standing fact above the map: blind mode, or that there is no minimum to find (or,
    when nothing else needs saying, that the map scores a `sample` of the examples)."""
    if explorer.blind:
        return BLIND_NOTE
    report = explorer.report
    if explorer.split:
        return ""
    if report is None:
        return sample
    if report.unbounded:
        return NO_MINIMUM if explorer.is_data else report.note
    if report.note:  # the global minimum is outside this view (g goes there)
        return f"{report.note} - g goes there"
    marked = report.limited()  # what the map marks
    if marked.truncated:
        left = ", ".join(f"{count} {kind if count == 1 else PLURALS.get(kind, kind + 's')}"
                         for kind, count in marked.omitted)
        where = "" if marked.searched is None else " (searched near the default view only)"
        return f"only the lowest landmarks are marked: {left or 'none'} more not marked{where}"
    return sample


def keys_now(explorer: Explorer) -> str:
    """The keys that matter in the walker's current state."""
    status = explorer.walker.status
    if explorer.race is not None:
        return "space step all  enter run  o racers  r restart  R back"
    if explorer.walking:
        return "enter pause  +/- lr  ? help"
    if status == WalkerStatus.DIVERGED:
        return "r reset  - lower lr  ? help"
    if explorer.touring:
        return "PgDn/. next  PgUp/, back  t end tour"
    if status.ended:
        return "r reset  o optimizer  g global min  ? help"
    if explorer.view3d and not (explorer.data_view or explorer.split):  # the arrows turn it
        return "arrows turn  space step  enter run  3 map"
    return "arrows/hjkl move  space step  enter run  ? help"



def _fmt(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else str(value)


def status_lines(explorer: Explorer, columns: int, charset: str,
                 progress: float | None = None) -> tuple[str, str]:
    """The two status lines for a terminal `columns` wide (one column of margin either side)."""
    width = max(columns - 2, 1)
    walker = explorer.walker
    state = explorer.walk_state
    title = landscape_title(explorer.model, long=columns >= 120)
    if explorer.is_data:
        extras = [f"λ {explorer.model.l2:g}"] if explorer.model.l2 else []
        extras += [explorer.batch_label] if walker.gradient is not None else []
        title = " ".join([title, *extras])
    # step and loss change on every step: the side panel shows them, so the status repeats
    # them only while the panel is hidden (split, data view) and a step resends no status row
    where = []
    if explorer.split or explorer.data_view:
        loss = walker.trail[-1].loss if walker.trail else explorer.model.loss(walker.position)
        where = [f"step {walker.steps} loss {_fmt(loss)}"]
    rest = SEP.join([
        f"{walker.optimizer_name} lr {walker.lr:.3g} {walker.schedule_name}",
        *where,
        state.upper() if walker.status == WalkerStatus.DIVERGED else state,
    ])
    if explorer.race is not None:  # the racers' settings and the race's clock instead
        race = explorer.race
        over = ("over" if race.over else "racing" if explorer.walking
                else "paused" if race.clock else "ready")
        rest = f"race of {len(race.specs)} lr {race.lr:.3g} | step {race.clock} | {over}"
    news = explorer.message
    if progress is not None:
        busy = f"computing the map {progress:4.0%}..."
        news = f"{busy} {news}" if news else busy
    keys = keys_now(explorer)
    second = f"{keys}{SEP}{news}" if news else keys
    title, rest, news, second = (safe_text(t, charset) for t in (title, rest, news, second))
    # too narrow for everything: the title gives way first (the numbers and state matter
    # more), and news that fits on its own pushes out the key hints (the footer has them)
    room = width - cell_width(rest) - len(SEP)
    first = f"{clip(title, room, charset)}{SEP}{rest}" if room >= MIN_TITLE else (
        f"{title}{SEP}{rest}")
    if cell_width(second) > width and news and cell_width(news) <= width:
        second = news
    return clip(first, width, charset), clip(second, width, charset)


class StatusBar(TextLines):
    """The two status lines (only the rows whose text changed are resent)."""

    def show(self, explorer: Explorer, charset: str, progress: float | None = None) -> None:
        # the one-column margin is part of the text (not CSS padding): fewer segments to send
        first, second = status_lines(explorer, self.app.size.width, charset, progress)
        text = Text(no_wrap=True)
        text.append(" " + first, style="bold")
        text.append("\n " + second)
        super().show(text)


class Banner(Static):
    """One line of warning above the map, hidden when there is nothing to say."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text: str | None = None

    def say(self, text: str, charset: str) -> None:
        """Show text (or hide the banner when it is empty); unchanged text sends nothing."""
        text = safe_text(text, charset)
        if text != self._text:
            self._text = text
            self.update(text)
            self.set_class(bool(text), "-shown")
