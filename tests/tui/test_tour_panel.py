"""Tests for TourPanel: the slide counter, title, text and keys, at 80x24 in unicode and ASCII."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from losswalk.core.lesson.tour import Tour, load_tour, parse_tour
from losswalk.tui.widgets.tour_panel import TOUR_PATH, TourPanel

SLIDES = load_tour(TOUR_PATH)


class PanelApp(App[None]):
    """Just the panel, 78 columns wide (an 80-column terminal minus a border)."""

    CSS = "TourPanel { width: 78; }"

    def __init__(self, charset: str) -> None:
        super().__init__()
        self.charset = charset

    def compose(self) -> ComposeResult:
        yield TourPanel(charset=self.charset, colour=False)


def panel_lines(app: App) -> list[str]:
    """The panel's rendered rows as plain text, trailing spaces removed."""
    panel = app.query_one(TourPanel)
    return [strip.text.rstrip() for strip in panel.render_lines(panel.region.reset_offset)]


def test_tour_path_is_the_packaged_file():
    assert TOUR_PATH.is_file() and TOUR_PATH.parent.name == "tui"
    assert len(SLIDES) == 13


@pytest.mark.parametrize(("charset", "sep"), [("unicode", " · "), ("ascii", " - ")])
async def test_panel_shows_counter_title_text_hint_and_keys(charset, sep):
    app = PanelApp(charset)
    async with app.run_test(size=(80, 24)) as pilot:
        tour = Tour(SLIDES)
        tour.next()
        tour.next()
        app.query_one(TourPanel).show(tour)
        await pilot.pause()
        lines = panel_lines(app)
        slide = SLIDES[2]
        assert lines[0].strip() == f"Tour 3/{len(SLIDES)}{sep}{slide.title}"
        assert lines[-1].strip() == sep.join(("PgDn next", "PgUp back", "t ends the tour"))
        assert f"try: {slide.setup.hint}" in [line.strip() for line in lines]
        body = " ".join(line.strip() for line in lines[1:-2])
        assert body == slide.text  # all of it, wrapped, nothing cropped
        assert all(len(line) <= 78 for line in lines)
        if charset == "ascii":
            assert all(line.isascii() for line in lines)


@pytest.mark.parametrize("number", range(1, len(SLIDES) + 1))
async def test_every_shipped_slide_fits_eight_lines_at_80x24(number):
    app = PanelApp("unicode")
    async with app.run_test(size=(80, 24)) as pilot:
        tour = Tour(SLIDES)
        for _ in range(number - 1):
            tour.next()
        app.query_one(TourPanel).show(tour)
        await pilot.pause()
        lines = panel_lines(app)
        assert lines[0].strip().startswith(f"Tour {number}/{len(SLIDES)}")
        assert len(lines) <= 7  # counter, at most 4 text lines, hint, keys


async def test_panel_follows_the_tour_and_shows_a_slide_without_hint():
    (only,) = parse_tour('[[slide]]\ntitle = "Solo"\ntext = "Just this."\n')
    app = PanelApp("unicode")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(TourPanel)
        assert panel_lines(app)[0].strip() == "no tour"
        panel.show(Tour((only,)))
        await pilot.pause()
        assert [line.strip() for line in panel_lines(app)] == [
            "Tour 1/1 · Solo", "Just this.", "PgDn next · PgUp back · t ends the tour"]


def test_unknown_charset_is_an_error():
    with pytest.raises(ValueError, match="charset"):
        TourPanel(charset="ebcdic")
