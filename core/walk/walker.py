"""The blindfolded walker: it feels only the ground under its feet and steps downhill.

The walker never looks at the loss grid. All it knows is what `model.loss` and `model.grad`
say at its own position (and a few probe steps away), exactly like gradient descent in training.
An optimizer (walk.optimizers) turns each felt gradient into a step; the trail records the walk.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.walk.optimizers import make_optimizer, make_schedule

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

Extent = tuple[float, float, float, float]
Gradient = Callable[[np.ndarray, int], np.ndarray]  # (w, step) -> gradient, e.g. of a minibatch

MAX_TRAIL = 10_000  # trail points kept (the oldest are dropped), so memory stays small
FAR = 10.0  # more than this many map spans outside the extent counts as diverged
STUCK_MARGIN = 1e-3  # flat ground this much (relative) above the best loss is a trap
STALL_STEPS = 20  # this many steps in a row that move < STALL_MOVE map spans: stalled
STALL_MOVE = 1e-12
PROBE_FRACTION = 1 / 64  # default probe step for the rose, as a fraction of the map span
_RESET = "; press r to reset"


class WalkerStatus(str, Enum):
    """Where the walk stands: still walking, at a minimum, trapped, or blown up."""

    WALKING = "walking"
    CONVERGED = "converged"
    STUCK = "stuck"
    DIVERGED = "diverged"


COMPASS = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")  # counter-clockwise from +w1 (east)
_OFFSETS = {  # compass name -> (dw1, dw2) of one probe step; w2 grows to the north
    "E": (1, 0), "NE": (1, 1), "N": (0, 1), "NW": (-1, 1),
    "W": (-1, 0), "SW": (-1, -1), "S": (0, -1), "SE": (1, -1),
}  # fmt: skip
ARROWS: dict[str, dict[str, str]] = {
    "unicode": dict(zip((*COMPASS, "flat"), "→↗↑↖←↙↓↘·", strict=True)),
    # ASCII: the north diagonals are the strokes pointing up-right (/) and up-left (\); the south
    # ones are the letters shaped like the corner they point to (L bottom-left, J bottom-right).
    "ascii": dict(zip((*COMPASS, "flat"), ">/^\\<LvJ.", strict=True)),
}


@dataclass(frozen=True)
class Feel:
    """Everything the blindfolded walker can sense where it stands, and nothing more."""

    w1: float
    w2: float
    loss: float
    grad: np.ndarray
    slope: float  # |grad|
    downhill: np.ndarray  # unit vector of -grad (zeros when flat)
    direction: str  # compass name of downhill, or "flat"
    rose: np.ndarray  # 3x3 loss change one probe step away; [0, 0] = NW (w1-, w2+), centre 0


@dataclass(frozen=True)
class TrailPoint:
    """One place on the walk. lr is the learning rate of the step that led here (0: not a step)."""

    step: int
    w1: float
    w2: float
    loss: float
    grad_norm: float
    lr: float


def _point(w, what: str) -> np.ndarray:
    """w as a finite float array (w1, w2); ValueError naming `what` otherwise."""
    p = np.asarray(w, dtype=float)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"{what} must be two finite numbers (w1, w2), got {w!r}")
    return p


def _compass(v: np.ndarray) -> str:
    """Name of the compass octant a non-zero vector points into."""
    octant = math.floor(math.atan2(v[1], v[0]) / (math.pi / 4) + 0.5)
    return COMPASS[octant % 8]


class Walker:
    """A blindfolded walker on model's loss, moved by a named optimizer and lr schedule."""

    def __init__(
        self,
        model: Model,
        start: tuple[float, float] | None = None,
        *,
        optimizer: str = "sgd",
        lr: float | None = None,
        schedule: str = "constant",
        total_steps: int = 200,
        extent: Extent | None = None,
        tol: float = 1e-4,
        global_min_loss: float | None = None,
        probe: float | tuple[float, float] | None = None,
        gradient: Gradient | None = None,
    ) -> None:
        self.model = model
        self.extent: Extent = tuple(float(v) for v in (model.extent if extent is None else extent))
        spans = np.array([self.extent[1] - self.extent[0], self.extent[3] - self.extent[2]])
        if not (np.all(np.isfinite(spans)) and np.all(spans > 0)):
            raise ValueError(f"the walker's extent must be finite and non-empty, got {extent!r}")
        if not (math.isfinite(tol) and tol > 0):
            raise ValueError(f"tol must be a positive number, got {tol!r}")
        self.probe = spans * PROBE_FRACTION if probe is None else np.broadcast_to(probe, 2) * 1.0
        if not (np.all(np.isfinite(self.probe)) and np.all(self.probe > 0)):
            raise ValueError(f"probe must be positive, got {probe!r}")
        self.tol, self.global_min_loss, self.gradient = tol, global_min_loss, gradient
        self.total_steps = total_steps
        self.optimizer_name, self.schedule_name = optimizer, schedule
        self.lr = float(model.default_lr if lr is None else lr)
        self.start = _point(model.start if start is None else start, "start")
        self._spans, self._still = spans, 0
        self.reset()

    # --- what the walker senses --------------------------------------------------------------

    def _ground(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and gradient at w; (inf, nan) where the formula overflows instead of raising."""
        try:
            with np.errstate(all="ignore"):
                return float(self.model.loss(w)), np.asarray(self.model.grad(w), dtype=float)
        except (OverflowError, FloatingPointError):
            return math.inf, np.full(2, np.nan)

    def feel(self) -> Feel:
        """Loss, slope and downhill direction here, plus the loss change one probe step around."""
        slope = float(np.linalg.norm(self._grad))
        flat = not slope >= self.tol  # a nan slope (broken gradient) reads as flat, not a crash
        downhill = np.zeros(2) if flat else -self._grad / slope
        rose = np.zeros((3, 3))
        for d1, d2 in _OFFSETS.values():
            there = self._ground(self.position + self.probe * (d1, d2))[0]
            rose[1 - d2, 1 + d1] = there - self._loss
        w1, w2 = self.position
        direction = "flat" if flat else _compass(downhill)
        return Feel(w1, w2, self._loss, self._grad.copy(), slope, downhill, direction, rose)

    def current_lr(self) -> float:
        """Learning rate the next step will use (the schedule at the current step)."""
        return float(self._schedule(self.steps))

    # --- walking -----------------------------------------------------------------------------

    def step(self) -> TrailPoint | None:
        """One optimizer step downhill; None (and a message) once the walk has diverged."""
        if self.status is WalkerStatus.DIVERGED:
            return None
        lr = self.current_lr()
        g = self._grad if self.gradient is None else self.gradient(self.position.copy(), self.steps)
        with np.errstate(all="ignore"):
            updates, state = self._opt.update(np.asarray(g, float), self._state, self.position)
            w = self.position + updates
        loss, grad = self._ground(w)
        why = self._divergence(w, loss, lr)
        if why:
            self.status, self.message = WalkerStatus.DIVERGED, why
            return None
        self._state = state
        self.steps += 1
        moved = float(np.max(np.abs(w - self.position) / self._spans))
        self._still = self._still + 1 if moved < STALL_MOVE else 0
        point = self._arrive(w, loss, grad, lr)
        if self.stalled:
            self.message = (f"stalled: the learning rate {lr:.4g} is too small for the steps "
                            "to move the walker at all; raise it with +")
        return point

    @property
    def stalled(self) -> bool:
        """Still walking, but the last STALL_STEPS steps did not visibly move the walker."""
        return self.status is WalkerStatus.WALKING and self._still >= STALL_STEPS

    def move(self, dw1: float, dw2: float) -> None:
        """Step by hand; the optimizer forgets its momentum, as if training restarted here."""
        w = _point(np.add(self.position, (dw1, dw2)), "the position after a move")
        loss, grad = self._ground(w)
        if not math.isfinite(loss):
            raise ValueError(f"can't move to ({w[0]:g}, {w[1]:g}): the loss there is not finite")
        self._arrive(w, loss, grad, 0.0)
        self._configure(self.optimizer_name, self.lr, self.schedule_name)

    def reset(self, start: tuple[float, float] | None = None) -> None:
        """Back to the start (or a new start, remembered for next time) with a fresh trail."""
        start = self.start if start is None else _point(start, "start")
        loss, grad = self._ground(start)
        if not math.isfinite(loss):
            raise ValueError(f"the loss at the start ({start[0]:g}, {start[1]:g}) is not finite")
        self.start, self.steps, self.trail = start, 0, []
        self._arrive(start.copy(), loss, grad, 0.0)
        self._configure(self.optimizer_name, self.lr, self.schedule_name)

    def set_optimizer(self, name: str) -> None:
        """Switch optimizer (fresh state); position and trail stay."""
        self._configure(name, self.lr, self.schedule_name)
        self._resume()

    def set_lr(self, lr: float) -> None:
        """New base learning rate (> 0 and finite; huge is allowed — that is how walks diverge)."""
        self._configure(self.optimizer_name, lr, self.schedule_name)
        self._resume()

    def set_schedule(self, name: str) -> None:
        """Switch learning-rate schedule (fresh optimizer state); position and trail stay."""
        self._configure(self.optimizer_name, self.lr, name)
        self._resume()

    # --- bookkeeping -------------------------------------------------------------------------

    def _configure(self, optimizer: str, lr: float, schedule: str) -> None:
        """Build optimizer and schedule (ValueError on bad settings, leaving the walker as is).

        The schedule runs on the walker's step count: fresh optimizer state starts at count 0,
        so its learning rate is offset by the steps already taken.
        """
        sched = make_schedule(schedule, lr, self.total_steps)
        offset = self.steps
        opt = make_optimizer(optimizer, lambda k: sched(offset + k))
        self.optimizer_name, self.lr, self.schedule_name = optimizer, float(lr), schedule
        self._schedule, self._opt, self._state = sched, opt, opt.init(self.position)

    def _arrive(self, w: np.ndarray, loss: float, grad: np.ndarray, lr: float) -> TrailPoint:
        """Stand at w: remember the ground, extend the trail, judge converged / stuck / walking."""
        if lr == 0.0:  # a hand move or a reset: nothing stalls
            self._still = 0
        self.position, self._loss, self._grad = w, loss, grad
        slope = float(np.linalg.norm(grad))
        point = TrailPoint(self.steps, float(w[0]), float(w[1]), loss, slope, lr)
        self.trail.append(point)
        del self.trail[:-MAX_TRAIL]
        self.status, self.message = self._judge(loss, slope)
        return point

    def _resume(self) -> None:
        """After a settings change a diverged walker may walk on from its last good point."""
        if self.status is WalkerStatus.DIVERGED:
            self.status, self.message = self._judge(self._loss, float(np.linalg.norm(self._grad)))

    def _judge(self, loss: float, slope: float) -> tuple[WalkerStatus, str]:
        """Status and message for standing on ground with this loss and slope."""
        if not slope < self.tol:  # also catches a nan slope
            return WalkerStatus.WALKING, ""
        best = self.global_min_loss
        if best is not None and loss > best + STUCK_MARGIN * max(1.0, abs(best)):
            return WalkerStatus.STUCK, (
                f"stuck: the ground is flat here but the loss {loss:.4g} is above the lowest "
                f"{best:.4g} — a local minimum or a saddle"
            )
        return WalkerStatus.CONVERGED, f"converged: the ground is flat here (slope {slope:.1e})"

    def _reach(self, w: np.ndarray) -> float:
        """How far w is from the map's centre, in map spans (0.5 = on the edge)."""
        x0, x1, y0, y1 = self.extent
        centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        return float(np.max(np.abs(w - centre) / self._spans))

    def _divergence(self, w: np.ndarray, loss: float, lr: float) -> str:
        """Why arriving at w with this loss means the walk diverged, or "" if it did not."""
        finite = math.isfinite(loss) and bool(np.all(np.isfinite(w)))
        # Farther than FAR spans beyond the map; a walker already out there (moved by hand)
        # diverges only if a step takes it more than twice as far out as it stood.
        here = self._reach(self.position)
        limit = 0.5 + FAR if here <= 0.5 + FAR else 2.0 * here
        if finite and self._reach(w) <= limit:
            return ""
        if finite and loss <= self._loss:
            return (
                f"diverged: the walker ran off the map to ({w[0]:.3g}, {w[1]:.3g}) with learning "
                f"rate {lr:.4g} — the loss keeps falling that way" + _RESET
            )
        blew = "became NaN" if math.isnan(loss) else f"blew up to {loss:.1e}"
        return f"diverged: the learning rate {lr:.4g} is too large — the loss {blew}" + _RESET
