"""Every layout whole, every mode legible (issue 7, section 4): the side panel at wide sizes, the
legend at the minimum size, the walker in every colour mode, the split view's panes, and glyphs
that mean one thing each."""

from __future__ import annotations

import pytest

from losswalk.core.drawing.raster import marker_glyph
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.walk.walker import ARROWS
from losswalk.tui.app import LosswalkApp
from losswalk.tui.widgets.walker_panel import GLYPHS, STATES, WalkerPanel
from tests.tui.conftest import wait_for_map

MARKERS = ("global", "minimum", "saddle", "maximum", "walker", "trail")


def panel_lines(app: LosswalkApp) -> list[str]:
    panel = app.query_one(WalkerPanel)
    return [panel.render_line(y).text.rstrip() for y in range(panel.size.height)]


# ------------------------------------------------------------------------- the side panel

@pytest.mark.parametrize("size", [(60, 18), (80, 24), (140, 24), (160, 45), (200, 50), (250, 70)])
async def test_the_panel_shows_every_setting_and_the_state_at_every_width(size):
    """At 140 columns and more the roomy panel (15 rows) was capped at 14: `step 85…` and no
    state line."""
    app = LosswalkApp()
    async with app.run_test(size=size) as pilot:
        await wait_for_map(pilot)
        await pilot.press("space")
        lines = panel_lines(app)
        assert not any(line.endswith(("…", "...")) for line in lines), lines
        assert any(line.split()[:2] == ["step", "1"] for line in lines if line), lines
        state = STATES.get(app.explorer.walker.status.value, app.explorer.walker.status.value)
        assert [line for line in lines if line][-1].startswith(state), lines
        if size[0] >= 140 and size[1] >= 30:  # room for the long labels
            assert any(line.startswith("learn rate") for line in lines), lines


@pytest.mark.parametrize("size", [(80, 24), (140, 24), (200, 50)])
async def test_a_stopped_walker_always_shows_why(size):
    app = LosswalkApp(LandscapeOptions(name="bowl"))
    async with app.run_test(size=size) as pilot:
        await wait_for_map(pilot)
        await pilot.press(*["plus"] * 20, "space")
        await pilot.pause()
        status = app.explorer.walker.status.value
        assert status != "walking"
        lines = [line for line in panel_lines(app) if line]
        assert any(line.startswith(STATES.get(status, status)) for line in lines), lines
        assert any(line.startswith(("step", "lr", "learn rate")) for line in lines), lines


# ------------------------------------------------------------------------- glyphs

@pytest.mark.parametrize("charset", ["unicode", "ascii"])
def test_panel_glyphs_never_read_as_map_markers(charset):
    """The rose's rise was ▲, the maximum marker; ASCII NW/SW arrows were ` and , (dust)."""
    markers = {marker_glyph(kind, charset) for kind in MARKERS}
    rose = set(GLYPHS[charset].values())
    assert not rose & markers
    arrows = set(ARROWS[charset].values()) - {ARROWS[charset]["flat"]}
    assert not arrows & markers and not arrows & rose
    assert not arrows & set("`',.;:")  # punctuation ticks that read as specks
