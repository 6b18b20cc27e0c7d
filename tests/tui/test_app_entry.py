"""The app's entry point: the landscape it checks before the screen opens is the one the app
shows, built once (a surface file read once, a network's slice set up once)."""

from __future__ import annotations

from losswalk.core.landscapes import models
from losswalk.tui import app
from losswalk.tui.cli import main


def test_the_checked_model_is_the_one_the_app_gets(monkeypatch) -> None:
    monkeypatch.setattr("losswalk.tui.commands.app_launch._need_a_terminal", lambda: None)
    calls: list[dict] = []
    monkeypatch.setattr(app, "run", lambda *args, **kwargs: calls.append(kwargs))
    built = []
    build = models.LandscapeOptions.build

    def counted(self, strict=False):
        built.append(build(self, strict))
        return built[-1]

    monkeypatch.setattr(models.LandscapeOptions, "build", counted)
    assert main(["himmelblau"]) == 0
    assert len(built) == 1 and calls[0]["explorer"].model is built[0]
