"""Minibatch noise: the walker feels the slope of a few random examples instead of all of them.

Each step's batch is a fresh draw of `batch_size` distinct examples from a generator seeded with
(seed, step), so the step number alone decides the batch: a replayed walk is identical, and asking
for the batch of step 7 (to draw its loss) gives the batch the walker used, in any call order.
Every example is equally likely to be drawn, so the average minibatch gradient is the full one.
"""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.landscapes.models import ModelError

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

BATCH_SIZES: tuple[int | None, ...] = (None, 64, 16, 1)  # None = full batch; the app's B cycles


class MinibatchGradient:
    """`(w, step) -> grad` for Walker(gradient=...): the gradient of step's random minibatch.

    batch_size None (or >= N) is the full batch, exactly model.grad; that also works on analytic
    surfaces. A number needs a data-driven model (ModelError otherwise).
    """

    def __init__(self, model: Model, batch_size: int | None, seed: int = 0) -> None:
        if batch_size is not None and not (isinstance(batch_size, Integral) and batch_size >= 1):
            raise ValueError(f"batch size must be a whole number >= 1 or None, got {batch_size!r}")
        if not (isinstance(seed, Integral) and seed >= 0):
            raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
        dataset = getattr(model, "dataset", None)
        if batch_size is not None and dataset is None:
            raise ModelError(f"minibatches need a data-driven landscape; {model.name!r} has no "
                             "examples")
        self.model, self.seed = model, int(seed)
        self.n = dataset.n if dataset is not None else 0
        self.batch_size = None if batch_size is None or batch_size >= self.n else int(batch_size)

    @property
    def label(self) -> str:
        """How the gradient is taken, for the status line: "full batch" or "batch 16 of 200"."""
        return "full batch" if self.batch_size is None else f"batch {self.batch_size} of {self.n}"

    def batch_indices(self, step: int) -> np.ndarray:
        """Indices of the examples in step's minibatch (all of them for the full batch)."""
        if self.batch_size is None:
            return np.arange(self.n)
        if not step >= 0:
            raise ValueError(f"step must be >= 0, got {step!r}")
        rng = np.random.default_rng([self.seed, int(step)])
        return rng.choice(self.n, size=self.batch_size, replace=False)

    def batch_model(self, step: int) -> Model:
        """The model scored on step's minibatch only (its loss map is the landscape this step)."""
        if self.batch_size is None:
            return self.model
        return self.model.with_examples(self.batch_indices(step))

    def __call__(self, w: np.ndarray, step: int) -> np.ndarray:
        """Gradient at w of step's minibatch loss."""
        return self.batch_model(step).grad(w)
