"""Surface files: Li et al.'s HDF5, npz and long CSV read right (axes, gaps), written so that
they round-trip, and malformed ones refused with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

from losswalk.core.files.surfaces import (
    INSTALL_HDF5,
    SurfaceFileError,
    read_surface_file,
    surface_bytes,
)
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.models import make_model
from tests.core.surface_fixtures import (
    TEST_SHIFT,
    XS,
    YS,
    bowl,
    grid_values,
    li_layout,
    write_li_h5,
    write_long_csv,
    write_npz,
)

h5py = pytest.importorskip("h5py")


def test_li_layout_is_meshgrid_order_in_an_nx_by_ny_array() -> None:
    """The fixture itself, by hand: flat entry k of the (nx, ny) array is meshgrid point k,
    i.e. (x[k % nx], y[k // nx]), so its shape is not the meshgrid's."""
    x, y = np.array([0.0, 1.0, 2.0]), np.array([10.0, 20.0])
    stored = li_layout(x, y, lambda a, b: a + b)
    assert stored.shape == (3, 2)
    assert stored.ravel().tolist() == [10.0, 11.0, 12.0, 20.0, 21.0, 22.0]


def test_h5_values_land_on_their_own_coordinates(tmp_path) -> None:
    path = tmp_path / "surface.h5"
    write_li_h5(path)
    data = read_surface_file(path)
    assert data.x.tolist() == XS.tolist() and data.y.tolist() == YS.tolist()
    assert set(data.surfaces) == {"train_loss", "test_loss", "train_acc"}
    expected = grid_values()
    assert data.surfaces["train_loss"].shape == (len(YS), len(XS))
    np.testing.assert_array_equal(data.surfaces["train_loss"], expected)
    # spot checks against the formula, indexed [j, i] at (x[i], y[j])
    for j, i in [(0, 0), (3, 17), (16, 22), (9, 1)]:
        assert data.surfaces["train_loss"][j, i] == bowl(XS[i], YS[j])
        assert data.surfaces["test_loss"][j, i] == bowl(XS[i], YS[j], *TEST_SHIFT)


def test_h5_sentinels_are_not_computed(tmp_path) -> None:
    path = tmp_path / "partial.h5"
    gaps = {0, 5, 100, 390}
    write_li_h5(path, not_computed=gaps, eigs=True)
    data = read_surface_file(path)
    nx = len(XS)
    for name in ("train_loss", "test_loss", "train_acc", "min_eig", "max_eig"):
        values = data.surfaces[name]
        missing = {int(j * nx + i) for j, i in np.argwhere(np.isnan(values))}
        assert missing == gaps, name
    assert np.nanmin(data.surfaces["min_eig"]) == -0.5  # computed cells keep their values
    assert np.nanmax(data.surfaces["max_eig"]) == 4.0


def test_h5_one_d_file_reads_as_a_line(tmp_path) -> None:
    path = tmp_path / "line.h5"
    x = np.linspace(-1, 1, 11)
    with h5py.File(path, "w") as f:
        f["xcoordinates"] = x
        f["train_loss"] = (x - 0.2) ** 2
    data = read_surface_file(path)
    assert data.one_d and data.y is None
    np.testing.assert_array_equal(data.surfaces["train_loss"], (x - 0.2) ** 2)


def test_npz_and_long_csv_read_the_same_grid(tmp_path) -> None:
    write_npz(tmp_path / "s.npz")
    write_long_csv(tmp_path / "s.csv", skip={(4, 7)})
    npz, csv = read_surface_file(tmp_path / "s.npz"), read_surface_file(tmp_path / "s.csv")
    for data in (npz, csv):
        assert data.x.tolist() == XS.tolist() and data.y.tolist() == YS.tolist()
    np.testing.assert_array_equal(npz.surfaces["loss"], grid_values())
    expected = grid_values()
    expected[7, 4] = np.nan  # the row left out of the CSV is a gap
    np.testing.assert_array_equal(csv.surfaces["loss"], expected)


def test_csv_without_header_is_x_y_loss(tmp_path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("1,10,5\n0,10,4\n\n0,20,6\n1,20,7\n")
    data = read_surface_file(path)
    assert data.x.tolist() == [0, 1] and data.y.tolist() == [10, 20]
    assert data.surfaces["loss"].tolist() == [[4, 5], [6, 7]]


BAD_NPZ = {
    "wrong shape": ({"x": XS, "y": YS, "loss": grid_values().T},
                    "loss has shape (23, 17), expected (17, 23)"),
    "NaN": ({"x": XS, "y": YS, "loss": np.where(grid_values() > 2, np.nan, grid_values())},
            "loss has a value that is not a finite number"),
    "no loss": ({"x": XS, "y": YS}, "no array 'loss'"),
    "x decreasing": ({"x": XS[::-1], "y": YS, "loss": grid_values()},
                     "x must increase strictly"),
    "text": ({"x": XS, "y": YS, "loss": np.array(["a"] * (23 * 17)).reshape(17, 23)},
             "loss must hold numbers"),
}


@pytest.mark.parametrize("case", BAD_NPZ)
def test_malformed_npz_is_one_line(tmp_path, case) -> None:
    arrays, message = BAD_NPZ[case]
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(SurfaceFileError) as info:
        read_surface_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_pickled_npz_is_refused_without_unpickling(tmp_path) -> None:
    path = tmp_path / "pickled.npz"
    marker = tmp_path / "ran"
    np.savez(path, x=XS, y=YS, loss=np.array([_Boom(str(marker))], dtype=object))
    with pytest.raises(SurfaceFileError, match="holds pickled objects"):
        read_surface_file(path)
    assert not marker.exists()


class _Boom:
    """Unpickling this creates a file: proof that a pickle was (or was not) loaded."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


BAD_H5 = {
    "no xcoordinates": ({"ycoordinates": YS, "train_loss": li_layout(XS, YS, bowl)},
                        "no 'xcoordinates' dataset"),
    "no surface": ({"xcoordinates": XS, "ycoordinates": YS}, "no surface dataset"),
    "wrong size": ({"xcoordinates": XS, "ycoordinates": YS,
                    "train_loss": np.zeros((len(XS), len(YS) - 1))},
                   "train_loss has shape (23, 16), expected 17 x 23 values"),
    "NaN": ({"xcoordinates": XS, "ycoordinates": YS,
             "train_loss": np.full((len(XS), len(YS)), np.nan)},
            "train_loss has a value that is not a finite number"),
    "all sentinels": ({"xcoordinates": XS, "ycoordinates": YS,
                       "train_loss": -np.ones((len(XS), len(YS)))},
                      "train_loss has no computed value"),
    "2-D coordinates": ({"xcoordinates": np.zeros((2, 2)), "ycoordinates": YS,
                         "train_loss": np.zeros(4)},
                        "xcoordinates must be a 1-D array"),
}


@pytest.mark.parametrize("case", BAD_H5)
def test_malformed_h5_is_one_line(tmp_path, case) -> None:
    datasets, message = BAD_H5[case]
    path = tmp_path / "bad.h5"
    with h5py.File(path, "w") as f:
        for name, value in datasets.items():
            f[name] = value
    with pytest.raises(SurfaceFileError) as info:
        read_surface_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("junk.h5", b"not hdf5 at all", "not an HDF5 file"),
    ("junk.npz", b"not a zip", "not an .npz archive"),
    ("dup.csv", b"x,y,loss\n0,0,1\n1,0,2\n0,1,5\n1,1,6\n0,0,3\n",
     "the point (0, 0) is given twice"),
    ("short.csv", b"0,0,1\n1,0\n", "short.csv:2: expected 3 fields x,y,loss, got 2"),
    ("nan.csv", b"0,0,1\n1,0,nan\n", "nan.csv:2: a value that is not a finite number"),
    ("word.csv", b"0,0,1\n1,zero,2\n", "word.csv:2: not a number: 'zero'"),
    ("head.csv", b"w1,w2,loss\n0,0,1\n", "the header must name the columns x, y and loss"),
    ("empty.csv", b"", "no rows of x,y,loss"),
    ("one.csv", b"0,0,1\n", "x needs at least 2 coordinates, got 1"),
    ("surface.txt", b"", "not a surface file (use .h5, .hdf5, .npz or .csv)"),
])
def test_malformed_files_are_one_line(tmp_path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SurfaceFileError) as info:
        read_surface_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_h5_without_h5py_names_the_install_command(tmp_path, monkeypatch) -> None:
    path = tmp_path / "surface.h5"
    write_li_h5(path)
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    with pytest.raises(SurfaceFileError) as info:
        read_surface_file(path)
    assert str(info.value) == ("reading and writing HDF5 files needs h5py: "
                               "pip install 'losswalk[hdf5]'")
    assert INSTALL_HDF5 == "pip install 'losswalk[hdf5]'"


@pytest.mark.parametrize("fmt", ["npz", "csv", "h5"])
@pytest.mark.parametrize("name", ["himmelblau", "camel", "logistic"])
def test_export_then_read_round_trips(tmp_path, fmt, name) -> None:
    model = make_model(name)
    x0, x1, y0, y1 = model.extent
    grid = evaluate(model, (x0, x1, y0, 0.5 * (y0 + y1)), 37, 21)
    path = tmp_path / f"surface.{fmt}"
    path.write_bytes(surface_bytes(fmt, grid.w1s, grid.w2s, grid.values))
    data = read_surface_file(path)
    assert data.x.tolist() == grid.w1s.tolist() and data.y.tolist() == grid.w2s.tolist()
    (values,) = data.surfaces.values()
    np.testing.assert_allclose(values, grid.values, rtol=1e-12, atol=0)


def test_csv_export_leaves_out_points_that_are_not_numbers(tmp_path) -> None:
    values = grid_values()
    values[3, 5] = np.inf
    path = tmp_path / "gap.csv"
    path.write_bytes(surface_bytes("csv", XS, YS, values))
    loss = read_surface_file(path).surfaces["loss"]
    assert np.isnan(loss[3, 5]) and np.count_nonzero(np.isnan(loss)) == 1
    with pytest.raises(SurfaceFileError, match=r"an \.npz surface cannot hold"):
        surface_bytes("npz", XS, YS, values)



@pytest.mark.parametrize("gap", [np.s_[0, :], np.s_[3, :], np.s_[-1, :], np.s_[:, 0],
                                 np.s_[:, 5]], ids=["y0", "y3", "ylast", "x0", "x5"])
def test_csv_export_refuses_a_row_or_column_with_no_point(tmp_path, gap) -> None:
    """A long CSV has no place for a coordinate without a single computed point: its row would
    vanish and the spline would bridge the gap, so the writer says so instead (h5 keeps it)."""
    values = grid_values()
    values[gap] = np.nan
    with pytest.raises(SurfaceFileError, match=r"no computed point .* --format h5"):
        surface_bytes("csv", XS, YS, values)
    path = tmp_path / "gap.h5"
    path.write_bytes(surface_bytes("h5", XS, YS, values))
    data = read_surface_file(path)
    assert data.x.tolist() == XS.tolist() and data.y.tolist() == YS.tolist()
    np.testing.assert_array_equal(data.surfaces["train_loss"], values)

WRITER = textwrap.dedent("""
    import os, sys, time
    from losswalk.core.files import atomic

    def stall(fd):  # the new content is written but not yet renamed over the target
        print("writing", flush=True)
        time.sleep(60)

    atomic.os.fsync = stall
    from losswalk.tui.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("had_old", [True, False])
def test_a_kill_during_export_leaves_the_old_file_or_none(tmp_path, had_old) -> None:
    target = tmp_path / "surface.csv"
    if had_old:
        target.write_text("x,y,loss\n0,0,1\n1,0,2\n0,1,3\n1,1,4\n")
    old = target.read_bytes() if had_old else None
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, "export-surface", "himmelblau", "--output", str(target)],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    if had_old:
        assert target.read_bytes() == old
        read_surface_file(target)  # still a whole, readable file
    else:
        assert not target.exists()


def save_npz_quickly(path, **arrays) -> None:
    """The file np.savez_compressed writes, deflated at level 1: a 4-million-value axis takes
    0.1 s of CPU, not 1.3 s at the default level."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array))


@pytest.mark.parametrize("fmt", ["h5", "npz"])
def test_an_oversized_array_is_refused_before_it_is_read(tmp_path, fmt) -> None:
    """A surface (or axis) with far more values than the limit, stored small (unwritten HDF5
    chunks, a compressed npz), is refused from its header, not after reading it all."""
    import tracemalloc

    from losswalk.core.files.surfaces import MAX_POINTS

    big = MAX_POINTS + 1000
    cases = {"loss": (XS, YS, (big,)), "axis": (np.arange(big, dtype=float), YS, (2,))}
    for what, (xs, ys, loss_shape) in cases.items():
        path = tmp_path / f"{what}.{fmt}"
        if fmt == "h5":
            with h5py.File(path, "w") as f:
                f.create_dataset("xcoordinates", data=xs, chunks=True, compression="gzip",
                                 compression_opts=1)
                f["ycoordinates"] = ys
                f.create_dataset("train_loss", shape=loss_shape, dtype="f8", chunks=True)
        else:
            save_npz_quickly(path, x=xs, y=ys, loss=np.zeros(loss_shape))
        tracemalloc.start()
        try:
            with pytest.raises(SurfaceFileError, match=r"has shape|more than the"):
                read_surface_file(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < big * 8 // 4, (what, peak)


@pytest.mark.parametrize("header", ["x,y,loss\r\n", ""])
def test_a_csv_with_a_byte_order_mark_reads_as_without(tmp_path, header) -> None:
    """Excel's 'CSV UTF-8' (and pandas' utf-8-sig) starts with a BOM: the --data reader takes
    it, and the surface reader read it as part of the first name or number."""
    body = header + "0,0,1\r\n1,0,2\r\n0,1,3\r\n1,1,0.5\r\n"
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    plain.write_text(body, newline="")
    marked.write_bytes(b"\xef\xbb\xbf" + body.encode())
    np.testing.assert_array_equal(read_surface_file(marked).surfaces["loss"],
                                  read_surface_file(plain).surfaces["loss"])


def test_csv_coordinates_that_differ_by_rounding_are_one_grid_line(tmp_path) -> None:
    """Rows written from np.linspace and from np.arange (x differs by ~4e-16) made a 20x7 grid
    with 63 points 'not computed' out of an 11x7 grid with none missing."""
    xs, ys = np.linspace(-1, 1, 11), np.linspace(-1, 1, 7)
    other = np.arange(-1, 1.0001, 0.2)
    assert 0 < np.abs(xs - other).max() < 1e-15
    lines = ["x,y,loss"]
    for j, y in enumerate(ys):
        for i, x in enumerate(xs if j % 2 == 0 else other):
            lines.append(f"{float(x)!r},{float(y)!r},{float(10 * j + i)!r}")
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n")
    data = read_surface_file(path)
    np.testing.assert_allclose(data.x, xs, rtol=0, atol=1e-15)
    assert data.y.tolist() == ys.tolist()
    np.testing.assert_array_equal(data.surfaces["loss"], 10 * np.arange(7)[:, None]
                                  + np.arange(11)[None, :])
