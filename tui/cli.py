"""The `losswalk` command: opens the app, or runs a headless subcommand (list, info, walk, render).

Headless subcommands never import Textual, so they start fast and work in pipes and scripts.
"""

from __future__ import annotations

import argparse
import csv
import errno
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from losswalk.core.drawing.text import (
    CHARSET_CHOICES,
    COLOR_CHOICES,
    charset_for_locale,
    safe_text,
)
from losswalk.tui.files_cli import (
    add_export_parser,
    add_render_output_arguments,
    file_size_defaults,
    line_file,
    line_page,
    line_report,
    picture_colour,
    picture_text,
    render_format,
    write_file,
)

SUBCOMMANDS = ("list", "info", "walk", "render", "tour", "open", "export-surface")
EXIT_USAGE = 2
DEFAULT_STEPS = 100
DEFAULT_CONTOURS = 6
TRAJECTORY_FIELDS = ("step", "w1", "w2", "loss", "grad_norm", "lr")
NUMBER_LIST_OPTIONS = ("--extent", "--start")  # values that may begin with '-'
PLURALS = {"minimum": "minima", "saddle": "saddles", "maximum": "maxima"}
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)  # stdout cannot take more
SUBCOMMANDS += ("race",)
RACE_DEFAULT = "sgd,momentum,adam,adam+cosine"
MAX_RACE_STEPS = 100_000  # each of up to 4 racers: bounded work
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # set by textual-serve for the app it runs


class CliError(Exception):
    """A user mistake: printed as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports mistakes as one line instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{safe_text(message)} (see '{self.prog} --help')")


def _pair(text: str) -> tuple[float, float]:
    """Parse 'W1,W2' into two finite floats."""
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 2 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected two numbers W1,W2, got '{text}'")
    return values  # type: ignore[return-value]


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got '{text}'")
    return value


def _positive(text: str) -> float:
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got '{text}'")
    return value


def _count(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low}..{high}, got {value}")
        return value

    return parse


def _extent(text: str):
    from losswalk.core.landscapes.landscape import parse_extent

    try:
        return parse_extent(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hidden(text: str) -> tuple[int, ...]:
    from losswalk.core.landscapes.mlp import parse_hidden

    try:
        return parse_hidden(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _landscape_arguments(parser: argparse.ArgumentParser, *, shown: bool = True) -> None:
    """The landscape options: the same meaning in every subcommand and in the app (parsed but
    left out of the help when not `shown`: the tour refuses them with a message)."""

    def add(group, *flags: str, text: str, **kwargs) -> None:
        group.add_argument(*flags, help=text if shown else argparse.SUPPRESS, **kwargs)

    add(parser, "name", nargs="?", text="landscape name (see 'losswalk list') or a surface file "
        "(.h5, .npz, .csv); default: logistic")
    data = parser.add_mutually_exclusive_group()
    add(data, "--dataset", text="built-in dataset for data-driven landscapes")
    add(data, "--data", metavar="FILE.csv",
        text="CSV file with columns x1,x2,y or x1,y (y is 0/1), in the order a header names them")
    add(parser, "--loss", choices=("bce", "mse"), text="loss on the data (default bce)")
    add(parser, "--l2", type=_finite, metavar="LAMBDA", text="L2 penalty (default 0)")
    add(parser, "--condition", type=_finite, metavar="K",
        text="the bowl's condition number (default 10)")
    add(parser, "--extent", type=_extent, metavar="W1MIN,W1MAX,W2MIN,W2MAX",
        text="the part of weight space to show")
    add(parser, "--surface", metavar="NAME", text="which surface of a surface file: train_loss "
        "(default), test_loss, train_acc, test_acc, min_eig, max_eig")
    add(parser, "--hidden", type=_hidden, metavar="H1,H2,...",
        text="hidden layer sizes of the mlp-random / mlp-pca network (default 16,16)")
    add(parser, "--direction-seed", dest="direction_seed", type=_count(0, 2**32 - 1),
        metavar="N", text="seed of mlp-random's random directions (default 0)")


SETTING_FLAGS = {"mu": "--momentum", "b1": "--beta1", "b2": "--beta2", "eps": "--eps"}


def _setting(field: str):
    """argparse type for one optimizer setting, checked by OptimizerSettings itself."""

    def parse(text: str) -> float:
        from losswalk.core.walk.optimizers import OptimizerSettings

        value = _finite(text)
        try:
            OptimizerSettings(**{field: value})
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return parse


def _setting_arguments(parser: argparse.ArgumentParser, *, shown: bool = True) -> None:
    """The optimizer settings; each applies to the optimizers that take it (README: Optimizers)."""
    helps = {"mu": "momentum μ of momentum and nesterov (default 0.9)",
             "b1": "Adam's β1 (default 0.9)", "b2": "Adam's β2 (default 0.999)",
             "eps": "ε of adagrad, rmsprop and adam (default 1e-8)"}
    for field, flag in SETTING_FLAGS.items():
        parser.add_argument(flag, dest=field, type=_setting(field), metavar=field.upper(),
                            help=helps[field] if shown else argparse.SUPPRESS)


def _settings(args: argparse.Namespace):
    """The optimizer settings typed on the command line (None for those not given)."""
    from losswalk.core.walk.optimizers import OptimizerSettings

    return OptimizerSettings(**{field: getattr(args, field) for field in SETTING_FLAGS})


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


def _initial_environ() -> dict[str, str]:
    """The environment this process started with (Python may change its own: PEP 538)."""
    try:
        with open("/proc/self/environ", "rb") as f:
            pairs = f.read().split(b"\0")
    except OSError:  # not Linux: the environment as Python sees it
        return dict(os.environ)
    return dict(p.decode(errors="replace").partition("=")[::2] for p in pairs if b"=" in p)


def _charset(text: str) -> str:
    """--charset: unicode, ascii, or auto (ascii unless the locale's character set is UTF-8)."""
    if text not in CHARSET_CHOICES:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(CHARSET_CHOICES)}")
    return charset_for_locale(os.environ, _initial_environ()) if text == "auto" else text


def _charset_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--charset", type=_charset, default="auto", metavar="{auto,unicode,ascii}",
        help="glyphs to draw with; auto (the default) is unicode when the locale (LC_ALL, "
        "LC_CTYPE or LANG) is UTF-8 and plain ASCII otherwise, e.g. under LANG=C")


def _build_parser() -> _Parser:
    parser = _Parser(
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
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog="losswalk")
    sub.add_parser("tour", help="the app with the lesson tour (its slides pick the landscapes)")

    sub.add_parser("open", help="the app on a surface file: losswalk open FILE [--surface NAME]")
    sub.add_parser("list", help="the landscapes and datasets with their descriptions")
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
    sub.add_parser("serve", help="the app in a web browser (textual-serve), bound to loopback; "
                   "'losswalk serve --help'")

    info = sub.add_parser("info", help="extent, loss range, minima and saddles of a landscape")
    _landscape_arguments(info)
    info.add_argument("--resolution", type=_count(8, 1025), default=129, metavar="N")
    info.add_argument("--json", action="store_true", help="print one JSON object")

    walk = sub.add_parser("walk", help="walk downhill from a start point and print the path")
    _landscape_arguments(walk)
    walk.add_argument("--start", type=_pair, metavar="W1,W2", help="default: the landscape's")
    walk.add_argument("--optimizer", default="sgd", help="sgd, momentum, nesterov, adagrad, ...")
    walk.add_argument("--lr", type=_positive, metavar="X", help="learning rate")
    walk.add_argument("--schedule", default="constant", help="learning-rate schedule")
    walk.add_argument("--steps", type=_count(0, 1_000_000), metavar="N",
                      help=f"default {DEFAULT_STEPS}")
    _setting_arguments(walk)
    out = walk.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", action="store_true", help="print the trajectory as CSV")

    render = sub.add_parser("render", help="print the map to stdout (no event loop)")
    _landscape_arguments(render)
    render.add_argument("--width", type=_count(20, 1000), metavar="W")
    render.add_argument("--height", type=_count(8, 500), metavar="H")
    render.add_argument("--contours", type=_count(0, 50), metavar="N",
                        help=f"number of contour levels (default {DEFAULT_CONTOURS}; "
                        "0: heatmap only)")
    render.add_argument("--mode", choices=("heatmap", "contours", "both"),
                        help="default: both when --contours > 0")
    render.add_argument("--scale", choices=("linear", "log"), default="linear")
    _charset_argument(render)
    render.add_argument("--color", choices=COLOR_CHOICES, default="auto")
    render.add_argument("--walk", metavar="OPTIMIZER", help="draw a walk's trail")
    render.add_argument("--start", type=_pair, metavar="W1,W2")
    render.add_argument("--steps", type=_count(0, 1_000_000), metavar="N",
                        help=f"default {DEFAULT_STEPS}")
    render.add_argument("--lr", type=_positive, metavar="X")
    render.add_argument("--schedule")
    _setting_arguments(render)
    add_render_output_arguments(render)
    add_export_parser(sub, _landscape_arguments, _count)

    race = sub.add_parser("race", help="race 2 to 4 optimizers from one start, print the results")
    _landscape_arguments(race)
    race.add_argument("--optimizers", default=RACE_DEFAULT, metavar="LIST",
                      help="2 to 4 of sgd, momentum, nesterov, adagrad, rmsprop, adam, each "
                      f"optionally +SCHEDULE (e.g. adam+cosine); default {RACE_DEFAULT}")
    race.add_argument("--start", type=_pair, metavar="W1,W2", help="default: the landscape's")
    race.add_argument("--lr", type=_positive, metavar="X", help="learning rate of every racer")
    race.add_argument("--steps", type=_count(0, MAX_RACE_STEPS), metavar="N",
                      help=f"ticks of the shared clock at most (default {DEFAULT_STEPS})")
    _setting_arguments(race)
    race.add_argument("--json", action="store_true", help="print one JSON object")
    _basins_arguments(sub)
    return parser


def _app_parser(tour: bool = False) -> _Parser:
    if tour:
        parser = _Parser(
            prog="losswalk tour", usage="losswalk tour [--charset auto|unicode|ascii]",
            description="Open the app with the lesson tour running. Its slides pick each "
            "landscape and its options, so a NAME or landscape option is refused: "
            "'losswalk NAME [options]' opens a landscape, and t there starts the tour.")
    else:
        parser = _Parser(
            prog="losswalk",
            description="Open the interactive explorer (press ? inside for keys; 'losswalk "
            "tour' starts the lesson tour). Subcommands: list, info, walk, render, tour.")
    _landscape_arguments(parser, shown=not tour)
    _setting_arguments(parser, shown=not tour)
    _charset_argument(parser)
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


def _options(args: argparse.Namespace):
    from losswalk.core.landscapes.models import LandscapeOptions

    return LandscapeOptions.from_user(
        name=args.name, extent=args.extent, dataset=args.dataset, data=args.data,
        loss=args.loss, l2=args.l2, condition=args.condition, surface=args.surface,
        hidden=args.hidden, direction_seed=args.direction_seed,
    )


def _refuse_unless(needed: str, args: argparse.Namespace, *options: str) -> None:
    """CliError naming the first of `options` (argparse dests) that was given: it needs `needed`."""
    for option in options:
        if getattr(args, option) is not None:
            raise CliError(f"{SETTING_FLAGS.get(option, '--' + option)} needs {needed}")


def _jsonable(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    value = float(value)
    return value if math.isfinite(value) else None


# ---- subcommands -------------------------------------------------------------------------


def cmd_list(_args: argparse.Namespace) -> None:
    from losswalk.core.landscapes.datasets import BUILTIN_DATASETS
    from losswalk.core.landscapes.models import (
        DATA_LANDSCAPES,
        DEFAULT_LANDSCAPE,
        LANDSCAPES,
        MLP_LANDSCAPES,
    )

    width = max(len(name) for name in LANDSCAPES)
    print("Landscapes:")
    for name, description in LANDSCAPES.items():
        tags = " (default)" if name == DEFAULT_LANDSCAPE else ""
        tags += " [uses data]" if name in DATA_LANDSCAPES else ""
        tags += " [a network on data]" if name in MLP_LANDSCAPES else ""
        print(f"  {name:<{width}}  {description}{tags}")
    print("Datasets (--dataset, for landscapes that use data):")
    width = max(len(name) for name in BUILTIN_DATASETS)
    for name, description in BUILTIN_DATASETS.items():
        print(f"  {name:<{width}}  {description}")


def _model_and_minima(args: argparse.Namespace):
    """Build the landscape the options name and find its landmarks in the view."""
    from losswalk.core.landscapes.minima import landmarks

    options = _options(args)
    model = options.build(strict=True)
    extent = options.view_extent(model)
    return model, extent, landmarks(model, extent)


def _json_point(p, *names: str) -> dict[str, Any]:
    """A critical point's position and loss, and the flags named (JSON names)."""
    flags = {"kind": p.kind, "global": p.is_global, "lowest_in_view": p.lowest_in_view}
    return {"w1": _jsonable(p.w1), "w2": _jsonable(p.w2), "loss": _jsonable(p.loss),
            **{name: flags[name] for name in names}}


def _landscape_info(args: argparse.Namespace) -> dict[str, Any]:
    from losswalk.core.landscapes.landscape import evaluate
    from losswalk.core.landscapes.minima import clean_zero

    model, extent, report = _model_and_minima(args)
    grid = evaluate(model, extent, args.resolution, args.resolution)
    stats = grid.stats()
    notes = [report.note.rstrip(".")] if report.note else []
    notes += [model.slice_note] if hasattr(model, "slice_note") else []
    notes += [report.sample] if report.sample else []
    sample = getattr(model, "grid_examples", None)
    if sample is not None and sample(*grid.values.shape[::-1]) < model.dataset.n:
        used = sample(*grid.values.shape[::-1])
        notes.append(f"the grid (not the minima) scores a fixed sample of {used} examples")
    note = ". ".join(notes) + ("." if notes else "")
    scale = max(abs(stats.vmin), abs(stats.vmax), report.loss_scale)
    return {
        "landscape": model.name,
        "description": safe_text(model.description),  # it may name the --data file
        "extent": [float(v) for v in extent],
        "grid_shape": [int(s) for s in grid.values.shape],
        "loss_range": [_jsonable(clean_zero(v, scale)) for v in (stats.vmin, stats.vmax)],
        "minima": [_json_point(p, "kind", "global", "lowest_in_view") for p in report.points],
        "global_minima": [_json_point(p) for p in report.global_minima],
        "counts": report.counts(),
        "truncated": report.truncated,
        "searched": [float(v) for v in report.searched or extent],
        "unbounded": bool(report.unbounded),
        "note": note,
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.6g}"


def cmd_info(args: argparse.Namespace) -> None:
    line = line_file(args)
    info = _landscape_info(args) if line is None else line_report(line)
    if args.json:
        print(json.dumps(info))
        return
    print(safe_text(f"{info['landscape']}: {info['description']}"))
    if line is None:
        w1min, w1max, w2min, w2max = info["extent"]
        print(f"extent      w1 in [{w1min:g}, {w1max:g}], w2 in [{w2min:g}, {w2max:g}]")
        print(f"grid        {info['grid_shape'][1]} x {info['grid_shape'][0]} (w1 x w2)")
    else:
        print(f"extent      x in [{info['extent'][0]:g}, {info['extent'][1]:g}]")
        print(f"grid        {info['grid_shape'][0]} points along the line")
    low, high = info["loss_range"]
    print(f"loss range  {_fmt(low)} .. {_fmt(high)}")
    if info["note"]:
        print(safe_text(f"note        {info['note']}"))
    if info["truncated"]:
        a, b, c, d = info["searched"]
        print(f"searched    the view is too wide to search at the landscape's detail: critical "
              f"points are complete only for w1 in [{a:g}, {b:g}], w2 in [{c:g}, {d:g}]")
    if not info["minima"]:
        print("critical points: none found in this extent")
        return
    counts = ", ".join(f"{n} {kind if n == 1 else PLURALS[kind]}"
                       for kind, n in info["counts"].items() if n)
    print(f"critical points: {counts}")
    print(f"  {'kind':<8} {'global':<6} {'w1':>10} {'w2':>10} {'loss':>12}")
    for p in info["minima"]:
        flag = "yes" if p["global"] else "view" if p["lowest_in_view"] else ""
        print(f"  {p['kind']:<8} {flag:<6} {_fmt(p['w1']):>10} {_fmt(p['w2']):>10} "
              f"{_fmt(p['loss']):>12}")
    if not any(p["global"] for p in info["minima"]) and any(
            p["lowest_in_view"] for p in info["minima"]):
        print("  (view: the lowest minimum in this view, not the global minimum)")


def _checked_settings(args: argparse.Namespace, optimizer: str):
    """The optimizer settings typed, refused when the optimizer does not take one of them."""
    from losswalk.core.walk.optimizers import HYPERPARAMETERS, OPTIMIZERS

    settings = _settings(args)
    unused = settings.unused_by(optimizer)
    if unused:
        users = [name for name in OPTIMIZERS if unused[0] in HYPERPARAMETERS[name]]
        raise CliError(f"{SETTING_FLAGS[unused[0]]} applies only to {', '.join(users)} "
                       f"(not {optimizer})")
    return settings


def _walker(args: argparse.Namespace, optimizer: str):
    """Build the model and a walker at the start; returns (model, extent, walker, report)."""
    from losswalk.core.walk.walker import Walker

    settings = _checked_settings(args, optimizer)
    model, extent, report = _model_and_minima(args)
    best = report.global_minima[0] if report.global_minima else None
    walker = Walker(
        model,
        start=args.start,
        optimizer=optimizer,
        lr=args.lr,
        schedule=args.schedule or "constant",
        total_steps=max(_steps(args), 1),
        extent=extent,
        global_min_loss=None if best is None else best.loss,
        settings=settings,
    )
    return model, extent, walker, report


def _steps(args: argparse.Namespace) -> int:
    return DEFAULT_STEPS if args.steps is None else args.steps


def _walk(walker, steps: int):
    """Yield the start point, then each step (the diverging one included), stopping early once
    the walker's status ends the run."""
    yield walker.trail[-1]
    for _ in range(steps):
        if walker.status.ended:
            return
        point = walker.step()
        if point is None:
            return
        yield point


def _row(point) -> dict[str, Any]:
    return {
        "step": point.step,
        "w1": _jsonable(point.w1),
        "w2": _jsonable(point.w2),
        "loss": _jsonable(point.loss),
        "grad_norm": _jsonable(point.grad_norm),
        "lr": _jsonable(point.lr),
    }


def _final_state(walker) -> dict[str, Any]:
    last = walker.trail[-1]
    return {
        "status": walker.status.value,
        "message": walker.message,
        "steps": walker.steps,
        "w1": _jsonable(last.w1),
        "w2": _jsonable(last.w2),
        "loss": _jsonable(last.loss),
        "grad_norm": _jsonable(last.grad_norm),
        "optimizer": walker.optimizer_name,
        "lr": walker.lr,
        "schedule": walker.schedule_name,
    }


def cmd_walk(args: argparse.Namespace) -> None:
    """Print the trajectory as it is walked (streamed: memory stays small for long walks)."""
    model, _extent, walker, _report = _walker(args, args.optimizer)
    rows = (_row(point) for point in _walk(walker, _steps(args)))
    write = sys.stdout.write
    if args.json:
        write(f'{{"landscape": {json.dumps(model.name)}, "trajectory": [')
        for i, row in enumerate(rows):
            write((", " if i else "") + json.dumps(row))
        write(f'], "final_state": {json.dumps(_final_state(walker))}}}\n')
        return
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(TRAJECTORY_FIELDS),
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    print(f"{'step':>6} {'w1':>11} {'w2':>11} {'loss':>12} {'|grad|':>11} {'lr':>9}")
    for r in rows:
        print(f"{r['step']:>6} {_fmt(r['w1']):>11} {_fmt(r['w2']):>11} {_fmt(r['loss']):>12} "
              f"{_fmt(r['grad_norm']):>11} {_fmt(r['lr']):>9}")
    print(f"final: {walker.status.value} after {walker.steps} steps")
    if walker.message:
        print(safe_text(walker.message))


def _colour_mode(requested: str) -> str:
    """Resolve --color auto from the environment (NO_COLOR, a pipe, COLORTERM, TERM)."""
    if requested != "auto":
        return requested
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return "none"
    if os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    return "256" if "256" in os.environ.get("TERM", "") else "16"


LEGEND_WIDTH = 15  # one blank column, then the legend


def _page_size(args: argparse.Namespace) -> tuple[int, int]:
    """--width and --height, else the terminal's size (less a line), else 80 x 24."""
    size = os.get_terminal_size(sys.stdout.fileno()) if sys.stdout.isatty() else None
    return args.width or (size.columns if size else 80), args.height or (
        size.lines - 1 if size else 24)


def _render_page(model, extent, report, trail, args, colour: str):
    """Compose title, map with axes and legend into one Raster for printing."""
    from losswalk.core.drawing.raster import (
        Raster,
        grid_shape_for,
        map_size,
        render_legend,
        render_view,
    )
    from losswalk.core.drawing.text import clip
    from losswalk.core.landscapes.landscape import evaluate

    width, height = _page_size(args)
    style = "blocks" if colour in ("truecolor", "256") and args.charset == "unicode" else "ramp"
    legend_w = LEGEND_WIDTH if width >= 40 else 0
    mode, contours = _render_mode(args)
    view_w, view_h = width - legend_w, height - 1
    grid = evaluate(model, extent, *grid_shape_for(*map_size(view_w, view_h), style))
    view = render_view(
        grid, view_w, view_h,
        mode=mode, charset=args.charset, style=style, scale=args.scale,
        contour_levels=contours or None,
        markers=report.limited().points, trail=trail,
        walker=trail[-1] if trail else None,
    )
    page = Raster.blank(height, width, view.raster.palette)
    title = f"{model.name}: {model.description}"
    page.put(0, 0, clip(safe_text(title, args.charset), width, args.charset))
    _paste(page, view.raster, 1, 0)
    if legend_w:
        _paste(page, render_legend(view, legend_w - 1, view_h), 1, view_w + 1)
    return page


def _render_mode(args: argparse.Namespace) -> tuple[str, int]:
    """The map mode and the number of contour levels, refusing --contours where none are drawn."""
    contours = DEFAULT_CONTOURS if args.contours is None else args.contours
    mode = args.mode or ("both" if contours else "heatmap")
    if mode == "heatmap" and args.contours:
        raise CliError("--contours applies only to --mode contours or both")
    if mode != "heatmap" and not contours:
        raise CliError(f"--mode {mode} draws contour lines: --contours must be at least 1")
    return mode, contours


def _paste(target, source, row: int, col: int) -> None:
    """Copy every layer of a smaller Raster into a larger one at (row, col)."""
    rows = slice(row, row + source.height)
    cols = slice(col, col + source.width)
    for layer in ("chars", "fg", "bg", "bold"):
        getattr(target, layer)[rows, cols] = getattr(source, layer)


def cmd_render(args: argparse.Namespace) -> None:
    from losswalk.core.drawing.ansi import to_ansi

    fmt = render_format(args)
    file_size_defaults(args)
    colour = picture_colour(fmt, args.color) if fmt else _colour_mode(args.color)
    _render_mode(args)  # a contradictory --mode/--contours is refused before any work
    line = line_file(args)
    if line is not None:
        model = line
        page = line_page(line, *_page_size(args), args.charset)
    elif args.walk:
        model, extent, walker, report = _walker(args, args.walk)
        for _point in _walk(walker, _steps(args)):
            pass  # the walker keeps its (bounded) trail
        trail = [(p.w1, p.w2) for p in walker.trail]
    else:
        _refuse_unless("--walk OPTIMIZER", args, "start", "steps", "lr", "schedule",
                       *SETTING_FLAGS)
        model, extent, report = _model_and_minima(args)
        from losswalk.core.landscapes.slices import run_trail

        trail = [(p.w1, p.w2) for p in run_trail(model)]  # mlp-pca: the training run
    if line is None:
        page = _render_page(model, extent, report, trail, args, colour)
    if fmt is None:
        for line in to_ansi(page, color=colour):
            print(line)
        return
    text = picture_text(page, fmt, colour, f"losswalk: {model.name}")
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_file(args.output, text)


def cmd_export_surface(args: argparse.Namespace) -> None:
    from losswalk.tui.files_cli import export_surface

    options = _options(args)
    model = options.build(strict=True)
    export_surface(args, model, options.view_extent(model))


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


def _open_help(parser: _Parser) -> None:
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

    parser = _app_parser(tour)
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
    options = _options(args)
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

    explorer = _resumed(args, options) if resume else Explorer(options, _settings(args), model)
    if config.keys:  # an unknown action or a shared key: one line before the screen opens
        from losswalk.tui.key_config import keymap_with

        keymap_with(config)
    charset = args.charset or _charset(config.charset or "auto")
    _use_colours(args.color or config.color or "auto", os.environ)
    from losswalk.tui.app import run

    served = os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER  # a browser tab's app saves nothing
    run(options, charset=charset, tour=tour, settings=_settings(args), explorer=explorer,
        save=not served, config=config)


TEXTUAL_COLOURS = {"truecolor": "truecolor", "256": "256", "16": "standard"}


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
        _say(note)
        explorer = Explorer(options, _settings(args))
        explorer.message = note
        return explorer


def _given_flags(args: argparse.Namespace, options) -> list[str]:
    """The landscape and optimizer flags typed on the command line, e.g. ['--l2', '--eps']."""
    given = [f"--{option}" for option in sorted(options.given)]
    given += ["--extent"] if args.extent is not None else []
    return given + [SETTING_FLAGS[field] for field in _settings(args).chosen()]


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


COMMANDS = {"list": cmd_list, "info": cmd_info, "walk": cmd_walk, "render": cmd_render,
            "export-surface": cmd_export_surface}


def _race(args: argparse.Namespace):
    """The race the options describe, run for --steps ticks or until every racer has ended."""
    from losswalk.core.walk.optimizers import HYPERPARAMETERS, OPTIMIZERS
    from losswalk.core.walk.race import Race, parse_racers

    specs = parse_racers(args.optimizers)
    settings = _settings(args)
    for field in settings.chosen():
        if all(field in settings.unused_by(spec.optimizer) for spec in specs):
            users = [name for name in OPTIMIZERS if field in HYPERPARAMETERS[name]]
            raise CliError(f"{SETTING_FLAGS[field]} applies only to {', '.join(users)} (no "
                           "racer uses it)")
    model, extent, report = _model_and_minima(args)
    best = None if report.unbounded or not report.global_minima else report.global_minima[0]
    steps = _steps(args)
    race = Race(model, specs, start=args.start, lr=args.lr, total_steps=max(steps, 1),
                extent=extent, global_min_loss=None if best is None else best.loss,
                settings=settings)
    race.run(steps)
    return model, race


def race_json(model, race) -> dict[str, Any]:
    """`losswalk race --json`: the race's settings and one entry per racer (README: race)."""
    best, target = race.global_min_loss, race.target
    return {
        "landscape": model.name,
        "start": [_jsonable(v) for v in race.start],
        "lr": race.lr,
        "ticks": race.clock,
        "over": race.over,
        "global_min_loss": None if best is None else _jsonable(best),
        "target_loss": None if target is None else _jsonable(target),
        "racers": [{
            "racer": r.racer, "name": r.label, "optimizer": r.optimizer,
            "schedule": r.schedule, "lr": r.lr, "status": r.status.value,
            "message": r.message, "steps": r.steps, "w1": _jsonable(r.w1),
            "w2": _jsonable(r.w2), "final_loss": _jsonable(r.final_loss),
            "steps_to_1pct": r.steps_to_near, "diverged": r.diverged, "stuck": r.stuck,
        } for r in race.results()],
    }


def cmd_race(args: argparse.Namespace) -> None:
    """Race the optimizers and print the results table (or --json)."""
    from losswalk.core.drawing.text import format_number
    from losswalk.core.walk.race import near_text

    model, race = _race(args)
    if args.json:
        print(json.dumps(race_json(model, race)))
        return
    w1, w2 = (format_number(v) for v in race.start)
    ended = "the race is over" if race.over else "still racing"
    print(f"race on {safe_text(model.name)} from ({w1}, {w2}), lr {format_number(race.lr)}: "
          f"{race.clock} steps, {ended}")
    if race.target is None:
        print("within 1%: n/a (no global minimum)")
    else:
        print(f"within 1%: loss <= {format_number(race.target)} "
              f"(global minimum {format_number(race.global_min_loss)})")
    print(f"{'#':<2} {'racer':<20} {'final loss':>10} {'1% at':>7}  end")
    results = race.results()
    for r in results:
        print(f"{r.racer:<2} {r.label:<20} {format_number(r.final_loss):>10} "
              f"{near_text(r, race.target):>7}  {r.status.value}")
    for r in results:
        if r.message:
            print(f"{r.racer} {r.label}: {safe_text(r.message)}")


COMMANDS["race"] = cmd_race


# --- basins (issue 10 §4) ----------------------------------------------------------------------

BASIN_RESOLUTION = 101  # starts a side


def _basins_arguments(sub) -> None:
    """`losswalk basins NAME`: the flags of walk that set how every start walks."""
    basins = sub.add_parser("basins", help="which minimum each start of the map walks to, "
                            "and each basin's share of the map")
    _landscape_arguments(basins)
    basins.add_argument("--optimizer", default="sgd", help="sgd, momentum, nesterov, adagrad, ...")
    basins.add_argument("--lr", type=_positive, metavar="X", help="learning rate")
    basins.add_argument("--schedule", default="constant", help="learning-rate schedule")
    basins.add_argument("--steps", type=_count(1, 100_000), metavar="N",
                        help="step budget of each start (default 500)")
    basins.add_argument("--resolution", type=_count(2, 1001), default=BASIN_RESOLUTION,
                        metavar="N", help=f"N x N starts (default {BASIN_RESOLUTION})")
    _setting_arguments(basins)
    basins.add_argument("--json", action="store_true", help="print one JSON object")


def _basin_shares(args: argparse.Namespace) -> dict[str, Any]:
    """Walk every start of an N x N cut of the view and count where each one ends."""
    from losswalk.core.walk.basins import (
        DEFAULT_STEPS,
        DIVERGED,
        UNSETTLED,
        BasinSettings,
        basin_map,
        check_work,
    )

    settings = _checked_settings(args, args.optimizer)
    options = _options(args)
    model = options.build(strict=True)
    extent = options.view_extent(model)
    steps, n = args.steps or DEFAULT_STEPS, args.resolution
    lr = model.default_lr if args.lr is None else args.lr
    walk = BasinSettings(args.optimizer, lr, args.schedule, steps, total_steps=steps,
                         settings=settings)
    check_work(model, n * n, steps)
    result = basin_map(model, extent, n, n, walk)
    counts, shares = result.counts(), result.shares()

    def part(label: int) -> dict[str, Any]:
        return {"cells": counts[label], "share": shares[label]}

    return {
        "landscape": model.name,
        "extent": [float(v) for v in extent],
        "resolution": n,
        "optimizer": walk.optimizer,
        "lr": walk.lr,
        "schedule": walk.schedule,
        "steps": steps,
        "basins": [{**_json_point(p, "global"), **part(k)} for k, p in enumerate(result.minima)],
        "diverged": part(DIVERGED),
        "not_settled": part(UNSETTLED),
    }


def cmd_basins(args: argparse.Namespace) -> None:
    """Print each basin's share of the map (and the diverged / not settled shares)."""
    shares = _basin_shares(args)
    if args.json:
        print(json.dumps(shares))
        return
    n = shares["resolution"]
    print(f"basins of {shares['landscape']}: {n}x{n} starts x {shares['steps']} steps, "
          f"{shares['optimizer']} lr {shares['lr']:g} {shares['schedule']}")
    print(f"  {'':<8} {'w1':>10} {'w2':>10} {'loss':>12} {'share':>8}")
    for b in shares["basins"]:
        kind = "global" if b["global"] else "minimum"
        print(f"  {kind:<8} {_fmt(b['w1']):>10} {_fmt(b['w2']):>10} {_fmt(b['loss']):>12} "
              f"{b['share']:>8.2%}")
    for key, label in (("diverged", "diverged"),
                       ("not_settled", f"not settled within {shares['steps']} steps")):
        print(f"  {label:<43} {shares[key]['share']:>8.2%}")


COMMANDS["basins"] = cmd_basins
SUBCOMMANDS += ("basins",)
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


def _serve_parser() -> _Parser:
    parser = _Parser(
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
    parser.add_argument("--port", type=_count(1, 65535), default=8000,
                        help="port to listen on (default 8000)")
    parser.add_argument("--public", action="store_true",
                        help="allow a --host that other machines can reach (prints a warning)")
    return parser


def cmd_serve(argv: Sequence[str]) -> None:
    """Serve the app (options checked here first, so a mistake is one line, not a blank tab)."""
    from losswalk.tui.serve import is_loopback, serve

    args, app_argv = _serve_parser().parse_known_args(list(argv))
    options = _options(_app_parser().parse_args(app_argv))
    options.view_extent(options.build(strict=True))
    if not is_loopback(args.host):
        if not args.public:
            raise CliError(f"--host {args.host} can be reached from other machines, and whoever "
                           "reaches the port controls the app: add --public to serve it anyway")
        _say(f"warning: serving on {args.host}:{args.port} - anyone who can reach this port "
             "controls the app and can write files where it runs")
    try:
        serve(args.host, args.port, app_argv)
    except ImportError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"cannot serve on {args.host}:{args.port}: "
                       f"{error.strerror or error}") from None


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


def _say(message: str) -> None:
    """One line on stderr, 'losswalk: ...', with any outside text in it made safe to show."""
    print(f"losswalk: {safe_text(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `losswalk` console script; returns the exit status."""
    argv = _join_negative_values(list(sys.argv[1:] if argv is None else argv))
    try:
        if argv and argv[0] == "tour":
            cmd_app(argv[1:], tour=True)
        elif argv and argv[0] == "open":
            cmd_app(argv[1:], open_file=True)
        elif argv and argv[0] == "config":
            cmd_config(_build_parser().parse_args(argv))
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
        _say(str(exc))
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
        _say(f"internal error: {type(exc).__name__}: {exc} (set LOSSWALK_DEBUG=1 for details)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
