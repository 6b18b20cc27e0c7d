"""Colour palettes for the heatmap: level codes -> RGB, nearest xterm-256 and 16-colour indices.

A cell colour is a small integer code: -1 is the terminal default, 0..n-1 are heatmap levels
(0 = lowest loss, darkest), and codes from 1000 up are named colours for markers and ink.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

RGB = tuple[int, int, int]


class RenderError(ValueError):
    """A bad rendering option (unknown palette, mode, size...)."""


DEFAULT = -1
GLOBAL_MIN, LOCAL_MIN, SADDLE, MAXIMUM, WALKER, TRAIL, INK_LIGHT, INK_DARK, HIGHLIGHT = range(
    1000, 1009)
NAMED_RGB: dict[int, RGB] = {
    GLOBAL_MIN: (255, 255, 255),
    LOCAL_MIN: (135, 215, 255),
    SADDLE: (255, 175, 0),
    MAXIMUM: (255, 85, 85),
    WALKER: (255, 0, 255),
    TRAIL: (255, 175, 215),
    INK_LIGHT: (238, 238, 238),
    INK_DARK: (18, 18, 18),
    HIGHLIGHT: (255, 255, 255),  # the walker's block where colour cannot carry it (NO_COLOR)
}
# the optimizer race's racers 1..4 (red, gold, cyan, pink: apart in 16 colours too)
RACERS = (1100, 1101, 1102, 1103)
NAMED_RGB.update(zip(RACERS, ((255, 95, 95), (255, 215, 0), (95, 255, 255), (255, 135, 215)),
                     strict=True))

# Anchor colours sampled evenly along each colormap (matplotlib's viridis and cividis);
# levels are linear interpolations between them.
_ANCHORS: dict[str, tuple[RGB, ...]] = {
    "viridis": (
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ),
    "cividis": (
        (0, 34, 78), (53, 69, 108), (102, 105, 112), (148, 142, 119), (200, 184, 102),
        (254, 232, 56),
    ),
    "grey": ((28, 28, 28), (238, 238, 238)),
}
PALETTES: tuple[str, ...] = tuple(_ANCHORS)

# xterm's 16 system colours (the usual defaults; real terminals theme them).
ANSI16_RGB: tuple[RGB, ...] = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
)
_CUBE = (0, 95, 135, 175, 215, 255)  # the 6 channel values of the xterm 6x6x6 cube


def _dist2(a: RGB, b: RGB) -> int:
    return sum((int(x) - int(y)) ** 2 for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=4096)
def _nearest_xterm256(rgb: RGB) -> int:
    cube = tuple(min(range(6), key=lambda k, c=c: abs(_CUBE[k] - c)) for c in rgb)
    cube_rgb = tuple(_CUBE[k] for k in cube)
    grey_k = min(range(24), key=lambda k: abs(8 + 10 * k - sum(rgb) / 3))
    grey_rgb = (8 + 10 * grey_k,) * 3
    if _dist2(rgb, grey_rgb) < _dist2(rgb, cube_rgb):
        return 232 + grey_k
    return 16 + 36 * cube[0] + 6 * cube[1] + cube[2]


def nearest_xterm256(rgb) -> int:
    """Nearest xterm-256 index (16..255): the closer of the 6x6x6 cube and the grey ramp."""
    return _nearest_xterm256(tuple(int(c) for c in rgb))


@lru_cache(maxsize=4096)
def _nearest_ansi16(rgb: RGB) -> int:
    return min(range(16), key=lambda i: _dist2(rgb, ANSI16_RGB[i]))


def nearest_ansi16(rgb) -> int:
    """Nearest of the 16 system colours (0..15, 8..15 bright), by RGB distance."""
    return _nearest_ansi16(tuple(int(c) for c in rgb))


_XTERM = np.array([(_CUBE[r], _CUBE[g], _CUBE[b]) for r in range(6) for g in range(6)
                   for b in range(6)] + [(8 + 10 * k,) * 3 for k in range(24)], dtype=float)
SLACK = 24.0  # RGB units a level's 256-colour stand-in may lie further than its nearest colour


def distinct_xterm256(levels) -> tuple[int, ...]:
    """An xterm-256 index per level colour, distinct where 256 colours allow: each level takes its
    nearest index unless a lower level has it, then the nearest free index that is at most SLACK
    further away and closer to this level than to any other (the picture keeps its colours, and
    the legend stays unambiguous: viridis' levels 2 and 3 of 10 share the nearest index, 60)."""
    rgb = np.asarray(levels, dtype=float).reshape(-1, 3)
    dist = np.sqrt(((rgb[:, None, :] - _XTERM[None, :, :]) ** 2).sum(axis=2))  # (levels, 240)
    own = np.argmin(dist, axis=0)  # the level each xterm colour is closest to
    taken: list[int] = []
    for k in range(len(rgb)):
        nearest = nearest_xterm256(rgb[k]) - 16
        free = (i for i in np.argsort(dist[k], kind="stable") if i + 16 not in taken
                and own[i] == k and dist[k, i] <= dist[k, nearest] + SLACK)
        index = nearest if nearest + 16 not in taken else next(free, nearest)
        taken.append(int(index) + 16)
    return tuple(taken)


@dataclass(frozen=True, eq=False)
class Palette:
    """Turns colour codes into RGB / xterm-256 / 16-colour indices."""

    name: str
    levels: np.ndarray  # (n_levels, 3) uint8, row k = level code k

    @property
    def n_levels(self) -> int:
        return len(self.levels)

    def rgb(self, code: int) -> RGB | None:
        """RGB of a colour code; None for the terminal default."""
        code = int(code)
        if code == DEFAULT:
            return None
        if 0 <= code < self.n_levels:
            r, g, b = self.levels[code]
            return int(r), int(g), int(b)
        if code in NAMED_RGB:
            return NAMED_RGB[code]
        raise RenderError(f"unknown colour code {code} for a {self.n_levels}-level palette")

    @cached_property
    def _levels256(self) -> tuple[int, ...]:
        return distinct_xterm256(self.levels)

    def xterm256(self, code: int) -> int | None:
        """xterm-256 index of a colour code (levels kept apart, see distinct_xterm256); None for
        the terminal default."""
        rgb = self.rgb(code)
        if rgb is None:
            return None
        return self._levels256[int(code)] if 0 <= code < self.n_levels else _nearest_xterm256(rgb)

    def ansi16(self, code: int) -> int | None:
        """Nearest 16-colour index of a colour code; None for the terminal default."""
        rgb = self.rgb(code)
        return None if rgb is None else _nearest_ansi16(rgb)


def make_palette(name: str = "viridis", n_levels: int = 10) -> Palette:
    """Sample `n_levels` evenly spaced colours from a perceptually ordered colormap."""
    if name not in _ANCHORS:
        raise RenderError(f"unknown palette {name!r} (choose {', '.join(PALETTES)})")
    if not 1 <= n_levels <= 256:
        raise RenderError(f"n_levels must be between 1 and 256, got {n_levels}")
    anchors = np.array(_ANCHORS[name], dtype=float)
    t = np.linspace(0.0, 1.0, n_levels) if n_levels > 1 else np.array([0.5])
    at = np.linspace(0.0, 1.0, len(anchors))
    rgb = np.stack([np.interp(t, at, anchors[:, ch]) for ch in range(3)], axis=1)
    return Palette(name, np.rint(rgb).astype(np.uint8))
