"""Fixtures for every test: a pinned UTF-8 locale, so `--charset auto` draws the same glyphs on
every machine (tests of the locale rule set their own)."""

import gc
import itertools
import sys

import pytest


@pytest.fixture(autouse=True)
def utf8_locale(monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def user_dirs_root(tmp_path_factory):
    return tmp_path_factory.mktemp("xdg")


_TEST_NUMBER = itertools.count()


@pytest.fixture(autouse=True)
def private_user_dirs(monkeypatch, user_dirs_root):
    """Every test (and every process it starts) gets its own state and config folders, so no
    test reads the user's config or writes over the user's saved session. They are not made
    (losswalk makes what it writes): a folder made per test cost ~1 ms of system time each."""
    base = user_dirs_root / str(next(_TEST_NUMBER))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))


def _finer_idle_checks() -> None:
    """Textual's Pilot sleeps in 20 ms slices, twice per key, to guess the app is idle: longer
    than a frame (1/60 s), so a key's repaint is on screen when the test reads it. These tests
    wait for the app's own work explicitly (`wait_for_map`), so 8 ms slices with 4 ms frames
    keep that promise (slices of 4 ms missed a resize's repaint) at under half the wait."""
    from textual import _wait, screen

    _wait.SLEEP_GRANULARITY = 0.008
    _wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20
    screen.UPDATE_PERIOD = 0.004


def _quick_resize_debounce() -> None:
    """After a resize the map and the basins wait for 0.25 s of quiet before they recompute, so a
    dragged window computes once. A test's resize is one step, and ~150 of them waited that long:
    20 ms keeps the behaviour at a tenth of the wait (test_landscape_map checks the debounce
    itself, with a spell of its own)."""
    from losswalk.tui.widgets import basin_view, landscape_map

    basin_view.RESIZE_DEBOUNCE = landscape_map.RESIZE_DEBOUNCE = 0.02


_finer_idle_checks()
_quick_resize_debounce()


def _one_blas_thread() -> None:
    """OpenBLAS's worker threads spin while they wait, so on the 2-core machine (xdist's workers
    already fill both cores) they burn CPU for nothing; the tests' matrices are small. Set before
    numpy loads (the test modules import it after this file), inherited by started processes."""
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


_one_blas_thread()


def pytest_collection_finish(session) -> None:
    """What collection built (modules, tests, fixtures) lives for the whole run: freeze it, so the
    full garbage collections that the apps' reference cycles set off do not scan it each time."""
    gc.collect()
    gc.freeze()


def pytest_runtest_teardown(item) -> None:
    """Textual memoises `StylesCache.get_inner_outer` per widget (1024 entries), which keeps the
    last thousand widgets' render caches alive after their apps end: ~150k objects that every full
    garbage collection then scans. Drop them after each test; an app in use just refills it."""
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()


