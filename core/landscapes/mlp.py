"""A small multilayer perceptron in numpy: a network with hundreds of weights, trained in a blink.

Its loss lives in hundreds of dimensions, so losswalk shows it through 2-D slices
(core.landscapes.slices). The weights are one flat vector theta; layer by layer it holds W
(fan_out x fan_in, row-major, so one neuron's incoming weights are contiguous: its "filter")
then the biases b. Hidden units are tanh, the output a sigmoid read as p(y = 1), the loss the
mean binary cross-entropy, computed from the logits (stable).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from losswalk.core.landscapes.losses import sigmoid

DEFAULT_HIDDEN = (16, 16)
MAX_LAYERS = 3  # hidden layers (bigger networks would take minutes to train and map)
MAX_UNITS = 128  # units in one hidden layer
TRAIN_STEPS = 1000  # Adam steps at start-up
TRAIN_LR = 0.01
TRAIN_BATCH = 256  # examples a step (all of them when there are fewer)
SNAPSHOT_EVERY = 10  # the trajectory keeps theta every this many steps (PCA of the run)
POWER_ITERATIONS = 300
POWER_TOL = 1e-7  # power iteration stops when the eigenvalue estimate moves less than this (rel.)
# OpenBLAS runs a product of m*n*k multiply-adds up to this on one thread, larger ones on all: on a
# busy two-core machine the threads of these small products wait on each other (10-100x slower),
# so products are cut into pieces below it (tanh networks of a few hundred weights gain nothing)
ONE_THREAD_WORK = 262_144


def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A @ B for 2-D A, B, in pieces of at most ONE_THREAD_WORK multiply-adds (rows of A, or
    the shared dimension summed piece by piece)."""
    m, k = A.shape
    n = B.shape[1]
    pieces = math.ceil(m * k * n / ONE_THREAD_WORK)
    if pieces <= 1:
        return A @ B
    if m >= k:
        rows = math.ceil(m / pieces)
        return np.concatenate([A[i:i + rows] @ B for i in range(0, m, rows)])
    width = math.ceil(k / pieces)
    return sum(A[:, i:i + width] @ B[i:i + width] for i in range(0, k, width))


@dataclass(frozen=True)
class Network:
    """The shape of an MLP: sizes = (inputs, *hidden, 1). Stateless: weights are passed in."""

    sizes: tuple[int, ...]

    @property
    def shapes(self) -> list[tuple[int, int]]:
        """(fan_out, fan_in) of each layer's weight matrix."""
        return list(zip(self.sizes[1:], self.sizes[:-1], strict=True))

    @property
    def n_weights(self) -> int:
        """Every weight and bias: the dimension of the weight space."""
        return sum(out * (inp + 1) for out, inp in self.shapes)

    @property
    def architecture(self) -> str:
        """'2→16→16→1'."""
        return "→".join(str(s) for s in self.sizes)

    def layers(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) of each layer as views into theta (leading axes of theta are kept: a stack of
        weight vectors (..., P) gives W of shape (..., out, in))."""
        out, start = [], 0
        lead = theta.shape[:-1]
        for fan_out, fan_in in self.shapes:
            W = theta[..., start:start + fan_out * fan_in].reshape(*lead, fan_out, fan_in)
            start += fan_out * fan_in
            out.append((W, theta[..., start:start + fan_out]))
            start += fan_out
        return out

    def bias_mask(self) -> np.ndarray:
        """(P,) True at the bias entries of theta."""
        mask = np.zeros(self.n_weights, dtype=bool)
        for _W, b in self.layers(np.arange(self.n_weights)):
            mask[b] = True
        return mask

    def neuron_blocks(self) -> list[np.ndarray]:
        """Indices into theta of each neuron's incoming weights (a row of W; biases excluded)."""
        blocks = []
        for W, _b in self.layers(np.arange(self.n_weights)):
            blocks.extend(W)
        return blocks

    def logits(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The output's logit z for each row of X, (N,)."""
        a = X
        layers = self.layers(theta)
        for W, b in layers[:-1]:
            a = np.tanh(matmul(a, W.T) + b)
        W, b = layers[-1]
        return (matmul(a, W.T) + b)[:, 0]

    def loss(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
        """Mean binary cross-entropy of sigmoid(z) against y."""
        z = self.logits(theta, X)
        return float(np.mean(np.logaddexp(0.0, z) - y * z))

    def loss_and_grad(self, theta: np.ndarray, X: np.ndarray,
                      y: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss and its exact gradient (backpropagation), shape (P,)."""
        layers = self.layers(theta)
        activations = [X]
        for W, b in layers[:-1]:
            activations.append(np.tanh(matmul(activations[-1], W.T) + b))
        W, b = layers[-1]
        z = (matmul(activations[-1], W.T) + b)[:, 0]
        loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
        grad = np.empty_like(theta)
        grads = self.layers(grad)
        dz = ((sigmoid(z) - y) / len(y))[:, None]  # dL/dz of the layer being undone
        for k in range(len(layers) - 1, -1, -1):
            a = activations[k]
            gW, gb = grads[k]
            gW[...] = matmul(dz.T, a)
            gb[...] = dz.sum(axis=0)
            if k:
                dz = matmul(dz, layers[k][0]) * (1.0 - a**2)
        return loss, grad

    def grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.loss_and_grad(theta, X, y)[1]

    def hvp(self, theta: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Hessian-vector product H v by central differences of the exact gradient along v."""
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            return np.zeros_like(theta)
        h = 1e-5 * max(1.0, float(np.linalg.norm(theta))) / norm
        return (self.grad(theta + h * v, X, y) - self.grad(theta - h * v, X, y)) / (2 * h)


def parse_hidden(text: str) -> tuple[int, ...]:
    """'16,16' -> (16, 16); ValueError naming the rule otherwise."""
    rule = (f"hidden layers are 1 to {MAX_LAYERS} whole numbers from 1 to {MAX_UNITS}, "
            f"e.g. 16,16")
    try:
        hidden = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"{rule}; got {text!r}") from None
    check_hidden(hidden, f"{rule}; got {text!r}")
    return hidden


def check_hidden(hidden, rule: str | None = None) -> tuple[int, ...]:
    """hidden as a tuple of ints; ValueError unless it has 1..MAX_LAYERS sizes in 1..MAX_UNITS."""
    hidden = tuple(hidden)
    if not (1 <= len(hidden) <= MAX_LAYERS
            and all(isinstance(h, int) and 1 <= h <= MAX_UNITS for h in hidden)):
        raise ValueError(rule or f"hidden layers are 1 to {MAX_LAYERS} whole numbers from 1 to "
                         f"{MAX_UNITS}; got {hidden}")
    return hidden


def init_weights(net: Network, rng: np.random.Generator) -> np.ndarray:
    """LeCun-normal weights (variance 1/fan_in, right for tanh), zero biases."""
    theta = np.zeros(net.n_weights)
    for W, _b in net.layers(theta):
        W[...] = rng.normal(0.0, 1.0 / math.sqrt(W.shape[1]), W.shape)
    return theta


@dataclass(frozen=True, eq=False)
class Training:
    """A training run: the trained weights theta* and the weights every SNAPSHOT_EVERY steps
    (trajectory[0] the initial weights, trajectory[-1] = theta*)."""

    theta: np.ndarray
    trajectory: np.ndarray  # (T, P)
    steps: int
    seed: int


def train(net: Network, X: np.ndarray, y: np.ndarray, seed: int = 0,
          steps: int = TRAIN_STEPS) -> Training:
    """Adam on minibatches of up to TRAIN_BATCH examples (all of them for small data), seeded:
    the same data and seed give the same weights."""
    rng = np.random.default_rng(seed)
    theta = init_weights(net, rng)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    b1, b2, eps = 0.9, 0.999, 1e-8
    snapshots = [theta.copy()]
    batch = min(len(y), TRAIN_BATCH)
    for t in range(1, steps + 1):
        if batch < len(y):
            idx = rng.choice(len(y), batch, replace=False)
            g = net.grad(theta, X[idx], y[idx])
        else:
            g = net.grad(theta, X, y)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - TRAIN_LR * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        if t % SNAPSHOT_EVERY == 0 or t == steps:
            snapshots.append(theta.copy())
    return Training(theta, np.array(snapshots), steps, seed)


def top_hessian_eigenvalue(net: Network, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
                           seed: int = 0) -> float:
    """The largest eigenvalue of the loss's Hessian at theta, by power iteration on
    Hessian-vector products (shifted when the largest in size is negative)."""

    def power(shift: float) -> float:
        rng = np.random.default_rng(seed)
        v = rng.normal(size=theta.size)
        v /= np.linalg.norm(v)
        estimate = 0.0
        for _ in range(POWER_ITERATIONS):
            Hv = net.hvp(theta, v, X, y) - shift * v
            new = float(v @ Hv)  # Rayleigh quotient of the shifted matrix
            norm = float(np.linalg.norm(Hv))
            if norm == 0.0:
                return shift
            v = Hv / norm
            if abs(new - estimate) <= POWER_TOL * max(abs(new), 1e-12):
                return new + shift
            estimate = new
        return estimate + shift

    largest = power(0.0)
    return largest if largest >= 0 else power(largest)
