"""`losswalk basins NAME`: each basin's share of the map, bounded, one line on mistakes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from losswalk.core.landscapes.models import make_model
from losswalk.core.walk.basins import BasinSettings, walk_many
from tests.tui.conftest import run


def test_basins_json_gives_each_basins_share(capsys) -> None:
    code, out, err = run(capsys, "basins", "himmelblau", "--resolution", "21", "--json")
    assert code == 0, err
    shares = json.loads(out)
    assert shares["landscape"] == "himmelblau" and shares["resolution"] == 21
    assert (shares["optimizer"], shares["lr"], shares["schedule"], shares["steps"]) == (
        "sgd", 0.01, "constant", 500)
    assert len(shares["basins"]) == 4 and all(b["global"] for b in shares["basins"])
    cells = [b["cells"] for b in shares["basins"]]
    cells += [shares["diverged"]["cells"], shares["not_settled"]["cells"]]
    assert sum(cells) == 21 * 21
    for b in shares["basins"]:
        assert b["share"] == b["cells"] / 441 and 0.2 < b["share"] < 0.3


def test_basins_shares_count_independent_single_walks(capsys) -> None:
    """The CLI's count of one basin against an independent count: each start walked by the
    batch, then matched to the nearest minimum by hand."""
    code, out, _ = run(capsys, "basins", "two-dip", "--resolution", "7", "--steps", "300",
                       "--optimizer", "momentum", "--lr", "0.02", "--json")
    assert code == 0
    shares = json.loads(out)
    model = make_model("two-dip")
    x0, x1, y0, y1 = model.extent
    w1s = x0 + (np.arange(7) + 0.5) * (x1 - x0) / 7
    w2s = y0 + (np.arange(7) + 0.5) * (y1 - y0) / 7
    starts = np.array([(a, b) for b in w2s for a in w1s])
    finals, _ = walk_many(model, starts, BasinSettings("momentum", 0.02, steps=300,
                                                       total_steps=300))
    for basin in shares["basins"]:
        near = np.hypot(finals[:, 0] - basin["w1"], finals[:, 1] - basin["w2"]) < 1e-3
        assert basin["cells"] == int(near.sum())


def test_basins_text_table(capsys) -> None:
    code, out, _ = run(capsys, "basins", "bowl", "--resolution", "5", "--steps", "200")
    assert code == 0
    assert "basins of bowl: 5x5 starts x 200 steps, sgd" in out
    assert "100.00%" in out and "not settled within 200 steps" in out


@pytest.mark.parametrize("argv, words", [
    (["--optimizer", "nope"], "unknown optimizer"),
    (["--schedule", "nope"], "unknown schedule"),
    (["--lr", "-1"], "--lr"),
    (["--resolution", "1"], "--resolution"),
    (["--steps", "0"], "--steps"),
    (["--momentum", "0.5", "--optimizer", "adam"], "--momentum applies only to"),
    (["--resolution", "1001", "--steps", "100000"], "too much work"),
])
def test_basins_bad_input_is_one_line(capsys, argv, words) -> None:
    code, out, err = run(capsys, "basins", "himmelblau", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("losswalk: ") and words in err


def test_basins_refuses_too_much_work_on_data_landscapes(capsys) -> None:
    code, _, err = run(capsys, "basins", "logistic", "--resolution", "1001", "--steps", "2000")
    assert code == 2 and "x 200 examples is too much work" in err
