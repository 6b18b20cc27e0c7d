"""Surface files on the command line: export-surface, and 1-D files for info, render, the app."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from losswalk.tui.commands.arguments import count, landscape_arguments, landscape_options
from losswalk.tui.commands.output import OutputError, write_file

DEFAULT_RESOLUTION = 201


def add_export_parser(sub) -> None:
    """The export-surface subcommand: a computed landscape as a surface file."""
    export = sub.add_parser("export-surface",
                            help="write a landscape's loss grid as a surface file (npz, csv, h5)")
    landscape_arguments(export)
    export.add_argument("--format", choices=("npz", "csv", "h5"),
                        help="default: from --output's suffix (.npz, .csv, .h5)")
    export.add_argument("--output", metavar="FILE", required=True, help="the file to write")
    export.add_argument("--resolution", type=count(2, 2001), default=DEFAULT_RESOLUTION,
                        metavar="N", help=f"N x N grid points (default {DEFAULT_RESOLUTION})")


def cmd_export_surface(args: argparse.Namespace) -> None:
    """Evaluate the landscape on an N x N grid over the view and write it as a surface file."""
    from losswalk.core.files.surfaces import SUFFIXES, surface_bytes
    from losswalk.core.landscapes.landscape import evaluate

    options = landscape_options(args)
    model = options.build(strict=True)
    extent = options.view_extent(model)
    fmt = args.format or SUFFIXES.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise OutputError(f"--output {args.output}: say --format npz, csv or h5 (or name the "
                          "file .npz, .csv or .h5)")
    grid = evaluate(model, extent, args.resolution, args.resolution)
    write_file(args.output, surface_bytes(fmt, grid.w1s, grid.w2s, grid.values))


def line_file(args: argparse.Namespace):
    """The 1-D surface file NAME names (a LineSurface), or None for anything else. Options that
    only mean something on a 2-D landscape are refused."""
    from losswalk.core.landscapes.gridsurface import is_line_file, load_line
    from losswalk.core.landscapes.models import LANDSCAPES

    name = getattr(args, "name", None)
    if not name or name in LANDSCAPES or not os.path.isfile(name) or not is_line_file(name):
        return None
    flags = ["dataset", "data", "loss", "l2", "condition", "extent", "walk", "mode", "contours",
             "start", "steps", "lr", "schedule", "mu", "b1", "b2", "eps"]
    given = [flag for flag in flags if getattr(args, flag, None) is not None]
    if getattr(args, "scale", "linear") != "linear":
        given.append("scale")
    if given:
        raise OutputError(f"--{given[0]} does not apply to {name}: a 1-D surface is a line")
    return load_line(name, args.surface)


def line_report(line) -> dict:
    """info --json for a line: the same keys as for a landscape (w2 is null, the extent and the
    grid have one axis)."""
    import numpy as np

    points = line.critical_points()
    minima = [p for p in points if p[2] == "minimum"]
    finite = line.values[np.isfinite(line.values)]
    lowest = min((p[1] for p in minima), default=math.inf)
    edge = min(float(v) for v in line.loss(np.array(line.extent)))
    known = float(finite.min())  # the lowest point the file gives
    note = ""
    if edge < lowest and edge <= known:
        where = line.extent[int(np.nanargmin(line.loss(np.array(line.extent))))]
        note = f"the loss is lowest at the end of the line, x = {where:.6g}, loss {edge:.6g}"
    elif lowest > known:  # no minimum as low: the lowest point lies by points never computed
        where = float(line.x[int(np.nanargmin(line.values))])
        note = (f"the loss is lowest at x = {where:.6g}, loss {known:.6g}, beside points never "
                "computed")

    def point(x, loss, kind, flags=True):
        is_low = kind == "minimum" and loss == lowest and not note
        extra = {"kind": kind, "global": is_low, "lowest_in_view": is_low} if flags else {}
        return {"w1": x, "w2": None, "loss": loss, **extra}

    order = sorted(points, key=lambda p: (p[2] != "minimum", p[1], p[0]))
    return {
        "landscape": line.name, "description": line.description,
        "extent": list(line.extent), "grid_shape": [int(line.x.size)],
        "loss_range": [float(finite.min()), float(finite.max())],
        "minima": [point(*p) for p in order],
        "global_minima": [point(*p, flags=False) for p in minima if p[1] == lowest and not note],
        "counts": {kind: sum(p[2] == kind for p in points)
                   for kind in ("minimum", "saddle", "maximum")},
        "truncated": False, "searched": list(line.extent), "unbounded": False, "note": note,
    }


def line_page(line, width: int, height: int, charset: str):
    """The line plot as a Raster (plain characters): title, curve, minima marked."""
    from losswalk.core.drawing.lineplot import draw_line_plot
    from losswalk.core.drawing.palette import make_palette
    from losswalk.core.drawing.raster import Raster
    from losswalk.core.drawing.text import clip, safe_text

    report = line_report(line)
    markers = [(p["w1"], p["loss"], "global" if p["global"] else p["kind"])
               for p in report["minima"]]
    title = clip(safe_text(f"{line.name}: {line.description}", charset), width, charset)
    rows = draw_line_plot(line.loss, line.extent, width, height, title, charset, markers)
    page = Raster.blank(height, width, make_palette())
    for r, text in enumerate(rows):
        page.put(r, 0, text)
    return page
