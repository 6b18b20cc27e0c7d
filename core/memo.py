"""Remember the last result of a costly function of (model, point): on big data a worker computes
it and the screen then reads it from memory, on the event loop, at once."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

import numpy as np

Result = TypeVar("Result")


def last_result(function: Callable[..., Result]) -> Callable[..., Result]:
    """function(model, w, *args), remembered for its last arguments: the same model object, the
    same point (by value) and equal further arguments."""
    lock = threading.Lock()
    last: list = [None, None]  # (model, point bytes, args), result

    @functools.wraps(function)
    def remembered(model, w, *args):
        key = (model, np.asarray(w, dtype=float).tobytes(), args)
        with lock:
            if last[0] is not None and last[0][0] is model and last[0][1:] == key[1:]:
                return last[1]
        result = function(model, w, *args)
        with lock:
            last[:] = [key, result]
        return result

    return remembered
