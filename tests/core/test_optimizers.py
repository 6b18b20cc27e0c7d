"""Optimizers and schedules against hand arithmetic and independent loop implementations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.walk.optimizers import (
    HYPERPARAMETERS,
    OPTIMIZERS,
    SCHEDULES,
    OptimizerSettings,
    adam,
    chain,
    clip_by_norm,
    constant,
    cosine,
    cyclic,
    exponential,
    make_optimizer,
    make_schedule,
    momentum,
    nesterov,
    rmsprop,
    sgd,
    step_decay,
    warmup_cosine,
)

LR = 0.1
G1 = np.array([3.0, -4.0])  # first gradient
G2 = np.array([1.0, 2.0])  # second gradient
W0 = np.array([1.0, 2.0])


def two_updates(opt):
    state = opt.init(W0)
    u1, state = opt.update(G1, state, W0)
    u2, _ = opt.update(G2, state, W0 + u1)
    return u1, u2


# First two updates, worked by hand with lr = 0.1, g1 = (3, -4), g2 = (1, 2).
HAND = {
    # u = -lr g
    "sgd": ([-0.3, 0.4], [-0.1, -0.2]),
    # v1 = g1 ; v2 = 0.9 (3, -4) + (1, 2) = (3.7, -1.6) ; u = -lr v
    "momentum": ([-0.3, 0.4], [-0.37, 0.16]),
    # u = -lr (g + 0.9 v): g1 + 0.9 g1 = (5.7, -7.6) ; (1, 2) + 0.9 (3.7, -1.6) = (4.33, 0.56)
    "nesterov": ([-0.57, 0.76], [-0.433, -0.056]),
    # s1 = (9, 16) -> u1 = -lr (3/3, -4/4) ; s2 = (10, 20) -> u2 = -lr (1/sqrt 10, 2/sqrt 20)
    "adagrad": ([-0.1, 0.1], [-0.1 / math.sqrt(10), -0.2 / math.sqrt(20)]),
    # s1 = 0.1 (9, 16) = (0.9, 1.6) ; s2 = 0.9 s1 + 0.1 (1, 4) = (0.91, 1.84)
    "rmsprop": (
        [-0.3 / math.sqrt(0.9), 0.4 / math.sqrt(1.6)],
        [-0.1 / math.sqrt(0.91), -0.2 / math.sqrt(1.84)],
    ),
    # t=1: m_hat = g1, v_hat = g1^2 -> u1 = -lr sign(g1).
    # t=2: m = 0.9 (0.3, -0.4) + 0.1 (1, 2) = (0.37, -0.16), bias 1 - 0.81 = 0.19;
    #      v = 0.999 (0.009, 0.016) + 0.001 (1, 4) = (0.009991, 0.019984), bias 1 - 0.998001
    "adam": (
        [-0.1, 0.1],
        [
            -0.1 * (0.37 / 0.19) / math.sqrt(0.009991 / 0.001999),
            -0.1 * (-0.16 / 0.19) / math.sqrt(0.019984 / 0.001999),
        ],
    ),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_first_two_updates_match_hand_arithmetic(name):
    u1, u2 = two_updates(make_optimizer(name, LR))
    np.testing.assert_allclose(u1, HAND[name][0], rtol=1e-7)
    np.testing.assert_allclose(u2, HAND[name][1], rtol=1e-7)


def test_adam_first_step_is_lr_times_sign_even_for_tiny_gradients():
    u, _ = adam(0.05).update(np.array([1e-3, -2.0]), adam(0.05).init(W0), W0)
    np.testing.assert_allclose(u, [-0.05, 0.05], rtol=1e-4)


def test_hand_table_covers_every_optimizer():
    assert set(HAND) == set(OPTIMIZERS)


# --- independent loop implementations, written from the textbook formulas ----------------------


def reference(name, grads, lr=LR, mu=0.9, b1=0.9, b2=0.999, eps=1e-8):
    """Per-coordinate Python loops; returns the list of updates."""
    n = len(grads[0])
    a, b = [0.0] * n, [0.0] * n  # velocity / squares / first and second moments
    out = []
    for t, g in enumerate(grads, start=1):
        u = [0.0] * n
        for i in range(n):
            if name == "sgd":
                u[i] = -lr * g[i]
            elif name == "momentum":
                a[i] = mu * a[i] + g[i]
                u[i] = -lr * a[i]
            elif name == "nesterov":
                a[i] = mu * a[i] + g[i]
                u[i] = -lr * (g[i] + mu * a[i])
            elif name == "adagrad":
                a[i] += g[i] ** 2
                u[i] = -lr * g[i] / (math.sqrt(a[i]) + eps)
            elif name == "rmsprop":
                a[i] = 0.9 * a[i] + 0.1 * g[i] ** 2
                u[i] = -lr * g[i] / (math.sqrt(a[i]) + eps)
            else:  # adam
                a[i] = b1 * a[i] + (1 - b1) * g[i]
                b[i] = b2 * b[i] + (1 - b2) * g[i] ** 2
                m_hat, v_hat = a[i] / (1 - b1**t), b[i] / (1 - b2**t)
                u[i] = -lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(u)
    return out


coords = st.floats(-50, 50, allow_nan=False).filter(lambda x: abs(x) > 1e-3)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(coords, coords), min_size=1, max_size=12))
def test_optimizers_match_loop_reference_on_random_gradient_sequences(grads):
    for name in OPTIMIZERS:
        opt = make_optimizer(name, LR)
        state = opt.init(W0)
        for g, expected in zip(grads, reference(name, grads), strict=True):
            u, state = opt.update(np.array(g), state, W0)
            np.testing.assert_allclose(u, expected, rtol=1e-9, atol=1e-12, err_msg=name)


CUSTOM = {"mu": 0.5, "b1": 0.6, "b2": 0.95, "eps": 0.01}  # far from every default


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(coords, coords), min_size=1, max_size=12))
def test_custom_settings_reach_every_optimizer_that_takes_them(grads):
    for name in OPTIMIZERS:
        hyper = OptimizerSettings(**CUSTOM).for_optimizer(name)
        assert set(hyper) == set(HYPERPARAMETERS[name]) - {"decay"}
        opt = make_optimizer(name, LR, **hyper)
        state = opt.init(W0)
        for g, expected in zip(grads, reference(name, grads, **CUSTOM), strict=True):
            u, state = opt.update(np.array(g), state, W0)
            np.testing.assert_allclose(u, expected, rtol=1e-9, atol=1e-12, err_msg=name)


def test_custom_momentum_and_adam_steps_by_hand():
    # momentum mu 0.5: v1 = g1, v2 = 0.5 (3, -4) + (1, 2) = (2.5, 0), u2 = -lr v2
    u1, u2 = two_updates(make_optimizer("momentum", LR, mu=0.5))
    np.testing.assert_allclose([u1, u2], [[-0.3, 0.4], [-0.25, 0.0]], rtol=1e-12, atol=1e-15)
    # adam b1 0.5, b2 0.5, eps 1: m_hat = g1, v_hat = g1^2 -> u1 = -lr g1 / (|g1| + 1)
    u1, _ = two_updates(make_optimizer("adam", LR, b1=0.5, b2=0.5, eps=1.0))
    np.testing.assert_allclose(u1, [-0.1 * 3 / 4, 0.1 * 4 / 5], rtol=1e-12)


def test_hyperparameters_are_the_builders_keywords():
    assert HYPERPARAMETERS == {"sgd": (), "momentum": ("mu",), "nesterov": ("mu",),
                               "adagrad": ("eps",), "rmsprop": ("decay", "eps"),
                               "adam": ("b1", "b2", "eps")}


@pytest.mark.parametrize(("name", "hyper", "problem"), [
    ("sgd", {"mu": 0.5}, r"sgd takes no setting 'mu' \(its settings: none\)"),
    ("momentum", {"b1": 0.5}, r"momentum takes no setting 'b1' \(its settings: mu\)"),
    ("adam", {"mu": 0.5}, "adam takes no setting 'mu' .its settings: b1, b2, eps."),
])
def test_make_optimizer_refuses_a_setting_the_optimizer_does_not_take(name, hyper, problem):
    with pytest.raises(ValueError, match=problem):
        make_optimizer(name, LR, **hyper)


def test_optimizer_settings_split_by_optimizer():
    chosen = OptimizerSettings(mu=0.95, eps=1e-3)
    assert chosen.chosen() == {"mu": 0.95, "eps": 1e-3}
    assert chosen.for_optimizer("nesterov") == {"mu": 0.95}
    assert chosen.for_optimizer("rmsprop") == {"eps": 1e-3}
    assert chosen.for_optimizer("sgd") == {} and chosen.unused_by("sgd") == ("mu", "eps")
    assert chosen.unused_by("adam") == ("mu",) and OptimizerSettings().unused_by("sgd") == ()
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        chosen.unused_by("lbfgs")


@pytest.mark.parametrize(("values", "problem"), [
    ({"mu": 1.0}, r"momentum mu must be in \[0, 1\), got 1.0"),
    ({"mu": -0.1}, "momentum mu must be in"),
    ({"b1": 1.0}, r"adam b1 must be in \[0, 1\)"),
    ({"b2": math.nan}, "adam b2 must be in"),
    ({"eps": 0.0}, "eps must be a finite number > 0, got 0.0"),
    ({"eps": -1e-8}, "eps must be a finite number > 0"),
    ({"eps": math.inf}, "eps must be a finite number > 0"),
])
def test_optimizer_settings_out_of_range_are_refused(values, problem):
    with pytest.raises(ValueError, match=problem):
        OptimizerSettings(**values)


def test_nesterov_iterates_are_the_look_ahead_points_of_sutskever_form():
    # Sutskever et al.: v <- mu v - lr grad(w + mu v) ; w <- w + v. Our iterates are w + mu v.
    def grad(w):  # Rosenbrock
        return np.array(
            [-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2), 200 * (w[1] - w[0] ** 2)]
        )

    lr, mu = 1e-3, 0.9
    w_s, v_s = np.array([-1.2, 1.0]), np.zeros(2)
    opt = nesterov(lr, mu)
    w, state = w_s.copy(), opt.init(w_s)
    for _ in range(60):
        v_s = mu * v_s - lr * grad(w_s + mu * v_s)
        w_s = w_s + v_s
        u, state = opt.update(grad(w), state, w)
        w = w + u
        np.testing.assert_allclose(w, w_s + mu * v_s, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_walks_down_a_bowl(name):
    # annealed, so the sign-like steps of rmsprop / adam settle instead of rattling at +-lr/2
    opt, w = make_optimizer(name, make_schedule("cosine", 0.2, 500)), np.array([2.0, -1.0])
    state = opt.init(w)
    for _ in range(500):
        u, state = opt.update(np.array([w[0], 3 * w[1]]), state, w)
        w = w + u
    assert np.linalg.norm(w) < 0.05


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_updates_are_pure(name):
    opt = make_optimizer(name, LR, clip=1.0)
    params, grads = W0.copy(), G1.copy()
    state = opt.update(G2, opt.init(params), params)[1]  # a non-trivial state
    before = [np.copy(x) for x in _arrays(state)]
    u_a, s_a = opt.update(grads, state, params)
    u_b, s_b = opt.update(grads, state, params)  # same inputs, same outputs
    np.testing.assert_array_equal(params, W0)
    np.testing.assert_array_equal(grads, G1)
    for old, now in zip(before, _arrays(state), strict=True):
        np.testing.assert_array_equal(old, now)
    np.testing.assert_array_equal(u_a, u_b)
    for x, y in zip(_arrays(s_a), _arrays(s_b), strict=True):
        np.testing.assert_array_equal(x, y)


def _arrays(state):
    """Every leaf of a nested tuple / NamedTuple state."""
    if isinstance(state, tuple):
        return [leaf for item in state for leaf in _arrays(item)]
    return [state]


def test_step_count_feeds_the_schedule():
    opt = sgd(lambda step: [0.1, 0.2, 0.4][step])
    state, seen = opt.init(W0), []
    for _ in range(3):
        u, state = opt.update(np.array([1.0, -1.0]), state, W0)
        seen.append(u[0])
    np.testing.assert_allclose(seen, [-0.1, -0.2, -0.4])
    assert state.count == 3


def test_momentum_uses_the_schedule_at_each_step():
    # v1 = g = 1 -> u1 = -0.1 ; v2 = 0.9 + 1 = 1.9 -> u2 = -0.5 * 1.9
    opt = momentum(lambda step: 0.1 if step == 0 else 0.5)
    u1, s = opt.update(np.ones(2), opt.init(W0), W0)
    u2, _ = opt.update(np.ones(2), s, W0)
    np.testing.assert_allclose([u1[0], u2[0]], [-0.1, -0.95])


# --- clipping and chaining ---------------------------------------------------------------------


def test_clip_by_norm_rescales_only_long_gradients():
    clip = clip_by_norm(1.0)
    np.testing.assert_allclose(clip.update(np.array([3.0, 4.0]), clip.init(W0))[0], [0.6, 0.8])
    short = np.array([0.3, -0.4])  # |g| = 0.5
    np.testing.assert_array_equal(clip.update(short, clip.init(W0))[0], short)


def test_chain_clips_then_steps():
    # |(3, 4)| = 5 -> (0.6, 0.8) -> u = -0.5 (0.6, 0.8)
    for opt in (chain(clip_by_norm(1.0), sgd(0.5)), make_optimizer("sgd", 0.5, clip=1.0)):
        u, state = opt.update(np.array([3.0, 4.0]), opt.init(W0), W0)
        np.testing.assert_allclose(u, [-0.3, -0.4])
        assert len(state) == 2


def test_clipped_adam_still_takes_lr_sized_first_step():
    u, _ = two_updates(make_optimizer("adam", LR, clip=0.5))
    np.testing.assert_allclose(u, [-0.1, 0.1], rtol=1e-6)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_clip_norm_is_rejected(bad):
    with pytest.raises(ValueError, match="clip"):
        clip_by_norm(bad)


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'") as err:
        make_optimizer("lbfgs", 0.1)
    assert all(name in str(err.value) for name in OPTIMIZERS)


@pytest.mark.parametrize("bad", [0.0, -0.1, math.nan, math.inf, True])
def test_bad_learning_rates_are_rejected(bad):
    with pytest.raises(ValueError, match="learning rate"):
        sgd(bad)
    with pytest.raises(ValueError, match="learning rate"):
        make_schedule("cosine", bad)


@pytest.mark.parametrize(
    "build",
    [lambda: momentum(0.1, mu=1.0), lambda: rmsprop(0.1, decay=-0.1), lambda: adam(0.1, b2=1.0)],
)
def test_bad_hyperparameters_are_rejected(build):
    with pytest.raises(ValueError):
        build()


# --- schedules ----------------------------------------------------------------------------------


def test_schedules_at_specific_steps_by_hand():
    assert constant(0.1)(0) == constant(0.1)(1000) == 0.1
    decay = step_decay(0.1, every=50, factor=0.5)
    assert [decay(0), decay(49), decay(50), decay(120)] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    assert exponential(0.1, decay=0.99)(2) == pytest.approx(0.1 * 0.9801)
    cos = cosine(0.1, total_steps=200)
    # 0.05 (1 + cos(pi/4)) at a quarter of the way
    assert [cos(0), cos(50), cos(100), cos(200), cos(300)] == pytest.approx(
        [0.1, 0.05 * (1 + 0.5 * math.sqrt(2)), 0.05, 0.0, 0.0], abs=1e-15
    )
    assert cosine(0.1, 100, final_lr=0.02)(50) == pytest.approx(0.06)
    warm = warmup_cosine(0.1, warmup_steps=20, total_steps=200)
    # warm-up 0.1 (step+1)/20, then a cosine over the remaining 180 steps (half-way at 110)
    assert [warm(0), warm(9), warm(19), warm(20), warm(110), warm(200)] == pytest.approx(
        [0.005, 0.05, 0.1, 0.1, 0.05, 0.0], abs=1e-15
    )
    cyc = cyclic(0.1, period=50, low_fraction=0.1)
    # low 0.01; phase 0.2 -> 0.01 + 0.09 * 0.4 ; phase 0.7 -> 0.01 + 0.09 * 0.6
    assert [cyc(0), cyc(10), cyc(25), cyc(35), cyc(50), cyc(75)] == pytest.approx(
        [0.01, 0.046, 0.1, 0.064, 0.01, 0.1]
    )


def test_make_schedule_at_200_steps_matches_the_documented_defaults():
    defaults = {
        "constant": constant(0.3),
        "step": step_decay(0.3),
        "cosine": cosine(0.3),
        "warmup-cosine": warmup_cosine(0.3),
        "cyclic": cyclic(0.3),
    }
    for name, expected in defaults.items():
        made = make_schedule(name, 0.3, total_steps=200)
        assert [made(s) for s in range(0, 400, 7)] == pytest.approx(
            [expected(s) for s in range(0, 400, 7)]
        ), name
    exp = make_schedule("exponential", 0.3, total_steps=200)
    assert [exp(0), exp(100), exp(200)] == pytest.approx([0.3, 0.3 / math.sqrt(10), 0.03])


@pytest.mark.parametrize("name", SCHEDULES)
@pytest.mark.parametrize("total", [1, 7, 1000])
def test_every_schedule_is_positive_at_the_start_and_never_exceeds_lr(name, total):
    schedule = make_schedule(name, 0.2, total_steps=total)
    values = [schedule(s) for s in range(3 * total + 5)]
    assert values[0] > 0
    assert all(0 <= v <= 0.2 + 1e-15 for v in values)


def test_unknown_schedule_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown schedule 'linear'") as err:
        make_schedule("linear", 0.1)
    assert all(name in str(err.value) for name in SCHEDULES)


@pytest.mark.parametrize(
    "build",
    [
        lambda: step_decay(0.1, every=0),
        lambda: exponential(0.1, decay=1.5),
        lambda: cosine(0.1, total_steps=0),
        lambda: warmup_cosine(0.1, warmup_steps=200, total_steps=200),
        lambda: cyclic(0.1, period=1),
        lambda: make_schedule("cosine", 0.1, total_steps=0),
    ],
)
def test_bad_schedule_settings_are_rejected(build):
    with pytest.raises(ValueError):
        build()
