"""Text helpers: the plain-ASCII spelling of the few non-ASCII glyphs losswalk's texts use (for
--charset ascii), and how numbers are written on screen."""

from __future__ import annotations

import math

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


def check_charset(charset: str) -> str:
    """charset itself, or ValueError when it is not one losswalk can draw."""
    if charset not in CHARSETS:
        raise ValueError(f"charset must be 'unicode' or 'ascii', got {charset!r}")
    return charset


def for_charset(text: str, charset: str = "unicode") -> str:
    """The text as is ("unicode") or with every symbol spelt in ASCII ("ascii": '·' -> '*')."""
    return text if check_charset(charset) == "unicode" else ascii_only(text)


def format_number(x: float, digits: int = 4) -> str:
    """`digits` significant digits, scientific (1.235e5) when huge or tiny; 'inf'/'-inf'/'nan'."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x + 0.0:.{digits}g}"  # + 0.0 turns -0.0 into 0.0
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text  # 1.5e-05 -> 1.5e-5: narrower
