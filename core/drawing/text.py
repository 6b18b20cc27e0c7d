"""Text shared by every view: ASCII spellings of glyphs, how numbers are written, compass arrows."""

from __future__ import annotations

import math
import unicodedata
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


# Characters a terminal acts on instead of showing: C0, DEL and C1 controls (category Cc), lone
# surrogates (undecodable bytes in a file name), line/paragraph separators, and the bidi
# controls that reorder what follows them (U+202E shows "gpj.exe" as "exe.jpg").
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI_CONTROLS


def _escape(char: str) -> str:
    """A control character spelt visibly: \\n, \\x1b, \\x9b, \\u202e."""
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def safe_text(text: object, charset: str = "unicode") -> str:
    """Outside text (a file name, an option value, a message quoting one) made safe to print:
    every control character spelt as a visible escape (ESC -> the 4 characters \\x1b, a newline ->
    \\n), so it can neither drive the terminal nor break a line; pure ASCII when charset="ascii".
    Backslashes are kept, so applying it twice changes nothing."""
    text = str(text)
    if any(_is_control(c) for c in text):
        text = "".join(_escape(c) if _is_control(c) else c for c in text)
    return for_charset(text, charset)


def char_cells(char: str) -> int:
    """Terminal cells one character of safe text takes: 2 for East Asian wide/fullwidth, 0 for
    combining marks and other zero-width format characters, else 1."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells `text` (as safe_text returns it) takes: what a width limit must count."""
    return sum(char_cells(c) for c in text)


def cut_to_width(text: str, width: int) -> str:
    """The longest start of `text` that fits in `width` cells; a wide character that would
    straddle the edge is left out whole, and combining marks stay with their base."""
    used = 0
    for k, char in enumerate(text):
        used += char_cells(char)
        if used > width:
            return text[:k]
    return text


def clip(line: str, width: int, charset: str) -> str:
    """line cut to width terminal cells, ending in an ellipsis when cut (status lines and
    titles never wrap, and a cut never passes for the whole: '; 81 ...' is not '; 8')."""
    if cell_width(line) <= width:
        return line
    dots = "…" if charset == "unicode" else "..."
    return cut_to_width(line, max(width - len(dots), 0)) + dots


CHARSETS = ("unicode", "ascii")
CHARSET_CHOICES = ("auto", *CHARSETS)  # what --charset takes; auto follows the locale
COLOR_CHOICES = ("auto", "truecolor", "256", "16", "none")  # what --color takes
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
