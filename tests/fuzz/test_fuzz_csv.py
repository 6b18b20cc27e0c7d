"""Issue 8 §7: the CSV reader (load_csv), fuzzed with random bytes, random CSV-like text, odd line
endings (CR, CRLF, mixed), control characters in file names and values, and special files (a
directory, devices, FIFOs with and without a writer). Every input gives a Dataset or a
DatasetError with a short message, within a bounded time and memory; valid rows come back
exactly, whatever their line endings."""

from __future__ import annotations

import itertools
import os
import threading
import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from losswalk.core.landscapes import datasets
from losswalk.core.landscapes.datasets import Dataset, DatasetError, load_csv
from tests.fuzz.budget import fuzz_settings, no_hang

MEMORY_BASE = 4 * 2**20  # bytes: the reader's constant (a block of the file, parsing state)
MESSAGE_CHARS = 300  # beyond the file's name: a message quotes at most 40 characters of a field
_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-csv")


def file_names() -> st.SearchStrategy[str]:
    """File names with control characters, escapes, bidi and wide characters (never '/' or NUL,
    at most 200 UTF-8 bytes)."""
    pieces = st.one_of(st.sampled_from(["\x1b[2J", "\x1b]0;t\x07", "\n", "\r", "\t", "\x7f",
                                        "\u202e", "データ", " ", "-", ".csv", "\x85"]),
                       st.characters(exclude_characters="/\x00", exclude_categories=["Cs"]))
    return st.lists(pieces, max_size=6).map("".join).filter(
        lambda name: name not in ("", ".", "..") and len(name.encode()) <= 200)


def write(folder, name: str, data: bytes):
    """A fresh file `<n>name` (unique, so no file is read twice) holding data."""
    path = folder / f"{next(_names)}{name}"
    path.write_bytes(data)
    return path


def load_bounded(path) -> tuple[Dataset | None, str | None, int]:
    """load_csv(path): the Dataset or the error's message, and the peak memory it traced."""
    tracemalloc.start()
    try:
        with no_hang():
            return load_csv(path), None, tracemalloc.get_traced_memory()[1]
    except DatasetError as error:
        return None, str(error), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def check_outcome(path, size: int) -> Dataset | None:
    dataset, message, peak = load_bounded(path)
    assert peak <= MEMORY_BASE + 40 * size, (peak, size)
    if dataset is None:
        assert message and len(message) <= len(str(path)) + MESSAGE_CHARS, message
        return None
    assert dataset.X.ndim == 2 and dataset.X.shape[1] in (1, 2)
    assert len(dataset.X) == len(dataset.y) >= 1
    assert np.isfinite(dataset.X).all()
    assert set(np.unique(dataset.y)) <= {0.0, 1.0}
    return dataset


CSV_PIECES = st.sampled_from(["0", "1", "-1.5", ".5", "3e-1", "1e400", "nan", "inf", "1_0",
                              "٣", "x1", "x2", "y", "X1", ",", ",", ",", "\n", "\r", "\r\n",
                              " ", "\t", "\x1b[2J", "\x00", "\ufeff", "\u202e", "データ", "\"",
                              "#", "1" * 50, "-", "+", "e"])


@fuzz_settings(default=25, long=3000)
@given(data=st.one_of(st.binary(max_size=400),
                      st.lists(CSV_PIECES, max_size=60).map(lambda p: "".join(p).encode()),
                      st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       name=file_names())
def test_any_bytes_give_a_dataset_or_a_short_error(folder, data, name):
    check_outcome(write(folder, name, data), len(data))


ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
VALUES = st.floats(allow_nan=False, allow_infinity=False, width=64)


@fuzz_settings(default=15, long=2000)
@given(rows=st.lists(st.tuples(VALUES, VALUES, st.sampled_from([0, 1])), min_size=1,
                     max_size=40),
       endings=st.lists(ENDINGS, min_size=1), header=st.booleans(), final=st.booleans(),
       name=file_names())
def test_valid_rows_come_back_exactly_whatever_the_line_endings(folder, rows, endings, header,
                                                                final, name):
    """Each line ends in \\n, \\r\\n or \\r (mixed in one file); the values are read exactly."""
    lines = (["x1,x2,y"] if header else []) + [f"{a!r},{b!r},{y}" for a, b, y in rows]
    ends = [endings[i % len(endings)] for i in range(len(lines))]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if not final:
        text = text.rstrip("\r\n")
    dataset = check_outcome(write(folder, name, text.encode()), len(text))
    assert dataset is not None
    np.testing.assert_array_equal(dataset.X, [[a, b] for a, b, _ in rows])
    np.testing.assert_array_equal(dataset.y, [y for *_, y in rows])


@pytest.mark.parametrize("special", ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/full"])
def test_a_device_is_refused(special):
    assert "is a device, not a CSV file" in load_bounded(special)[1]


def test_a_directory_is_refused(folder):
    assert "is a directory, not a CSV file" in load_bounded(folder)[1]


def test_a_fifo_without_a_writer_gives_up(folder, monkeypatch):
    monkeypatch.setattr(datasets, "PIPE_WAIT", 0.2)
    fifo = folder / f"{next(_names)}fifo\x1b.csv"
    os.mkfifo(fifo)
    assert "no data came for 0.2 s" in load_bounded(fifo)[1]


def feed(fifo, data: bytes) -> threading.Thread:
    """A writer thread: opens the FIFO (it waits for the reader), writes data, closes it."""

    def run() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(data)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@fuzz_settings(default=5, long=300)
@given(data=st.one_of(st.binary(max_size=300),
                      st.lists(CSV_PIECES, max_size=60).map(lambda p: "".join(p).encode())))
def test_a_fifo_with_a_writer_gives_a_dataset_or_a_short_error(folder, data):
    fifo = folder / f"{next(_names)}.fifo"
    os.mkfifo(fifo)
    writer = feed(fifo, data)
    try:
        check_outcome(fifo, len(data))
    finally:
        if writer.is_alive():  # it may still wait for a reader: be one (never blocks)
            reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            writer.join()
            os.close(reader)


def test_a_fifo_with_a_writer_gives_its_rows(folder):
    fifo = folder / f"{next(_names)}.fifo"
    os.mkfifo(fifo)
    writer = feed(fifo, b"x1,x2,y\r\n1,2,1\r-1,-2,0\n")
    dataset = check_outcome(fifo, 30)
    writer.join()
    np.testing.assert_array_equal(dataset.X, [[1, 2], [-1, -2]])
