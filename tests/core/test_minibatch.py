"""Tests for core/minibatch.py: reproducible, unbiased minibatch gradients for the walker."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.drawing.text import format_number
from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.losses import sigmoid
from losswalk.core.landscapes.models import LogisticModel, ModelError, TinyNet, make_model
from losswalk.core.walk.minibatch import BATCH_SIZES, MinibatchGradient
from losswalk.core.walk.walker import NOISE_SHARE, RUN_BUDGET, WINDOW, Walker, WalkerStatus


@pytest.fixture(scope="module")
def overlap():
    return make_model("logistic", dataset="overlap")


def walk(model, gradient, steps=25):
    walker = Walker(model, gradient=gradient)
    for _ in range(steps):
        walker.step()
    return np.array([(p.w1, p.w2) for p in walker.trail])


def test_batch_sizes_cycle_starts_with_full_batch():
    assert BATCH_SIZES == (None, 64, 16, 1)


def test_same_seed_same_path(overlap):
    a = walk(overlap, MinibatchGradient(overlap, 16, seed=3))
    b = walk(overlap, MinibatchGradient(overlap, 16, seed=3))
    assert len(a) == 26
    np.testing.assert_array_equal(a, b)


def test_different_seeds_differ_and_noise_is_applied(overlap):
    a = walk(overlap, MinibatchGradient(overlap, 16, seed=0))
    b = walk(overlap, MinibatchGradient(overlap, 16, seed=1))
    full = walk(overlap, None)
    assert not np.allclose(a, b)
    assert not np.allclose(a, full)


def test_walker_uses_the_batch_of_its_step(overlap):
    """SGD: each step is w - lr * grad of batch_model(step), with step = walker.steps."""
    mb = MinibatchGradient(overlap, 16, seed=5)
    walker = Walker(overlap, gradient=mb)
    for k in range(3):
        w = walker.position.copy()
        walker.step()
        expected = w - walker.lr * mb.batch_model(k).grad(w)
        np.testing.assert_allclose(walker.position, expected, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("size", [None, 200, 1000])
def test_full_batch_is_exactly_the_full_gradient(overlap, size):
    mb = MinibatchGradient(overlap, size)
    assert mb.batch_size is None and mb.label == "full batch"
    w = np.array([0.7, -1.3])
    np.testing.assert_array_equal(mb(w, 4), overlap.grad(w))
    np.testing.assert_array_equal(mb.batch_indices(4), np.arange(200))
    assert mb.batch_model(4) is overlap


def test_batch_gradient_against_hand_formula(overlap):
    """BCE logistic on the batch: X_b^T (sigmoid(X_b w) - y_b) / b + l2 w, written out."""
    model = LogisticModel(overlap.dataset, l2=0.1)
    mb = MinibatchGradient(model, 16, seed=2)
    w = np.array([0.4, 1.1])
    idx = mb.batch_indices(9)
    X, y = model.dataset.X[idx], model.dataset.y[idx]
    expected = X.T @ (sigmoid(X @ w) - y) / 16 + 0.1 * w
    np.testing.assert_allclose(mb(w, 9), expected, rtol=1e-12)
    assert mb.label == "batch 16 of 200"


def test_indices_depend_only_on_step(overlap):
    mb = MinibatchGradient(overlap, 16, seed=7)
    seventh = mb.batch_indices(7)
    for k in (3, 0, 12):
        mb.batch_indices(k)
    np.testing.assert_array_equal(MinibatchGradient(overlap, 16, seed=7).batch_indices(7), seventh)
    assert not np.array_equal(mb.batch_indices(8), seventh)


@pytest.mark.parametrize("size", [64, 16])
def test_batch_is_distinct_valid_examples(overlap, size):
    mb = MinibatchGradient(overlap, size)
    for step in range(20):
        idx = mb.batch_indices(step)
        assert idx.shape == (size,) and len(set(idx.tolist())) == size
        assert idx.min() >= 0 and idx.max() < 200
        assert mb.batch_model(step).dataset.n == size


def test_batch_of_one_picks_valid_indices():
    model = TinyNet(make_dataset("line", n=7))
    mb = MinibatchGradient(model, 1, seed=0)
    seen = np.concatenate([mb.batch_indices(s) for s in range(200)])
    assert seen.shape == (200,)
    assert set(seen.tolist()) == set(range(7))  # every example gets its turn
    w = np.array([0.5, 2.0])
    i = int(mb.batch_indices(3)[0])
    np.testing.assert_allclose(mb(w, 3), model.with_examples([i]).grad(w), rtol=1e-14)


@pytest.mark.parametrize("size", [16, 1])
def test_minibatch_gradient_is_unbiased(overlap, size):
    """The mean of many minibatch gradients approaches the full gradient (fixed seed)."""
    mb = MinibatchGradient(overlap, size, seed=11)
    w = np.array([-1.0, 2.0])
    grads = np.array([mb(w, s) for s in range(4000)])
    full = overlap.grad(w)
    # 5 standard errors of the mean: a biased sampler (e.g. always the first examples) fails.
    sem = grads.std(axis=0) / np.sqrt(len(grads))
    assert np.all(np.abs(grads.mean(axis=0) - full) < 5 * sem)
    assert np.all(grads.std(axis=0) > 0)  # there is noise


def test_bias_caught_by_the_unbiasedness_check(overlap):
    """The check above can fail: the first 16 examples only are far from the full gradient."""
    w = np.array([-1.0, 2.0])
    biased = overlap.with_examples(np.arange(16)).grad(w)
    mb = MinibatchGradient(overlap, 16, seed=11)
    grads = np.array([mb(w, s) for s in range(4000)])
    sem = grads.std(axis=0) / np.sqrt(len(grads))
    assert np.any(np.abs(biased - overlap.grad(w)) > 5 * sem)


def test_full_batch_works_on_analytic_surfaces():
    bowl = make_model("bowl")
    mb = MinibatchGradient(bowl, None)
    np.testing.assert_array_equal(mb((0.3, -0.2), 0), bowl.grad((0.3, -0.2)))


@pytest.mark.parametrize("bad", [0, -3, 2.5, "16"])
def test_bad_batch_size(overlap, bad):
    with pytest.raises(ValueError, match="batch size"):
        MinibatchGradient(overlap, bad)


def test_bad_seed_and_step(overlap):
    with pytest.raises(ValueError, match="seed"):
        MinibatchGradient(overlap, 16, seed=-1)
    with pytest.raises(ValueError, match="step"):
        MinibatchGradient(overlap, 16).batch_indices(-1)


def test_minibatch_on_surface_is_a_model_error():
    with pytest.raises(ModelError, match="data-driven"):
        MinibatchGradient(make_model("rosenbrock"), 16)


@pytest.mark.parametrize("size", [1, 16])
def test_a_minibatch_walk_near_the_bottom_ends_noisy(overlap, size):
    # Regression: with batch size 1 the walk never stopped. Its full-batch twin converges, so the
    # bouncing is the noise's doing; the verdict is checked against the trail by hand.
    batches = MinibatchGradient(overlap, size, seed=0)
    walker = Walker(overlap, gradient=batches)
    while not walker.status.ended and walker.steps < RUN_BUDGET:
        walker.step()
    assert walker.status is WalkerStatus.NOISY and walker.steps % WINDOW == 0
    losses = np.array([p.loss for p in walker.trail])
    assert losses[-WINDOW:].mean() >= losses[-2 * WINDOW:-WINDOW].mean()
    noise = signal = 0.0
    for k in range(walker.steps - WINDOW, walker.steps):  # step k + 1 left trail[k]
        w = np.array([walker.trail[k].w1, walker.trail[k].w2])
        full = overlap.grad(w)
        noise += float(np.sum((batches(w, k) - full) ** 2))
        signal += float(np.sum(full**2))
    assert noise >= NOISE_SHARE * signal
    low, high = losses[-WINDOW:].min(), losses[-WINDOW:].max()
    assert f"between {format_number(low)} and {format_number(high)}" in walker.message
    full_batch = Walker(overlap)
    while not full_batch.status.ended:
        full_batch.step()
    assert full_batch.status is WalkerStatus.CONVERGED
