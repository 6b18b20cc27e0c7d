"""The basin map (A) and the curvature panel (i): what they draw, checked against the core."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from textual.worker import WorkerCancelled

import losswalk.core.walk.basins as basins_module
from losswalk.core.landscapes.curvature import curvature_at
from losswalk.core.landscapes.models import LandscapeOptions, make_model
from losswalk.core.walk.basins import DIVERGED, UNSETTLED, BasinSettings, basin_map
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets.basin_view import BasinView, basin_text, legend, map_cells
from losswalk.tui.widgets.curvature_panel import (
    AXIS_GLYPHS,
    CurvaturePanel,
    axis_marks,
    curvature_lines,
    stability_line,
)
from tests.tui.conftest import screen_text, wait_for_map

SIZE = (80, 24)


async def settle(pilot) -> None:
    """Let the map's and the basin map's workers finish and their results land."""
    await wait_for_map(pilot)
    for _ in range(500):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        views = pilot.app.query(BasinView)
        if not pilot.app.explorer.basins_shown:
            return
        view = views.first() if views else None
        if view is not None and view.progress is None and (
                view.problem or view._result_for == view._want):
            return
        await pilot.pause(0.02)
    raise AssertionError("the basin worker did not finish")


# ------------------------------------------------------------------ the basin map's text


@pytest.mark.parametrize("charset", ["unicode", "ascii"])
@pytest.mark.parametrize("colour", [True, False])
def test_every_cell_shows_its_basins_glyph(charset, colour):
    model = make_model("himmelblau")
    result = basin_map(model, model.extent, 30, 12, BasinSettings(lr=0.01))
    text = basin_text(result, 54, 14, charset, colour, "title", walker=None)
    rows = text.plain.split("\n")[1:13]
    entries, glyph_of = legend(result, 12, charset)
    marked = {glyph for glyph in "★*"}
    for r, row in enumerate(rows):
        j = 11 - r  # the top row is the largest w2
        for i, ch in enumerate(row[:30]):
            assert ch == glyph_of[int(result.labels[j, i])] or ch in marked
    shares = {e.glyph: e.share for e in entries}
    for k in range(4):
        assert shares[glyph_of[k]] == result.shares()[k]
    assert text.plain.isascii() == (charset == "ascii")


def test_legend_lumps_basins_that_do_not_fit_and_keeps_every_share():
    model = make_model("rastrigin")
    result = basin_map(model, model.extent, 20, 10, BasinSettings(lr=2e-3, steps=100))
    entries, glyph_of = legend(result, 10, "ascii")
    assert len(entries) <= 10
    assert sum(e.share for e in entries) == pytest.approx(1.0)
    assert entries[-2].label == "diverged" and entries[-1].label == "not settled"
    assert "more basins" in entries[-3].label
    assert set(glyph_of) == {*range(len(result.minima)), DIVERGED, UNSETTLED}


def test_map_cells_leave_room_for_legend_title_and_axes():
    assert map_cells(80, 21) == (56, 19)


# ------------------------------------------------------------------ curvature panel and axes


def test_axis_marks_run_along_the_eigenvectors_one_cell_a_step():
    c = curvature_at(make_model("rosenbrock"), np.array([-1.2, 1.0]))
    cell = (0.08, 0.2)
    marks = axis_marks(c, cell, cells=3)
    assert len(marks) == 12
    for k, glyph in enumerate(AXIS_GLYPHS):
        points = np.array([(w1, w2) for w1, w2, g in marks if g == glyph]) - (c.w1, c.w2)
        v = c.eigenvectors[k]
        np.testing.assert_allclose(points[:, 0] * v[1] - points[:, 1] * v[0], 0, atol=1e-12)
        steps = np.max(np.abs(points / cell), axis=1)  # cells along the faster screen axis
        np.testing.assert_allclose(sorted(steps), [1, 1, 2, 2, 3, 3])


def test_stability_line_against_two_over_lambda_max():
    c = curvature_at(make_model("bowl"), np.zeros(2))  # λmax = 10: the limit is 0.2
    assert "diverges here" in stability_line(c, 0.21)
    assert "stable" in stability_line(c, 0.19)
    assert "2/λmax 0.2" in stability_line(c, 0.19)
    flat = curvature_at(make_model("saddle"), np.zeros(2))
    assert "diverges" not in stability_line(flat, 0.01) and "λmax 2" not in stability_line(
        flat, 0.01)


def test_curvature_lines_show_the_numbers_of_the_core():
    c = curvature_at(make_model("rosenbrock"), np.array([1.0, 1.0]))
    text = "\n".join(curvature_lines(c, 1e-3))
    assert "H [802 -400; -400 200]" in text and "analytic" in text
    assert "λ1 1e3" in text and "λ2 0.399" in text  # (1002 ± sqrt(1002404)) / 2
    assert "minimum-shaped" in text and "condition 2.51e3" in text


# ------------------------------------------------------------------ in the app


async def test_A_shows_the_basins_of_the_walkers_settings_and_A_again_leaves():
    app = LosswalkApp(LandscapeOptions(name="himmelblau"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        view = app.query_one(BasinView)
        assert app.has_class("-basins") and view.display and not app.map.display
        result = view.result
        assert result.walk == app.explorer.basin_settings()
        assert result.labels.shape[::-1] == map_cells(*view.size)
        expected = basin_map(app.explorer.model, app.explorer.extent, *map_cells(*view.size),
                             app.explorer.basin_settings())
        np.testing.assert_array_equal(result.labels, expected.labels)
        text = screen_text(pilot)
        assert "sgd lr 0.01 constant, 500 steps" in text and "not settled" in text
        await pilot.press("plus")
        await settle(pilot)
        assert view.result.walk.lr == pytest.approx(0.015)
        assert "lr 0.015" in screen_text(pilot)
        await pilot.press("A")
        await pilot.pause()
        assert not app.has_class("-basins") and app.map.display


async def test_leaving_the_basin_map_cancels_its_walk(monkeypatch):
    monkeypatch.setattr(basins_module, "CHECK_EVERY", 1)
    app = LosswalkApp(LandscapeOptions(name="tiny-net"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_map(pilot)
        await pilot.press("A")
        await pilot.press("A")
        await settle(pilot)
        view = app.query_one(BasinView)
        assert view.progress is None and view.result is None
        assert not [w for w in app.workers if w.group == "basins" and w.is_running]


async def test_too_much_work_is_said_in_one_line(monkeypatch):
    monkeypatch.setattr(basins_module, "MAX_WORK", 10)
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert "too much work for a basin map" in screen_text(pilot)


async def test_A_needs_the_map():
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b", "A")
        await pilot.pause()
        assert not app.explorer.basins_shown
        assert "A needs the map" in app.explorer.message


async def test_i_shows_the_curvature_and_draws_its_axes_at_the_walker():
    app = LosswalkApp(LandscapeOptions(name="bowl"), charset="ascii")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        panel = app.query_one(CurvaturePanel)
        assert app.has_class("-curvature") and panel.display
        text = screen_text(pilot)
        assert "curvature here (analytic)" in text
        assert "stable here" in text  # the bowl's default lr 0.18 < 2/10
        view = app.map.view
        row, col = view.cell_at(*app.explorer.walker.position)
        assert app.map._overlay[row - 1, col][0] == "1"  # λ1 = 10 is along w2: up and down
        assert app.map._overlay[row, col + 1][0] == "2"
        for _ in range(3):
            await pilot.press("plus")
        await pilot.pause()
        assert "diverges here" in screen_text(pilot)  # 0.18 * 1.5^3 = 0.61 > 0.2
        await pilot.press("i")
        await pilot.pause()
        assert not app.has_class("-curvature")
        assert not any(p[0] in AXIS_GLYPHS for p in app.map._overlay.values())


async def test_curvature_of_a_slice_shows_the_full_networks_top_eigenvalue(monkeypatch):
    from losswalk.core.landscapes.surfaces import Surface

    monkeypatch.setattr(Surface, "full_hessian_top_eigenvalue", lambda self: 123.0,
                        raising=False)
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        text = screen_text(pilot)
        assert "full network λmax 123" in text and "flatter than the sharpest" in text


def test_legend_rounds_a_long_position_to_fit_never_cuts_its_digits():
    """qa10: a minimum at (0.00417108, 0.00649243) read '0.00417,0.0064' in the legend (the
    line was cut mid-number, showing a wrong value); it must round to fewer digits instead."""
    from losswalk.core.landscapes.minima import CriticalPoint

    minima = (CriticalPoint(0.00417108, 0.00649243, 0.1, "minimum", True),
              CriticalPoint(-0.00417108, -0.00649243, 0.2, "minimum"))
    labels = np.zeros((10, 10), dtype=int)
    labels[:, 5:] = 1
    labels[0, 9] = UNSETTLED  # basin a (the larger) is the first minimum
    result = basins_module.BasinMap((-1.0, 1.0, -1.0, 1.0), np.linspace(-1, 1, 10),
                                    np.linspace(-1, 1, 10), labels, minima,
                                    BasinSettings(lr=0.01))
    for charset in ("unicode", "ascii"):
        rows = basin_text(result, 34, 12, charset, False, "t").plain.split("\n")
        where = [row[10:].split()[2] for row in rows[1:3]]
        for text, p in zip(where, minima, strict=True):
            w1, w2 = (float(v) for v in text.split(","))
            digits = len(text.split(",")[0].lstrip("-0.").rstrip("0")) or 1
            assert w1 == float(f"{p.w1:.{digits}g}") and w2 == float(f"{p.w2:.{digits}g}"), text


def test_eigen_directions_read_to_two_decimals_without_rounding_noise():
    """qa10: on a surface file (finite differences) the panel read 'along (1, 4.4e-11)' for the
    direction (1, 0): a unit vector's components are shown to two decimals."""
    from losswalk.core.landscapes.curvature import Curvature

    c = Curvature(w1=0.0, w2=0.0, hessian=np.array([[43.0, 1e-9], [1e-9, 39.0]]),
                  eigenvalues=np.array([43.0, 39.0]),
                  eigenvectors=np.array([[1.0, 4.4e-11], [4.4e-11, -1.0]]),
                  source="finite differences")
    lines = curvature_lines(c, 0.01)
    assert "1 λ1 43 along (1, 0)" in lines and "2 λ2 39 along (0, -1)" in lines, lines
