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
from importlib.metadata import version
from typing import Any, NoReturn

from losswalk.core.drawing.text import CHARSET_CHOICES, charset_for_locale, safe_text

SUBCOMMANDS = ("list", "info", "walk", "render", "tour")
EXIT_USAGE = 2
DEFAULT_STEPS = 100
DEFAULT_CONTOURS = 6
TRAJECTORY_FIELDS = ("step", "w1", "w2", "loss", "grad_norm", "lr")
NUMBER_LIST_OPTIONS = ("--extent", "--start")  # values that may begin with '-'
PLURALS = {"minimum": "minima", "saddle": "saddles", "maximum": "maxima"}
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)  # stdout cannot take more


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


def _landscape_arguments(parser: argparse.ArgumentParser, *, shown: bool = True) -> None:
    """The landscape options: the same meaning in every subcommand and in the app (parsed but
    left out of the help when not `shown`: the tour refuses them with a message)."""

    def add(group, *flags: str, text: str, **kwargs) -> None:
        group.add_argument(*flags, help=text if shown else argparse.SUPPRESS, **kwargs)

    add(parser, "name", nargs="?", text="landscape name (see 'losswalk list'); default: logistic")
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
    return f"losswalk {version('losswalk')}"


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
        "       losswalk {list,info,walk,render} ...     (headless)",
        description="See and walk the loss landscape of a neural network in the terminal.",
        epilog="Without a subcommand (or with 'tour') losswalk opens the interactive app; "
        "'losswalk SUBCOMMAND --help' for each. An option that does not apply (--l2 on the "
        "bowl, --condition on logistic, --lr without --walk, ...) is refused.",
    )
    parser.add_argument("--version", action="version", version=_version_text(),
                        help="print 'losswalk X.Y.Z' and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog="losswalk")
    sub.add_parser("tour", help="the app with the lesson tour (its slides pick the landscapes)")

    sub.add_parser("list", help="the landscapes and datasets with their descriptions")

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
    render.add_argument("--color", choices=("auto", "truecolor", "256", "16", "none"),
                        default="auto")
    render.add_argument("--walk", metavar="OPTIMIZER", help="draw a walk's trail")
    render.add_argument("--start", type=_pair, metavar="W1,W2")
    render.add_argument("--steps", type=_count(0, 1_000_000), metavar="N",
                        help=f"default {DEFAULT_STEPS}")
    render.add_argument("--lr", type=_positive, metavar="X")
    render.add_argument("--schedule")
    _setting_arguments(render)
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
    return parser


def _options(args: argparse.Namespace):
    from losswalk.core.landscapes.models import LandscapeOptions

    return LandscapeOptions.from_user(
        name=args.name, extent=args.extent, dataset=args.dataset, data=args.data,
        loss=args.loss, l2=args.l2, condition=args.condition,
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
    from losswalk.core.landscapes.models import DATA_LANDSCAPES, DEFAULT_LANDSCAPE, LANDSCAPES

    width = max(len(name) for name in LANDSCAPES)
    print("Landscapes:")
    for name, description in LANDSCAPES.items():
        tags = " (default)" if name == DEFAULT_LANDSCAPE else ""
        tags += " [uses data]" if name in DATA_LANDSCAPES else ""
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
    notes += [report.sample] if report.sample else []
    sample = getattr(model, "grid_examples", None)
    if sample is not None and sample(*grid.values.shape[::-1]) < model.dataset.n:
        used = sample(*grid.values.shape[::-1])
        notes.append(f"the grid (not the minima) scores a fixed sample of {used} examples")
    note = ". ".join(notes) + ("." if notes else "")
    scale = max(abs(stats.vmin), abs(stats.vmax), report.loss_scale)
    return {
        "landscape": model.name,
        "description": model.description,
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
    info = _landscape_info(args)
    if args.json:
        print(json.dumps(info))
        return
    w1min, w1max, w2min, w2max = info["extent"]
    print(safe_text(f"{info['landscape']}: {info['description']}"))
    print(f"extent      w1 in [{w1min:g}, {w1max:g}], w2 in [{w2min:g}, {w2max:g}]")
    print(f"grid        {info['grid_shape'][1]} x {info['grid_shape'][0]} (w1 x w2)")
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


def _walker(args: argparse.Namespace, optimizer: str):
    """Build the model and a walker at the start; returns (model, extent, walker, report)."""
    from losswalk.core.walk.optimizers import HYPERPARAMETERS, OPTIMIZERS
    from losswalk.core.walk.walker import Walker

    settings = _settings(args)
    unused = settings.unused_by(optimizer)
    if unused:
        users = [name for name in OPTIMIZERS if unused[0] in HYPERPARAMETERS[name]]
        raise CliError(f"{SETTING_FLAGS[unused[0]]} applies only to {', '.join(users)} "
                       f"(not {optimizer})")
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


def _render_page(model, extent, report, trail, args, colour: str):
    """Compose title, map with axes and legend into one Raster for printing."""
    from losswalk.core.drawing.raster import (
        Raster,
        grid_shape_for,
        map_size,
        render_legend,
        render_view,
    )
    from losswalk.core.drawing.text import cut_to_width
    from losswalk.core.landscapes.landscape import evaluate

    size = os.get_terminal_size(sys.stdout.fileno()) if sys.stdout.isatty() else None
    width = args.width or (size.columns if size else 80)
    height = args.height or (size.lines - 1 if size else 24)
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
    page.put(0, 0, cut_to_width(safe_text(title, args.charset), width))
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

    colour = _colour_mode(args.color)
    _render_mode(args)  # a contradictory --mode/--contours is refused before any work
    if args.walk:
        model, extent, walker, report = _walker(args, args.walk)
        for _point in _walk(walker, _steps(args)):
            pass  # the walker keeps its (bounded) trail
        trail = [(p.w1, p.w2) for p in walker.trail]
    else:
        _refuse_unless("--walk OPTIMIZER", args, "start", "steps", "lr", "schedule",
                       *SETTING_FLAGS)
        model, extent, report = _model_and_minima(args)
        trail = []
    for line in to_ansi(_render_page(model, extent, report, trail, args, colour), color=colour):
        print(line)


def _need_a_terminal() -> None:
    """Refuse (one line, exit 2) where the app cannot run: it draws on a terminal and reads keys
    from one; in a pipe or a file it would write escape codes and wait forever."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError("the app needs a terminal on stdin and stdout; for a picture in a file "
                       "or a pipe use 'losswalk render'")
    if os.environ.get("TERM", "") in ("", "dumb"):
        raise CliError("TERM is dumb or unset, so the app cannot draw; set TERM (e.g. "
                       "xterm-256color), or use 'losswalk render'")


def cmd_app(argv: Sequence[str], *, tour: bool = False) -> None:
    """Open the app (with the lesson tour running when `tour`)."""
    args = _app_parser(tour).parse_args(list(argv))
    options = _options(args)
    if tour:
        _refuse_for_tour(args, options)
    # report a bad landscape, data file or extent before the screen opens; the file is read
    # here, once: the app gets its data with the options
    options = options.loaded()
    options.view_extent(options.build(strict=True))
    _need_a_terminal()
    from losswalk.tui.app import run

    run(options, charset=args.charset, tour=tour, settings=_settings(args))


def _refuse_for_tour(args: argparse.Namespace, options) -> None:
    """The tour's slides pick each landscape and its options: a NAME or option would be lost."""
    if args.name is not None:
        raise CliError(f"the tour picks its own landscapes, so it takes no NAME ({args.name!r}):"
                       " 'losswalk NAME' opens a landscape, and t there starts the tour")
    given = [f"--{option}" for option in sorted(options.given)]
    given += ["--extent"] if args.extent is not None else []
    given += [SETTING_FLAGS[field] for field in _settings(args).chosen()]
    if given:
        raise CliError(f"{given[0]} does not apply to the tour: its slides set up each "
                       "landscape and walker (use it with 'losswalk [NAME]', where t starts "
                       "the tour)")


COMMANDS = {"list": cmd_list, "info": cmd_info, "walk": cmd_walk, "render": cmd_render}


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
