"""Colour palettes for the heatmap: level codes -> RGB, nearest xterm-256 and 16-colour indices.

A cell colour is a small integer code: -1 is the terminal default, 0..n-1 are heatmap levels
(0 = lowest loss, darkest), and codes from 1000 up are named colours for markers and ink.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

RGB = tuple[int, int, int]


class RenderError(ValueError):
    """A bad rendering option (unknown palette, mode, size...)."""


DEFAULT = -1
GLOBAL_MIN, LOCAL_MIN, SADDLE, MAXIMUM, WALKER, TRAIL, INK_LIGHT, INK_DARK = range(1000, 1008)
NAMED_RGB: dict[int, RGB] = {
    GLOBAL_MIN: (255, 255, 255),
    LOCAL_MIN: (135, 215, 255),
    SADDLE: (255, 175, 0),
    MAXIMUM: (255, 85, 85),
    WALKER: (255, 0, 255),
    TRAIL: (255, 175, 215),
    INK_LIGHT: (238, 238, 238),
    INK_DARK: (18, 18, 18),
}

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

    def xterm256(self, code: int) -> int | None:
        """Nearest xterm-256 index of a colour code; None for the terminal default."""
        rgb = self.rgb(code)
        return None if rgb is None else _nearest_xterm256(rgb)

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
