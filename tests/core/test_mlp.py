"""The numpy MLP: layout, backprop against finite differences, Hessian-vector products and the
top Hessian eigenvalue against a dense finite-difference Hessian, seeded training."""

import numpy as np
import pytest

from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.mlp import (
    Network,
    check_hidden,
    init_weights,
    matmul,
    parse_hidden,
    top_hessian_eigenvalue,
    train,
)


def tiny_problem(sizes=(2, 3, 2, 1), n=12, seed=1):
    """A tiny network with random (not trained) weights and random data with 0/1 labels."""
    rng = np.random.default_rng(seed)
    net = Network(sizes)
    theta = rng.normal(0.0, 0.8, net.n_weights)
    X = rng.normal(size=(n, sizes[0]))
    y = (rng.random(n) < 0.5).astype(float)
    return net, theta, X, y


def loss_by_hand(theta, X, y):
    """2->3->2->1 written out layer by layer with explicit slices (independent of Network)."""
    W1, b1 = theta[0:6].reshape(3, 2), theta[6:9]
    W2, b2 = theta[9:15].reshape(2, 3), theta[15:17]
    W3, b3 = theta[17:19].reshape(1, 2), theta[19:20]
    h = np.tanh(X @ W1.T + b1)
    h = np.tanh(h @ W2.T + b2)
    p = 1.0 / (1.0 + np.exp(-(h @ W3.T + b3)[:, 0]))
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def test_weight_counts_match_the_issue():
    assert Network((2, 16, 16, 1)).n_weights == 337  # "about 340"
    assert Network((2, 64, 64, 1)).n_weights == 4417  # "about 4,400"
    assert Network((2, 16, 16, 1)).architecture == "2→16→16→1"


def test_loss_matches_a_hand_written_forward_pass():
    net, theta, X, y = tiny_problem()
    assert net.n_weights == 20
    assert net.loss(theta, X, y) == pytest.approx(loss_by_hand(theta, X, y), rel=1e-12)


def test_blocks_and_biases_cover_every_weight_once():
    net = Network((2, 3, 2, 1))
    blocks = net.neuron_blocks()
    assert [len(b) for b in blocks] == [2, 2, 2, 3, 3, 2]  # one row of W per neuron: its fan-in
    covered = np.concatenate([*blocks, np.flatnonzero(net.bias_mask())])
    assert sorted(covered) == list(range(20))
    assert list(np.flatnonzero(net.bias_mask())) == [6, 7, 8, 15, 16, 19]


@pytest.mark.parametrize("sizes", [(2, 3, 2, 1), (2, 5, 1), (2, 4, 3, 3, 1)])
def test_backprop_gradient_matches_finite_differences(sizes):
    net, theta, X, y = tiny_problem(sizes)
    loss, grad = net.loss_and_grad(theta, X, y)
    assert loss == pytest.approx(net.loss(theta, X, y), rel=1e-14)
    h = 1e-6
    numeric = np.array([(net.loss(theta + h * e, X, y) - net.loss(theta - h * e, X, y)) / (2 * h)
                        for e in np.eye(net.n_weights)])
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def dense_hessian_from_losses(net, theta, X, y, h=1e-4):
    """Second central differences of the loss alone (no gradient code involved)."""
    P = net.n_weights
    E = np.eye(P) * h
    f = lambda t: net.loss(t, X, y)  # noqa: E731
    H = np.empty((P, P))
    for i in range(P):
        for j in range(i, P):
            H[i, j] = H[j, i] = (f(theta + E[i] + E[j]) - f(theta + E[i] - E[j])
                                 - f(theta - E[i] + E[j]) + f(theta - E[i] - E[j])) / (4 * h * h)
    return H


def test_hessian_vector_products_and_top_eigenvalue_match_a_dense_hessian():
    net, theta, X, y = tiny_problem((2, 3, 1), n=10, seed=4)
    H = dense_hessian_from_losses(net, theta, X, y)
    v = np.random.default_rng(0).normal(size=net.n_weights)
    np.testing.assert_allclose(net.hvp(theta, v, X, y), H @ v, rtol=1e-4, atol=1e-6)
    top = float(np.linalg.eigvalsh(H)[-1])
    assert top_hessian_eigenvalue(net, theta, X, y) == pytest.approx(top, rel=1e-4)


def test_top_eigenvalue_is_the_largest_not_the_largest_in_size():
    """Power iteration finds the eigenvalue largest in size (-5 here); the shift then finds 2."""

    class Quadratic:
        A = np.diag([-5.0, 1.0, 2.0])

        def hvp(self, theta, v, X, y):
            return self.A @ v

    assert top_hessian_eigenvalue(Quadratic(), np.zeros(3), None, None) == pytest.approx(2.0,
                                                                                        rel=1e-5)


def test_training_is_seeded_and_fits_the_moons():
    data = make_dataset("moons")
    net = Network((2, 16, 16, 1))
    first, again = train(net, data.X, data.y, seed=0), train(net, data.X, data.y, seed=0)
    np.testing.assert_array_equal(first.theta, again.theta)
    assert not np.array_equal(first.theta, train(net, data.X, data.y, seed=1, steps=20).theta)
    np.testing.assert_array_equal(first.trajectory[-1], first.theta)
    np.testing.assert_array_equal(first.trajectory[0],
                                  init_weights(net, np.random.default_rng(0)))
    start, end = net.loss(first.trajectory[0], data.X, data.y), net.loss(first.theta, data.X,
                                                                            data.y)
    assert end < 0.05 < start
    assert np.mean((net.logits(first.theta, data.X) > 0) == data.y) > 0.95


def test_training_on_more_examples_than_a_batch_uses_minibatches():
    data = make_dataset("moons", n=600)
    net = Network((2, 4, 1))
    run = train(net, data.X, data.y, seed=0, steps=300)
    assert net.loss(run.theta, data.X, data.y) < net.loss(run.trajectory[0], data.X, data.y)


@pytest.mark.parametrize("text, expected", [("16,16", (16, 16)), ("64,64", (64, 64)), ("8", (8,)),
                                            ("128,1,128", (128, 1, 128))])
def test_parse_hidden(text, expected):
    assert parse_hidden(text) == expected


@pytest.mark.parametrize("text", ["", "0", "16,x", "1,2,3,4", "129", "-3", "2.5"])
def test_parse_hidden_refuses_with_the_rule(text):
    with pytest.raises(ValueError, match="hidden layers are 1 to 3 whole numbers from 1 to 128"):
        parse_hidden(text)
    with pytest.raises(ValueError):
        check_hidden((0,))


@pytest.mark.parametrize("shape", [(3, 4, 5), (300, 40, 50), (40, 300, 50), (2, 2000, 200)])
def test_matmul_in_pieces_equals_the_product(shape):
    m, k, n = shape
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    np.testing.assert_allclose(matmul(A, B), A @ B, rtol=1e-12, atol=1e-12)
