"""`losswalk config`: where the config file is, whether it is right, and the keys it can set."""

from __future__ import annotations

import argparse

from losswalk.core.drawing.text import safe_text


def add_parser(sub) -> None:
    """`losswalk config [--path | --check | --keys]`."""
    config = sub.add_parser(
        "config", help="where the config file is, and whether it is right",
        description="The app's defaults come from a TOML file, $XDG_CONFIG_HOME/losswalk/"
        "config.toml (landscape, charset, color, palette, and [keys]: action = \"key\" adds a "
        "key); command-line flags win. Without an option: --check.")
    shown = config.add_mutually_exclusive_group()
    shown.add_argument("--path", action="store_true", help="print the config file's path")
    shown.add_argument("--check", action="store_true",
                       help="check the file: 'ok' and what it sets, or one line naming the key "
                       "that is wrong (exit status 2)")
    shown.add_argument("--keys", action="store_true",
                       help="every action with its keys (with those the file adds) and what "
                       "it does: the names [keys] takes")


def cmd_config(args: argparse.Namespace) -> None:
    """Print the config file's path, check it, or list the actions [keys] can change. (The
    keymap is Textual's: only this command of the headless ones imports it.)"""
    from losswalk.core.files.config import config_path, load_config
    from losswalk.tui.key_config import key_table

    path = config_path()
    if args.path:
        print(safe_text(str(path)))
        return
    config = load_config(path)
    table = key_table(config)  # ConfigError for an unknown action or a shared key
    if args.keys:
        width = max(len(action) for action, _, _ in table)
        for action, keys, what in table:
            print(f"{action:<{width}}  {keys:<22} {what}")
        return
    if config.path is None:
        print(safe_text(f"no config file at {path}: the defaults are in use"))
        return
    settings = [f"{name} {value}" for name in ("landscape", "charset", "color", "palette")
                if (value := getattr(config, name)) is not None]
    settings += [f"keys for {len(config.keys)} action{'s' * (len(config.keys) != 1)}"] \
        if config.keys else []
    print(safe_text(f"{path}: ok ({', '.join(settings) or 'nothing set'})"))
