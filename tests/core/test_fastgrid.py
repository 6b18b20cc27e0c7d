"""The fast separable grid kernel against a slow, obviously right per-grid-point loop."""

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.landscapes import fastgrid
from losswalk.core.landscapes.fastgrid import logistic_loss_grid


def slow_grid(X, y, w1s, w2s, loss="bce", l2=0.0, bias=0.0):
    """One grid point at a time, vectorised over the examples only."""
    out = np.empty((len(w2s), len(w1s)))
    for j, w2 in enumerate(w2s):
        for i, w1 in enumerate(w1s):
            z = X[:, 0] * w1 + X[:, 1] * w2 + bias
            if loss == "bce":
                per_example = np.logaddexp(0.0, z) - y * z
            else:
                p = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid, written differently
                per_example = (p - y) ** 2
            out[j, i] = per_example.mean() + 0.5 * l2 * (w1**2 + w2**2)
    return out


def blobs(n, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(float)
    X = np.where(y[:, None] == 1.0, [1.0, 0.5], [-1.0, -0.5]) + rng.normal(0.0, scale, (n, 2))
    return X, y


def test_hand_computed_values():
    # one example x = (1, 2), y = 1 at w = (1, 1): z = 3, BCE = log(1 + e^-3), MSE = (1 - s(3))^2
    X, y = np.array([[1.0, 2.0]]), np.array([1.0])
    w1s, w2s = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    bce = logistic_loss_grid(X, y, w1s, w2s)
    assert bce[1, 1] == pytest.approx(math.log1p(math.exp(-3.0)), abs=1e-15)
    assert bce[0, 0] == pytest.approx(math.log(2.0), abs=1e-15)  # p = 1/2
    assert bce[1, 0] == pytest.approx(math.log1p(math.exp(-2.0)), abs=1e-15)  # row j = w2
    mse = logistic_loss_grid(X, y, w1s, w2s, loss="mse", l2=0.5)
    assert mse[1, 1] == pytest.approx((1 / (1 + math.exp(3.0))) ** 2 + 0.25 * 2, abs=1e-15)
    assert mse[0, 0] == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("n", [1, 2, 7, 200])
def test_matches_slow_loop_on_random_data(loss, n):
    X, y = blobs(n, seed=n)
    w1s, w2s = np.linspace(-5.0, 4.0, 23), np.linspace(-4.0, 6.0, 17)
    fast = logistic_loss_grid(X, y, w1s, w2s, loss=loss, l2=0.3, bias=0.7)
    np.testing.assert_allclose(fast, slow_grid(X, y, w1s, w2s, loss, 0.3, 0.7), rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), half=st.floats(0.01, 200.0), scale=st.floats(0.01, 10.0),
       bias=st.floats(-20.0, 20.0), seed=st.integers(0, 2**16),
       loss=st.sampled_from(["bce", "mse"]))
def test_matches_slow_loop_everywhere(n, half, scale, bias, seed, loss):
    X, y = blobs(n, scale, seed)
    w1s, w2s = np.linspace(-half, half, 9), np.linspace(-0.5 * half, 2 * half, 7)
    fast = logistic_loss_grid(X, y, w1s, w2s, loss=loss, bias=bias)
    slow = slow_grid(X, y, w1s, w2s, loss, bias=bias)
    np.testing.assert_allclose(fast, slow, rtol=1e-13, atol=1e-9)


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("half", [40.0, 100.0, 1000.0])
def test_huge_logits_use_the_exact_fallback(monkeypatch, loss, half):
    # |w| up to 1e3 and |x| up to 10: |z| ~ 1e4, per-axis exponentials and products overflow
    rng = np.random.default_rng(5)
    X = rng.uniform(-10.0, 10.0, (41, 2))
    y = (rng.random(41) < 0.5).astype(float)
    w1s, w2s = np.linspace(-half, half, 15), np.linspace(-half, 0.8 * half, 13)
    calls = []
    exact = fastgrid._exact
    monkeypatch.setattr(fastgrid, "_exact", lambda *a: calls.append(a) or exact(*a))
    fast = logistic_loss_grid(X, y, w1s, w2s, loss=loss, bias=3.0)
    assert calls, "the overflow fallback was not used"
    assert np.all(np.isfinite(fast))
    slow = slow_grid(X, y, w1s, w2s, loss, bias=3.0)
    np.testing.assert_allclose(fast, slow, rtol=1e-13, atol=1e-9)


def test_moderate_logits_need_no_fallback(monkeypatch):
    monkeypatch.setattr(fastgrid, "_exact", lambda *a: pytest.fail("fallback used"))
    X, y = blobs(300)
    w = np.linspace(-4.0, 4.0, 21)
    np.testing.assert_allclose(logistic_loss_grid(X, y, w, w), slow_grid(X, y, w, w),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_chunking_does_not_change_the_result(loss):
    X, y = blobs(301, seed=3)
    w1s, w2s = np.linspace(-6.0, 6.0, 31), np.linspace(-3.0, 9.0, 29)
    results = [logistic_loss_grid(X, y, w1s, w2s, loss=loss, max_bytes=m)
               for m in (1, 20_000, 200_000, 64 * 2**20)]
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=0, atol=1e-13)


def test_mse_with_soft_labels_matches_slow_loop():
    # labels strictly between 0 and 1 (the grid kernel takes any finite y)
    X, _ = blobs(31, seed=8)
    y = np.random.default_rng(8).uniform(0.0, 1.0, 31)
    w1s, w2s = np.linspace(-7.0, 5.0, 19), np.linspace(-5.0, 8.0, 21)
    fast = logistic_loss_grid(X, y, w1s, w2s, loss="mse", bias=-0.4)
    np.testing.assert_allclose(fast, slow_grid(X, y, w1s, w2s, "mse", bias=-0.4),
                               rtol=0, atol=1e-13)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_working_memory_is_bounded(loss):
    # the bound follows max_bytes whatever the count: 4,000 examples already run in 74 chunks
    # (20,000 cost 5 times the CPU and showed nothing more)
    X, y = blobs(4_000, seed=4)
    w = np.linspace(-4.0, 4.0, 101)
    out_bytes = 8 * w.size**2
    tracemalloc.start()
    try:
        logistic_loss_grid(X, y, w, w, loss=loss, max_bytes=2**20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # without chunking the (examples, grid axis) arrays alone would take ~19 MB, 8 times this
    assert peak < 2 * 2**20 + 3 * out_bytes


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("half", [4.0, 30.0])
def test_float32_mode_is_close(loss, half):
    X, y = blobs(500, seed=6)
    w = np.linspace(-half, half, 25)
    f64 = logistic_loss_grid(X, y, w, w, loss=loss, bias=0.5)
    f32 = logistic_loss_grid(X, y, w, w, loss=loss, bias=0.5, dtype=np.float32)
    assert f32.dtype == np.float64
    scale = max(1.0, np.abs(f64).max())
    assert np.abs(f32 - f64).max() <= 1e-5 * scale
    assert np.abs(f32 - f64).max() > 0  # really computed in single precision


def test_grid_shape_and_orientation():
    X, y = blobs(10)
    w1s, w2s = np.linspace(-1.0, 1.0, 3), np.linspace(0.0, 2.0, 5)
    values = logistic_loss_grid(X, y, w1s, w2s)
    assert values.shape == (5, 3)
    np.testing.assert_allclose(values, slow_grid(X, y, w1s, w2s), atol=1e-13)
    assert logistic_loss_grid(X, y, np.array([]), w2s).shape == (5, 0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"X": np.ones((3, 3))}, "need X of shape"),
    ({"y": np.ones(2)}, "need X of shape"),
    ({"X": np.ones((0, 2)), "y": np.ones(0)}, "N >= 1"),
    ({"bias": math.nan}, "must be finite"),
    ({"w1s": np.array([0.0, math.inf])}, "must be finite"),
    ({"w2s": np.ones((2, 2))}, "1-D"),
    ({"dtype": np.int64}, "float32 or float64"),
])
def test_bad_input_is_a_clear_error(kwargs, message):
    args = {"X": np.ones((3, 2)), "y": np.ones(3), "w1s": np.zeros(2), "w2s": np.zeros(2)}
    args.update(kwargs)
    X, y, w1s, w2s = (args.pop(k) for k in ("X", "y", "w1s", "w2s"))
    with pytest.raises(ValueError, match=message):
        logistic_loss_grid(X, y, w1s, w2s, **args)


def test_saturated_bce_grid_is_never_negative():
    # Far out on separable data every example is classified with |z| in the hundreds: the two
    # sums (softplus and y z) are huge and nearly equal, and rounding used to leave -4e-14.
    from losswalk.core.landscapes.datasets import make_dataset

    data = make_dataset("separable")
    axis = np.linspace(-100.0, 100.0, 65)
    values = logistic_loss_grid(data.X, data.y, axis, axis)
    assert values.min() >= 0.0
    assert values.min() == pytest.approx(0.0, abs=1e-12)
