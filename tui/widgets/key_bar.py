"""The key bar at the bottom: the keys a newcomer needs first, drawn as one line of text.

Textual's Footer makes a widget per key, each styled (and restyled) on its own: at start-up that
cost more than the map. This bar draws the same items, in the same order and colours, as one
line: whole items only, as many as the width takes. Keys are not clickable (nothing needs the
mouse); `?` lists every key.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

from losswalk.tui.keymap import KEYMAP


def bar_items(bindings: list[Binding], key_display) -> list[tuple[str, str]]:
    """(key as shown, what it does) of each binding the bar shows, in KEYMAP's order."""
    return [(key_display(b), b.description) for b in bindings if b.show]


def bar_text(items: list[tuple[str, str]], width: int, key_style, description_style) -> Text:
    """' key description ' items side by side, as many whole ones as fit in width."""
    text = Text(no_wrap=True, overflow="crop", end="")
    for key, description in items:
        if text.cell_len + cell_len(key) + cell_len(description) + 3 > width:
            break
        text.append(f" {key} ", key_style)
        text.append(f"{description} ", description_style)
    return text


class KeyBar(Widget):
    """One line of key hints, docked at the bottom like Textual's Footer and in its colours."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def render(self) -> Text:
        items = bar_items(KEYMAP, self.app.get_key_display)
        return bar_text(items, self.size.width, self.get_component_rich_style("key-bar--key"),
                        self.get_component_rich_style("key-bar--description"))
