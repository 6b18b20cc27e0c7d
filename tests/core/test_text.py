"""Tests for core.drawing.text: how numbers are written on screen."""

from __future__ import annotations

import math

import numpy as np
import pytest

from losswalk.core.drawing.text import format_number


@pytest.mark.parametrize(("x", "digits", "text"), [
    (0.693147, 4, "0.6931"), (123456.0, 4, "1.235e5"), (1e-7, 4, "1e-7"), (-2.5, 4, "-2.5"),
    (-1.23456e-5, 4, "-1.235e-5"), (1e300, 4, "1e300"), (5e-324, 4, "4.941e-324"),
    (-0.0, 4, "0"), (math.inf, 4, "inf"), (-math.inf, 4, "-inf"), (math.nan, 4, "nan"),
    (0.0625, 2, "0.062"), (np.float64(12.3456), 4, "12.35"),
])
def test_format_number(x, digits, text):
    assert format_number(x, digits) == text
