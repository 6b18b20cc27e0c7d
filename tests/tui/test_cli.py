"""The headless command line: list, info, walk, render, and how it reports mistakes."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.models import LANDSCAPES, LogisticModel
from losswalk.tui.cli import main

ESC = "\x1b"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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
    assert final["status"] == "walking" and "too small" in final["message"]
    assert final["steps"] < 100


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
