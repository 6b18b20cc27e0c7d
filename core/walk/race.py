"""The optimizer race: two to four walkers leave one start point and step on a shared clock.

Each racer is an ordinary Walker (same model, start, learning rate, settings and step budget;
its own optimizer and schedule), so its path is exactly the path that walker would take alone.
A tick steps every racer whose run has not ended; the race is over when every run has ended
(the walkers' own statuses: converged, stuck, diverged, ...). The results say how low each got,
how many steps it took to come within 1% of the global minimum's loss, and how it ended. The
app (R) and `losswalk race` both use this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES, OptimizerSettings
from losswalk.core.walk.walker import Gradient, Walker, WalkerStatus

if TYPE_CHECKING:
    from losswalk.core.landscapes.models import Model

Extent = tuple[float, float, float, float]

MIN_RACERS, MAX_RACERS = 2, 4
NEAR = 0.01  # "within 1%" of the global minimum's loss (see `target_loss`)
SCHEDULE_MARK = "+"  # "adam+cosine": adam with the cosine schedule
# per racer (1..4): the head on the map, the chart and the tables (the same in every charset:
# digits are no other glyph of the map), and its trail's glyph in each charset (core.drawing's
# palette gives each racer a colour, RACERS)
HEADS = ("1", "2", "3", "4")
TRAILS = {"unicode": ("∗", "◦", "▪", "▫"), "ascii": ("~", "'", '"', "_")}


@dataclass(frozen=True)
class RacerSpec:
    """One racer: an optimizer and its learning-rate schedule."""

    optimizer: str
    schedule: str = "constant"

    @property
    def label(self) -> str:
        """'sgd', or 'adam+cosine' when the schedule is not constant (what --optimizers takes)."""
        if self.schedule == "constant":
            return self.optimizer
        return f"{self.optimizer}{SCHEDULE_MARK}{self.schedule}"


DEFAULT_RACERS = (RacerSpec("sgd"), RacerSpec("momentum"), RacerSpec("adam"),
                  RacerSpec("adam", "cosine"))


def parse_racer(text: str) -> RacerSpec:
    """'adam' or 'adam+cosine' as a RacerSpec; ValueError naming what is wrong."""
    optimizer, _, schedule = text.strip().partition(SCHEDULE_MARK)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r} in --optimizers "
                         f"(choose {', '.join(OPTIMIZERS)}; add +SCHEDULE for a schedule)")
    if schedule and schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r} in --optimizers "
                         f"(choose {', '.join(SCHEDULES)})")
    return RacerSpec(optimizer, schedule or "constant")


def parse_racers(text: str) -> tuple[RacerSpec, ...]:
    """'sgd,adam+cosine' as racers; ValueError for a bad name or fewer than 2 or more than 4."""
    return check_racers(tuple(parse_racer(part) for part in text.split(",")))


def check_racers(specs: tuple[RacerSpec, ...]) -> tuple[RacerSpec, ...]:
    """The specs themselves, or ValueError when there are fewer than 2 or more than 4."""
    if not MIN_RACERS <= len(specs) <= MAX_RACERS:
        raise ValueError(f"a race takes {MIN_RACERS} to {MAX_RACERS} racers, got {len(specs)}")
    return specs


def target_loss(best: float, start_loss: float) -> float:
    """The loss a racer must reach to be 'within 1%' of the global minimum's loss `best`:
    best + 1% of |best|, or of the way down from the start (start_loss - best) when that is
    larger — most surfaces have best = 0, where 1% of |best| could never be reached."""
    return best + NEAR * max(abs(best), start_loss - best)


@dataclass(frozen=True)
class RacerResult:
    """How one racer did: where it stopped, how low, how fast, and how its run ended."""

    racer: int  # 1..4
    label: str
    optimizer: str
    schedule: str
    lr: float
    status: WalkerStatus
    message: str
    steps: int
    w1: float
    w2: float
    final_loss: float
    steps_to_near: int | None  # first step within 1% of the global minimum's loss (None: never)

    @property
    def diverged(self) -> bool:
        return self.status is WalkerStatus.DIVERGED

    @property
    def stuck(self) -> bool:
        return self.status is WalkerStatus.STUCK


class Race:
    """Two to four walkers from one start, stepped together; each a Walker of its own."""

    def __init__(self, model: Model, specs: tuple[RacerSpec, ...], *,
                 start: tuple[float, float] | None = None, lr: float | None = None,
                 total_steps: int = 200, extent: Extent | None = None,
                 global_min_loss: float | None = None, gradient: Gradient | None = None,
                 settings: OptimizerSettings | None = None) -> None:
        self.specs = check_racers(tuple(specs))
        self.model = model
        self.walkers = [
            Walker(model, start, optimizer=spec.optimizer, lr=lr, schedule=spec.schedule,
                   total_steps=total_steps, extent=extent, global_min_loss=global_min_loss,
                   gradient=gradient, settings=settings)
            for spec in self.specs]
        self.start = self.walkers[0].start.copy()
        self.start_loss = self.walkers[0].trail[0].loss
        self.clock = 0  # ticks of the shared clock so far
        self._lows: list[list[tuple[int, float]]] = []  # per racer: (step, loss) of each new low
        self.reset()

    @property
    def lr(self) -> float:
        return self.walkers[0].lr

    @property
    def global_min_loss(self) -> float | None:
        return self.walkers[0].global_min_loss

    @global_min_loss.setter
    def global_min_loss(self, loss: float | None) -> None:
        """The landscape's lowest loss became known (or changed): every racer judges by it."""
        for walker in self.walkers:
            walker.global_min_loss = loss

    @property
    def over(self) -> bool:
        """True once every racer's run has ended (its status is neither ready nor walking)."""
        return all(walker.status.ended for walker in self.walkers)

    @property
    def target(self) -> float | None:
        """The loss that counts as within 1% of the global minimum's (None: not known)."""
        best = self.global_min_loss
        return None if best is None else target_loss(best, self.start_loss)

    def tick(self) -> bool:
        """One beat of the shared clock: every racer still running takes one step. False (and
        no beat) when the race is already over."""
        if self.over:
            return False
        for walker, lows in zip(self.walkers, self._lows, strict=True):
            if not walker.status.ended:
                point = walker.step()
                if point is not None and point.loss < lows[-1][1]:  # a nan loss is no low
                    lows.append((point.step, point.loss))
        self.clock += 1
        return True

    def run(self, ticks: int) -> None:
        """Tick until the race is over or `ticks` beats have passed."""
        for _ in range(ticks):
            if not self.tick():
                return

    def reset(self) -> None:
        """Every racer back to the start with a fresh trail; the clock back to 0."""
        for walker in self.walkers:
            walker.reset()
        self.clock = 0
        self._lows = [[(0, walker.trail[0].loss)] for walker in self.walkers]

    def results(self) -> list[RacerResult]:
        """Each racer's result, in racer order."""
        target = self.target
        out = []
        racers = zip(self.specs, self.walkers, self._lows, strict=True)
        for number, (spec, walker, lows) in enumerate(racers, 1):
            last = walker.trail[-1]
            out.append(RacerResult(
                number, spec.label, spec.optimizer, spec.schedule, walker.lr, walker.status,
                walker.message, walker.steps, last.w1, last.w2, last.loss,
                None if target is None else next(
                    (step for step, loss in lows if loss <= target), None)))
        return out


def near_text(result: RacerResult, target: float | None) -> str:
    """Steps to within 1% as the tables write them: the step, 'not yet' (still running),
    'never' (the run ended above it) or 'n/a' (no global minimum known)."""
    if target is None:
        return "n/a"
    if result.steps_to_near is not None:
        return str(result.steps_to_near)
    return "never" if result.status.ended else "not yet"
