"""core/drawing/text.py: ASCII spellings, the charset a locale can show, the one number
format, the compass arrows."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pytest

from losswalk.core.drawing.text import (
    ARROWS,
    COMPASS,
    ascii_only,
    cell_width,
    charset_for_locale,
    compass,
    cut_to_width,
    format_number,
    safe_text,
)

NUMBERS = [
    (0.693147, 4, "0.6931"), (123456.0, 4, "1.235e5"), (1e-7, 4, "1e-7"), (-2.5, 4, "-2.5"),
    (-1.23456e-5, 4, "-1.235e-5"), (1e300, 4, "1e300"), (5e-324, 4, "4.941e-324"),
    (-0.0, 4, "0"), (math.inf, 4, "inf"), (-math.inf, 4, "-inf"), (math.nan, 4, "nan"),
    (0.0625, 2, "0.062"), (np.float64(12.3456), 4, "12.35"), (42215.93, 4, "4.222e4"),
]


@pytest.mark.parametrize(("x", "digits", "text"), NUMBERS)
def test_format_number(x, digits, text):
    assert format_number(x, digits) == text


@pytest.mark.parametrize(("x", "digits", "text"), NUMBERS)
def test_the_panel_writes_numbers_as_the_walker_messages_do(x, digits, text):
    from losswalk.tui.widgets import walker_panel

    assert walker_panel.format_number(x, digits) == text


@pytest.mark.parametrize("k", range(8))
@pytest.mark.parametrize("wobble", [-22.0, 0.0, 22.0])
def test_compass_names_the_octant(k, wobble):
    angle = math.radians(45 * k + wobble)
    assert compass(math.cos(angle), math.sin(angle)) == COMPASS[k]
    assert compass(1e300 * math.cos(angle), 1e300 * math.sin(angle)) == COMPASS[k]


def test_every_compass_direction_has_an_arrow_in_both_charsets():
    for glyphs in ARROWS.values():
        assert set(glyphs) == {*COMPASS, "flat"} and len(set(glyphs.values())) == 9
    assert all(g.isascii() for g in ARROWS["ascii"].values())


def test_ascii_only_spells_known_glyphs_and_marks_the_rest() -> None:
    assert ascii_only("λ·σ ≤ 1 → ∞ ✕") == "lambda*sigmoid <= 1 -> inf ?"
    assert ascii_only("◉", unknown="*") == "*"


@pytest.mark.parametrize("environ, initial, expected", [
    ({"LANG": "en_US.UTF-8"}, None, "unicode"),
    ({"LANG": "de_DE.utf8"}, None, "unicode"),
    ({"LANG": "C"}, None, "ascii"),
    ({}, None, "ascii"),
    ({"LANG": "C.UTF-8", "LC_ALL": "POSIX"}, None, "ascii"),  # LC_ALL wins
    ({"LANG": "C.UTF-8", "LC_CTYPE": "en_US.ISO-8859-1"}, None, "ascii"),  # then LC_CTYPE
    # Python coerced a C locale: LC_CTYPE=C.UTF-8 appeared in its own environment only
    ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, {"LANG": "C"}, "ascii"),
    ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, {"LANG": "C", "LC_CTYPE": "C.UTF-8"}, "unicode"),
    ({"LANG": "en_GB.UTF-8", "LC_CTYPE": "C.UTF-8"},
     {"LANG": "en_GB.UTF-8", "LC_CTYPE": "en_GB.ISO-8859-1"}, "ascii"),
])
def test_charset_for_locale(environ, initial, expected) -> None:
    assert charset_for_locale(environ, initial) == expected


# ---- safe_text, cell widths, cut_to_width: outside text made safe to show --------------------

SAFE = [
    ("t\x1b]0;pwned\x07.csv", "t\\x1b]0;pwned\\x07.csv"),  # ESC and BEL: 4 visible characters
    ("a\nb\rc\td", "a\\nb\\rc\\td"),
    ("del\x7f", "del\\x7f"),
    ("csi\x9b2J", "csi\\x9b2J"),  # C1 CSI: 8-bit escape
    ("abc\u202egpj.exe", "abc\\u202egpj.exe"),  # right-to-left override
    ("\u2066x\u2069", "\\u2066x\\u2069"),
    ("bad\udc80byte", "bad\\udc80byte"),  # an undecodable byte in a file name
    ("line\u2028sep", "line\\u2028sep"),
    ("データ", "データ"),  # printable text is kept as is
    ("e\u0301", "e\u0301"),
    ("back\\slash", "back\\slash"),
]


@pytest.mark.parametrize(("raw", "shown"), SAFE)
def test_safe_text_escapes_every_control_character_visibly(raw, shown):
    assert safe_text(raw) == shown
    assert safe_text(shown) == shown  # applying it twice changes nothing
    assert all(ch.isprintable() or unicodedata.combining(ch) for ch in safe_text(raw))


@pytest.mark.parametrize(("raw", "_shown"), SAFE)
def test_safe_text_in_ascii_is_pure_printable_ascii(raw, _shown):
    text = safe_text(raw, "ascii")
    assert text.isascii() and text.isprintable()


def test_safe_text_in_ascii_keeps_the_escapes():
    assert safe_text("a\x1b[2Jé", "ascii") == "a\\x1b[2J?"


@pytest.mark.parametrize(("text", "cells"), [
    ("abc", 3), ("データ", 6), ("ｗ", 2), ("e\u0301", 1), ("a\u0300\u0301b", 2), ("", 0),
    ("日本語 ok", 9), ("\\x1b", 4),
])
def test_cell_width_counts_terminal_cells(text, cells):
    assert cell_width(text) == cells


@pytest.mark.parametrize(("text", "width", "cut"), [
    ("abcdef", 3, "abc"), ("データ", 3, "デ"), ("データ", 4, "デー"), ("aデ", 2, "a"),
    ("e\u0301x", 1, "e\u0301"), ("abc", 10, "abc"), ("デ", 1, ""), ("abc", 0, ""),
])
def test_cut_to_width_never_splits_a_wide_character(text, width, cut):
    assert cut_to_width(text, width) == cut
    assert cell_width(cut) <= width
