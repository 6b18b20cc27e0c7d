"""How much the fuzzers do: a few examples by default (the suite stays fast), many with
LOSSWALK_FUZZ=long (`LOSSWALK_FUZZ=long python -m pytest -n 2 tests/fuzz`)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

LONG = os.environ.get("LOSSWALK_FUZZ", "") == "long"
# a bound on one example's time that catches a hang; far above what any example takes
HANG = 120.0
# failing examples are kept here and replayed first next time (the fuzzers change directory)
DATABASE = DirectoryBasedExampleDatabase(Path(__file__).parents[2] / ".hypothesis" / "examples")


def fuzz_settings(default: int, long: int) -> settings:
    """Settings for a fuzz test: `default` examples normally, `long` under LOSSWALK_FUZZ=long.
    No deadline (a loaded machine must not fail a test: HANG catches what never ends)."""
    return settings(max_examples=long if LONG else default, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much],
                    print_blob=True, database=DATABASE)


class Hang(BaseException):
    """An example ran past HANG seconds (a BaseException: no `except Exception` swallows it)."""


@contextlib.contextmanager
def no_hang(seconds: float = HANG) -> Iterator[None]:
    """Raise Hang in the main thread if the block runs longer than `seconds`."""

    def expire(_signum, _frame):
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
