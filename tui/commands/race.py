"""`losswalk race`: 2 to 4 optimizers from one start on one clock, and the results table."""

from __future__ import annotations

import argparse
import json
from typing import Any

from losswalk.core.drawing.text import safe_text
from losswalk.tui.commands.arguments import (
    SETTING_FLAGS,
    CliError,
    count,
    landscape_arguments,
    pair,
    positive,
    setting_arguments,
    typed_settings,
)
from losswalk.tui.commands.landscape_info import model_and_minima
from losswalk.tui.commands.output import jsonable
from losswalk.tui.commands.walk import DEFAULT_STEPS, step_count

RACE_DEFAULT = "sgd,momentum,adam,adam+cosine"
MAX_RACE_STEPS = 100_000  # each of up to 4 racers: bounded work


def _race(args: argparse.Namespace):
    """The race the options describe, run for --steps ticks or until every racer has ended."""
    from losswalk.core.walk.optimizers import HYPERPARAMETERS, OPTIMIZERS
    from losswalk.core.walk.race import Race, parse_racers

    specs = parse_racers(args.optimizers)
    settings = typed_settings(args)
    for field in settings.chosen():
        if all(field in settings.unused_by(spec.optimizer) for spec in specs):
            users = [name for name in OPTIMIZERS if field in HYPERPARAMETERS[name]]
            raise CliError(f"{SETTING_FLAGS[field]} applies only to {', '.join(users)} (no "
                           "racer uses it)")
    model, extent, report = model_and_minima(args)
    best = None if report.unbounded or not report.global_minima else report.global_minima[0]
    steps = step_count(args)
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
        "start": [jsonable(v) for v in race.start],
        "lr": race.lr,
        "ticks": race.clock,
        "over": race.over,
        "global_min_loss": None if best is None else jsonable(best),
        "target_loss": None if target is None else jsonable(target),
        "racers": [{
            "racer": r.racer, "name": r.label, "optimizer": r.optimizer,
            "schedule": r.schedule, "lr": r.lr, "status": r.status.value,
            "message": r.message, "steps": r.steps, "w1": jsonable(r.w1),
            "w2": jsonable(r.w2), "final_loss": jsonable(r.final_loss),
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


def add_parser(sub) -> None:
    """`losswalk race NAME`: the racers, their shared start, lr and steps, and --json."""
    race = sub.add_parser("race", help="race 2 to 4 optimizers from one start, print the results")
    landscape_arguments(race)
    race.add_argument("--optimizers", default=RACE_DEFAULT, metavar="LIST",
                      help="2 to 4 of sgd, momentum, nesterov, adagrad, rmsprop, adam, each "
                      f"optionally +SCHEDULE (e.g. adam+cosine); default {RACE_DEFAULT}")
    race.add_argument("--start", type=pair, metavar="W1,W2", help="default: the landscape's")
    race.add_argument("--lr", type=positive, metavar="X", help="learning rate of every racer")
    race.add_argument("--steps", type=count(0, MAX_RACE_STEPS), metavar="N",
                      help=f"ticks of the shared clock at most (default {DEFAULT_STEPS})")
    setting_arguments(race)
    race.add_argument("--json", action="store_true", help="print one JSON object")
