"""`losswalk basins`: which minimum each start of the map walks to, and each basin's share."""

from __future__ import annotations

import argparse
import json
from typing import Any

from losswalk.tui.commands.arguments import (
    checked_settings,
    count,
    landscape_arguments,
    landscape_options,
    positive,
    setting_arguments,
)
from losswalk.tui.commands.output import json_point, number_text

BASIN_RESOLUTION = 101  # starts a side


def add_parser(sub) -> None:
    """`losswalk basins NAME`: the flags of walk that set how every start walks."""
    basins = sub.add_parser("basins", help="which minimum each start of the map walks to, "
                            "and each basin's share of the map")
    landscape_arguments(basins)
    basins.add_argument("--optimizer", default="sgd", help="sgd, momentum, nesterov, adagrad, ...")
    basins.add_argument("--lr", type=positive, metavar="X", help="learning rate")
    basins.add_argument("--schedule", default="constant", help="learning-rate schedule")
    basins.add_argument("--steps", type=count(1, 100_000), metavar="N",
                        help="step budget of each start (default 500)")
    basins.add_argument("--resolution", type=count(2, 1001), default=BASIN_RESOLUTION,
                        metavar="N", help=f"N x N starts (default {BASIN_RESOLUTION})")
    setting_arguments(basins)
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

    settings = checked_settings(args, args.optimizer)
    options = landscape_options(args)
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
        "basins": [{**json_point(p, "global"), **part(k)} for k, p in enumerate(result.minima)],
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
        print(f"  {kind:<8} {number_text(b['w1']):>10} {number_text(b['w2']):>10} "
              f"{number_text(b['loss']):>12} {b['share']:>8.2%}")
    for key, label in (("diverged", "diverged"),
                       ("not_settled", f"not settled within {shares['steps']} steps")):
        print(f"  {label:<43} {shares[key]['share']:>8.2%}")
