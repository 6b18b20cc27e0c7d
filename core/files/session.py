"""The last session, saved on quit and reopened by `losswalk --resume`.

A small JSON file in the user's state folder holds the landscape and its options, the view, the
walker (start, optimizer, learning rate, schedule, steps, trail) and the optimizer settings. A
file that is corrupt, from another version, or does not fit the landscape it names (a changed
data file, an impossible view) raises SessionError: the caller says so in one line and goes on.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from losswalk.core.explorer import MODES, Explorer
from losswalk.core.files.atomic import write_atomic
from losswalk.core.files.xdg import state_dir
from losswalk.core.landscapes.models import LANDSCAPES, LandscapeOptions, check_view
from losswalk.core.walk.optimizers import OptimizerSettings
from losswalk.core.walk.walker import TrailPoint, Walker, standing_point

VERSION = 1  # bump when the layout changes: older files are then refused, not misread
FILE_NAME = "session.json"
MAX_BYTES = 16 * 1024 * 1024  # a real session is at most ~1.5 MB (10,000 trail points)
LOSS_AGREEMENT = 1e-9  # the saved loss at the walker's point must match the landscape's now
SCALES = ("linear", "log")
OPTION_FIELDS = ("name", "dataset", "data", "loss", "l2", "condition")
NETWORK_FIELDS = ("surface", "hidden", "direction_seed")  # absent from older files: defaults
SETTING_FIELDS = ("mu", "b1", "b2", "eps")


class SessionError(ValueError):
    """The saved session cannot be used (why, in a few words); it is ignored."""


def session_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/losswalk/session.json (default ~/.local/state/losswalk/session.json)."""
    return state_dir(environ) / FILE_NAME


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def session_state(explorer: Explorer) -> dict[str, Any]:
    """What --resume needs to reopen the explorer as it is now, as plain JSON data."""
    options, walker = explorer.options, explorer.walker
    return {
        "version": VERSION,
        "landscape": {**{name: getattr(options, name) for name in OPTION_FIELDS},
                      "extent": None if options.extent is None else list(options.extent),
                      **_network_options(options)},
        "view": {"extent": list(explorer.extent), "mode": explorer.mode, "scale": explorer.scale},
        "walker": {"start": [float(v) for v in walker.start], "optimizer": walker.optimizer_name,
                   "lr": walker.lr, "schedule": walker.schedule_name, "steps": walker.steps,
                   "trail": [[p.step, p.w1, p.w2, _number(p.loss), _number(p.grad_norm), p.lr,
                              p.optimizer] for p in walker.trail]},
        "settings": {name: getattr(explorer.settings, name) for name in SETTING_FIELDS},
    }


def _network_options(options: LandscapeOptions) -> dict[str, Any]:
    """The surface picked from a file and the MLP's layers and seed, and the file paths made
    absolute, so --resume typed in another folder finds the same files."""
    files = {key: os.path.abspath(path) for key, path in (("name", options.name),
                                                          ("data", options.data))
             if path is not None and path not in LANDSCAPES and os.path.isfile(path)}
    hidden = None if options.hidden is None else list(options.hidden)
    return {"surface": options.surface, "hidden": hidden,
            "direction_seed": options.direction_seed, **files}


def save_session(explorer: Explorer, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the explorer's state atomically (the folder is made when missing); OSError when it
    cannot be written."""
    target = Path(path) if path is not None else session_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    state = json.dumps(session_state(explorer), separators=(",", ":"))
    return write_atomic(target, state, mode=0o600)  # the user's own: where they were, which data


def read_session(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The saved state as data; SessionError when it is missing, unreadable, not JSON or from
    another version."""
    source = Path(path) if path is not None else session_path()
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SessionError("there is no saved session yet (quit the app once to save one)") \
            from None
    except OSError as error:
        raise SessionError(f"cannot read it: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise SessionError(f"it is larger than {MAX_BYTES // 2**20} MiB, so not a session")
    try:
        state = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise SessionError(f"it is not a session file (corrupt: {error})") from None
    if not isinstance(state, dict) or "version" not in state:
        raise SessionError("it is not a session file (no version)")
    if state["version"] != VERSION:
        raise SessionError(f"it was written by another version of losswalk (layout "
                           f"{state['version']!r}; this one reads {VERSION})")
    return state


def _get(table: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """table[key] checked to be of kind (bool is never a number), or SessionError."""
    value = table.get(key) if isinstance(table, dict) else None
    numeric = kind in (float, (int, float))
    if numeric and isinstance(value, int) and not isinstance(value, bool):
        value = float(value) if kind is float else value
    if not isinstance(value, kind) or isinstance(value, bool):
        raise SessionError(f"{where}.{key} is missing or not a {getattr(kind, '__name__', kind)}")
    return value


def _floats(values: Any, n: int, where: str) -> tuple[float, ...]:
    if not (isinstance(values, list) and len(values) == n and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)):
        raise SessionError(f"{where} must be {n} numbers")
    return tuple(float(v) for v in values)


def _trail(rows: Any) -> list[TrailPoint]:
    """The saved trail points; SessionError for a malformed row."""
    if not isinstance(rows, list) or not rows:
        raise SessionError("walker.trail must be a non-empty list")
    trail = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 7 and isinstance(row[0], int)
                and isinstance(row[6], str)):
            raise SessionError("walker.trail has a malformed point")
        numbers = [math.nan if v is None else v for v in row[1:6]]
        trail.append(TrailPoint(row[0], *_floats(numbers, 5, "a trail point"), row[6]))
    return trail


def restore_session(state: dict[str, Any]) -> Explorer:
    """An explorer reopened from the saved state; SessionError when the state does not fit
    together (unknown landscape, a data file gone or changed, an impossible view or walker)."""
    land, view, walk = (state.get(k) for k in ("landscape", "view", "walker"))
    setting_table = state.get("settings")
    try:
        options = LandscapeOptions(
            name=_get(land, "name", str, "landscape"),
            **{k: land.get(k) for k in ("dataset", "data") if land.get(k) is not None},
            loss=_get(land, "loss", str, "landscape"), l2=_get(land, "l2", float, "landscape"),
            condition=_get(land, "condition", float, "landscape"),
            surface=None if land.get("surface") is None
            else _get(land, "surface", str, "landscape"),
            hidden=None if land.get("hidden") is None
            else tuple(_get(land, "hidden", list, "landscape")),
            direction_seed=_get(land, "direction_seed", int, "landscape")
            if "direction_seed" in land else 0,
            extent=None if land.get("extent") is None
            else _floats(land["extent"], 4, "landscape.extent"))
        settings = OptimizerSettings(**{
            k: None if not isinstance(setting_table, dict) or setting_table.get(k) is None
            else _get(setting_table, k, float, "settings") for k in SETTING_FIELDS})
        explorer = Explorer(options, settings)
        explorer.extent = check_view(_floats(_get(view, "extent", list, "view"), 4,
                                             "view.extent"), explorer.model)
        mode, scale = _get(view, "mode", str, "view"), _get(view, "scale", str, "view")
        if mode not in MODES or scale not in SCALES:
            raise SessionError(f"unknown view mode {mode!r} or scale {scale!r}")
        explorer.mode, explorer.scale = mode, scale
        walker = Walker(explorer.model, _floats(_get(walk, "start", list, "walker"), 2,
                                                "walker.start"),
                        optimizer=_get(walk, "optimizer", str, "walker"),
                        lr=_get(walk, "lr", float, "walker"),
                        schedule=_get(walk, "schedule", str, "walker"),
                        extent=explorer.extent, settings=settings)
        trail = _trail(walk.get("trail"))
        walker.restore(trail, _get(walk, "steps", int, "walker"))
    except SessionError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        raise SessionError(f"it does not fit the landscape it names: {error}") from None
    saved, now = standing_point(trail).loss, walker.feel().loss
    if not math.isclose(saved, now, rel_tol=LOSS_AGREEMENT, abs_tol=0.0):
        raise SessionError(f"the loss at the walker's point is {now:.6g} now but {saved:.6g} "
                           "when saved: the landscape or its data changed")
    explorer.walker = walker
    explorer.message = (f"resumed: {explorer.model.name}, step {walker.steps}, "
                        f"{walker.optimizer_name} lr {walker.lr:.4g} {walker.schedule_name}")
    return explorer


def load_session(path: str | os.PathLike[str] | None = None) -> Explorer:
    """read_session then restore_session: the explorer as the last session left it."""
    return restore_session(read_session(path))
