"""2-D slices of a many-weight network's loss: the planes researchers draw (Li et al. 2018).

A slice is the plane theta* + a·d1 + b·d2 through the trained weights theta* of a small MLP
(core.landscapes.mlp). The map's coordinates (w1, w2) are (a, b). Two planes:

- mlp-random: d1, d2 random Gaussian directions, filter-normalised (each neuron's incoming
  weights rescaled to the norm of that neuron's weights in theta*; bias entries zero), d2 made
  orthogonal to d1 neuron by neuron, so the normalisation still holds exactly.
- mlp-pca: d1, d2 the first two principal components of the training run (theta_t - theta*),
  orthonormal; the run projected onto them is the trail.

The walker moves in (a, b) with the gradient of the loss on the plane, (d1·g, d2·g) for the full
network's gradient g (the chain rule). The picture is a slice: what it hides is stated beside it.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import threading
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from losswalk.core.drawing.text import format_number
from losswalk.core.landscapes.datasets import Dataset
from losswalk.core.landscapes.mlp import (
    DEFAULT_HIDDEN,
    ONE_THREAD_WORK,
    Network,
    Training,
    check_hidden,
    top_hessian_eigenvalue,
    train,
)
from losswalk.core.landscapes.models import Extent, ModelError, _nice_below

SLICE_KINDS = {"mlp-random": "random", "mlp-pca": "pca"}
DEFAULT_MLP_DATASET = "moons"
RANDOM_HALF = 1.0  # the random plane is shown for a, b in [-1, 1] (Li et al.'s range)
PCA_MARGIN = 0.25  # the PCA view is the run's bounding box plus this share of its size
GRID_BUDGET = 20_000_000  # a slice's map scores at most this many (example, cell) pairs
GRID_WORK = 5e10  # ... and at most about this many (example, cell, weight) multiply-adds
GRID_SEED = 0  # seed of the fixed sample of examples used above that budget
CHUNK_ELEMENTS = 350_000  # hidden activations held at once while scoring a grid (float32, in L2)
TRAINING_SEED = 0
CACHED_TRAININGS = 8


def filter_normalised(directions: np.ndarray, theta: np.ndarray, net: Network) -> np.ndarray:
    """Random directions (k, P) made filter-normalised against theta: bias entries zero; in each
    neuron's block, each direction is first made orthogonal to the earlier ones (Gram-Schmidt
    within the block), then rescaled to the norm of that block of theta. So the block norms
    equal theta's and the directions are orthogonal, both exactly (to rounding)."""
    d = np.array(directions, dtype=float)
    d[:, net.bias_mask()] = 0.0
    for block in net.neuron_blocks():
        target = float(np.linalg.norm(theta[block]))
        basis: list[np.ndarray] = []
        for k in range(len(d)):
            piece = d[k, block]
            for q in basis:
                piece = piece - (piece @ q) * q
            norm = float(np.linalg.norm(piece))
            unit = piece / norm if norm > 0 else np.zeros_like(piece)
            basis.append(unit)
            d[k, block] = target * unit
    return d


def pca_directions(trajectory: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, float]:
    """The first two principal components of the run's offsets theta_t - theta* (centred, as
    sklearn's PCA), orthonormal, each signed so the run starts at a negative coordinate; and the
    share of the offsets' variance they explain."""
    offsets = trajectory - theta
    centred = offsets - offsets.mean(axis=0)
    _u, s, vt = np.linalg.svd(centred, full_matrices=False)
    d = vt[:2].copy()
    start = offsets[0] @ d.T
    d[start > 0] *= -1.0
    total = float(np.sum(s**2))
    share = float(np.sum(s[:2] ** 2) / total) if total > 0 else 1.0
    return d, share


_TRAININGS: dict[tuple, Training] = {}
_TRAININGS_LOCK = threading.Lock()


def _trained(net: Network, dataset: Dataset) -> Training:
    """train(net, dataset) remembered by the data's content (switching between the two slices of
    the same network trains once)."""
    key = (net.sizes, dataset.digest, TRAINING_SEED)
    with _TRAININGS_LOCK:
        found = _TRAININGS.get(key)
    if found is None:
        found = train(net, dataset.X, dataset.y, seed=TRAINING_SEED)
        with _TRAININGS_LOCK:
            if len(_TRAININGS) >= CACHED_TRAININGS:
                _TRAININGS.pop(next(iter(_TRAININGS)))
            _TRAININGS[key] = found
    return found


def _point(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ModelError(f"a point on the slice is (a, b), got shape {w.shape}")
    return w


class SliceModel:
    """The loss of an MLP on a plane through its trained weights: a landscape of (a, b)."""

    def __init__(self, kind: str, dataset: Dataset, hidden=DEFAULT_HIDDEN,
                 direction_seed: int = 0) -> None:
        if kind not in SLICE_KINDS.values():
            raise ModelError(f"unknown slice {kind!r} (random or pca)")
        try:
            hidden = check_hidden(hidden)
        except ValueError as error:
            raise ModelError(f"--hidden: {error}") from None
        if not (isinstance(direction_seed, int) and direction_seed >= 0):
            raise ModelError(f"--direction-seed must be a whole number >= 0, got {direction_seed}")
        if dataset.X.shape[1] != 2:
            raise ModelError(f"the MLP needs 2 input columns x1,x2; dataset {dataset.name!r} has "
                             f"{dataset.X.shape[1]}")
        self.kind, self.dataset = kind, dataset
        self.name = f"mlp-{kind}"
        self.network = Network((2, *hidden, 1))
        self.training = _trained(self.network, dataset)
        self.theta = self.training.theta
        self.direction_seed: int | None = direction_seed if kind == "random" else None
        self.explained: float | None = None  # PCA: the share of the run's variance in the plane
        self.trajectory: np.ndarray | None = None  # PCA: the run projected, (T, 2)
        if kind == "random":
            rng = np.random.default_rng(direction_seed)
            raw = rng.normal(size=(2, self.network.n_weights))
            self.directions = filter_normalised(raw, self.theta, self.network)
            self.extent: Extent = (-RANDOM_HALF, RANDOM_HALF, -RANDOM_HALF, RANDOM_HALF)
            self.start = (-0.6 * RANDOM_HALF, 0.6 * RANDOM_HALF)
            plane = f"a random filter-normalised plane (direction seed {direction_seed})"
        else:
            self.directions, self.explained = pca_directions(self.training.trajectory,
                                                             self.theta)
            self.trajectory = (self.training.trajectory - self.theta) @ self.directions.T
            self.extent = _around(self.trajectory)
            self.start = (float(self.trajectory[0, 0]), float(self.trajectory[0, 1]))
            plane = (f"the plane of the training run's 2 main directions "
                     f"({self.explained:.1%} of its variance)")
        self.description = (f"{self.network.architecture} tanh MLP ({self.n_weights} weights) "
                            f"trained on {dataset.name} ({dataset.n} examples), binary "
                            f"cross-entropy; {plane} through the trained weights")
        self.slice_note = (f"a 2-D slice of a {self.n_weights}-dimensional weight space: minima "
                           f"and saddles are those of the slice, not of the network")
        self.default_lr = self._default_lr()
        self._top_eigenvalue: float | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the plane

    @property
    def n_weights(self) -> int:
        """The real dimension of the weight space."""
        return self.network.n_weights

    def weights(self, w) -> np.ndarray:
        """The network's weights at (a, b): theta* + a d1 + b d2."""
        return self.theta + _point(w) @ self.directions

    def loss(self, w) -> float:
        """The network's loss at theta* + a d1 + b d2."""
        return self.network.loss(self.weights(w), self.dataset.X, self.dataset.y)

    def grad(self, w) -> np.ndarray:
        """The gradient on the plane, d/da and d/db = (d1·g, d2·g) for the full gradient g."""
        g = self.network.grad(self.weights(w), self.dataset.X, self.dataset.y)
        return self.directions @ g

    def search_key(self) -> tuple:
        """The slice as a value (see minima.search_key): the network, its trained weights, the
        plane's directions and the data."""
        planes = hashlib.sha1(self.theta.tobytes() + self.directions.tobytes()).hexdigest()
        return (self.name, self.network.sizes, planes, self.dataset.digest, self.extent)

    def full_grad(self, w) -> np.ndarray:
        """The full network's gradient at (a, b): what the plane's gradient projects."""
        return self.network.grad(self.weights(w), self.dataset.X, self.dataset.y)

    def full_hessian_top_eigenvalue(self) -> float:
        """The largest eigenvalue of the full network's Hessian at theta* (power iteration on
        Hessian-vector products), computed once when first asked."""
        with self._lock:
            if self._top_eigenvalue is None:
                self._top_eigenvalue = top_hessian_eigenvalue(
                    self.network, self.theta, self.dataset.X, self.dataset.y)
            return self._top_eigenvalue

    def trajectory_losses(self) -> tuple[np.ndarray, np.ndarray]:
        """PCA slice: the true loss at each saved step of the run, and the loss at its projection
        on the plane (they differ where the run leaves the plane)."""
        if self.trajectory is None:
            raise ModelError("only the PCA slice has a training run drawn on it")
        X, y = self.dataset.X, self.dataset.y
        true = np.array([self.network.loss(t, X, y) for t in self.training.trajectory])
        plane = np.array([self.loss(p) for p in self.trajectory])
        return true, plane

    def _default_lr(self) -> float:
        """A step that is safe on the plane's sharpest curvature on the way from the start to
        theta*: 1/largest eigenvalue of the 2x2 Hessian (central differences of the plane's
        gradient) at 5 points along it."""
        h = 1e-4 * max(abs(v) for v in self.extent)
        points = [t * np.array(self.start) for t in np.linspace(0.0, 1.0, 5)]
        top = 0.0
        for w in points:
            H = np.array([(self.grad(w + h * e) - self.grad(w - h * e)) / (2 * h)
                          for e in np.eye(2)])
            top = max(top, float(np.max(np.linalg.eigvalsh(0.5 * (H + H.T)))))
        return _nice_below(1.0 / top) if math.isfinite(top) and top > 0 else 0.1

    # ------------------------------------------------------------------ the grid

    def grid_examples(self, nx: int, ny: int) -> int:
        """How many examples loss_grid scores on an nx-by-ny grid: all of them, or a fixed seeded
        sample keeping examples x cells within GRID_BUDGET and examples x cells x weights within
        GRID_WORK (loss and grad always use all)."""
        pairs = min(GRID_BUDGET, int(GRID_WORK // self.n_weights))
        return min(self.dataset.n, max(1, pairs // max(1, nx * ny)))

    def loss_grid(self, w1s: np.ndarray, w2s: np.ndarray) -> np.ndarray:
        """values[j, i] = loss at (w1s[i], w2s[j]), batched over grid points in float32 (relative
        error about 1e-5, tested against the per-point loss). Every layer is affine in (a, b): the
        first layer's pre-activations P* + a P1 + b P2 for all examples are computed once, and
        along a grid row a few points at a time go through the later layers as one stacked
        product per layer. Each example is multiplied by its label's sign s = 1 - 2y through the
        whole network (tanh is odd, the layers linear: the constant unit carrying the biases is
        s), so the output is u = s z and the loss softplus(u), with no cancellation near 0."""
        w1s, w2s = np.asarray(w1s, dtype=float), np.asarray(w2s, dtype=float)
        X, y = self.dataset.X, self.dataset.y
        n = self.grid_examples(w1s.size, w2s.size)
        if n < len(y):
            keep = np.sort(np.random.default_rng(GRID_SEED).choice(len(y), n, replace=False))
            X, y = X[keep], y[keep]
        first, later = self._plane_layers()
        # examples in `blocks` equal blocks, each later product small enough for one BLAS
        # thread; padding examples have s = 0, so u = 0 and their loss log 2 is taken off below
        widest = max(M.shape[0] * M.shape[1] for M, _M1, _M2 in later)
        blocks = math.ceil(n * widest / ONE_THREAD_WORK)
        rows = math.ceil(n / blocks)
        padded = rows * blocks
        sign = np.zeros(padded)
        sign[:n] = 1.0 - 2.0 * y
        inputs = np.zeros((padded, 1 + X.shape[1]))
        inputs[:n, 0], inputs[:n, 1:] = 1.0, X
        inputs *= sign[:, None]
        hidden = [first[0].shape[0], *(M.shape[0] for M, _M1, _M2 in later[:-1])]
        # the first layer's pre-activations, (blocks, units * rows) each
        P = [(M @ inputs.T).reshape(hidden[0], blocks, rows).transpose(1, 0, 2)
             .reshape(blocks, -1).astype(np.float32) for M in first]
        per_chunk = max(1, min(w1s.size, CHUNK_ELEMENTS // (padded * max(hidden))))
        # activations (points, blocks, 1 + units, examples): the first unit is the constant s
        acts = [np.empty((per_chunk, blocks, 1 + h, rows), np.float32) for h in hidden]
        for h in acts:
            h[:, :, 0] = sign.reshape(blocks, rows)
        first_units = acts[0].reshape(per_chunk, blocks, -1)[:, :, rows:]
        coefficients = np.ones((per_chunk, 2), np.float32)  # (a, 1) against (P1, P* + b P2)
        along_row = np.empty((2, *P[0].shape), np.float32)
        along_row[0] = P[1]
        width = ONE_THREAD_WORK // (2 * per_chunk)  # columns of one first-layer product
        u = np.empty((per_chunk, padded), np.float32)
        terms = np.empty_like(u)
        a_all = w1s.astype(np.float32)
        values = np.empty((w2s.size, w1s.size))
        for j, b in enumerate(w2s.astype(np.float32)):
            np.add(P[0], b * P[2], out=along_row[1])
            mats = [(M + b * M2) + a_all[:, None, None] * M1 for M, M1, M2 in later]
            for s in range(0, w1s.size, per_chunk):
                c = min(per_chunk, w1s.size - s)
                coefficients[:c, 0] = a_all[s:s + c]
                for block, e in itertools.product(range(blocks), range(0, P[0].shape[1], width)):
                    np.matmul(coefficients[:c], along_row[:, block, e:e + width],
                              out=first_units[:c, block, e:e + width])
                np.tanh(acts[0][:c, :, 1:], out=acts[0][:c, :, 1:])
                for k, W in enumerate(mats[:-1]):
                    out = acts[k + 1][:c, :, 1:]
                    np.matmul(W[s:s + c, None], acts[k][:c], out=out)
                    np.tanh(out, out=out)
                np.matmul(mats[-1][s:s + c, None], acts[-1][:c],
                          out=u[:c].reshape(c, blocks, 1, rows))
                values[j, s:s + c] = _mean_softplus(u[:c], terms[:c], padded - n)
        return values

    def _plane_layers(self) -> tuple[list[np.ndarray], list[tuple[np.ndarray, ...]]]:
        """The network's layers for theta*, d1 and d2, each as W with its biases as a first column:
        the first layer's three (float64) and every later layer's three (float32)."""
        stacks = []
        for k in range(len(self.network.shapes)):
            mats = []
            for v in (self.theta, *self.directions):
                W, c = self.network.layers(v)[k]
                mats.append(np.hstack([c[:, None], W]))
            stacks.append(mats)
        return stacks[0], [tuple(M.astype(np.float32) for M in mats) for mats in stacks[1:]]


def _mean_softplus(u: np.ndarray, terms: np.ndarray, padding: int) -> np.ndarray:
    """The mean of softplus(u) = max(u, 0) + log1p(exp(-|u|)) over each row of u (overwritten, as
    is terms), less `padding` entries of u = 0 (log 2 each), summed pairwise: 2 max(u, 0) is
    u + |u|, exact in floating point."""
    np.abs(u, out=terms)
    u += terms
    np.negative(terms, out=terms)
    np.exp(terms, out=terms)
    np.log1p(terms, out=terms)
    total = 0.5 * u.sum(axis=1).astype(np.float64) + terms.sum(axis=1).astype(np.float64)
    return (total - padding * math.log(2.0)) / (u.shape[1] - padding)


def _around(points: np.ndarray) -> Extent:
    """The points' bounding box (theta* at the origin included) widened by PCA_MARGIN of its
    size on each side (at least a little where an axis has no spread)."""
    lo = np.minimum(points.min(axis=0), 0.0)
    hi = np.maximum(points.max(axis=0), 0.0)
    span = hi - lo
    pad = PCA_MARGIN * np.maximum(span, 1e-3 * max(float(span.max()), 1e-6))
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]),
            float(hi[1] + pad[1]))


def make_slice(name: str, dataset: Dataset, hidden=DEFAULT_HIDDEN,
               direction_seed: int = 0) -> SliceModel:
    """The slice landscape `name` (mlp-random or mlp-pca) of an MLP trained on dataset."""
    return SliceModel(SLICE_KINDS[name], dataset, hidden, direction_seed)


class RunPoint(NamedTuple):
    """A point of the training run on the PCA plane (drawn as the trail, as the walker's are)."""

    w1: float
    w2: float


def run_trail(model) -> list[RunPoint]:
    """The training run projected on the PCA plane, from its start to theta* (empty for other
    landscapes)."""
    trajectory = getattr(model, "trajectory", None)
    return [] if trajectory is None else [RunPoint(float(a), float(b)) for a, b in trajectory]


def shown_trail(model, trail: Sequence) -> list:
    """What the map draws as the trail: on the PCA plane the training run, reversed from theta*
    back to its start, then the walker's own trail when it begins where the run began (a walker
    placed elsewhere shows only its own, so no line joins the two)."""
    run = run_trail(model)
    if not run or (trail and (trail[0].w1, trail[0].w2) != tuple(run[0])):
        return list(trail)
    return [*reversed(run), *trail]


def slice_summary(model, charset: str = "unicode") -> str:
    """What the slice is, in a few short sentences for the side panel ("" for a landscape that
    is not a slice): the real dimension, the plane, and for the PCA plane the loss along the
    run, true and on the plane."""
    if not isinstance(model, SliceModel):
        return ""
    arrow, dot = ("→", " · ") if charset == "unicode" else ("->", " - ")
    parts = [f"a 2-D slice of {model.n_weights} weights ({model.network.architecture})"
             .replace("→", arrow)]
    if model.kind == "random":
        parts.append(f"random filter-normalised plane, direction seed {model.direction_seed}")
    else:
        true, plane = model.trajectory_losses()
        parts.append(f"training-run plane: {model.explained:.1%} of its variance")
        parts.append(f"run's loss {format_number(true[0], 2)}{arrow}"
                     f"{format_number(true[-1], 2)}, on the plane {format_number(plane[0], 2)}"
                     f"{arrow}{format_number(plane[-1], 2)} (they differ: the run leaves the "
                     f"plane)")
    parts.append("minima marked are the slice's")
    return dot.join(parts)
