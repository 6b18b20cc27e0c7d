"""Pilot tests of the losswalk app: every key, the size guard, colour modes, bad states."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from textual import constants

from losswalk.core.landscapes.models import LANDSCAPES, LandscapeOptions, ModelError
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES
from losswalk.core.walk.walker import WalkerStatus
from losswalk.tui.app import MIN_SIZE, LosswalkApp
from losswalk.tui.features.walk import CHART_EVERY
from losswalk.tui.screens.help import KEYS, HelpScreen
from losswalk.tui.widgets.charts import LossHistoryChart
from losswalk.tui.widgets.walker_panel import WalkerPanel
from tests.tui.conftest import screen_text, wait_for_map, wait_until

SIZE = (80, 24)


def bowl() -> LosswalkApp:
    return LosswalkApp(LandscapeOptions(name="bowl"))


async def test_opens_default_landscape_and_names_it():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert app.explorer.model.name == "logistic"
        assert app.explorer.model.dataset.name == "overlap"
        assert app.map.grid is not None and app.map.grid.values.shape[::-1] == app.map.grid_shape()
        text = screen_text(pilot)
        assert "logistic: BCE on overlap" in text
        assert "sgd" in text and "ready" in text  # not "walking" before the first step


MOVES = {
    "h": (-1, 0), "left": (-1, 0), "l": (1, 0), "right": (1, 0),
    "k": (0, 1), "up": (0, 1), "j": (0, -1), "down": (0, -1),
    "H": (-10, 0), "shift+left": (-10, 0), "L": (10, 0), "shift+right": (10, 0),
    "K": (0, 10), "shift+up": (0, 10), "J": (0, -10), "shift+down": (0, -10),
}  # fmt: skip


async def test_move_keys_move_by_map_cells():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        w1_min, w1_max, w2_min, w2_max = app.explorer.extent
        map_w, map_h = app.map.map_cells()
        for key, cells in MOVES.items():  # each key, one after the other
            before = app.explorer.walker.position.copy()
            await pilot.press(key)
            expected = before + np.array(cells) * [(w1_max - w1_min) / map_w,
                                                    (w2_max - w2_min) / map_h]
            np.testing.assert_allclose(app.explorer.walker.position, expected, rtol=1e-12,
                                       err_msg=key)


async def test_space_steps_downhill_on_the_bowl():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        losses = [app.explorer.walker.trail[-1].loss]
        for _ in range(3):
            await pilot.press("space")
            losses.append(app.explorer.walker.trail[-1].loss)
        assert app.explorer.walker.steps == 3
        assert all(b < a for a, b in itertools.pairwise(losses))


async def test_enter_runs_then_pauses():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.explorer.walker.steps > 0)
        assert app.explorer.walking and app.explorer.walker.steps > 0
        await pilot.press("enter")
        assert not app.explorer.walking
        steps = app.explorer.walker.steps
        await pilot.pause(0.2)
        assert app.explorer.walker.steps == steps
        assert "paused" in screen_text(pilot)


async def test_walk_stops_itself_when_converged():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        app.explorer.walker.set_optimizer("adam")
        app.explorer.walker.tol = 1e6  # everything counts as flat: the first step converges
        app.explorer.walker.global_min_loss = None
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.explorer.walking)
        assert not app.explorer.walking and app.explorer.walker.status == WalkerStatus.CONVERGED
        assert app.explorer.walker.steps == 1 and "converged" in screen_text(pilot)


async def test_optimizer_keys_cycle_both_ways():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert app.explorer.walker.optimizer_name == OPTIMIZERS[1]
        await pilot.press("O", "O")
        assert app.explorer.walker.optimizer_name == OPTIMIZERS[-1]
        assert OPTIMIZERS[-1] in screen_text(pilot)


async def test_learning_rate_keys():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        lr = app.explorer.walker.lr
        await pilot.press("plus")
        assert app.explorer.walker.lr == pytest.approx(lr * 1.5)
        await pilot.press("equals_sign")
        assert app.explorer.walker.lr == pytest.approx(lr * 2.25)
        await pilot.press("minus", "minus")
        assert app.explorer.walker.lr == pytest.approx(lr)


async def test_schedule_key():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert app.explorer.walker.schedule_name == SCHEDULES[1]


async def test_landscape_keys_keep_settings():
    names = list(LANDSCAPES)
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("o", "n")
        assert app.explorer.model.name == names[1]
        assert app.explorer.walker.optimizer_name == OPTIMIZERS[1]
        await wait_for_map(pilot)
        await pilot.press("p", "p")
        assert app.explorer.model.name == names[-1]
        await wait_for_map(pilot)
        assert app.map.grid.extent == app.explorer.model.extent
        assert names[-1] in screen_text(pilot)


async def test_landscape_that_fails_to_load_keeps_the_old_one(monkeypatch):
    def broken(self, strict=False):
        raise ModelError("no such data")

    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        monkeypatch.setattr(LandscapeOptions, "build", broken)
        await pilot.press("n")
        await pilot.pause()
        assert app.explorer.model.name == "logistic"
        assert any("no such data" in str(n.message) for n in app._notifications)


async def test_c_cycles_view_modes_and_e_toggles_log_scale():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        seen = [app.map.mode]
        for _ in range(3):
            await pilot.press("c")
            seen.append(app.map.mode)
        assert seen == ["heatmap", "contours", "both", "heatmap"]
        await pilot.press("m")
        assert app.map.scale == "log"
        await pilot.press("m")
        assert app.map.scale == "linear"


async def test_zoom_keys_change_extent_and_zero_resets():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        home = app.explorer.extent
        span = home[1] - home[0]
        await pilot.press("z")
        assert app.explorer.extent[1] - app.explorer.extent[0] == pytest.approx(span / 2)
        x = app.explorer.walker.position[0]
        assert (app.explorer.extent[0] + app.explorer.extent[1]) / 2 == pytest.approx(x)
        await wait_for_map(pilot)
        assert app.map.grid.extent == app.explorer.extent
        await pilot.press("x", "x")
        assert app.explorer.extent[1] - app.explorer.extent[0] == pytest.approx(span * 2)
        await pilot.press("0")
        assert app.explorer.extent == home
        await wait_for_map(pilot)
        assert app.map.grid.extent == home


async def test_g_jumps_to_the_global_minimum():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("g")
        best = app.explorer.report.global_minimum
        np.testing.assert_allclose(app.explorer.walker.position, [best.w1, best.w2])
        np.testing.assert_allclose(app.explorer.walker.position,
                                   app.explorer.model.known_minima[0], atol=1e-3)
        assert "global minimum" in screen_text(pilot)


async def test_g_on_an_unbounded_landscape_says_so():
    app = LosswalkApp(LandscapeOptions(dataset="separable"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert app.explorer.report.unbounded
        before = app.explorer.walker.position.copy()
        await pilot.press("g")
        np.testing.assert_array_equal(app.explorer.walker.position, before)
        assert "no global minimum" in app.explorer.message


async def test_r_resets_walker_and_trail():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("space", "space", "l")
        assert len(app.explorer.walker.trail) == 4
        await pilot.press("r")
        assert app.explorer.walker.steps == 0 and len(app.explorer.walker.trail) == 1
        np.testing.assert_array_equal(app.explorer.walker.position, app.explorer.model.start)


def chart_and_panel_loss(app: LosswalkApp) -> tuple[str, str]:
    """The loss chart's title and the panel's loss line, as drawn now."""
    chart, panel = app.query_one(LossHistoryChart), app.query_one(WalkerPanel)
    panel_rows = [panel.render_line(y).text for y in range(panel.size.height)]
    return chart.render_line(0).text.strip(), next(r for r in panel_rows if r.startswith("loss"))


async def test_the_loss_chart_title_never_lags_the_panel_while_walking():
    """Regression: while walking, the loss chart was redrawn every CHART_EVERY steps only, so its
    title showed an older loss than the panel two steps in three."""
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        app.explorer.start_walk()
        for _ in range(2 * CHART_EVERY + 1):  # the clock's frames, called here one by one
            app.controller("walk").tick()
            title, panel_line = chart_and_panel_loss(app)
            assert app.explorer.walking and title == panel_line.strip(), (title, panel_line)


def test_the_first_frame_at_80x24_imports_no_plotext():
    """The loss chart is drawn by core (plotext's import and first draw cost ~30 ms of the first
    frame); at 80x24 the cross-sections are folded away, so nothing on screen needs plotext."""
    code = (
        "import asyncio, sys\n"
        "from losswalk.tui.app import LosswalkApp\n"
        "from tests.tui.conftest import wait_for_map\n"
        "async def main():\n"
        "    async with LosswalkApp().run_test(size=(80, 24)) as pilot:\n"
        "        await wait_for_map(pilot)\n"
        "        await pilot.press('space')\n"
        "sys.exit(asyncio.run(main()) or ('plotext' in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


async def test_r_resets_the_loss_chart_range():
    """Regression: `r` restarts the trail from the same first point; the chart kept the range of
    the walk before. After r the chart shows what a fresh app shows."""
    app, fresh = LosswalkApp(), LosswalkApp()
    async with fresh.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        chart = fresh.query_one(LossHistoryChart)
        expected = [chart.render_line(y).text for y in range(chart.size.height)]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press(*["space"] * 12, "r")
        await pilot.pause()
        chart = app.query_one(LossHistoryChart)
        assert [chart.render_line(y).text for y in range(chart.size.height)] == expected


async def test_absurd_learning_rate_diverges_plainly_and_r_recovers():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press(*["plus"] * 20)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.explorer.walking)
        assert app.explorer.walker.status == WalkerStatus.DIVERGED and not app.explorer.walking
        text = screen_text(pilot)
        assert "DIVERGED" in text and "r reset" in text
        await pilot.press("space")  # does nothing harmful
        await pilot.press("r")
        assert app.explorer.walker.status == WalkerStatus.READY
        assert "DIVERGED" not in screen_text(pilot)


async def test_a_learning_rate_too_small_to_move_stops_the_run_and_says_so():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        walker = app.explorer.walker
        walker.set_lr(walker.lr * 1.5 ** -169)  # as 169 presses of - would
        await pilot.press("minus", "enter")  # 1.5^-170 ~ 1e-30 times the default
        for _ in range(100):
            await pilot.pause(0.05)
            if not app.explorer.walking:
                break
        assert not app.explorer.walking and walker.status is WalkerStatus.STALLED
        assert "too small" in app.explorer.message and "+ raises the learning rate" in (
            app.explorer.message)


async def test_help_opens_and_closes():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        for close in ["question_mark", "escape", "q"]:
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(close)
            assert not isinstance(app.screen, HelpScreen), close
            assert app.is_running


def test_help_lists_every_bound_key():
    listed = " ".join(keys for keys, _ in KEYS)
    for binding in LosswalkApp.BINDINGS:
        for key in binding.key.split(","):
            short = {"question_mark": "?", "plus": "+", "minus": "-", "equals_sign": "=",
                     "left": "arrows", "right": "arrows", "up": "arrows", "down": "arrows",
                     "shift+left": "shift+arrows", "shift+right": "shift+arrows",
                     "shift+up": "shift+arrows", "shift+down": "shift+arrows",
                     "pagedown": "PgDn", "pageup": "PgUp", "full_stop": ".", "comma": ",",
                     "left_square_bracket": "[", "right_square_bracket": "]"}.get(key, key)
            assert short in listed.split(), key


async def test_the_footer_shows_help_and_quit_at_every_supported_size():
    app = LosswalkApp()
    async with app.run_test(size=(60, 18)) as pilot:
        for size in [(60, 18), (80, 24)]:
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            footer = screen_text(pilot).splitlines()[-1]
            assert app.size == size
            assert "? help" in footer and "q quit" in footer and "space step" in footer, size


async def test_ctrl_c_quits_even_from_the_practice_screen():
    """Over SSH people press ctrl+c to leave: it quits instead of saying 'press ctrl+q'."""
    for keys in (("ctrl+c",), ("P", "ctrl+c")):
        app = LosswalkApp()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            assert not app.is_running, keys


async def test_q_quits():
    app = LosswalkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_too_small_terminal_shows_message_and_recovers():
    app = LosswalkApp()
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        text = screen_text(pilot)
        need = f"need {MIN_SIZE[0]}x{MIN_SIZE[1]}, have 50x14"
        assert "terminal too small" in text and need in text
        await pilot.press("l", "space", "enter")  # keys do nothing harmful meanwhile
        assert app.explorer.walker.steps == 0 and not app.explorer.walking
        await pilot.resize_terminal(*SIZE)
        await wait_for_map(pilot)
        text = screen_text(pilot)
        assert "terminal too small" not in text and "logistic" in text
        await pilot.resize_terminal(30, 10)
        await pilot.resize_terminal(120, 40)
        await wait_for_map(pilot)
        assert app.map.grid.values.shape[::-1] == app.map.grid_shape()


@pytest.mark.parametrize("setup", ["no_color", "standard", "ascii"])
async def test_colourless_modes_use_the_ramp_and_render(setup, monkeypatch):
    if setup == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    if setup == "standard":
        monkeypatch.setattr(constants, "COLOR_SYSTEM", "standard")
    app = LosswalkApp(charset="ascii" if setup == "ascii" else "unicode")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        assert app.map.style_name == "ramp"
        await pilot.press("space", "c", "question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(pilot)
        assert "logistic" in text
        if setup == "ascii":
            assert text.isascii(), sorted({c for c in text if not c.isascii()})


async def test_click_on_the_map_places_the_walker():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        view = app.map.view
        row, col = view.y0 + view.map_h // 2, view.x0 + view.map_w // 3
        await pilot.click("#map", offset=(col, row))
        np.testing.assert_allclose(app.explorer.walker.position, view.world_at(row, col))


async def test_a_walker_step_repaints_only_a_few_cells():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        refreshed = []
        original = app.map.refresh
        app.map.refresh = lambda *regions, **kw: (refreshed.extend(regions), original(*regions))
        await pilot.press("space")
        assert 0 < len(refreshed) <= 12
        assert all(region.width == 1 and region.height == 1 for region in refreshed)


@pytest.mark.parametrize(("charset", "expected"), [
    ("unicode", "★ global minimum, ◇ local minimum, ✕ saddle point, ▲ maximum, ◉ the walker"),
    ("ascii", "* global minimum, m local minimum, S saddle point, M maximum, @ the walker"),
])
def test_help_names_the_markers_as_the_map_draws_them(charset, expected):
    assert HelpScreen(charset=charset)._markers().startswith(expected)


async def test_the_panel_and_the_title_name_the_walk_state_alike():
    app = bowl()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        for keys, word in ((), "ready"), (("space",), "paused"), (("enter",), "walking"):
            await pilot.press(*keys)
            await pilot.pause()
            title = screen_text(pilot).splitlines()[0]
            panel = app.query_one(WalkerPanel).panel_text().plain
            assert f"| {word}" in title and word in panel.split(), (keys, title)


async def test_zooming_a_view_far_out_never_ends_the_app_nor_makes_an_invalid_view():
    from losswalk.core.landscapes.landscape import validate_extent

    app = LosswalkApp(LandscapeOptions(name="bowl", extent=(1e9, 1.5e9, 1e9, 1.5e9)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        for key in "xzzxxzz" * 3:
            await pilot.press(key)
            assert validate_extent(app.explorer.extent) == app.explorer.extent
        await pilot.pause()
        assert app.is_running and not list(app._notifications)
