"""One controller per feature: its keys' actions and its part of the redraw, out of the app.

Each module holds one small class built with the app (`LosswalkApp.controller(name)`, the first
time the feature is used, so the first frame imports none of them). The app's action for a key
is one line that calls the controller; `LosswalkApp._sync` calls a controller's `sync()` while
its feature is on, and once more after it is turned off, so it can clear what it drew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from losswalk.tui.app import LosswalkApp


class Controller:
    """One feature's controller: it acts on the app it is built with (its explorer, `_do`,
    `_sync`, its widgets)."""

    def __init__(self, app: LosswalkApp) -> None:
        self.app = app
