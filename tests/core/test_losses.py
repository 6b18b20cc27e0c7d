"""Losses: the lesson's worked values, stability at extreme logits, gradients vs central
differences."""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.landscapes.losses import (
    EPS,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    mean_squared_error,
    mean_squared_error_grad,
    sigmoid,
    softplus,
)


def central_diff(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Gradient of scalar f at x by central differences, one coordinate at a time."""
    out = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        out[k] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_lesson_problem_1_good_prediction():
    assert binary_cross_entropy([1.0], [0.9]) == pytest.approx(0.1054, abs=1e-4)
    assert round(binary_cross_entropy([1.0], [0.9]), 3) == 0.105


def test_lesson_problem_2_bad_prediction_is_22x_worse():
    bad, good = binary_cross_entropy([1.0], [0.1]), binary_cross_entropy([1.0], [0.9])
    assert round(bad, 3) == 2.303
    assert round(bad / good) == 22


def test_lesson_problem_3_confident_mistakes_grow_without_bound():
    assert round(binary_cross_entropy([1.0], [0.01]), 3) == 4.605
    assert round(binary_cross_entropy([1.0], [0.001]), 3) == 6.908
    values = [binary_cross_entropy([1.0], [10.0**-k]) for k in range(1, 12)]
    assert all(b > a + 2.0 for a, b in itertools.pairwise(values))  # + log(10) per decade


def test_clip_makes_certain_mistakes_large_but_finite():
    assert binary_cross_entropy([1.0], [0.0]) == pytest.approx(-math.log(EPS))
    assert binary_cross_entropy([0.0], [1.0]) == pytest.approx(27.631, abs=1e-3)
    assert binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == pytest.approx(0.0, abs=1e-11)


def test_bce_is_mean_over_examples_symmetric_in_labels():
    expected = -(math.log(0.9) + math.log(1 - 0.2) + math.log(0.6)) / 3
    assert binary_cross_entropy([1, 0, 1], [0.9, 0.2, 0.6]) == pytest.approx(expected, rel=1e-12)


def test_logits_form_matches_probability_form():
    z = np.array([-3.0, -0.5, 0.0, 0.7, 4.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(
        binary_cross_entropy(y, 1 / (1 + np.exp(-z))), rel=1e-12)


def test_sigmoid_and_softplus_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-15)
    assert sigmoid(-2.0) == pytest.approx(1 / (1 + math.exp(2)), rel=1e-15)
    assert softplus(0.0) == pytest.approx(math.log(2))
    assert softplus(3.0) == pytest.approx(math.log1p(math.exp(3.0)), rel=1e-15)


def test_extreme_logits_are_exact_and_warning_free():
    z = np.array([-1e4, -800.0, 800.0, 1e4, 1e6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = sigmoid(z)
            sp = softplus(z)
            right = binary_cross_entropy_with_logits(np.ones(1), [1e4])
            wrong = binary_cross_entropy_with_logits(np.ones(1), [-1e4])
            g = binary_cross_entropy_with_logits_grad([1.0, 0.0], [-1e4, -1e4])
    np.testing.assert_array_equal(s, [0.0, 0.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(sp, [0.0, 0.0, 800.0, 1e4, 1e6])
    assert right == 0.0
    assert wrong == pytest.approx(1e4)  # no clip in the logit form: it is exact
    np.testing.assert_allclose(g, [-0.5, 0.0])


def test_mse_values():
    assert mean_squared_error([1.0, 0.0], [0.9, 0.3]) == pytest.approx((0.01 + 0.09) / 2)
    np.testing.assert_allclose(mean_squared_error_grad([1.0, 0.0], [0.9, 0.3]), [-0.1, 0.3])


def test_axis_takes_the_mean_along_one_axis_with_broadcast_labels():
    z = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -2.0]])
    y = np.array([1.0, 0.0, 1.0])
    per_row = binary_cross_entropy_with_logits(y, z, axis=-1)
    expected = [binary_cross_entropy_with_logits(y, row) for row in z]
    np.testing.assert_allclose(per_row, expected, rtol=1e-14)
    np.testing.assert_allclose(mean_squared_error(y, z, axis=-1),
                               [mean_squared_error(y, row) for row in z], rtol=1e-14)


def test_empty_input_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        binary_cross_entropy([], [])


probabilities = st.lists(st.floats(0.02, 0.98), min_size=1, max_size=6)
logits = st.lists(st.floats(-30.0, 30.0), min_size=1, max_size=6)


def labels_for(values, data) -> np.ndarray:
    return np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0]),
                                       min_size=len(values), max_size=len(values))))


@settings(max_examples=60, deadline=None)
@given(probabilities, st.data())
def test_bce_grad_matches_finite_differences(p, data):
    p, y = np.array(p), labels_for(p, data)
    np.testing.assert_allclose(binary_cross_entropy_grad(y, p),
                               central_diff(lambda q: binary_cross_entropy(y, q), p, 1e-7),
                               rtol=1e-5, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(logits, st.data())
def test_bce_with_logits_grad_matches_finite_differences(z, data):
    z, y = np.array(z), labels_for(z, data)
    np.testing.assert_allclose(binary_cross_entropy_with_logits_grad(y, z),
                               central_diff(lambda q: binary_cross_entropy_with_logits(y, q), z),
                               rtol=1e-5, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(probabilities, st.data())
def test_mse_grad_matches_finite_differences(p, data):
    p, y = np.array(p), labels_for(p, data)
    np.testing.assert_allclose(mean_squared_error_grad(y, p),
                               central_diff(lambda q: mean_squared_error(y, q), p),
                               rtol=1e-6, atol=1e-9)
