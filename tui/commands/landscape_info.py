"""`losswalk list` and `losswalk info`: the landscapes there are, and what one of them holds."""

from __future__ import annotations

import argparse
import json
from typing import Any

from losswalk.core.drawing.text import safe_text
from losswalk.tui.commands.arguments import count, landscape_arguments, landscape_options
from losswalk.tui.commands.output import json_point, jsonable, number_text
from losswalk.tui.commands.surface_files import line_file, line_report

PLURALS = {"minimum": "minima", "saddle": "saddles", "maximum": "maxima"}


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


def model_and_minima(args: argparse.Namespace):
    """Build the landscape the options name and find its landmarks in the view."""
    from losswalk.core.landscapes.minima import landmarks

    options = landscape_options(args)
    model = options.build(strict=True)
    extent = options.view_extent(model)
    return model, extent, landmarks(model, extent)


def _landscape_info(args: argparse.Namespace) -> dict[str, Any]:
    from losswalk.core.landscapes.landscape import evaluate
    from losswalk.core.landscapes.minima import clean_zero

    model, extent, report = model_and_minima(args)
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
        "loss_range": [jsonable(clean_zero(v, scale)) for v in (stats.vmin, stats.vmax)],
        "minima": [json_point(p, "kind", "global", "lowest_in_view") for p in report.points],
        "global_minima": [json_point(p) for p in report.global_minima],
        "counts": report.counts(),
        "truncated": report.truncated,
        "searched": [float(v) for v in report.searched or extent],
        "unbounded": bool(report.unbounded),
        "note": note,
    }


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
    print(f"loss range  {number_text(low)} .. {number_text(high)}")
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
        print(f"  {p['kind']:<8} {flag:<6} {number_text(p['w1']):>10} {number_text(p['w2']):>10} "
              f"{number_text(p['loss']):>12}")
    if not any(p["global"] for p in info["minima"]) and any(
            p["lowest_in_view"] for p in info["minima"]):
        print("  (view: the lowest minimum in this view, not the global minimum)")


def add_info_parser(sub) -> None:
    """`losswalk info NAME`: the landscape options, --resolution and --json."""
    info = sub.add_parser("info", help="extent, loss range, minima and saddles of a landscape")
    landscape_arguments(info)
    info.add_argument("--resolution", type=count(8, 1025), default=129, metavar="N")
    info.add_argument("--json", action="store_true", help="print one JSON object")
