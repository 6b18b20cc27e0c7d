"""Surface files from the command line and in the app: open, info, render --format/--output,
export-surface, and one line for every mistake."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from losswalk.core.files.surfaces import read_surface_file
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.models import LandscapeOptions, make_model
from losswalk.tui.app import LosswalkApp
from losswalk.tui.cli import main
from tests.core.surface_fixtures import (
    GRID_MIN,
    TEST_GRID_MIN,
    write_li_h5,
    write_long_csv,
    write_npz,
)
from tests.tui.conftest import run, screen_text, wait_for_map, wait_until

pytest.importorskip("h5py")
SGR = re.compile(r"\x1b\[[0-9;]*m")
CELL_WIDTH = 12.2  # rich's SVG export: the width of one terminal cell
WRITERS = {"h5": write_li_h5, "npz": write_npz, "csv": write_long_csv}


@pytest.fixture(params=list(WRITERS))
def surface_file(request, tmp_path):
    path = tmp_path / f"surface.{request.param}"
    if request.param == "csv":
        write_long_csv(path, skip={(0, 16), (22, 0)})  # two corners never computed
    else:
        WRITERS[request.param](path)
    return str(path)


def test_info_reports_the_files_minimum(capsys, surface_file) -> None:
    code, out, err = run(capsys, "info", surface_file, "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["landscape"] == "surface." + surface_file.rsplit(".", 1)[1]
    (best,) = info["global_minima"]
    assert (best["w1"], best["w2"]) == pytest.approx(GRID_MIN[:2], abs=2e-4)
    assert info["counts"] == {"minimum": 1, "saddle": 0, "maximum": 0}
    code, out, _ = run(capsys, "info", surface_file)
    assert code == 0 and "grid, spline between points" in out


def test_info_surface_flag(capsys, tmp_path) -> None:
    path = str(tmp_path / "s.h5")
    write_li_h5(path)
    code, out, err = run(capsys, "info", path, "--surface", "test_loss", "--json")
    assert code == 0, err
    (best,) = json.loads(out)["global_minima"]
    assert (best["w1"], best["w2"]) == pytest.approx(TEST_GRID_MIN[:2], abs=2e-4)


def test_render_formats_draw_the_same_picture(capsys, tmp_path, surface_file) -> None:
    txt, ansi, svg = (tmp_path / f"map.{s}" for s in ("txt", "ans", "svg"))
    for target in (txt, ansi, svg):
        code, out, err = run(capsys, "render", surface_file, "--output", str(target))
        assert (code, out, err) == (0, "", "")
    size = ("--width", "80", "--height", "24")
    code, plain, _ = run(capsys, "render", surface_file, "--color", "none", *size)
    assert code == 0
    assert txt.read_text() == plain and "\x1b" not in plain
    code, coloured, _ = run(capsys, "render", surface_file, "--color", "truecolor", *size)
    assert ansi.read_text() == coloured and "\x1b[" in coloured
    if surface_file.endswith(".csv"):  # the two corners never computed are marked, and said
        assert plain.splitlines()[1][8] == "?" and "; 2 not computed (?)" in plain
    assert _svg_rows(svg.read_text()) == SGR.sub("", coloured).splitlines()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _svg_rows(document: str, width: int = 80) -> list[str]:
    """The characters of each terminal line of a rich SVG export: each text run placed at its
    column (x / the cell width; rich leaves unstyled blanks out)."""
    root = ET.fromstring(document)
    assert root.tag.endswith("svg")
    rows: dict[int, list[str]] = {}
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        line = re.search(r"line-(\d+)\)$", text.get("clip-path", ""))
        content = (text.text or "").replace("\xa0", " ").removesuffix("\n")
        if line and content:
            row = rows.setdefault(int(line.group(1)), [" "] * width)
            column = round(float(text.get("x")) / CELL_WIDTH)
            row[column:column + len(content)] = content
    return ["".join(rows.get(k, [" "] * width)) for k in range(max(rows) + 1)]


def test_render_format_to_stdout_and_refusals(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "render", "bowl", "--format", "txt", "--width", "40",
                       "--height", "12")
    assert code == 0 and len(out.splitlines()) == 12 and "\x1b" not in out
    code, _, err = run(capsys, "render", "bowl", "--output", str(tmp_path / "map.png"))
    assert code == 2 and err.count("\n") == 1 and "say --format svg, txt or ansi" in err
    code, _, err = run(capsys, "render", "bowl", "--output", str(tmp_path / "no" / "m.txt"))
    assert code == 2 and err == (f"losswalk: cannot write {tmp_path / 'no' / 'm.txt'}: "
                                 "No such file or directory\n")


@pytest.mark.parametrize("fmt", ["npz", "csv", "h5"])
def test_export_surface_round_trips(capsys, tmp_path, fmt) -> None:
    target = tmp_path / f"himmelblau.{fmt}"
    code, out, err = run(capsys, "export-surface", "himmelblau", "--resolution", "31",
                         "--extent", "-5,5,-3,4", "--output", str(target))
    assert (code, out, err) == (0, "", "")
    model = make_model("himmelblau")
    grid = evaluate(model, (-5, 5, -3, 4), 31, 31)
    (values,) = read_surface_file(target).surfaces.values()
    np.testing.assert_allclose(values, grid.values, rtol=1e-12, atol=0)
    opened = make_model(str(target))
    np.testing.assert_allclose(opened.loss_grid(grid.w1s, grid.w2s), grid.values,
                               rtol=1e-12, atol=1e-12)
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not left private by the temp file


def test_export_surface_format_flag_and_mistakes(capsys, tmp_path) -> None:
    target = tmp_path / "data.bin"
    code, _, err = run(capsys, "export-surface", "bowl", "--format", "csv", "--output",
                       str(target))
    assert code == 0, err
    assert target.read_text().startswith("x,y,loss\n")
    code, _, err = run(capsys, "export-surface", "bowl", "--output", str(tmp_path / "x.bin"))
    assert code == 2 and "say --format npz, csv or h5" in err
    code, _, err = run(capsys, "export-surface", "bowl")
    assert code == 2 and "--output" in err and err.count("\n") == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["info", "nosuch"], "losswalk: unknown landscape 'nosuch' (choose from: logistic"),
    (["render", "nosuch.h5"], "and no file of that name"),
    (["open", "nosuch.npz"], "losswalk: open needs a surface file: losswalk open FILE"),
    (["info", "bowl", "--surface", "test_loss"],
     "losswalk: --surface applies only to surface files (.h5, .npz, .csv) (not bowl)"),
])
def test_names_that_are_neither_landscape_nor_file(capsys, argv, message) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_bad_files_are_one_line(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.arange(3.0), y=np.arange(2.0), loss=np.zeros((3, 2)))
    code, _, err = run(capsys, "info", str(bad))
    assert code == 2 and err.count("\n") == 1
    assert "loss has shape (3, 2), expected (2, 3)" in err
    (tmp_path / "junk.h5").write_bytes(b"junk")
    code, _, err = run(capsys, "render", str(tmp_path / "junk.h5"))
    assert code == 2 and "not an HDF5 file" in err and "Traceback" not in err


def test_h5_without_h5py_says_the_command(capsys, tmp_path, monkeypatch) -> None:
    path = tmp_path / "s.h5"
    write_li_h5(path)
    monkeypatch.setitem(sys.modules, "h5py", None)
    code, _, err = run(capsys, "info", str(path))
    assert (code, err) == (2, "losswalk: reading and writing HDF5 files needs h5py: "
                              "pip install 'losswalk[hdf5]'\n")


async def test_app_opens_a_file_and_g_finds_its_minimum(tmp_path) -> None:
    path = tmp_path / "surface.h5"
    write_li_h5(path)
    app = LosswalkApp(LandscapeOptions.from_user(str(path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        assert "surface.h5" in screen_text(pilot)
        assert "slope: spline of grid" in screen_text(pilot)
        await pilot.press("g")
        assert tuple(app.explorer.walker.position) == pytest.approx(GRID_MIN[:2], abs=2e-4)
        await pilot.press("space")
        assert app.explorer.walker.steps == 0 or app.explorer.walker.status.value != "diverged"


def _line_file(tmp_path):
    import h5py

    x = np.linspace(-1.0, 1.5, 41)
    path = tmp_path / "line.h5"
    with h5py.File(path, "w") as f:
        f["xcoordinates"] = x
        f["train_loss"] = (x - 0.3) ** 2 * (x + 0.6) ** 2 + 0.1 * x + 0.2
    return str(path)


def test_one_d_file_info_and_render(capsys, tmp_path) -> None:
    from losswalk.core.landscapes.gridsurface import load_line

    path = _line_file(tmp_path)
    code, out, err = run(capsys, "info", path, "--json")
    assert code == 0, err
    info = json.loads(out)
    expected = load_line(path).critical_points()
    assert info["counts"] == {"minimum": 2, "saddle": 0, "maximum": 1}
    best = min((p for p in expected if p[2] == "minimum"), key=lambda p: p[1])
    assert info["global_minima"] == [{"w1": best[0], "w2": None, "loss": best[1]}]
    assert info["extent"] == [-1.0, 1.5] and info["grid_shape"] == [41]
    code, out, _ = run(capsys, "render", path, "--width", "60", "--height", "16",
                       "--charset", "ascii")
    assert code == 0 and out.isascii() and out.count("G") == 1 and len(out.splitlines()) == 16
    code, _, err = run(capsys, "render", path, "--walk", "sgd")
    assert code == 2 and "--walk does not apply to" in err and "a 1-D surface is a line" in err


async def test_app_opens_a_one_d_file_as_a_line_plot(tmp_path) -> None:
    from losswalk.core.landscapes.gridsurface import load_line
    from losswalk.tui.screens.line_surface import TOO_SMALL, LineSurfaceApp

    app = LineSurfaceApp(load_line(_line_file(tmp_path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(pilot)
        assert "line.h5: train_loss, 41 points along a line" in text and "★" in text
        await pilot.resize_terminal(19, 10)
        await pilot.pause()
        assert TOO_SMALL in screen_text(pilot)
        await pilot.press("q")


def test_open_checks_the_file_before_asking_for_a_terminal(tmp_path) -> None:
    """`losswalk open FILE` in a pipe: a good file gets as far as the terminal check (the file
    was read and its model built), a bad one is refused for what is wrong with it."""
    import subprocess

    good, bad = tmp_path / "good.npz", tmp_path / "bad.csv"
    write_npz(good)
    bad.write_text("x,y,loss\n0,0\n")
    for path, message in ((good, "the app needs a terminal"), (bad, "bad.csv:2: expected 3")):
        result = subprocess.run([sys.executable, "-m", "losswalk", "open", str(path)],
                                capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=60)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and message in result.stderr


@pytest.mark.parametrize("charset, dots", [("ascii", "..."), ("unicode", "…")])
def test_a_cut_title_ends_in_an_ellipsis_not_half_a_number(capsys, tmp_path, charset,
                                                            dots) -> None:
    """'; 81 not computed' cut to '; 8' read as a wrong count: a cut title says it was cut."""
    path = tmp_path / "surface.csv"
    write_long_csv(path, skip={(0, 16), (22, 0)})
    code, plain, _ = run(capsys, "render", str(path), "--charset", charset, "--width", "40",
                         "--height", "12")
    assert code == 0
    title = plain.splitlines()[0].rstrip()
    assert title.endswith(dots) and len(title) == 40
    line = _line_file(tmp_path)
    code, plain, _ = run(capsys, "render", line, "--charset", charset, "--width", "20",
                         "--height", "12")
    assert code == 0 and plain.splitlines()[0].rstrip().endswith(dots)


async def test_the_line_plot_app_in_ascii_is_all_ascii(tmp_path) -> None:
    """--charset ascii holds for the whole screen of a 1-D file, footer included (it showed
    Textual's '▏^p palette', a command palette the main app does not offer either)."""
    from losswalk.core.landscapes.gridsurface import load_line
    from losswalk.tui.screens.line_surface import LineSurfaceApp

    app = LineSurfaceApp(load_line(_line_file(tmp_path)), charset="ascii")
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_until(pilot, lambda: "q quit" in screen_text(pilot))
        text = screen_text(pilot)
        assert "q quit" in text and text.isascii(), text
        await pilot.press("q")


def test_open_has_its_own_help(capsys, monkeypatch) -> None:
    """`losswalk open --help` printed the plain app's help ('usage: losswalk [-h] ... [name]'),
    and a mistake after `open` pointed at 'losswalk --help'."""
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as done:
        main(["open", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and out.startswith("usage: losswalk open FILE")
    assert "--surface" in out and "plot_surface.py" in out
    assert max(map(len, out.splitlines())) <= 80
    code, _, err = run(capsys, "open", "x.h5", "--bogus")
    assert code == 2 and err.rstrip().endswith("(see 'losswalk open --help')")


def test_a_line_lowest_beside_a_gap_is_not_said_to_be_lowest_at_its_end(capsys, tmp_path) -> None:
    """(x - 0.3)^2 + 0.5 with x = 0.2, 0.3, 0.4 never computed: the lowest known loss is 0.54
    at x = 0.1 and 0.5, yet info said 'the loss is lowest at the end of the line, x = 1, loss
    0.99'."""
    import h5py

    x = np.linspace(-1.0, 1.0, 21)
    values = (x - 0.3) ** 2 + 0.5
    values[12:15] = -1.0
    path = tmp_path / "gap.h5"
    with h5py.File(path, "w") as f:
        f["xcoordinates"], f["train_loss"] = x, values
    code, out, err = run(capsys, "info", str(path), "--json")
    assert code == 0, err
    info = json.loads(out)
    assert "end of the line" not in info["note"] and info["global_minima"] == []
    assert "x = 0.1, loss 0.54" in info["note"] and "never computed" in info["note"]
    mirrored = tmp_path / "edge.h5"  # the end of the line really is lowest: still said
    with h5py.File(mirrored, "w") as f:
        f["xcoordinates"], f["train_loss"] = x, -x + 2.0
    code, out, err = run(capsys, "info", str(mirrored), "--json")
    assert json.loads(out)["note"] == "the loss is lowest at the end of the line, x = 1, loss 1"
