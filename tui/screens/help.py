"""The help screen: every key, what is on screen, and the lesson in two sentences."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from losswalk.core.drawing.raster import marker_glyph
from losswalk.core.drawing.text import ARROWS, COMPASS

# (keys, what they do) in the order a newcomer needs them; the app's BINDINGS match this list.
KEYS: tuple[tuple[str, str], ...] = (
    ("arrows / h j k l", "move the walker one map cell by hand"),
    ("shift+arrows / H J K L", "move the walker ten map cells"),
    ("space", "one optimizer step"),
    ("enter", "run / pause the walk (stops itself when it converges or diverges)"),
    ("o / O", "next / previous optimizer (sgd, momentum, nesterov, adagrad, rmsprop, adam)"),
    ("+ or = / -", "learning rate x1.5 / /1.5"),
    ("s", "next learning-rate schedule"),
    ("n / p", "next / previous landscape"),
    ("c", "cycle the map: heatmap, contours, both"),
    ("m", "colour scale: linear / log (exponent) - log shows detail near the minimum"),
    ("z / x", "zoom in / out around the walker"),
    ("0", "reset the view to the landscape's own extent"),
    ("g", "jump the walker to the global minimum"),
    ("r", "reset the walker to its start and clear the trail"),
    ("mouse click", "put the walker where you click on the map"),
    ("t", "lesson tour on / off (starts at slide 1; every other key keeps working)"),
    ("PgDn or . / PgUp or ,", "next / previous tour slide"),
    ("b", "blind: hide the map and walk by feel alone; b again shows the path you walked"),
    ("d", "data view: the examples, the line p = 0.5 your weights draw, the costliest points"),
    ("v", "BCE and MSE maps of the same data side by side (data landscapes)"),
    ("[ / ]", "L2 regularisation lambda down / up (0 ... 1): brings back a finite minimum"),
    ("B", "gradient from all examples or minibatches of 64, 16, 1 (noisy steps)"),
    ("3", "3-D view of the surface on / off (escape also returns to the map); while it is "
          "shown the arrows turn it and up/down or shift+up/down tilt it"),
    ("P", "practice: the lesson's cross-entropy problems (escape comes back)"),
    ("R / escape", "optimizer race: 2 to 4 walkers from where yours stands, on one clock (space, "
                   "enter, r restarts; o picks the racers); R or escape returns to your walker"),
    ("A", "basins: which minimum this optimizer, lr and schedule reach from every cell "
          "(A again leaves)"),
    ("i", "curvature at the walker: Hessian, its axes on the map (1, 2), 2/λmax beside the lr"),
    ("e", "export: the view (SVG, text) and the trail (CSV, JSON) into a folder you type"),
    ("ctrl+o", "open a data file (CSV x1,x2,y): type its path, tab completes, enter opens"),
    ("?", "this help (? / escape / q close it)"),
    ("q ctrl+c", "quit"),
)

SCREEN_TEXT = (
    ("Colours", "the loss at each pair of weights (w1 across, w2 up). The colour bar on the "
                "right of the map gives the lowest loss of each colour; darker/lighter ends are "
                "low/high loss. Without colour a density ramp of characters does the same, "
                "one legend line per character. On a narrow terminal the legend is one row "
                "under the map: the bar from its lowest to its highest loss, then what fits of "
                "the key."),
    ("Contour lines", "join points of equal loss; the legend gives each line's loss in its "
                      "colour, or, where the lines look alike (no colour, or over the colours), "
                      "'at' and the values. Lines packed close together mean a steep slope."),
    ("Panel", "what the blindfolded walker can feel where it stands: the loss, the gradient "
              "(slope and downhill direction: {arrows}), the loss change one step away in each "
              "direction (+ rises, - falls; 'you' in the middle is the walker); then the "
              "optimizer, learning rate and schedule, the step count and the walker's state."),
    ("Charts", "loss against step, and two slices of the landscape through the walker "
               "(along w1 and along w2)."),
    ("Modes", "blind (b) shows only what the walker feels; the data view (d) shows the points "
              "the loss is averaged over; the split (v) shows why BCE suits a sigmoid better "
              "than MSE; the line above the map says when there is no minimum to find."),
)

LESSON = (
    "Training a network means finding the weights with the lowest loss: the lowest point of "
    "this landscape. The optimizer is blindfolded - it only feels the slope under its feet - so "
    "the learning rate, momentum and the shape of the land decide whether it reaches the "
    "global minimum, stalls in a local dip, or flies off."
)


class HelpScreen(ModalScreen[None]):
    """Modal help: the key table, a legend of the screen, and the lesson idea."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("question_mark,escape,q", "close", "close help"),
    ]

    def __init__(self, charset: str = "unicode", overrides: Mapping[str, str] | None = None
                 ) -> None:
        super().__init__()
        self.charset = charset
        self.overrides = dict(overrides or {})  # action -> extra keys, from config.toml

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._body(), id="help-text")

    def _markers(self) -> str:
        """The map's marker glyphs, as drawn in this charset."""
        glyph = partial(marker_glyph, charset=self.charset)
        return (f"{glyph('global')} global minimum, {glyph('minimum')} local minimum, "
                f"{glyph('saddle')} saddle point, {glyph('maximum')} maximum, "
                f"{glyph('walker')} the walker, {glyph('trail')} its trail (the path it walked).")

    def _arrows(self) -> str:
        """The downhill arrows as the panel draws them in this charset, named."""
        glyphs = ARROWS[self.charset]
        return " ".join(f"{glyphs[name]} {name}" for name in COMPASS)

    def _body(self) -> Table:
        """The whole help as one Rich table (keys, then screen legend, then the lesson)."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text("losswalk - keys", style="bold underline"), "")
        if self.overrides:
            table.add_row("config.toml", Text("your keys, with those below: " + ", ".join(
                f"{action} = {keys}" for action, keys in self.overrides.items())))
        for keys, what in KEYS:
            table.add_row(keys, what)
        table.add_row("", "")
        table.add_row(Text("On screen", style="bold underline"), "")
        for name, what in SCREEN_TEXT:
            table.add_row(name, what.format(arrows=self._arrows()))
            if name == "Contour lines":
                table.add_row("Markers", self._markers())
        table.add_row("", "")
        table.add_row(Text("The idea", style="bold underline"), LESSON)
        return table

    def action_close(self) -> None:
        """Close the help and go back to the landscape."""
        self.dismiss(None)
