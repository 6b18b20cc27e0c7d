"""core/drawing/text.py: ASCII spellings, the charset a locale can show, the one number
format, the compass arrows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from losswalk.core.drawing.text import (
    ARROWS,
    COMPASS,
    ascii_only,
    charset_for_locale,
    compass,
    format_number,
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
