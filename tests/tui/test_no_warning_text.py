"""Issue 8 §3: extreme option values give output or one line of error, never numpy's warnings."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("argv", [
    ["walk", "logistic", "--l2", "1e300", "--steps", "5"],
    ["info", "bowl", "--condition", "1e12"],
    ["render", "bowl", "--condition", "1e12", "--color", "none"],
    ["info", "logistic", "--extent=-1e9,1e9,-1e9,1e9"],
    ["render", "tiny-net", "--extent=-1e9,1e9,-1e9,1e9", "--color", "none"],
    ["render", "bowl", "--extent", "1e9,1.00001e9,0,1", "--color", "none",
     "--width", "1000", "--height", "60"],
])
def test_extreme_values_in_the_working_range_run_without_warnings(argv, losswalk):
    result = losswalk(*argv)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


@pytest.mark.parametrize(("argv", "says"), [
    (["info", "bowl", "--condition", "1e308"], b"condition must be a number from 1 to 1e+12"),
    (["walk", "bowl", "--condition", "1e308"], b"condition must be a number from 1 to 1e+12"),
    (["render", "bowl", "--extent", "1e15,1000000000000001,0,1", "--color", "none"],
     b"coordinates within"),
    (["info", "logistic", "--extent=-1e308,1e308,-1e308,1e308"], b"coordinates within"),
    (["info", "logistic", "--extent=-1e150,1e150,-1e150,1e150"], b"coordinates within"),
    (["render", "tiny-net", "--extent=-1e150,1e150,-1e150,1e150", "--color", "none"],
     b"coordinates within"),
])
def test_values_beyond_the_working_range_are_refused_in_one_line(argv, says, losswalk):
    result = losswalk(*argv)
    assert result.returncode == 2
    assert result.stderr.count(b"\n") == 1 and result.stderr.startswith(b"losswalk: ")
    assert says in result.stderr
    assert result.stdout == b""


def test_the_in_process_run_shows_a_warning_on_stderr_as_a_process_would(losswalk, monkeypatch):
    """The checks above run losswalk in this process: a numpy warning must still reach stderr,
    or they could not fail."""
    import numpy as np

    from tests.tui import conftest

    def noisy(argv):
        np.exp(np.array([1000.0]))
        print("out")
        return 0

    monkeypatch.setattr(conftest, "main", noisy)
    result = losswalk("info")
    assert result.returncode == 0 and result.stdout == b"out\n"
    assert b"RuntimeWarning: overflow encountered in exp" in result.stderr
