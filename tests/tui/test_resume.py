"""`losswalk --resume` and the save at quit: what the app gets, and one line when the saved
session cannot be used (the app still opens)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from losswalk.core.explorer import Explorer
from losswalk.core.files.session import save_session, session_path, session_state
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui import app
from losswalk.tui.cli import main


@pytest.fixture
def opened(monkeypatch):
    """The app's entry point replaced: each call's keyword arguments are recorded."""
    monkeypatch.setattr("losswalk.tui.commands.app_launch._need_a_terminal", lambda: None)
    calls: list[dict] = []
    monkeypatch.setattr(app, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_resume_reopens_the_saved_session(capsys, opened) -> None:
    explorer = Explorer(LandscapeOptions(name="rastrigin"))
    explorer.step()
    explorer.zoom(0.5)
    save_session(explorer)
    assert session_path().is_relative_to(Path(os.environ["XDG_STATE_HOME"]))
    assert main(["--resume", "--charset", "ascii"]) == 0
    assert capsys.readouterr().err == ""
    (kwargs,) = opened
    assert session_state(kwargs["explorer"]) == session_state(explorer)
    assert kwargs["charset"] == "ascii" and kwargs["save"] is True


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "there is no saved session yet"),
    ("{not json", "not a session file (corrupt"),
    ('{"version": 99}', "another version of losswalk"),
    ('{"version": 1, "landscape": {"name": "nope"}}', "landscape.loss is missing"),
])
def test_an_unusable_session_is_one_line_and_the_app_opens(capsys, opened, content,
                                                           fragment) -> None:
    if content is not None:
        session_path().parent.mkdir(parents=True)
        session_path().write_text(content)
    assert main(["--resume"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("losswalk: ignoring the saved session ") and err.count("\n") == 1
    assert fragment in err
    (kwargs,) = opened
    assert kwargs["explorer"].model.name == "logistic"  # a fresh start
    assert fragment in kwargs["explorer"].message  # the app says it too


@pytest.mark.parametrize("argv", [["--resume", "himmelblau"], ["--resume", "--l2", "0.1"],
                                  ["--resume", "--eps", "1e-6"]])
def test_resume_takes_no_landscape(capsys, opened, argv) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--resume reopens the last session" in err and err.count("\n") == 1
    assert opened == []


def test_quitting_saves_the_session(monkeypatch) -> None:
    def quit_at_once(self):  # as if the user pressed q straight away
        self.explorer.step()

    monkeypatch.setattr(app.LosswalkApp, "run", quit_at_once)
    app.run(LandscapeOptions(name="himmelblau"), save=True)
    from losswalk.core.files.session import load_session

    resumed = load_session()
    assert resumed.model.name == "himmelblau" and resumed.walker.steps == 1


def test_a_session_that_cannot_be_saved_is_one_line(monkeypatch, tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))  # the folder would be inside a file
    monkeypatch.setattr(app.LosswalkApp, "run", lambda self: None)
    app.run(LandscapeOptions(), save=True)
    err = capsys.readouterr().err
    assert err.startswith("losswalk: could not save the session for --resume: ")
    assert err.count("\n") == 1


def test_a_session_that_cannot_be_saved_says_why_in_words(monkeypatch, tmp_path, capsys) -> None:
    """As every other file message: 'PATH: Not a directory', not Python's '[Errno 20] ...'."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setattr(app.LosswalkApp, "run", lambda self: None)
    app.run(LandscapeOptions(), save=True)
    err = capsys.readouterr().err
    assert err == (f"losswalk: could not save the session for --resume: {blocker}/losswalk: "
                   "Not a directory\n")


def test_resume_with_a_name_reads_as_english(capsys, opened) -> None:
    """It said '... so it takes no a NAME ('himmelblau')'."""
    assert main(["--resume", "himmelblau"]) == 2
    assert capsys.readouterr().err == ("losswalk: --resume reopens the last session's landscape "
                                       "and walker, so it takes no NAME ('himmelblau')\n")


def test_resume_without_a_terminal_is_one_line(capsys, monkeypatch) -> None:
    # found by the CLI fuzzer: the "no saved session" note came before the terminal's refusal
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("losswalk: the app needs a terminal")
