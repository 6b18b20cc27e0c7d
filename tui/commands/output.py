"""What the subcommands print and write: JSON and table numbers, the one-line message, files."""

from __future__ import annotations

import math
import sys
from typing import Any

from losswalk.core.drawing.text import safe_text


def jsonable(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    value = float(value)
    return value if math.isfinite(value) else None


def json_point(p, *names: str) -> dict[str, Any]:
    """A critical point's position and loss, and the flags named (JSON names)."""
    flags = {"kind": p.kind, "global": p.is_global, "lowest_in_view": p.lowest_in_view}
    return {"w1": jsonable(p.w1), "w2": jsonable(p.w2), "loss": jsonable(p.loss),
            **{name: flags[name] for name in names}}


def number_text(value: float | None) -> str:
    """A number in a table: six significant digits, or n/a."""
    return "n/a" if value is None else f"{value:.6g}"


def say(message: str) -> None:
    """One line on stderr, 'losswalk: ...', with any outside text in it made safe to show."""
    print(f"losswalk: {safe_text(message)}", file=sys.stderr)


class OutputError(ValueError):
    """A file that cannot be written as asked; one line for the user."""


def write_file(output: str, text: str | bytes) -> None:
    """Write atomically; a folder that does not exist or cannot be written is one line."""
    from losswalk.core.files.atomic import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
