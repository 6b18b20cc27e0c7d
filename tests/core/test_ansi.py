"""ANSI output: exact SGR sequences, no escapes without colour, pure ASCII, exact widths."""

import re

import numpy as np
import pytest

from losswalk.core.drawing.ansi import COLOR_MODES, to_ansi
from losswalk.core.drawing.palette import GLOBAL_MIN, WALKER, make_palette
from losswalk.core.drawing.raster import MODES, STYLES, Marker, Raster, RenderError, render_view
from tests.core.test_raster import bowl, surface

SGR = re.compile(r"\x1b\[[0-9;]*m")


def tiny_raster() -> Raster:
    """'abc': a and b in level 0 of viridis (68, 1, 84), c bold in the default colour."""
    r = Raster.blank(1, 3, make_palette("viridis", 4))
    r.put(0, 0, "ab", fg=0)
    r.put(0, 2, "c", bold=True)
    return r


@pytest.mark.parametrize(("color", "expected"), [
    ("truecolor", "\x1b[38;2;68;1;84mab\x1b[1;39mc\x1b[0m"),
    ("256", "\x1b[38;5;53mab\x1b[1;39mc\x1b[0m"),  # nearest cube colour (95, 0, 95)
    ("16", "\x1b[30mab\x1b[1;39mc\x1b[0m"),  # nearest system colour: black
    ("none", "abc"),
])
def test_exact_sequences(color, expected):
    assert to_ansi(tiny_raster(), color) == [expected]


def test_background_and_bright_colours():
    r = Raster.blank(1, 2, make_palette("grey", 2))
    r.put(0, 0, "xy", fg=WALKER)  # (255, 0, 255): bright magenta = 13
    r.bg[0] = [GLOBAL_MIN, 1]  # (255, 255, 255): bright white 15; grey (238, 238, 238): white 7
    assert to_ansi(r, "16") == ["\x1b[95;107mx\x1b[47my\x1b[0m"]
    assert to_ansi(r, "truecolor") == [
        "\x1b[38;2;255;0;255;48;2;255;255;255mx\x1b[48;2;238;238;238my\x1b[0m"]


def test_plain_rows_have_no_codes_and_one_style_is_one_code():
    r = Raster.blank(2, 4, make_palette())
    r.put(1, 0, "wxyz", fg=3)
    assert to_ansi(r, "256")[0] == "    "
    assert to_ansi(r, "256")[1].count("\x1b[") == 2  # set once, reset once


def test_same_xterm_colour_is_not_repeated():
    r = Raster.blank(1, 2, make_palette("grey", 256))
    r.put(0, 0, "ab")
    r.fg[0] = [100, 101]  # neighbouring greys share the nearest xterm colour
    assert to_ansi(r, "256")[0].count("\x1b[") == 2


def test_unknown_mode():
    with pytest.raises(RenderError, match="color mode"):
        to_ansi(tiny_raster(), "rgb")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("mode", MODES)
def test_views_widths_ascii_and_no_escapes(mode, style):
    g = surface(bowl, (-2, 2, -2, 2), 41, 41)
    g.values[0, 0] = np.nan
    for charset in ("unicode", "ascii"):
        view = render_view(g, 50, 16, mode=mode, style=style, charset=charset,
                           markers=[Marker(0, 0, "minimum", True)], trail=[(1, 1), (0.2, 0.1)],
                           walker=(0.2, 0.1))
        for color in COLOR_MODES:
            lines = to_ansi(view.raster, color)
            assert len(lines) == 16
            assert all(len(SGR.sub("", line)) == 50 for line in lines)
            if color == "none":
                assert not any("\x1b" in line for line in lines)
            if charset == "ascii":
                assert all(32 <= ord(ch) < 127 for line in lines for ch in SGR.sub("", line))
            else:
                assert all(ch.isprintable() for line in lines for ch in SGR.sub("", line))

