"""Basins of attraction: which minimum the current optimizer reaches from each start on the map.

Every start cell of a view walks at once: a batch of walkers, params of shape (n, 2), stepped by
the very optimizers of walk.optimizers (their rules are elementwise; clip_by_norm clips by rows)
with the model's vectorised gradient (`grad_many`). Each start is then labelled by the minimum it
settled at, from the landscape's own landmarks (minima.landmarks(model, extent), never a display
grid), or as diverged, or as not settled within the step budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.landscapes.minima import CriticalPoint, landmarks
from losswalk.core.walk.optimizers import OptimizerSettings, make_optimizer, make_schedule

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

Extent = tuple[float, float, float, float]

DIVERGED = -1  # label of a start whose walk blew up (a position or loss that is not finite)
UNSETTLED = -2  # label of a start not at a minimum of the view after the step budget
DEFAULT_STEPS = 500  # the step budget of each start
SETTLE = 1e-3  # settled: within this fraction of the landscape's span of a minimum, and the last
# step shorter than this fraction of it too
CHECK_EVERY = 10  # steps between looks at `cancelled` (and progress reports)
MAX_WORK = 1_500_000_000  # starts x steps x examples one basin map may cost (about a minute)


@dataclass(frozen=True)
class BasinSettings:
    """How every start walks: the walker's optimizer, learning rate, schedule and step budget.
    `total_steps` is the run length the schedule is fitted to (the app's walker uses 200)."""

    optimizer: str = "sgd"
    lr: float = 0.01
    schedule: str = "constant"
    steps: int = DEFAULT_STEPS
    total_steps: int = 200
    settings: OptimizerSettings = field(default_factory=OptimizerSettings)

    def __post_init__(self) -> None:
        """ValueError for a bad optimizer, learning rate, schedule or budget (one line)."""
        if not (isinstance(self.steps, int) and self.steps >= 1):
            raise ValueError(f"the step budget must be a whole number >= 1, got {self.steps!r}")
        self.optimizer_for()

    def optimizer_for(self):
        """The optimizer every start walks with (the schedule from step 0, as a fresh walker)."""
        schedule = make_schedule(self.schedule, self.lr, self.total_steps)
        return make_optimizer(self.optimizer, schedule,
                              **self.settings.for_optimizer(self.optimizer))


@dataclass(frozen=True)
class BasinMap:
    """The label of every start cell, labels[j, i] at (w1s[i], w2s[j]) (row 0 = smallest w2):
    an index into `minima`, DIVERGED or UNSETTLED."""

    extent: Extent
    w1s: np.ndarray
    w2s: np.ndarray
    labels: np.ndarray
    minima: tuple[CriticalPoint, ...]
    walk: BasinSettings

    def shares(self) -> dict[int, float]:
        """Each label's share of the starts (every minimum, then DIVERGED and UNSETTLED)."""
        counts = self.counts()
        return {label: n / self.labels.size for label, n in counts.items()}

    def counts(self) -> dict[int, int]:
        """How many starts carry each label (every minimum, then DIVERGED and UNSETTLED)."""
        return {label: int(np.count_nonzero(self.labels == label))
                for label in (*range(len(self.minima)), DIVERGED, UNSETTLED)}


def start_cells(extent: Extent, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """The centres of an nx-by-ny cut of the extent: w1s (nx,) and w2s (ny,), increasing."""
    if nx < 1 or ny < 1:
        raise ValueError(f"a basin map needs at least one cell a side, got {nx}x{ny}")
    x0, x1, y0, y1 = extent
    w1s = x0 + (np.arange(nx) + 0.5) * ((x1 - x0) / nx)
    w2s = y0 + (np.arange(ny) + 0.5) * ((y1 - y0) / ny)
    return w1s, w2s


def check_work(model: Model, starts: int, steps: int) -> None:
    """ValueError (one line) when starts x steps x examples exceeds MAX_WORK."""
    examples = model.dataset.n if hasattr(model, "dataset") else 1
    work = starts * steps * examples
    if work > MAX_WORK:
        of = f" x {examples} examples" if examples > 1 else ""
        raise ValueError(f"{starts} starts x {steps} steps{of} is too much work for a basin map "
                         f"(at most {MAX_WORK:.2g}); use fewer starts or steps")


def gradients(model: Model, W: np.ndarray) -> np.ndarray:
    """The gradient at each row of W (k, 2): model.grad_many when the model has it, else one
    model.grad call per row."""
    grad_many = getattr(model, "grad_many", None)
    if grad_many is not None:
        return np.asarray(grad_many(W), dtype=float).reshape(-1, 2)
    return np.array([model.grad(w) for w in W], dtype=float).reshape(-1, 2)


def walk_many(model: Model, starts, walk: BasinSettings,
              cancelled: Callable[[], bool] | None = None,
              progress: Callable[[float], None] | None = None,
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """Walk every row of `starts` (k, 2) `walk.steps` steps at once, exactly as one Walker steps
    (params + updates with the full gradient). Returns (final positions, length of each last
    step), or None when cancelled. Overflow gives inf/nan rows, without warnings."""
    W = np.array(starts, dtype=float).reshape(-1, 2)
    opt = walk.optimizer_for()
    state = opt.init(W)
    with np.errstate(all="ignore"):
        for step in range(walk.steps):
            if step % CHECK_EVERY == 0:
                if cancelled is not None and cancelled():
                    return None
                if progress is not None:
                    progress(step / walk.steps)
            updates, state = opt.update(gradients(model, W), state, W)
            W = W + updates
        last = np.hypot(updates[:, 0], updates[:, 1])
    return W, last


def minima_of(model: Model, extent: Extent) -> tuple[CriticalPoint, ...]:
    """The minima of the landscape in the view (its landmarks, never a display grid)."""
    return tuple(p for p in landmarks(model, extent).points if p.kind == "minimum")


def assign(model: Model, finals: np.ndarray, last: np.ndarray,
           minima: tuple[CriticalPoint, ...]) -> np.ndarray:
    """Each final position's label: the minimum it settled at (within SETTLE of the landscape's
    span, with a last step as short), DIVERGED (not finite) or UNSETTLED."""
    x0, x1, y0, y1 = model.extent
    span = max(x1 - x0, y1 - y0)
    labels = np.full(len(finals), UNSETTLED, dtype=int)
    with np.errstate(all="ignore"):
        losses = np.array([model.loss(w) for w in finals])
        broken = ~(np.all(np.isfinite(finals), axis=1) & np.isfinite(losses))
        still = last <= SETTLE * span
        for k, p in enumerate(minima):
            near = np.hypot(finals[:, 0] - p.w1, finals[:, 1] - p.w2) <= SETTLE * span
            labels[near & still & (labels == UNSETTLED)] = k
    labels[broken] = DIVERGED
    return labels


def basin_map(model: Model, extent: Extent, nx: int, ny: int, walk: BasinSettings,
              minima: tuple[CriticalPoint, ...] | None = None,
              cancelled: Callable[[], bool] | None = None,
              progress: Callable[[float], None] | None = None) -> BasinMap | None:
    """The basin of every cell centre of an nx-by-ny cut of `extent` (None when cancelled).
    `minima` defaults to the landscape's minima in the view (minima_of)."""
    w1s, w2s = start_cells(extent, nx, ny)
    found = minima_of(model, extent) if minima is None else minima
    starts = np.column_stack([np.tile(w1s, ny), np.repeat(w2s, nx)])  # row j = w2s[j]
    walked = walk_many(model, starts, walk, cancelled, progress)
    if walked is None:
        return None
    labels = assign(model, *walked, found).reshape(ny, nx)
    return BasinMap(tuple(float(v) for v in extent), w1s, w2s, labels, found, walk)
