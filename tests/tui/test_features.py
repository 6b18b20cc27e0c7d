"""The app routes every key to an action of its own, and each feature's logic lives in its
controller (tui/features/), made the first time the feature is used."""

from __future__ import annotations

import ast
import inspect
from importlib import import_module
from pathlib import Path

import pytest

from losswalk.tui.app import CONTROLLERS, LosswalkApp
from losswalk.tui.features import Controller
from losswalk.tui.keymap import KEY_ACTIONS
from tests.tui.conftest import wait_for_map

APP_PY = Path(inspect.getfile(LosswalkApp))


def test_every_key_names_an_action_of_the_app() -> None:
    """The key bar, the help screen and check_action all look at the app's actions."""
    missing = {action for action in KEY_ACTIONS if not callable(getattr(LosswalkApp,
                                                                        f"action_{action}", None))}
    assert missing == set()


@pytest.mark.parametrize("name", sorted(CONTROLLERS))
def test_each_controller_lives_in_its_own_feature_module(name: str) -> None:
    module_name, class_name = CONTROLLERS[name]
    module = import_module(module_name)
    assert module_name == f"losswalk.tui.features.{name}"
    assert issubclass(getattr(module, class_name), Controller)
    assert module.__doc__ and "\n" not in module.__doc__.strip()  # one line: what and why


def test_the_app_module_imports_no_controller() -> None:
    """Controllers are imported when their feature is first used, never with the app."""
    tree = ast.parse(APP_PY.read_text(encoding="utf-8"))
    imported = {node.module for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.startswith("losswalk.tui.features")}


async def test_the_first_frame_makes_no_controller_and_a_feature_key_makes_one() -> None:
    app = LosswalkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_map(pilot)
        assert app._controllers == {}
        await pilot.press("A")  # basins
        await pilot.pause()
        assert set(app._controllers) == {"basins"} and app.has_class("-basins")
        await pilot.press("A")  # off: its sync ran once more and cleared the class
        await pilot.pause()
        assert not app.has_class("-basins")
