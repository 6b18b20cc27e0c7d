"""SplitView: the same data's landscape under BCE and under MSE, side by side, one walker on both.

Each half is a caption and a LandscapeMap without legend that computes its own grid; the captions
say what to look for (BCE's valley is convex for logistic regression; MSE on a sigmoid has flat
plateaus where confident wrong predictions get almost no gradient).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from losswalk.core.drawing.text import ascii_only
from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.models import LOSS_KINDS
from losswalk.tui.widgets.landscape_map import LandscapeMap

SPLIT_CAPTIONS = {
    "bce": "BCE: convex — one valley",
    "mse": "MSE on sigmoid: plateaus where confident wrong predictions get almost no gradient "
           "(BCE's logit gradient is ŷ-y, MSE's is 2(ŷ-y)ŷ(1-ŷ))",
}
NOT_CONVEX = "BCE: the hidden tanh bends the valley, but wrong predictions always pull hard"


def split_caption(model_name: str, loss: str) -> str:
    """What to see in one half of the split (only the logistic BCE map is convex)."""
    return NOT_CONVEX if loss == "bce" and model_name != "logistic" else SPLIT_CAPTIONS[loss]


class SplitView(Horizontal):
    """Two captioned maps: the explorer's landscape under each loss."""

    def __init__(self, *, charset: str = "unicode", colour: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.charset, self.colour = charset, colour
        self._explorer: Explorer | None = None  # what to show once the halves are composed

    def compose(self) -> ComposeResult:
        for loss in LOSS_KINDS:
            with Vertical(classes="split-half"):
                yield Static(id=f"caption-{loss}", classes="caption")
                yield LandscapeMap(charset=self.charset, colour=self.colour, legend=False,
                                   id=f"map-{loss}", classes="split-map")

    def on_mount(self) -> None:
        if self._explorer is not None:
            self.show(self._explorer)

    def show(self, explorer: Explorer) -> None:
        """Show the explorer's landscape, view, drawing mode and walker in both halves (once
        they are composed, when the view is opened for the first time)."""
        self._explorer = explorer
        if not self.children:
            return
        walker = explorer.walker
        for loss in LOSS_KINDS:
            caption = split_caption(explorer.model.name, loss)
            self.query_one(f"#caption-{loss}", Static).update(
                ascii_only(caption) if self.charset == "ascii" else caption)
            map_view = self.query_one(f"#map-{loss}", LandscapeMap)
            map_view.mode, map_view.scale = explorer.mode, explorer.scale
            map_view.show_landscape(explorer.split_options(loss), explorer.extent)
            map_view.set_walker(walker.position, walker.trail)

    def show_walker(self, explorer: Explorer) -> None:
        """Move the walker on both maps."""
        walker = explorer.walker
        for map_view in self.query(LandscapeMap):
            map_view.set_walker(walker.position, walker.trail)
