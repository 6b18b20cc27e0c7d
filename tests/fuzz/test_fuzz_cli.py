"""Issue 8 §7: every headless subcommand's options, fuzzed. The subcommands and their options are
read from the CLI's own argparse parser, so a subcommand added later is fuzzed too. Values
include huge, NaN, infinite and negative numbers, control characters, escapes, newlines and
wide characters. Each command line must exit 0 with valid output (JSON that parses with --json)
and nothing on stderr, or exit 2 with one safe `losswalk: ...` line on stderr; never a
traceback, a warning or a hang. main() runs in-process (fast), its output through UTF-8 streams
like a real process's."""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import sys
import tracemalloc
import unicodedata
import warnings

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from losswalk.core.landscapes.datasets import BUILTIN_DATASETS
from losswalk.core.landscapes.models import LANDSCAPES
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES
from losswalk.tui import cli
from losswalk.tui.commands import app_launch
from tests.fuzz.budget import fuzz_settings, no_hang

# subcommands that are not headless: they open the app (in-process it would take over the
# runner's terminal) or, as `serve`, run until stopped
NOT_HEADLESS = frozenset({"tour", "open", "serve"})
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# files the commands are given (the test runs in a directory holding them)
GOOD_ROWS = "x1,x2,y\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n2,2,1\n-1,-1,0\n"
FILES = {"good.csv": GOOD_ROWS, "t\x1b]0;pwned\x07.csv": GOOD_ROWS, "データ.csv": GOOD_ROWS,
         "line\n.csv": "x1,y\n0,0\n1,1\n2,1\n", "empty.csv": "", "bad.csv": "1,2,7\n\x1b[2J,3\n",
         "binary.csv": "\x00\xff\x1b" * 50}
PATHS = [*FILES, "dir", "missing.csv", "/dev/null", "/nonexistent/\x1b[2J.csv"]
MEMORY = 256 * 2**20  # bytes one command may allocate at its peak (the biggest take ~20 MB)
# a basin map may cost up to basins.MAX_WORK (about a minute, documented); the fuzzer checks how
# commands answer, not how fast the biggest allowed one runs, so it allows less (and so also
# reaches the refusal more often)
FUZZ_BASIN_WORK = 20_000_000


def headless_subcommands() -> dict[str, argparse.ArgumentParser]:
    """Every subcommand of the CLI's parser that runs headless, with its own parser."""
    parser = cli._build_parser()
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: sub for name, sub in subparsers.choices.items() if name not in NOT_HEADLESS}


def number_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-3, 64).map(str),
        st.sampled_from(["0", "1", "8", "20", "129", "257", "1001", "1026", "1000001", "-1",
                         "2" * 30, "9" * 400, "1e308", "-1e308", "1e400", "1e-320", "-0",
                         "nan", "-nan", "inf", "-inf", "Infinity", "1_0", "٣", "0x10", "1e",
                         ".5", "5.", "+3", "1e-12", "1e12", "1e150", "-1e150", "1e9"]),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def hostile_texts() -> st.SearchStrategy[str]:
    """Text with control characters, escape sequences, newlines, bidi and wide characters (no
    '/': a random path must not reach outside the test's directory; no NUL: argv cannot hold
    one)."""
    special = st.sampled_from(["\x1b", "\x1b[2J", "\x1b]0;t\x07", "\n", "\r", "\r\n", "\t",
                               "\x07", "\x7f", "\x85", "\x9b", "\u2028", "データ", "🙂", ",",
                               "-", "--", "=", "\udcff", "e\u0301", *BIDI])
    plain = st.characters(exclude_characters="/\x00", codec=None)
    return st.lists(st.one_of(special, plain, st.text(max_size=3).filter(
        lambda t: "/" not in t and "\x00" not in t)), max_size=8).map("".join)


def values_for(action: argparse.Action) -> st.SearchStrategy[str]:
    """Values for one option: its choices, numbers, lists of numbers, names, paths, hostile
    text."""
    numbers = number_texts()
    kinds = [numbers, st.lists(numbers, min_size=1, max_size=5).map(",".join),
             st.sampled_from([*LANDSCAPES, *BUILTIN_DATASETS, *OPTIMIZERS, *SCHEDULES]),
             st.sampled_from(PATHS), hostile_texts()]
    if action.choices:
        kinds.insert(0, st.sampled_from([str(c) for c in action.choices]))
    return st.one_of(kinds)


@st.composite
def command_lines(draw, name: str, parser: argparse.ArgumentParser) -> list[str]:
    """[name, positionals..., options...] for one subcommand, the options in random order."""
    argv = [name]
    for action in parser._actions:
        if not action.option_strings and draw(st.booleans()):
            argv.append(draw(st.one_of(st.sampled_from([*LANDSCAPES, *cli.SUBCOMMANDS]),
                                       values_for(action))))
    options = [a for a in parser._actions
               if a.option_strings and not isinstance(a, argparse._HelpAction)]
    for action in draw(st.lists(st.sampled_from(options), max_size=6)) if options else []:
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
        elif draw(st.booleans()):
            argv += [flag, draw(values_for(action))]
        else:
            argv.append(f"{flag}={draw(values_for(action))}")
    return argv


def run_main(argv: list[str]) -> tuple[int, str, str, list[warnings.WarningMessage]]:
    """main(argv) in-process: exit status, stdout, stderr, warnings raised. The streams encode
    as a real process's do (stdout strict UTF-8, stderr backslashreplace) and are not terminals;
    stdin is empty."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace",
                           newline="\n")
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        stdin, sys.stdin = sys.stdin, io.StringIO()
        stack.callback(setattr, sys, "stdin", stdin)
        stack.enter_context(no_hang())
        tracemalloc.start()
        stack.callback(tracemalloc.stop)
        try:
            status = cli.main(argv)
        except SystemExit as exc:  # argparse's --help and --version
            status = exc.code if isinstance(exc.code, int) else 2
        peak = tracemalloc.get_traced_memory()[1]
    assert peak <= MEMORY, f"{peak / 2**20:.0f} MB"
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8", errors="replace"))
    return status, texts[0], texts[1], caught


def is_safe(text: str) -> bool:
    """Nothing a terminal acts on: no control, surrogate, separator or bidi character."""
    return not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI
                   for c in text)


def check(argv: list[str]) -> None:
    status, out, err, caught = run_main(argv)
    event(f"exit {status}")
    assert not caught, [str(w.message) for w in caught]
    assert "Traceback" not in out + err
    if status == 0:
        assert err == "", err
        if "--json" in argv and "--help" not in argv and "-h" not in argv:
            json.loads(out)
    else:
        assert status == 2, (status, err)
        assert err.startswith("losswalk: ") and err.endswith("\n") and err.count("\n") == 1, err
        assert is_safe(err[:-1]), err
        assert "internal error" not in err


@pytest.fixture(scope="module")
def in_a_directory_of_files(tmp_path_factory):
    """The fuzzed commands run in a directory holding FILES and a sub-directory `dir`."""
    where = tmp_path_factory.mktemp("fuzz-cli")
    for name, text in FILES.items():
        (where / name).write_text(text, errors="surrogateescape")
    (where / "dir").mkdir()
    before = os.getcwd()
    os.chdir(where)
    yield where
    os.chdir(before)


SUBCOMMANDS = headless_subcommands()
# main() builds the whole parser on each call, most of a quick example's CPU; parsing never
# changes a parser, so the examples share one (built by the CLI's own code, once)
ONE_PARSER = functools.cache(cli._build_parser)


def test_the_fuzzer_sees_the_headless_subcommands():
    assert {"list", "info", "walk", "render"} <= set(SUBCOMMANDS)
    assert "tour" not in SUBCOMMANDS


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_a_subcommand_exits_0_with_valid_output_or_2_with_one_safe_line(
        name, in_a_directory_of_files, monkeypatch):
    monkeypatch.setattr("losswalk.core.walk.basins.MAX_WORK", FUZZ_BASIN_WORK)
    monkeypatch.setattr(cli, "_build_parser", ONE_PARSER)
    @fuzz_settings(default=12, long=1500)
    @given(command_lines(name, SUBCOMMANDS[name]))
    def fuzz(argv: list[str]) -> None:
        check(argv)

    fuzz()


@fuzz_settings(default=12, long=1500)
@given(st.data())
def test_the_app_refuses_in_one_safe_line_without_a_terminal(in_a_directory_of_files, data):
    """The app's own options (no subcommand) go through the same checks before it would open;
    here stdout is no terminal, so it ends with one line either way."""
    argv = data.draw(command_lines("", app_launch.app_parser()))[1:]
    if argv and argv[0] in NOT_HEADLESS:
        argv[0] = "logistic"
    check(argv)
