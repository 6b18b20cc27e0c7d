"""The config file in use: the app's defaults (flags win), the palette on the map, keys added to
the keymap, and `losswalk config`."""

from __future__ import annotations

import os

import pytest

from losswalk.core.drawing.palette import make_palette
from losswalk.core.files.config import Config, ConfigError, config_path, parse_config
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui import app
from losswalk.tui.cli import main
from losswalk.tui.commands.app_launch import _use_colours
from losswalk.tui.key_config import keymap_with
from losswalk.tui.keymap import KEYMAP
from losswalk.tui.screens.help import HelpScreen
from tests.tui.conftest import screen_text, wait_for_map


def write_config(text: str) -> None:
    path = config_path()
    assert path.is_relative_to(os.environ["XDG_CONFIG_HOME"])  # never the user's own
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def opened(monkeypatch):
    monkeypatch.setattr("losswalk.tui.commands.app_launch._need_a_terminal", lambda: None)
    monkeypatch.setattr("losswalk.tui.commands.app_launch._use_colours",
                        lambda color, environ: calls.append({"color": color}))
    calls: list[dict] = []
    monkeypatch.setattr(app, "run", lambda options, **kwargs: calls.append(
        {"options": options, **kwargs}))
    return calls


def test_the_file_sets_the_apps_defaults(opened) -> None:
    write_config('landscape = "himmelblau"\ncharset = "ascii"\ncolor = "16"\n'
                 'palette = "cividis"\n')
    assert main([]) == 0
    color, call = opened
    assert color == {"color": "16"}
    assert call["options"].name == "himmelblau" and call["charset"] == "ascii"
    assert call["config"].palette == "cividis"


def test_flags_win(opened) -> None:
    write_config('landscape = "himmelblau"\ncharset = "ascii"\ncolor = "16"\n')
    assert main(["bowl", "--charset", "unicode", "--color", "none"]) == 0
    color, call = opened
    assert color == {"color": "none"}
    assert call["options"].name == "bowl" and call["charset"] == "unicode"


def test_the_tour_and_resume_ignore_the_default_landscape(opened) -> None:
    write_config('landscape = "himmelblau"\n')
    assert main(["tour"]) == 0  # the tour refuses a NAME: the config's is not one
    assert opened[-1]["tour"] is True


@pytest.mark.parametrize(("text", "fragment"), [
    ('palette = "jet"', "palette: must be one of viridis, cividis"),
    ('[keys]\nwarp = "w"', "keys.warp: no such action"),
    ('[keys]\nstep = "x"', "keys.step: the key 'x' would do both step and zoom(2.0)"),
])
def test_a_bad_file_is_one_line_naming_file_and_key(capsys, opened, text, fragment) -> None:
    write_config(text)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"losswalk: {config_path()}: ") and fragment in err, err
    assert err.count("\n") == 1 and opened == []
    assert main(["config", "--check"]) == 2
    assert fragment in capsys.readouterr().err


def test_colours_reach_textual_through_its_environment() -> None:
    environ = {"NO_COLOR": "1"}
    _use_colours("16", environ)
    assert environ == {"TEXTUAL_COLOR_SYSTEM": "standard"}
    _use_colours("none", environ)
    assert environ["NO_COLOR"] == "1"
    environ = {"NO_COLOR": "1"}
    _use_colours("auto", environ)
    assert environ == {"NO_COLOR": "1"}


def test_keys_are_added_and_defaults_kept() -> None:
    config = parse_config('[keys]\nstep = "u"\n"move(-1, 0)" = "a,ctrl+b"\nquit = "Q"\n',
                          config_path())
    bindings = keymap_with(config)
    keys = {b.action.replace(" ", ""): b.key for b in bindings if b.key != "ctrl+c"}
    assert keys["step"] == "space,u" and keys["move(-1,0)"] == "left,h,a,ctrl+b"
    assert keys["quit"] == "q,Q" and any(b.key == "ctrl+c" for b in bindings)
    assert [b.action for b in bindings] == [b.action for b in KEYMAP]
    assert keymap_with(Config()) == KEYMAP
    with pytest.raises(ConfigError, match="question_mark' would do both step and help"):
        keymap_with(parse_config('[keys]\nstep = "?"\n', config_path()))


async def test_the_app_uses_the_palette_and_the_added_keys() -> None:
    config = parse_config('palette = "cividis"\n[keys]\nstep = "u"\n', config_path())
    losswalk = app.LosswalkApp(LandscapeOptions(name="himmelblau"), config=config)
    async with losswalk.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        palette = losswalk.map.view.raster.palette
        cividis = make_palette("cividis", palette.n_levels)
        assert [palette.rgb(i) for i in range(palette.n_levels)] == [
            cividis.rgb(i) for i in range(palette.n_levels)]
        assert palette.rgb(0) != make_palette("viridis", palette.n_levels).rgb(0)
        await pilot.press("u")
        assert losswalk.explorer.walker.steps == 1
        await pilot.press("space")  # the default key still steps
        assert losswalk.explorer.walker.steps == 2
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(losswalk.screen, HelpScreen)
        assert "your keys, with those below: step = u" in screen_text(pilot)


def test_config_command(capsys) -> None:
    assert main(["config", "--path"]) == 0
    assert capsys.readouterr().out == f"{config_path()}\n"
    assert main(["config"]) == 0
    assert capsys.readouterr().out == (
        f"no config file at {config_path()}: the defaults are in use\n")
    write_config('landscape = "bowl"\n[keys]\nstep = "u"\n')
    assert main(["config", "--check"]) == 0
    assert capsys.readouterr().out == f"{config_path()}: ok (landscape bowl, keys for 1 action)\n"
    assert main(["config", "--keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(KEYMAP) and lines[0].split()[:2] == ["step", "space,u"]
