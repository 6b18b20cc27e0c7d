"""Where losswalk keeps the user's files: the XDG base directories (state and config)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP = "losswalk"
DEFAULTS = {"XDG_STATE_HOME": (".local", "state"), "XDG_CONFIG_HOME": (".config",)}


def user_dir(variable: str, environ: Mapping[str, str] | None = None) -> Path:
    """$variable/losswalk when it holds an absolute path (the spec ignores a relative one),
    else its default under the home folder: ~/.local/state/losswalk, ~/.config/losswalk."""
    environ = os.environ if environ is None else environ
    base = environ.get(variable, "")
    if not os.path.isabs(base):
        home = environ.get("HOME") or str(Path.home())
        base = os.path.join(home, *DEFAULTS[variable])
    return Path(base) / APP


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder for what losswalk remembers between runs (the last session)."""
    return user_dir("XDG_STATE_HOME", environ)


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the user's configuration (config.toml)."""
    return user_dir("XDG_CONFIG_HOME", environ)
