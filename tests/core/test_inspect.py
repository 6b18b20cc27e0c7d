"""Tests for core/inspect.py: per-example losses, costliest examples, accuracy, boundary."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.landscapes.datasets import Dataset, make_dataset
from losswalk.core.landscapes.models import LogisticModel, ModelError, TinyNet, make_model
from losswalk.core.lesson.inspect import (
    Example,
    accuracy,
    costliest,
    decision_boundary,
    logits,
    per_example_losses,
    predictions,
)

# Three examples, w = (2, -0.5), bias 0: z = (2, -1, -1.5) by hand.
THREE = Dataset("three", np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, -1.0]]),
                np.array([1.0, 0.0, 1.0]), "three points")
W = np.array([2.0, -0.5])


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def bce(y: float, p: float) -> float:
    return -math.log(p) if y == 1.0 else -math.log(1.0 - p)


def test_logistic_bce_by_hand():
    model = LogisticModel(THREE)
    np.testing.assert_allclose(logits(model, W), [2.0, -1.0, -1.5])
    np.testing.assert_allclose(predictions(model, W), [sig(2.0), sig(-1.0), sig(-1.5)])
    losses = per_example_losses(model, W)
    np.testing.assert_allclose(losses, [bce(1, sig(2.0)), bce(0, sig(-1.0)), bce(1, sig(-1.5))],
                               rtol=1e-12)
    assert losses[0] == pytest.approx(0.12692801104297263, rel=1e-12)  # log(1 + e^-2)
    assert accuracy(model, W) == pytest.approx(2 / 3)  # predicts (1, 0, 0) for labels (1, 0, 1)


def test_logistic_mse_with_bias_by_hand():
    model = LogisticModel(THREE, loss="mse", bias=1.0)  # z = (3, 0, -0.5)
    p = [sig(3.0), 0.5, sig(-0.5)]
    np.testing.assert_allclose(per_example_losses(model, W),
                               [(p[0] - 1) ** 2, 0.25, (p[2] - 1) ** 2], rtol=1e-12)
    assert accuracy(model, W) == pytest.approx(2 / 3)  # p = 0.5 counts as label 0: right


def test_costliest_by_hand():
    model = LogisticModel(THREE)
    worst = costliest(model, W, k=2)
    assert [e.index for e in worst] == [2, 1]
    e = worst[0]
    assert isinstance(e, Example)
    assert (e.x1, e.x2, e.y) == (-1.0, -1.0, 1.0)
    assert e.p == pytest.approx(sig(-1.5)) and e.loss == pytest.approx(bce(1, sig(-1.5)))
    assert len(costliest(model, W, k=10)) == 3
    assert costliest(model, W, k=0) == []
    with pytest.raises(ValueError, match="k must be"):
        costliest(model, W, k=-1)


def test_costliest_ties_keep_index_order():
    model = LogisticModel(THREE)
    assert [e.index for e in costliest(model, (0.0, 0.0))] == [0, 1, 2]  # all log 2


def test_tiny_net_by_hand():
    data = Dataset("tiny", np.array([[1.0], [-2.0], [0.5]]), np.array([1.0, 1.0, 0.0]), "")
    model = TinyNet(data)
    w = np.array([1.0, 2.0])
    z = [2 * math.tanh(1.0), 2 * math.tanh(-2.0), 2 * math.tanh(0.5)]
    np.testing.assert_allclose(logits(model, w), z, rtol=1e-14)
    losses = per_example_losses(model, w)
    np.testing.assert_allclose(losses, [bce(1, sig(z[0])), bce(1, sig(z[1])), bce(0, sig(z[2]))],
                               rtol=1e-12)
    assert accuracy(model, w) == pytest.approx(1 / 3)
    worst = costliest(model, w, k=1)[0]
    assert worst.index == 1 and worst.x1 == -2.0 and worst.x2 is None
    np.testing.assert_allclose(logits(model, w, np.array([[0.0], [3.0]])), [0.0, 2 * math.tanh(3)])


MODELS = [
    LogisticModel(make_dataset("overlap", n=50), "bce", 0.3, bias=0.7),
    LogisticModel(make_dataset("xor", n=50), "mse", 0.2),
    TinyNet(make_dataset("line", n=50), "bce", 0.1),
    TinyNet(make_dataset("line", n=50), "mse", 0.0),
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(range(len(MODELS))),
       st.floats(-6, 6, allow_nan=False), st.floats(-6, 6, allow_nan=False))
def test_mean_of_per_example_losses_is_the_model_loss(which, w1, w2):
    model = MODELS[which]
    w = np.array([w1, w2])
    data_loss = model.loss(w) - 0.5 * model.l2 * (w @ w)
    assert per_example_losses(model, w).mean() == pytest.approx(data_loss, rel=1e-12, abs=1e-12)


def test_non_finite_weights():
    model = LogisticModel(THREE)
    assert math.isnan(accuracy(model, (math.nan, 1.0)))
    assert costliest(model, (math.nan, 1.0)) == []


def test_no_data_on_analytic_surface():
    with pytest.raises(ModelError, match="no data"):
        per_example_losses(make_model("bowl"), W)


# --- decision boundary ---------------------------------------------------------------------------


def same_segment(got, want) -> bool:
    return got is not None and np.allclose(sorted(got), sorted(want), rtol=0, atol=1e-12)


def test_boundary_by_hand():
    box = ((-1.0, 1.0), (-1.0, 1.0))
    assert same_segment(decision_boundary(1, 1, 0, *box), [(1, -1), (-1, 1)])
    assert same_segment(decision_boundary(2, 0, -1, *box), [(0.5, -1), (0.5, 1)])  # x1 = 0.5
    assert same_segment(decision_boundary(0, 1, 0.5, *box), [(-1, -0.5), (1, -0.5)])
    assert same_segment(decision_boundary(1, -2, 0.5, (0, 4), (0, 1)), [(0, 0.25), (1.5, 1)])


@pytest.mark.parametrize(("w1", "w2", "bias"), [
    (0.0, 0.0, 0.0), (1e-13, 0.0, 0.0), (math.nan, 1.0, 0.0), (1.0, math.inf, 0.0),
    (1.0, 1.0, math.nan), (1.0, 0.0, 5.0),  # x1 = -5 misses the box
])
def test_no_boundary(w1, w2, bias):
    assert decision_boundary(w1, w2, bias, (-1, 1), (-1, 1)) is None


box_edge = st.floats(-10, 10, allow_nan=False)
weight = st.floats(-5, 5, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@settings(max_examples=300, deadline=None)
@given(weight, weight, st.floats(-20, 20, allow_nan=False), box_edge, box_edge,
       st.floats(0.1, 10), st.floats(0.1, 10))
def test_boundary_on_line_inside_box_and_none_iff_missed(w1, w2, bias, x0, y0, dx, dy):
    xlim, ylim = (x0, x0 + dx), (y0, y0 + dy)
    corners = [w1 * x + w2 * y + bias for x in xlim for y in ylim]
    seg = decision_boundary(w1, w2, bias, xlim, ylim)
    scale = abs(w1) * 20 + abs(w2) * 20 + abs(bias)
    if min(corners) > 1e-9 * scale or max(corners) < -1e-9 * scale:
        assert seg is None  # every corner strictly on one side: the line misses the box
        return
    if min(corners) < -1e-9 * scale and max(corners) > 1e-9 * scale:
        assert seg is not None  # corners on both sides: the line crosses the box
    if seg is None:
        return
    for x, y in seg:
        assert abs(w1 * x + w2 * y + bias) <= 1e-9 * scale
        assert xlim[0] <= x <= xlim[1] and ylim[0] <= y <= ylim[1]
        on_edge = min(abs(x - xlim[0]), abs(x - xlim[1]), abs(y - ylim[0]), abs(y - ylim[1]))
        assert on_edge <= 1e-9 * (1 + abs(x) + abs(y))
