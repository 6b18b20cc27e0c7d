"""Tests for tui/widgets/data_view.py: the dataset scatter with the model's boundary or curve."""

from __future__ import annotations

import math

import numpy as np
import pytest
from textual.app import App, ComposeResult

from losswalk.core.landscapes.datasets import Dataset, make_dataset
from losswalk.core.landscapes.models import LogisticModel, make_model
from losswalk.core.lesson.inspect import NO_DATA, accuracy, costliest
from losswalk.tui.widgets.data_view import DataView, costliest_text


class Host(App):
    """One DataView filling a screen of the given size."""

    def __init__(self, view: DataView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


async def rendered(shows, size=(80, 24), charset="unicode") -> list[list[str]]:
    """Render a fresh DataView after each (model, w) in shows; the screens as lists of lines."""
    view = DataView(charset=charset)
    screens = []
    async with Host(view).run_test(size=size) as pilot:
        for model, w in shows:
            view.show(model, w)
            await pilot.pause()
            screens.append([view.render_line(y).text for y in range(view.size.height)])
    return screens


@pytest.fixture(scope="module")
def overlap():
    return make_model("logistic", dataset="overlap")


async def test_title_shows_accuracy_and_boundary(overlap):
    w = np.array([1.0, 0.5])
    (screen,) = await rendered([(overlap, w)])
    assert len(screen) == 24
    acc = accuracy(overlap, w)
    assert 0.8 < acc < 0.95  # a sensible line through the overlapping blobs
    assert f"acc {acc:.0%}" in screen[0]
    assert "data: overlap" in screen[0] and "boundary 1·x1 + 0.5·x2 = 0" in screen[0]
    text = "\n".join(screen)
    assert "○" in text and "✕" in text and "◆" in text and "⠑" in text  # labels, costly, line


async def test_boundary_moves_with_the_weights(overlap):
    a, b = await rendered([(overlap, (1.0, 0.5)), (overlap, (-2.0, 1.0))])
    assert a[0] != b[0]
    assert a[1:] != b[1:]  # the plot itself changed, not only the title


async def test_ascii_reads_without_colour_or_unicode(overlap):
    (screen,) = await rendered([(overlap, (1.0, 0.5))], charset="ascii")
    text = "\n".join(screen)
    assert text.isascii()
    assert "1*x1 + 0.5*x2 = 0" in screen[0]
    body = "\n".join(line[5:] for line in screen[3:19])  # inside the frame, past the legend
    assert "o" in body and "x" in body and "#" in body


async def test_three_costliest_points_are_marked():
    """Five points, w = (1, 0) predicts 1 for x1 > 0: #4 is wrong, #1 and #2 are unsure (z = ±1)."""
    data = Dataset("five", np.array([[-2.0, -1.0], [-1.0, 1.0], [1.0, 1.0], [2.0, -1.0],
                                     [1.5, 0.0]]), np.array([0.0, 0.0, 1.0, 1.0, 0.0]), "")
    model = LogisticModel(data)
    w = (1.0, 0.0)
    assert [e.index for e in costliest(model, w)] == [4, 1, 2]
    (screen,) = await rendered([(model, w)], charset="ascii")
    assert "acc 80%" in screen[0]
    assert sum(line.count("#") for line in screen) == 3 + 2  # three points, and the legend's "##"


async def test_tiny_net_shows_its_curve():
    model = make_model("tiny-net")
    (screen,) = await rendered([(model, (1.5, 2.0))])
    assert "data: line" in screen[0] and "p = σ(2·tanh(1.5·x))" in screen[0]
    assert f"acc {accuracy(model, (1.5, 2.0)):.0%}" in screen[0]
    (ascii_screen,) = await rendered([(model, (1.5, 2.0))], charset="ascii")
    assert "p = sigmoid(2*tanh(1.5*x))" in ascii_screen[0]


@pytest.mark.parametrize("name", ["bowl", "rosenbrock"])
async def test_analytic_surface_says_no_data(name):
    (screen,) = await rendered([(make_model(name), (0.0, 0.0))])
    assert screen[0].strip() == NO_DATA
    assert all(not line.strip() for line in screen[1:])


@pytest.mark.parametrize("w", [(math.nan, 1.0), (math.inf, 0.0), (0.0, 0.0)])
async def test_degenerate_weights_do_not_crash(overlap, w):
    (screen,) = await rendered([(overlap, w)])
    assert "no boundary" in screen[0]


@pytest.mark.parametrize("size", [(1, 1), (4, 2), (6, 3), (12, 5)])
async def test_tiny_sizes(overlap, size):
    screens = await rendered([(overlap, (1.0, 0.5)), (make_model("tiny-net"), (1.0, 1.0))],
                             size=size)
    assert all(len(s) == size[1] for s in screens)


def test_costliest_text(overlap):
    w = (1.0, 0.5)
    text = costliest_text(overlap, w)
    lines = text.splitlines()
    assert lines[0] == "these 3 points cost the most:"
    for line, e in zip(lines[1:], costliest(overlap, w), strict=True):
        assert line.startswith(f"  ◆ #{e.index} (")
        assert f"y={e.y:g}" in line
    assert costliest_text(overlap, w, "ascii").isascii()
    assert costliest_text(make_model("bowl"), w) == NO_DATA
    assert "not finite" in costliest_text(overlap, (math.nan, 0.0))


def test_costliest_text_by_hand():
    data = Dataset("three", np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, -1.0]]),
                   np.array([1.0, 0.0, 1.0]), "")
    # w = (2, -0.5): example 2 has z = -1.5, p = 0.18, loss log(1 + e^1.5) = 1.70
    assert costliest_text(LogisticModel(data), (2.0, -0.5), "ascii", k=1) == (
        "this point costs the most:\n  # #2 (-1, -1) y=1 p=0.18 loss 1.7")


async def test_big_dataset_is_thinned_for_the_scatter_only():
    model = LogisticModel(make_dataset("overlap", n=5000))
    (screen,) = await rendered([(model, (1.0, 0.5))], size=(120, 30))
    assert "(2000 of 5000 shown)" in screen[0]
    assert f"acc {accuracy(model, (1.0, 0.5)):.0%}" in screen[0]  # accuracy over all 5000


async def test_tiny_net_on_two_column_data_draws_its_curve_over_x1_not_a_line():
    # the tiny net reads only x1, so w1·x1 + w2·x2 = 0 would be a boundary it does not have
    model = make_model("tiny-net", dataset="overlap")
    (screen,) = await rendered([(model, (1.5, 2.0))])
    assert "p = σ(2·tanh(1.5·x1))" in screen[0] and "boundary" not in screen[0]
    assert any(line.strip().startswith("x1") or " x1" in line for line in screen[-2:])
