"""Big data (issue 8 §5, issue 11 §2): the data file read once, grids on a bounded budget from
one fixed sample, landmarks of many examples refined on all of them, the remembered feel, and
what the open-data dialog needs (which landscape, completions)."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest

from losswalk.core.explorer import Explorer
from losswalk.core.landscapes import datasets, minima, models
from losswalk.core.landscapes.datasets import Dataset, load_csv, make_dataset
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LandscapeOptions, LogisticModel, TinyNet
from losswalk.core.landscapes.userdata import complete, folder_entries, options_with_data
from losswalk.core.walk.walker import Walker


def write_csv(path, dataset: Dataset) -> None:
    columns = [*["x1", "x2"][:dataset.X.shape[1]], "y"]
    np.savetxt(path, np.c_[dataset.X, dataset.y], delimiter=",", header=",".join(columns),
               comments="", fmt="%.17g")


def blobs(n: int, seed: int = 1) -> Dataset:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(float)
    X = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 1.0, -1.0) * [1.0, 0.5]
    return Dataset("blobs", X, y, "two blobs")


def per_point_grid(model, w1s, w2s) -> np.ndarray:
    """The slow, obviously right grid: one model.loss call per cell."""
    return np.array([[model.loss([a, b]) for a in w1s] for b in w2s])


@pytest.fixture
def reads(monkeypatch):
    """Counts the files load_csv reads (wherever it is called from)."""
    calls = []
    real = datasets.load_csv

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(models, "load_csv", counting)
    return calls


# ---------------------------------------------------------------------------- read once


def test_options_read_the_file_once_for_every_model_built_from_them(tmp_path, reads):
    """Regression (issue 8 §5): the app's constructor and its [ ] n p keys parsed the file again."""
    path = tmp_path / "d.csv"
    write_csv(path, blobs(300))
    options = LandscapeOptions.from_user(data=str(path)).loaded()
    assert reads == [str(path)] and options.examples.n == 300
    explorer = Explorer(options)
    explorer.change_l2(1)
    explorer.next_landscape(1)  # tiny-net on the same data
    explorer.next_landscape(-1)
    explorer.open(dataclasses.replace(explorer.options, loss="mse"), "")
    assert explorer.model.dataset is options.examples
    assert reads == [str(path)]  # nothing read again
    np.testing.assert_array_equal(explorer.model.dataset.X, load_csv(path).X)


def test_explorer_reads_options_not_yet_loaded_itself_once(tmp_path, reads):
    path = tmp_path / "d.csv"
    write_csv(path, blobs(50))
    explorer = Explorer(LandscapeOptions.from_user(data=str(path)))
    explorer.change_l2(1)
    assert reads == [str(path)] and explorer.options.examples is explorer.model.dataset


def test_options_compare_by_what_was_asked_not_the_data_read():
    plain = LandscapeOptions.from_user(data="x.csv")
    loaded = dataclasses.replace(plain, examples=blobs(10))
    assert plain == loaded and loaded.with_name("tiny-net").examples is loaded.examples


# ---------------------------------------------------------------------------- grid budget


def test_logistic_grid_over_its_budget_scores_one_fixed_sample(monkeypatch):
    data = blobs(4000)
    model = LogisticModel(data, l2=0.01)
    w1s, w2s = np.linspace(-3, 3, 7), np.linspace(-2, 2, 6)
    budget = (7 * 6 + models.LOGISTIC_EXAMPLE_COST) * 500
    monkeypatch.setattr(models, "LOGISTIC_GRID_BUDGET", budget)
    assert model.grid_examples(7, 6) == 500
    keep = models.sample_indices(4000, 500)
    assert len(set(keep)) == 500 and np.all(np.diff(keep) > 0)
    sampled = LogisticModel(data.subset(keep), l2=0.01)
    grid = model.loss_grid(w1s, w2s)
    np.testing.assert_allclose(grid, per_point_grid(sampled, w1s, w2s), rtol=0, atol=1e-12)
    assert not np.allclose(grid, per_point_grid(model, w1s, w2s), rtol=0, atol=1e-9)


def test_a_grid_computed_in_row_chunks_uses_one_sample_throughout(monkeypatch):
    """Regression: each chunk of rows chose its own sample size (budget / the chunk's cells), so
    one map mixed samples, and a chunk scored almost every example (a 1M-row map took 71 s)."""
    monkeypatch.setattr(models, "GRID_BUDGET", 300 * 8 * 8)
    model = TinyNet(blobs(3000))
    grid = evaluate(model, model.extent, 8, 8, rows_per_chunk=1)
    assert model.grid_examples(8, 8) == 300
    sampled = TinyNet(model.dataset.subset(models.sample_indices(3000, 300)))
    np.testing.assert_allclose(grid.values, per_point_grid(sampled, grid.w1s, grid.w2s),
                               rtol=0, atol=1e-12)


def test_tiny_net_grid_memory_stays_within_its_chunks():
    """Regression: the hidden units of every example were kept at once (833k x 60 = 400 MB for
    a cross-section of a 1M-row file). Small chunks give the same grid as one big one."""
    model = TinyNet(blobs(700), loss="bce", l2=0.1)
    w1s, w2s = np.linspace(-4, 4, 9), np.linspace(-3, 3, 5)
    chunked = model.loss_grid(w1s, w2s, max_bytes=8 * 5 * 9 * 50)  # 50 examples a chunk
    np.testing.assert_allclose(chunked, per_point_grid(model, w1s, w2s), rtol=0, atol=1e-12)


def test_budgets_bound_the_work_of_a_million_row_map():
    """A map of the app's size and info's default grid score within the budgets."""
    data = Dataset("big", np.zeros((1_000_000, 2)), np.zeros(1_000_000), "")
    for model, budget, extra in ((LogisticModel(data), models.LOGISTIC_GRID_BUDGET,
                                  models.LOGISTIC_EXAMPLE_COST),
                                 (TinyNet(data), models.GRID_BUDGET, 0)):
        for nx, ny in ((129, 129), (60, 40), (60, 1)):
            assert model.grid_examples(nx, ny) * (nx * ny + extra) <= budget
            assert model.grid_examples(nx, ny) < data.n


# ---------------------------------------------------------------------------- landmarks


@pytest.mark.parametrize("name", ["logistic", "tiny-net"])
def test_landmarks_of_many_examples_are_those_of_all_of_them(monkeypatch, name):
    """Searched on a sample, refined on all: the same points as the full search, to rounding,
    and the gradient of the full loss vanishes there."""
    data = make_dataset("xor" if name == "tiny-net" else "overlap", n=3000)
    model = (LogisticModel if name == "logistic" else TinyNet)(data, l2=0.01)
    full = landmarks(model, model.extent)  # 3000 <= SEARCH_EXAMPLES: the full search
    monkeypatch.setattr(minima, "SEARCH_EXAMPLES", 400)
    fresh = (LogisticModel if name == "logistic" else TinyNet)(data, l2=0.01)
    refined = landmarks(fresh, fresh.extent)
    assert "fixed sample of 400 of the 3,000 examples" in refined.sample
    assert refined.note == full.note and not full.sample
    assert [p.kind for p in refined.points] == [p.kind for p in full.points]
    assert [p.is_global for p in refined.points] == [p.is_global for p in full.points]
    for mine, theirs in zip(refined.points, full.points, strict=True):
        assert np.hypot(mine.w1 - theirs.w1, mine.w2 - theirs.w2) < 1e-7
        assert abs(mine.loss - theirs.loss) < 1e-10
        assert np.linalg.norm(model.grad([mine.w1, mine.w2])) < 1e-9
    assert len(refined.global_minima) == len(full.global_minima)


def test_unbounded_data_stays_unbounded_when_searched_on_a_sample(monkeypatch):
    monkeypatch.setattr(minima, "SEARCH_EXAMPLES", 300)
    model = LogisticModel(make_dataset("separable", n=2000))
    report = landmarks(model, model.extent)
    assert report.unbounded and not report.global_minima
    assert not any(p.is_global for p in report.points)


# ---------------------------------------------------------------------------- the walker


def test_feel_is_remembered_until_the_walker_moves():
    walker = Walker(LogisticModel(blobs(200)))
    first = walker.feel()
    assert walker.feel() is first
    fresh = walker._feel()
    np.testing.assert_array_equal(first.rose, fresh.rose)
    walker.step()
    moved = walker.feel()
    assert moved is not first and (moved.w1, moved.w2) != (first.w1, first.w2)
    here = walker.position
    expected = walker.model.loss(here + walker.probe * (1, 0)) - walker.model.loss(here)
    assert moved.rose[1, 2] == pytest.approx(expected, abs=1e-15)


# ---------------------------------------------------------------------------- progress


def test_load_csv_reports_progress_through_a_file(tmp_path):
    path = tmp_path / "big.csv"
    write_csv(path, blobs(120_000))  # several 1 MiB blocks
    seen: list[float] = []
    data = load_csv(path, progress=seen.append)
    assert data.n == 120_000
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 1.0 and 0 < seen[0] < 1


# ---------------------------------------------------------------------------- the dialog's core


def test_data_opens_on_the_current_data_landscape_or_a_fitting_one():
    two, one = blobs(20), make_dataset("line", n=20)
    tiny = LandscapeOptions(name="tiny-net", dataset="xor", l2=0.1)
    opened = options_with_data(tiny, "f.csv", two)
    assert (opened.name, opened.data, opened.dataset, opened.l2) == ("tiny-net", "f.csv",
                                                                     None, 0.1)
    assert opened.examples is two and opened.build().dataset is two
    assert options_with_data(LandscapeOptions(name="bowl"), "f.csv", two).name == "logistic"
    assert options_with_data(LandscapeOptions(), "f.csv", one).name == "tiny-net"
    zoomed = LandscapeOptions(extent=(-1.0, 1.0, -1.0, 1.0))
    assert options_with_data(zoomed, "f.csv", two).extent is None


def test_completion_and_listing_of_a_half_typed_path(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data_one.csv").write_text("x1,y\n1,0\n")
    (tmp_path / "data_two.csv").write_text("x1,y\n1,0\n")
    (tmp_path / ".hidden.csv").write_text("")
    folder, names = folder_entries(f"{tmp_path}{os.sep}da")
    assert folder == tmp_path and names == ["data/", "data_one.csv", "data_two.csv"]
    assert folder_entries(f"{tmp_path}{os.sep}")[1] == ["data/", "data_one.csv", "data_two.csv"]
    assert folder_entries(f"{tmp_path}{os.sep}.")[1] == [".hidden.csv"]
    assert complete(f"{tmp_path}{os.sep}data_t") == f"{tmp_path}{os.sep}data_two.csv"
    assert complete(f"{tmp_path}{os.sep}d") == f"{tmp_path}{os.sep}data"  # as far as they agree
    assert complete(f"{tmp_path}{os.sep}nothing") == f"{tmp_path}{os.sep}nothing"
    assert folder_entries(f"{tmp_path}{os.sep}missing{os.sep}x")[1] == []


def test_costliest_equals_a_full_stable_sort_with_ties_and_non_finite_losses(monkeypatch):
    """Regression: costliest sorted every example in a Python loop (1.8 s on 1M rows, on the
    event loop). Now only the k largest are sorted: the same examples, ties by lower index."""
    from losswalk.core.lesson import inspect

    rng = np.random.default_rng(5)
    model = LogisticModel(blobs(500))
    losses = np.round(rng.random(500), 1)  # many ties
    losses[[3, 70]] = np.inf
    losses[[9]] = np.nan
    monkeypatch.setattr(inspect, "per_example_losses", lambda m, w: losses)
    for k in (0, 1, 3, 7, 60, 497, 600):
        slow = [i for i in np.argsort(-losses, kind="stable") if np.isfinite(losses[i])][:k]
        assert [e.index for e in inspect.costliest(model, [0.1, 0.2], k)] == slow, k
