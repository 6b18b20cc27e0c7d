"""Issue 8 §7: the app under random keys (the keymap's and others) and resizes, tiny sizes
included, on every landscape, through Textual's Pilot: it never ends by itself and never raises
(an error inside it is a message, not the end of the app). The quit keys are left out: they end
it on purpose."""

from __future__ import annotations

import asyncio
import os
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App

from losswalk.core.landscapes.models import LANDSCAPES, LandscapeOptions
from losswalk.tui.app import LosswalkApp
from losswalk.tui.keymap import KEYMAP
from tests.fuzz.budget import LONG, fuzz_settings, no_hang

QUIT_KEYS = {key for binding in [*KEYMAP, *App.BINDINGS] if binding.action == "quit"
             for key in binding.key.split(",")} | {"q"}  # q closes help, then quits
KEYMAP_KEYS = sorted({key for binding in KEYMAP for key in binding.key.split(",")} - QUIT_KEYS)
OTHER_KEYS = sorted(
    {*string.ascii_letters, *string.digits, "escape", "tab", "shift+tab", "backspace", "delete",
     "home", "end", "insert", "f1", "f5", "f12", "ctrl+z", "ctrl+s", "ctrl+o", "ctrl+n",
     "ctrl+r", "ctrl+l", "ctrl+p", "exclamation_mark", "at", "slash", "backslash", "tilde",
     "é", "データ"[0], "ctrl+left", "alt+x"} - QUIT_KEYS)
SIZES = [(1, 1), (2, 1), (10, 3), (40, 10), (59, 17), (59, 18), (60, 17), (60, 18), (80, 24),
         (120, 40), (200, 50)]

actions = st.one_of(
    st.lists(st.sampled_from(KEYMAP_KEYS), min_size=1, max_size=8).map(lambda keys: ("keys",
                                                                                      keys)),
    st.lists(st.sampled_from(OTHER_KEYS), min_size=1, max_size=3).map(lambda keys: ("keys",
                                                                                    keys)),
    st.one_of(st.sampled_from(SIZES),
              st.tuples(st.integers(1, 220), st.integers(1, 60))).map(lambda s: ("resize", s)),
    st.just(("settle", None)),
)


async def storm(name: str, steps: list[tuple[str, object]]) -> None:
    app = LosswalkApp(LandscapeOptions.from_user(name=name), charset="unicode")
    async with app.run_test(size=(80, 24)) as pilot:
        for kind, what in steps:
            if kind == "keys":
                await pilot.press(*what)
            elif kind == "resize":
                await pilot.resize_terminal(*what)
            else:  # let workers and timers land
                await pilot.pause(0.05)
            assert app._exception is None, app._exception
            assert not app._exit, f"the app ended by itself after {kind} {what}"
        await pilot.pause()
        assert not app._exit and app.return_code is None
    assert app._exception is None


@pytest.fixture(scope="module")
def in_a_scratch_directory(tmp_path_factory):
    """Keys that save files (export) write them here."""
    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz-app"))
    yield
    os.chdir(before)


@fuzz_settings(default=3, long=40)
@given(name=st.sampled_from(sorted(LANDSCAPES)),
       steps=st.lists(actions, min_size=1, max_size=120 if LONG else 25))
def test_random_keys_and_resizes_never_end_or_break_the_app(in_a_scratch_directory, name,
                                                             steps):
    with no_hang(600):
        asyncio.run(storm(name, steps))


@pytest.mark.skipif(not LONG, reason="the long fuzz run (LOSSWALK_FUZZ=long) visits each")
@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_every_landscape_takes_a_storm(in_a_scratch_directory, name):
    @fuzz_settings(default=1, long=4)
    @given(steps=st.lists(actions, min_size=50, max_size=150))
    def fuzz(steps):
        with no_hang(600):
            asyncio.run(storm(name, steps))

    fuzz()
