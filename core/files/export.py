"""What the app's `e` key saves: the view (SVG and plain text) and the walker's trail (CSV, JSON).

Every file is written atomically (files.atomic), named after the landscape and the time, into a
folder the user picked. Nothing here draws: the app hands over the SVG and the text it shows.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from losswalk.core.files.atomic import write_atomic
from losswalk.core.walk.walker import TrailPoint

TRAIL_FIELDS = ("step", "w1", "w2", "loss", "grad_norm", "lr", "optimizer")
KINDS = ("svg", "txt", "csv", "json")  # view picture, view text, trail table, trail object
STAMP_FORMAT = "%Y%m%d-%H%M%S"
MAX_TRIES = 100  # -2, -3, ... when files with this name and second already exist


class ExportError(ValueError):
    """The export cannot be written (no such folder, not writable, disk full): one line."""


@dataclass(frozen=True)
class Export:
    """What one export saves: the view as shown and the walk so far."""

    landscape: str
    svg: str
    text: str
    trail: Sequence[TrailPoint]


def _number(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null (as in `losswalk walk --json`)."""
    return float(value) if math.isfinite(value) else None


def trail_rows(trail: Iterable[TrailPoint]) -> list[dict[str, object]]:
    """One dict per trail point, keys TRAIL_FIELDS (grad_norm is |grad| where it stood)."""
    return [{"step": p.step, "w1": _number(p.w1), "w2": _number(p.w2), "loss": _number(p.loss),
             "grad_norm": _number(p.grad_norm), "lr": _number(p.lr), "optimizer": p.optimizer}
            for p in trail]


def trail_csv(trail: Iterable[TrailPoint]) -> str:
    """The trail as CSV with a header row; numbers as repr (round-trip exact), blank for null."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(TRAIL_FIELDS), lineterminator="\n")
    writer.writeheader()
    for row in trail_rows(trail):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def trail_json(landscape: str, trail: Iterable[TrailPoint]) -> str:
    """The trail as one JSON object: {"landscape": ..., "trail": [{step, w1, ...}, ...]}."""
    return json.dumps({"landscape": landscape, "trail": trail_rows(trail)}, indent=1) + "\n"


def safe_stem(name: str) -> str:
    """A landscape name made safe for a file name: letters, digits, '.', '-' and '_' only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "landscape"


def file_names(landscape: str, when: datetime, taken: Iterable[str] = ()) -> dict[str, str]:
    """kind -> file name, 'losswalk-NAME-YYYYmmdd-HHMMSS[.-N].(svg|txt|csv|json)' (the trail's
    two with '-trail'), the first suffix whose four names are all free of `taken`."""
    taken = set(taken)
    base = f"losswalk-{safe_stem(landscape)}-{when.strftime(STAMP_FORMAT)}"
    for n in range(1, MAX_TRIES + 1):
        stem = base if n == 1 else f"{base}-{n}"
        names = {"svg": f"{stem}.svg", "txt": f"{stem}.txt", "csv": f"{stem}-trail.csv",
                 "json": f"{stem}-trail.json"}
        if not taken & set(names.values()):
            return names
    raise ExportError(f"{MAX_TRIES} exports of {landscape} this second already: wait a moment")


def check_folder(folder: str | os.PathLike[str]) -> Path:
    """The folder to write into ('~' expanded), or ExportError saying why it cannot be."""
    path = Path(os.path.expanduser(os.fspath(folder).strip() or "."))
    if not path.exists():
        raise ExportError(f"no such folder: {path}")
    if not path.is_dir():
        raise ExportError(f"not a folder: {path}")
    if not os.access(path, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write into {path}: permission denied")
    return path


def write_export(folder: str | os.PathLike[str], export: Export,
                 when: datetime | None = None) -> list[Path]:
    """Write the four files into folder (each atomically); returns their paths in KINDS order.
    ExportError (one line) when the folder or a write fails; files already written stay."""
    path = check_folder(folder)
    try:
        taken = os.listdir(path)
    except OSError as error:  # writable but not readable (-wx): names cannot be checked
        raise ExportError(f"cannot list {path}: {error.strerror or error}") from None
    names = file_names(export.landscape, when or datetime.now(), taken)
    contents = {"svg": export.svg, "txt": export.text, "csv": trail_csv(export.trail),
                "json": trail_json(export.landscape, export.trail)}
    written = []
    for kind in KINDS:
        try:
            written.append(write_atomic(path / names[kind], contents[kind]))
        except OSError as error:
            raise ExportError(f"cannot write {path / names[kind]}: "
                              f"{error.strerror or error}") from error
    return written
