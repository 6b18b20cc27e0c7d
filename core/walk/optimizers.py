"""Optimizers and learning-rate schedules, optax-style: pure functions, no hidden state.

An optimizer is a pair of functions. `init(params)` builds its state (a small NamedTuple of
arrays with a step `count`); `update(grads, state, params)` returns `(updates, new_state)` and
the caller applies `params + updates`. Nothing is mutated, so a walk can be replayed exactly.
The same code steps a batch of walkers at once: params of shape (n, 2), one row per walker
(every rule is elementwise; clip_by_norm clips each row by its own norm).
A learning rate is a float or a schedule `step -> lr`, with step 0 at the first update.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

Schedule = Callable[[int], float]
LearningRate = float | Schedule


class Optimizer(NamedTuple):
    """The two functions of an optimizer: new params = params + updates."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, np.ndarray | None], tuple[np.ndarray, Any]]


class StepState(NamedTuple):
    """Plain SGD remembers only how many steps it took (for schedules)."""

    count: int


class VelocityState(NamedTuple):
    """Momentum methods remember a running velocity v."""

    count: int
    velocity: np.ndarray


class SquaresState(NamedTuple):
    """Adagrad (sum) and RMSprop (moving average) remember squared gradients."""

    count: int
    squares: np.ndarray


class AdamState(NamedTuple):
    """Adam remembers moving averages of the gradient (m) and of its square (v)."""

    count: int
    m: np.ndarray
    v: np.ndarray


def _require(ok: bool, message: str) -> None:
    """Raise ValueError(message) unless ok: bad settings fail loudly, never walk wrongly."""
    if not ok:
        raise ValueError(message)


def _as_schedule(learning_rate: LearningRate) -> Schedule:
    """A schedule as is; a fixed number becomes constant(lr)."""
    return learning_rate if callable(learning_rate) else constant(learning_rate)


def _zeros(params: np.ndarray) -> np.ndarray:
    return np.zeros_like(np.asarray(params, dtype=float))


def _check_eps(eps: float) -> None:
    _require(math.isfinite(eps) and eps > 0, f"eps must be a finite number > 0, got {eps}")


def sgd(learning_rate: LearningRate) -> Optimizer:
    """Plain gradient descent: w <- w - lr g."""
    lr = _as_schedule(learning_rate)

    def init(params):
        return StepState(0)

    def update(grads, state, params=None):
        g = np.asarray(grads, dtype=float)
        return -lr(state.count) * g, StepState(state.count + 1)

    return Optimizer(init, update)


def momentum(learning_rate: LearningRate, mu: float = 0.9) -> Optimizer:
    """Heavy ball: v <- mu v + g ; w <- w - lr v. The walker keeps rolling the way it went."""
    lr = _as_schedule(learning_rate)
    _require(0.0 <= mu < 1.0, f"momentum mu must be in [0, 1), got {mu}")

    def init(params):
        return VelocityState(0, _zeros(params))

    def update(grads, state, params=None):
        v = mu * state.velocity + np.asarray(grads, dtype=float)
        return -lr(state.count) * v, VelocityState(state.count + 1, v)

    return Optimizer(init, update)


def nesterov(learning_rate: LearningRate, mu: float = 0.9) -> Optimizer:
    """Nesterov momentum, PyTorch form: v <- mu v + g ; w <- w - lr (g + mu v).

    Equivalent to taking the gradient at the look-ahead point w - lr mu v (in shifted variables).
    """
    lr = _as_schedule(learning_rate)
    _require(0.0 <= mu < 1.0, f"nesterov mu must be in [0, 1), got {mu}")

    def init(params):
        return VelocityState(0, _zeros(params))

    def update(grads, state, params=None):
        g = np.asarray(grads, dtype=float)
        v = mu * state.velocity + g
        return -lr(state.count) * (g + mu * v), VelocityState(state.count + 1, v)

    return Optimizer(init, update)


def adagrad(learning_rate: LearningRate, eps: float = 1e-8) -> Optimizer:
    """Adagrad: s <- s + g^2 ; w <- w - lr g / (sqrt(s) + eps). Steep axes slow down for good.

    PyTorch's form: s starts at 0 and eps is outside the root (optax: s0 = 0.1, eps inside).
    """
    lr = _as_schedule(learning_rate)
    _check_eps(eps)

    def init(params):
        return SquaresState(0, _zeros(params))

    def update(grads, state, params=None):
        g = np.asarray(grads, dtype=float)
        s = state.squares + g * g
        return -lr(state.count) * g / (np.sqrt(s) + eps), SquaresState(state.count + 1, s)

    return Optimizer(init, update)


def rmsprop(learning_rate: LearningRate, decay: float = 0.9, eps: float = 1e-8) -> Optimizer:
    """RMSprop: s <- decay s + (1 - decay) g^2 ; w <- w - lr g / (sqrt(s) + eps).

    optax's decay 0.9 with s starting at 0, and eps outside the root as in PyTorch.
    """
    lr = _as_schedule(learning_rate)
    _require(0.0 <= decay < 1.0, f"rmsprop decay must be in [0, 1), got {decay}")
    _check_eps(eps)

    def init(params):
        return SquaresState(0, _zeros(params))

    def update(grads, state, params=None):
        g = np.asarray(grads, dtype=float)
        s = decay * state.squares + (1.0 - decay) * g * g
        return -lr(state.count) * g / (np.sqrt(s) + eps), SquaresState(state.count + 1, s)

    return Optimizer(init, update)


def adam(
    learning_rate: LearningRate, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8
) -> Optimizer:
    """Adam (Kingma & Ba 2015): momentum m and RMS scale v, both bias-corrected.

    m <- b1 m + (1-b1) g ; v <- b2 v + (1-b2) g^2 ; t = count + 1 ;
    w <- w - lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
    """
    lr = _as_schedule(learning_rate)
    _require(0.0 <= b1 < 1.0, f"adam b1 must be in [0, 1), got {b1}")
    _require(0.0 <= b2 < 1.0, f"adam b2 must be in [0, 1), got {b2}")
    _check_eps(eps)

    def init(params):
        return AdamState(0, _zeros(params), _zeros(params))

    def update(grads, state, params=None):
        g, t = np.asarray(grads, dtype=float), state.count + 1
        m = b1 * state.m + (1.0 - b1) * g
        v = b2 * state.v + (1.0 - b2) * g * g
        m_hat, v_hat = m / (1.0 - b1**t), v / (1.0 - b2**t)
        return -lr(state.count) * m_hat / (np.sqrt(v_hat) + eps), AdamState(t, m, v)

    return Optimizer(init, update)


def clip_by_norm(max_norm: float) -> Optimizer:
    """Rescale the gradient to length max_norm when it is longer: a leash on huge steps.

    A batch of walkers (params of shape (n, 2)) is clipped row by row, each by its own norm."""
    _require(math.isfinite(max_norm) and max_norm > 0, f"clip norm must be > 0, got {max_norm}")

    def init(params):
        return ()

    def update(grads, state, params=None):
        grads = np.asarray(grads, dtype=float)
        norm = np.sqrt(np.sum(grads * grads, axis=-1, keepdims=True))  # one per walker
        long = norm > max_norm
        return np.where(long, grads * (max_norm / np.where(long, norm, 1.0)), grads), state

    return Optimizer(init, update)


def chain(*optimizers: Optimizer) -> Optimizer:
    """Apply optimizers in order, each transforming the previous one's output (e.g. clip, adam)."""

    def init(params):
        return tuple(opt.init(params) for opt in optimizers)

    def update(grads, state, params=None):
        new_state = []
        for opt, s in zip(optimizers, state, strict=True):
            grads, s = opt.update(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    return Optimizer(init, update)


_BUILDERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}
OPTIMIZERS: tuple[str, ...] = tuple(_BUILDERS)
HYPERPARAMETERS: dict[str, tuple[str, ...]] = {  # the keyword settings each optimizer takes
    name: tuple(inspect.signature(build).parameters)[1:] for name, build in _BUILDERS.items()
}


def _check_optimizer(name: str) -> None:
    valid = ", ".join(OPTIMIZERS)
    _require(name in _BUILDERS, f"unknown optimizer {name!r}; choose one of {valid}")


def make_optimizer(name: str, learning_rate: LearningRate, clip: float | None = None,
                   **hyper: float) -> Optimizer:
    """The named optimizer with its settings (e.g. mu=0.95; the defaults above for the rest),
    optionally behind clip_by_norm(clip); ValueError for a setting that optimizer does not take."""
    _check_optimizer(name)
    for setting in hyper:
        takes = ", ".join(HYPERPARAMETERS[name]) or "none"
        _require(setting in HYPERPARAMETERS[name],
                 f"{name} takes no setting {setting!r} (its settings: {takes})")
    opt = _BUILDERS[name](learning_rate, **hyper)
    return opt if clip is None else chain(clip_by_norm(clip), opt)


@dataclasses.dataclass(frozen=True)
class OptimizerSettings:
    """Hyper-parameters the user chose, each for the optimizers that take it (None: default)."""

    mu: float | None = None  # momentum, nesterov
    b1: float | None = None  # adam
    b2: float | None = None  # adam
    eps: float | None = None  # adagrad, rmsprop, adam

    def __post_init__(self) -> None:
        """ValueError for a value out of range: the optimizers' own checks decide."""
        for name in OPTIMIZERS:
            make_optimizer(name, 1.0, **self.for_optimizer(name))

    def chosen(self) -> dict[str, float]:
        """The settings that were set, by name."""
        return {f.name: value for f in dataclasses.fields(self)
                if (value := getattr(self, f.name)) is not None}

    def for_optimizer(self, name: str) -> dict[str, float]:
        """The chosen settings the named optimizer takes, as make_optimizer keywords."""
        _check_optimizer(name)
        return {k: v for k, v in self.chosen().items() if k in HYPERPARAMETERS[name]}

    def unused_by(self, name: str) -> tuple[str, ...]:
        """The chosen settings the named optimizer does not take (a walk would ignore them)."""
        return tuple(k for k in self.chosen() if k not in self.for_optimizer(name))


# --- schedules: plain functions step -> lr ---------------------------------------------------


def _check_lr(lr: float) -> float:
    _require(
        isinstance(lr, numbers.Real) and not isinstance(lr, bool) and math.isfinite(lr) and lr > 0,
        f"learning rate must be a positive finite number, got {lr!r}",
    )
    return float(lr)


def constant(lr: float) -> Schedule:
    """The same learning rate at every step."""
    lr = _check_lr(lr)
    return lambda step: lr


def step_decay(lr: float, every: int = 50, factor: float = 0.5) -> Schedule:
    """lr * factor^(step // every): drop by `factor` every `every` steps."""
    lr = _check_lr(lr)
    _require(every >= 1, f"step decay needs every >= 1, got {every}")
    _require(0 < factor <= 1, f"step decay factor must be in (0, 1], got {factor}")
    return lambda step: lr * factor ** (step // every)


def exponential(lr: float, decay: float = 0.99) -> Schedule:
    """lr * decay^step: a smooth, steady shrink."""
    lr = _check_lr(lr)
    _require(0 < decay <= 1, f"exponential decay must be in (0, 1], got {decay}")
    return lambda step: lr * decay**step


def cosine(lr: float, total_steps: int = 200, final_lr: float = 0.0) -> Schedule:
    """Half a cosine from lr at step 0 down to final_lr at total_steps, then final_lr."""
    lr = _check_lr(lr)
    _require(total_steps >= 1, f"cosine schedule needs total_steps >= 1, got {total_steps}")
    _require(0 <= final_lr <= lr, f"final_lr must be in [0, lr], got {final_lr}")

    def schedule(step: int) -> float:
        t = min(step, total_steps) / total_steps
        return final_lr + (lr - final_lr) * 0.5 * (1.0 + math.cos(math.pi * t))

    return schedule


def warmup_cosine(lr: float, warmup_steps: int = 20, total_steps: int = 200) -> Schedule:
    """Linear warm-up lr (step+1)/warmup_steps for the first warmup_steps, then cosine to 0."""
    lr = _check_lr(lr)
    _require(
        0 <= warmup_steps < total_steps,
        f"warm-up needs 0 <= warmup_steps < total_steps, got {warmup_steps}, {total_steps}",
    )
    decay = cosine(lr, total_steps - warmup_steps)

    def schedule(step: int) -> float:
        return lr * (step + 1) / warmup_steps if step < warmup_steps else decay(step - warmup_steps)

    return schedule


def cyclic(lr: float, period: int = 50, low_fraction: float = 0.1) -> Schedule:
    """Triangular cycles: from lr*low_fraction up to lr at mid-period and back down."""
    lr = _check_lr(lr)
    _require(period >= 2, f"cyclic schedule needs period >= 2, got {period}")
    _require(0 <= low_fraction <= 1, f"low_fraction must be in [0, 1], got {low_fraction}")
    low = lr * low_fraction

    def schedule(step: int) -> float:
        phase = (step % period) / period  # 0 .. 1
        return low + (lr - low) * (1.0 - abs(2.0 * phase - 1.0))

    return schedule


SCHEDULES: tuple[str, ...] = (
    "constant",
    "step",
    "exponential",
    "cosine",
    "warmup-cosine",
    "cyclic",
)


def make_schedule(name: str, lr: float, total_steps: int = 200) -> Schedule:
    """The named schedule fitted to a run of total_steps (the defaults above at 200 steps).

    step halves every total/4; exponential falls 10x over the run; cosine reaches 0 at the end;
    warmup-cosine warms up over the first total/10; cyclic has period total/4.
    """
    valid = ", ".join(SCHEDULES)
    _require(name in SCHEDULES, f"unknown schedule {name!r}; choose one of {valid}")
    _require(total_steps >= 1, f"total_steps must be >= 1, got {total_steps}")
    quarter = max(2, total_steps // 4)
    builders: dict[str, Callable[[], Schedule]] = {
        "constant": lambda: constant(lr),
        "step": lambda: step_decay(lr, every=quarter),
        "exponential": lambda: exponential(lr, decay=0.1 ** (1.0 / total_steps)),
        "cosine": lambda: cosine(lr, total_steps),
        "warmup-cosine": lambda: warmup_cosine(lr, total_steps // 10, total_steps),
        "cyclic": lambda: cyclic(lr, period=quarter),
    }
    return builders[name]()
