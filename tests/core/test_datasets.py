"""Built-in datasets have the landscape shapes they promise; load_csv is strict, errors clear."""

import io
import tracemalloc

import numpy as np
import pytest

from losswalk.core.landscapes import datasets
from losswalk.core.landscapes.datasets import (
    BUILTIN_DATASETS,
    DEFAULT_DATASET,
    Dataset,
    DatasetError,
    load_csv,
    make_dataset,
)


def no_bias_bce_grad(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Gradient of mean BCE for p = sigmoid(X w), written out independently of core."""
    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)


def descend(X: np.ndarray, y: np.ndarray, steps: int = 400, lr: float = 1.0) -> np.ndarray:
    w = np.array([-3.0, 3.0])
    for _ in range(steps):
        w = w - lr * no_bias_bce_grad(X, y, w)
    return w


# ----------------------------------------------------------------------------- built-ins

def test_registry_order_and_default():
    assert list(BUILTIN_DATASETS) == ["overlap", "separable", "xor", "moons", "circles", "noisy",
                                      "line"]
    assert DEFAULT_DATASET == "overlap"
    assert all(BUILTIN_DATASETS.values())


@pytest.mark.parametrize("name", list(BUILTIN_DATASETS))
def test_builtin_shape_labels_and_determinism(name):
    d = make_dataset(name)
    assert d.name == name and d.description == BUILTIN_DATASETS[name]
    assert d.n == 200 and d.X.shape == (200, 1 if name == "line" else 2)
    assert d.X.dtype == np.float64 and d.y.dtype == np.float64
    assert set(np.unique(d.y)) == {0.0, 1.0}
    again = make_dataset(name)
    np.testing.assert_array_equal(d.X, again.X)
    np.testing.assert_array_equal(d.y, again.y)
    assert not np.array_equal(d.X, make_dataset(name, seed=1).X)
    assert make_dataset(name, n=37).X.shape[0] == 37


def test_overlap_has_a_finite_no_bias_minimum_inside_the_view():
    d = make_dataset("overlap")
    w = descend(d.X, d.y)
    assert np.all(np.abs(w) < 4.0)
    assert np.linalg.norm(no_bias_bce_grad(d.X, d.y, w)) < 1e-8


def test_separable_is_split_by_a_line_through_the_origin():
    d = make_dataset("separable")
    margin = (d.X @ np.array([1.0, 0.5])) * np.where(d.y == 1, 1, -1)
    assert margin.min() > 0.3
    # So the no-bias loss keeps falling along that direction: no finite minimum.
    losses = [np.mean(np.logaddexp(0, -t * margin)) for t in (1, 10, 100)]
    assert losses[0] > losses[1] > losses[2] > 0
    assert np.linalg.norm(no_bias_bce_grad(d.X, d.y, descend(d.X, d.y))) > 1e-4


def test_noisy_flips_15_percent_of_separable_labels_and_has_a_finite_minimum():
    d = make_dataset("noisy")
    wrong_side = (d.X @ np.array([1.0, 0.5]) > 0) != (d.y == 1)
    assert wrong_side.sum() == 30
    w = descend(d.X, d.y)
    assert np.all(np.abs(w) < 4.0)
    assert np.linalg.norm(no_bias_bce_grad(d.X, d.y, w)) < 1e-8


def test_xor_labels_follow_the_quadrants():
    d = make_dataset("xor")
    assert np.mean((d.X[:, 0] * d.X[:, 1] < 0) == (d.y == 1)) > 0.95


def test_circles_class_one_is_the_inner_ring():
    d = make_dataset("circles")
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    assert r[d.y == 1].max() < r[d.y == 0].min()


def test_moons_are_centred_and_interleaved():
    d = make_dataset("moons")
    assert np.all(np.abs(d.X.mean(axis=0)) < 0.2)
    # Each moon's tips reach past the other moon's middle in x1.
    upper, lower = d.X[d.y == 1], d.X[d.y == 0]
    assert upper[:, 0].max() > lower[:, 0].mean() and lower[:, 0].min() < upper[:, 0].mean()


def test_line_is_two_overlapping_1d_classes_at_plus_minus_one():
    d = make_dataset("line", n=4000)
    assert d.X[d.y == 1].mean() == pytest.approx(0.8, abs=0.1)  # +1, pulled in by flipped labels
    assert d.X[d.y == 0].mean() == pytest.approx(-0.8, abs=0.1)
    assert np.mean((d.X[:, 0] > 0) != (d.y == 1)) == pytest.approx(0.1 + 0.8 * 0.076, abs=0.03)


def test_make_dataset_errors():
    with pytest.raises(DatasetError, match=r"unknown dataset 'spiral'.*overlap, separable"):
        make_dataset("spiral")
    with pytest.raises(DatasetError, match="between 2 and"):
        make_dataset("overlap", n=1)


# ----------------------------------------------------------------------------- Dataset

def test_dataset_is_read_only_and_subsets():
    d = make_dataset("overlap", n=10)
    with pytest.raises(ValueError):
        d.X[0, 0] = 1.0
    s = d.subset([0, 2, 4])
    assert s.n == 3 and s.name == d.name
    np.testing.assert_array_equal(s.X, d.X[[0, 2, 4]])
    with pytest.raises(DatasetError, match="N >= 1"):
        d.subset([])


@pytest.mark.parametrize(("X", "y", "problem"), [
    (np.zeros(3), np.zeros(3), "shape"),
    (np.zeros((3, 2)), np.zeros(2), "shape"),
    (np.array([[0.0, np.nan]]), np.zeros(1), "NaN"),
    (np.zeros((1, 2)), np.array([0.5]), "0 or 1"),
])
def test_dataset_validates(X, y, problem):
    with pytest.raises(DatasetError, match=problem):
        Dataset("bad", X, y, "")


# ----------------------------------------------------------------------------- load_csv

def write(tmp_path, text: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_load_csv_with_header_blank_lines_and_whitespace(tmp_path):
    path = write(tmp_path, "x1, x2, y\r\n\n 1.5 ,-2,1\n0,3e-1, 0.0 \n\n  \n-1,1,1.0\n")
    d = load_csv(path)
    assert d.name == "data.csv" and "3" in d.description
    np.testing.assert_array_equal(d.X, [[1.5, -2.0], [0.0, 0.3], [-1.0, 1.0]])
    np.testing.assert_array_equal(d.y, [1.0, 0.0, 1.0])


def test_load_csv_without_header_one_class_and_bom(tmp_path):
    d = load_csv(str(write(tmp_path, b"\xef\xbb\xbf1,2,0\n3,4,0")))
    np.testing.assert_array_equal(d.X, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(d.y, [0.0, 0.0])


def test_load_csv_round_trips_a_builtin(tmp_path):
    d = make_dataset("moons")
    path = tmp_path / "moons.csv"
    np.savetxt(path, np.c_[d.X, d.y], delimiter=",", header="x1,x2,y", comments="")
    loaded = load_csv(path)
    np.testing.assert_allclose(loaded.X, d.X, rtol=1e-15)
    np.testing.assert_array_equal(loaded.y, d.y)


@pytest.mark.parametrize(("text", "line", "problem"), [
    ("", None, "file is empty"),
    ("\n  \n", None, "file is empty"),
    ("x1,x2,y\n\n", 1, "header row but no data rows"),
    ("x1,x2,y\n1,2,1\n1,2\n", 3, "expected 3 columns x1,x2,y, found 2"),
    ("1,2,1,4\n", 1, "expected 3 columns x1,x2,y, found 4 (or 2, x1,y, for 1-D data"),
    ("7\n", 1, "expected 3 columns x1,x2,y, found 1"),
    ("1,1\n2,3,0\n", 2, "expected 2 columns x1,y, found 3"),
    ("y,x2,x1\n1,2,1\n1,2\n", 3, "expected 3 columns y,x2,x1, found 2"),
    ("x1,x2,label\n1,2,1\n", 1, "unknown column 'label' in the header (use x1, x2, y;"),
    ("x1,x2,y,id\n1,2,1,7\n", 1, "unknown column 'id' in the header"),
    ("x1,,y\n1,2,1\n", 1, "unknown column '' in the header"),
    ("\nx1,x1,y\n1,2,1\n", 2, "column 'x1' appears twice in the header"),
    ("y,x1,Y\n1,2,1\n", 1, "column 'Y' appears twice in the header"),
    ("x1,x2\n1,2\n", 1, "the header has no 'y' column (the 0/1 labels)"),
    ("x2,y\n1,0\n", 1, "the header has no 'x1' column (the first input)"),
    ("y,x1,x2\n2,0,1\n", 2, "label y must be 0 or 1, found '2'"),
    ("x2,y,x1\n1,1,abc\n", 2, "column 3 is not a number: 'abc'"),
    ("1,2,1\n1,abc,0\n", 2, "column 2 is not a number: 'abc'"),
    ("1,abc,0\nx1,x2,y\n", 1, "column 2 is not a number: 'abc'"),
    ("1,2,1\n1,,0\n", 2, "column 2 is not a number: ''"),
    ("x1,x2,y\nx1,x2,y\n", 2, "column 1 is not a number"),
    ("1,2,1\n\n1,nan,0\n", 3, "column 2 is 'nan'; values must be finite"),
    ("inf,2,1\n", 1, "column 1 is 'inf'; values must be finite"),
    ("1,2,1\n1,2,2\n", 2, "label y must be 0 or 1, found '2'"),
    ("1,2,0.5\n", 1, "label y must be 0 or 1, found '0.5'"),
    ("1,2,1\n1,2,0\n1,2\x00\x01\x02", 3, "not UTF-8 text (is it a binary file?)"),
    (b"1,2,1\n3,4,0\n\xff\xfe\x00binary", 3, "not UTF-8 text"),
])
def test_load_csv_bad_files_name_file_line_and_problem(tmp_path, text, line, problem):
    path = write(tmp_path, text, "bad.csv")
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    message = str(info.value)
    where = f"{path}:{line}: " if line else f"{path}: "
    assert message.startswith(where) and problem in message
    assert "\n" not in message


def test_load_csv_missing_file_and_directory(tmp_path):
    with pytest.raises(DatasetError, match=r"nope\.csv: no such file$"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(DatasetError, match="is a directory"):
        load_csv(tmp_path)


def test_load_csv_size_limits(tmp_path, monkeypatch):
    path = write(tmp_path, "1,2,1\n3,4,0\n5,6,1\n", "big.csv")
    monkeypatch.setattr(datasets, "MAX_ROWS", 2)
    with pytest.raises(DatasetError, match=r"big\.csv:3: more than the 2 row limit"):
        load_csv(path)
    monkeypatch.setattr(datasets, "MAX_BYTES", 10)
    with pytest.raises(DatasetError, match=r"big\.csv: file is larger than the .* MB limit"):
        load_csv(path)


@pytest.mark.parametrize("sep", [";", "\t"])
def test_wrong_separator_is_reported_on_line_1_not_taken_for_a_header(tmp_path, sep):
    path = tmp_path / "d.csv"
    path.write_text(f"1{sep}2{sep}1\n-1{sep}-2{sep}0\n")
    with pytest.raises(DatasetError, match=r"d\.csv:1: expected 3 columns"):
        load_csv(path)


def test_a_header_names_the_columns_in_any_order(tmp_path):
    """Regression: a header `y,x1,x2` was skipped and the columns read by position (y as x1)."""
    d = load_csv(write(tmp_path, "y,x1,x2\n1,0.5,-2\n0,3,4\n"))
    np.testing.assert_array_equal(d.X, [[0.5, -2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(d.y, [1.0, 0.0])
    d = load_csv(write(tmp_path, "X2 , Y, x1\n-2,1,0.5\n"))  # case and spaces do not matter
    np.testing.assert_array_equal(d.X, [[0.5, -2.0]])
    np.testing.assert_array_equal(d.y, [1.0])


def test_one_input_column_is_1d_data(tmp_path):
    for text in ("x1,y\n0.5,1\n-2,0\n", "y,x1\n1,0.5\n0,-2\n", "0.5,1\n-2,0\n"):
        d = load_csv(write(tmp_path, text))
        np.testing.assert_array_equal(d.X, [[0.5], [-2.0]])
        np.testing.assert_array_equal(d.y, [1.0, 0.0])


# ----------------------------------------------------------------- load_csv: strict numbers

@pytest.mark.parametrize(("text", "problem"), [
    ("1,2,1\n1_0,2,0\n", "column 1 is not a number: '1_0'"),  # float() takes it
    ("1,2,1\n1,\u0663,0\n", "column 2 is not a number: '\u0663'"),  # Arabic-Indic 3
    ("1,2,1\n1,2,1e-400\n", "label y must be 0 or 1, found '1e-400'"),  # underflows to 0.0
    ("1,2,1\n1,2,0.99999999999999999999\n", "label y must be 0 or 1, found '0.9999"),  # 1.0
    ("1,2,1\n1,2,-1\n", "label y must be 0 or 1, found '-1'"),
    ("1,2,1\n1,2,1e99999999999\n", "values must be finite"),
    ("1,2,1\n1,0x10,0\n", "column 2 is not a number: '0x10'"),
])
def test_load_csv_takes_only_plain_ascii_numbers_and_exact_labels(tmp_path, text, problem):
    with pytest.raises(DatasetError, match=r"data\.csv:2: ") as info:
        load_csv(write(tmp_path, text.encode()))
    assert problem in str(info.value)


def test_a_label_may_be_written_any_way_that_is_exactly_0_or_1(tmp_path):
    text = "1,2,1e0\n1,2,10e-1\n3,4,0e-999\n1,2,1.000000000000000000e+00\n3,4,-0.0\n5,6,+1.\n"
    d = load_csv(write(tmp_path, text))
    np.testing.assert_array_equal(d.y, [1, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_any_line_ending_works_cr_only_too(tmp_path, end):
    """Regression: old-Mac CR-only files read as one line: 'expected 3 columns, found 101'."""
    text = end.join(["x1,x2,y", "1,2,1", "", "3,4,0", "5,6,1"]) + end
    d = load_csv(write(tmp_path, text))
    np.testing.assert_array_equal(d.X, [[1, 2], [3, 4], [5, 6]])
    with pytest.raises(DatasetError, match=r"data\.csv:6: label y must be 0 or 1"):
        load_csv(write(tmp_path, text + end.join(["7,8,2"])))


def test_crlf_split_between_two_chunks_is_one_line_end(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CHUNK_BYTES", 6)  # "1,2,1\r" | "\n3,4,0\r" | ...
    path = write(tmp_path, "1,2,1\r\n3,4,0\r\n5,6,z\r\n")
    with pytest.raises(DatasetError, match=r"data\.csv:3: column 3 is not a number: 'z'"):
        load_csv(path)


def test_a_long_field_is_cut_in_the_message(tmp_path):
    with pytest.raises(DatasetError) as info:
        load_csv(write(tmp_path, "1,2,1\n1," + "x" * 100_000 + ",0\n"))
    message = str(info.value)
    assert message.endswith(f": column 2 is not a number: '{'x' * 40}...' (100,000 characters)")
    with pytest.raises(DatasetError, match=r"line longer than 1,048,576 bytes"):
        load_csv(write(tmp_path, "1,2,1\n" + "1" * (2**20 + 1)))


def test_chunks_give_the_same_rows_and_line_numbers_as_one_pass(tmp_path, monkeypatch):
    """The fast path (whole chunks) and the slow one (line by line) agree, at any chunk size."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(500, 2)), rng.integers(0, 2, 500)
    lines = ["y , x2,X1", *(f"{c}, {b:.17g}\t,{a:.5e}" for (a, b), c in zip(X, y, strict=True)),
             " ", ""]
    path = write(tmp_path, "\n".join(lines) + "\n")
    for chunk in (7, 100, 2**20):
        monkeypatch.setattr(datasets, "CHUNK_BYTES", chunk)
        d = load_csv(path)
        np.testing.assert_allclose(d.X, X, rtol=1e-5)
        np.testing.assert_array_equal(d.y, y)
    path.write_text("\n".join([*lines[:300], "1,2,1,4", *lines[300:]]))
    for chunk in (7, 2**20):
        monkeypatch.setattr(datasets, "CHUNK_BYTES", chunk)
        with pytest.raises(DatasetError, match=r"data\.csv:301: expected 3 columns y,x2,x1"):
            load_csv(path)


def test_the_row_limit_names_the_first_row_over_it_in_the_fast_path(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ROWS", 1000)
    path = write(tmp_path, "x1,x2,y\n" + "1,2,1\n\n" * 1000 + "3,4,0\n")
    with pytest.raises(DatasetError, match=r"data\.csv:2002: more than the 1,000 row limit"):
        load_csv(path)


def test_memory_stays_within_twice_the_data(tmp_path):
    """Regression: a 49 MB file of short rows took 809 MB (lists of Python floats)."""
    path = tmp_path / "big.csv"
    rng = np.random.default_rng(2)
    n = 200_000
    # 1,000 random short rows written 200 times: the same size of file and rows to parse as
    # 200,000 drawn one by one, without formatting each of them (most of the test's CPU)
    block = io.StringIO()
    np.savetxt(block, np.c_[rng.normal(size=(1000, 2)), rng.integers(0, 2, 1000)],
               fmt=["%.6f", "%.6f", "%d"], delimiter=",")
    path.write_text(block.getvalue() * (n // 1000))
    tracemalloc.start()
    try:
        d = load_csv(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert d.n == n
    kept = d.X.nbytes + d.y.nbytes  # 4.8 MB
    assert peak <= 2 * kept + 6 * 2**20, (peak, kept)
