"""core.drawing.text: the ASCII spelling of glyphs and the charset a locale can show."""

import pytest

from losswalk.core.drawing.text import ascii_only, charset_for_locale


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
