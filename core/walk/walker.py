"""The blindfolded walker: it feels only the ground under its feet and steps downhill.

The walker never looks at the loss grid. All it knows is what `model.loss` and `model.grad`
say at its own position (and a few probe steps away), exactly like gradient descent in training.
An optimizer (walk.optimizers) turns each felt gradient into a step; the trail records the walk.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from losswalk.core.drawing.text import ARROWS, COMPASS, compass, format_number
from losswalk.core.walk.optimizers import OptimizerSettings, make_optimizer, make_schedule

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

Extent = tuple[float, float, float, float]
Gradient = Callable[[np.ndarray, int], np.ndarray]  # (w, step) -> gradient, e.g. of a minibatch

__all__ = ["ARROWS", "COMPASS", "Feel", "TrailPoint", "Walker", "WalkerStatus"]

MAX_TRAIL = 10_000  # trail points kept (the oldest are dropped), so memory stays small
PROBE_FRACTION = 1 / 64  # default probe step for the rose, as a fraction of the map span
STUCK_MARGIN = 1e-3  # flat ground this much (relative) above the best loss is a trap
# The budgets that end a walk (README "How walks end"). A run is the steps since the walker was
# last placed (start, reset, a move by hand) or its optimizer, learning rate or schedule changed.
STALL_STEPS = 20  # stalled: this many steps in a row, each moving less than
STALL_MOVE = 1e-12  # this fraction of max(the landscape's span, |w|): nothing visibly moves
CLIMB_STEPS = 3  # diverged: the loss rose at this many steps in a row, each longer than the last,
CLIMB_STRETCH = 10.0  # the steps grew this many fold over the climb,
CLIMB_RISE = 1000.0  # and the loss is this many times further above the run's lowest than the start
WINDOW = 100  # oscillating / noisy: every WINDOW steps, the last WINDOW against the WINDOW before
NOISE_SHARE = 0.25  # noisy: the stepped-on gradient strays from the full one by >= half its size
OUTWARD_STEPS = 100  # unbounded: the loss fell at this many steps in a row, heading away, and ended
# more than one landscape span from the landscape's centre (its own extent, not the view)
RUN_BUDGET = 50_000  # stalled: a run still creeping downhill after this many steps


class WalkerStatus(str, Enum):
    """Where the walk stands. Every status but READY and WALKING ends a run (see `ended`)."""

    READY = "ready"  # placed (start, reset, moved by hand), no step taken yet
    WALKING = "walking"  # stepping, nothing decided yet
    CONVERGED = "converged"  # flat ground at the lowest loss known
    STUCK = "stuck"  # flat ground above the lowest loss known: a local minimum, saddle, plateau
    STALLED = "stalled"  # the steps are too small to get anywhere
    OSCILLATING = "oscillating"  # bouncing without getting lower: the steps are too large to settle
    NOISY = "noisy"  # the same, driven by the minibatch noise near the bottom
    UNBOUNDED = "unbounded"  # the loss keeps falling as the walker heads off to infinity
    DIVERGED = "diverged"  # the loss blew up (or stopped being a number)

    @property
    def ended(self) -> bool:
        """True once the run is over: the app stops animating and `walk` stops stepping."""
        return self not in (WalkerStatus.READY, WalkerStatus.WALKING)


_STICKY = frozenset({WalkerStatus.STALLED, WalkerStatus.OSCILLATING, WalkerStatus.NOISY,
                     WalkerStatus.UNBOUNDED})  # a run's verdicts that further steps keep

_OFFSETS = {  # compass name -> (dw1, dw2) of one probe step; w2 grows to the north
    "E": (1, 0), "NE": (1, 1), "N": (0, 1), "NW": (-1, 1),
    "W": (-1, 0), "SW": (-1, -1), "S": (0, -1), "SE": (1, -1),
}  # fmt: skip


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
    """One place on the walk. lr is the learning rate of the step that led here (0: not a step);
    optimizer is the walker's optimizer when it arrived (kept for exports, not compared)."""

    step: int
    w1: float
    w2: float
    loss: float
    grad_norm: float
    lr: float
    optimizer: str = field(default="", compare=False)


def standing_point(trail: list[TrailPoint]) -> TrailPoint | None:
    """The trail's last point with a finite position and loss (where a restored walker stands),
    or None."""
    for point in reversed(trail):
        if math.isfinite(point.loss) and math.isfinite(point.w1) and math.isfinite(point.w2):
            return point
    return None


def _point(w, what: str) -> np.ndarray:
    """w as a finite float array (w1, w2); ValueError naming `what` otherwise."""
    p = np.asarray(w, dtype=float)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"{what} must be two finite numbers (w1, w2), got {w!r}")
    return p


def _at(w: np.ndarray) -> str:
    """A position as the panel writes it: (1.5, -2.25)."""
    return f"({format_number(w[0])}, {format_number(w[1])})"


class _Run:
    """What the judge remembers of the current run: counters and the last 2 WINDOW losses."""

    def __init__(self, loss: float) -> None:
        self.start_loss = self.lowest = loss
        self.steps = self.still = self.climb = self.outward = 0
        self.climb_base = self.last_move = 0.0
        self.losses: deque[float] = deque(maxlen=2 * WINDOW)
        self.noise: deque[float] = deque(maxlen=WINDOW)  # |stepped-on grad - full grad|^2
        self.signal: deque[float] = deque(maxlen=WINDOW)  # |full grad|^2

    def record(self, loss: float, moved: float, still: bool, away: bool, noise: float,
               signal: float) -> None:
        """Count one step: its loss, its length, whether it moved at all and went outward."""
        previous = self.losses[-1] if self.losses else self.start_loss
        climbing = loss > previous and moved > self.last_move
        if climbing and self.climb == 0:  # the step before the climb (or its first, at the start)
            self.climb_base = self.last_move or moved
        self.climb = self.climb + 1 if climbing else 0
        self.still = self.still + 1 if still else 0
        self.outward = self.outward + 1 if loss < previous and away else 0
        self.steps += 1
        self.last_move, self.lowest = moved, min(self.lowest, loss)
        self.losses.append(loss)
        self.noise.append(noise)
        self.signal.append(signal)


class Walker:
    """A blindfolded walker on model's loss, moved by a named optimizer and lr schedule.

    `extent` is the view (it sets the rose's probe step and `off_map`); nothing that judges the
    walk depends on it: the budgets use the landscape's own extent, `model.extent`.
    """

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
        settings: OptimizerSettings | None = None,
    ) -> None:
        self.model = model
        self.settings = OptimizerSettings() if settings is None else settings  # mu, betas, eps
        self.extent: Extent = tuple(float(v) for v in (model.extent if extent is None else extent))
        spans = np.array([self.extent[1] - self.extent[0], self.extent[3] - self.extent[2]])
        if not (np.all(np.isfinite(spans)) and np.all(spans > 0)):
            raise ValueError(f"the walker's extent must be finite and non-empty, got {extent!r}")
        if not (math.isfinite(tol) and tol > 0):
            raise ValueError(f"tol must be a positive number, got {tol!r}")
        self.probe = spans * PROBE_FRACTION if probe is None else np.broadcast_to(probe, 2) * 1.0
        if not (np.all(np.isfinite(self.probe)) and np.all(self.probe > 0)):
            raise ValueError(f"probe must be positive, got {probe!r}")
        x0, x1, y0, y1 = (float(v) for v in model.extent)
        self._home = np.array([(x0 + x1) / 2, (y0 + y1) / 2])  # the landscape's own centre
        self._home_spans = np.array([x1 - x0, y1 - y0])  # and spans: the walk's length scale
        self.tol, self.global_min_loss, self.gradient = tol, global_min_loss, gradient
        self.total_steps = total_steps
        self.optimizer_name, self.schedule_name = optimizer, schedule
        self.lr = float(model.default_lr if lr is None else lr)
        self.start = _point(model.start if start is None else start, "start")
        self.reset()

    # --- what the walker senses --------------------------------------------------------------

    def _ground(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and gradient at w; (inf, nan) where the formula overflows instead of raising."""
        try:
            with np.errstate(all="ignore"):
                return float(self.model.loss(w)), np.asarray(self.model.grad(w), dtype=float)
        except (OverflowError, FloatingPointError):
            return math.inf, np.full(2, np.nan)

    def _height(self, w: np.ndarray) -> float:
        """The loss alone at w (the rose needs no gradient: half the work on big data); inf where
        the formula overflows."""
        try:
            with np.errstate(all="ignore"):
                return float(self.model.loss(w))
        except (OverflowError, FloatingPointError):
            return math.inf

    def feel(self) -> Feel:
        """Loss, slope and downhill direction here, plus the loss change one probe step around
        (remembered for this model, point and probe: on big data the app computes it in a worker
        and the screen then reads it for free)."""
        key = (self.model, self.position.tobytes(), self.probe.tobytes(), self._loss,
               self._grad.tobytes())
        felt = getattr(self, "_felt", None)
        if felt is not None and felt[0] == key:
            return felt[1]
        feel = self._feel()
        self._felt = key, feel
        return feel

    def _feel(self) -> Feel:
        slope = math.hypot(*self._grad)
        flat = not slope >= self.tol  # a nan slope (broken gradient) reads as flat, not a crash
        downhill = np.zeros(2) if flat else -self._grad / slope
        rose = np.zeros((3, 3))
        with np.errstate(all="ignore"):  # inf - inf far out after a divergence: nan, no warning
            for d1, d2 in _OFFSETS.values():
                there = self._height(self.position + self.probe * (d1, d2))
                rose[1 - d2, 1 + d1] = there - self._loss
        w1, w2 = self.position
        direction = "flat" if flat else compass(*downhill)
        return Feel(w1, w2, self._loss, self._grad.copy(), slope, downhill, direction, rose)

    def current_lr(self) -> float:
        """Learning rate the next step will use (the schedule at the current step)."""
        return float(self._schedule(self.steps))

    @property
    def off_map(self) -> bool:
        """True when the walker stands outside the view `extent` (the map draws an edge mark)."""
        x0, x1, y0, y1 = self.extent
        w1, w2 = self.position
        return not (x0 <= w1 <= x1 and y0 <= w2 <= y1)

    # --- walking -----------------------------------------------------------------------------

    def step(self) -> TrailPoint | None:
        """One optimizer step downhill, judged. None when no step was taken: the walk had
        diverged, or the step's position was not a finite number (the walker stays put)."""
        if self.status is WalkerStatus.DIVERGED:
            return None
        lr, here, full = self.current_lr(), self.position, self._grad
        g = full if self.gradient is None else self.gradient(here.copy(), self.steps)
        with np.errstate(all="ignore"):
            g = np.asarray(g, dtype=float)
            updates, state = self._opt.update(g, self._state, here)
            w = here + updates
            noise, signal = float(np.sum((g - full) ** 2)), float(np.sum(full**2))
        if not np.all(np.isfinite(w)):
            kind = "NaN" if np.any(np.isnan(w)) else "infinite"
            self.status, self.message = WalkerStatus.DIVERGED, (
                f"diverged: the step from {_at(here)} with learning rate {format_number(lr)} "
                f"gave a {kind} position, so the walker stays there")
            return None
        loss, grad = self._ground(w)
        self._state, self._last_good = state, (here, self._loss, full)
        self.steps += 1
        point = self._arrive(w, loss, grad, lr)
        with np.errstate(all="ignore"):  # near the float limit: inf distances, never warnings
            self.status, self.message = self._judge_step(point, here, noise, signal)
        return point

    def move(self, dw1: float, dw2: float) -> None:
        """Step by hand; the optimizer forgets its momentum, as if training restarted here."""
        w = _point(np.add(self.position, (dw1, dw2)), "the position after a move")
        loss, grad = self._ground(w)
        if not math.isfinite(loss):
            raise ValueError(f"can't move to ({w[0]:g}, {w[1]:g}): the loss there "
                             f"{self._no_loss(w)}")
        self._arrive(w, loss, grad, 0.0)
        self._configure(self.optimizer_name, self.lr, self.schedule_name)
        self._begin_run(WalkerStatus.READY)

    def reset(self, start: tuple[float, float] | None = None) -> None:
        """Back to the start (or a new start, remembered for next time) with a fresh trail."""
        start = self.start if start is None else _point(start, "start")
        loss, grad = self._ground(start)
        if not math.isfinite(loss):
            raise ValueError(f"the loss at the start ({start[0]:g}, {start[1]:g}) "
                             f"{self._no_loss(start)}")
        self.start, self.steps, self.trail = start, 0, []
        self._arrive(start.copy(), loss, grad, 0.0)
        self._configure(self.optimizer_name, self.lr, self.schedule_name)
        self._begin_run(WalkerStatus.READY)

    def _no_loss(self, w: np.ndarray) -> str:
        """'is not finite', or on a surface file why it is unknown ('off the file's grid')."""
        reason = getattr(self.model, "why_no_loss", lambda w: None)(w)
        return f"is unknown ({reason})" if reason else "is not finite"

    def restore(self, trail: list[TrailPoint], steps: int) -> None:
        """Stand at the trail's last point where the loss was finite (as after a divergence and
        a settings change), after `steps` steps, with that trail, as a saved session left the
        walker (a fresh run: optimizer memory is not kept). ValueError when no such point
        exists, the loss there is not finite now, or steps is behind the trail's last step."""
        last = standing_point(trail)
        if last is None:
            raise ValueError("no point of the trail has a finite position and loss")
        w = _point((last.w1, last.w2), "the trail's last point")
        if not (isinstance(steps, int) and steps >= trail[-1].step >= 0):
            raise ValueError(f"{steps!r} steps cannot end a trail at step {trail[-1].step}")
        loss, grad = self._ground(w)
        if not math.isfinite(loss):
            raise ValueError(f"the loss at ({w[0]:g}, {w[1]:g}) is not finite")
        self.steps, self.trail = steps, list(trail[-MAX_TRAIL:])
        self.position, self._loss, self._grad = w, loss, grad
        self._configure(self.optimizer_name, self.lr, self.schedule_name)
        self._begin_run(WalkerStatus.READY)

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
        opt = make_optimizer(optimizer, lambda k: sched(offset + k),
                             **self.settings.for_optimizer(optimizer))
        self.optimizer_name, self.lr, self.schedule_name = optimizer, float(lr), schedule
        self._schedule, self._opt, self._state = sched, opt, opt.init(self.position)

    def _arrive(self, w: np.ndarray, loss: float, grad: np.ndarray, lr: float) -> TrailPoint:
        """Stand at w: remember the ground and extend the trail."""
        self.position, self._loss, self._grad = w, loss, grad
        point = TrailPoint(self.steps, float(w[0]), float(w[1]), loss, math.hypot(*grad), lr,
                           self.optimizer_name)
        self.trail.append(point)
        del self.trail[:-MAX_TRAIL]
        return point

    def _begin_run(self, status: WalkerStatus, message: str = "") -> None:
        """A fresh run from here: new budgets; the status says flat ground, or `status`."""
        self._run = _Run(self._loss)
        self.status, self.message = self._judge_flat(self._loss) or (status, message)

    def _resume(self) -> None:
        """After a settings change: a fresh run from here (a run in progress keeps walking).

        A walker whose last step blew the loss up to inf or NaN goes back to the last point
        where the loss was finite, as a new trail point (lr 0: not a step)."""
        message = ""
        if not math.isfinite(self._loss):
            w, loss, grad = self._last_good
            self._arrive(w, loss, grad, 0.0)
            message = f"ready: back at {_at(w)}, the last point where the loss was finite"
        walking = self.status is WalkerStatus.WALKING
        self._begin_run(WalkerStatus.WALKING if walking else WalkerStatus.READY, message)

    def _judge_flat(self, loss: float) -> tuple[WalkerStatus, str] | None:
        """CONVERGED or STUCK on flat ground (|grad| < tol), None elsewhere."""
        slope = math.hypot(*self._grad)
        if not slope < self.tol:  # also a nan slope
            return None
        best = self.global_min_loss
        if best is not None and loss > best + STUCK_MARGIN * max(1.0, abs(best)):
            return WalkerStatus.STUCK, (
                f"stuck: the ground is flat here but the loss {format_number(loss)} is above the "
                f"lowest {format_number(best)} — a local minimum, a saddle or a plateau")
        return WalkerStatus.CONVERGED, (
            f"converged: the ground is flat here (slope {format_number(slope)})")

    def _judge_step(self, point: TrailPoint, here: np.ndarray, noise: float,
                    signal: float) -> tuple[WalkerStatus, str]:
        """Status and message after a step from `here` to `point`, against the run's budgets."""
        run, loss, lr = self._run, point.loss, format_number(point.lr)
        if not math.isfinite(loss):
            unknown = getattr(self.model, "why_no_loss", lambda w: None)(self.position)
            if unknown:  # a surface file: the step left the ground the file knows
                return WalkerStatus.DIVERGED, (
                    f"diverged: at step {point.step} the walker stepped {unknown}, at "
                    f"{_at(self.position)}, where no loss is known — a smaller learning rate "
                    "or another start keeps it on the grid")
            blew = "became NaN" if math.isnan(loss) else f"overflowed to {format_number(loss)}"
            return WalkerStatus.DIVERGED, (
                f"diverged: at step {point.step} the loss {blew} at {_at(self.position)} — "
                f"the learning rate {lr} is too large")
        w = self.position
        scale = max(float(np.max(self._home_spans)), float(np.max(np.abs(w))))
        run.record(loss, float(np.linalg.norm(w - here)),
                   still=bool(np.max(np.abs(w - here)) < STALL_MOVE * scale),
                   away=bool(np.linalg.norm(w - self._home) > np.linalg.norm(here - self._home)),
                   noise=noise, signal=signal)
        if (run.climb >= CLIMB_STEPS and run.last_move >= CLIMB_STRETCH * run.climb_base
                and loss - run.lowest >= CLIMB_RISE * max(run.start_loss - run.lowest,
                                                          abs(run.lowest))):
            return WalkerStatus.DIVERGED, (
                f"diverged: the loss rose at each of the last {run.climb} steps, to "
                f"{format_number(loss)}, while the steps grew over {CLIMB_STRETCH:g}-fold — "
                f"the learning rate {lr} is too large")
        flat = self._judge_flat(loss)
        if flat:
            return flat
        if run.still >= STALL_STEPS:
            return WalkerStatus.STALLED, (
                f"stalled: the last {STALL_STEPS} steps did not visibly move the walker — the "
                f"learning rate {lr} is too small")
        far = bool(np.any(np.abs(self.position - self._home) > self._home_spans))
        if run.outward >= OUTWARD_STEPS and far:
            return WalkerStatus.UNBOUNDED, (
                f"unbounded: the loss fell at each of the last {run.outward} steps, to "
                f"{format_number(loss)}, as the walker headed away to {_at(self.position)}, far "
                "outside the landscape — no bottom this way")
        if run.steps % WINDOW == 0 and run.steps >= 2 * WINDOW:
            verdict = self._judge_window()
            if verdict:
                return verdict
        if run.steps >= RUN_BUDGET:
            return WalkerStatus.STALLED, (
                f"stalled: still creeping downhill after {run.steps} steps (loss "
                f"{format_number(loss)}) — the steps are too small to get anywhere")
        if self.status in _STICKY:
            return self.status, self.message
        return WalkerStatus.WALKING, ""

    def _judge_window(self) -> tuple[WalkerStatus, str] | None:
        """Every WINDOW steps: a walk whose mean loss stopped falling oscillates, is noisy or,
        when its peaks grew tenfold, diverges."""
        run = self._run
        losses = np.array(run.losses)
        before, last = losses[:WINDOW], losses[WINDOW:]
        if last.mean() < before.mean():
            return None
        low, high = float(last.min()), float(last.max())
        if high - run.lowest > CLIMB_STRETCH * (float(before.max()) - run.lowest):
            return WalkerStatus.DIVERGED, (
                f"diverged: the loss keeps climbing — its highest over the last {WINDOW} steps, "
                f"{format_number(high)}, is over {CLIMB_STRETCH:g} times as far above the "
                f"lowest, {format_number(run.lowest)}, as in the {WINDOW} steps before; the "
                f"learning rate {format_number(self.trail[-1].lr)} is too large")
        span = f"between {format_number(low)} and {format_number(high)}"
        if sum(run.noise) >= NOISE_SHARE * sum(run.signal) and self.gradient is not None:
            return WalkerStatus.NOISY, (
                f"noisy: over the last {WINDOW} steps the loss jittered {span} without getting "
                "lower — each minibatch pulls another way; a larger batch or a smaller learning "
                "rate would settle it")
        return WalkerStatus.OSCILLATING, (
            f"oscillating: over the last {WINDOW} steps the loss bounced {span} without getting "
            "lower — a smaller learning rate would settle it")
