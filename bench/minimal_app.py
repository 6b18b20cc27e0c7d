"""The baseline for start-up: the smallest Textual app worth the name (Header, a Static, Footer).

bench_tui starts it in the same pseudo-terminal, the same way, in the same run as losswalk, so
the ratio of their start-up times says what losswalk adds over Textual itself.
"""

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class MinimalApp(App[None]):
    BINDINGS: ClassVar = [("q", "quit", "quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello")
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
