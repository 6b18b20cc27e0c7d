"""`losswalk walk`: walk downhill from a start point and print the path (streamed)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from losswalk.core.drawing.text import safe_text
from losswalk.tui.commands.arguments import (
    checked_settings,
    count,
    landscape_arguments,
    pair,
    positive,
    setting_arguments,
)
from losswalk.tui.commands.landscape_info import model_and_minima
from losswalk.tui.commands.output import jsonable, number_text

DEFAULT_STEPS = 100
TRAJECTORY_FIELDS = ("step", "w1", "w2", "loss", "grad_norm", "lr")


def walker_for(args: argparse.Namespace, optimizer: str):
    """Build the model and a walker at the start; returns (model, extent, walker, report)."""
    from losswalk.core.walk.walker import Walker

    settings = checked_settings(args, optimizer)
    model, extent, report = model_and_minima(args)
    best = report.global_minima[0] if report.global_minima else None
    walker = Walker(
        model,
        start=args.start,
        optimizer=optimizer,
        lr=args.lr,
        schedule=args.schedule or "constant",
        total_steps=max(step_count(args), 1),
        extent=extent,
        global_min_loss=None if best is None else best.loss,
        settings=settings,
    )
    return model, extent, walker, report


def step_count(args: argparse.Namespace) -> int:
    return DEFAULT_STEPS if args.steps is None else args.steps


def walk_points(walker, steps: int):
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
        "w1": jsonable(point.w1),
        "w2": jsonable(point.w2),
        "loss": jsonable(point.loss),
        "grad_norm": jsonable(point.grad_norm),
        "lr": jsonable(point.lr),
    }


def _final_state(walker) -> dict[str, Any]:
    last = walker.trail[-1]
    return {
        "status": walker.status.value,
        "message": walker.message,
        "steps": walker.steps,
        "w1": jsonable(last.w1),
        "w2": jsonable(last.w2),
        "loss": jsonable(last.loss),
        "grad_norm": jsonable(last.grad_norm),
        "optimizer": walker.optimizer_name,
        "lr": walker.lr,
        "schedule": walker.schedule_name,
    }


def cmd_walk(args: argparse.Namespace) -> None:
    """Print the trajectory as it is walked (streamed: memory stays small for long walks)."""
    model, _extent, walker, _report = walker_for(args, args.optimizer)
    rows = (_row(point) for point in walk_points(walker, step_count(args)))
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
        print(f"{r['step']:>6} {number_text(r['w1']):>11} {number_text(r['w2']):>11} "
              f"{number_text(r['loss']):>12} {number_text(r['grad_norm']):>11} "
              f"{number_text(r['lr']):>9}")
    print(f"final: {walker.status.value} after {walker.steps} steps")
    if walker.message:
        print(safe_text(walker.message))


def add_parser(sub) -> None:
    """`losswalk walk NAME`: where to start, how to step, and --json or --csv."""
    walk = sub.add_parser("walk", help="walk downhill from a start point and print the path")
    landscape_arguments(walk)
    walk.add_argument("--start", type=pair, metavar="W1,W2", help="default: the landscape's")
    walk.add_argument("--optimizer", default="sgd", help="sgd, momentum, nesterov, adagrad, ...")
    walk.add_argument("--lr", type=positive, metavar="X", help="learning rate")
    walk.add_argument("--schedule", default="constant", help="learning-rate schedule")
    walk.add_argument("--steps", type=count(0, 1_000_000), metavar="N",
                      help=f"default {DEFAULT_STEPS}")
    setting_arguments(walk)
    out = walk.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", action="store_true", help="print the trajectory as CSV")
