"""1-D surface files: the spline's critical points (exact, against dense sampling) and the line
plot drawn from them."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.drawing.lineplot import draw_line_plot
from losswalk.core.landscapes.gridsurface import LineSurface, _quadratic_roots


def _line(values=None, x=None) -> LineSurface:
    x = np.linspace(-1.0, 1.5, 41) if x is None else x
    v = (x - 0.3) ** 2 * (x + 0.6) ** 2 + 0.1 * x + 0.2 if values is None else values
    return LineSurface(x, v, name="line", description="test")


@pytest.mark.parametrize(("coefficients", "roots"), [
    ((1.0, -3.0, 2.0), [1.0, 2.0]), ((0.0, 2.0, -1.0), [0.5]), ((1.0, 0.0, 1.0), []),
    ((0.0, 0.0, 0.0), []), ((1e-20, 1.0, -0.25), [0.25]), ((2.0, 0.0, -2.0), [-1.0, 1.0]),
])
def test_quadratic_roots(coefficients, roots) -> None:
    assert _quadratic_roots(*coefficients) == pytest.approx(roots, abs=1e-12)


def test_critical_points_match_dense_sampling_of_the_spline() -> None:
    line = _line()
    points = line.critical_points()
    xs = np.linspace(-1.0, 1.5, 2_000_001)
    ys = line.loss(xs)
    inner = np.flatnonzero((ys[1:-1] < ys[:-2]) & (ys[1:-1] < ys[2:])) + 1
    outer = np.flatnonzero((ys[1:-1] > ys[:-2]) & (ys[1:-1] > ys[2:])) + 1
    minima = [p for p in points if p[2] == "minimum"]
    maxima = [p for p in points if p[2] == "maximum"]
    assert [p[0] for p in minima] == pytest.approx(xs[inner].tolist(), abs=2e-6)
    assert [p[0] for p in maxima] == pytest.approx(xs[outer].tolist(), abs=2e-6)
    assert len(minima) == 2 and len(maxima) == 1
    for x, loss, _ in points:
        assert loss == pytest.approx(float(line.loss(x)), abs=1e-15)


def test_spline_passes_through_the_points_and_gaps_have_no_loss() -> None:
    x = np.linspace(0.0, 1.0, 11)
    v = np.sin(3 * x)
    v[4] = np.nan
    line = _line(v, x)
    finite = ~np.isnan(v)
    np.testing.assert_allclose(line.loss(x[finite]), v[finite], rtol=1e-14, atol=1e-14)
    assert np.isnan(line.loss(0.35)) and np.isnan(line.loss(0.45)) and np.isnan(line.loss(2.0))
    assert all(not 0.3 <= p[0] <= 0.5 for p in line.critical_points())


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 18), (200, 50), (20, 6)])
@pytest.mark.parametrize("charset", ["unicode", "ascii"])
def test_line_plot_fits_and_marks_the_minima(width, height, charset) -> None:
    line = _line()
    points = line.critical_points()
    best = min((p for p in points if p[2] == "minimum"), key=lambda p: p[1])
    markers = [(x, loss, "global" if (x, loss) == best[:2] else kind) for x, loss, kind in points]
    rows = draw_line_plot(line.loss, line.extent, width, height, "title", charset, markers)
    assert len(rows) == height and all(len(r) == width for r in rows)
    text = "\n".join(rows)
    if charset == "ascii":
        assert text.isascii()
    glyph = "G" if charset == "ascii" else "★"
    assert text.count(glyph) == 1
    # the global minimum sits in the column of its x (to a cell)
    col = next(r.index(glyph) for r in rows if glyph in r)
    label_width = rows[-2].index("└" if charset == "unicode" else "+")
    plot_width = width - label_width - 1
    expected = (best[0] - line.extent[0]) / (line.extent[1] - line.extent[0]) * plot_width
    assert abs(col - label_width - 1 - expected) <= 1


def test_line_plot_too_small_shows_only_the_title() -> None:
    rows = draw_line_plot(_line().loss, (-1.0, 1.5), 19, 6, "a title", "unicode")
    assert rows[0].startswith("a title") and all(not r.strip() for r in rows[1:])
