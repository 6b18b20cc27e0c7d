"""The user's keys (config.toml [keys]) added to the app's keymap.

`step = "u"` makes u step too. The action's own keys keep working, so every key the screen names
(status line, messages, tour, help) stays true; a key another action has is refused. Actions
are written as in tui/keymap.py (`step`, `"lr(1)"`, `"move(-1, 0)"`; spaces do not matter).
Where an action has two bindings (q and ctrl+c both quit), the first gets the keys.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.keys import _character_to_key

from losswalk.core.files.config import Config
from losswalk.tui.keymap import KEYMAP


def action_name(binding: Binding) -> str:
    """The action as the config file names it: the binding's action without spaces."""
    return binding.action.replace(" ", "")


def _keys(text: str) -> list[str]:
    """Key names as Textual matches them: single characters by their long names ('?' ->
    'question_mark')."""
    return [_character_to_key(k) if len(k) == 1 else k for k in text.split(",")]


def keymap_with(config: Config) -> list[Binding]:
    """KEYMAP with the config's [keys] added; ConfigError (naming the file and the key) for an
    action the app does not have, or a key that two actions would share."""
    known = {action_name(b) for b in KEYMAP}
    for action in config.keys:
        if action not in known:
            raise config.error(f"keys.{action}", "no such action (see 'losswalk config --keys' "
                               "for every action and its keys)")
    pending = dict(config.keys)
    bindings = []
    for binding in KEYMAP:
        extra = pending.pop(action_name(binding), None)
        bindings.append(binding if extra is None
                        else binding.with_key(f"{binding.key},{extra}", binding.key_display))
    owner: dict[str, str] = {}
    for binding in bindings:
        for key in _keys(binding.key):
            other = owner.setdefault(key, action_name(binding))
            if other != action_name(binding):
                changed = action_name(binding) if action_name(binding) in config.keys else other
                raise config.error(f"keys.{changed}", f"the key {key!r} would do both {other} "
                                   f"and {action_name(binding)}: give one of them another key")
    return bindings


def key_table(config: Config) -> list[tuple[str, str, str]]:
    """(action, its keys, what it does) for every binding of the keymap the config gives."""
    return [(action_name(b), b.key, b.description) for b in keymap_with(config)]
