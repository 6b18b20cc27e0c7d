"""Small labelled datasets whose loss landscapes are worth walking, and a strict CSV loader.

Every built-in is seeded and deterministic. The shapes are chosen for what their landscape
teaches: `overlap` has a finite minimum, `separable` slopes downhill forever, `noisy` shows
how a few wrong labels bring the minimum back, `line` gives the tiny net two mirror minima.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from losswalk.core.drawing.text import safe_text


class DatasetError(ValueError):
    """A dataset could not be built or read; the message names the file, line and problem."""

    def __init__(self, message: str) -> None:
        super().__init__(safe_text(message))  # it may quote a file name or a value: one safe line


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs X (N, d) and 0/1 labels y (N,), both read-only float64."""

    name: str
    X: np.ndarray
    y: np.ndarray
    description: str

    def __post_init__(self) -> None:
        X = np.array(self.X, dtype=float)
        y = np.array(self.y, dtype=float)
        if X.ndim != 2 or y.shape != (len(X),) or len(X) == 0:
            raise DatasetError(f"dataset {self.name!r}: need X of shape (N, d) and y of shape (N,)"
                               f" with N >= 1, got {X.shape} and {y.shape}")
        if not np.all(np.isfinite(X)):
            raise DatasetError(f"dataset {self.name!r}: X has NaN or infinite values")
        if not np.all((y == 0.0) | (y == 1.0)):
            raise DatasetError(f"dataset {self.name!r}: labels must be 0 or 1")
        X.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """Number of examples."""
        return len(self.y)

    def subset(self, idx) -> Dataset:
        """The examples picked by idx (indices or a boolean mask), e.g. one minibatch."""
        return Dataset(self.name, self.X[idx], self.y[idx], self.description)


DEFAULT_N = 200
MAX_ROWS = 1_000_000
MAX_BYTES = 50 * 2**20


def _two_blobs(rng: np.random.Generator, n: int, centre, scale) -> tuple[np.ndarray, np.ndarray]:
    """n//2 Gaussian points of class 1 around +centre and the rest of class 0 around -centre."""
    centre = np.atleast_1d(np.asarray(centre, dtype=float))
    n1 = n // 2
    y = np.r_[np.ones(n1), np.zeros(n - n1)]
    X = np.where(y[:, None] == 1.0, centre, -centre) + rng.normal(0.0, scale, (n, len(centre)))
    return X, y


def _flip(rng: np.random.Generator, y: np.ndarray, fraction: float) -> np.ndarray:
    """y with round(fraction * N) labels, chosen at random, flipped."""
    y = y.copy()
    idx = rng.choice(len(y), size=round(fraction * len(y)), replace=False)
    y[idx] = 1.0 - y[idx]
    return y


def _overlap(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return _two_blobs(rng, n, (1.0, 0.5), 1.0)


def _separable(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    X, y = _two_blobs(rng, n, (1.0, 0.5), 1.0)
    normal = np.array([1.0, 0.5]) / math.hypot(1.0, 0.5)
    side = np.where(y == 1.0, 1.0, -1.0)
    # Move every point to its own side of the line normal . x = 0, at least 0.3 away from it.
    dist = X @ normal
    X = X + np.outer(side * (np.abs(dist) + 0.3) - dist, normal)
    return X, y


def _xor(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    corners = rng.integers(0, 4, n)
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float)[corners]
    X = signs + rng.normal(0.0, 0.35, (n, 2))
    return X, (corners >= 2).astype(float)


def _moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    n1 = n // 2
    t = rng.uniform(0.0, math.pi, n)
    y = np.r_[np.ones(n1), np.zeros(n - n1)]
    upper = np.c_[np.cos(t), np.sin(t)] - [0.5, 0.25]
    lower = np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)] - [0.5, 0.25]
    X = np.where(y[:, None] == 1.0, upper, lower) + rng.normal(0.0, 0.1, (n, 2))
    return X, y


def _circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    n1 = n // 2
    t = rng.uniform(0.0, 2 * math.pi, n)
    y = np.r_[np.ones(n1), np.zeros(n - n1)]
    radius = np.where(y == 1.0, 0.5, 1.0)
    X = radius[:, None] * np.c_[np.cos(t), np.sin(t)] + rng.normal(0.0, 0.08, (n, 2))
    return X, y


def _noisy(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    X, y = _separable(rng, n)
    return X, _flip(rng, y, 0.15)


def _line(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    X, y = _two_blobs(rng, n, 1.0, 0.7)
    # A few wrong labels cap the true log-odds, like tanh does, so the tiny net's minima are finite.
    return X, _flip(rng, y, 0.1)


_BUILTINS: dict[str, tuple[str, Callable[[np.random.Generator, int], tuple]]] = {
    "overlap": ("two overlapping Gaussian blobs around ±(1, 0.5): a finite minimum", _overlap),
    "separable": ("two blobs split by a line through the origin: loss falls forever", _separable),
    "xor": ("four blobs, opposite corners share a label: no line separates them", _xor),
    "moons": ("two interleaved half-moons", _moons),
    "circles": ("a small ring inside a big one", _circles),
    "noisy": ("the separable blobs with 15% of labels flipped: the minimum is finite again",
              _noisy),
    "line": ("1-D: overlapping Gaussians at ±1, 10% of labels flipped (for tiny-net)", _line),
}
BUILTIN_DATASETS: dict[str, str] = {name: desc for name, (desc, _) in _BUILTINS.items()}
DEFAULT_DATASET = "overlap"


def make_dataset(name: str, n: int | None = None, seed: int = 0) -> Dataset:
    """Built-in dataset `name` with n examples (default 200), the same for the same seed."""
    if name not in _BUILTINS:
        raise DatasetError(f"unknown dataset {name!r} (choose from: {', '.join(_BUILTINS)})")
    n = DEFAULT_N if n is None else n
    if not 2 <= n <= MAX_ROWS:
        raise DatasetError(f"dataset size must be between 2 and {MAX_ROWS:,}, got {n}")
    description, build = _BUILTINS[name]
    X, y = build(np.random.default_rng(seed), n)
    return Dataset(name, X, y, description)


def _read_text(path: Path) -> str:
    """The file's text; DatasetError if missing, a directory, too big, or not UTF-8 text."""
    try:
        if path.is_dir():
            raise DatasetError(f"{path}: is a directory, not a CSV file")
        if path.stat().st_size > MAX_BYTES:
            raise DatasetError(f"{path}: file is larger than the {MAX_BYTES / 2**20:g} MB limit")
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as e:
        raise DatasetError(f"{path}: cannot read file ({e.strerror or e})") from None
    bad = data.find(b"\0")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad = e.start
    if bad >= 0:
        line = data.count(b"\n", 0, bad) + 1
        raise DatasetError(f"{path}:{line}: not UTF-8 text (is it a binary file?)")
    return text


def _number(text: str) -> float | None:
    """float(text), or None if it is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


COLUMNS = ("x1", "x2", "y")  # the names a CSV header may use; x2 is left out for 1-D data


def _header(fields: list[str], where: str) -> tuple[str, ...]:
    """The column names of a header row, checked: known, each once, x1 and y present."""
    names = tuple(field.lower() for field in fields)
    for k, name in enumerate(names):
        if name not in COLUMNS:
            raise DatasetError(f"{where}: unknown column {fields[k]!r} in the header "
                               f"(use {', '.join(COLUMNS)}; x2 may be left out for 1-D data)")
        if name in names[:k]:
            raise DatasetError(f"{where}: column {fields[k]!r} appears twice in the header")
    for needed, what in (("y", "the 0/1 labels"), ("x1", "the first input")):
        if needed not in names:
            raise DatasetError(f"{where}: the header has no {needed!r} column ({what})")
    return names


def _positional(count: int, where: str) -> tuple[str, ...]:
    """The columns of a file without a header: x1,x2,y or, for 1-D data, x1,y."""
    if count not in (2, 3):
        raise DatasetError(f"{where}: expected 3 columns x1,x2,y, found {count} "
                           "(or 2, x1,y, for 1-D data; a header row may name them in any order)")
    return COLUMNS if count == 3 else ("x1", "y")


def load_csv(path: str | os.PathLike) -> Dataset:
    """Rows of x1,x2,y or x1,y (y 0 or 1), in the order a header row names them (optional:
    without one, by position); blank lines ok. DatasetError names file:line and the problem."""
    path = Path(path)
    rows: list[list[float]] = []
    names: tuple[str, ...] | None = None  # the columns, from the header or the first row
    header = None
    for lineno, line in enumerate(_read_text(path).split("\n"), start=1):
        fields = [f.strip() for f in line.split(",")]
        if fields == [""]:
            continue
        where = f"{path}:{lineno}"
        values = [_number(f) for f in fields]
        if names is None and all(v is None for v in values) and len(fields) > 1:
            names, header = _header(fields, where), lineno  # nothing numeric: a header
            continue
        if names is None:
            names = _positional(len(fields), where)
        if len(fields) != len(names):
            raise DatasetError(f"{where}: expected {len(names)} columns {','.join(names)}, "
                               f"found {len(fields)}")
        for col, (field, value) in enumerate(zip(fields, values, strict=True), start=1):
            if value is None:
                raise DatasetError(f"{where}: column {col} is not a number: {field!r}")
            if not math.isfinite(value):
                raise DatasetError(f"{where}: column {col} is {field!r}; values must be finite")
        label = names.index("y")
        if values[label] not in (0.0, 1.0):
            raise DatasetError(f"{where}: label y must be 0 or 1, found {fields[label]!r}")
        if len(rows) == MAX_ROWS:
            raise DatasetError(f"{where}: more than the {MAX_ROWS:,} row limit")
        rows.append(values)
    if not rows:
        if header is None:
            raise DatasetError(f"{path}: file is empty")
        raise DatasetError(f"{path}:{header}: a header row but no data rows")
    data = np.array(rows)
    inputs = [names.index(name) for name in COLUMNS[:2] if name in names]
    return Dataset(path.name, data[:, inputs], data[:, names.index("y")],
                   f"{path.name}: {len(rows)} rows from CSV")
