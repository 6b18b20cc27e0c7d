"""The app on big data (issue 8 §5) and the open-data dialog (issue 11 §2), driven by Pilot keys:
keys computed off the event loop, a file opened by typing its path, a big read with progress,
bad files named in the dialog with the landscape kept."""

from __future__ import annotations

import time

import numpy as np

from losswalk.core.explorer import Explorer
from losswalk.core.landscapes import datasets
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui import offloop
from losswalk.tui.app import LosswalkApp
from losswalk.tui.screens import open_data
from losswalk.tui.screens.open_data import OpenDataScreen
from tests.tui.conftest import screen_text, wait_for_map

SIZE = (80, 24)


def write_blobs(path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 1.0, -1.0) * [1.0, 0.5]
    np.savetxt(path, np.c_[X, y], fmt=["%.6f", "%.6f", "%d"], delimiter=",",
               header="x1,x2,y", comments="")


async def settle(pilot, app) -> None:
    """Wait until queued keys are done and the map is drawn."""
    for _ in range(1000):
        await pilot.pause(0.02)
        if not app._offloop.busy and not app.map_busy:
            return
    raise AssertionError("the app did not settle")


async def test_keys_on_big_data_never_block_the_event_loop(monkeypatch):
    """Regression (issue 8 §5): [ ] n p B froze the UI for seconds on a 1M-row file, computing
    on the event loop. Here the operation takes 0.4 s: a probe on the loop keeps running."""
    monkeypatch.setattr(offloop, "HEAVY_EXAMPLES", 100)  # the 200 examples of overlap count
    slow = Explorer.change_l2

    def slow_l2(self, direction):
        time.sleep(0.4)
        slow(self, direction)

    monkeypatch.setattr(Explorer, "change_l2", slow_l2)
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        gaps, last = [], [time.perf_counter()]

        def probe():
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        app.set_interval(0.01, probe)
        await pilot.pause(0.05)
        await pilot.press("right_square_bracket")
        await settle(pilot, app)
        assert app.explorer.options.l2 == 0.001
        assert max(gaps) < 0.3, f"the event loop stalled {max(gaps):.2f} s"
        assert "λ = 0.001" in screen_text(pilot) or "0.001" in app.explorer.message


async def test_keys_queued_off_the_loop_give_the_same_state_as_at_once(monkeypatch):
    monkeypatch.setattr(offloop, "HEAVY_EXAMPLES", 100)
    app = LosswalkApp()
    plain = Explorer()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("right_square_bracket", "space", "space", "B", "space", "n", "p")
        await settle(pilot, app)
        plain.change_l2(1)
        plain.step()
        plain.step()
        plain.next_batch()
        plain.step()
        plain.next_landscape(1)
        plain.next_landscape(-1)
        ours = app.explorer
        assert (ours.model.name, ours.options.l2, ours.batch_size) == (
            plain.model.name, plain.options.l2, plain.batch_size)
        np.testing.assert_array_equal(ours.walker.position, plain.walker.position)
        assert app.query_one("WalkerPanel")._feel is ours.walker.feel()  # shown, remembered


async def test_ctrl_o_opens_a_file_typed_and_completed_with_keys(tmp_path):
    path = tmp_path / "mine.csv"
    write_blobs(path, 300)
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, OpenDataScreen)
        await pilot.press("/", *f"{tmp_path}/mi", "tab")  # '//' starts afresh from '/'
        assert app.screen.path_input.value == str(path)
        assert "mine.csv" in screen_text(pilot)  # the folder's listing
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, OpenDataScreen)
        model = app.explorer.model
        assert model.name == "logistic" and app.explorer.options.data == str(path)
        np.testing.assert_array_equal(model.dataset.X, datasets.load_csv(path).X)
        assert "mine.csv" in screen_text(pilot)


async def test_enter_on_a_folder_goes_into_it_and_escape_cancels(tmp_path):
    (tmp_path / "sub").mkdir()
    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("ctrl+o")
        app.screen.path_input.value = str(tmp_path / "sub")  # (typing is tested above)
        await pilot.press("enter")
        assert app.screen.path_input.value == f"{tmp_path / 'sub'}/"
        await pilot.press("escape")
        assert not isinstance(app.screen, OpenDataScreen)
        assert app.explorer.model.name == "himmelblau"


async def test_bad_files_are_named_in_the_dialog_and_the_landscape_is_kept(tmp_path,
                                                                          monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n1,2,0\n3,4,7\n")
    big = tmp_path / "big.csv"
    write_blobs(big, 2000)
    monkeypatch.setattr(datasets, "MAX_BYTES", 10_000)
    app = LosswalkApp(LandscapeOptions(name="tiny-net", dataset="xor"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        before = app.explorer.model
        for path, problem in ((bad, "bad.csv:3: label y must be 0 or 1, found '7'"),
                              (big, "larger than the"),
                              ("/dev/null", "is a device, not a CSV file"),
                              (tmp_path / "none.csv", "no such file")):
            await pilot.press("ctrl+o")
            app.screen.path_input.value = str(path)  # (typing is tested above)
            await pilot.press("enter")
            for _ in range(200):
                await pilot.pause(0.02)
                if not app.screen.reading:
                    break
            await pilot.pause(0.1)
            assert isinstance(app.screen, OpenDataScreen)  # still open: fix the path
            assert problem in app.screen.message
            assert app.screen.message.split()[-1] in screen_text(pilot)  # shown
            await pilot.press("escape")
            assert app.explorer.model is before


async def test_a_big_read_shows_its_progress(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    write_blobs(path, 150_000)  # about 3 MB: several blocks
    monkeypatch.setattr(open_data, "PROGRESS_AFTER", 0.02)
    monkeypatch.setattr(datasets, "CHUNK_BYTES", 2**16)  # many small blocks: a slow read
    seen: list[tuple[float, bool]] = []
    shown = OpenDataScreen._progress

    def watch(self, fraction):
        seen.append((fraction, self.has_class("-reading")))
        shown(self, fraction)

    monkeypatch.setattr(OpenDataScreen, "_progress", watch)
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("ctrl+o")
        app.screen.path_input.value = str(path)  # (typing is tested above)
        await pilot.press("enter")
        await settle(pilot, app)
        fractions = [f for f, _ in seen]
        assert len(fractions) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
        assert any(visible for _, visible in seen[1:])  # the bar was on screen while reading
        assert app.explorer.model.dataset.n == 150_000


def test_the_cli_reads_data_once_and_hands_it_to_the_app(tmp_path, monkeypatch):
    """Regression (issue 8 §5): the CLI parsed --data, then the app's constructor parsed it
    again (3.2 s each for 1M rows) before the first frame."""
    from losswalk.core.landscapes import models
    from losswalk.tui import app
    from losswalk.tui.cli import main

    path = tmp_path / "d.csv"
    write_blobs(path, 500)
    reads, calls = [], []
    real = models.load_csv
    monkeypatch.setattr(models, "load_csv", lambda p, *a, **k: reads.append(p) or real(p))
    monkeypatch.setattr("losswalk.tui.commands.app_launch._need_a_terminal", lambda: None)
    monkeypatch.setattr(app, "run", lambda options, **kwargs: calls.append(options))
    assert main(["tiny-net", "--data", str(path)]) == 0
    (options,) = calls
    assert options.examples is not None and options.examples.n == 500
    Explorer(options).change_l2(1)  # what the app does with them
    assert len(reads) == 1


async def test_a_map_of_a_sample_says_so_above_the_map(monkeypatch):
    """Honest labels: a map scoring a sample of the examples says how many, and only then."""
    from losswalk.core.landscapes import models

    monkeypatch.setattr(models, "LOGISTIC_GRID_BUDGET", 40 * (10_000 + 4096))
    app = LosswalkApp()  # overlap: 200 examples
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        nx, ny = app.map.grid_shape()
        used = app.explorer.model.grid_examples(nx, ny)
        assert used < 200 == app.explorer.model.dataset.n
        label = f"map from a fixed sample of {used:,} of the 200 examples"
        for _ in range(50):  # the banner is redrawn once the map's message has been handled
            if label in screen_text(pilot):
                break
            await pilot.pause(0.02)
        assert label in screen_text(pilot)
    monkeypatch.undo()
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert "fixed sample" not in screen_text(pilot)
