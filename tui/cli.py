"""The `losswalk` command: opens the app, or runs a headless subcommand (list, info, walk, render).

Headless subcommands never import Textual, so they start fast and work in pipes and scripts.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any, NoReturn

from losswalk.core.drawing.text import CHARSETS

SUBCOMMANDS = ("list", "info", "walk", "render", "tour")
EXIT_USAGE = 2
TRAJECTORY_FIELDS = ("step", "w1", "w2", "loss", "grad_norm", "lr")
NUMBER_LIST_OPTIONS = ("--extent", "--start")  # values that may begin with '-'
PLURALS = {"minimum": "minima", "saddle": "saddles", "maximum": "maxima"}


class CliError(Exception):
    """A user mistake: printed as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports mistakes as one line instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')")


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


def _landscape_arguments(parser: argparse.ArgumentParser, *, name_required: bool) -> None:
    """The landscape options: the same meaning in every subcommand and in the app."""
    parser.add_argument(
        "name",
        nargs=None if name_required else "?",
        default=None,
        help="landscape name (see 'losswalk list'); default: logistic",
    )
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--dataset", help="built-in dataset for data-driven landscapes")
    data.add_argument("--data", metavar="FILE.csv", help="CSV file with columns x1,x2,y (y is 0/1)")
    parser.add_argument("--loss", choices=("bce", "mse"), default="bce", help="loss on the data")
    parser.add_argument("--l2", type=_finite, default=0.0, metavar="LAMBDA", help="L2 penalty")
    parser.add_argument("--condition", type=_finite, default=10.0, help="bowl's condition number")
    parser.add_argument("--extent", type=_extent, metavar="W1MIN,W1MAX,W2MIN,W2MAX")


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="losswalk",
        usage="losswalk [NAME] [landscape options] [--charset unicode|ascii]  (the app)\n"
        "       losswalk tour [NAME] [landscape options]        (the app, with the lesson tour)\n"
        "       losswalk {list,info,walk,render} ...            (headless)",
        description="See and walk the loss landscape of a neural network in the terminal.",
        epilog="Without a subcommand (or with 'tour') losswalk opens the interactive app; "
        "'losswalk SUBCOMMAND --help' for each.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog="losswalk")

    sub.add_parser("list", help="the landscapes and datasets with their descriptions")

    info = sub.add_parser("info", help="extent, loss range, minima and saddles of a landscape")
    _landscape_arguments(info, name_required=False)
    info.add_argument("--resolution", type=_count(8, 1025), default=129, metavar="N")
    info.add_argument("--json", action="store_true", help="print one JSON object")

    walk = sub.add_parser("walk", help="walk downhill from a start point and print the path")
    _landscape_arguments(walk, name_required=False)
    walk.add_argument("--start", type=_pair, metavar="W1,W2", help="default: the landscape's")
    walk.add_argument("--optimizer", default="sgd", help="sgd, momentum, nesterov, adagrad, ...")
    walk.add_argument("--lr", type=_positive, metavar="X", help="learning rate")
    walk.add_argument("--schedule", default="constant", help="learning-rate schedule")
    walk.add_argument("--steps", type=_count(0, 1_000_000), default=100, metavar="N")
    out = walk.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", action="store_true", help="print the trajectory as CSV")

    render = sub.add_parser("render", help="print the map to stdout (no event loop)")
    _landscape_arguments(render, name_required=False)
    render.add_argument("--width", type=_count(20, 1000), metavar="W")
    render.add_argument("--height", type=_count(8, 500), metavar="H")
    render.add_argument("--contours", type=_count(0, 50), default=6, metavar="N",
                        help="number of contour levels (0: heatmap only)")
    render.add_argument("--mode", choices=("heatmap", "contours", "both"),
                        help="default: both when --contours > 0")
    render.add_argument("--scale", choices=("linear", "log"), default="linear")
    render.add_argument("--charset", choices=CHARSETS, default="unicode")
    render.add_argument("--color", choices=("auto", "truecolor", "256", "16", "none"),
                        default="auto")
    render.add_argument("--walk", metavar="OPTIMIZER", help="draw a walk's trail")
    render.add_argument("--start", type=_pair, metavar="W1,W2")
    render.add_argument("--steps", type=_count(0, 1_000_000), default=100, metavar="N")
    render.add_argument("--lr", type=_positive, metavar="X")
    render.add_argument("--schedule", default="constant")
    return parser


def _app_parser() -> _Parser:
    parser = _Parser(
        prog="losswalk",
        description="Open the interactive explorer (press ? inside for keys; "
        "'losswalk tour' starts the lesson tour). Subcommands: list, info, walk, render, tour.",
    )
    _landscape_arguments(parser, name_required=False)
    parser.add_argument("--charset", choices=CHARSETS, default="unicode")
    return parser


def _options(args: argparse.Namespace):
    from losswalk.core.landscapes.models import DEFAULT_LANDSCAPE, LandscapeOptions

    return LandscapeOptions(
        name=args.name or DEFAULT_LANDSCAPE,
        dataset=args.dataset,
        data=args.data,
        loss=args.loss,
        l2=args.l2,
        condition=args.condition,
        extent=args.extent,
    )


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
    print(f"{info['landscape']}: {info['description']}")
    print(f"extent      w1 in [{w1min:g}, {w1max:g}], w2 in [{w2min:g}, {w2max:g}]")
    print(f"grid        {info['grid_shape'][1]} x {info['grid_shape'][0]} (w1 x w2)")
    low, high = info["loss_range"]
    print(f"loss range  {_fmt(low)} .. {_fmt(high)}")
    if info["note"]:
        print(f"note        {info['note']}")
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
    from losswalk.core.walk.walker import Walker

    model, extent, report = _model_and_minima(args)
    best = report.global_minima[0] if report.global_minima else None
    walker = Walker(
        model,
        start=args.start,
        optimizer=optimizer,
        lr=args.lr,
        schedule=args.schedule,
        total_steps=max(args.steps, 1),
        extent=extent,
        global_min_loss=None if best is None else best.loss,
    )
    return model, extent, walker, report


def _walk(walker, steps: int):
    """Yield the start point, then each step, stopping early once the walker stops walking
    (converged, stuck, diverged, or stalled by a learning rate too small to move it)."""
    from losswalk.core.walk.walker import WalkerStatus

    yield walker.trail[-1]
    for _ in range(steps):
        if walker.status is not WalkerStatus.WALKING or walker.stalled:
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
    rows = (_row(point) for point in _walk(walker, args.steps))
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
        print(walker.message)


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
    from losswalk.core.drawing.text import ascii_only
    from losswalk.core.landscapes.landscape import evaluate

    size = os.get_terminal_size(sys.stdout.fileno()) if sys.stdout.isatty() else None
    width = args.width or (size.columns if size else 80)
    height = args.height or (size.lines - 1 if size else 24)
    style = "blocks" if colour in ("truecolor", "256") and args.charset == "unicode" else "ramp"
    legend_w = LEGEND_WIDTH if width >= 40 else 0
    view_w, view_h = width - legend_w, height - 1
    grid = evaluate(model, extent, *grid_shape_for(*map_size(view_w, view_h), style))
    view = render_view(
        grid, view_w, view_h,
        mode=args.mode or ("both" if args.contours else "heatmap"),
        charset=args.charset, style=style, scale=args.scale,
        contour_levels=args.contours or None,
        markers=report.limited().points, trail=trail,
        walker=trail[-1] if trail else None,
    )
    page = Raster.blank(height, width, view.raster.palette)
    title = f"{model.name}: {model.description}"
    page.put(0, 0, (ascii_only(title) if args.charset == "ascii" else title)[:width])
    _paste(page, view.raster, 1, 0)
    if legend_w:
        _paste(page, render_legend(view, legend_w - 1, view_h), 1, view_w + 1)
    return page


def _paste(target, source, row: int, col: int) -> None:
    """Copy every layer of a smaller Raster into a larger one at (row, col)."""
    rows = slice(row, row + source.height)
    cols = slice(col, col + source.width)
    for layer in ("chars", "fg", "bg", "bold"):
        getattr(target, layer)[rows, cols] = getattr(source, layer)


def cmd_render(args: argparse.Namespace) -> None:
    from losswalk.core.drawing.ansi import to_ansi

    colour = _colour_mode(args.color)
    if args.walk:
        model, extent, walker, report = _walker(args, args.walk)
        for _point in _walk(walker, args.steps):
            pass  # the walker keeps its (bounded) trail
        trail = [(p.w1, p.w2) for p in walker.trail]
    else:
        if args.start is not None:
            raise CliError("--start needs --walk OPTIMIZER")
        model, extent, report = _model_and_minima(args)
        trail = []
    for line in to_ansi(_render_page(model, extent, report, trail, args, colour), color=colour):
        print(line)


def cmd_app(argv: Sequence[str], *, tour: bool = False) -> None:
    """Open the app (with the lesson tour running when `tour`)."""
    args = _app_parser().parse_args(list(argv))
    options = _options(args)
    # report a bad landscape, data file or extent before the screen opens
    options.view_extent(options.build(strict=True))
    from losswalk.tui.app import run

    run(options, charset=args.charset, tour=tour)


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
            print(f"losswalk {version('losswalk')}")
        else:
            cmd_app(argv)
    except CliError as exc:
        print(f"losswalk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # DatasetError, ModelError and bad option values
        print(f"losswalk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `losswalk walk ... | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line for the user; LOSSWALK_DEBUG=1 shows the traceback
        if os.environ.get("LOSSWALK_DEBUG"):
            raise
        print(f"losswalk: internal error: {type(exc).__name__}: {exc} "
              "(set LOSSWALK_DEBUG=1 for details)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
