"""Palettes: anchor colours, perceptual order, nearest xterm-256 / 16-colour indices."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from losswalk.core.drawing.palette import (
    ANSI16_RGB,
    DEFAULT,
    GLOBAL_MIN,
    NAMED_RGB,
    PALETTES,
    SLACK,
    RenderError,
    distinct_xterm256,
    make_palette,
    nearest_ansi16,
    nearest_xterm256,
)

rgbs = st.tuples(*[st.integers(0, 255)] * 3)


def xterm_table() -> dict[int, tuple[int, int, int]]:
    """Every xterm-256 colour from 16 up, written out from the xterm definition."""
    steps = [0, 95, 135, 175, 215, 255]
    table = {16 + 36 * r + 6 * g + b: (steps[r], steps[g], steps[b])
             for r in range(6) for g in range(6) for b in range(6)}
    table.update({232 + k: (8 + 10 * k,) * 3 for k in range(24)})
    return table


def d2(a, b) -> int:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


def test_viridis_nine_levels_are_the_anchors():
    pal = make_palette("viridis", 9)
    assert pal.rgb(0) == (68, 1, 84)
    assert pal.rgb(4) == (33, 144, 141)
    assert pal.rgb(8) == (253, 231, 37)


def test_interpolated_level_is_the_midpoint_of_two_anchors():
    # 3 levels of grey: t = 0, 0.5, 1 between (28,28,28) and (238,238,238)
    assert [make_palette("grey", 3).rgb(k) for k in range(3)] == [
        (28, 28, 28), (133, 133, 133), (238, 238, 238)]


@pytest.mark.parametrize("name", PALETTES)
def test_palettes_get_brighter_with_loss(name):
    levels = make_palette(name, 12).levels.astype(float)
    luma = levels @ np.array([0.2126, 0.7152, 0.0722])
    assert np.all(np.diff(luma) > 0)


def test_codes():
    pal = make_palette("viridis", 4)
    assert pal.n_levels == 4
    assert pal.rgb(DEFAULT) is None and pal.xterm256(DEFAULT) is None
    assert pal.ansi16(DEFAULT) is None
    assert pal.rgb(GLOBAL_MIN) == NAMED_RGB[GLOBAL_MIN]
    for bad in (4, 999, 2000, -2):
        with pytest.raises(RenderError):
            pal.rgb(bad)


def test_bad_palette_options():
    with pytest.raises(RenderError, match="unknown palette"):
        make_palette("jet")
    with pytest.raises(RenderError, match="n_levels"):
        make_palette("viridis", 0)
    assert make_palette("viridis", 1).n_levels == 1


@pytest.mark.parametrize(("rgb", "index"), [
    ((0, 0, 0), 16), ((255, 0, 0), 196), ((255, 255, 255), 231),
    ((128, 128, 128), 244), ((95, 135, 175), 67), ((68, 1, 84), 53),
])
def test_xterm256_known(rgb, index):
    assert nearest_xterm256(rgb) == index


@given(rgbs)
def test_xterm256_is_as_close_as_brute_force(rgb):
    table = xterm_table()
    best = min(d2(rgb, c) for c in table.values())
    assert d2(rgb, table[nearest_xterm256(rgb)]) == best


@pytest.mark.parametrize(("rgb", "index"), [
    ((0, 0, 0), 0), ((200, 0, 0), 1), ((250, 0, 0), 9), ((68, 1, 84), 0),
    ((250, 250, 250), 15), ((0, 0, 230), 4),
])
def test_ansi16_known(rgb, index):
    assert nearest_ansi16(rgb) == index


@given(rgbs)
def test_ansi16_is_as_close_as_brute_force(rgb):
    best = min(d2(rgb, c) for c in ANSI16_RGB)
    assert d2(rgb, ANSI16_RGB[nearest_ansi16(rgb)]) == best


@pytest.mark.parametrize("name", PALETTES)
@pytest.mark.parametrize("n", [2, 4, 7, 8, 10, 12])
def test_levels_stay_apart_in_256_colours(name, n):
    """viridis' levels 2 and 3 of 10 both had xterm colour 60: two legend entries, one look."""
    pal = make_palette(name, n)
    table = xterm_table()
    chosen = [pal.xterm256(k) for k in range(n)]
    assert len(set(chosen)) == n
    for k, index in enumerate(chosen):
        rgb = pal.rgb(k)
        nearest = nearest_xterm256(rgb)
        if index != nearest:  # moved only off a lower level's colour, to one still its own
            assert nearest in chosen[:k]
            assert d2(rgb, table[index]) ** 0.5 <= d2(rgb, table[nearest]) ** 0.5 + SLACK
            assert min(range(n), key=lambda j: d2(pal.rgb(j), table[index])) == k


def test_levels_too_close_for_256_colours_share_one():
    greys = make_palette("grey", 256)
    assert greys.xterm256(100) == greys.xterm256(101) == nearest_xterm256(greys.rgb(100))
    assert distinct_xterm256([(68, 1, 84), (68, 1, 84)]) == (53, 53)  # nothing closer to either
