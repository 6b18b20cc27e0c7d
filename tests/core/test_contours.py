"""Marching squares on tiny hand-made grids, and nice / log / quantile contour levels."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from losswalk.core.drawing.contours import (
    CASE_GLYPHS,
    contour_cells,
    corner_values,
    marching_squares,
    nice_levels,
    nice_log_levels,
    quantile_levels,
)

# which cell edges each line glyph touches
ARMS = {"─": {"left", "right"}, "│": {"top", "bottom"}, "╭": {"right", "bottom"},
        "╮": {"left", "bottom"}, "╰": {"top", "right"}, "╯": {"top", "left"},
        "┼": {"top", "bottom", "left", "right"}, " ": set()}
TO_ASCII = {"─": "-", "│": "|", "╭": "/", "╯": "/", "╮": "\\", "╰": "\\", "┼": "+", " ": " "}
EXPECTED = {0: " ", 1: "╮", 2: "╭", 3: "─", 4: "╰", 5: "┼", 6: "│", 7: "╯",
            8: "╯", 9: "│", 10: "┼", 11: "╰", 12: "─", 13: "╭", 14: "╮", 15: " "}


def square(case: int) -> np.ndarray:
    """2x2 corners, 1 above the level 0.5 and 0 below: TL=8, TR=4, BR=2, BL=1."""
    return np.array([[case >> 3 & 1, case >> 2 & 1], [case & 1, case >> 1 & 1]], dtype=float)


@pytest.mark.parametrize("case", range(16))
def test_every_case(case):
    corners = square(case)
    assert marching_squares(corners, 0.5).tolist() == [[case]]
    glyph = CASE_GLYPHS["unicode"][case]
    assert glyph == EXPECTED[case]
    assert CASE_GLYPHS["ascii"][case] == TO_ASCII[glyph]
    # independently: an edge is crossed when its two ends are on different sides of the level
    (tl, tr), (bl, br) = corners > 0.5
    crossed = {name for name, a, b in [("top", tl, tr), ("bottom", bl, br),
                                       ("left", tl, bl), ("right", tr, br)] if a != b}
    assert ARMS[glyph] == crossed


def test_equal_to_level_counts_as_below_and_nan_is_no_case():
    assert marching_squares(np.array([[1.0, 1.0], [1.0, 1.0]]), 1.0).tolist() == [[0]]
    corners = np.array([[0.0, 1.0, 1.0], [0.0, np.nan, 1.0]])
    assert marching_squares(corners, 0.5).tolist() == [[-1, -1]]
    chars, index = contour_cells(corners, [0.5])
    assert chars.tolist() == [[" ", " "]] and index.tolist() == [[-1, -1]]


def test_corner_values_by_hand():
    assert corner_values(np.array([[0.0, 4.0], [8.0, 12.0]])).tolist() == [
        [0.0, 2.0, 4.0], [4.0, 6.0, 8.0], [8.0, 10.0, 12.0]]


def test_loop_around_a_bowl():
    bowl = np.array([[(r - 2) ** 2 + (c - 3) ** 2 for c in range(7)] for r in range(5)], float)
    chars, index = contour_cells(corner_values(bowl), [1.5])
    assert ["".join(r) for r in chars] == [
        "       ",
        "  ╭─╮  ",
        "  │ │  ",
        "  ╰─╯  ",
        "       ",
    ]
    assert set(index[chars != " "].tolist()) == {0}
    chars, _ = contour_cells(corner_values(bowl), [1.5], "ascii")
    assert ["".join(r) for r in chars][1:4] == ["  /-\\  ", "  | |  ", "  \\-/  "]


def test_later_level_wins():
    ramp = np.tile(np.arange(6.0), (2, 1))  # corners along a row: 0 .5 1.5 2.5 3.5 4.5 5
    chars, index = contour_cells(corner_values(ramp), [1.5, 1.6, 3.5])
    assert ["".join(r) for r in chars] == ["  │ │ "] * 2
    assert index[0].tolist() == [-1, -1, 1, -1, 2, -1]  # 1.5 and 1.6 share cell 2: 1.6 wins


def test_nice_levels_by_hand():
    assert nice_levels(0.37, 2.9, 5).tolist() == [0.5, 1.0, 1.5, 2.0, 2.5]
    assert nice_levels(0.0, 1.0, 5).tolist() == [0.2, 0.4, 0.6, 0.8]  # ends excluded, 0.6 exact
    assert nice_levels(-3.0, 7.0, 4).tolist() == [-2.0, 0.0, 2.0, 4.0, 6.0]  # raw 2.5 -> 2
    assert nice_levels(120.0, 980.0, 4).tolist() == [200.0, 400.0, 600.0, 800.0]
    assert nice_levels(0.3, 0.7, 1).tolist() == [0.5]  # raw 0.4 -> 0.5
    for lo, hi, n in [(1.0, 1.0, 5), (2.0, 1.0, 5), (0.0, math.nan, 5), (0.0, 1.0, 0)]:
        assert nice_levels(lo, hi, n).size == 0


@given(st.floats(-1e6, 1e6), st.floats(1e-6, 1e6), st.integers(1, 30))
def test_nice_levels_properties(lo, width, n):
    hi = lo + width
    assume(width > 1e-6 * max(1.0, abs(lo)))  # a range the floats can resolve
    levels = nice_levels(lo, hi, n)
    raw = (hi - lo) / n
    assert np.all((levels > lo) & (levels < hi))
    if levels.size >= 2:
        tol = 1e-9 * max(abs(lo), abs(hi))  # rounding of values this large
        step = levels[1] - levels[0]
        assert np.allclose(np.diff(levels), step, rtol=1e-6, atol=tol)
        mantissa = step / 10 ** math.floor(math.log10(step) + 1e-6)
        assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-3
        assert raw / 2.5**0.5 * (1 - 1e-6) <= step <= raw * 2.5**0.5 * (1 + 1e-6)
        assert levels[0] - step <= lo + tol and levels[-1] + step >= hi - tol  # none missing


def test_nice_log_levels_by_hand():
    assert nice_log_levels(0.01, 1000.0, 20).tolist() == [
        0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]
    assert nice_log_levels(0.01, 1000.0, 5).tolist() == [0.1, 1, 10, 100]
    assert nice_log_levels(0.01, 1000.0, 2).tolist() == [1, 100]
    assert nice_log_levels(0.0, 10.0, 5).size == 0  # needs lo > 0


def test_quantile_levels_by_hand():
    values = np.arange(100.0)  # quantile q sits at q * 99 with linear interpolation
    assert quantile_levels(values, 4).tolist() == [12.375, 37.125, 61.875, 86.625]
    with_nan = np.append(values, [np.nan, np.inf])
    assert quantile_levels(with_nan, 4).tolist() == [12.375, 37.125, 61.875, 86.625]
    assert quantile_levels(np.full(10, 3.0), 4).tolist() == [3.0]
    assert quantile_levels(np.full(3, np.nan), 4).size == 0
