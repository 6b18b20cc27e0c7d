"""config.toml: where it lives, what it sets, and one line naming the file and the key for every
mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from losswalk.core.files.config import Config, ConfigError, config_path, load_config, parse_config

FILE = Path("/home/u/.config/losswalk/config.toml")


def test_the_file_lives_in_the_xdg_config_folder(tmp_path) -> None:
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "losswalk/config.toml"
    assert config_path({"HOME": "/home/u"}) == FILE
    assert config_path({"HOME": "/home/u", "XDG_CONFIG_HOME": "rel"}) == FILE  # not absolute


def test_everything_it_can_set() -> None:
    config = parse_config('landscape = "himmelblau"\ncharset = "ascii"\ncolor = "16"\n'
                          'palette = "cividis"\n[keys]\nstep = "u"\n"lr( 1 )" = "U, ctrl+u"\n',
                          FILE)
    assert (config.landscape, config.charset, config.color, config.palette) == (
        "himmelblau", "ascii", "16", "cividis")
    assert dict(config.keys) == {"step": "u", "lr(1)": "U,ctrl+u"}  # spaces do not matter
    assert config.path == FILE
    assert parse_config("", FILE) == Config(path=FILE)


def test_no_file_is_every_default(tmp_path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


@pytest.mark.parametrize(("text", "fragment"), [
    ("colour = \"none\"", "colour: unknown setting (the settings are landscape, charset, color, "
                          "palette, keys)"),
    ("landscape = \"himalaya\"", "landscape: must be one of logistic,"),
    ("charset = \"utf8\"", "charset: must be one of auto, unicode, ascii in quotes, got 'utf8'"),
    ("color = 16", "color: must be one of auto, truecolor, 256, 16, none in quotes, got 16 "
                   "(not in quotes)"),
    ("palette = \"jet\"", "palette: must be one of viridis, cividis"),
    ("color = \n", "not valid TOML: Invalid value (at line 1, column 9)"),
    ("keys = \"x\"", "keys: must be a table"),
    ("[keys]\nstep = 1", "keys.step: must be a key name in quotes"),
    ("[keys]\nstep = \"\"", "keys.step: must be a key name in quotes"),
    ("[keys]\nstep = \"two words\"", "keys.step: 'two words' is not a key name"),
    ("[keys]\nstep = \"x,\"", "keys.step: '' is not a key name"),
    ("[keys]\nstep = \"\\u001b\"", "is not a key name"),
])
def test_mistakes_name_the_file_and_the_key(text, fragment) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, FILE)
    message = str(caught.value)
    assert message.startswith(f"{FILE}: ") and fragment in message, message
    assert "\n" not in message


def test_files_that_are_not_text(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)
    path.write_bytes(b"#" * 70_000)
    with pytest.raises(ConfigError, match="larger than 64 KiB"):
        load_config(path)
    path.unlink()
    path.mkdir()
    with pytest.raises(ConfigError, match=r"config\.toml: cannot read it"):
        load_config(path)
