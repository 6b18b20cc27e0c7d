"""The lesson tour: a short sequence of slides, each setting the app up to show one idea.

Slides are data (a TOML file with one `[[slide]]` table per slide); this module reads and checks
them against the real registries, so a typo in the file is a clear error, not a broken slide.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from losswalk.core.drawing.raster import MODES
from losswalk.core.landscapes.datasets import BUILTIN_DATASETS
from losswalk.core.landscapes.models import (
    DATA_LANDSCAPES,
    LANDSCAPES,
    LOSS_KINDS,
    LandscapeOptions,
    ModelError,
)
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES

MAX_TITLE = 40  # "Tour 3/7 · " + title fits one 78-column line
MAX_TEXT = 240  # three to four lines of a 78-column panel
MAX_HINT = 60  # one line


class TourError(ValueError):
    """A bad tour file; the one-line message names the file, the slide number and the field."""


@dataclass(frozen=True)
class SlideSetup:
    """How a slide sets up the app; None leaves that setting as the user has it."""

    landscape: str | None = None  # a name from landscapes.models.LANDSCAPES
    dataset: str | None = None  # data landscapes only, like loss and l2
    loss: str | None = None  # "bce" | "mse"
    l2: float | None = None
    mode: str | None = None  # "heatmap" | "contours" | "both"
    start: tuple[float, float] | None = None  # where the walker starts (inside the view)
    optimizer: str | None = None  # a name from walk.optimizers.OPTIMIZERS
    lr: float | None = None
    schedule: str | None = None  # a name from walk.optimizers.SCHEDULES
    blind: bool | None = None  # hide the map: feel only the slope underfoot
    run: bool | None = None  # start walking at once
    hint: str | None = None  # the keys to try, e.g. "space step · o optimizer"

    def options(self) -> LandscapeOptions | None:
        """The landscape this slide shows (data options at their defaults unless given), or None
        when the slide keeps the current one."""
        if self.landscape is None:
            return None
        return LandscapeOptions(name=self.landscape, dataset=self.dataset, loss=self.loss or "bce",
                                l2=self.l2 or 0.0)


@dataclass(frozen=True)
class Slide:
    """One idea: a short title, two or three sentences on what to look at, and the setup."""

    title: str
    text: str
    setup: SlideSetup = SlideSetup()


class Tour:
    """Where the viewer is in a tour; moving past either end stays put."""

    def __init__(self, slides: tuple[Slide, ...]) -> None:
        if not slides:
            raise TourError("a tour needs at least one slide")
        self.slides = tuple(slides)
        self.index = 0

    def __len__(self) -> int:
        return len(self.slides)

    @property
    def current(self) -> Slide:
        return self.slides[self.index]

    def next(self) -> bool:
        """Go to the next slide; False (and no move) on the last one."""
        return self._go(self.index + 1)

    def previous(self) -> bool:
        """Go to the previous slide; False (and no move) on the first one."""
        return self._go(self.index - 1)

    def restart(self) -> None:
        """Back to the first slide."""
        self.index = 0

    def _go(self, index: int) -> bool:
        if not 0 <= index < len(self.slides):
            return False
        self.index = index
        return True


def load_tour(path: str | os.PathLike) -> tuple[Slide, ...]:
    """Read and check the tour file at path (the app passes its packaged tui/tour.toml)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise TourError(f"{os.fspath(path)}: cannot read the tour: {exc}") from None
    return parse_tour(text, source=os.fspath(path))


def parse_tour(text: str, source: str = "tour.toml") -> tuple[Slide, ...]:
    """The slides in TOML text, checked field by field; TourError names source, slide and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TourError(f"{source}: not valid TOML: {exc}") from None
    extra = set(data) - {"slide"}
    if extra:
        raise TourError(f"{source}: unknown top-level key {sorted(extra)[0]!r} "
                        "(slides are [[slide]] tables)")
    tables = data.get("slide")
    if not isinstance(tables, list) or not tables:
        raise TourError(f"{source}: no slides (add [[slide]] tables with a title and text)")
    return tuple(_slide(table, f"{source}: slide {n}: ") for n, table in enumerate(tables, 1))


# Each checker gets `at`, the message prefix its key is appended to ("tour.toml: slide 3: setup.").

def _slide(table: Any, at: str) -> Slide:
    """One [[slide]] table as a Slide."""
    if not isinstance(table, dict):
        raise TourError(f"{at.rstrip(': ')}: must be a [[slide]] table")
    _known_keys(table, ("title", "text", "setup"), at)
    setup = table.get("setup", {})
    if not isinstance(setup, dict):
        raise TourError(f"{at}setup: must be a table of settings")
    return Slide(title=_words(table, "title", MAX_TITLE, at, required=True),
                 text=_words(table, "text", MAX_TEXT, at, required=True),
                 setup=_setup(setup, at + "setup."))


def _setup(table: dict[str, Any], at: str) -> SlideSetup:
    """A [slide.setup] table as a SlideSetup, every value checked against the registries."""
    _known_keys(table, tuple(f.name for f in fields(SlideSetup)), at)
    setup = SlideSetup(
        landscape=_choice(table, "landscape", LANDSCAPES, at),
        dataset=_choice(table, "dataset", BUILTIN_DATASETS, at),
        loss=_choice(table, "loss", LOSS_KINDS, at),
        l2=_number(table, "l2", at, positive=False),
        mode=_choice(table, "mode", MODES, at),
        start=_start(table, at),
        optimizer=_choice(table, "optimizer", OPTIMIZERS, at),
        lr=_number(table, "lr", at, positive=True),
        schedule=_choice(table, "schedule", SCHEDULES, at),
        blind=_flag(table, "blind", at),
        run=_flag(table, "run", at),
        hint=_words(table, "hint", MAX_HINT, at, required=False),
    )
    data_options = [key for key in ("dataset", "loss", "l2") if key in table]
    if data_options and setup.landscape not in DATA_LANDSCAPES:
        raise TourError(f"{at}{data_options[0]}: applies only with landscape = one of "
                        f"{', '.join(DATA_LANDSCAPES)}")
    if setup.landscape is None:
        return setup
    try:  # e.g. logistic on the 1-D "line" data set
        w1_min, w1_max, w2_min, w2_max = setup.options().build(strict=True).extent
    except ModelError as exc:
        raise TourError(f"{at}landscape: {exc}") from None
    if setup.start is not None:
        w1, w2 = setup.start
        if not (w1_min <= w1 <= w1_max and w2_min <= w2 <= w2_max):
            raise TourError(f"{at}start: [{w1:g}, {w2:g}] is outside the {setup.landscape} map "
                            f"(w1 {w1_min:g}..{w1_max:g}, w2 {w2_min:g}..{w2_max:g})")
    return setup


def _known_keys(table: dict[str, Any], known: tuple[str, ...], at: str) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise TourError(f"{at}{unknown[0]}: unknown key (known: {', '.join(known)})")


def _words(table: dict[str, Any], key: str, limit: int, at: str, required: bool) -> str | None:
    """A string with its whitespace runs (line breaks in the file) turned into single spaces."""
    if key not in table:
        if required:
            raise TourError(f"{at}{key}: missing")
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise TourError(f"{at}{key}: must be a non-empty string")
    words = " ".join(value.split())
    if len(words) > limit:
        raise TourError(f"{at}{key}: {len(words)} characters, at most {limit} fit on screen")
    return words


def _choice(table: dict[str, Any], key: str, choices, at: str) -> str | None:
    value = table.get(key)
    if value is not None and value not in choices:
        raise TourError(f"{at}{key}: unknown {key} {value!r} (choose from: {', '.join(choices)})")
    return value


def _is_number(value: Any) -> bool:
    """A finite int or float from TOML (booleans are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(table: dict[str, Any], key: str, at: str, positive: bool) -> float | None:
    if key not in table:
        return None
    value = table[key]
    if not _is_number(value) or value < 0 or (positive and value == 0):
        raise TourError(f"{at}{key}: must be a finite number {'> 0' if positive else '>= 0'}, "
                        f"got {value!r}")
    return float(value)


def _start(table: dict[str, Any], at: str) -> tuple[float, float] | None:
    if "start" not in table:
        return None
    value = table["start"]
    if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
        raise TourError(f"{at}start: must be two finite numbers [w1, w2], got {value!r}")
    return float(value[0]), float(value[1])


def _flag(table: dict[str, Any], key: str, at: str) -> bool | None:
    value = table.get(key)
    if value is not None and not isinstance(value, bool):
        raise TourError(f"{at}{key}: must be true or false, got {value!r}")
    return value
