"""Print a Raster as ANSI text: truecolor, xterm-256, 16 colours, or plain characters."""

from __future__ import annotations

from losswalk.core.drawing.palette import DEFAULT, Palette, RenderError
from losswalk.core.drawing.raster import Raster

COLOR_MODES = ("truecolor", "256", "16", "none")
_PLAIN = ("22", "39", "49")  # bold off, default fg, default bg


def _colour(palette: Palette, code: int, color: str, layer: int) -> str:
    """SGR parameters for one colour code; layer 38 = foreground, 48 = background."""
    if code == DEFAULT:
        return str(layer + 1)
    if color == "truecolor":
        return f"{layer};2;{';'.join(map(str, palette.rgb(code)))}"
    if color == "256":
        return f"{layer};5;{palette.xterm256(code)}"
    i = palette.ansi16(code)
    base = 30 if layer == 38 else 40
    return str(base + i if i < 8 else base + 60 + i - 8)


def to_ansi(raster: Raster, color: str = "truecolor") -> list[str]:
    """One string per raster row; SGR codes only where the style changes, reset at row end."""
    if color not in COLOR_MODES:
        raise RenderError(f"unknown color mode {color!r} (choose {', '.join(COLOR_MODES)})")
    if color == "none":
        return raster.text()
    lines = []
    for row in range(raster.height):
        state, parts = _PLAIN, []
        for text, fg, bg, bold in raster.runs(row):
            new = ("1" if bold else "22", _colour(raster.palette, fg, color, 38),
                   _colour(raster.palette, bg, color, 48))
            changed = [p for p, q in zip(new, state, strict=True) if p != q]
            if changed:
                parts.append(f"\x1b[{';'.join(changed)}m")
            parts.append(text)
            state = new
        if state != _PLAIN:
            parts.append("\x1b[0m")
        lines.append("".join(parts))
    return lines
