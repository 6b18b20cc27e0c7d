"""The `losswalk` command: opens the app, or runs a headless subcommand (list, info, walk, render).

Headless subcommands never import Textual, so they start fast and work in pipes and scripts.
Each lives in its own module of tui/commands/; this one builds the parser and routes to them.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from losswalk.tui.commands import (
    basins,
    config,
    landscape_info,
    race,
    render,
    surface_files,
    walk,
)
from losswalk.tui.commands.app_launch import cmd_app
from losswalk.tui.commands.arguments import CliError, Parser
from losswalk.tui.commands.output import say
from losswalk.tui.commands.serve import cmd_serve

SUBCOMMANDS = ("list", "info", "walk", "render", "tour", "open", "export-surface", "race",
               "basins")
EXIT_USAGE = 2
NUMBER_LIST_OPTIONS = ("--extent", "--start")  # values that may begin with '-'
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)  # stdout cannot take more
COMMANDS = {"list": landscape_info.cmd_list, "info": landscape_info.cmd_info,
            "walk": walk.cmd_walk, "render": render.cmd_render,
            "export-surface": surface_files.cmd_export_surface, "race": race.cmd_race,
            "basins": basins.cmd_basins}


def _version_text() -> str:
    """'losswalk X.Y.Z' from the installed package's metadata (read only when asked: importing
    importlib.metadata would cost every start-up tens of milliseconds)."""
    from importlib.metadata import version

    return f"losswalk {version('losswalk')}"


class _VersionAction(argparse.Action):
    """--version: print the version and exit, reading it only when the flag is given."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
                         help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        print(_version_text())
        parser.exit()


def _build_parser() -> Parser:
    parser = Parser(
        prog="losswalk",
        usage="losswalk [NAME] [landscape/optimizer options] [--charset CHARSET]  (app)\n"
        "       losswalk tour [--charset CHARSET]        (the app, with the lesson tour)\n"
        "       losswalk open FILE [--surface NAME]      (the app on a surface file)\n"
        "       losswalk --resume [--charset CHARSET]    (the last session, reopened)\n"
        "       losswalk serve [--host H] [--port P] [--public] [NAME] ...   (browser)\n"
        "       losswalk {list,info,walk,render,race,basins,export-surface,config} ...\n"
        "                                                 (headless)",
        description="See and walk the loss landscape of a neural network in the terminal.",
        epilog="Without a subcommand (or with 'tour') losswalk opens the interactive app; "
        "'losswalk SUBCOMMAND --help' for each. An option that does not apply (--l2 on the "
        "bowl, --condition on logistic, --lr without --walk, ...) is refused.",
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="print 'losswalk X.Y.Z' and exit")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, prog="losswalk")
    sub.add_parser("tour", help="the app with the lesson tour (its slides pick the landscapes)")

    sub.add_parser("open", help="the app on a surface file: losswalk open FILE [--surface NAME]")
    sub.add_parser("list", help="the landscapes and datasets with their descriptions")
    config.add_parser(sub)
    sub.add_parser("serve", help="the app in a web browser (textual-serve), bound to loopback; "
                   "'losswalk serve --help'")
    landscape_info.add_info_parser(sub)
    walk.add_parser(sub)
    render.add_parser(sub)
    surface_files.add_export_parser(sub)
    race.add_parser(sub)
    basins.add_parser(sub)
    return parser


def _join_negative_values(argv: list[str]) -> list[str]:
    """'--extent -5,5,-5,5' -> '--extent=-5,5,-5,5': argparse would take '-5,...' for an option."""
    joined: list[str] = []
    for token in argv:
        if joined and joined[-1] in NUMBER_LIST_OPTIONS and token.startswith("-"):
            joined[-1] = f"{joined[-1]}={token}"
        else:
            joined.append(token)
    return joined


def _drop_unwritten_output() -> None:
    """Point stdout at the null device, so Python's flush at exit does not fail a second time."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `losswalk` console script; returns the exit status."""
    argv = _join_negative_values(list(sys.argv[1:] if argv is None else argv))
    try:
        if argv and argv[0] == "tour":
            cmd_app(argv[1:], tour=True)
        elif argv and argv[0] == "open":
            cmd_app(argv[1:], open_file=True)
        elif argv and argv[0] == "config":
            config.cmd_config(_build_parser().parse_args(argv))
        elif argv and argv[0] == "serve":
            cmd_serve(argv[1:])
        elif argv and argv[0] in SUBCOMMANDS:
            args = _build_parser().parse_args(argv)
            COMMANDS[args.command](args)
        elif argv and argv[0] in ("-h", "--help"):
            _build_parser().print_help()
        elif argv and argv[0] == "--version":
            print(_version_text())
        else:
            cmd_app(argv)
        sys.stdout.flush()  # a write error (disk full) surfaces here, not after main returns
    except (CliError, ValueError) as exc:  # ValueError: DatasetError, ModelError, option values
        say(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:  # `losswalk walk ... | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line for the user; LOSSWALK_DEBUG=1 shows the traceback
        if isinstance(exc, OSError) and exc.filename is None and exc.errno in WRITE_ERRORS:
            _drop_unwritten_output()  # stdout cannot take the output: `losswalk list > /dev/full`
            print(f"losswalk: cannot write the output: {exc.strerror}", file=sys.stderr)
            return 1
        if os.environ.get("LOSSWALK_DEBUG"):
            raise
        say(f"internal error: {type(exc).__name__}: {exc} (set LOSSWALK_DEBUG=1 for details)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
