"""Models with exactly two weights, so their loss is a landscape we can draw and walk.

A data-driven model turns weights w into logits z (one per example), and the loss compares
sigmoid(z) with the labels. Its gradient is the chain rule: dL/dw = (dz/dw)^T dL/dz + l2 w.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import os
from typing import Protocol

import numpy as np

from losswalk.core.drawing.text import safe_text
from losswalk.core.landscapes.datasets import DEFAULT_DATASET, Dataset, load_csv, make_dataset
from losswalk.core.landscapes.fastgrid import logistic_loss_grid
from losswalk.core.landscapes.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    mean_squared_error,
    mean_squared_error_grad,
    sigmoid,
)
from losswalk.core.landscapes.surfaces import SURFACES

Extent = tuple[float, float, float, float]  # (w1_min, w1_max, w2_min, w2_max)


class ModelError(ValueError):
    """Bad landscape name or option; the message is one line meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(safe_text(message))  # it may quote a file name or a value: one safe line


class Model(Protocol):
    """What the walker, the map and the minima finder need from a landscape."""

    name: str
    description: str
    extent: Extent
    start: tuple[float, float]
    default_lr: float

    def loss(self, w) -> float: ...
    def grad(self, w) -> np.ndarray: ...
    def loss_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> np.ndarray: ...


LOSS_KINDS = ("bce", "mse")
LOSS_NAMES = {"bce": "binary cross-entropy", "mse": "mean squared error"}


def _check_loss(loss: str, l2: float) -> None:
    """ModelError unless loss is a known kind and l2 a finite number >= 0."""
    if loss not in LOSS_KINDS:
        raise ModelError(f"unknown loss {loss!r} (choose from: {', '.join(LOSS_KINDS)})")
    if not (math.isfinite(l2) and l2 >= 0):
        raise ModelError(f"l2 must be a finite number >= 0, got {l2}")


def _data_loss(y: np.ndarray, z: np.ndarray, kind: str, axis: int | None = None):
    """Mean loss of logits z: BCE straight from the logits (stable), or MSE of sigmoid(z)."""
    if kind == "bce":
        return binary_cross_entropy_with_logits(y, z, axis=axis)
    return mean_squared_error(y, sigmoid(z), axis=axis)


def _data_loss_dz(y: np.ndarray, z: np.ndarray, kind: str) -> np.ndarray:
    """dL/dz for each example (already divided by N)."""
    if kind == "bce":
        return binary_cross_entropy_with_logits_grad(y, z)
    p = sigmoid(z)
    return mean_squared_error_grad(y, p) * p * (1.0 - p)


def _point(w) -> np.ndarray:
    """w as a float array of shape (2,)."""
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ModelError(f"a point in weight space is (w1, w2), got shape {w.shape}")
    return w


def _nice_below(x: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is <= x (a readable learning rate)."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m * power for m in (1.0, 2.0, 5.0) if m * power <= x)


GRID_BUDGET = 50_000_000  # tiny-net maps score at most this many (example, cell) pairs (~20 ns
# each here: about a second a map), so a frame arrives in time whatever the dataset
LOGISTIC_GRID_BUDGET = 1_000_000_000  # the logistic fast grid's pairs (~0.7-1 ns each) ...
LOGISTIC_EXAMPLE_COST = 4096  # ... counting this many more per example: its fixed cost per call
# (~500 pairs' worth) times the 8 row chunks a map is computed in
GRID_SEED = 0  # seed of the fixed sample of examples used above a budget
MANY_PAIRS = 2_000_000  # grad_many holds about this many (example, point) pairs at once
MAX_INPUT_SCALE = 1e100  # inputs of rms size outside [1/this, this] leave no room for the weights


def _input_scale(X: np.ndarray, dataset: str) -> float:
    """Root-mean-square size of the inputs (1 if all zero), computed without overflow;
    ModelError if it is so far from 1 that the weights, on the scale 1/|x|, cannot be shown."""
    peak = float(np.max(np.abs(X)))
    if peak == 0.0:
        return 1.0
    rms = peak * math.sqrt(float(np.mean((X / peak) ** 2)))
    if not 1.0 / MAX_INPUT_SCALE <= rms <= MAX_INPUT_SCALE:
        raise ModelError(f"dataset {dataset!r}: inputs are about {rms:.0e} in size; rescale them "
                         f"to between {1 / MAX_INPUT_SCALE:g} and {MAX_INPUT_SCALE:g}")
    return rms


class _DataModel:
    """What logistic regression and the tiny net share: a dataset, a loss kind, l2, minibatches."""

    name: str
    description: str
    extent: Extent
    start: tuple[float, float]
    default_lr: float

    def __init__(self, dataset: Dataset, loss: str, l2: float, bias: float) -> None:
        _check_loss(loss, l2)
        self.dataset, self.loss_kind, self.l2, self.bias = dataset, loss, float(l2), float(bias)

    def _logits(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Logits z (N,) at w and their Jacobian dz/dw (N, 2)."""
        raise NotImplementedError

    def search_key(self) -> tuple:
        """The model as a value (see minima.search_key): its kind, loss, penalty, bias and data."""
        return (self.name, self.loss_kind, self.l2, self.bias, self.dataset.digest, self.extent)

    def loss(self, w) -> float:
        """Mean loss over the examples plus l2/2 |w|^2."""
        w = _point(w)
        z, _ = self._logits(w)
        return float(_data_loss(self.dataset.y, z, self.loss_kind) + 0.5 * self.l2 * (w @ w))

    def grad(self, w) -> np.ndarray:
        """Exact gradient by the chain rule: (dz/dw)^T dL/dz + l2 w."""
        w = _point(w)
        z, dz_dw = self._logits(w)
        return dz_dw.T @ _data_loss_dz(self.dataset.y, z, self.loss_kind) + self.l2 * w

    def _logits_many(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Logits z (N, k) at the k rows of W and their derivatives dz/dw1, dz/dw2 (each
        broadcasting to (N, k))."""
        raise NotImplementedError

    def grad_many(self, W) -> np.ndarray:
        """grad() at each row (w1, w2) of W, shape (k, 2), vectorised over the rows (in chunks
        of about MANY_PAIRS examples x rows); equal to grad() up to rounding."""
        W = np.asarray(W, dtype=float).reshape(-1, 2)
        y, out = self.dataset.y[:, None], np.empty_like(W)
        rows = max(1, MANY_PAIRS // self.dataset.n)
        for s in range(0, len(W), rows):
            part = W[s:s + rows]
            z, dz1, dz2 = self._logits_many(part)
            dz = _data_loss_dz(y, z, self.loss_kind) * z.shape[1]  # the mean is over examples
            out[s:s + rows, 0] = np.sum(dz1 * dz, axis=0)
            out[s:s + rows, 1] = np.sum(dz2 * dz, axis=0)
        return out + self.l2 * W

    def _grid_cost(self) -> tuple[int, int]:
        """(pairs a grid may score, the pairs' worth of work each example costs besides)."""
        return GRID_BUDGET, 0

    def grid_examples(self, nx: int, ny: int) -> int:
        """How many examples a grid of nx by ny scores: all of them, or a fixed seeded sample
        keeping the work within the model's budget, so a map arrives in about a second whatever
        the dataset (loss and grad, and so the walker and the minima, always use all)."""
        budget, per_example = self._grid_cost()
        return min(self.dataset.n, max(1, budget // (max(1, nx * ny) + per_example)))

    def _grid_data(self, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
        """X and y of the examples a grid of nx by ny scores (grid_examples of them)."""
        keep = sample_indices(self.dataset.n, self.grid_examples(nx, ny))
        X, y = self.dataset.X, self.dataset.y
        return (X, y) if keep is None else (X[keep], y[keep])

    def for_grid(self, nx: int, ny: int) -> _DataModel:
        """The model a whole nx-by-ny grid is scored with: this one, or this one on the fixed
        sample (so a grid computed a few rows at a time uses one sample throughout)."""
        keep = sample_indices(self.dataset.n, self.grid_examples(nx, ny))
        return self if keep is None else self.with_examples(keep)

    def with_examples(self, idx) -> _DataModel:
        """The same model (same view, start and learning rate) scored on a subset of examples."""
        model = copy.copy(self)
        model.dataset = self.dataset.subset(idx)
        return model

    def _describe(self, formula: str, data_note: str = "") -> str:
        extras = f", L2 {self.l2:g}" if self.l2 else ""
        return (f"{formula} on {self.dataset.name} ({self.dataset.n} examples{data_note}), "
                f"{LOSS_NAMES[self.loss_kind]} loss{extras}")


class LogisticModel(_DataModel):
    """Logistic regression p = sigmoid(w1 x1 + w2 x2 + bias): convex with BCE, not with MSE."""

    def __init__(self, dataset: Dataset, loss: str = "bce", l2: float = 0.0,
                 bias: float = 0.0) -> None:
        super().__init__(dataset, loss, l2, bias)
        X = dataset.X
        if X.shape[1] != 2:
            raise ModelError(f"logistic needs 2 input columns x1,x2; dataset {dataset.name!r} "
                             f"has {X.shape[1]}")
        self.name = "logistic"
        bias_text = f" {'-' if self.bias < 0 else '+'} {abs(self.bias):g}" if self.bias else ""
        self.description = self._describe(f"logistic regression σ(w1·x1 + w2·x2{bias_text})")
        # Weights matter on the scale 1/|x|: view about ±4 in those units, a round number.
        rms = _input_scale(X, dataset.name)
        half = 4.0 * 10.0 ** -round(math.log10(rms))
        self.extent = (-half, half, -half, half)
        self.start = (-0.75 * half, 0.75 * half)
        # BCE curvature is at most max eig(X^T X / N) / 4 (+ l2); 1 / curvature is a safe step.
        curvature = 0.25 * float(np.linalg.eigvalsh(X.T @ X / len(X))[-1]) + self.l2
        self.default_lr = _nice_below(1.0 / curvature) if curvature > 0 else 1.0

    def _logits(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.dataset.X @ w + self.bias, self.dataset.X

    def _logits_many(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        X = self.dataset.X  # outer products, not X @ W.T: BLAS threads stall on a busy machine
        z = np.multiply.outer(X[:, 0], W[:, 0]) + np.multiply.outer(X[:, 1], W[:, 1]) + self.bias
        return z, X[:, :1], X[:, 1:]

    def hessian(self, w) -> np.ndarray:
        """Exact 2x2 Hessian X^T diag(d2L/dz2) X + l2 I (the logits are linear in w)."""
        z, X = self._logits(_point(w))
        p, y = sigmoid(z), self.dataset.y
        if self.loss_kind == "bce":
            curve = p * (1.0 - p)
        else:  # d2/dz2 of (p - y)^2, with dp/dz = p (1 - p)
            slope = p * (1.0 - p)
            curve = 2.0 * (slope * slope + (p - y) * slope * (1.0 - 2.0 * p))
        return (X.T * (curve / len(y))) @ X + self.l2 * np.eye(2)

    def _grid_cost(self) -> tuple[int, int]:
        return LOGISTIC_GRID_BUDGET, LOGISTIC_EXAMPLE_COST

    def loss_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> np.ndarray:
        """Loss on the grid, values[j, i] = loss(w1s[i], w2s[j]), via the fast separable kernel,
        exact on all examples (or on the grid_examples sample)."""
        X, y = self._grid_data(np.size(w1s), np.size(w2s))
        return logistic_loss_grid(X, y, w1s, w2s, loss=self.loss_kind, l2=self.l2,
                                  bias=self.bias)


class TinyNet(_DataModel):
    """One tanh hidden unit and a sigmoid output, p = sigmoid(w2 tanh(w1 x)), on column 0 of X.

    Flipping both weights changes nothing, loss(w1, w2) = loss(-w1, -w2): every minimum has a twin.
    Data with more inputs is accepted, and the description says which ones it ignores.
    """

    def __init__(self, dataset: Dataset | None = None, loss: str = "bce",
                 l2: float = 0.0) -> None:
        super().__init__(make_dataset("line") if dataset is None else dataset, loss, l2, 0.0)
        self.name = "tiny-net"
        inputs = self.dataset.X.shape[1]
        if inputs == 1:
            self.description = self._describe("tiny net σ(w2·tanh(w1·x))")
        else:
            unused = ", ".join(f"x{k}" for k in range(2, inputs + 1))
            self.description = self._describe("tiny net σ(w2·tanh(w1·x1))", f", {unused} unused")
        x = self.dataset.X[:, 0]
        scale = 10.0 ** -round(math.log10(_input_scale(x, self.dataset.name)))
        self.extent = (-4.0 * scale, 4.0 * scale, -4.0, 4.0)
        self.start = (-0.5 * scale, 3.5)  # wrong-way-round weights, high on a hillside
        # The w1 slope grows with x: shrink the step with the view so big inputs do not overshoot.
        self.default_lr = 0.5 * min(1.0, scale**2)

    def _logits(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = self.dataset.X[:, 0]
        h = np.tanh(w[0] * x)
        return w[1] * h, np.column_stack([w[1] * (1.0 - h**2) * x, h])

    def _logits_many(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = self.dataset.X[:, :1]
        h = np.tanh(x * W[:, 0])
        return W[:, 1] * h, W[:, 1] * (1.0 - h**2) * x, h

    def loss_grid(self, w1s: np.ndarray, w2s: np.ndarray,
                  max_bytes: int = 64 * 2**20) -> np.ndarray:
        """Loss on the grid, values[j, i] = loss(w1s[i], w2s[j]), exact on all examples (or on
        the grid_examples sample), in chunks keeping the temporaries within about max_bytes."""
        w1s, w2s = np.asarray(w1s, dtype=float), np.asarray(w2s, dtype=float)
        X, y = self._grid_data(w1s.size, w2s.size)
        x, n = X[:, 0], len(y)
        total = np.zeros((w2s.size, w1s.size))
        cols = max(1, max_bytes // (8 * 5 * w1s.size))  # examples per chunk
        for s in range(0, n, cols):
            H = np.tanh(np.multiply.outer(x[s:s + cols], w1s))  # (c, nx) hidden units: z = w2 H
            rows = max(1, max_bytes // (8 * 4 * H.size))  # <= 4 temporaries of (rows, c, nx)
            for j in range(0, w2s.size, rows):
                z = np.multiply.outer(w2s[j:j + rows], H)  # (rows, c, nx)
                if self.loss_kind == "bce":  # softplus(z) here, minus the linear sum y z below
                    z = np.logaddexp(0.0, z, out=z)
                else:
                    z = np.square(sigmoid(z) - y[s:s + cols, None], out=z)
                total[j:j + rows] += z.sum(axis=1)
            if self.loss_kind == "bce":
                total -= np.multiply.outer(w2s, y[s:s + cols] @ H)
        return total / n + 0.5 * self.l2 * np.add.outer(w2s**2, w1s**2)


def sample_indices(n: int, k: int, seed: int = GRID_SEED) -> np.ndarray | None:
    """The sorted indices of a fixed seeded sample of k of n examples, or None for all of them."""
    if k >= n:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, k, replace=False))


# ----------------------------------------------------------------------------- registry

_SURFACE_ORDER = ("bowl", "rosenbrock", "himmelblau", "rastrigin", "ackley", "camel", "beale",
                  "saddle", "two-dip")
LANDSCAPES: dict[str, str] = {
    "logistic": "Logistic regression: one valley with cross-entropy, flat plateaus with MSE",
    "tiny-net": "Tiny net: one tanh neuron — two mirror-image valleys with a saddle between",
    **{name: SURFACES[name]().description for name in _SURFACE_ORDER},
    "mlp-random": "A 2→16→16→1 network's loss on a random filter-normalised plane: a slice",
    "mlp-pca": "The same network on the plane of its training run's two main directions",
}
DEFAULT_LANDSCAPE = "logistic"
DATA_LANDSCAPES = ("logistic", "tiny-net")
MLP_LANDSCAPES = ("mlp-random", "mlp-pca")  # slices of a many-weight network (core.slices)
MLP_OPTIONS = {"dataset": MLP_LANDSCAPES, "data": MLP_LANDSCAPES, "hidden": MLP_LANDSCAPES,
               "direction_seed": ("mlp-random",)}  # the options the slices take, and where


DATA_OPTIONS = ("dataset", "data", "loss", "l2")  # the options only data landscapes take
DEFAULT_CONDITION = 10.0
MAX_CONDITION = 1e12  # steeper bowls overflow the curvature the minima finder measures


def option_applies(name: str, option: str) -> bool:
    """Whether landscape `name` uses `option`: the data options only on DATA_LANDSCAPES,
    condition only on the bowl, surface only on a surface file, the network options only on the
    slices (MLP_OPTIONS), everything else everywhere."""
    if option == "surface":
        return name not in LANDSCAPES
    if name in MLP_OPTIONS.get(option, ()):
        return True
    if option in ("hidden", "direction_seed"):
        return False
    if option in DATA_OPTIONS:
        return name in DATA_LANDSCAPES
    return option != "condition" or name == "bowl"


def refuse_inapplicable(name: str, options) -> None:
    """ModelError naming the first of `options` (names like "l2") that landscape `name` ignores."""
    for option in sorted(options, key=(*DATA_OPTIONS, "condition", "surface", *MLP_OPTIONS).index):
        if not option_applies(name, option):
            where = (f"data-driven landscapes: {', '.join(DATA_LANDSCAPES)}"
                     if option in DATA_OPTIONS else "the bowl" if option == "condition"
                     else "surface files (.h5, .npz, .csv)")
            why = ""
            if option in ("dataset", "data"):
                where += ", " + ", ".join(MLP_LANDSCAPES)
            elif option in MLP_OPTIONS:
                where = f"the network slices: {', '.join(MLP_OPTIONS[option])}"
            elif name in MLP_LANDSCAPES:
                why = ": the network slices use binary cross-entropy without a penalty"
            flag = option.replace("_", "-")
            raise ModelError(f"--{flag} applies only to {where} (not {name}{why})")


def make_model(name: str, *, dataset: str | None = None,
               data: str | os.PathLike | Dataset | None = None, loss: str = "bce",
               l2: float = 0.0, condition: float = DEFAULT_CONDITION, surface: str | None = None,
               hidden: tuple[int, ...] | None = None, direction_seed: int | None = None) -> Model:
    """The landscape `name`, or the surface file `name` names (its surface `surface`); data
    options only for logistic / tiny-net and the network slices, condition only for bowl
    (ModelError for one set away from its default where it does not apply). `data` is a CSV
    file's path, or a Dataset already read from one."""
    if name not in LANDSCAPES and not os.path.isfile(name):
        raise ModelError(f"unknown landscape {name!r} (choose from: {', '.join(LANDSCAPES)}) "
                         "and no file of that name")
    _check_loss(loss, l2)
    if not (math.isfinite(condition) and 1 <= condition <= MAX_CONDITION):
        raise ModelError(f"condition must be a number from 1 to {MAX_CONDITION:g}, got "
                         f"{condition:g}")
    changed = {"dataset": dataset is not None, "data": data is not None, "loss": loss != "bce",
               "l2": l2 != 0, "condition": condition != DEFAULT_CONDITION,
               "hidden": hidden is not None, "direction_seed": bool(direction_seed)}
    changed["surface"] = surface is not None
    refuse_inapplicable(name, [option for option, differs in changed.items() if differs])
    if name not in LANDSCAPES:
        from losswalk.core.landscapes.gridsurface import load_surface

        return load_surface(name, surface)
    if name in MLP_LANDSCAPES:
        return _make_slice(name, dataset, data, hidden, direction_seed or 0)
    if name not in DATA_LANDSCAPES:
        return SURFACES[name](condition=condition) if name == "bowl" else SURFACES[name]()
    examples = _examples(dataset, data, DEFAULT_DATASET if name == "logistic" else "line")
    model_class = LogisticModel if name == "logistic" else TinyNet
    return model_class(examples, loss=loss, l2=l2)


def _examples(dataset: str | None, data, default: str) -> Dataset:
    """The examples a data landscape is made from: the --data file (its path, or the Dataset
    already read from it), the built-in --dataset, or the landscape's default dataset."""
    if dataset is not None and data is not None:
        raise ModelError("give either --dataset or --data, not both")
    if isinstance(data, Dataset):
        return data
    return load_csv(data) if data is not None else make_dataset(dataset or default)


def _make_slice(name: str, dataset: str | None, data, hidden, direction_seed: int) -> Model:
    """A slice of the MLP (core.landscapes.slices) trained on the built-in dataset (default
    moons) or the --data file."""
    from losswalk.core.landscapes.mlp import DEFAULT_HIDDEN
    from losswalk.core.landscapes.slices import DEFAULT_MLP_DATASET, make_slice

    examples = _examples(dataset, data, DEFAULT_MLP_DATASET)
    return make_slice(name, examples, hidden=hidden or DEFAULT_HIDDEN,
                      direction_seed=direction_seed)


@dataclasses.dataclass(frozen=True)
class LandscapeOptions:
    """The landscape choice and its options, meaning the same in every subcommand and the app."""

    name: str = DEFAULT_LANDSCAPE
    dataset: str | None = None
    data: str | None = None
    loss: str = "bce"
    l2: float = 0.0
    condition: float = DEFAULT_CONDITION
    extent: Extent | None = None
    given: frozenset[str] = frozenset()  # options the user typed, refused (strict) where unused
    surface: str | None = None  # which surface of a surface file (train_loss, test_loss, ...)
    hidden: tuple[int, ...] | None = None  # the MLP's hidden layers (None: 16,16)
    direction_seed: int = 0  # seed of mlp-random's directions
    # the --data file, once read (loaded()): every model built from these options shares it
    examples: Dataset | None = dataclasses.field(default=None, compare=False, repr=False)

    @classmethod
    def from_user(cls, name: str | None = None, extent: Extent | None = None,
                  **typed: object) -> LandscapeOptions:
        """Options as typed (e.g. on the command line): None means not given, so the default."""
        given = {option: value for option, value in typed.items() if value is not None}
        return cls(name=name or DEFAULT_LANDSCAPE, extent=extent, given=frozenset(given), **given)

    def loaded(self) -> LandscapeOptions:
        """These options with the --data file read (DatasetError if it cannot be): models built
        from them, and from options derived from them (n/p, λ, the split), never read it again."""
        if self.data is None or self.examples is not None:
            return self
        return dataclasses.replace(self, examples=load_csv(self.data))

    def build(self, strict: bool = False) -> Model:
        """The model. Options that do not apply are dropped, or with strict a ModelError names
        the first one that was given, even at its default value (--condition 10 on logistic)."""
        data = self.data if self.examples is None else self.examples
        options = {"dataset": self.dataset, "data": data, "loss": self.loss, "l2": self.l2,
                   "condition": self.condition, "surface": self.surface, "hidden": self.hidden,
                   "direction_seed": self.direction_seed}
        if strict:
            refuse_inapplicable(self.name, self.given)
        else:  # the app changing landscape: what this one ignores waits for one that uses it
            options = {k: v for k, v in options.items() if option_applies(self.name, k)}
        return make_model(self.name, **options)

    def with_name(self, name: str) -> LandscapeOptions:
        """Same options on another landscape, with the view reset to its default."""
        return dataclasses.replace(self, name=name, extent=None)

    def view_extent(self, model: Model) -> Extent:
        """The requested view (ModelError if the landscape cannot be shown there, see
        check_view), or the model's default one."""
        return model.extent if self.extent is None else check_view(self.extent, model)


MAX_REACH = 1e9  # a view reaches at most this many times the landscape's size from the origin
MIN_WIDTH = 1e-9  # ... and each side is at least this fraction of max(that size, its reach) wide


def check_view(extent: Extent, model: Model) -> Extent:
    """extent, if float64 maths holds on it for this landscape: every coordinate within
    ±MAX_REACH x the landscape's size (the largest |coordinate| of its default view), and each
    side at least MIN_WIDTH x max(size, the largest |coordinate| on its axis) wide. Else a
    ModelError naming the range that works (far out losses overflow; too narrow, the floats
    run out)."""
    size = max(abs(float(v)) for v in model.extent)
    sides = ((extent[0], extent[1]), (extent[2], extent[3]))
    if all(max(abs(lo), abs(hi)) <= MAX_REACH * size
           and hi - lo >= MIN_WIDTH * max(size, abs(lo), abs(hi)) for lo, hi in sides):
        return extent
    given = ",".join(f"{v:.12g}" for v in extent)
    raise ModelError(f"--extent {given} is beyond what {model.name} can show: coordinates "
                     f"within ±{MAX_REACH * size:.3g}, each side at least {MIN_WIDTH:g} x "
                     f"max({size:.3g}, its largest |coordinate|) wide")
