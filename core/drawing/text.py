"""Text shared by every view: ASCII spellings of glyphs, how numbers are written, compass arrows."""

from __future__ import annotations

import math
from collections.abc import Mapping

_ASCII = str.maketrans(
    {
        # maths and punctuation in descriptions, messages and titles
        "σ": "sigmoid", "·": "*", "²": "^2", "√": "sqrt", "π": "pi", "∇": "grad ", "λ": "lambda",
        "ŷ": "y_hat", "→": "->", "…": "...", "–": "-", "—": "-", "×": "x", "±": "+/-",
        "≈": "~", "≤": "<=", "≥": ">=", "∞": "inf", "‖": "|",
        # box drawing (plotext frames, axes)
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┤": "+", "├": "+",
        "┬": "+", "┴": "+", "┼": "+",
        # plotext's legend marks for upper/right axes
        "Γ": "^", "⅃": "J", "⅂": "7",
    }
)


def ascii_only(text: str, unknown: str = "?") -> str:
    """`text` with known glyphs spelt in ASCII and any other non-ASCII character as `unknown`."""
    text = text.translate(_ASCII)
    return text if text.isascii() else "".join(c if c.isascii() else unknown for c in text)


CHARSETS = ("unicode", "ascii")
CHARSET_CHOICES = ("auto", *CHARSETS)  # what --charset takes; auto follows the locale
COERCED_CTYPES = ("C.UTF-8", "C.utf8", "UTF-8")  # what Python sets LC_CTYPE to for a C locale


def locale_name(environ: Mapping[str, str], initial: Mapping[str, str] | None = None) -> str:
    """The locale the environment names for characters: LC_ALL, else LC_CTYPE, else LANG ("C"
    when none is set). An LC_CTYPE that Python set itself while coercing a C (or unknown) locale
    (PEP 538: it differs from the process's `initial` environment) is not the user's: the
    initial one counts."""
    ctype = environ.get("LC_CTYPE")
    if ctype in COERCED_CTYPES and initial is not None and initial.get("LC_CTYPE") != ctype:
        ctype = initial.get("LC_CTYPE")
    return environ.get("LC_ALL") or ctype or environ.get("LANG") or "C"


def charset_for_locale(environ: Mapping[str, str],
                       initial: Mapping[str, str] | None = None) -> str:
    """"unicode" when the locale's character set is UTF-8, else "ascii": a terminal in a C or
    Latin-1 locale (common over SSH) shows box-drawing, block and braille glyphs as garbage."""
    name = locale_name(environ, initial).lower().replace("utf8", "utf-8")
    return "unicode" if "utf-8" in name else "ascii"


def check_charset(charset: str) -> str:
    """charset itself, or ValueError when it is not one losswalk can draw."""
    if charset not in CHARSETS:
        raise ValueError(f"charset must be 'unicode' or 'ascii', got {charset!r}")
    return charset


def for_charset(text: str, charset: str = "unicode") -> str:
    """The text as is ("unicode") or with every symbol spelt in ASCII ("ascii": '·' -> '*')."""
    return text if check_charset(charset) == "unicode" else ascii_only(text)


def format_number(x: float, digits: int = 4) -> str:
    """`digits` significant digits, scientific (1.235e5) when huge or tiny; 'inf'/'-inf'/'nan'.

    The one spelling of a number on screen and in the walker's messages, so the two always agree.
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x + 0.0:.{digits}g}"  # + 0.0 turns -0.0 into 0.0
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text  # 1.5e-05 -> 1.5e-5: narrower


COMPASS = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")  # counter-clockwise from +w1 (east)
ARROWS: dict[str, dict[str, str]] = {
    "unicode": dict(zip((*COMPASS, "flat"), "→↗↑↖←↙↓↘·", strict=True)),
    # ASCII: the north diagonals are the strokes pointing up-right (/) and up-left (\); the south
    # ones are the letters shaped like the corner they point to (L bottom-left, J bottom-right).
    "ascii": dict(zip((*COMPASS, "flat"), ">/^\\<LvJ.", strict=True)),
}


def compass(dw1: float, dw2: float) -> str:
    """Name of the compass octant a non-zero vector (dw1 east, dw2 north) points into."""
    octant = math.floor(math.atan2(dw2, dw1) / (math.pi / 4) + 0.5)
    return COMPASS[octant % 8]
