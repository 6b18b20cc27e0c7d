"""Opening the app: `losswalk [NAME]`, tour, open FILE and --resume, config.toml filling gaps."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from losswalk.core.drawing.text import COLOR_CHOICES
from losswalk.tui.commands.arguments import (
    SETTING_FLAGS,
    CliError,
    Parser,
    charset_argument,
    landscape_arguments,
    landscape_options,
    resolved_charset,
    setting_arguments,
    typed_settings,
)
from losswalk.tui.commands.output import say
from losswalk.tui.commands.surface_files import line_file

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # set by textual-serve for the app it runs
TEXTUAL_COLOURS = {"truecolor": "truecolor", "256": "256", "16": "standard"}


def app_parser(tour: bool = False) -> Parser:
    if tour:
        parser = Parser(
            prog="losswalk tour", usage="losswalk tour [--charset auto|unicode|ascii]",
            description="Open the app with the lesson tour running. Its slides pick each "
            "landscape and its options, so a NAME or landscape option is refused: "
            "'losswalk NAME [options]' opens a landscape, and t there starts the tour.")
    else:
        parser = Parser(
            prog="losswalk",
            description="Open the interactive explorer (press ? inside for keys; 'losswalk "
            "tour' starts the lesson tour). Subcommands: list, info, walk, render, tour.")
    landscape_arguments(parser, shown=not tour)
    setting_arguments(parser, shown=not tour)
    charset_argument(parser)
    parser.set_defaults(charset=None)  # not given: the config file's, else auto
    parser.add_argument("--color", choices=COLOR_CHOICES,
                        help="colours: auto (the terminal's, or none under NO_COLOR; the "
                        "default), truecolor, 256, 16 or none")
    if not tour:
        parser.add_argument("--resume", action="store_true",
                            help="reopen where the last session ended (landscape, view, walker, "
                            "optimizer, trail), saved on quit in $XDG_STATE_HOME/losswalk/"
                            "session.json; a file that cannot be used is reported and ignored")
    return parser


def _need_a_terminal() -> None:
    """Refuse (one line, exit 2) where the app cannot run: it draws on a terminal and reads keys
    from one; in a pipe or a file it would write escape codes and wait forever."""
    if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:  # `losswalk serve`: a browser draws
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError("the app needs a terminal on stdin and stdout; for a picture in a file "
                       "or a pipe use 'losswalk render'")
    if os.environ.get("TERM", "") in ("", "dumb"):
        raise CliError("TERM is dumb or unset, so the app cannot draw; set TERM (e.g. "
                       "xterm-256color), or use 'losswalk render'")


def _open_help(parser: Parser) -> None:
    """The app's parser as `losswalk open` names and explains itself (--help, mistakes)."""
    parser.prog = "losswalk open"
    parser.usage = "losswalk open FILE [--surface NAME] [--charset CHARSET] [--color COLOR]"
    parser.description = (
        "Open the app on a loss surface computed elsewhere: the HDF5 file of Li et al.'s "
        "loss-landscape code (plot_surface.py: xcoordinates, ycoordinates, train_loss, ...), "
        "an .npz with x, y, loss, or a long-form .csv of x,y,loss rows. The walker steps on a "
        "bicubic spline through the grid; a 1-D file opens as a line plot. 'losswalk info "
        "FILE' and 'losswalk render FILE' work on the same files.")


def cmd_app(argv: Sequence[str], *, tour: bool = False, open_file: bool = False) -> None:
    """Open the app (with the lesson tour running when `tour`; on a surface file for `open`),
    with the user's config.toml filling in what the command line leaves out."""
    from losswalk.core.files.config import load_config

    parser = app_parser(tour)
    if open_file:
        _open_help(parser)
    args = parser.parse_args(list(argv))
    if open_file and (args.name is None or not os.path.isfile(args.name)):
        raise CliError("open needs a surface file: losswalk open FILE (.h5, .npz or .csv)"
                       + (f"; {args.name!r} is not a file" if args.name else ""))
    config = load_config()
    resume = getattr(args, "resume", False)  # the tour has no --resume
    if not (tour or resume) and args.name is None:
        args.name = config.landscape
    options = landscape_options(args)
    line = None if tour else line_file(args)
    if line is not None:  # a 1-D surface file: its line plot
        _need_a_terminal()
        from losswalk.tui.screens.line_surface import run_line

        run_line(line, charset=args.charset)
        return
    if tour:
        _refuse_for_tour(args, options)
    # report a bad landscape, data file or extent before the screen opens; the file is read
    # here, once: the app gets its data with the options
    options = options.loaded()
    model = options.build(strict=True)
    options.view_extent(model)
    _need_a_terminal()
    # (after the terminal check: without one, its one line is all that is said)
    from losswalk.core.explorer import Explorer

    explorer = _resumed(args, options) if resume else Explorer(options, typed_settings(args), model)
    if config.keys:  # an unknown action or a shared key: one line before the screen opens
        from losswalk.tui.key_config import keymap_with

        keymap_with(config)
    charset = args.charset or resolved_charset(config.charset or "auto")
    _use_colours(args.color or config.color or "auto", os.environ)
    from losswalk.tui.app import run

    served = os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER  # a browser tab's app saves nothing
    run(options, charset=charset, tour=tour, settings=typed_settings(args), explorer=explorer,
        save=not served, config=config)


def _use_colours(color: str, environ) -> None:
    """Tell Textual (read when it is imported) the colours asked for: none is NO_COLOR, the
    others its colour system; auto leaves the terminal's own description (and NO_COLOR)."""
    if color == "none":
        environ["NO_COLOR"] = "1"
    elif color != "auto":
        environ.pop("NO_COLOR", None)
        environ["TEXTUAL_COLOR_SYSTEM"] = TEXTUAL_COLOURS[color]


def _resumed(args: argparse.Namespace, options):
    """The explorer as the last session left it; when the saved file cannot be used, one line
    on stderr and a fresh explorer whose message says why (never fatal)."""
    from losswalk.core.explorer import Explorer
    from losswalk.core.files.session import SessionError, load_session, session_path

    given = _given_flags(args, options)
    if args.name is not None or given:
        what = f"NAME ({args.name!r})" if args.name is not None else given[0]
        raise CliError(f"--resume reopens the last session's landscape and walker, so it takes "
                       f"no {what}")
    try:
        return load_session()
    except SessionError as error:
        note = f"ignoring the saved session {session_path()}: {error}"
        say(note)
        explorer = Explorer(options, typed_settings(args))
        explorer.message = note
        return explorer


def _given_flags(args: argparse.Namespace, options) -> list[str]:
    """The landscape and optimizer flags typed on the command line, e.g. ['--l2', '--eps']."""
    given = [f"--{option}" for option in sorted(options.given)]
    given += ["--extent"] if args.extent is not None else []
    return given + [SETTING_FLAGS[field] for field in typed_settings(args).chosen()]


def _refuse_for_tour(args: argparse.Namespace, options) -> None:
    """The tour's slides pick each landscape and its options: a NAME or option would be lost."""
    if args.name is not None:
        raise CliError(f"the tour picks its own landscapes, so it takes no NAME ({args.name!r}):"
                       " 'losswalk NAME' opens a landscape, and t there starts the tour")
    given = _given_flags(args, options)
    if given:
        raise CliError(f"{given[0]} does not apply to the tour: its slides set up each "
                       "landscape and walker (use it with 'losswalk [NAME]', where t starts "
                       "the tour)")
