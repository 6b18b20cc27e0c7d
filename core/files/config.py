"""The user's defaults for the app: a small TOML file in the user's config folder.

    landscape = "himmelblau"   # a name from `losswalk list`
    charset = "ascii"          # auto | unicode | ascii
    color = "16"               # auto | truecolor | 256 | 16 | none
    palette = "cividis"        # viridis | cividis
    [keys]                     # action = "key" or "key1,key2": keys added to its own
    step = "u"

Every key is optional and command-line flags win. A mistake is a ConfigError whose one line
names the file and the key. Which actions exist is the app's to check (core knows no keys).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from losswalk.core.drawing.palette import PALETTES
from losswalk.core.drawing.text import CHARSET_CHOICES, COLOR_CHOICES
from losswalk.core.files.xdg import config_dir
from losswalk.core.landscapes.models import LANDSCAPES

FILE_NAME = "config.toml"
CHOICES: dict[str, tuple[str, ...]] = {
    "landscape": tuple(LANDSCAPES), "charset": CHARSET_CHOICES, "color": COLOR_CHOICES,
    "palette": PALETTES,
}
MAX_BYTES = 64 * 1024  # a config file is a few lines
# a key as Textual names it: 'x', '?', 'space', 'ctrl+x', 'shift+left', 'f5', 'question_mark'
KEY_NAME = re.compile(r"^(?:(?:ctrl|shift|alt|super|meta)\+)*(?:[a-z0-9_]+|[^\s,\x00-\x1f\x7f])$",
                      re.IGNORECASE)


class ConfigError(ValueError):
    """A config file that cannot be used: one line, naming the file and the key."""


@dataclass(frozen=True)
class Config:
    """The defaults the file sets (None: not set) and where it was read from."""

    landscape: str | None = None
    charset: str | None = None
    color: str | None = None
    palette: str | None = None
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None  # None: no file, all defaults

    def error(self, key: str, message: str) -> ConfigError:
        """A ConfigError for this file's key (for checks made later, e.g. the app's actions)."""
        return ConfigError(f"{self.path}: {key}: {message}")


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/losswalk/config.toml (default ~/.config/losswalk/config.toml)."""
    return config_dir(environ) / FILE_NAME


def parse_config(text: str, path: Path) -> Config:
    """The Config a file's text sets; ConfigError naming the file and the key otherwise."""
    try:  # read only when there is a file: most starts have none
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    values: dict[str, str] = {}
    for key, value in table.items():
        if key == "keys":
            continue
        if key not in CHOICES:
            raise ConfigError(f"{path}: {key}: unknown setting (the settings are "
                              f"{', '.join([*CHOICES, 'keys'])})")
        if not isinstance(value, str) or value not in CHOICES[key]:
            quoted = "" if isinstance(value, str) else " (not in quotes)"
            raise ConfigError(f"{path}: {key}: must be one of {', '.join(CHOICES[key])} in "
                              f"quotes, got {value!r}{quoted}")
        values[key] = value
    keys = table.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(f"{path}: keys: must be a table, [keys] with lines action = \"key\"")
    for action, binding in keys.items():
        where = f"{path}: keys.{action}"
        if not isinstance(binding, str) or not binding.strip():
            raise ConfigError(f"{where}: must be a key name in quotes, e.g. \"x\" or \"ctrl+x\"")
        for name in binding.split(","):
            if not KEY_NAME.match(name.strip()):
                raise ConfigError(f"{where}: {name.strip()!r} is not a key name (e.g. \"x\", "
                                  "\"ctrl+x\", \"space\", \"f5\"; several joined by commas)")
    normalized = {action.replace(" ", ""): ",".join(k.strip() for k in binding.split(","))
                  for action, binding in keys.items()}
    return Config(**values, keys=MappingProxyType(normalized), path=path)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """The config file's settings (no file: Config() with every default); ConfigError when it
    cannot be read or has a mistake."""
    source = Path(path) if path is not None else config_path()
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"{source}: cannot read it: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{source}: larger than {MAX_BYTES // 1024} KiB, so not a config file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: not UTF-8 text") from None
    return parse_config(text, source)
