"""The headless command line: list, info, walk, render, and how it reports mistakes."""

from __future__ import annotations

import functools
import json
import math
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from losswalk.core.drawing.text import format_number
from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.models import LANDSCAPES, LogisticModel
from losswalk.core.walk.walker import STALL_STEPS
from losswalk.tui.cli import main
from tests.tui.conftest import run

ESC = "\x1b"


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_list_names_every_landscape_and_dataset(capsys) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    for name in [*LANDSCAPES, "overlap", "separable", "xor", "moons", "circles", "noisy"]:
        assert re.search(rf"^\s+{re.escape(name)}\s", out, re.M), name


def test_info_json_has_the_documented_shape(capsys) -> None:
    info = run_json(capsys, "info", "himmelblau", "--resolution", "65")
    assert info["landscape"] == "himmelblau"
    assert info["extent"] == [-5.0, 5.0, -5.0, 5.0]
    assert info["grid_shape"] == [65, 65]
    low, high = info["loss_range"]
    assert 0 <= low < 1 and high == pytest.approx(890.0)  # f(5,5) = 19² + 23², the top corner
    assert set(info) == {"landscape", "description", "extent", "grid_shape", "loss_range",
                         "minima", "global_minima", "counts", "truncated", "searched",
                         "unbounded", "note"}
    for point in info["minima"]:
        assert set(point) == {"w1", "w2", "loss", "kind", "global", "lowest_in_view"}
        assert point["kind"] in ("minimum", "saddle", "maximum")
    for point in info["global_minima"]:
        assert set(point) == {"w1", "w2", "loss"}
    assert info["counts"] == {"minimum": 4, "saddle": 4, "maximum": 1}
    assert info["truncated"] is False and info["searched"] == info["extent"]
    found = sorted((round(p["w1"], 3), round(p["w2"], 3)) for p in info["minima"] if p["global"])
    assert found == sorted([(3.0, 2.0), (-2.805, 3.131), (-3.779, -3.283), (3.584, -1.848)])


def test_info_on_separable_data_says_the_minimum_is_at_infinity(capsys) -> None:
    info = run_json(capsys, "info", "logistic", "--dataset", "separable")
    assert info["unbounded"] is True
    assert "infinity" in info["note"]
    assert not any(p["global"] for p in info["minima"])
    # With an L2 penalty the minimum is finite again.
    info = run_json(capsys, "info", "logistic", "--dataset", "separable", "--l2", "0.1")
    assert info["unbounded"] is False
    best = next(p for p in info["minima"] if p["global"])
    model = LogisticModel(make_dataset("separable"), l2=0.1)
    assert np.linalg.norm(model.grad(np.array([best["w1"], best["w2"]]))) < 1e-6


def test_info_text_lists_minima_and_saddles(capsys) -> None:
    code, out, _ = run(capsys, "info", "saddle")
    assert code == 0
    assert "saddle" in out and "infinity" in out


def test_walk_json_trajectory_starts_at_the_start_and_reaches_himmelblau_minimum(capsys) -> None:
    result = run_json(capsys, "walk", "himmelblau", "--start", "0,0", "--steps", "500")
    trajectory = result["trajectory"]
    assert trajectory[0] == {"step": 0, "w1": 0.0, "w2": 0.0, "loss": 170.0,
                             "grad_norm": pytest.approx(math.hypot(14, 22)), "lr": 0.0}
    assert [row["step"] for row in trajectory] == list(range(len(trajectory)))
    final = result["final_state"]
    assert final["status"] == "converged"
    assert (final["w1"], final["w2"]) == (pytest.approx(3, abs=1e-3), pytest.approx(2, abs=1e-3))
    assert set(trajectory[1]) == {"step", "w1", "w2", "loss", "grad_norm", "lr"}


def test_walk_first_sgd_step_matches_hand_computation(capsys) -> None:
    # Himmelblau's gradient at (0,0) is (-14, -22); one step of lr 0.01 lands on (0.14, 0.22).
    result = run_json(capsys, "walk", "himmelblau", "--start", "0,0", "--steps", "1",
                      "--lr", "0.01")
    step = result["trajectory"][1]
    assert (step["w1"], step["w2"], step["lr"]) == (pytest.approx(0.14), pytest.approx(0.22), 0.01)


def test_walk_with_absurd_learning_rate_reports_divergence_as_valid_json(capsys) -> None:
    result = run_json(capsys, "walk", "bowl", "--lr", "1e6", "--steps", "50")
    assert result["final_state"]["status"] == "diverged"
    assert "learning rate" in result["final_state"]["message"]
    assert all(row["loss"] is not None for row in result["trajectory"])


def test_walk_csv_has_a_header_and_one_row_per_step(capsys) -> None:
    code, out, _ = run(capsys, "walk", "bowl", "--steps", "5", "--optimizer", "adam", "--csv")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == "step,w1,w2,loss,grad_norm,lr" and len(lines) == 7


def test_walk_schedule_shows_in_lr_column(capsys) -> None:
    result = run_json(capsys, "walk", "bowl", "--lr", "0.1", "--schedule", "step", "--steps", "120")
    lrs = [row["lr"] for row in result["trajectory"][1:]]
    assert lrs[0] == pytest.approx(0.1) and min(lrs) < 0.1


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["info", "nosuch"], "unknown landscape 'nosuch'"),
        (["walk", "bowl", "--lr", "abc"], "--lr"),
        (["walk", "bowl", "--lr", "-1"], "--lr"),
        (["walk", "bowl", "--start", "1"], "W1,W2"),
        (["walk", "bowl", "--optimizer", "sdg"], "sdg"),
        (["walk", "bowl", "--schedule", "wobbly"], "wobbly"),
        (["info", "rosenbrock", "--dataset", "xor"], "data-driven"),
        (["info", "logistic", "--dataset", "nope"], "nope"),
        (["info", "logistic", "--extent", "1,2,3"], "--extent"),
        (["info", "logistic", "--extent", "2,1,0,1"], "--extent"),
        (["info", "logistic", "--l2", "nan"], "--l2"),
        (["render", "bowl", "--width", "5"], "--width"),
        (["render", "bowl", "--start", "1,1"], "--walk"),
        (["info", "bowl", "--frobnicate"], "frobnicate"),
    ],
)
def test_mistakes_exit_2_with_one_line_and_no_traceback(capsys, argv, fragment) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("losswalk: ")
    assert fragment in err
    assert "Traceback" not in err


def test_malformed_csv_names_the_file_and_line(capsys, tmp_path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,y\n0.5,1.0,1\n0.2,oops,0\n")
    code, _, err = run(capsys, "info", "logistic", "--data", str(path))
    assert code == 2 and "points.csv" in err and ":3" in err


def test_csv_data_drives_the_landscape(capsys, tmp_path) -> None:
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(1, 1, (40, 2)), rng.normal(-1, 1, (40, 2))])
    y = np.r_[np.ones(40), np.zeros(40)]
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(f"{a},{b},{int(c)}" for (a, b), c in zip(x, y, strict=True)))
    info = run_json(capsys, "info", "logistic", "--data", str(path))
    best = next(p for p in info["minima"] if p["global"])
    assert best["w1"] > 0 and best["w2"] > 0  # class 1 sits up and to the right


def test_render_without_colour_is_plain_text_of_the_requested_size(capsys) -> None:
    code, out, _ = run(capsys, "render", "himmelblau", "--width", "70", "--height", "20",
                       "--color", "none")
    lines = out.splitlines()
    assert code == 0 and ESC not in out
    assert len(lines) == 20 and max(len(line) for line in lines) <= 70
    assert "★" in out  # the global minima are marked
    assert "-4" in out and "w1" in out and "w2" in out  # axes


def test_render_ascii_is_printable_ascii_with_the_walk_drawn(capsys) -> None:
    code, out, _ = run(capsys, "render", "two-dip", "--charset", "ascii", "--color", "none",
                       "--width", "80", "--height", "24", "--walk", "momentum", "--steps", "200")
    assert code == 0
    assert all(32 <= ord(c) < 127 for c in out.replace("\n", ""))
    assert "@" in out and "o" in out  # walker and trail


@pytest.mark.parametrize("colour", ["truecolor", "256", "16"])
def test_render_in_colour_uses_escape_codes_but_keeps_the_width(capsys, colour) -> None:
    code, out, _ = run(capsys, "render", "bowl", "--width", "60", "--height", "16",
                       "--color", colour)
    assert code == 0 and ESC in out
    visible = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in out.splitlines()]
    assert len(visible) == 16 and max(len(line) for line in visible) <= 60


def test_render_auto_colour_is_none_when_piped(capsys, monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run(capsys, "render", "bowl", "--width", "40", "--height", "10")
    assert code == 0 and ESC not in out


def test_negative_numbers_can_start_an_extent_or_a_start_point(capsys) -> None:
    info = run_json(capsys, "info", "himmelblau", "--extent", "-6,6,-6,6", "--resolution", "33")
    assert info["extent"] == [-6.0, 6.0, -6.0, 6.0]
    result = run_json(capsys, "walk", "bowl", "--start", "-1,-2", "--steps", "1")
    assert result["trajectory"][0]["w1"] == -1.0 and result["trajectory"][0]["w2"] == -2.0


def test_walk_stops_once_converged_and_keeps_step_zero_on_long_walks(capsys) -> None:
    result = run_json(capsys, "walk", "bowl", "--steps", "1000000")
    trajectory, final = result["trajectory"], result["final_state"]
    assert trajectory[0]["step"] == 0
    assert final["status"] == "converged" and final["steps"] == len(trajectory) - 1 < 1000
    assert (final["w1"], final["loss"]) == (trajectory[-1]["w1"], trajectory[-1]["loss"])


def test_info_says_when_the_grid_scores_a_sample_of_the_data(capsys, monkeypatch) -> None:
    from losswalk.core.landscapes import models

    monkeypatch.setattr(models, "GRID_BUDGET", 10_000)  # 33x33 cells -> 9 examples
    info = run_json(capsys, "info", "tiny-net", "--resolution", "33")
    assert "fixed sample of 9 examples" in info["note"]


def test_walk_with_a_learning_rate_too_small_to_move_stops_and_says_so(capsys) -> None:
    result = run_json(capsys, "walk", "bowl", "--lr", "1e-30", "--steps", "1000000")
    final = result["final_state"]
    assert final["status"] == "stalled" and "too small" in final["message"]
    assert final["steps"] == STALL_STEPS


# --- walks tell the truth and always end (issue 7) -------------------------------------------

FINAL_STATE_KEYS = {"status", "message", "steps", "w1", "w2", "loss", "grad_norm", "optimizer",
                    "lr", "schedule"}
KEY_HINT = re.compile(r"\bpress\b|\b(raise|lower) it with\b|\bwith [+\-=](\s|$)", re.I)


def walk_json(capsys, *argv: str) -> dict:
    result = run_json(capsys, "walk", *argv)
    assert set(result["final_state"]) == FINAL_STATE_KEYS  # the --json contract
    assert not KEY_HINT.search(result["final_state"]["message"])  # headless: no app keys
    return result


def positions(result: dict) -> np.ndarray:
    return np.array([(row["w1"], row["w2"]) for row in result["trajectory"]])


def logistic_grad_by_hand(w: np.ndarray) -> np.ndarray:
    """BCE gradient of p = sigmoid(w . x) on the overlap data, not using the model's code."""
    data = make_dataset("overlap")
    z = data.X @ w
    e = np.exp(-np.abs(z))  # sigmoid without overflow on either side
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return data.X.T @ (p - data.y) / len(data.y)


def assert_sgd_steps(result: dict, grad, lr: float) -> None:
    """Every step of the trajectory is one plain SGD step from the row before it."""
    w = positions(result)
    for k in range(1, len(w)):
        np.testing.assert_allclose(w[k], w[k - 1] - lr * grad(w[k - 1]), rtol=1e-9, atol=1e-12)


def test_walk_judging_does_not_depend_on_the_view_extent(capsys) -> None:
    # Regression: at this extent the walk stopped after 20 steps as "stalled" (a word the JSON
    # status did not use: it said "walking") at loss 1e-3 with slope 0.23.
    far = walk_json(capsys, "himmelblau", "--extent=-1e9,1e9,-1e9,1e9")
    near = walk_json(capsys, "himmelblau")
    assert far["trajectory"] == near["trajectory"]
    final = far["final_state"]
    assert final["status"] == "converged" and final["message"].startswith("converged:")
    assert final["grad_norm"] < 1e-4 and final["steps"] == len(far["trajectory"]) - 1 == 47


def test_walk_text_status_and_message_use_the_same_word(capsys) -> None:
    code, out, _ = run(capsys, "walk", "bowl", "--lr", "1e-30", "--steps", "1000")
    assert code == 0 and "final: stalled after 20 steps\nstalled: " in out


def test_walk_that_bounces_far_off_the_map_is_not_called_diverged(capsys) -> None:
    # Regression: this printed only step 0, then "diverged after 0 steps" and "blew up to
    # 7.7e+00": the first step lands far off the map at loss 7.7, but the loss stays bounded.
    code, out, _ = run(capsys, "walk", "logistic", "--lr", "129.7", "--start", "-3,3")
    rows = [line.split() for line in out.splitlines()[1:-1]]
    assert code == 0 and [int(r[0]) for r in rows] == list(range(101))
    assert float(rows[1][3]) == pytest.approx(7.6692, abs=1e-4) and "diverged" not in out
    assert out.splitlines()[-1] == "final: walking after 100 steps"
    result = walk_json(capsys, "logistic", "--lr", "129.7", "--start", "-3,3", "--steps", "1000")
    assert_sgd_steps(result, logistic_grad_by_hand, 129.7)
    assert result["final_state"]["status"] == "oscillating"


def test_chaotic_bouncing_ends_as_oscillating_after_its_window(capsys) -> None:
    # Regression: logistic at lr 86.5 bounced for 700+ steps as "walking".
    from losswalk.core.walk.walker import WINDOW

    result = walk_json(capsys, "logistic", "--lr", "86.5", "--steps", "100000")
    assert_sgd_steps(result, logistic_grad_by_hand, 86.5)
    final, losses = result["final_state"], [row["loss"] for row in result["trajectory"]]
    assert final["status"] == "oscillating" and final["steps"] % WINDOW == 0
    checks = range(2 * WINDOW, final["steps"] + 1, WINDOW)  # the documented check, by hand
    verdicts = [np.mean(losses[k - WINDOW + 1:k + 1]) >= np.mean(losses[k - 2 * WINDOW + 1:
                                                                          k - WINDOW + 1])
                for k in checks]
    assert verdicts == [False] * (len(verdicts) - 1) + [True]
    last = losses[-WINDOW:]
    assert f"between {format_number(min(last))} and {format_number(max(last))}" in (
        final["message"])


def test_divergence_keeps_the_diverging_step_and_its_numbers(capsys) -> None:
    # Regression: the step that diverged was dropped and the message named its loss (4.2e+04)
    # while the trail and the panel stopped one step earlier (1.8e4).
    code, out, _ = run(capsys, "walk", "bowl", "--lr", "0.253")
    lines = out.splitlines()
    assert code == 0 and lines[-2] == "final: diverged after 9 steps"
    last = lines[-3].split()
    assert last[0] == "9" and float(last[3]) == pytest.approx(42215.9, rel=1e-6)
    result = walk_json(capsys, "bowl", "--lr", "0.253")
    assert_sgd_steps(result, lambda w: np.array([w[0], 10 * w[1]]), 0.253)
    final = result["final_state"]
    assert final["loss"] == result["trajectory"][-1]["loss"]
    numbers = re.findall(r"-?\d[\d.]*(?:e-?\d+)?", final["message"])
    assert format_number(final["loss"]) in numbers and "4.3e4" not in final["message"]
    assert set(numbers) <= {"9", format_number(final["loss"]), "10", "0.253"}


@pytest.mark.parametrize("argv", [["logistic", "--dataset", "separable"], ["saddle"]])
def test_heading_off_to_infinity_is_unbounded_for_data_and_surfaces_alike(capsys, argv) -> None:
    # Regression: separable data walked off as "walking" while the saddle said "diverged".
    from losswalk.core.landscapes.models import LandscapeOptions
    from losswalk.core.walk.walker import OUTWARD_STEPS

    result = walk_json(capsys, *argv, "--steps", "100000")
    final, w = result["final_state"], positions(result)
    assert final["status"] == "unbounded"
    losses = np.array([row["loss"] for row in result["trajectory"]])
    tail = slice(-OUTWARD_STEPS - 1, None)
    assert np.all(np.diff(losses[tail]) < 0)  # lower at every step
    assert np.all(np.diff(np.linalg.norm(w[tail], axis=1)) > 0)  # further from the centre (0, 0)
    x0, x1, y0, y1 = LandscapeOptions(name=argv[0]).build().extent
    assert np.max(np.abs(w[-1]) / [x1 - x0, y1 - y0]) > 1  # a span out
    assert f"to {format_number(final['loss'])}," in final["message"]


def test_the_walk_json_status_list_in_the_readme_is_the_vocabulary() -> None:
    from pathlib import Path

    from losswalk.core.walk.walker import WalkerStatus

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    documented = re.search(r"`status` is one of ((?:`\w+`,?\s*)+)", readme)
    assert documented, "README: the walk --json status list"
    assert re.findall(r"`(\w+)`", documented.group(1)) == [s.value for s in WalkerStatus]


def test_no_core_text_names_an_app_key() -> None:
    """core/ speaks for the app and the headless commands alike: key hints are the app's to add
    (the CLI's own strings only name keys in the help for opening the app). The one exception is
    core/explorer.py, the app's own state, whose messages only the app shows."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    for path in set(root.glob("core/**/*.py")) - {root / "core" / "explorer.py"}:
        for text in re.findall(r'"((?:[^"\\]|\\.)*)"', path.read_text()):
            assert not KEY_HINT.search(text), f"{path.relative_to(root)}: {text!r}"


def test_the_readme_states_each_budget_the_walker_uses() -> None:
    from pathlib import Path

    from losswalk.core.walk import walker as w

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", readme, re.M)}
    assert set(rows) >= {s.value for s in w.WalkerStatus}
    assert (w.STALL_STEPS, w.STALL_MOVE, w.RUN_BUDGET) == (20, 1e-12, 50_000)
    assert "20 steps in a row" in rows["stalled"] and "1e-12" in rows["stalled"]
    assert "50,000 steps" in rows["stalled"]
    assert w.WINDOW == 100 and "every 100 steps from step 200" in rows["oscillating"]
    assert w.NOISE_SHARE == 0.25 and "¼" in rows["noisy"]
    assert w.OUTWARD_STEPS == 100 and "each of the last 100 steps" in rows["unbounded"]
    assert (w.CLIMB_STEPS, w.CLIMB_STRETCH, w.CLIMB_RISE) == (3, 10.0, 1000.0)
    assert "3 or more steps" in rows["diverged"] and "tenfold" in rows["diverged"]
    assert "1000 times" in rows["diverged"] and "1e-4" in rows["converged"]



def test_the_app_refuses_without_a_terminal(capsys) -> None:
    """`losswalk > out.txt` or `losswalk | less`: one line pointing to render, exit 2 (it used to
    write escape codes into the file and wait forever)."""
    for argv in ([], ["tour"], ["himmelblau", "--charset", "ascii"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "needs a terminal" in err and "losswalk render" in err


@pytest.mark.parametrize("term", ["dumb", ""])
def test_the_app_refuses_a_dumb_terminal(capsys, monkeypatch, term) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("TERM", term)
    code, _, err = run(capsys)
    assert code == 2 and err.count("\n") == 1 and "TERM" in err and "losswalk render" in err


def _render_in(env: dict[str, str], *argv: str) -> str:
    """`losswalk render bowl --color none` in a fresh process with exactly this locale."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    result = subprocess.run(
        [sys.executable, "-m", "losswalk", "render", "bowl", "--color", "none", "--width", "60",
         "--height", "16", *argv], env={**base, **env}, capture_output=True, text=True,
        encoding="utf-8", cwd="/")
    assert result.returncode == 0, result.stderr
    return result.stdout


@functools.cache
def _utf8_render() -> str:
    """The picture under a UTF-8 locale (the same for every case below: one process for all)."""
    return _render_in({"LANG": "C.UTF-8"})


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "C"}, "ascii"),
    ({}, "ascii"),  # no locale at all is the C locale
    ({"LANG": "en_GB.ISO-8859-1"}, "ascii"),
    ({"LANG": "en_GB.UTF-8", "LC_CTYPE": "en_GB.ISO-8859-1"}, "ascii"),
    ({"LANG": "C.UTF-8"}, "unicode"),
    ({"LANG": "C", "LC_ALL": "en_US.utf8"}, "unicode"),
    ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, "unicode"),  # the user's own C.UTF-8 counts
])
def test_charset_auto_follows_the_locale(env, expected) -> None:
    """Under LANG=C (Python coerces it to C.UTF-8 inside, PEP 538) the default draws ASCII."""
    out = _render_in(env)
    assert out.isascii() is (expected == "ascii")
    assert _render_in(env, "--charset", "unicode") == _utf8_render()


# ---- options that do not apply are refused, the same way everywhere ---------------------------

HEADLESS = (["info"], ["walk"], ["render", "--width", "40", "--height", "10", "--color", "none"])
NOT_APPLICABLE = [  # (landscape, option, value, what the message says)
    ("logistic", "--condition", "5", "--condition applies only to the bowl (not logistic)"),
    ("tiny-net", "--condition", "10", "--condition applies only to the bowl"),  # even the default
    ("bowl", "--l2", "0.1", "--l2 applies only to data-driven landscapes: logistic, tiny-net"),
    ("bowl", "--l2", "0", "--l2 applies only to data-driven landscapes"),
    ("himmelblau", "--loss", "bce", "--loss applies only to data-driven landscapes"),
    ("rastrigin", "--dataset", "xor", "--dataset applies only to data-driven landscapes"),
]


@pytest.fixture
def in_a_terminal(monkeypatch):
    """As if run in a terminal: the app refuses to open anywhere else (tested on its own)."""
    monkeypatch.setattr("losswalk.tui.commands.app_launch._need_a_terminal", lambda: None)


@pytest.fixture
def app_must_not_open(monkeypatch):
    """Replace the app's entry point: a refused command line must never reach it."""
    from losswalk.tui import app

    def opened(*args, **kwargs):
        raise AssertionError("the app opened")

    monkeypatch.setattr(app, "run", opened)


def assert_refused(result, fragment: str) -> None:
    code, out, err = result
    assert (code, out) == (2, ""), err
    assert err.startswith("losswalk: ") and err.count("\n") == 1 and fragment in err, err


@pytest.mark.parametrize("command", [*HEADLESS, []], ids=["info", "walk", "render", "app"])
@pytest.mark.parametrize(("name", "option", "value", "fragment"), NOT_APPLICABLE)
def test_an_option_the_landscape_does_not_use_is_refused_everywhere(
        capsys, app_must_not_open, command, name, option, value, fragment) -> None:
    """Regression: --condition 5 on logistic was accepted silently while --l2 on bowl was refused;
    --l2 0, --loss bce and --condition 10 (the defaults) slipped through everywhere."""
    assert_refused(run(capsys, *command[:1], name, *command[1:], option, value), fragment)


@pytest.mark.parametrize("command", [*HEADLESS], ids=["info", "walk", "render"])
def test_options_that_apply_are_taken(capsys, command) -> None:
    for name, option, value in [("bowl", "--condition", "4"), ("tiny-net", "--loss", "mse"),
                                ("logistic", "--l2", "0")]:
        code, _, err = run(capsys, *command[:1], name, *command[1:], option, value)
        assert code == 0, err


def test_the_app_gets_the_options_as_typed(capsys, monkeypatch, in_a_terminal) -> None:
    from losswalk.tui import app

    calls = []
    monkeypatch.setattr(app, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert main(["bowl", "--condition", "4", "--charset", "ascii"]) == 0
    (options,), kwargs = calls[0]
    assert (options.name, options.condition, options.given) == ("bowl", 4.0, {"condition"})
    assert kwargs["charset"] == "ascii" and kwargs["tour"] is False


@pytest.mark.parametrize(("argv", "fragment"), [
    (["tour", "himmelblau"], "the tour picks its own landscapes, so it takes no NAME "
                             "('himmelblau'): 'losswalk NAME' opens a landscape, and t there"),
    (["tour", "--l2", "0.1"], "--l2 does not apply to the tour: its slides set up each landscape"),
    (["tour", "--dataset", "xor"], "--dataset does not apply to the tour"),
    (["tour", "--condition", "10"], "--condition does not apply to the tour"),
    (["tour", "--extent", "-1,1,-1,1"], "--extent does not apply to the tour"),
])
def test_the_tour_refuses_a_name_and_landscape_options(capsys, app_must_not_open, argv,
                                                       fragment) -> None:
    """Regression: `losswalk tour himmelblau` opened the tour and ignored the name (the slides
    pick every landscape); now it says so and how to get there."""
    assert_refused(run(capsys, *argv), fragment)


def test_the_tour_opens_the_app_with_the_tour(monkeypatch, in_a_terminal) -> None:
    from losswalk.tui import app

    calls = []
    monkeypatch.setattr(app, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert main(["tour", "--charset", "ascii"]) == 0
    (options,), kwargs = calls[0]
    assert options.given == frozenset() and options.name == "logistic"
    assert kwargs["tour"] is True and kwargs["charset"] == "ascii"


@pytest.mark.parametrize(("extra", "fragment"), [
    (["--lr", "0.1"], "--lr needs --walk OPTIMIZER"),
    (["--steps", "5"], "--steps needs --walk OPTIMIZER"),
    (["--schedule", "cosine"], "--schedule needs --walk OPTIMIZER"),
    (["--start", "1,1"], "--start needs --walk OPTIMIZER"),
    (["--mode", "heatmap", "--contours", "3"], "--contours applies only to --mode contours"),
    (["--mode", "contours", "--contours", "0"], "--mode contours draws contour lines: --contours"),
    (["--mode", "both", "--contours", "0"], "--mode both draws contour lines"),
])
def test_render_refuses_walk_and_contour_options_it_would_ignore(capsys, extra, fragment) -> None:
    """Regression: render bowl --lr 0.1 (no --walk) and --mode heatmap --contours 3 were
    accepted and ignored; --mode contours --contours 0 drew five contours."""
    assert_refused(run(capsys, "render", "bowl", *extra), fragment)


def test_render_contour_defaults(capsys) -> None:
    base = ["render", "bowl", "--width", "40", "--height", "10", "--color", "none"]
    heatmap = run(capsys, *base, "--contours", "0")[1]
    assert heatmap == run(capsys, *base, "--mode", "heatmap")[1]  # 0 levels: heatmap only
    both = run(capsys, *base)[1]
    assert both == run(capsys, *base, "--mode", "both", "--contours", "6")[1] != heatmap


def test_version_is_in_the_help(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--version" in out and "tour" in out.split("options:")[0]
    assert "optimizer options" in out and max(map(len, out.splitlines())) <= 80
    code, out, _ = run(capsys, "--version")
    assert code == 0 and re.fullmatch(r"losswalk \d+\.\d+\.\d+\S*\n", out)


def test_a_csv_header_names_the_columns_and_tiny_net_says_what_it_ignores(capsys, tmp_path):
    """Regression: `y,x1,x2` was read by position (the labels as x1); tiny-net used x1 of
    two-column data without a word."""
    d = make_dataset("overlap", n=60)
    by_position, by_name = tmp_path / "a.csv", tmp_path / "b.csv"
    np.savetxt(by_position, np.c_[d.X, d.y], delimiter=",", header="x1,x2,y", comments="")
    np.savetxt(by_name, np.c_[d.y, d.X], delimiter=",", header="y,x1,x2", comments="")
    infos = [run_json(capsys, "info", "logistic", "--data", str(path), "--resolution", "33")
             for path in (by_position, by_name)]
    assert infos[0]["minima"] == infos[1]["minima"] and infos[0]["minima"]
    info = run_json(capsys, "info", "tiny-net", "--data", str(by_name), "--resolution", "33")
    assert "(60 examples, x2 unused)" in info["description"]


# ---- optimizer settings: --momentum, --beta1, --beta2, --eps ----------------------------------

def bowl_gradient(w1: float, w2: float) -> np.ndarray:
    """The bowl 0.5 (w1^2 + 10 w2^2), its gradient written out by hand."""
    return np.array([w1, 10.0 * w2])


def test_walk_momentum_takes_mu_from_the_command_line(capsys) -> None:
    """By hand from (1, 1), lr 0.01, mu 0.5: g0 = (1, 10), w1 = (0.99, 0.9); g1 = (0.99, 9),
    v2 = 0.5 (1, 10) + (0.99, 9) = (1.49, 14), w2 = (0.9751, 0.76). (mu 0.9: (0.9711, 0.72).)"""
    result = run_json(capsys, "walk", "bowl", "--optimizer", "momentum", "--momentum", "0.5",
                      "--lr", "0.01", "--start", "1,1", "--steps", "2")
    last = result["trajectory"][-1]
    assert (last["w1"], last["w2"]) == (pytest.approx(0.9751), pytest.approx(0.76))


def test_walk_adam_takes_its_betas_and_eps_from_the_command_line(capsys) -> None:
    """Against Adam written out here, independently of core.walk.optimizers."""
    b1, b2, eps, lr = 0.5, 0.9, 0.1, 0.01
    result = run_json(capsys, "walk", "bowl", "--optimizer", "adam", "--beta1", str(b1),
                      "--beta2", str(b2), "--eps", str(eps), "--lr", str(lr), "--start", "1,1",
                      "--steps", "3")
    w, m, v = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    for t, row in enumerate(result["trajectory"][1:], start=1):
        g = bowl_gradient(*w)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose([row["w1"], row["w2"]], w, rtol=1e-12)
    defaults = run_json(capsys, "walk", "bowl", "--optimizer", "adam", "--lr", str(lr),
                        "--start", "1,1", "--steps", "3")
    assert defaults["trajectory"][-1]["w2"] != pytest.approx(w[1], rel=1e-6)


def test_render_walk_takes_the_settings(capsys) -> None:
    base = ["render", "two-dip", "--width", "60", "--height", "16", "--color", "none",
            "--walk", "momentum", "--steps", "60"]
    default, low_mu = run(capsys, *base), run(capsys, *base, "--momentum", "0.2")
    assert default[0] == low_mu[0] == 0 and default[1] != low_mu[1]


@pytest.mark.parametrize(("argv", "fragment"), [
    (["walk", "bowl", "--momentum", "0.5"], "--momentum applies only to momentum, nesterov "
                                            "(not sgd)"),
    (["walk", "bowl", "--optimizer", "adagrad", "--momentum", "0.5"], "(not adagrad)"),
    (["walk", "bowl", "--optimizer", "momentum", "--beta1", "0.5"],
     "--beta1 applies only to adam (not momentum)"),
    (["walk", "bowl", "--optimizer", "nesterov", "--beta2", "0.5"], "--beta2 applies only to adam"),
    (["walk", "bowl", "--eps", "1e-3"], "--eps applies only to adagrad, rmsprop, adam (not sgd)"),
    (["render", "bowl", "--walk", "sgd", "--eps", "1e-3"], "--eps applies only to adagrad"),
    (["render", "bowl", "--momentum", "0.5"], "--momentum needs --walk OPTIMIZER"),
    (["render", "bowl", "--beta1", "0.5"], "--beta1 needs --walk OPTIMIZER"),
    (["walk", "bowl", "--optimizer", "momentum", "--momentum", "1"],
     "argument --momentum: momentum mu must be in [0, 1), got 1.0"),
    (["walk", "bowl", "--optimizer", "adam", "--beta1", "-0.1"], "argument --beta1: adam b1"),
    (["walk", "bowl", "--optimizer", "adam", "--beta2", "1.5"], "argument --beta2: adam b2"),
    (["walk", "bowl", "--optimizer", "adam", "--eps", "0"],
     "argument --eps: eps must be a finite number > 0, got 0.0"),
    (["walk", "bowl", "--optimizer", "adam", "--eps", "nan"], "argument --eps: expected a finite"),
    (["bowl", "--momentum", "1.5"], "argument --momentum: momentum mu must be in [0, 1)"),
    (["tour", "--momentum", "0.5"], "--momentum does not apply to the tour"),
    (["tour", "--eps", "0.1"], "--eps does not apply to the tour"),
])
def test_optimizer_settings_are_refused_where_unused_or_out_of_range(capsys, app_must_not_open,
                                                                     argv, fragment) -> None:
    assert_refused(run(capsys, *argv), fragment)


def test_the_app_gets_the_optimizer_settings(monkeypatch, in_a_terminal) -> None:
    """The app has no --optimizer: each setting waits for the optimizers (o) that take it."""
    from losswalk.core.walk.optimizers import OptimizerSettings
    from losswalk.tui import app

    calls = []
    monkeypatch.setattr(app, "run", lambda *args, **kwargs: calls.append(kwargs["settings"]))
    assert main(["two-dip", "--momentum", "0.95", "--beta1", "0.8", "--beta2", "0.99",
                 "--eps", "1e-6"]) == 0
    assert main([]) == 0
    assert calls == [OptimizerSettings(mu=0.95, b1=0.8, b2=0.99, eps=1e-6), OptimizerSettings()]


# ---- the landmarks are the landscape's (issue 7) ------------------------------------------


def landmarks_of(info: dict) -> dict:
    """Everything info says about critical points (not the grid's shape or loss range)."""
    return {key: info[key] for key in ("minima", "global_minima", "counts", "truncated",
                                       "searched", "unbounded", "note")}


@pytest.mark.parametrize("name", ["rastrigin", "himmelblau", "camel", "ackley"])
def test_info_gives_the_same_minima_at_every_resolution(capsys, name) -> None:
    # rastrigin at --resolution 20 had four "global" minima with loss 1.99, at 10 with 17.9
    infos = [run_json(capsys, "info", name, "--resolution", str(n)) for n in (10, 20, 129, 513)]
    assert [info["grid_shape"] for info in infos] == [[n, n] for n in (10, 20, 129, 513)]
    assert all(landmarks_of(info) == landmarks_of(infos[0]) for info in infos[1:])


@pytest.mark.parametrize("resolution", ["10", "20"])
def test_info_rastrigin_global_minimum_is_the_origin_at_loss_zero(capsys, resolution) -> None:
    info = run_json(capsys, "info", "rastrigin", "--resolution", resolution)
    best = [p for p in info["minima"] if p["global"]]
    assert best == [{"w1": 0.0, "w2": 0.0, "loss": 0.0, "kind": "minimum", "global": True,
                     "lowest_in_view": True}]
    assert info["global_minima"] == [{"w1": 0.0, "w2": 0.0, "loss": 0.0}]


def test_info_zoomed_on_the_shallow_dip_does_not_call_it_global(capsys) -> None:
    info = run_json(capsys, "info", "two-dip", "--extent=0.5,1.5,-0.5,0.5")
    (dip,) = info["minima"]
    assert dip["global"] is False and dip["lowest_in_view"] is True
    assert dip["w1"] == pytest.approx(0.9601495555, abs=1e-9)
    (best,) = info["global_minima"]
    assert best["w1"] == pytest.approx(-1.0355787141, abs=1e-9) and best["w2"] == 0.0
    assert info["note"] == ("the global minimum lies outside the map, at (w1, w2) = (-1.036, 0), "
                            "loss -0.30543.")


def test_info_camel_names_the_global_minima_outside_the_view(capsys) -> None:
    code, out, _ = run(capsys, "info", "camel", "--extent=-2.1,-1.7,-0.15,0.15")
    assert code == 0
    assert ("note        the global minima lie outside the map, at (w1, w2) = "
            "(-0.08984, 0.7127) and (0.08984, -0.7127), loss -1.0316.") in out
    assert "-1.70" not in out and "0.80" not in out  # not the local dip the old note named


def test_info_ackley_minimum_prints_as_zero(capsys) -> None:
    info = run_json(capsys, "info", "ackley")
    assert info["minima"][0] == {"w1": 0.0, "w2": 0.0, "loss": 0.0, "kind": "minimum",
                                 "global": True, "lowest_in_view": True}
    assert info["loss_range"][0] == 0.0  # float64 says -4.44e-16
    code, out, _ = run(capsys, "info", "ackley")
    assert code == 0 and "e-16" not in out


def test_info_lists_every_critical_point_or_says_what_was_searched(capsys) -> None:
    # the old list held 64 of rastrigin's 121 minima, no saddles or maxima, and no word of it
    info = run_json(capsys, "info", "rastrigin")
    assert info["counts"] == {"minimum": 121, "saddle": 220, "maximum": 100}
    assert len(info["minima"]) == 441 and info["truncated"] is False
    wide = run_json(capsys, "info", "rastrigin", "--extent=-100,100,-100,100")
    assert wide["truncated"] is True and wide["searched"] == [-5.12, 5.12, -5.12, 5.12]
    assert wide["counts"] == info["counts"]
    code, out, _ = run(capsys, "info", "rastrigin", "--extent=-100,100,-100,100")
    assert code == 0 and "searched    the view is too wide" in out and "w1 in [-5.12, 5.12]" in out


def test_info_tiny_net_on_xor_lists_the_saddle_at_the_origin_once(capsys) -> None:
    # the old finder listed it twice, or not at all (--resolution 64), beside "minima" that
    # were only slow spots of a long flat valley
    infos = [run_json(capsys, "info", "tiny-net", "--dataset", "xor", "--resolution", str(n))
             for n in (10, 20, 64, 129)]
    assert all(landmarks_of(info) == landmarks_of(infos[0]) for info in infos[1:])
    points = infos[0]["minima"]
    at_origin = [p for p in points if (p["w1"], p["w2"]) == (0.0, 0.0)]
    assert [p["kind"] for p in at_origin] == ["saddle"]
    assert [p["kind"] for p in points] == ["minimum"] * 2 + ["saddle"] * 3
    positions = [(p["w1"], p["w2"]) for p in points]
    assert len(set(positions)) == len(positions)


def test_walk_compares_with_the_global_minimum_even_outside_the_view(capsys) -> None:
    result = run_json(capsys, "walk", "two-dip", "--extent=0.5,1.5,-0.5,0.5", "--start", "1,0.3",
                      "--steps", "2000")
    final = result["final_state"]
    assert final["status"] == "stuck" and "above the lowest -0.3054" in final["message"]


EXTREMES = ["--extent=-1e300,1e300,-1e300,1e300", "--extent=0,1e-300,0,1e-300",
            "--extent=-1e150,1e150,-1e150,1e150", "--extent=-6e9,6e9,-1,1",
            "--extent=1,1.000000000001,0,1"]


@pytest.mark.parametrize("extent", EXTREMES)
@pytest.mark.parametrize("command", [["info"], ["render"], ["walk"], []])
def test_extents_beyond_the_working_range_exit_2_with_one_line(capsys, command, extent) -> None:
    # info/render/walk on ±1e300 crashed with OverflowError, on [0, 1e-300] ZeroDivisionError,
    # and on ±1e150 printed numpy warnings and invented a global minimum; [] is the app
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run(capsys, *command, "himmelblau", extent)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("losswalk: --extent ")
    assert "coordinates within ±5e+09" in err and "at least 1e-09 x max(5, its" in err


def test_the_edges_of_the_working_range_are_accepted(capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wide = run_json(capsys, "info", "himmelblau", "--extent=-5e9,5e9,-5e9,5e9")
        narrow = run_json(capsys, "info", "himmelblau", "--extent=3,3.00000001,2,2.00000001")
    assert wide["counts"] == {"minimum": 4, "saddle": 4, "maximum": 1}
    assert [(p["w1"], p["w2"]) for p in narrow["minima"]] == [(3.0, 2.0)]


def test_extreme_extent_refused_in_a_real_process_without_warning_text() -> None:
    done = subprocess.run([sys.executable, "-m", "losswalk", "info", "himmelblau",
                           "--extent=-1e300,1e300,-1e300,1e300"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Warning" not in done.stderr
