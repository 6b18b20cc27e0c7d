"""`losswalk race`: the results as JSON and as a table, each racer the same as `losswalk walk`
with its optimizer alone, the global minimum from the landmarks (not a grid or the view), and
bad input refused with one line and exit status 2."""

from __future__ import annotations

import json

import pytest

from losswalk.core.drawing.text import format_number
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LANDSCAPES, make_model
from tests.tui.conftest import run

RACER_KEYS = {"racer", "name", "optimizer", "schedule", "lr", "status", "message", "steps", "w1",
              "w2", "final_loss", "steps_to_1pct", "diverged", "stuck"}


def race_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, "race", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_race_json_has_the_documented_shape(capsys):
    result = race_json(capsys, "himmelblau", "--optimizers", "sgd,adam+cosine", "--start", "0,0")
    assert set(result) == {"landscape", "start", "lr", "ticks", "over", "global_min_loss",
                           "target_loss", "racers"}
    assert result["landscape"] == "himmelblau" and result["start"] == [0.0, 0.0]
    assert result["global_min_loss"] == 0.0
    assert result["target_loss"] == pytest.approx(1.7)  # 1% of the way down from 170
    sgd, adam = result["racers"]
    assert set(sgd) == RACER_KEYS
    assert (sgd["racer"], sgd["name"], adam["name"]) == (1, "sgd", "adam+cosine")
    assert (adam["optimizer"], adam["schedule"]) == ("adam", "cosine")
    assert sgd["status"] == "converged" and not sgd["diverged"] and not sgd["stuck"]


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_each_racer_ends_as_walk_does_alone(capsys, name):
    """Every landscape: each racer's final state equals `losswalk walk` with its optimizer and
    schedule (same start, lr, steps)."""
    result = race_json(capsys, name, "--steps", "60")
    for racer in result["racers"]:
        code, out, err = run(capsys, "walk", name, "--optimizer", racer["optimizer"],
                             "--schedule", racer["schedule"], "--steps", "60", "--json")
        assert code == 0, err
        walk = json.loads(out)
        final = walk["final_state"]
        assert (racer["status"], racer["steps"], racer["w1"], racer["w2"], racer["final_loss"],
                racer["message"]) == (final["status"], final["steps"], final["w1"], final["w2"],
                                      final["loss"], final["message"])
        if racer["steps_to_1pct"] is not None:  # the first point of the walk at or below
            losses = [row["loss"] for row in walk["trajectory"]]
            first = next(k for k, loss in enumerate(losses)
                         if loss is not None and loss <= result["target_loss"])
            assert racer["steps_to_1pct"] == first


def test_the_global_minimum_is_the_landscapes_at_any_view(capsys):
    """A zoomed-in --extent far from the minimum: the global minimum's loss is still the
    landscape's (landmarks), so the 1% mark does not move."""
    model = make_model("two-dip")
    best = landmarks(model, model.extent).global_minima[0].loss
    home = race_json(capsys, "two-dip", "--steps", "300")
    zoomed = race_json(capsys, "two-dip", "--steps", "300", "--extent", "1.5,1.9,0.8,1.2")
    assert home["global_min_loss"] == zoomed["global_min_loss"] == best
    assert [r["steps_to_1pct"] for r in home["racers"]] == [
        r["steps_to_1pct"] for r in zoomed["racers"]]
    stuck = [r for r in home["racers"] if r["status"] == "stuck"]
    assert stuck and all(r["stuck"] and r["steps_to_1pct"] is None for r in stuck)


def test_no_global_minimum_gives_null(capsys):
    result = race_json(capsys, "saddle", "--steps", "20")
    assert result["global_min_loss"] is None and result["target_loss"] is None
    assert all(r["steps_to_1pct"] is None for r in result["racers"])


def test_a_diverging_race_says_so(capsys):
    result = race_json(capsys, "bowl", "--optimizers", "sgd,momentum", "--lr", "1e9")
    assert result["over"] and all(r["diverged"] and r["status"] == "diverged"
                                  for r in result["racers"])


def test_the_table_says_what_the_json_says(capsys):
    result = race_json(capsys, "two-dip", "--steps", "300")
    code, out, _ = run(capsys, "race", "two-dip", "--steps", "300")
    assert code == 0
    assert f"within 1%: loss <= {format_number(result['target_loss'])}" in out
    rows = out.splitlines()
    header = next(k for k, row in enumerate(rows) if row.startswith("#"))
    for row, racer in zip(rows[header + 1:], result["racers"], strict=False):
        cells = row.split()
        near = "never" if racer["status"] != "walking" else "not yet"
        if racer["steps_to_1pct"] is not None:
            near = str(racer["steps_to_1pct"])
        assert cells[:3] == [str(racer["racer"]), racer["name"],
                             format_number(racer["final_loss"])]
        assert row.endswith(f"{near:>7}  {racer['status']}")


@pytest.mark.parametrize(("argv", "words"), [
    (("--optimizers", "sgd"), "a race takes 2 to 4 racers, got 1"),
    (("--optimizers", "sgd,adam,sgd,adam,sgd"), "2 to 4 racers, got 5"),
    (("--optimizers", "sgd,lbfgs"), "unknown optimizer 'lbfgs'"),
    (("--optimizers", "sgd,adam+warm"), "unknown schedule 'warm'"),
    (("--optimizers", "sgd,adam", "--momentum", "0.5"), "--momentum applies only to"),
    (("--steps", "100001"), "expected 0..100000"),
    (("--lr", "0"), "expected a number > 0"),
    (("--start", "1e400,0"), "expected two numbers"),
    (("--optimizers", "sgd,\x1b[2Jadam"), "unknown optimizer"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, "race", "bowl", *argv)
    assert code == 2 and out == ""
    assert err.startswith("losswalk: ") and words in err and err.count("\n") == 1
    assert "\x1b" not in err
