"""Tests for the presentation widgets: WalkerPanel, the PlotextPlot adapter and the two charts."""

from __future__ import annotations

import itertools
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from losswalk.core.walk.walker import Feel, TrailPoint, Walker, WalkerStatus
from losswalk.tui.widgets.charts import LINE_COLOUR, CrossSectionChart, LossHistoryChart
from losswalk.tui.widgets.lines import TextLines, changed_end
from losswalk.tui.widgets.plot import PlotextPlot, to_ascii
from losswalk.tui.widgets.walker_panel import WalkerPanel


class Plane:
    """A tilted plane L = 2 w1 + w2 (gradient (2, 1) everywhere): the rose is known by hand."""

    name, description = "plane", "2 w1 + w2"
    extent = (-1.0, 1.0, -1.0, 1.0)
    start = (0.0, 0.0)
    default_lr = 0.1

    def loss(self, w) -> float:
        return 2.0 * w[0] + w[1]

    def grad(self, w) -> np.ndarray:
        return np.array([2.0, 1.0])

    def loss_grid(self, w1s, w2s) -> np.ndarray:
        return 2.0 * np.asarray(w1s)[None, :] + np.asarray(w2s)[:, None]


class Bowl(Plane):
    """L = w1^2 + 3 w2^2, minimum 0 at the origin."""

    start = (0.5, -0.25)

    def loss(self, w) -> float:
        return w[0] ** 2 + 3.0 * w[1] ** 2

    def grad(self, w) -> np.ndarray:
        return np.array([2.0 * w[0], 6.0 * w[1]])

    def loss_grid(self, w1s, w2s) -> np.ndarray:
        return np.asarray(w1s)[None, :] ** 2 + 3.0 * np.asarray(w2s)[:, None] ** 2


def fake_walker(status="walking", message="", steps=7, lr=0.1, current=0.1):
    return SimpleNamespace(status=status, message=message, steps=steps, lr=lr,
                           optimizer_name="momentum", schedule_name="cosine",
                           current_lr=lambda: current)


def fake_feel(loss=0.693147, direction="NE", grad=(-0.3, -0.3)):
    return Feel(w1=0.25, w2=-1.5, loss=loss, grad=np.array(grad), slope=float(np.hypot(*grad)),
                downhill=np.array([0.7071, 0.7071]), direction=direction, rose=np.zeros((3, 3)))


class Host(App):
    """Mounts one widget at a fixed size."""

    def __init__(self, widget: Widget, width: int, height: int) -> None:
        super().__init__()
        self.widget, self.widget_size = widget, (width, height)

    def compose(self) -> ComposeResult:
        self.widget.styles.width, self.widget.styles.height = self.widget_size
        yield self.widget


def lines(widget: Widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def rendered(widget: Widget, width: int, height: int, feed) -> list[str]:
    """Mount widget at width x height, call feed(widget), return its rendered lines."""
    app = Host(widget, width, height)
    async with app.run_test(size=(max(width, 40), max(height, 10))) as pilot:
        feed(widget)
        await pilot.pause()
        assert widget.size == (width, height)
        return lines(widget)


# --- WalkerPanel -------------------------------------------------------------------------------


async def test_panel_shows_readings_and_settings():
    out = await rendered(WalkerPanel(), 26, 12,
                         lambda p: p.show(fake_feel(), fake_walker(current=0.05)))
    text = "\n".join(out)
    assert "loss 0.6931" in text
    assert "w1 0.25" in text and "w2 -1.5" in text
    assert "slope 0.4243 ↗ NE" in text
    assert "grad -0.3, -0.3" in text
    assert "momentum cosine" in text and "lr 0.05/0.1" in text and "step 7" in text
    assert "walking" in text


@pytest.mark.parametrize(("charset", "direction", "shown"), [
    ("unicode", "NE", "↗ NE"), ("ascii", "NE", "/ NE"), ("unicode", "S", "↓ S"),
    ("ascii", "W", "< W"), ("unicode", "flat", "· flat"),
])
async def test_panel_downhill_arrow(charset, direction, shown):
    out = await rendered(WalkerPanel(), 26, 12,
                         lambda p: p.show(fake_feel(direction=direction), fake_walker(), charset))
    slope_line = next(line for line in out if line.startswith("slope"))
    assert slope_line.rstrip().endswith(shown)


async def test_panel_rose_on_tilted_plane():
    """L = 2 w1 + w2, probe 0.1: E rises 0.2, N 0.1, NE 0.3; NW falls 0.1 (-0.2 + 0.1)..."""
    walker = Walker(Plane(), probe=0.1)
    out = await rendered(WalkerPanel(), 26, 12, lambda p: p.show(walker.feel(), walker))
    rose = [line.split() for line in out[4:7]]
    assert rose == [["-0.1", "+0.1", "+0.3"], ["-0.2", "you", "+0.2"], ["-0.3", "-0.1", "+0.1"]]
    assert "↙ SW" in out[2]  # downhill is -(2, 1): south-west


async def test_panel_ascii_only_with_stopped_walker():
    walker = Walker(Plane(), lr=1000.0, probe=0.1)
    while not walker.status.ended:
        walker.step()
    assert walker.status is WalkerStatus.UNBOUNDED and "—" in walker.message
    feel = walker.feel()
    for width, height in ((26, 12), (60, 30)):
        out = await rendered(WalkerPanel(), width, height,
                             lambda p, f=feel: p.show(f, walker, "ascii"))
        text = "\n".join(out)
        assert text.isascii(), text
        assert "unbounded: the loss fell" in text
        assert width == 26 or "no bottom this way" in " ".join(text.split())
        assert "-0.1" in text.replace(" ", "") or "-0.2" in text.replace(" ", "")
    unicode = await rendered(WalkerPanel(), 26, 12, lambda p: p.show(feel, walker, "unicode"))
    assert not "\n".join(unicode).isascii()  # the ascii check above can fail


async def test_panel_stuck_state_and_spacious_labels():
    walker = fake_walker(status=WalkerStatus.STUCK, message="stuck: flat but not lowest")
    out = await rendered(WalkerPanel(), 40, 24, lambda p: p.show(fake_feel(), walker))
    text = "\n".join(out)
    assert "stuck: flat but not lowest" in " ".join(text.split())  # the status word, as in --json
    assert "optimizer  momentum" in text and "learn rate 0.1" in text
    assert "" in [line.strip() for line in out[:10]]  # blank lines between sections


@pytest.mark.parametrize("charset", ["unicode", "ascii"])
async def test_panel_too_short_for_the_message_ends_in_an_ellipsis(charset):
    walker = fake_walker(status=WalkerStatus.STUCK, message="stuck: " + "flat here " * 20)
    out = await rendered(WalkerPanel(), 26, 12, lambda p: p.show(fake_feel(), walker, charset))
    assert len(out) == 12
    assert out[-1].rstrip().endswith("…" if charset == "unicode" else "...")
    assert all(len(line) <= 26 for line in out)


async def test_panel_compact_fits_26_by_12():
    walker = fake_walker(lr=0.001234, current=0.0009876)
    walker.optimizer_name, walker.schedule_name = "nesterov", "warmup-cosine"
    feel = Feel(w1=-1.23456e-5, w2=-9.8765e-6, loss=12345.678, grad=np.array([-1.234e-5, -3.5e-6]),
                slope=1.28e-5, downhill=np.zeros(2), direction="flat", rose=np.full((3, 3), -1e-8))
    panel = WalkerPanel()
    app = Host(panel, 26, 12)
    async with app.run_test(size=(80, 24)) as pilot:
        panel.show(feel, walker)
        await pilot.pause()
        content = panel.panel_text().plain.split("\n")
    assert len(content) <= 12
    assert max(map(len, content)) <= 26, content


async def test_panel_rejects_unknown_charset():
    panel = WalkerPanel()
    with pytest.raises(ValueError, match="charset"):
        panel.show(fake_feel(), fake_walker(), "latin1")
    with pytest.raises(ValueError, match="charset"):
        WalkerPanel(charset="latin1")


async def test_panel_charset_from_constructor_and_colour_switch():
    walker = Walker(Plane(), probe=0.1)
    panel = WalkerPanel(charset="ascii", colour=False)
    app = Host(panel, 26, 12)
    async with app.run_test(size=(40, 14)) as pilot:
        panel.show(walker.feel(), walker)
        await pilot.pause()
        assert "\n".join(lines(panel)).isascii()
        assert not colours(panel)
        panel.colour = True
        panel.show(walker.feel(), walker, "unicode")
        await pilot.pause()
        assert "+0.2" in lines(panel)[5]
        assert colours(panel)  # rise/fall/walker colours


async def test_panel_shows_nan_and_inf():
    feel = fake_feel(loss=math.inf, grad=(math.nan, 1.0))
    out = await rendered(WalkerPanel(), 26, 12, lambda p: p.show(feel, fake_walker()))
    assert "loss inf" in out[1] and "grad nan, 1" in out[3], out


# --- PlotextPlot -------------------------------------------------------------------------------


class Demo(PlotextPlot):
    """A red line titled 'demo'; counts draws to check the cache."""

    draws = 0
    ys = (1.0, 3.0, 2.0, 5.0)

    def draw(self, plt, width, height):
        self.draws += 1
        plt.title("demo")
        plt.plot(list(range(len(self.ys))), list(self.ys), color="red+")


def colours(widget: Widget) -> set:
    """Foreground colours used by the figure itself (the widget's own text colour aside)."""
    return {seg.style.color for y in range(widget.size.height) for seg in widget.render_line(y)
            if seg.style and seg.style.color not in (None, widget.rich_style.color)}


async def test_plot_fills_exact_width_and_caches():
    plot = Demo()
    app = Host(plot, 30, 8)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        out = lines(plot)
        assert len(out) == 8 and all(len(line) == 30 for line in out)
        assert "demo" in out[0] and "┌" in out[1]
        assert [plot.render_line(y).cell_length for y in range(8)] == [30] * 8
        assert colours(plot)  # colour by default
        draws = plot.draws
        lines(plot)
        assert plot.draws == draws  # cached
        plot.replot()
        lines(plot)
        assert plot.draws == draws + 1
        plot.styles.width = 24
        await pilot.pause()
        assert all(len(line) == 24 for line in lines(plot))


async def test_plot_no_colour_flag_and_no_color_env(monkeypatch):
    plot = Demo(colour=False)
    app = Host(plot, 30, 8)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert not colours(plot)
        plot.colour = True
        await pilot.pause()
        assert colours(plot)
    monkeypatch.setenv("NO_COLOR", "1")
    plot = Demo()
    app = Host(plot, 30, 8)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert app.no_color and not colours(plot)
        assert all("\x1b" not in line for line in lines(plot))


async def test_plot_ascii_charset():
    plot = Demo(charset="ascii")
    app = Host(plot, 30, 8)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        out = lines(plot)
        assert all(line.isascii() for line in out) and "+----" in out[1]
        plot.charset = "unicode"
        await pilot.pause()
        assert not "".join(lines(plot)).isascii()


async def test_plot_survives_tiny_sizes():
    plot = Demo()
    app = Host(plot, 1, 1)
    async with app.run_test(size=(20, 10)) as pilot:
        for width, height in [(w, 6) for w in range(1, 5)] + [(20, 1), (20, 2), (5, 3)]:
            plot.styles.width, plot.styles.height = width, height
            await pilot.pause()
            out = lines(plot)
            assert len(out) == height and all(len(line) == width for line in out)
            if width < 5 or height < 3:
                assert all(not line.strip() for line in out)


async def test_plot_reports_plotext_failure_instead_of_crashing():
    plot = Demo()
    plot.ys = (1e300, 1.7e308)  # plotext overflows computing this span
    out = await rendered(plot, 40, 6, lambda p: None)
    assert out[0].startswith("cannot plot")


def test_to_ascii():
    assert to_ascii("┌─┐│x│└┬┘ Γ ⣿") == "+-+|x|+++ ^ *"


# --- charts ------------------------------------------------------------------------------------


def trail(losses):
    return [TrailPoint(k, 0.0, 0.0, loss, 1.0, 0.1) for k, loss in enumerate(losses)]


@pytest.mark.parametrize(("losses", "title"), [
    ([0.5], "loss 0.5"),
    ([2.0, 1.0, 50.0, math.inf], "loss: diverged"),
    ([math.nan], "loss: diverged"),
    ([], "loss: no steps yet"),
    ([1.0, 1e-3, 1e-6], "loss 1e-6"),
])
@pytest.mark.parametrize("charset", ["unicode", "ascii"])
async def test_loss_history_chart(losses, title, charset):
    chart = LossHistoryChart(charset=charset)
    out = await rendered(chart, 40, 10, lambda c: c.show(trail(losses)))
    assert out[0].strip() == title
    assert all(len(line) == 40 for line in out)
    assert charset == "unicode" or all(line.isascii() for line in out)


def loss_labels(out: list[str]) -> dict[int, float]:
    """Row -> value of each labelled tick on the loss axis ('2.5┤', '1e-6+')."""
    return {y: float(m[1]) for y, line in enumerate(out)
            if (m := re.match(r"\s*([-.\de]+)[┤+]", line))}


async def test_loss_history_log_axis_labels():
    chart = LossHistoryChart(charset="ascii")
    out = await rendered(chart, 40, 12, lambda c: c.show(trail([1.0, 1e-3, 1e-6])))
    labels = loss_labels(out)
    assert list(labels.values()) == [1.0, 0.01, 1e-4, 1e-6], out  # every other decade, 1 to 1e-6
    assert list(labels) == [1, 3, 6, 8]  # where they lie on 9 rows over 1e-7..1: row 1 + 8/7 k


async def test_loss_history_ticks_are_round_and_evenly_spaced():
    """Regression: the plotext chart labelled 2.63, 2.40, 2.17, 1.71 (skipping 1.94) for this walk
    and later 2.62, 2.18, 1.31, 0.87, 0.00."""
    losses = [2.63 * 0.985**k for k in range(72)]
    for width, height in ((31, 10), (31, 4), (44, 16), (60, 30)):
        chart = LossHistoryChart()
        out = await rendered(chart, width, height, lambda c: c.show(trail(losses)))
        values = list(loss_labels(out).values())
        assert len(values) >= 2, out
        steps = {round(a - b, 9) for a, b in itertools.pairwise(values)}
        assert len(steps) == 1 and steps <= {0.2, 0.25, 0.5, 1.0}, out
        step = steps.pop()
        assert all(math.isclose(v / step, round(v / step)) for v in values)


async def test_loss_history_reset_looks_like_a_new_chart():
    """Regression: `r` clears the trail and restarts it from the same first point; the plotext
    chart kept the old walk's loss range. After a reset the chart equals a new chart."""
    chart, fresh = LossHistoryChart(), LossHistoryChart()
    walk = trail([2.6, 2.0, 1.0, 0.1, 0.05])
    app = Host(chart, 31, 10)
    async with app.run_test(size=(40, 12)) as pilot:
        chart.show(walk)
        await pilot.pause()
        before = lines(chart)
        chart.show(trail([2.6]))
        await pilot.pause()
        after = lines(chart)
    out = await rendered(fresh, 31, 10, lambda c: c.show(trail([2.6])))
    assert after == out and after != before


async def test_loss_history_a_step_resends_only_the_rows_it_changes():
    """The axes stay put while the points fit: one more point repaints the title's row and the
    rows the line moves through (each only up to its last changed cell), not the chart."""
    chart = LossHistoryChart()
    losses = [2.0 * 0.97**k for k in range(40)]
    app = Host(chart, 31, 10)
    async with app.run_test(size=(40, 12)) as pilot:
        points = trail(losses)
        chart.show(points[:30])
        await pilot.pause()
        refreshed = []
        original = chart.refresh
        chart.refresh = lambda *regions, **kw: (refreshed.extend(regions), original(*regions))
        chart.show(points[:31])  # the walk goes on: one more point
        assert all(region.height == 1 for region in refreshed) and len(refreshed) <= 3, refreshed
        assert 0 in {region.y for region in refreshed}  # the title: the new loss
        refreshed.clear()
        chart.show(points[:31])  # nothing new: nothing repainted
        assert refreshed == []


async def test_loss_history_colour_only_on_the_line():
    chart = LossHistoryChart()
    app = Host(chart, 31, 10)
    async with app.run_test(size=(40, 12)) as pilot:
        chart.show(trail([2.0, 1.5, 1.0]))
        await pilot.pause()
        assert colours(chart) == {Style(color=LINE_COLOUR).color}
        line_cells = {seg.text.strip() for y in range(10) for seg in chart.render_line(y)
                      if seg.style and seg.style.color == Style(color=LINE_COLOUR).color}
        assert all(0x2800 <= ord(ch) <= 0x28FF for text in line_cells for ch in text)
        chart.colour = False
        await pilot.pause()
        assert not colours(chart)


async def test_loss_history_no_color_env(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    chart = LossHistoryChart()
    app = Host(chart, 31, 10)
    async with app.run_test(size=(40, 12)) as pilot:
        chart.show(trail([2.0, 1.5, 1.0]))
        await pilot.pause()
        assert app.no_color and not colours(chart)


@pytest.mark.parametrize(("width", "height"), [(31, 1), (31, 2), (31, 3), (3, 10), (1, 1)])
async def test_loss_history_without_room_shows_the_title_or_two_rows(width, height):
    out = await rendered(LossHistoryChart(), width, height, lambda c: c.show(trail([2.0, 1.0])))
    assert len(out) == height and all(len(line) == width for line in out)
    assert out[0] == ("loss 1".center(width) if width >= 6 else " " * width)
    drawn = [line for line in out[1:] if line.strip()]
    assert drawn == [] or (height == 3 and len(drawn) == 2 and "┤" in drawn[0] + drawn[1])


async def test_cross_section_samples_and_marks_walker():
    model, w = Bowl(), np.array([0.5, -0.25])
    chart = CrossSectionChart(charset="ascii")
    out = await rendered(chart, 50, 14, lambda c: c.show(model, w, (-1.0, 2.0, -3.0, 1.0)))
    assert chart._w1s[0] == -1.0 and chart._w1s[-1] == 2.0 and chart._w1s.size == 60
    assert chart._w2s[0] == -3.0 and chart._w2s[-1] == 1.0
    slow_w1 = [model.loss((a, w[1])) for a in chart._w1s]  # one point at a time
    slow_w2 = [model.loss((w[0], b)) for b in chart._w2s]
    np.testing.assert_allclose(chart._along_w1, slow_w1, rtol=1e-12)
    np.testing.assert_allclose(chart._along_w2, slow_w2, rtol=1e-12)
    text = "\n".join(out)
    assert "cross-sections" in out[0] and "w1" in text and "w2" in text
    assert sum(line.count("o") for line in out[3:-2]) >= 2  # the walker on both slices
    assert text.isascii()


async def test_cross_section_axes_stay_put_while_the_slices_fit():
    model, extent = Bowl(), (-1.0, 2.0, -3.0, 1.0)
    chart = CrossSectionChart()
    out = await rendered(chart, 50, 14, lambda c: c.show(model, (1.0, -2.0), extent))
    ylim = chart._ylim
    lo, hi = ylim
    values = np.concatenate([chart._along_w1, chart._along_w2])
    assert lo <= values.min() and values.max() <= hi and lo >= 0  # room for both slices
    calls = []
    chart.replot = lambda: calls.append(1)
    chart.show(model, (0.9, -1.9), extent)  # a small step down: same axes
    assert chart._ylim == ylim and calls == [1]
    chart.show(model, (0.9, -1.9), extent)  # nothing moved: nothing to redraw
    assert calls == [1]
    chart.show(model, (0.9, -1.9), (-0.5, 0.5, -0.5, 0.5))  # a new view: new axes
    assert chart._ylim != ylim and calls == [1, 1]
    assert "cross-sections" in out[0]


@pytest.mark.parametrize("height", [12, 20, 30])
@pytest.mark.parametrize(("position", "log"), [((1.0, -2.0), False), ((0.5, -0.25), True)])
async def test_cross_section_ticks_are_round_and_evenly_spaced(height, position, log):
    """Regression: plotext's own ticks read 6.9, 5.8, 4.6, 3.5, 2.3, 1.2, 0.0 on the default
    landscape; now the loss chart's round ticks (decades on a log axis), one every other row."""
    chart = CrossSectionChart(charset="ascii")
    out = await rendered(chart, 59, height,
                         lambda c: c.show(Bowl(), position, (-1.0, 2.0, -3.0, 1.0)))
    assert chart._log == log
    labels = loss_labels(out)
    values = [math.log10(v) for v in labels.values()] if log else list(labels.values())
    assert len(values) >= 2 and values == sorted(values, reverse=True), out
    steps = {round(a - b, 9) for a, b in itertools.pairwise(values)}
    assert len(steps) == 1, out
    step = steps.pop()
    assert round(step / 10 ** math.floor(math.log10(step)), 9) in {1.0, 2.0, 2.5, 5.0}
    assert all(math.isclose(v / step, round(v / step), abs_tol=1e-9) for v in values)
    assert all(b - a >= 2 for a, b in itertools.pairwise(labels))
    lo, hi = chart._ylim
    assert all(lo <= v <= hi for v in values)


async def test_cross_section_with_overflowing_loss():
    class Steep(Plane):
        def loss(self, w):
            return math.exp(min(float(w[0]), 709.0)) if w[0] < 710 else math.inf

        def loss_grid(self, w1s, w2s):
            with np.errstate(over="ignore"):
                return np.exp(np.asarray(w1s))[None, :] + 0.0 * np.asarray(w2s)[:, None]

    chart = CrossSectionChart()
    out = await rendered(chart, 40, 10, lambda c: c.show(Steep(), (800.0, 0.0), (0, 1000, 0, 1)))
    assert all(len(line) == 40 for line in out)
    assert not out[0].startswith("cannot plot")


# --- row diff ----------------------------------------------------------------------------------


def strip(*parts) -> Strip:
    return Strip([Segment(text, style) for text, style in parts])


RED = Style(color="red")


@pytest.mark.parametrize(("old", "new", "end"), [
    (strip(("abcdef", None)), strip(("abcdef", None)), 0),
    (strip(("abcdef", None)), strip(("abXdef", None)), 3),
    (strip(("abcdef", None)), strip(("Xbcdef", None)), 1),
    (strip(("abcdef", None)), strip(("abcdeX", None)), 6),
    (strip(("ab", None), ("cdef", None)), strip(("abcd", None), ("ef", None)), 0),  # same cells
    (strip(("abcdef", None)), strip(("abcd", RED), ("ef", None)), 4),  # a style is a change
    (strip(("abcdef", None)), strip(("ab●def", None)), 3),
    (strip(("abcdef", None)), strip(("ab日ef", None)), 6),  # a wide character: the whole row
])
def test_changed_end(old, new, end):
    assert changed_end(old, new) == end


async def test_text_lines_repaint_only_up_to_the_last_change():
    widget = TextLines()
    app = Host(widget, 20, 2)
    async with app.run_test(size=(40, 10)) as pilot:
        widget.show(Text("step 9 loss 0.5\nkeys"))
        await pilot.pause()
        refreshed = []
        original = widget.refresh
        widget.refresh = lambda *regions, **kw: (refreshed.extend(regions), original(*regions))
        widget.show(Text("step 10 loss 0.5\nkeys"))
        assert refreshed == [Region(0, 0, 16, 1)]  # row 0 up to its last changed cell
        refreshed.clear()
        widget.show(Text("step 10 loss 0.5\nkeys"))
        assert refreshed == []


def test_key_bar_shows_whole_items_in_keymap_order():
    from textual.binding import Binding

    from losswalk.tui.widgets.key_bar import bar_items, bar_text

    bindings = [Binding("space", "step", "step"), Binding("x", "zoom", "zoom", show=False),
                Binding("enter", "run", "run"), Binding("question_mark", "help", "help")]
    items = bar_items(bindings, lambda b: {"question_mark": "?"}.get(b.key, b.key))
    assert items == [("space", "step"), ("enter", "run"), ("?", "help")]
    assert bar_text(items, 80, None, None).plain == " space step  enter run  ? help "
    # an item that does not fit whole is left out, never cut
    assert bar_text(items, 25, None, None).plain == " space step  enter run "
    assert bar_text(items, 10, None, None).plain == ""
