"""`losswalk serve`: the app in a web browser through textual-serve, bound to loopback."""

from __future__ import annotations

from collections.abc import Sequence

from losswalk.tui.commands.app_launch import app_parser
from losswalk.tui.commands.arguments import CliError, Parser, count, landscape_options
from losswalk.tui.commands.output import say


def _serve_parser() -> Parser:
    parser = Parser(
        prog="losswalk serve",
        usage="losswalk serve [--host HOST] [--port PORT] [--public]\n"
        "                      [NAME] [landscape/optimizer options] [--charset CHARSET]",
        description="Run the app in a web browser through textual-serve (pip install "
        "'losswalk[web]'), for a demo: open http://HOST:PORT in a browser; every tab gets its "
        "own app. NAME, the landscape and optimizer options and --charset are those of the app "
        "('losswalk --help'). Stop the server with ctrl+c.",
        epilog="Anyone who can reach the port controls the app (and can write files with e "
        "where the server runs), so it listens on loopback unless --public is given.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only); "
                        "another address needs --public")
    parser.add_argument("--port", type=count(1, 65535), default=8000,
                        help="port to listen on (default 8000)")
    parser.add_argument("--public", action="store_true",
                        help="allow a --host that other machines can reach (prints a warning)")
    return parser


def cmd_serve(argv: Sequence[str]) -> None:
    """Serve the app (options checked here first, so a mistake is one line, not a blank tab)."""
    from losswalk.tui.serve import is_loopback, serve

    args, app_argv = _serve_parser().parse_known_args(list(argv))
    options = landscape_options(app_parser().parse_args(app_argv))
    options.view_extent(options.build(strict=True))
    if not is_loopback(args.host):
        if not args.public:
            raise CliError(f"--host {args.host} can be reached from other machines, and whoever "
                           "reaches the port controls the app: add --public to serve it anyway")
        say(f"warning: serving on {args.host}:{args.port} - anyone who can reach this port "
             "controls the app and can write files where it runs")
    try:
        serve(args.host, args.port, app_argv)
    except ImportError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"cannot serve on {args.host}:{args.port}: "
                       f"{error.strerror or error}") from None
