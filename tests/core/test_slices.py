"""Slices of the MLP: filter normalisation by hand, PCA against an independent eigen-decomposition,
the plane's gradient against finite differences, the batched grid against the per-point loop."""

import dataclasses

import numpy as np
import pytest

from losswalk.core.landscapes import slices
from losswalk.core.landscapes.datasets import make_dataset
from losswalk.core.landscapes.landscape import evaluate
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.mlp import Network, top_hessian_eigenvalue, train
from losswalk.core.landscapes.models import LandscapeOptions, ModelError, make_model
from losswalk.core.landscapes.slices import SliceModel, filter_normalised, pca_directions


@pytest.fixture(scope="module")
def random_slice():
    return make_model("mlp-random")


@pytest.fixture(scope="module")
def pca_slice():
    return make_model("mlp-pca")


@pytest.fixture(scope="module")
def deep_slice():
    """Three hidden layers and a few examples: the grid's deeper-layer loop runs twice."""
    return SliceModel("random", make_dataset("xor", n=40), hidden=(5, 4, 3), direction_seed=3)


def test_filter_normalisation_on_a_hand_made_network():
    net = Network((2, 2, 1))  # theta: W1 (2x2) | b1 (2) | W2 (1x2) | b2 (1)
    theta = np.array([3.0, 4.0, 0.0, 1.0, 7.0, 8.0, 0.6, 0.8, 9.0])
    raw = np.array([[1.0, 1.0, 2.0, 0.0, 5.0, 5.0, 1.0, 3.0, 5.0],
                    [1.0, 0.0, 1.0, 1.0, 5.0, 5.0, 2.0, 1.0, 5.0]])
    d = filter_normalised(raw, theta, net)
    # d1: each neuron's row rescaled to the norm of that row of theta (5, 1 and 1)
    np.testing.assert_allclose(d[0], [5 / 2**0.5, 5 / 2**0.5, 1.0, 0.0, 0.0, 0.0,
                                      1 / 10**0.5, 3 / 10**0.5, 0.0])
    # d2 row 1: (1, 0) minus its part along (1, 1)/sqrt 2 is (0.5, -0.5), scaled to norm 5
    np.testing.assert_allclose(d[1][:2], [5 / 2**0.5, -5 / 2**0.5])
    for block in net.neuron_blocks():
        for k in range(2):
            assert np.linalg.norm(d[k, block]) == pytest.approx(np.linalg.norm(theta[block]))
        assert d[0, block] @ d[1, block] == pytest.approx(0.0, abs=1e-12)
    assert np.all(d[:, net.bias_mask()] == 0.0)


def test_random_slice_directions_are_filter_normalised_and_orthogonal(random_slice):
    net, theta, d = random_slice.network, random_slice.theta, random_slice.directions
    for block in net.neuron_blocks():
        np.testing.assert_allclose(np.linalg.norm(d[:, block], axis=1),
                                   np.linalg.norm(theta[block]), rtol=1e-12)
    assert np.all(d[:, net.bias_mask()] == 0.0)
    assert abs(d[0] @ d[1]) <= 1e-12 * (d[0] @ d[0])


def test_direction_seed_picks_the_directions():
    data = make_dataset("moons")
    a, b = (SliceModel("random", data, direction_seed=s) for s in (0, 0))
    c = SliceModel("random", data, direction_seed=5)
    np.testing.assert_array_equal(a.directions, b.directions)
    assert not np.allclose(a.directions, c.directions)
    np.testing.assert_array_equal(a.theta, c.theta)  # the same trained network
    assert "direction seed 5" in c.description and c.direction_seed == 5
    options = LandscapeOptions.from_user(name="mlp-random", direction_seed=5)
    np.testing.assert_array_equal(options.build(strict=True).directions, c.directions)


def test_pca_directions_against_an_eigen_decomposition():
    rng = np.random.default_rng(0)
    P, T = 6, 40
    axes = np.linalg.qr(rng.normal(size=(P, P)))[0].T  # orthonormal rows
    coords = rng.normal(size=(T, 3)) * [3.0, 2.0, 1.0]
    theta = rng.normal(size=P)
    trajectory = theta + coords @ axes[:3]
    d, share = pca_directions(trajectory, theta)
    centred = trajectory - trajectory.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)  # ascending
    for k in range(2):
        assert abs(d[k] @ vectors[:, -1 - k]) == pytest.approx(1.0, abs=1e-9)
    assert share == pytest.approx((values[-1] + values[-2]) / values.sum(), rel=1e-9)
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    assert np.all((trajectory[0] - theta) @ d.T <= 0)  # the run starts at negative coordinates


def test_pca_slice_draws_its_run(pca_slice):
    m = pca_slice
    assert m.trajectory.shape == (len(m.training.trajectory), 2)
    np.testing.assert_allclose(m.trajectory[-1], [0.0, 0.0], atol=1e-12)  # theta* at the origin
    assert tuple(m.trajectory[0]) == m.start
    x0, x1, y0, y1 = m.extent
    assert np.all((x0 < m.trajectory[:, 0]) & (m.trajectory[:, 0] < x1))
    assert np.all((y0 < m.trajectory[:, 1]) & (m.trajectory[:, 1] < y1))
    assert 0.5 < m.explained <= 1.0
    assert f"{m.explained:.1%} of its variance" in m.description


def test_pca_trajectory_losses_true_and_on_the_plane(pca_slice):
    m = pca_slice
    true, plane = m.trajectory_losses()
    X, y = m.dataset.X, m.dataset.y
    for t in (0, len(true) // 2):
        weights = m.training.trajectory[t]
        assert true[t] == pytest.approx(m.network.loss(weights, X, y), rel=1e-12)
        on_plane = m.theta + m.directions.T @ (m.directions @ (weights - m.theta))
        assert plane[t] == pytest.approx(m.network.loss(on_plane, X, y), rel=1e-9)
    assert plane[-1] == pytest.approx(true[-1], rel=1e-9)  # theta* lies on the plane
    assert not np.allclose(true, plane, rtol=1e-3)  # elsewhere the run leaves the plane
    with pytest.raises(ModelError, match="only the PCA slice"):
        make_model("mlp-random").trajectory_losses()


@pytest.mark.parametrize("which", ["random_slice", "pca_slice", "deep_slice"])
def test_plane_gradient_matches_finite_differences_on_the_plane(which, request):
    m = request.getfixturevalue(which)
    x0, x1, y0, y1 = m.extent
    rng = np.random.default_rng(2)
    for w in [np.zeros(2), *rng.uniform([x0, y0], [x1, y1], (4, 2))]:
        h = 1e-6 * max(x1 - x0, y1 - y0)
        numeric = [(m.loss(w + h * e) - m.loss(w - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(m.grad(w), numeric, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(m.grad(w), m.directions @ m.full_grad(w), rtol=1e-12)


@pytest.mark.parametrize("which", ["random_slice", "pca_slice", "deep_slice"])
def test_batched_grid_matches_the_per_point_loop(which, request):
    m = request.getfixturevalue(which)
    x0, x1, y0, y1 = m.extent
    w1s, w2s = np.linspace(x0, x1, 13), np.linspace(y0, y1, 9)
    loop = np.array([[m.loss([a, b]) for a in w1s] for b in w2s])
    np.testing.assert_allclose(m.loss_grid(w1s, w2s), loop, rtol=2e-5)


def test_grid_chunks_do_not_change_the_values(random_slice, monkeypatch):
    w1s, w2s = np.linspace(-1, 1, 7), np.linspace(-1, 1, 5)
    whole = random_slice.loss_grid(w1s, w2s)
    monkeypatch.setattr(slices, "CHUNK_ELEMENTS", 1)  # one grid point at a time
    np.testing.assert_allclose(random_slice.loss_grid(w1s, w2s), whole, rtol=1e-6)


def test_large_data_grid_scores_a_fixed_sample(monkeypatch):
    m = SliceModel("random", make_dataset("moons", n=300), hidden=(4,))
    monkeypatch.setattr(slices, "GRID_BUDGET", 100 * 12)
    w1s, w2s = np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)
    assert m.grid_examples(4, 3) == 100
    keep = np.sort(np.random.default_rng(slices.GRID_SEED).choice(300, 100, replace=False))
    sample = dataclasses.replace(m.dataset, X=m.dataset.X[keep], y=m.dataset.y[keep])
    loop = [[m.network.loss(m.weights([a, b]), sample.X, sample.y) for a in w1s] for b in w2s]
    np.testing.assert_allclose(m.loss_grid(w1s, w2s), loop, rtol=2e-5)


def test_map_grid_through_evaluate_reports_progress(random_slice):
    seen = []
    grid = evaluate(random_slice, random_slice.extent, 11, 17, progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) > 1
    assert grid.values[8, 5] == pytest.approx(random_slice.loss([0.0, 0.0]), rel=2e-5)


def test_full_hessian_top_eigenvalue_is_lazy_and_cached(random_slice, pca_slice):
    m = make_model("mlp-random", direction_seed=9)
    assert m._top_eigenvalue is None  # not computed at start-up
    value = m.full_hessian_top_eigenvalue()
    assert value == m.full_hessian_top_eigenvalue() == m._top_eigenvalue
    expected = top_hessian_eigenvalue(m.network, m.theta, m.dataset.X, m.dataset.y)
    assert value == pytest.approx(expected, rel=1e-12)
    assert pca_slice.full_hessian_top_eigenvalue() == pytest.approx(value, rel=1e-6)  # same net
    assert value > 0


def test_landmarks_search_the_plane(random_slice):
    report = landmarks(random_slice, random_slice.extent)
    best = report.global_minima[0]
    assert not report.unbounded
    assert best.loss <= random_slice.loss([0.0, 0.0]) + 1e-12
    assert np.linalg.norm(random_slice.grad([best.w1, best.w2])) < 1e-6
    assert abs(best.w1) < 0.1 and abs(best.w2) < 0.1  # near theta*, the trained weights


def test_slice_states_the_dimension_and_that_it_is_a_slice(random_slice, pca_slice):
    for m in (random_slice, pca_slice):
        assert m.n_weights == 337
        assert "337 weights" in m.description and "2→16→16→1" in m.description
        assert "slice" in m.slice_note and "337" in m.slice_note
        assert m.loss([0.0, 0.0]) == pytest.approx(
            m.network.loss(m.theta, m.dataset.X, m.dataset.y), rel=1e-12)
    assert make_model("mlp-random", hidden=(64, 64)).n_weights == 4417


@pytest.mark.parametrize("kwargs, message", [
    ({"dataset": "line"}, "the MLP needs 2 input columns"),
    ({"hidden": (0,)}, "--hidden: hidden layers are 1 to 3"),
    ({"loss": "mse"}, "--loss applies only to data-driven landscapes: logistic, tiny-net"),
    ({"l2": 0.1}, "network slices use binary cross-entropy without a penalty"),
])
def test_bad_slice_options(kwargs, message):
    with pytest.raises(ModelError, match=message):
        make_model("mlp-random", **kwargs)


def test_slice_only_options_are_refused_elsewhere():
    with pytest.raises(ModelError, match="--hidden applies only to the network slices"):
        LandscapeOptions.from_user(name="bowl", hidden=(4,)).build(strict=True)
    with pytest.raises(ModelError, match="--direction-seed applies only to the network slices: "
                       "mlp-random \\(not mlp-pca\\)"):
        LandscapeOptions.from_user(name="mlp-pca", direction_seed=0).build(strict=True)
    with pytest.raises(ModelError, match="--dataset applies only to data-driven landscapes: "
                       "logistic, tiny-net, mlp-random, mlp-pca"):
        make_model("bowl", dataset="xor")
    # the app switching landscape (not strict) drops what the new one ignores
    options = LandscapeOptions.from_user(name="logistic", dataset="xor", l2=0.1)
    assert options.with_name("mlp-random").build().dataset.name == "xor"
    assert options.with_name("mlp-random").with_name("logistic").build().l2 == 0.1


def test_run_trail_and_what_the_map_draws(pca_slice, random_slice):
    from losswalk.core.landscapes.slices import run_trail, shown_trail
    from losswalk.core.walk.walker import Walker

    run = run_trail(pca_slice)
    assert [(p.w1, p.w2) for p in run] == [tuple(p) for p in pca_slice.trajectory]
    assert run_trail(random_slice) == [] and run_trail(make_model("bowl")) == []
    walker = Walker(pca_slice)  # starts where the run started
    walker.step()
    drawn = shown_trail(pca_slice, walker.trail)
    assert drawn == [*reversed(run), *walker.trail]  # theta* ... start, then the walk: one line
    assert (drawn[len(run) - 1].w1, drawn[len(run) - 1].w2) == pca_slice.start
    walker.reset((0.5, 0.5))  # elsewhere: no line may join the run to this walk
    assert shown_trail(pca_slice, walker.trail) == walker.trail
    assert shown_trail(random_slice, walker.trail) == walker.trail


def test_slice_summary_says_what_the_slice_is(random_slice, pca_slice):
    from losswalk.core.drawing.text import format_number
    from losswalk.core.landscapes.slices import slice_summary

    text = slice_summary(random_slice)
    assert "2-D slice of 337 weights (2→16→16→1)" in text
    assert "direction seed 0" in text and "minima marked are the slice's" in text
    true, plane = pca_slice.trajectory_losses()
    text = slice_summary(pca_slice)
    assert f"{pca_slice.explained:.1%} of its variance" in text
    assert (f"run's loss {format_number(true[0], 2)}→{format_number(true[-1], 2)}, on the plane "
            f"{format_number(plane[0], 2)}→{format_number(plane[-1], 2)} (they differ" in text)
    assert format_number(true[0], 2) != format_number(plane[0], 2)  # they do differ at the start
    ascii_text = slice_summary(pca_slice, "ascii")
    assert ascii_text.isascii() and "2->16->16->1" in ascii_text
    assert slice_summary(make_model("logistic")) == ""


def test_bigger_networks_map_a_sample_sized_by_their_weights(monkeypatch):
    # the sample's size depends only on the count of weights and of examples, not on the trained
    # weights: one Adam step each instead of the 1000 of start-up (not remembered by _trained)
    monkeypatch.setattr(slices, "_trained", lambda net, data: train(net, data.X, data.y, steps=1))
    small = SliceModel("random", make_dataset("moons", n=1000), hidden=(4,))
    assert small.grid_examples(101, 101) == 1000  # all of them for the figures
    big = make_model("mlp-random", hidden=(64, 64))
    assert big.grid_examples(101, 101) == min(200, int(slices.GRID_WORK // 4417) // 10201)
    huge = SliceModel("random", make_dataset("moons", n=1000), hidden=(128, 128))
    expected = int(slices.GRID_WORK // huge.n_weights) // 10201
    assert huge.grid_examples(101, 101) == expected < 1000


@pytest.mark.parametrize("which", ["random_slice", "pca_slice"])
def test_default_learning_rate_walks_downhill_from_the_start(which, request):
    """Regression: the PCA plane's rate came from the flat bottom alone (100) and threw the
    walker off the map in two steps."""
    from losswalk.core.walk.walker import Walker, WalkerStatus

    m = request.getfixturevalue(which)
    walker = Walker(m)
    losses = [walker.step().loss for _ in range(200)]
    assert walker.status is not WalkerStatus.DIVERGED and not walker.off_map
    assert losses[-1] < 0.25 * walker.trail[0].loss


def test_grid_with_uneven_example_blocks_matches_the_loop():
    """64,64 cuts 130 examples into 3 blocks of 44 (2 padding examples, which carry sign 0)."""
    m = SliceModel("random", make_dataset("moons", n=130), hidden=(64, 64))
    widest = 64 * 65
    assert 130 % -(-130 * widest // slices.ONE_THREAD_WORK) != 0  # the blocks need padding
    w1s, w2s = np.linspace(-1, 1, 5), np.linspace(-1, 1, 3)
    loop = np.array([[m.loss([a, b]) for a in w1s] for b in w2s])
    np.testing.assert_allclose(m.loss_grid(w1s, w2s), loop, rtol=2e-5)


def test_grid_keeps_tiny_losses_relative_accuracy():
    """At theta* on separable data almost every example is far from the boundary (|z| large):
    softplus(-|z|) must be kept, not rounded to 0, or the tiny loss would lose its digits."""
    m = SliceModel("random", make_dataset("separable", n=200), hidden=(16, 16))
    small = np.array([-1e-3, 0.0, 1e-3])
    loop = np.array([[m.loss([a, b]) for a in small] for b in small])
    assert loop.max() < 1e-3
    np.testing.assert_allclose(m.loss_grid(small, small), loop, rtol=2e-5)
