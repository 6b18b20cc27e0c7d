"""The network slices on the command line: --hidden and --direction-seed, info --json, walk,
render drawing the PCA plane's run, and one-line refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from losswalk.core.landscapes.models import make_model
from losswalk.core.landscapes.slices import run_trail
from tests.tui.conftest import run


def test_info_json_on_both_slices_says_they_are_slices(capsys):
    for name in ("mlp-random", "mlp-pca"):
        code, out, err = run(capsys, "info", name, "--resolution", "33", "--json")
        assert code == 0, err
        info = json.loads(out)
        assert info["landscape"] == name and "337 weights" in info["description"]
        assert "a 2-D slice of a 337-dimensional weight space" in info["note"]
        assert info["grid_shape"] == [33, 33] and info["global_minima"]
    info = json.loads(run(capsys, "info", "mlp-random", "--resolution", "33", "--json")[1])
    best = info["global_minima"][0]
    model = make_model("mlp-random")
    assert best["loss"] == pytest.approx(model.loss([best["w1"], best["w2"]]), rel=1e-9)


def test_direction_seed_and_hidden_flags_reach_the_model(capsys):
    code, out, err = run(capsys, "info", "mlp-random", "--direction-seed", "7", "--hidden",
                         "8,8", "--resolution", "17", "--json")
    assert code == 0, err
    description = json.loads(out)["description"]
    assert "direction seed 7" in description and "2→8→8→1 tanh MLP (105 weights)" in description


def test_walk_on_the_slice_follows_the_plane_gradient(capsys):
    code, out, err = run(capsys, "walk", "mlp-random", "--steps", "2", "--lr", "0.1", "--json")
    assert code == 0, err
    rows = json.loads(out)["trajectory"]
    model = make_model("mlp-random")
    start = np.array([rows[0]["w1"], rows[0]["w2"]])
    expected = start - 0.1 * model.grad(start)
    assert [rows[1]["w1"], rows[1]["w2"]] == pytest.approx(expected, rel=1e-9)


def test_render_draws_the_training_run_on_the_pca_plane(capsys, monkeypatch):
    drawn = []
    from losswalk.tui.commands import render as cli

    original = cli._render_page

    def spy(model, extent, report, trail, args, colour):
        drawn.append(trail)
        return original(model, extent, report, trail, args, colour)

    monkeypatch.setattr(cli, "_render_page", spy)
    code, out, _ = run(capsys, "render", "mlp-pca", "--width", "60", "--height", "16",
                       "--color", "none", "--charset", "ascii")
    assert code == 0 and out.isascii() and "o" in out
    assert drawn[0] == [(p.w1, p.w2) for p in run_trail(make_model("mlp-pca"))]


@pytest.mark.parametrize("argv, fragment", [
    (["info", "mlp-pca", "--direction-seed", "3"],
     "--direction-seed applies only to the network slices: mlp-random (not mlp-pca)"),
    (["info", "bowl", "--hidden", "4"], "--hidden applies only to the network slices"),
    (["info", "mlp-random", "--hidden", "16,x"], "hidden layers are 1 to 3 whole numbers"),
    (["info", "mlp-random", "--hidden", "300"], "hidden layers are 1 to 3 whole numbers"),
    (["info", "mlp-random", "--direction-seed", "-1"], "--direction-seed"),
    (["info", "mlp-random", "--dataset", "line"], "the MLP needs 2 input columns"),
    (["info", "mlp-random", "--l2", "0.1"], "binary cross-entropy without a penalty"),
])
def test_slice_mistakes_are_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("losswalk: ") and fragment in err and err.count("\n") == 1


def test_csv_data_trains_the_network(capsys, tmp_path):
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(1, 1, (40, 2)), rng.normal(-1, 1, (40, 2))])
    path = tmp_path / "mine.csv"
    path.write_text("x1,x2,y\n" + "\n".join(f"{a},{b},{int(i < 40)}"
                                            for i, (a, b) in enumerate(x)))
    code, out, err = run(capsys, "info", "mlp-pca", "--data", str(path), "--resolution", "17",
                         "--json")
    assert code == 0, err
    assert "trained on mine.csv (80 examples)" in json.loads(out)["description"]
