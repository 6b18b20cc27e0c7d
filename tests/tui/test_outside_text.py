"""Issue 8 §2: nothing that comes from outside (file names, option values) reaches the terminal
raw, in any subcommand's output or error message; widths are counted in terminal cells."""

from __future__ import annotations

import subprocess
import unicodedata

import pytest

from losswalk.core.drawing.text import cell_width

ROWS = "x1,x2,y\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n2,2,1\n-1,-1,0\n"
TITLE_SETTER = "t\x1b]0;pwned\x07.csv"  # sets an xterm's window title when printed raw
SCREEN_CLEARER = "c\x1b[2J\x1b[H\n.csv"  # clears the screen, and breaks the line
WIDE = "データ" * 12 + ".csv"


def assert_safe(data: bytes) -> None:
    """No byte or character a terminal acts on, other than the newline ending each line."""
    text = data.decode()
    bad = [c for c in text if c != "\n" and (unicodedata.category(c) in ("Cc", "Cs")
                                             or c in "\u202a\u202b\u202c\u202d\u202e")]
    assert not bad, text


def assert_one_line_error(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 2
    assert result.stderr.startswith(b"losswalk: ")
    assert result.stderr.count(b"\n") == 1 and result.stderr.endswith(b"\n")
    assert_safe(result.stderr)


@pytest.fixture
def hostile(tmp_path):
    """Valid CSV files whose names hold escape sequences, a newline and wide characters."""
    paths = {}
    for key, name in (("title", TITLE_SETTER), ("clear", SCREEN_CLEARER), ("wide", WIDE)):
        path = tmp_path / name
        path.write_text(ROWS)
        paths[key] = str(path)
    return paths


@pytest.mark.parametrize("name", [TITLE_SETTER, SCREEN_CLEARER])
@pytest.mark.parametrize("command", [[], ["info"], ["walk"], ["render", "--color", "none"]])
def test_a_missing_file_with_escapes_in_its_name_is_named_safely_on_one_line(command, name,
                                                                           losswalk):
    result = losswalk(*command, "--data", f"/nonexistent/{name}")
    assert_one_line_error(result)
    assert b"\\x1b" in result.stderr  # the name is still there, spelt visibly


@pytest.mark.parametrize("key", ["title", "clear"])
def test_render_in_ascii_without_colour_writes_no_escape_and_exactly_its_height(hostile, key,
                                                                               losswalk):
    result = losswalk("render", "--data", hostile[key], "--color", "none", "--charset", "ascii",
                      "--height", "10", "--width", "80")
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert_safe(result.stdout)
    assert result.stdout.count(b"\n") == 10
    assert b"\\x1b" in result.stdout.splitlines()[0]


@pytest.mark.parametrize("key", ["title", "clear"])
def test_info_prints_a_hostile_name_safely(hostile, key, losswalk):
    result = losswalk("info", "--data", hostile[key])
    assert result.returncode == 0, result.stderr
    assert_safe(result.stdout)
    assert_safe(result.stderr)


def test_a_wide_name_fits_the_width_in_terminal_cells(hostile, losswalk):
    result = losswalk("render", "--data", hostile["wide"], "--width", "80", "--height", "10",
                      "--color", "none", "--charset", "unicode")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 10
    assert "データ" in lines[0]
    assert all(cell_width(line) <= 80 for line in lines)
    assert cell_width(lines[1]) == 80


@pytest.mark.parametrize("argv", [
    ["walk", "--lr", "\x1b[2J"], ["walk", "--lr", "1\n2"], ["walk", "--start", "\u202e1,2"],
    ["render", "--steps", "\x9b2J"], ["info", "--resolution", "1\n2"],
])
def test_option_values_are_echoed_safely_on_one_line(argv, losswalk):
    assert_one_line_error(losswalk(*argv))


@pytest.mark.parametrize("charset", ["unicode", "ascii"])
@pytest.mark.parametrize("key", ["title", "clear", "wide"])
@pytest.mark.parametrize("columns", [40, 80, 120])
def test_the_app_status_lines_show_a_hostile_name_safely_within_the_width(hostile, key,
                                                                          charset, columns):
    from losswalk.core.explorer import Explorer
    from losswalk.core.landscapes.models import LandscapeOptions
    from losswalk.tui.widgets.status_bar import status_lines

    explorer = Explorer(LandscapeOptions.from_user(data=hostile[key]))
    for line in status_lines(explorer, columns, charset):
        assert_safe(line.encode())
        assert cell_width(line) <= columns - 2
        assert line.isascii() or charset == "unicode"


async def test_app_notifications_quote_outside_text_safely():
    from losswalk.tui.app import LosswalkApp

    app = LosswalkApp(charset="ascii")
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify("cannot read c\x1b[2J\nd\u202e.csv: [bold]データ")
        await pilot.pause()
        (note,) = list(app._notifications)
        assert note.message == "cannot read c\\x1b[2J\\nd\\u202e.csv: [bold]???"
        assert not note.markup


async def test_a_widget_notification_is_safe_and_without_markup_too():
    from losswalk.tui.app import LosswalkApp

    app = LosswalkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#map").notify("bad [b]name\x07")
        await pilot.pause()
        (note,) = list(app._notifications)
        assert note.message == "bad [b]name\\x07" and not note.markup


@pytest.mark.parametrize("key", ["title", "clear"])
def test_info_json_gives_the_description_as_safe_text(hostile, key, losswalk):
    """Regression: `info --json` passed the description (which names the data file) on raw, so a
    program showing the decoded string wrote the file name's escape sequences to its terminal."""
    import json

    result = losswalk("info", "--data", hostile[key], "--json", "--resolution", "9")
    assert result.returncode == 0, result.stderr
    description = json.loads(result.stdout)["description"]
    assert_safe(description.encode())
    assert "\\x1b" in description
