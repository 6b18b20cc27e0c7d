"""Fixtures for every test: a pinned UTF-8 locale, so `--charset auto` draws the same glyphs on
every machine (tests of the locale rule set their own)."""

import pytest


@pytest.fixture(autouse=True)
def utf8_locale(monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
