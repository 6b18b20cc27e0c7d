"""`losswalk info` on surface files with flat regions (issue 11 §1): honest counts and losses."""

from __future__ import annotations

import json

import numpy as np

from losswalk.tui.cli import main


def _info(capsys, path) -> dict:
    code = main(["info", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_info_on_a_flat_floor_and_a_constant_surface(capsys, tmp_path) -> None:
    x = np.linspace(-1.0, 1.0, 51)
    r2 = x[np.newaxis, :] ** 2 + x[:, np.newaxis] ** 2
    np.savez(tmp_path / "floor.npz", x=x, y=x, loss=np.maximum(r2 - 0.3, 0.0) + 0.001)
    info = _info(capsys, tmp_path / "floor.npz")
    assert info["counts"] == {"minimum": 1, "saddle": 0, "maximum": 0}
    assert [m["loss"] for m in info["global_minima"]] == [0.001]
    assert info["loss_range"][0] >= 0.001 - 1e-15  # nothing below the grid's lowest value
    assert "flat region" in info["note"]
    np.savez(tmp_path / "const.npz", x=x, y=x, loss=np.full((51, 51), 0.7))
    info = _info(capsys, tmp_path / "const.npz")
    assert info["counts"] == {"minimum": 1, "saddle": 0, "maximum": 0}
    assert info["global_minima"] == [{"w1": 0.0, "w2": 0.0, "loss": 0.7}]
    assert info["loss_range"] == [0.7, 0.7]
