"""The network slices in the app: the side panel says it is a slice (and what it hides), the PCA
plane's map draws the training run, other landscapes show no note; at every size and charset."""

from __future__ import annotations

import pytest

from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.landscapes.slices import run_trail
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets.slice_note import SliceNote
from tests.tui.conftest import screen_text, wait_for_map


def note_text(app: LosswalkApp) -> str:
    """The note as it is drawn, its wrapped rows joined."""
    note = app.query_one(SliceNote)
    rows = [strip.text for strip in note.render_lines(note.region.reset_offset)]
    return " ".join(" ".join(rows).split())


@pytest.mark.parametrize("charset", ["unicode", "ascii"])
async def test_slice_note_states_the_dimension_and_the_slice(charset):
    app = LosswalkApp(LandscapeOptions(name="mlp-random"), charset=charset)
    async with app.run_test(size=(80, 24)) as pilot:
        for size in [(80, 24), (60, 18), (200, 50)]:  # the terminal resized
            await pilot.resize_terminal(*size)
            await wait_for_map(pilot)
            note = app.query_one(SliceNote)
            assert app.size == size
            assert note.has_class("-shown") and note.region.height > 0
            assert note_text(app).startswith("a 2-D slice of 337 weights"), size
            if size == (200, 50):  # room for all of it
                assert note_text(app).endswith("minima marked are the slice's")
            if charset == "ascii":
                assert screen_text(pilot).isascii()


async def test_pca_plane_draws_the_run_and_names_its_losses():
    app = LosswalkApp(LandscapeOptions(name="mlp-pca"))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for_map(pilot)
        model = app.explorer.model
        run = run_trail(model)
        drawn = app.map._trail
        assert [(p.w1, p.w2) for p in drawn[:len(run)]] == [(p.w1, p.w2) for p in run[::-1]]
        text = note_text(app)
        assert "training-run plane" in text and "they differ" in text
        await pilot.press("n")  # on to the bowl: the note goes, the run with it
        await wait_for_map(pilot)
        assert not app.query_one(SliceNote).has_class("-shown")
        assert list(app.map._trail) == list(app.explorer.walker.trail)


async def test_no_note_on_other_landscapes():
    app = LosswalkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        assert not app.query_one(SliceNote).has_class("-shown")
        assert "slice of" not in screen_text(pilot)


async def test_d_on_a_slice_says_why_instead_of_failing():
    """Regression: d opened the data view, which cannot draw a network, and the app crashed."""
    app = LosswalkApp(LandscapeOptions(name="mlp-pca"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert app.is_running and not app.explorer.data_view
        assert "no data view here" in screen_text(pilot)


@pytest.mark.parametrize("charset", ["unicode", "ascii"])
async def test_a_note_too_long_for_its_rows_says_so(charset):
    """qa10: at 80x24 the PCA note stopped at 'the run leaves the' with nothing to say more was
    cut; its last row must end in an ellipsis when the rows run out."""
    app = LosswalkApp(LandscapeOptions(name="mlp-pca"), charset=charset)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        text = note_text(app)
        assert text.endswith("minima marked are the slice's") or \
            text.endswith("…" if charset == "unicode" else "...")


async def test_curvature_panel_is_not_squeezed_out_by_the_note():
    """qa10: with i on mlp-pca at 80x24 the curvature panel showed only its title, the slice
    note taking its rows; the panel must show the stability limit beside the learning rate."""
    app = LosswalkApp(LandscapeOptions(name="mlp-pca"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        await pilot.press("i")
        await wait_for_map(pilot)
        side = [row.split("│")[-1] for row in screen_text(pilot).split("\n")]
        side = " ".join(" ".join(side).split())
        assert "2/λmax" in side and "plain descent is" in side, side
