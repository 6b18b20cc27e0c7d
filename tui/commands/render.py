"""`losswalk render`: the map as text on stdout, or a picture file (svg, txt, ansi)."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from losswalk.core.drawing.text import COLOR_CHOICES, safe_text
from losswalk.tui.commands.arguments import (
    SETTING_FLAGS,
    CliError,
    charset_argument,
    count,
    landscape_arguments,
    pair,
    positive,
    setting_arguments,
)
from losswalk.tui.commands.landscape_info import model_and_minima
from losswalk.tui.commands.output import OutputError, write_file
from losswalk.tui.commands.surface_files import line_file, line_page
from losswalk.tui.commands.walk import DEFAULT_STEPS, step_count, walk_points, walker_for

DEFAULT_CONTOURS = 6
LEGEND_WIDTH = 15  # one blank column, then the legend
RENDER_FORMATS = ("svg", "txt", "ansi")
RENDER_SUFFIXES = {".svg": "svg", ".txt": "txt", ".ans": "ansi", ".ansi": "ansi"}
DEFAULT_FILE_SIZE = (80, 24)  # --width/--height of a picture written to a file


def render_format(args: argparse.Namespace) -> str | None:
    """The picture format asked for (None: print to stdout as before)."""
    if args.format or args.output is None:
        return args.format
    fmt = RENDER_SUFFIXES.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise OutputError(f"--output {args.output}: say --format svg, txt or ansi (or name "
                          "the file .svg, .txt or .ans)")
    return fmt


def file_size_defaults(args: argparse.Namespace) -> None:
    """A picture for a file is 80x24 unless --width/--height say otherwise (not the terminal's)."""
    if args.output is not None:
        args.width = args.width or DEFAULT_FILE_SIZE[0]
        args.height = args.height or DEFAULT_FILE_SIZE[1]


def picture_colour(fmt: str, requested: str) -> str:
    """Colours of each format: txt none; svg and ansi truecolor unless --color says otherwise."""
    if fmt == "txt":
        return "none"
    return "truecolor" if requested == "auto" else requested


def picture_text(page, fmt: str, colour: str, title: str) -> str:
    """The picture in format fmt: plain lines, ANSI lines, or an SVG document."""
    from losswalk.core.drawing.ansi import to_ansi

    if fmt == "svg":
        return raster_svg(page, title, colour != "none")
    return "\n".join(to_ansi(page, color=colour)) + "\n"


def raster_svg(raster, title: str, colour: bool = True) -> str:
    """The raster's cells as an SVG, drawn by rich's console export (as Textual screenshots)."""
    from rich.color import Color
    from rich.console import Console
    from rich.style import Style
    from rich.text import Text

    def rich_colour(code):
        rgb = raster.palette.rgb(code) if colour else None
        return None if rgb is None else Color.from_rgb(*rgb)

    console = Console(record=True, width=raster.width, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False)
    for row in range(raster.height):
        line = Text(no_wrap=True, overflow="crop", end="")
        for text, fg, bg, bold in raster.runs(row):
            line.append(text, Style(color=rich_colour(fg), bgcolor=rich_colour(bg), bold=bold))
        console.print(line, soft_wrap=False, crop=True)
    return console.export_svg(title=title)


def _colour_mode(requested: str) -> str:
    """Resolve --color auto from the environment (NO_COLOR, a pipe, COLORTERM, TERM)."""
    if requested != "auto":
        return requested
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return "none"
    if os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    return "256" if "256" in os.environ.get("TERM", "") else "16"


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


def _refuse_unless(needed: str, args: argparse.Namespace, *options: str) -> None:
    """CliError naming the first of `options` (argparse dests) that was given: it needs `needed`."""
    for option in options:
        if getattr(args, option) is not None:
            raise CliError(f"{SETTING_FLAGS.get(option, '--' + option)} needs {needed}")


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
        model, extent, walker, report = walker_for(args, args.walk)
        for _point in walk_points(walker, step_count(args)):
            pass  # the walker keeps its (bounded) trail
        trail = [(p.w1, p.w2) for p in walker.trail]
    else:
        _refuse_unless("--walk OPTIMIZER", args, "start", "steps", "lr", "schedule",
                       *SETTING_FLAGS)
        model, extent, report = model_and_minima(args)
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


def add_parser(sub) -> None:
    """`losswalk render NAME`: the page's size and look, an optional walk, and the output file."""
    render = sub.add_parser("render", help="print the map to stdout (no event loop)")
    landscape_arguments(render)
    render.add_argument("--width", type=count(20, 1000), metavar="W")
    render.add_argument("--height", type=count(8, 500), metavar="H")
    render.add_argument("--contours", type=count(0, 50), metavar="N",
                        help=f"number of contour levels (default {DEFAULT_CONTOURS}; "
                        "0: heatmap only)")
    render.add_argument("--mode", choices=("heatmap", "contours", "both"),
                        help="default: both when --contours > 0")
    render.add_argument("--scale", choices=("linear", "log"), default="linear")
    charset_argument(render)
    render.add_argument("--color", choices=COLOR_CHOICES, default="auto")
    render.add_argument("--walk", metavar="OPTIMIZER", help="draw a walk's trail")
    render.add_argument("--start", type=pair, metavar="W1,W2")
    render.add_argument("--steps", type=count(0, 1_000_000), metavar="N",
                        help=f"default {DEFAULT_STEPS}")
    render.add_argument("--lr", type=positive, metavar="X")
    render.add_argument("--schedule")
    setting_arguments(render)
    render.add_argument("--format", choices=RENDER_FORMATS,
                        help="svg (a picture, as the app's screenshot), txt (plain text) or "
                        "ansi (text with colour codes); default: from --output's suffix")
    render.add_argument("--output", metavar="FILE",
                        help="write the picture to FILE (atomically) instead of stdout")
