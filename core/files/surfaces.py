"""Loss surfaces computed elsewhere: read and write them as HDF5, .npz and long-form CSV.

Every format holds one or more surfaces over the same axes x (nx,) and y (ny,). Here a surface's
values are always indexed [j, i] = value at (x[i], y[j]) (row 0 at the smallest y), NaN where the
file says it was never computed; a 1-D surface (no y) is values[i] at x[i].

- HDF5, as written by `plot_surface.py` of Li et al. 2018's loss-landscape code: datasets
  `xcoordinates`, `ycoordinates` (absent for 1-D) and `train_loss`, `train_acc`, `test_loss`,
  `test_acc`, `min_eig`, `max_eig`. Values are stored in meshgrid(x, y).ravel() order (the
  dataset's own shape is (nx, ny)), so the flat values reshaped to (ny, nx) are [j, i] here.
  Cells never computed hold -1 (losses, accuracies, max_eig) or +1 (min_eig).
- .npz: arrays `x`, `y`, `loss` with loss[j, i] at (x[i], y[j]) (1-D: `x`, `loss`), no pickles.
- .csv: rows x,y,loss (an optional header names the columns, in any order), rows in any order,
  missing points allowed: they are cells never computed.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from losswalk.core.drawing.text import safe_text

FORMATS = ("h5", "npz", "csv")
SUFFIXES = {".h5": "h5", ".hdf5": "h5", ".npz": "npz", ".csv": "csv"}
LI_SURFACES = ("train_loss", "test_loss", "train_acc", "test_acc", "min_eig", "max_eig")
NOT_COMPUTED = {"min_eig": 1.0}  # the sentinel of a cell never computed; -1 for every other
DEFAULT_SURFACE = "train_loss"
MAX_POINTS = 4_000_001  # grid points a file may hold (2001 x 2001 and a little more)
MAX_BYTES = 200 * 2**20  # largest CSV file read
INSTALL_HDF5 = "pip install 'losswalk[hdf5]'"
SAME_LINE = 1e-9  # CSV coordinates this close (relative to the axis span) are one grid line


class SurfaceFileError(ValueError):
    """A surface file that cannot be read or written; one line meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(safe_text(message))


@dataclass(frozen=True, eq=False)
class SurfaceData:
    """Surfaces over the axes x (and y): values[j, i] at (x[i], y[j]), NaN = not computed."""

    x: np.ndarray
    y: np.ndarray | None  # None for a 1-D file
    surfaces: dict[str, np.ndarray]

    @property
    def one_d(self) -> bool:
        return self.y is None


def surface_format(path: str | os.PathLike[str]) -> str:
    """'h5', 'npz' or 'csv' from the file's suffix (SurfaceFileError for another)."""
    kind = SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise SurfaceFileError(f"{path}: not a surface file (use .h5, .hdf5, .npz or .csv)")
    return kind


def read_surface_file(path: str | os.PathLike[str]) -> SurfaceData:
    """Every surface in the file at path, checked (SurfaceFileError names what is wrong)."""
    kind = surface_format(path)
    try:
        if kind == "h5":
            return _read_h5(path)
        if kind == "npz":
            return _read_npz(path)
        return _read_csv(path)
    except OSError as exc:
        raise SurfaceFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def pick_surface(data: SurfaceData, path, surface: str | None) -> tuple[str, np.ndarray]:
    """(name, values) of the surface asked for: DEFAULT_SURFACE or the first one by default."""
    names = list(data.surfaces)
    if surface is None:
        surface = DEFAULT_SURFACE if DEFAULT_SURFACE in names else names[0]
    if surface not in data.surfaces:
        raise SurfaceFileError(f"{path}: no surface {surface!r} (the file has: "
                               f"{', '.join(names)})")
    return surface, data.surfaces[surface]


# ----------------------------------------------------------------------------- checks


def _axis(values, path, name: str) -> np.ndarray:
    """A coordinate axis: 1-D, at least 2 finite values, strictly increasing."""
    a = np.asarray(values)
    if a.dtype.kind not in "iuf" or a.ndim != 1:
        raise SurfaceFileError(f"{path}: {name} must be a 1-D array of numbers, got shape "
                               f"{a.shape} of {a.dtype}")
    a = a.astype(float)
    if a.size < 2:
        raise SurfaceFileError(f"{path}: {name} needs at least 2 coordinates, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise SurfaceFileError(f"{path}: {name} has a coordinate that is not a finite number")
    if not np.all(np.diff(a) > 0):
        raise SurfaceFileError(f"{path}: {name} must increase strictly")
    return a


def _values(raw, path, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Surface values of the given shape as floats; NaN or infinity is refused."""
    a = np.asarray(raw)
    if a.dtype.kind not in "iuf":
        raise SurfaceFileError(f"{path}: {name} must hold numbers, got {a.dtype}")
    if a.size != math.prod(shape):
        raise SurfaceFileError(f"{path}: {name} has shape {a.shape}, expected "
                               f"{' x '.join(map(str, shape))} values to match the coordinates")
    a = a.astype(float).reshape(shape)
    if not np.all(np.isfinite(a)):
        bad = np.argwhere(~np.isfinite(a))[0]
        raise SurfaceFileError(f"{path}: {name} has a value that is not a finite number "
                               f"(at index {', '.join(map(str, bad))})")
    return a


def _check_size(path, x: np.ndarray, y: np.ndarray | None) -> None:
    points = x.size * (1 if y is None else y.size)
    if points > MAX_POINTS:
        raise SurfaceFileError(f"{path}: {points} grid points, more than the "
                               f"{MAX_POINTS:,} limit")


def _with_gaps(values: np.ndarray, sentinel: float) -> np.ndarray:
    """values with the cells that hold the never-computed sentinel set to NaN."""
    return np.where(values == sentinel, np.nan, values)


def _all_gaps(data: SurfaceData, path) -> SurfaceData:
    for name, values in data.surfaces.items():
        if not np.any(np.isfinite(values)):
            raise SurfaceFileError(f"{path}: {name} has no computed value")
    return data


# ----------------------------------------------------------------------------- HDF5


def _h5py():
    try:
        import h5py
    except ImportError:
        raise SurfaceFileError(f"reading and writing HDF5 files needs h5py: {INSTALL_HDF5}"
                               ) from None
    return h5py


def _read_h5(path) -> SurfaceData:
    h5py = _h5py()
    try:
        handle = h5py.File(path, "r")
    except OSError:
        raise SurfaceFileError(f"{path}: not an HDF5 file (or it is damaged)") from None
    with handle as f:
        if "xcoordinates" not in f:
            raise SurfaceFileError(f"{path}: no 'xcoordinates' dataset (a loss-landscape "
                                   "surface file has xcoordinates, ycoordinates, train_loss)")
        x = _axis(_dataset(f, "xcoordinates", path, MAX_POINTS), path, "xcoordinates")
        y = (_axis(_dataset(f, "ycoordinates", path, MAX_POINTS), path, "ycoordinates")
             if "ycoordinates" in f else None)
        _check_size(path, x, y)
        shape = (x.size,) if y is None else (y.size, x.size)
        present = [name for name in LI_SURFACES if name in f]
        if not present:
            raise SurfaceFileError(f"{path}: no surface dataset (expected one of "
                                   f"{', '.join(LI_SURFACES)})")
        raw = {name: _values(_dataset(f, name, path, math.prod(shape)), path, name, shape)
               for name in present}
    surfaces = {name: _with_gaps(v, NOT_COMPUTED.get(name, -1.0)) for name, v in raw.items()}
    if "min_eig" in raw and "max_eig" in raw:  # Li et al. mark a cell by both sentinels
        gap = (raw["min_eig"] == 1.0) & (raw["max_eig"] == -1.0)
        surfaces["min_eig"] = np.where(gap, np.nan, raw["min_eig"])
        surfaces["max_eig"] = np.where(gap, np.nan, raw["max_eig"])
    return _all_gaps(SurfaceData(x, y, surfaces), path)


def _dataset(f, name: str, path, limit: int):
    """The dataset's values, read only when it holds at most `limit` of them."""
    item = f[name]
    if not hasattr(item, "shape") or item.dtype.kind not in "iuf":
        raise SurfaceFileError(f"{path}: {name} must be a dataset of numbers")
    _check_count(path, name, item.shape, limit)
    return item[()]


def _check_count(path, name: str, shape: tuple[int, ...], limit: int) -> None:
    """Refuse an array from its header when it holds more than `limit` values (before a huge
    one, stored small in chunks or compressed, is read whole)."""
    if math.prod(shape) > limit:
        raise SurfaceFileError(f"{path}: {name} has shape {shape}: {math.prod(shape):,} values, "
                               f"more than the {limit:,} expected")


# ----------------------------------------------------------------------------- npz


def _read_npz(path) -> SurfaceData:
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise SurfaceFileError(f"{path}: not an .npz archive (np.savez writes one)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = [name for name in ("x", "y", "loss") if name in archive]
            for name in names:
                _check_count(path, name, _npz_shape(archive, name), MAX_POINTS)
            arrays = {name: archive[name] for name in names}
    except ValueError as exc:
        if "pickle" not in str(exc).lower():
            raise SurfaceFileError(f"{path}: a damaged .npz archive ({exc})") from None
        raise SurfaceFileError(f"{path}: holds pickled objects, which losswalk does not load "
                               "(save plain arrays x, y, loss)") from None
    except (zipfile.BadZipFile, EOFError, KeyError):
        raise SurfaceFileError(f"{path}: a damaged .npz archive") from None
    missing = [name for name in ("x", "loss") if name not in arrays]
    if missing:
        raise SurfaceFileError(f"{path}: no array {missing[0]!r} (an .npz surface holds x, y "
                               "and loss, loss[j, i] at (x[i], y[j]))")
    x = _axis(arrays["x"], path, "x")
    y = _axis(arrays["y"], path, "y") if "y" in arrays else None
    _check_size(path, x, y)
    loss = np.asarray(arrays["loss"])
    shape = (x.size,) if y is None else (y.size, x.size)
    if loss.shape != shape:
        raise SurfaceFileError(f"{path}: loss has shape {loss.shape}, expected {shape} "
                               "(len(y), len(x)): loss[j, i] is at (x[i], y[j])")
    return SurfaceData(x, y, {"loss": _values(loss, path, "loss", shape)})


def _npz_shape(archive, name: str) -> tuple[int, ...]:
    """The shape of an array in an .npz archive, from its .npy header alone."""
    with archive.zip.open(f"{name}.npy") as member:
        version = np.lib.format.read_magic(member)
        read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                else np.lib.format.read_array_header_2_0)
        return read(member)[0]


# ----------------------------------------------------------------------------- CSV


def _read_csv(path) -> SurfaceData:
    if os.path.getsize(path) > MAX_BYTES:
        raise SurfaceFileError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        lines = f.read().splitlines()
    order, rows, first = [0, 1, 2], [], 0
    for number, line in enumerate(lines, start=1):
        fields = [field.strip() for field in line.split(",")]
        if not line.strip():
            continue
        if not rows and first == 0 and not any(_is_number(v) for v in fields):
            order, first = _header(fields, path, number), number
            continue
        if len(fields) != 3:
            raise SurfaceFileError(f"{path}:{number}: expected 3 fields x,y,loss, got "
                                   f"{len(fields)}")
        try:
            values = [float(fields[k]) for k in order]
        except ValueError:
            bad = next(v for v in fields if not _is_number(v))
            raise SurfaceFileError(f"{path}:{number}: not a number: {bad[:40]!r}") from None
        if not all(math.isfinite(v) for v in values):
            raise SurfaceFileError(f"{path}:{number}: a value that is not a finite number")
        rows.append(values)
        if len(rows) > MAX_POINTS:
            raise SurfaceFileError(f"{path}:{number}: more than the {MAX_POINTS:,} row limit")
    if not rows:
        raise SurfaceFileError(f"{path}: no rows of x,y,loss")
    table = np.array(rows)
    x, col = _grid_lines(table[:, 0])
    y, row = _grid_lines(table[:, 1])
    x, y = _axis(x, path, "x"), _axis(y, path, "y")
    _check_size(path, x, y)
    flat = row * x.size + col
    counts = np.bincount(flat, minlength=x.size * y.size)
    if np.any(counts > 1):
        k = int(np.argmax(counts > 1))
        raise SurfaceFileError(f"{path}: the point ({x[k % x.size]:g}, {y[k // x.size]:g}) "
                               "is given twice")
    loss = np.full(y.size * x.size, np.nan)
    loss[flat] = table[:, 2]
    return SurfaceData(x, y, {"loss": loss.reshape(y.size, x.size)})


def _grid_lines(coordinates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct coordinates (sorted) and each row's index among them; values closer than
    SAME_LINE of the axis span are one grid line (linspace and arange differ in the last bits)."""
    values, index = np.unique(coordinates, return_inverse=True)
    fresh = np.concatenate([[True], np.diff(values) > SAME_LINE * (values[-1] - values[0])])
    return values[fresh], (np.cumsum(fresh) - 1)[index.ravel()]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header(fields: list[str], path, number: int) -> list[int]:
    """Column indices of x, y and loss in a header row naming them in any order."""
    names = [f.lower() for f in fields]
    if sorted(names) != ["loss", "x", "y"]:
        raise SurfaceFileError(f"{path}:{number}: the header must name the columns x, y and "
                               f"loss, got {', '.join(fields)[:60]!r}")
    return [names.index(name) for name in ("x", "y", "loss")]


# ----------------------------------------------------------------------------- writing


def surface_bytes(fmt: str, x: np.ndarray, y: np.ndarray, values: np.ndarray,
                  name: str = "train_loss") -> bytes:
    """A file's content holding values[j, i] at (x[i], y[j]) in format fmt; NaN cells are left
    out of a CSV (refused when a whole row or column is NaN), written as -1 (not computed) in
    HDF5 and refused in npz."""
    x, y, values = (np.asarray(a, dtype=float) for a in (x, y, values))
    if values.shape != (y.size, x.size):
        raise ValueError(f"values must have shape (len(y), len(x)), got {values.shape}")
    gaps = ~np.isfinite(values)
    if fmt == "npz":
        if np.any(gaps):
            raise SurfaceFileError("the surface has points that are not finite numbers, which "
                                   "an .npz surface cannot hold (use --format csv or h5)")
        buffer = io.BytesIO()
        np.savez(buffer, x=x, y=y, loss=values)
        return buffer.getvalue()
    if fmt == "csv":
        empty = [f"x = {x[i]:g}" for i in np.flatnonzero(gaps.all(axis=0))]
        empty += [f"y = {y[j]:g}" for j in np.flatnonzero(gaps.all(axis=1))]
        if empty:  # its coordinate would vanish from the file and the spline bridge the gap
            raise SurfaceFileError(f"the surface has no computed point at {empty[0]}, which a "
                                   "long CSV cannot hold (use --format h5)")
        xs, ys, rows = x.tolist(), y.tolist(), values.tolist()  # floats print in full (repr)
        lines = ["x,y,loss"]
        lines += [f"{xs[i]!r},{ys[j]!r},{rows[j][i]!r}" for j, i in np.argwhere(~gaps).tolist()]
        return ("\n".join(lines) + "\n").encode()
    if fmt == "h5":
        h5py = _h5py()
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as f:
            f["xcoordinates"] = x
            f["ycoordinates"] = y
            # Li et al.'s layout: shape (nx, ny), values in meshgrid(x, y).ravel() order
            f[name] = np.where(gaps, -1.0, values).ravel().reshape(x.size, y.size)
        return buffer.getvalue()
    raise ValueError(f"unknown surface format {fmt!r} (choose from: {', '.join(FORMATS)})")
