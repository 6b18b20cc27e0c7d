"""Pilot tests of the app's teaching modes at 80x24: tour, practice, blind walking, data view,
BCE/MSE split, L2 regularisation and minibatch noise."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.explorer import L2_LADDER
from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.losses import sigmoid
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.lesson.tour import TourError, load_tour
from losswalk.tui.app import LosswalkApp
from losswalk.tui.screens.practice import PracticeScreen
from losswalk.tui.widgets.data_view import DataView
from losswalk.tui.widgets.map_view import MapView
from losswalk.tui.widgets.split_view import SPLIT_CAPTIONS
from losswalk.tui.widgets.status_bar import BLIND_NOTE, NO_MINIMUM
from losswalk.tui.widgets.tour_panel import TOUR_PATH, TourPanel
from tests.tui.conftest import screen_text, wait_for_map

SIZE = (80, 24)
SLIDES = load_tour(TOUR_PATH)
MAP_GLYPHS = set("▀★◇▲◉•")  # heatmap half block, minima, maximum, walker, trail


def separable() -> LosswalkApp:
    return LosswalkApp(LandscapeOptions(dataset="separable"))


async def press(pilot, *keys: str) -> None:
    """Press keys one by one, letting every grid the keys ask for finish."""
    for key in keys:
        await pilot.press(key)
        await wait_for_map(pilot)


def displayed(app, selector: str) -> bool:
    if not app.query(selector):  # a mode's widget is mounted when the mode first opens
        return False
    widget = app.query_one(selector)
    return widget.display and all(a.display for a in widget.ancestors if hasattr(a, "display"))


# ---------------------------------------------------------------------------------- tour

def slide_landscape(index: int) -> str | None:
    return SLIDES[index].setup.landscape


async def test_tour_moves_through_slides_and_sets_their_landscapes():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "t")
        assert app.explorer.touring and app.explorer.tour.index == 0 and displayed(app, "#tour")
        assert app.explorer.model.name == slide_landscape(0) and "Tour 1/" in screen_text(pilot)
        for key, index in [("pagedown", 1), ("full_stop", 2), ("pageup", 1), ("comma", 0),
                           ("full_stop", 1), ("full_stop", 2)]:
            await press(pilot, key)
            assert app.explorer.tour.index == index, key
            assert app.explorer.model.name == slide_landscape(index), key
            assert f"Tour {index + 1}/{len(SLIDES)}" in screen_text(pilot)
        assert app.map.grid.extent == app.explorer.model.extent  # the slide's map, not the old one
        await press(pilot, "t")
        assert not app.explorer.touring and not displayed(app, "#tour")
        await press(pilot, "n", "t")  # restarts cleanly at slide 1 from anywhere
        assert app.explorer.touring and app.explorer.tour.index == 0
        assert app.explorer.model.name == slide_landscape(0)


async def test_tour_stays_put_at_its_ends_and_other_keys_keep_working():
    app = LosswalkApp(tour=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert app.explorer.touring and app.explorer.tour.index == 0
        await press(pilot, "pageup")
        assert app.explorer.tour.index == 0 and "first slide" in app.explorer.message
        await press(pilot, "space", "l")
        assert app.explorer.walker.steps == 1 and len(app.explorer.walker.trail) == 3
        await press(pilot, *["pagedown"] * (len(SLIDES) + 2))
        assert app.explorer.tour.index == len(SLIDES) - 1
        assert "last slide" in app.explorer.message


async def test_ending_the_tour_returns_to_where_the_viewer_was():
    """Regression: t left the last slide's landscape and view instead of the viewer's own."""
    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "l", "l", "space", "z", "c")
        explorer = app.explorer
        walker, extent, mode = explorer.walker, explorer.extent, explorer.mode
        position, trail = walker.position.copy(), list(walker.trail)
        await press(pilot, "t", "pagedown", "pagedown", "pagedown", "b")
        assert explorer.touring and explorer.model.name != "himmelblau"
        await press(pilot, "t")
        await wait_for_map(pilot)
        assert not explorer.touring and not explorer.blind
        assert explorer.model.name == "himmelblau" and explorer.walker is walker
        assert explorer.extent == extent and explorer.mode == mode == app.map.mode
        assert (walker.position == position).all() and walker.trail == trail
        assert app.map.extent == extent and "back where you were" in explorer.message


async def test_slide_setup_is_applied():
    app = LosswalkApp(tour=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        target = next(i for i, s in enumerate(SLIDES) if s.setup.lr is not None)
        await press(pilot, *["pagedown"] * target)
        setup = SLIDES[target].setup
        assert app.explorer.walker.lr == setup.lr and app.map.mode == setup.mode
        assert app.explorer.walker.optimizer_name == setup.optimizer
        assert app.explorer.blind is bool(setup.blind)


async def test_tour_file_error_is_reported_not_raised(monkeypatch):
    def broken(path):
        raise TourError("tour.toml: slide 2: setup.lr: must be a finite number > 0, got 0")

    monkeypatch.setattr("losswalk.core.lesson.tour.load_tour", broken)
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t", "pagedown")
        assert not app.explorer.touring and app.is_running
        assert any("setup.lr" in str(n.message) for n in app._notifications)


# ---------------------------------------------------------------------------------- practice

async def test_practice_opens_and_escape_returns():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "P")
        assert isinstance(app.screen, PracticeScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PracticeScreen) and app.is_running


# ---------------------------------------------------------------------------------- blind

async def test_blind_hides_the_map_and_b_reveals_it_with_the_trail():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        cell = app.map.cell_size()
        await press(pilot, "l", "l", "l", "b")
        assert app.explorer.blind and not displayed(app, "#map") and not displayed(app, "#sections")
        text = screen_text(pilot)
        assert BLIND_NOTE in text and not MAP_GLYPHS & set(text)
        assert displayed(app, "#panel") and displayed(app, "#history")
        before = app.explorer.walker.position.copy()
        await press(pilot, "right")  # hand moves keep the map's cell size while it is hidden
        np.testing.assert_allclose(app.explorer.walker.position, before + np.array([cell[0], 0.0]))
        await press(pilot, "space", "space", "enter")
        await pilot.pause(0.2)
        await press(pilot, "enter")
        assert app.explorer.walker.steps >= 2
        assert not MAP_GLYPHS & set(screen_text(pilot))
        position = app.explorer.walker.position.copy()
        await press(pilot, "g")  # jumping to the minimum would be cheating
        np.testing.assert_array_equal(app.explorer.walker.position, position)
        assert "no peeking" in app.explorer.message
        await press(pilot, "b")
        assert not app.explorer.blind and displayed(app, "#map")
        text = screen_text(pilot)
        assert "•" in text and "◉" in text and BLIND_NOTE not in text
        trail_cells = [c for c, paint in app.map._overlay.items() if paint[0] == "•"]
        assert len(trail_cells) >= 3


async def test_landscape_switch_while_blind_stays_blind_and_computes_the_map():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "b", "n")
        assert app.explorer.blind and app.explorer.model.name == "tiny-net"
        assert app.explorer.report is not None
        assert not MAP_GLYPHS & set(screen_text(pilot))
        await press(pilot, "b")
        assert app.map.grid.values.shape[::-1] == app.map.grid_shape()


# ---------------------------------------------------------------------------------- data view

def data_title(pilot) -> str:
    return next(line for line in screen_text(pilot).splitlines() if "data: overlap" in line)


async def test_data_view_follows_the_walker():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "d")
        assert displayed(app, "#data") and not displayed(app, "#side")
        assert not displayed(app, "#map")
        before = data_title(pilot)
        assert "acc" in before and "boundary" in before
        assert "cost the most" in screen_text(pilot)
        await press(pilot, "L", "K")
        assert data_title(pilot) != before
        await press(pilot, "d")
        assert not displayed(app, "#data") and displayed(app, "#side")


async def test_data_view_on_a_surface_says_there_is_no_data():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "d")
        assert "this landscape has no data" in screen_text(pilot)
        assert isinstance(app.query_one("#data"), DataView)


# ---------------------------------------------------------------------------------- split

async def wait_for_split(pilot) -> None:
    app = pilot.app
    for _ in range(300):
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if all(app.query_one(f"#map-{k}", MapView).report is not None for k in ("bce", "mse")):
            return
    raise AssertionError("the split maps did not finish")


async def test_split_shows_bce_and_mse_maps_with_the_same_walker():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "v")
        await wait_for_split(pilot)
        maps = [m for m in app.query(MapView) if displayed(app, f"#{m.id}")]
        assert [m.id for m in maps] == ["map-bce", "map-mse"]
        bce, mse = maps
        assert bce.grid.extent == mse.grid.extent == app.explorer.extent
        assert not np.allclose(bce.grid.values[:5, :5], mse.grid.values[:5, :5])
        assert bce.size.width <= SIZE[0] // 2 + 1 and bce.legend is False
        text = screen_text(pilot)
        assert SPLIT_CAPTIONS["bce"] in text and "MSE on sigmoid" in text
        for m in maps:  # the walker at the same place, minima of each landscape
            assert m.report.global_minimum is not None
            assert m.view.cell_at(*app.explorer.walker.position) in m._overlay
        await press(pilot, "space")
        assert bce._walker == mse._walker == tuple(app.explorer.walker.position)
        await press(pilot, "v")
        assert not app.explorer.split and displayed(app, "#map")


async def test_split_refuses_surfaces_and_closes_on_switching_to_one():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "v")
        assert not app.explorer.split and "no data" in app.explorer.message
    app = LosswalkApp(LandscapeOptions(name="tiny-net"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "v")
        assert app.explorer.split
        await press(pilot, "n")  # tiny-net -> bowl
        assert not app.explorer.split and displayed(app, "#map")


# ---------------------------------------------------------------------------------- L2

def gd_minimum(l2: float) -> np.ndarray:
    """Independent check: plain gradient descent on the regularised logistic loss of separable."""
    data = make_dataset("separable")
    X, y = data.X, data.y
    step = 1 / (np.linalg.eigvalsh(X.T @ X / len(y)).max() / 4 + l2)
    w = np.zeros(2)
    for _ in range(200_000):
        g = X.T @ (sigmoid(X @ w) - y) / len(y) + l2 * w
        w = w - step * g
        if np.linalg.norm(g) < 1e-10:
            break
    return w


async def test_raising_lambda_brings_back_a_finite_minimum():
    app = separable()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert app.explorer.report.unbounded
        assert NO_MINIMUM[:60] in screen_text(pilot).replace("\n", "")
        start = app.explorer.walker.position.copy()
        for _ in L2_LADDER:
            await press(pilot, "right_square_bracket")
            if not app.explorer.report.unbounded and app.explorer.report.global_minimum is not None:
                break
        best = app.explorer.report.global_minimum
        assert best is not None and app.explorer.model.l2 > 0
        assert f"λ {app.explorer.model.l2:g}" in screen_text(pilot)
        np.testing.assert_allclose([best.w1, best.w2], gd_minimum(app.explorer.model.l2), atol=1e-3)
        np.testing.assert_array_equal(app.explorer.walker.position, start)  # the walker stays put
        assert NO_MINIMUM[:30] not in screen_text(pilot)
        assert "★" in screen_text(pilot)  # the global minimum's marker is back
        await press(pilot, *["left_square_bracket"] * len(L2_LADDER))
        assert app.explorer.model.l2 == 0 and app.explorer.report.unbounded
        await press(pilot, "left_square_bracket")
        assert "end of the ladder" in app.explorer.message


async def test_lambda_keeps_optimizer_and_r_start():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "o", "plus", "space", "right_square_bracket")
        assert app.explorer.walker.optimizer_name == "momentum"
        assert app.explorer.model.l2 == L2_LADDER[1]
        assert app.explorer.walker.lr == pytest.approx(app.explorer.model.default_lr * 1.5)
        await press(pilot, "r")
        np.testing.assert_array_equal(app.explorer.walker.position, app.explorer.model.start)


async def test_lambda_and_batches_are_refused_on_surfaces():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right_square_bracket")
        assert "data landscapes only" in app.explorer.message
        await press(pilot, "B")
        assert app.explorer.walker.gradient is None
        assert "minibatches need examples" in app.explorer.message


# ---------------------------------------------------------------------------------- minibatch

async def walk(pilot, n: int) -> np.ndarray:
    await press(pilot, "r", *["space"] * n)
    return pilot.app.explorer.walker.position.copy()


async def test_minibatch_walks_replay_exactly_and_differ_from_full_batch():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        full = await walk(pilot, 6)
        await press(pilot, "B", "B")
        assert "batch 16 of 200" in screen_text(pilot)
        first, second = await walk(pilot, 6), await walk(pilot, 6)
        np.testing.assert_array_equal(first, second)
        assert np.linalg.norm(first - full) > 1e-3
        await press(pilot, "B", "B")  # 1, then back to the full batch
        assert app.explorer.walker.gradient is None
        np.testing.assert_array_equal(await walk(pilot, 6), full)


# ---------------------------------------------------------------------------------- edges

async def test_new_keys_at_a_too_small_terminal_do_nothing():
    app = LosswalkApp()
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        await pilot.press("t", "pagedown", "b", "d", "v", "right_square_bracket", "B", "P")
        await pilot.pause()
        explorer = app.explorer
        assert not (explorer.touring or explorer.blind or explorer.data_view or explorer.split)
        assert app.explorer.model.l2 == 0 and app.explorer.batch_size is None
        assert not isinstance(app.screen, PracticeScreen)
        assert "terminal too small" in screen_text(pilot)


async def test_modes_stay_coherent():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "v", "d")  # d is refused while split
        assert app.explorer.split and not app.explorer.data_view
        await press(pilot, "b")  # blind closes the split
        assert app.explorer.blind and not app.explorer.split
        await press(pilot, "v")  # and the split will not open blind
        assert not app.explorer.split and "press b to look" in app.explorer.message
        await press(pilot, "d")  # the data view is allowed blind: it shows data, not the map
        assert displayed(app, "#data") and not displayed(app, "#map")
        assert BLIND_NOTE in screen_text(pilot)
        await press(pilot, "d", "t")  # slide 1 takes the blindfold off
        assert app.explorer.touring and isinstance(app.query_one("#tour"), TourPanel)
        assert not app.explorer.blind and displayed(app, "#map") and displayed(app, "#tour")


async def test_ascii_modes_stay_ascii():
    app = LosswalkApp(charset="ascii")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        for keys in (("t",), ("b", "B", "right_square_bracket"), ("b", "d"), ("d", "v")):
            await press(pilot, *keys)
            text = screen_text(pilot)
            assert text.isascii(), (keys, sorted({c for c in text if not c.isascii()}))


# ------------------------------------------------------------------- walkthrough regressions

async def test_tour_slides_reset_the_log_scale_and_n_from_slide_one_opens_tiny_net_on_line():
    app = LosswalkApp(LandscapeOptions(name="camel"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await press(pilot, "m", "t")  # log colours left on from before: slide 1 starts clean
        assert app.map.scale == "linear" and "(log" not in screen_text(pilot)
        camel = next(i for i, slide in enumerate(SLIDES) if slide.setup.landscape == "camel")
        await press(pilot, "pagedown", "m", *["pagedown"] * (camel - 1))  # log on 2, then camel's
        assert app.explorer.model.name == "camel" and app.map.scale == "linear"
        await press(pilot, "t", "t", "n")  # slide 1 names no dataset: tiny-net gets its own
        assert app.explorer.model.name == "tiny-net" and app.explorer.model.dataset.name == "line"


async def test_blind_on_a_tour_slide_at_80x24_still_shows_step_and_state():
    app = LosswalkApp(tour=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        blindfolded = next(i for i, s in enumerate(SLIDES) if "blindfolded" in s.title.lower())
        await press(pilot, *["pagedown"] * blindfolded, "b", "space", "space")
        assert app.explorer.blind and app.explorer.touring
        text = screen_text(pilot)
        assert "step 2" in text and "paused" in text.split("step 2")[1]
        assert displayed(app, "#history")  # the chart beside the panel, not an empty half


async def test_lowest_point_outside_the_map_is_said_in_the_banner():
    app = LosswalkApp(LandscapeOptions(dataset="separable", l2=0.001))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert app.explorer.report.global_minimum is None and not app.explorer.report.unbounded
        text = " ".join(screen_text(pilot).split())
        assert "the global minimum lies outside the map" in text and "g goes there" in text
