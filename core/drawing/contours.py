"""Contour lines as text: marching squares per terminal cell, and 'nice' contour levels.

Each terminal cell is one marching-squares square whose four corners are interpolated from the
cell-centre samples. The corners above the level form a 4-bit case (TL=8, TR=4, BR=2, BL=1);
the case says which cell edges the contour crosses, and so which line glyph to draw.
"""

from __future__ import annotations

import math

import numpy as np

from losswalk.core.landscapes.landscape import quantiles

# Glyph per case 0..15. Case 1 (only BL above) crosses the left and bottom edges -> '╮', etc.
# The saddles 5 and 10 are ambiguous (two crossing segments) and are drawn as a cross.
CASE_GLYPHS: dict[str, str] = {
    "unicode": " ╮╭─╰┼│╯╯│┼╰─╭╮ ",
    "ascii": " \\/-\\+|//|+\\-/\\ ",
}


def corner_values(centres: np.ndarray) -> np.ndarray:
    """(H, W) cell-centre samples -> (H+1, W+1) corner values: 2x2 means, edges replicated."""
    p = np.pad(np.asarray(centres, dtype=float), 1, mode="edge")
    return (p[:-1, :-1] + p[:-1, 1:] + p[1:, :-1] + p[1:, 1:]) / 4.0


def marching_squares(corners: np.ndarray, level: float) -> np.ndarray:
    """(H+1, W+1) corners, row 0 = top -> (H, W) int8 case 0..15; -1 where a corner is NaN."""
    c = np.asarray(corners, dtype=float)
    above = c > level
    case = (8 * above[:-1, :-1] + 4 * above[:-1, 1:] + 2 * above[1:, 1:] + above[1:, :-1])
    bad = np.isnan(c)
    bad = bad[:-1, :-1] | bad[:-1, 1:] | bad[1:, 1:] | bad[1:, :-1]
    return np.where(bad, -1, case).astype(np.int8)


def contour_cells(
    corners: np.ndarray, levels, charset: str = "unicode"
) -> tuple[np.ndarray, np.ndarray]:
    """Line glyph per cell and the index of the level that drew it (-1 none); later levels win."""
    glyphs = np.array(list(CASE_GLYPHS[charset]))
    h, w = corners.shape[0] - 1, corners.shape[1] - 1
    chars = np.full((h, w), " ", dtype="<U1")
    index = np.full((h, w), -1, dtype=int)
    for k, level in enumerate(levels):
        case = marching_squares(corners, level)
        hit = (case >= 0) & (glyphs[np.maximum(case, 0)] != " ")
        chars[hit] = glyphs[case[hit]]
        index[hit] = k
    return chars, index


def _exact(m: int, e: int) -> float:
    """m * 10**e as the double nearest the decimal: 3e-1 gives 0.3, not 0.30000000000000004."""
    return float(m * 10**e) if e >= 0 else m / 10 ** (-e)


def nice_levels(lo: float, hi: float, n: int) -> np.ndarray:
    """Multiples of the 1-2-5 x 10^k step nearest (in log) to (hi - lo) / n, inside (lo, hi)."""
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo and n >= 1):
        return np.empty(0)
    raw = (hi - lo) / n
    e = math.floor(math.log10(raw))
    m, e = min(((1, e), (2, e), (5, e), (1, e + 1)),
               key=lambda me: abs(math.log(_exact(*me) / raw)))
    step = _exact(m, e)
    ks = range(math.floor(lo / step) + 1, math.ceil(hi / step))
    vals = [_exact(k * m, e) for k in ks]
    return np.array([v for v in vals if lo < v < hi])


def nice_log_levels(lo: float, hi: float, n: int) -> np.ndarray:
    """{1, 2, 5} x 10^k inside (lo, hi), lo > 0; only 10^k if more than n, then every m-th."""
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi and n >= 1):
        return np.empty(0)
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    for mantissas in ((1, 2, 5), (1,)):
        vals = [v for e in decades for m in mantissas if lo < (v := _exact(m, e)) < hi]
        if len(vals) <= n:
            return np.array(vals)
    every = math.ceil(len(vals) / n)
    return np.array(vals[::-1][::every][::-1])


def quantile_levels(values: np.ndarray, n: int) -> np.ndarray:
    """The (k + 0.5) / n quantiles of the finite values, without repeats."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0 or n < 1:
        return np.empty(0)
    return np.unique(quantiles(finite, (np.arange(n) + 0.5) / n))
