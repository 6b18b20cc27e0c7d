"""SliceNote: under the walker's panel, what a slice of a many-weight network is and hides.

Shown only on the network slices (mlp-random, mlp-pca): the real dimension of the weight space,
the plane, and on the PCA plane the loss along the training run, true and on the plane. The text
comes from core.landscapes.slices.slice_summary; this widget only wraps it to its width.
"""

from __future__ import annotations

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
        self.update(text)
        self.set_class(bool(text), "-shown")
