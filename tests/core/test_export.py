"""The export's files: the trail's rows are the walker's own history, written exactly, atomically,
under names with the landscape and the time; a folder that cannot take them is one clear error."""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
from datetime import datetime

import numpy as np
import pytest

from losswalk.core.files import export as export_module
from losswalk.core.files.export import (
    TRAIL_FIELDS,
    Export,
    ExportError,
    file_names,
    safe_stem,
    trail_csv,
    trail_json,
    trail_rows,
    write_export,
)
from losswalk.core.landscapes.models import make_model
from losswalk.core.walk.walker import TrailPoint, Walker

WHEN = datetime(2026, 11, 30, 21, 5, 9)


def _walked() -> Walker:
    """Three sgd steps, then two adam steps, on Himmelblau."""
    walker = Walker(make_model("himmelblau"), (0.0, 0.0), optimizer="sgd", lr=0.01)
    for _ in range(3):
        walker.step()
    walker.set_optimizer("adam")
    for _ in range(2):
        walker.step()
    return walker


def test_rows_are_the_walkers_history_checked_against_the_model() -> None:
    walker = _walked()
    model = walker.model
    rows = trail_rows(walker.trail)
    assert [r["step"] for r in rows] == [0, 1, 2, 3, 4, 5]
    assert [r["optimizer"] for r in rows] == ["sgd"] * 4 + ["adam"] * 2
    assert [r["lr"] for r in rows] == [0.0, 0.01, 0.01, 0.01, 0.01, 0.01]
    assert rows[0]["w1"] == rows[0]["w2"] == 0.0
    for row in rows:  # the loss and |grad| where it stood, from the model itself
        w = np.array([row["w1"], row["w2"]])
        x, y = w
        assert row["loss"] == pytest.approx((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
                                            rel=1e-12)
        assert row["grad_norm"] == pytest.approx(float(np.hypot(*model.grad(w))), rel=1e-12)
    # the first sgd step by hand: w = -lr * grad(0, 0) = -0.01 * (-14, -22)
    assert (rows[1]["w1"], rows[1]["w2"]) == pytest.approx((0.14, 0.22), rel=1e-12)


def test_csv_and_json_read_back_exactly() -> None:
    walker = _walked()
    rows = trail_rows(walker.trail)
    table = list(csv.DictReader(io.StringIO(trail_csv(walker.trail))))
    assert list(table[0]) == list(TRAIL_FIELDS)
    for row, read in zip(rows, table, strict=True):
        assert int(read["step"]) == row["step"] and read["optimizer"] == row["optimizer"]
        for key in ("w1", "w2", "loss", "grad_norm", "lr"):
            assert float(read[key]) == row[key]  # repr round-trips every bit
    loaded = json.loads(trail_json("himmelblau", walker.trail))
    assert loaded == {"landscape": "himmelblau", "trail": rows}


def test_non_finite_values_are_null_in_json_and_blank_in_csv() -> None:
    trail = [TrailPoint(0, 1.0, 2.0, 3.0, 4.0, 0.0, "sgd"),
             TrailPoint(1, 1e308, 2.0, math.inf, math.nan, 0.5, "sgd")]
    assert trail_rows(trail)[1] == {"step": 1, "w1": 1e308, "w2": 2.0, "loss": None,
                                    "grad_norm": None, "lr": 0.5, "optimizer": "sgd"}
    assert json.loads(trail_json("x", trail))["trail"][1]["loss"] is None
    assert trail_csv(trail).splitlines()[2] == "1,1e+308,2.0,,,0.5,sgd"


def test_file_names_carry_landscape_and_time_and_never_overwrite() -> None:
    names = file_names("himmelblau", WHEN)
    assert names == {"svg": "losswalk-himmelblau-20261130-210509.svg",
                     "txt": "losswalk-himmelblau-20261130-210509.txt",
                     "csv": "losswalk-himmelblau-20261130-210509-trail.csv",
                     "json": "losswalk-himmelblau-20261130-210509-trail.json"}
    again = file_names("himmelblau", WHEN, taken=names.values())
    assert again["svg"] == "losswalk-himmelblau-20261130-210509-2.svg"
    assert safe_stem("../a b/\x1b[2J.h5") == "a_b_2J.h5"
    assert safe_stem("///") == "landscape"


def test_write_export_writes_four_files(tmp_path) -> None:
    walker = _walked()
    export = Export("himmelblau", "<svg/>", "screen\n", walker.trail)
    paths = write_export(tmp_path, export, WHEN)
    assert [p.suffix for p in paths] == [".svg", ".txt", ".csv", ".json"]
    assert paths[0].read_text() == "<svg/>" and paths[1].read_text() == "screen\n"
    assert paths[2].read_text() == trail_csv(walker.trail)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    umask = os.umask(0)
    os.umask(umask)
    # for sharing, as open() would make them, not left private by the temporary file
    assert {p.stat().st_mode & 0o777 for p in paths} == {0o666 & ~umask}
    second = write_export(tmp_path, export, WHEN)  # same second: new names, old files kept
    assert second[0].name.endswith("-2.svg") and paths[0].read_text() == "<svg/>"


def test_folders_that_cannot_take_the_files(tmp_path) -> None:
    export = Export("himmelblau", "<svg/>", "", [])
    with pytest.raises(ExportError, match="no such folder"):
        write_export(tmp_path / "missing", export)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        write_export(tmp_path / "file", export)


def test_a_failed_write_is_one_line_naming_the_file(tmp_path, monkeypatch) -> None:
    def full(path, data, mode=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_module, "write_atomic", full)
    with pytest.raises(ExportError, match=r"cannot write .*\.svg: No space left on device"):
        write_export(tmp_path, Export("himmelblau", "<svg/>", "", []), WHEN)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_listed(tmp_path, monkeypatch) -> None:
    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export_module.os, "listdir", refuse)
    with pytest.raises(ExportError, match=r"cannot list .*: Permission denied"):
        write_export(tmp_path, Export("himmelblau", "<svg/>", "", []), WHEN)
