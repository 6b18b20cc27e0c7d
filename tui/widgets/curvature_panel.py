"""CurvaturePanel (key i): the 2x2 Hessian at the walker, its eigenvalues and eigen-directions,
the condition number, the shape (minimum, maximum, saddle) and the stability limit 2/λmax beside
the learning rate. The map draws the two eigen-directions as short axes through the walker
(`axis_marks`), in the glyphs the panel names.
"""

from __future__ import annotations

import math

from rich.text import Text

from losswalk.core.drawing.text import ascii_only, format_number
from losswalk.core.landscapes.curvature import SLICE_NOTE, Curvature
from losswalk.tui.widgets.lines import ChartLines, text_strips

AXIS_GLYPHS = ("1", "2")  # the axis of λ1 (the larger curvature), then of λ2: no map uses digits
AXIS_CELLS = 3  # each axis reaches this many map cells either side of the walker
SHAPES = {
    "minimum": "minimum-shaped (up both ways)",
    "maximum": "maximum-shaped (down both ways)",
    "saddle": "saddle (up one way, down the other)",
    "flat": "flat along one direction",
    "unknown": "shape unknown (the Hessian overflowed)",
}


def axis_marks(c: Curvature, cell: tuple[float, float],
               cells: int = AXIS_CELLS) -> list[tuple[float, float, str]]:
    """World points (w1, w2, glyph) of the two eigen-axes through the walker, `cells` map cells
    either side: each step moves one cell along the screen axis the direction crosses fastest."""
    if not c.finite:
        return []
    marks = []
    for vector, glyph in zip(c.eigenvectors, AXIS_GLYPHS, strict=True):
        along = max(abs(vector[0]) / cell[0], abs(vector[1]) / cell[1])  # cells per unit length
        for t in (*range(-cells, 0), *range(1, cells + 1)):
            marks.append((c.w1 + t * vector[0] / along, c.w2 + t * vector[1] / along, glyph))
    return marks


def stability_line(c: Curvature, lr: float) -> str:
    """The learning rate against 2/λmax, in words."""
    if not c.finite:
        return "stability: unknown here"
    limit = c.stability_limit
    if math.isinf(limit):
        return (f"lr {format_number(lr)}: nothing curves up here, so no stability limit "
                "(descent slides away)")
    if c.diverges_at(lr):
        return (f"lr {format_number(lr)} > 2/λmax {format_number(limit)}: at this learning rate "
                "plain descent diverges here")
    return (f"lr {format_number(lr)} < 2/λmax {format_number(limit)}: plain descent is stable "
            "here")


def curvature_lines(c: Curvature, lr: float) -> list[str]:
    """The panel's lines (before wrapping), the most telling first: a short panel cuts the end."""
    lines = [f"curvature here ({c.source})", stability_line(c, lr)]
    if c.full_top is not None:
        lines.append(f"full network λmax {format_number(c.full_top, 3)} at the trained "
                     f"weights: {SLICE_NOTE}")
    condition = format_number(c.condition, 3) if c.finite else "unknown"
    lines.append(f"{SHAPES[c.kind]}; condition {condition}")
    for k, glyph in enumerate(AXIS_GLYPHS):
        value = format_number(c.eigenvalues[k], 3)
        v1, v2 = (format_number(round(x, 2)) for x in c.eigenvectors[k])  # unit: 2 decimals
        lines.append(f"{glyph} λ{k + 1} {value} along ({v1}, {v2})")
    (a, b), (_, d) = c.hessian
    h11, h12, h22 = (format_number(v, 3) for v in (a, b, d))
    lines.append(f"H [{h11} {h12}; {h12} {h22}]")
    return lines


class CurvaturePanel(ChartLines):
    """The curvature at the walker, wrapped to the panel's width."""

    DEFAULT_CSS = """
    CurvaturePanel {
        height: 1fr;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text: list[str] = []

    def show(self, c: Curvature, lr: float) -> None:
        """Show the curvature `c` against the learning rate `lr`."""
        self._text = curvature_lines(c, lr)
        self.update_lines()

    def build_lines(self, width: int, height: int):
        text = Text("\n".join(self._text))
        if self.charset == "ascii":
            text = Text(ascii_only(text.plain))
        wrapped = Text("\n").join(text.wrap(self.app.console, max(width, 1)))
        return text_strips(wrapped, width, self.rich_style, self.app.console)[:height]
