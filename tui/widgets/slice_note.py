"""SliceNote: under the walker's panel, what a slice of a many-weight network is and hides.

Shown only on the network slices (mlp-random, mlp-pca): the real dimension of the weight space,
the plane, and on the PCA plane the loss along the training run, true and on the plane. The text
comes from core.landscapes.slices.slice_summary; this widget only wraps it to its width.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Static

from losswalk.core.drawing.text import safe_text
from losswalk.core.landscapes.models import MLP_LANDSCAPES


class SliceNote(Static):
    """A few wrapped lines saying that the picture is a slice (hidden on other landscapes)."""

    DEFAULT_CSS = """
    SliceNote { display: none; height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    SliceNote.-shown { display: block; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple | None = None
        self._text, self._ellipsis = "", "…"

    def show(self, model, charset: str) -> None:
        """Describe model's slice (or hide); the same model and charset again sends nothing."""
        key = (id(model), charset)
        if key == self._shown:
            return
        self._shown = key
        text = ""
        if model.name in MLP_LANDSCAPES:  # (the slices' module is read only for them)
            from losswalk.core.landscapes.slices import slice_summary

            text = safe_text(slice_summary(model, charset), charset)
        self._text, self._ellipsis = text, "…" if charset == "unicode" else "..."
        self.update(text)
        self.set_class(bool(text), "-shown")

    def render_line(self, y: int) -> Strip:
        """A row; the last row ends in an ellipsis when the note has more rows than it is given
        (a note cut mid-sentence must say so)."""
        strip = super().render_line(y)
        width, rows = self.content_region.width, self.content_region.height
        if y != self.size.height - 1 or width <= len(self._ellipsis) or not self._text:
            return strip
        if len(Text(self._text).wrap(self.app.console, width)) <= rows:
            return strip
        left = self.size.width - width - self.gutter.right  # the padding on the left
        keep = min(len(strip.text.rstrip()), left + width - len(self._ellipsis))
        cut = strip.crop(0, keep)
        ending = Strip([Segment(self._ellipsis, self.rich_style)])
        return Strip.join([cut, ending]).extend_cell_length(self.size.width,
                                                             self.rich_style)
