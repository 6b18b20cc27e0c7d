"""Regressions found by hand-testing the app in a terminal (status lines, the size guard, what
the messages say at the edges of the map)."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from tests.tui.conftest import screen_text, wait_for_map


def status_lines(pilot) -> list[str]:
    return [line.strip() for line in screen_text(pilot).splitlines()[:2]]


async def test_status_lines_are_redone_for_the_new_width_after_a_resize():
    app = LosswalkApp()
    async with app.run_test(size=(62, 20)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("n")  # a long message, clipped at 62 columns
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        first, second = status_lines(pilot)
        assert first.startswith("tiny-net: binary cross-entropy on line | sgd lr 0.5 constant")
        assert "…" not in first and "…" not in second
        assert second.endswith(app.explorer.message)


async def test_keys_change_nothing_while_the_terminal_is_too_small():
    app = LosswalkApp()
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        extent, lr = app.explorer.extent, app.explorer.walker.lr
        await pilot.press("n", "z", "o", "plus", "s", "b", "d", "t", "B", "right_square_bracket")
        await pilot.pause()
        assert app.explorer.model.name == "logistic" and app.explorer.extent == extent
        assert app.explorer.walker.optimizer_name == "sgd" and app.explorer.walker.lr == lr
        assert app.explorer.walker.schedule_name == "constant" and app.explorer.batch_size is None
        assert not (app.explorer.blind or app.explorer.data_view or app.explorer.touring)
        assert app.explorer.options.l2 == 0
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_status_keeps_step_loss_and_state_when_the_title_is_long():
    app = LosswalkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("v", "B")  # split view: the status line is the only place for the loss
        await pilot.pause()
        first = status_lines(pilot)[0]
        assert first.endswith("| step 0 loss 2.509 | ready")
        assert first.startswith("logistic: BCE on overlap") and "… |" in first


async def test_a_message_that_fits_on_its_own_is_not_cut_for_the_key_hints():
    app = LosswalkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("b", "g")
        await pilot.pause()
        assert app.explorer.message.startswith("no peeking")
        assert status_lines(pilot)[1] == app.explorer.message


async def test_g_goes_to_a_global_minimum_outside_the_view_and_moves_the_view():
    app = LosswalkApp(LandscapeOptions(dataset="separable", l2=0.001))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        explorer = app.explorer
        assert not explorer.report.unbounded and explorer.report.global_minimum is None
        assert "the global minimum lies outside the map, at (w1, w2) = (" in explorer.report.note
        await pilot.press("g")
        await wait_for_map(pilot)
        w = explorer.walker.position
        assert np.linalg.norm(explorer.model.grad(w)) < 1e-6  # a real minimum, checked directly
        x0, x1, y0, y1 = explorer.extent
        assert x0 < w[0] < x1 and y0 < w[1] < y1 and "(the view moved there)" in explorer.message
        best = explorer.report.global_minimum  # now in view, and the map marks it
        assert best is not None and (best.w1, best.w2) == pytest.approx(tuple(w), abs=1e-9)


async def test_walking_off_the_map_by_hand_says_so():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("L")
        assert app.explorer.message.startswith("moved by hand")
        await pilot.press(*["L"] * 6)
        w1 = app.explorer.walker.position[0]
        assert w1 > app.explorer.extent[1]
        assert app.explorer.message.startswith(f"off the map at w1={w1:.4g}")


async def test_g_after_zooming_into_the_shallow_dip_goes_to_the_deep_one():
    """Regression: two-dip, enter (stuck in the shallow dip), z z z, g called the shallow dip
    the global minimum."""
    app = LosswalkApp(LandscapeOptions(name="two-dip"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        explorer = app.explorer
        await pilot.press("enter")
        for _ in range(5000):  # the clock's frames, run here without waiting for them
            if not explorer.walking:
                break
            app.controller("walk").tick()
        assert explorer.walker.status.value == "stuck"
        await pilot.press("z", "z", "z")
        await wait_for_map(pilot)
        (dip,) = [p for p in explorer.report.points if p.kind == "minimum"]
        assert dip.lowest_in_view and not dip.is_global
        await pilot.press("g")
        await wait_for_map(pilot)
        deep = explorer.model.known_minima[0]
        assert explorer.walker.position == pytest.approx(deep, abs=1e-6)
        assert "global minimum" in explorer.message and explorer.report.global_minimum


@pytest.mark.parametrize(("size", "charset"), [((60, 18), "ascii"), ((80, 24), "unicode"),
                                                ((200, 50), "unicode")])
async def test_g_on_rastrigin_goes_to_the_origin_at_every_size(size, charset):
    """Regression: at small maps g jumped to (0, -0.995) or (0, -2.985), found on the display
    grid; the landmarks are the landscape's own at every size."""
    app = LosswalkApp(LandscapeOptions(name="rastrigin"), charset=charset)
    async with app.run_test(size=size) as pilot:
        await wait_for_map(pilot)
        await pilot.press("g")
        assert tuple(app.explorer.walker.position) == pytest.approx((0.0, 0.0), abs=1e-9)
        assert app.explorer.report.global_minima[0].loss == 0.0
