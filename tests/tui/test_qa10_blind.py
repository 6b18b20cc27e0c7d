"""Blind mode beside the slice note and the curvature panel (found by qa10): in blind mode the
side panel is a row (the walker's panel, then the chart), where both were laid out wider than
the screen and cut at its right edge."""

from __future__ import annotations

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets.curvature_panel import curvature_lines
from tests.tui.conftest import screen_text, wait_for_map


def flat(pilot) -> str:
    return " ".join(screen_text(pilot).split())


async def test_blind_curvature_panel_fits_the_screen():
    """The panel's lines wrap inside the screen: none is cut at its right edge."""
    app = LosswalkApp(LandscapeOptions(name="rastrigin"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("b", "i")
        await wait_for_map(pilot)
        explorer = app.explorer
        lines = curvature_lines(explorer.walker_curvature(), explorer.walker.current_lr())
        screen = flat(pilot)
        for line in lines:
            for word in line.split():
                assert word in screen, (word, screen)


async def test_blind_on_a_slice_keeps_the_loss_chart():
    """On mlp-pca the slice note took the chart's place, cut at the right edge."""
    app = LosswalkApp(LandscapeOptions(name="mlp-pca"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("b")
        await wait_for_map(pilot)
        rows = screen_text(pilot).split("\n")
        assert any(row.rstrip().endswith("loss 0.3566") or " loss 0.3566" in row[40:]
                   for row in rows), "\n".join(rows)
        assert not any(row.rstrip().endswith("mark") for row in rows)


def test_the_banner_counts_unmarked_landmarks_in_plain_english():
    """qa10: rastrigin's banner read '60 minimums, 220 saddles, 100 maximums'; info and the
    README say minima and maxima."""
    from losswalk.core.explorer import Explorer
    from losswalk.core.landscapes.minima import landmarks
    from losswalk.tui.widgets.status_bar import banner_text

    explorer = Explorer(LandscapeOptions(name="rastrigin"))
    explorer.set_report(landmarks(explorer.model, explorer.extent))
    text = banner_text(explorer)
    assert "minima" in text and "maxima" in text and "mums" not in text, text


async def test_3d_notes_line_drops_a_part_that_does_not_fit_whole():
    """qa10: at 80x24 rastrigin's 3-D notes line ended 'points hidden · ←→' (the key hint cut
    mid-way); a part that does not fit whole is left out."""
    from losswalk.tui.widgets.surface_view import KEYS_HINT, SurfaceView

    app = LosswalkApp(LandscapeOptions(name="rastrigin"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("3")
        await wait_for_map(pilot)
        view = app.query_one("#surface", SurfaceView)
        row = [" "] * 80
        for (r, col), paint in view._overlay.items():
            if r == len(view._base) - 1:
                row[col] = paint[0]
        line = "".join(row).rstrip()
        parts = line.split(" · ")
        assert "points hidden" in line
        assert all(part.strip() for part in parts)
        assert parts[-1].endswith("hidden") or parts[-1] == KEYS_HINT["unicode"], line
