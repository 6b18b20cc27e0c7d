"""Small labelled datasets whose loss landscapes are worth walking, and a strict CSV loader.

Every built-in is seeded and deterministic. The shapes are chosen for what their landscape
teaches: `overlap` has a finite minimum, `separable` slopes downhill forever, `noisy` shows
how a few wrong labels bring the minimum back, `line` gives the tiny net two mirror minima.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import math
import os
import re
import select
import stat
from collections.abc import Callable, Iterator
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

    @functools.cached_property
    def digest(self) -> str:
        """A fingerprint of the examples (X and y): equal for the same data read twice."""
        return hashlib.sha1(self.X.tobytes() + self.y.tobytes()).hexdigest()

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


CHUNK_BYTES = 2**20  # read and parse the file a megabyte at a time
MAX_LINE_BYTES = 2**20  # no row is this long: refuse it rather than keep it whole
PIPE_WAIT = 5.0  # seconds a pipe or FIFO may stay silent before load_csv gives up
SHOWN_CHARS = 40  # messages show this much of a bad field
_BLANKS = " \t"  # spaces and tabs around a field are ignored
# Plain decimal or scientific ASCII numbers (no 1_0, no ٣); possessive: they never give back.
_NUMBER = r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+"
_LABEL = r"(?:\+?0*1|[+-]?0*0)(?:\.0*)?(?:[eE][+-]?0+)?"  # usual ways to write exactly 0 or 1
_NUMBER_RE = re.compile(_NUMBER)
_FIRST_LINE_RE = re.compile(r"(?:[ \t]*\n)*[^\n]*\n?")  # blank lines, then the first other
_NOT_FINITE_RE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_FILE_KINDS = ((stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))  # what else --data may name; it is refused


def _too_big(path: Path) -> DatasetError:
    """The error for more than MAX_BYTES, found by the file's size or while reading."""
    return DatasetError(f"{path}: file is larger than the {MAX_BYTES / 2**20:g} MB limit")


def _open(path: Path) -> tuple[int, bool]:
    """A descriptor for reading path and whether it is a pipe (or FIFO); DatasetError for
    anything else but a regular file, e.g. /dev/zero, which never ends. Never blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as e:
        raise DatasetError(f"{path}: cannot read file ({e.strerror or e})") from None
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = DatasetError(f"{path}: is a directory, not a CSV file")
    elif stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
        problem = _too_big(path)
    elif not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "a special file")
        problem = DatasetError(f"{path}: is {kind}, not a CSV file "
                               "(--data reads a regular file or a pipe)")
    if problem is not None:
        os.close(fd)
        raise problem
    return fd, stat.S_ISFIFO(info.st_mode)


def _blocks(fd: int, path: Path, pipe: bool) -> Iterator[bytes]:
    """The bytes of fd, a block at a time, MAX_BYTES at most; from a pipe, DatasetError when
    nothing comes for PIPE_WAIT seconds (a FIFO nobody writes to would wait forever)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    total = 0
    while True:
        if pipe and not poller.poll(PIPE_WAIT * 1000):
            raise DatasetError(f"{path}: no data came for {PIPE_WAIT:g} s (is a program "
                               "writing to this pipe?)")
        try:
            block = os.read(fd, CHUNK_BYTES)
        except BlockingIOError:
            continue
        except OSError as e:
            raise DatasetError(f"{path}: cannot read file ({e.strerror or e})") from None
        if not block:
            return
        total += len(block)
        if total > MAX_BYTES:
            raise _too_big(path)
        yield block


def _lines(blocks: Iterator[bytes], path: Path) -> Iterator[tuple[int, str]]:
    """(number of its first line, text) for runs of whole lines, each ending in '\\n': '\\r\\n'
    and a lone '\\r' (old Macs) end lines too. DatasetError at a byte that is not UTF-8 text."""
    lineno, carry, bom = 1, b"", True
    for block in itertools.chain(blocks, [None]):
        data = carry + (block or b"\n")  # the end of the file ends its last line
        held = data[-1:] if block is not None and data.endswith(b"\r") else b""  # \r of \r\n?
        data = data[:len(data) - len(held)].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        cut = data.rfind(b"\n") + 1
        whole, carry = data[:cut], data[cut:] + held
        if len(carry) > MAX_LINE_BYTES:  # binary (e.g. all zeros) is said so, before its length
            line = lineno + whole.count(b"\n")
            problem = ("not UTF-8 text (is it a binary file?)" if b"\0" in carry
                       else f"a line longer than {MAX_LINE_BYTES:,} bytes (is it a CSV file?)")
            raise DatasetError(f"{path}:{line}: {problem}")
        if not whole:
            continue
        bad = whole.find(b"\0")
        try:
            text = whole.decode("utf-8-sig" if bom else "utf-8")
        except UnicodeDecodeError as e:
            bad = e.start if bad < 0 else min(bad, e.start)
        if bad >= 0:
            line = lineno + whole.count(b"\n", 0, bad)
            raise DatasetError(f"{path}:{line}: not UTF-8 text (is it a binary file?)")
        yield lineno, text
        lineno += whole.count(b"\n")
        bom = False


def _shown(field: str) -> str:
    """field quoted for a message, cut to SHOWN_CHARS characters when longer."""
    if len(field) <= SHOWN_CHARS:
        return repr(field)
    return f"{field[:SHOWN_CHARS] + '...'!r} ({len(field):,} characters)"


def _number(text: str) -> float | None:
    """The value of a plain decimal or scientific ASCII number (float() also takes '1_0',
    '٣' and 'nan'), or None."""
    return float(text) if _NUMBER_RE.fullmatch(text) else None


def _exactly_0_or_1(text: str) -> bool:
    """Whether the number text, as written, is exactly 0 or 1: '1e-400' is not 0, though it
    rounds to 0.0."""
    mantissa, _, exponent = text.lower().partition("e")
    whole, _, fraction = mantissa.lstrip("+-").partition(".")
    digits = (whole + fraction).lstrip("0")
    if not digits:
        return True
    significant = digits.rstrip("0")
    exponent = exponent.lstrip("+")
    if significant != "1" or mantissa.startswith("-") or len(exponent.lstrip("-0")) > 9:
        return False
    return int(exponent or 0) - len(fraction) + len(digits) - 1 == 0


COLUMNS = ("x1", "x2", "y")  # the names a CSV header may use; x2 is left out for 1-D data


def _header(fields: list[str], where: str) -> tuple[str, ...]:
    """The column names of a header row, checked: known, each once, x1 and y present."""
    names = tuple(field.lower() for field in fields)
    for k, name in enumerate(names):
        if name not in COLUMNS:
            raise DatasetError(f"{where}: unknown column {_shown(fields[k])} in the header "
                               f"(use {', '.join(COLUMNS)}; x2 may be left out for 1-D data)")
        if name in names[:k]:
            raise DatasetError(f"{where}: column {_shown(fields[k])} appears twice in the header")
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


@dataclass
class _Reading:
    """What load_csv knows so far: the columns (from the header or the first row), the line of
    the header, the data rows read, and the pattern of a plain line once the columns are known."""

    path: Path
    names: tuple[str, ...] | None = None
    header: int | None = None
    rows: int = 0
    plain_lines: re.Pattern | None = None

    def set_columns(self, names: tuple[str, ...]) -> None:
        """Fix the columns; a line of numbers (label exactly 0 or 1 the usual way) or of blanks
        is then plain, and the search finds the first line that is not."""
        fields = (_LABEL if name == "y" else _NUMBER for name in names)
        row = ",".join(f"[ \\t]*{field}[ \\t]*" for field in fields)
        self.names = names
        self.plain_lines = re.compile(f"\n(?!{row}\n|\n|\\Z)")  # searched in "\n" + text


def _check_row(fields: list[str], where: str, reading: _Reading) -> list[float]:
    """The values of one data row; DatasetError for a wrong count, a field that is not a finite
    number, a label not exactly 0 or 1, or one row over MAX_ROWS."""
    names = reading.names
    if len(fields) != len(names):
        raise DatasetError(f"{where}: expected {len(names)} columns {','.join(names)}, "
                           f"found {len(fields)}")
    values = [_number(field) for field in fields]
    for col, (field, value) in enumerate(zip(fields, values, strict=True), start=1):
        if value is None and not _NOT_FINITE_RE.fullmatch(field):
            raise DatasetError(f"{where}: column {col} is not a number: {_shown(field)}")
        if value is None or not math.isfinite(value):
            raise DatasetError(f"{where}: column {col} is {_shown(field)}; values must be finite")
    label = fields[names.index("y")]
    if not _exactly_0_or_1(label):
        raise DatasetError(f"{where}: label y must be 0 or 1, found {_shown(label)}")
    if reading.rows == MAX_ROWS:
        raise DatasetError(f"{where}: more than the {MAX_ROWS:,} row limit")
    reading.rows += 1
    return values


def _parse_slowly(text: str, lineno: int, reading: _Reading) -> np.ndarray:
    """The data rows of text (whole lines from lineno on), checked one line at a time: this
    finds the header and names the first bad line."""
    rows = []
    for number, line in enumerate(text.split("\n")[:-1], start=lineno):
        fields = [field.strip(_BLANKS) for field in line.split(",")]
        if fields == [""]:
            continue
        where = f"{reading.path}:{number}"
        if reading.names is None:
            if len(fields) > 1 and all(_number(field) is None for field in fields):
                reading.set_columns(_header(fields, where))  # nothing numeric: a header
                reading.header = number
                continue
            reading.set_columns(_positional(len(fields), where))
        rows.append(_check_row(fields, where, reading))
    return np.array(rows, dtype=float).reshape(len(rows), len(reading.names or COLUMNS))


def _parse_fast(text: str, reading: _Reading) -> np.ndarray | None:
    """The data rows of text when every line is plain and the row limit holds (numpy's reader
    converts them), else None."""
    if reading.plain_lines.search("\n" + text):
        return None
    if not text.strip("\n"):
        return np.empty((0, len(reading.names)))
    try:
        rows = np.loadtxt(io.StringIO(text), delimiter=",", comments=None, ndmin=2)
    except ValueError:  # e.g. a line of spaces, which numpy's reader counts as a row
        return None
    if reading.rows + len(rows) > MAX_ROWS or not np.all(np.isfinite(rows)):
        return None  # overflow (1e999): the slow pass names the line
    reading.rows += len(rows)
    return rows


def _parse(text: str, lineno: int, reading: _Reading) -> np.ndarray:
    """The data rows of text (whole lines from lineno on): the lines that settle the columns
    one by one, the rest at once when they are plain, else one by one to name the bad line."""
    first = np.empty((0, len(reading.names or COLUMNS)))
    if reading.names is None:
        end = _FIRST_LINE_RE.match(text).end()
        first = _parse_slowly(text[:end], lineno, reading)
        text, lineno = text[end:], lineno + text.count("\n", 0, end)
        if reading.names is None:
            return first
    rows = _parse_fast(text, reading)
    if rows is None:
        rows = _parse_slowly(text, lineno, reading)
    return np.concatenate([first, rows]) if len(first) else rows


def _reported(blocks: Iterator[bytes], size: int,
              progress: Callable[[float], object]) -> Iterator[bytes]:
    """The blocks, calling progress(fraction of size read so far) after each is parsed."""
    done = 0
    for block in blocks:
        yield block
        done += len(block)
        progress(min(1.0, done / size) if size else 1.0)


def _pipe_key(path: Path, fd: int) -> tuple:
    """Which pipe or FIFO this is, and its state: once read to its end, it keeps its key."""
    info = os.fstat(fd)
    return str(path), info.st_dev, info.st_ino, info.st_mtime_ns


_last_piped: tuple[tuple, Dataset] | None = None  # the pipe load_csv read last, and its data


def load_csv(path: str | os.PathLike,
             progress: Callable[[float], object] | None = None) -> Dataset:
    """Rows of x1,x2,y or x1,y (y 0 or 1), in the order a header row names them (optional:
    without one, by position); blank lines ok. DatasetError names file:line and the problem.
    Reads a regular file or a pipe, in chunks, within MAX_BYTES and MAX_ROWS. A pipe read to its
    end gives the same data when asked again (the app rebuilds its model; a pipe is read once).
    progress(fraction of the file read) is called after each chunk of a regular file."""
    global _last_piped
    path = Path(path)
    fd, pipe = _open(path)
    try:
        if pipe and _last_piped is not None and _last_piped[0] == _pipe_key(path, fd):
            return _last_piped[1]
        reading = _Reading(path)
        blocks = _blocks(fd, path, pipe)
        if progress is not None and not pipe:
            blocks = _reported(blocks, os.fstat(fd).st_size, progress)
        pieces = [_parse(text, lineno, reading) for lineno, text in _lines(blocks, path)]
        key = _pipe_key(path, fd)
    finally:
        os.close(fd)
    dataset = _dataset(path, reading, pieces)
    if pipe:
        _last_piped = key, dataset
    return dataset


def _dataset(path: Path, reading: _Reading, pieces: list[np.ndarray]) -> Dataset:
    """The Dataset of the parsed pieces (consumed), or the error of a file without data rows."""
    if not reading.rows:
        if reading.header is None:
            raise DatasetError(f"{path}: file is empty")
        raise DatasetError(f"{path}:{reading.header}: a header row but no data rows")
    names = reading.names
    inputs = [names.index(name) for name in COLUMNS[:2] if name in names]
    X, y = np.empty((reading.rows, len(inputs))), np.empty(reading.rows)
    pieces.reverse()
    at = 0
    while pieces:  # copy each piece into place and let it go: memory stays at 2x the data
        rows = pieces.pop()
        X[at:at + len(rows)] = rows[:, inputs]
        y[at:at + len(rows)] = rows[:, names.index("y")]
        at += len(rows)
    return Dataset(path.name, X, y, f"{path.name}: {reading.rows} rows from CSV")
