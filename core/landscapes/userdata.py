"""Open a user's data file on a landscape that learns from data, and list files for a path.

What the app's file dialog (ctrl+o) needs, with no Textual in it: which landscape a dataset
opens on, and the completions and folder listing for a half-typed path.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from losswalk.core.landscapes.datasets import Dataset
from losswalk.core.landscapes.models import LandscapeOptions, option_applies

ONE_INPUT = "tiny-net"  # 1-D data (x1,y) opens here when the landscape needs two inputs
TWO_INPUTS = "logistic"  # a landscape without data opens the file here


def options_with_data(options: LandscapeOptions, path: str, dataset: Dataset) -> LandscapeOptions:
    """The options of the current landscape on this dataset (already read), or, when that
    landscape takes no data, of logistic (tiny-net for 1-D data); the view resets and the
    built-in dataset is dropped. Any data landscape that takes --data works the same way."""
    name = options.name if option_applies(options.name, "data") else TWO_INPUTS
    if dataset.X.shape[1] == 1 and name == TWO_INPUTS:
        name = ONE_INPUT
    given = (options.given - {"dataset"}) | {"data"}
    return dataclasses.replace(options, name=name, data=str(path), dataset=None, extent=None,
                               examples=dataset, given=frozenset(given))


def folder_entries(text: str, limit: int = 200) -> tuple[Path, list[str]]:
    """The folder a half-typed path is in (the current one for a bare name) and its entries
    whose names start with the typed part, folders first with a trailing '/', hidden ones only
    when the typed part starts with '.'; at most `limit` names. Unreadable folders list none."""
    folder_text, _, prefix = text.rpartition(os.sep)
    folder = Path(os.path.expanduser(folder_text + os.sep if folder_text or text.startswith(
        os.sep) else "."))
    try:
        with os.scandir(folder) as scan:
            found = []
            for entry in scan:
                if not entry.name.startswith(prefix) or (
                        entry.name.startswith(".") and not prefix.startswith(".")):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                found.append((not is_dir, entry.name + (os.sep if is_dir else "")))
                if len(found) >= 10 * limit:  # a huge folder: enough to show and complete
                    break
    except OSError:
        return folder, []
    return folder, [name for _, name in sorted(found)[:limit]]


def complete(text: str) -> str:
    """text completed as far as the names it can stand for agree (a folder gets its '/')."""
    _, names = folder_entries(text)
    if not names:
        return text
    common = names[0]  # the names' common start, character by character
    for name in names[1:]:
        while not name.startswith(common):
            common = common[:-1]
    head = text[:text.rfind(os.sep) + 1]
    typed = text[len(head):]
    return head + common if len(common) > len(typed) else text
