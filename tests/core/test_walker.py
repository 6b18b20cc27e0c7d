"""The blindfolded walker: what it feels, how it steps, and how walks end."""

import functools
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import losswalk.core.walk.walker as walker_module
from losswalk.core.drawing.text import format_number
from losswalk.core.landscapes.models import DATA_LANDSCAPES, LANDSCAPES, LandscapeOptions
from losswalk.core.landscapes.surfaces import SURFACES
from losswalk.core.walk.minibatch import BATCH_SIZES, MinibatchGradient
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES, make_schedule
from losswalk.core.walk.walker import (
    ARROWS,
    CLIMB_RISE,
    CLIMB_STEPS,
    CLIMB_STRETCH,
    COMPASS,
    OUTWARD_STEPS,
    STALL_STEPS,
    WINDOW,
    TrailPoint,
    Walker,
    WalkerStatus,
)


class Bowl:
    """0.5 (w1^2 + 4 w2^2): one minimum at the origin, loss 0."""

    name, description = "test-bowl", "a bowl"
    extent = (-2.0, 2.0, -2.0, 2.0)
    start = (1.5, -1.0)
    default_lr = 0.1

    def loss(self, w):
        return 0.5 * (w[0] ** 2 + 4 * w[1] ** 2)

    def grad(self, w):
        return np.array([w[0], 4 * w[1]], dtype=float)

    def loss_grid(self, w1s, w2s):
        return 0.5 * (w1s[None, :] ** 2 + 4 * w2s[:, None] ** 2)


class Plane:
    """c1 w1 + c2 w2: the same tilt everywhere, no bottom."""

    name, description = "test-plane", "a tilted plane"
    extent = (-4.0, 4.0, -2.0, 2.0)  # spans 8 and 4 -> default probe (0.125, 0.0625)
    start = (0.0, 0.0)
    default_lr = 0.1

    def __init__(self, c1, c2):
        self.c = np.array([c1, c2], dtype=float)

    def loss(self, w):
        return float(self.c @ np.asarray(w, dtype=float))

    def grad(self, w):
        return self.c.copy()

    def loss_grid(self, w1s, w2s):
        return self.c[0] * w1s[None, :] + self.c[1] * w2s[:, None]


class DoubleWell:
    """(w1^2 - 1)^2 + 0.3 w1 + w2^2: a shallow dip near w1 = 0.96, a deeper one near -1.04."""

    name, description = "test-wells", "two dips"
    extent = (-2.0, 2.0, -1.5, 1.5)
    start = (1.7, 1.0)
    default_lr = 0.02

    def loss(self, w):
        return (w[0] ** 2 - 1) ** 2 + 0.3 * w[0] + w[1] ** 2

    def grad(self, w):
        return np.array([4 * w[0] * (w[0] ** 2 - 1) + 0.3, 2 * w[1]])

    def loss_grid(self, w1s, w2s):
        return (w1s[None, :] ** 2 - 1) ** 2 + 0.3 * w1s[None, :] + w2s[:, None] ** 2


def walk(walker, n):
    for _ in range(n):
        walker.step()
    return walker


def walk_to_the_end(walker, limit=100_000):
    """Step until the status ends the run, as `losswalk walk` and the app's run do."""
    while not walker.status.ended and walker.steps < limit:
        walker.step()
    return walker


@pytest.mark.parametrize("model", [Bowl(), DoubleWell()])
def test_test_models_have_correct_gradients(model):
    rng, h = np.random.default_rng(0), 1e-6
    for w in rng.uniform(-2, 2, size=(20, 2)):
        fd = [(model.loss(w + h * e) - model.loss(w - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(model.grad(w), fd, rtol=1e-6, atol=1e-6)


# --- the start --------------------------------------------------------------------------------


def test_trail_starts_at_step_zero_at_the_start():
    walker = Walker(Bowl())
    assert walker.trail == [TrailPoint(0, 1.5, -1.0, 0.5 * (2.25 + 4), math.hypot(1.5, 4), 0.0)]
    assert walker.steps == 0 and walker.status is WalkerStatus.READY and walker.message == ""
    assert (
        walker.lr == 0.1 and walker.optimizer_name == "sgd" and walker.schedule_name == "constant"
    )
    np.testing.assert_array_equal(walker.position, [1.5, -1.0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": (math.nan, 0.0)},
        {"start": (1.0, 2.0, 3.0)},
        {"lr": 0.0},
        {"lr": -1.0},
        {"optimizer": "lbfgs"},
        {"schedule": "linear"},
        {"tol": 0.0},
        {"probe": -0.1},
        {"extent": (1.0, 1.0, 0.0, 1.0)},
    ],
)
def test_bad_settings_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        Walker(Bowl(), **kwargs)


# --- feel: only what is under its feet ---------------------------------------------------------


def test_rose_on_a_tilted_plane_by_hand():
    # loss change at offset (d1 * 0.125, d2 * 0.0625) is 2 * 0.125 d1 + 1 * 0.0625 d2
    feel = Walker(Plane(2.0, 1.0)).feel()
    expected = [
        [-0.25 + 0.0625, 0.0625, 0.25 + 0.0625],  # NW, N, NE  (w2 + probe)
        [-0.25, 0.0, 0.25],  # W, here, E
        [-0.25 - 0.0625, -0.0625, 0.25 - 0.0625],  # SW, S, SE  (w2 - probe)
    ]
    np.testing.assert_allclose(feel.rose, expected, atol=1e-12)
    assert feel.loss == 0.0 and feel.slope == pytest.approx(math.sqrt(5))
    np.testing.assert_allclose(feel.downhill, [-2 / math.sqrt(5), -1 / math.sqrt(5)])
    assert feel.direction == "SW"  # (-2, -1) is 26.6 degrees below west: past the 22.5 border


def test_rose_signs_follow_the_tilt_and_probe_can_be_set():
    feel = Walker(Plane(-1.0, 3.0), probe=0.5).feel()  # uphill is north-west-ish
    assert feel.rose[0, 1] == pytest.approx(1.5) and feel.rose[2, 1] == pytest.approx(-1.5)
    assert feel.rose[1, 0] == pytest.approx(0.5) and feel.rose[1, 2] == pytest.approx(-0.5)
    assert feel.rose[0, 0] > 0 > feel.rose[2, 2]


def test_rose_matches_loss_differences_on_a_curved_bowl():
    walker = Walker(Bowl(), start=(0.7, -0.3), probe=(0.1, 0.2))
    rose, here = walker.feel().rose, Bowl().loss(np.array([0.7, -0.3]))
    for r in range(3):
        for c in range(3):
            there = Bowl().loss(np.array([0.7 + 0.1 * (c - 1), -0.3 + 0.2 * (1 - r)]))
            assert rose[r, c] == pytest.approx(there - here)


@pytest.mark.parametrize("k", range(8))
@pytest.mark.parametrize("wobble", [-20.0, 0.0, 20.0])
def test_compass_names_the_downhill_octant(k, wobble):
    angle = math.radians(45 * k + wobble)
    downhill = np.array([math.cos(angle), math.sin(angle)])
    feel = Walker(Plane(*(-3 * downhill))).feel()
    assert feel.direction == COMPASS[k]
    np.testing.assert_allclose(feel.downhill, downhill)


def test_flat_ground_has_no_direction():
    feel = Walker(Plane(1e-6, 0.0)).feel()
    assert feel.direction == "flat"
    np.testing.assert_array_equal(feel.downhill, [0.0, 0.0])


def test_feel_survives_a_nan_gradient():
    class BrokenGradient(Bowl):
        def grad(self, w):
            return np.array([math.nan, 0.0])

    walker = Walker(BrokenGradient())
    assert walker.feel().direction == "flat"
    assert walker.status is WalkerStatus.READY  # nan is not convergence


def test_feel_does_not_move_the_walker():
    walker = Walker(Bowl())
    walker.feel()
    assert len(walker.trail) == 1 and walker.steps == 0
    np.testing.assert_array_equal(walker.position, [1.5, -1.0])


def test_arrows_cover_every_direction_with_distinct_glyphs():
    assert ARROWS["unicode"]["E"] == "→" and ARROWS["unicode"]["N"] == "↑"
    assert ARROWS["unicode"]["flat"] == "·" and ARROWS["ascii"]["flat"] == "."
    assert ARROWS["ascii"]["E"] == ">" and ARROWS["ascii"]["S"] == "v"
    for glyphs in ARROWS.values():
        assert set(glyphs) == {*COMPASS, "flat"}
        assert len(set(glyphs.values())) == 9
        assert all(len(g) == 1 for g in glyphs.values())
    assert all(g.isascii() for g in ARROWS["ascii"].values())


# --- stepping -----------------------------------------------------------------------------------


def test_first_two_sgd_steps_by_hand():
    # g0 = (1.5, -4) -> w1 = (1.5 - 0.15, -1 + 0.4) = (1.35, -0.6)
    # g1 = (1.35, -2.4) -> w2 = (1.35 - 0.135, -0.6 + 0.24) = (1.215, -0.36)
    walker = Walker(Bowl())
    p1, p2 = walker.step(), walker.step()
    assert (p1.step, p1.w1, p1.w2, p1.lr) == pytest.approx((1, 1.35, -0.6, 0.1))
    assert (p2.step, p2.w1, p2.w2) == pytest.approx((2, 1.215, -0.36))
    assert p2.loss == pytest.approx(0.5 * (1.215**2 + 4 * 0.36**2))
    assert p2.grad_norm == pytest.approx(math.hypot(1.215, 4 * 0.36))
    assert walker.trail[1:] == [p1, p2] and walker.steps == 2


def test_gd_on_himmelblau_from_origin_reaches_3_2():
    walker = walk(Walker(SURFACES["himmelblau"](), start=(0.0, 0.0)), 500)
    assert walker.status is WalkerStatus.CONVERGED
    np.testing.assert_allclose(walker.position, [3.0, 2.0], atol=1e-3)


def test_adam_reaches_the_rosenbrock_minimum():
    walker = walk(Walker(SURFACES["rosenbrock"](), optimizer="adam", lr=0.03), 3000)
    assert np.linalg.norm(walker.position - 1.0) < 0.05
    assert walker.trail[-1].loss < 1e-3


def test_momentum_rolls_over_the_ridge_that_stops_plain_descent():
    model = DoubleWell()
    assert walk(Walker(model), 1000).position[0] > 0.5  # the shallow dip
    assert walk(Walker(model, optimizer="momentum"), 1000).position[0] < -0.5  # the deep one


def test_converged_walker_may_keep_stepping_and_stays_converged():
    walker = walk(Walker(Bowl(), lr=0.2), 200)
    assert walker.status is WalkerStatus.CONVERGED and "converged" in walker.message
    assert walker.trail[-1].grad_norm < 1e-4
    point = walker.step()
    assert point is not None and walker.status is WalkerStatus.CONVERGED
    assert math.hypot(point.w1, point.w2) < 1e-4


def test_schedule_lr_shows_in_the_trail():
    # "step" over 8 steps halves every 8 // 4 = 2 steps
    walker = walk(Walker(Bowl(), lr=0.1, schedule="step", total_steps=8), 6)
    assert [p.lr for p in walker.trail] == pytest.approx([0.0, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert walker.current_lr() == pytest.approx(0.0125)


def test_warmup_cosine_walker_uses_the_schedule_and_its_steps_match_sgd_by_hand():
    schedule = make_schedule("warmup-cosine", 0.2, total_steps=50)
    walker = walk(Walker(Bowl(), lr=0.2, schedule="warmup-cosine", total_steps=50), 10)
    w = np.array([1.5, -1.0])
    for k, point in enumerate(walker.trail[1:]):
        w = w - schedule(k) * np.array([w[0], 4 * w[1]])
        assert point.lr == pytest.approx(schedule(k))
        assert (point.w1, point.w2) == pytest.approx(tuple(w))


def test_gradient_hook_gets_position_and_step():
    seen = []

    def doubled(w, step):  # e.g. a minibatch gradient; here twice the true one
        seen.append((tuple(w), step))
        return 2 * Bowl().grad(w)

    walker = walk(Walker(Bowl(), gradient=doubled), 2)
    assert seen == [((1.5, -1.0), 0), (pytest.approx((1.2, -0.2)), 1)]  # 1.5 - 0.1*3, -1 + 0.1*8
    # the trail still reports the true slope where the walker stands
    assert walker.trail[1].grad_norm == pytest.approx(math.hypot(1.2, 0.8))


# --- how walks end -----------------------------------------------------------------------------


def test_huge_learning_rate_diverges_with_its_steps_in_the_trail():
    walker = walk(Walker(Bowl(), lr=1e6), 3)  # each step multiplies w2 by 1 - 4e6
    assert walker.status is WalkerStatus.DIVERGED
    assert "learning rate 1e6 is too large" in walker.message
    assert [p.step for p in walker.trail] == [0, 1, 2, 3]
    w = np.array([1.5, -1.0])
    for point in walker.trail[1:]:  # the diverging steps, by hand
        w = w - 1e6 * np.array([w[0], 4 * w[1]])
        assert (point.w1, point.w2) == pytest.approx(tuple(w))
    last = walker.trail[-1]
    assert f"to {format_number(last.loss)}," in walker.message  # the number the panel shows
    np.testing.assert_array_equal(walker.position, [last.w1, last.w2])  # where it diverged
    assert walker.step() is None and len(walker.trail) == 4  # stays stopped


def test_moderately_too_large_lr_blows_up_over_several_steps_without_nan():
    walker = walk(Walker(Bowl(), lr=0.6), 100)  # 1 - 0.6*4 = -1.4: the w2 zig-zag grows
    assert walker.status is WalkerStatus.DIVERGED and "the loss rose" in walker.message
    assert f"to {format_number(walker.trail[-1].loss)}," in walker.message
    assert len(walker.trail) > 3
    values = np.array([[p.w1, p.w2, p.loss, p.grad_norm, p.lr] for p in walker.trail])
    assert np.all(np.isfinite(values))
    assert all(b.loss > a.loss for a, b in zip(walker.trail[3:-1], walker.trail[4:], strict=True))


def test_nan_gradient_diverges_without_nan_in_the_trail():
    walker = Walker(Bowl(), gradient=lambda w, step: np.array([math.nan, 0.0]))
    assert walker.step() is None
    assert walker.status is WalkerStatus.DIVERGED and "NaN" in walker.message
    assert all(math.isfinite(p.w1) for p in walker.trail)


class PythonFloatBowl(Bowl):
    """The bowl in plain Python floats, whose ** raises OverflowError instead of giving inf."""

    def loss(self, w):
        return 0.5 * (float(w[0]) ** 2 + 4 * float(w[1]) ** 2)


@pytest.mark.parametrize("model", [SURFACES["rosenbrock"](), PythonFloatBowl()])
def test_overflowing_formula_counts_as_divergence_not_an_exception(model):
    walker = Walker(model, lr=1e200)
    point = walker.step()
    assert walker.status is WalkerStatus.DIVERGED and "overflowed to inf" in walker.message
    assert point is walker.trail[-1] and point.loss == math.inf and math.isfinite(point.w1)
    assert "at step 1 " in walker.message


def test_running_down_an_endless_slope_is_unbounded_not_diverged():
    walker = Walker(Plane(1.0, 0.0), lr=1.0)
    walk(walker, OUTWARD_STEPS - 1)
    assert walker.status is WalkerStatus.WALKING  # w1 = -99: far out, but only 99 steps
    walker.step()
    assert walker.status is WalkerStatus.UNBOUNDED and len(walker.trail) == OUTWARD_STEPS + 1
    assert "the loss fell at each of the last 100 steps, to -100," in walker.message
    assert "headed away to (-100, 0)" in walker.message


def test_lowering_the_lr_lets_a_diverged_walker_go_on_from_where_it_diverged():
    walker = walk(Walker(Bowl(), lr=1e6), 3)
    assert walker.status is WalkerStatus.DIVERGED
    here = walker.position.copy()
    walker.set_lr(0.1)
    assert walker.status is WalkerStatus.READY and walker.message == ""
    np.testing.assert_array_equal(walker.position, here)  # the loss there is finite
    assert walker.step() is not None and walker.status is WalkerStatus.WALKING


def test_a_walker_whose_loss_overflowed_resumes_from_the_last_finite_point():
    walker = Walker(PythonFloatBowl(), lr=1e200)
    walker.step()
    assert walker.status is WalkerStatus.DIVERGED and walker.trail[-1].loss == math.inf
    walker.set_lr(0.1)
    assert walker.status is WalkerStatus.READY
    assert walker.message == "ready: back at (1.5, -1), the last point where the loss was finite"
    assert walker.trail[-1] == TrailPoint(1, 1.5, -1.0, 3.125, math.hypot(1.5, 4), 0.0)
    assert walker.step().w1 == pytest.approx(1.35)


def test_local_minimum_is_reported_as_stuck():
    model = DoubleWell()
    w1s = np.linspace(-2, 2, 400_001)  # independent: brute-force the lowest point on w2 = 0
    lowest = float(np.min((w1s**2 - 1) ** 2 + 0.3 * w1s))
    stuck = walk(Walker(model, global_min_loss=lowest), 2000)
    assert stuck.status is WalkerStatus.STUCK and "stuck" in stuck.message
    assert stuck.position[0] == pytest.approx(0.9603, abs=1e-3)
    home = walk(Walker(model, start=(-1.5, 0.5), global_min_loss=lowest), 2000)
    assert home.status is WalkerStatus.CONVERGED
    assert home.position[0] == pytest.approx(-1.0358, abs=1e-3)
    unknown = walk(Walker(model), 2000)  # without the global minimum it can't know
    assert unknown.status is WalkerStatus.CONVERGED


# --- by hand, reset and settings ----------------------------------------------------------------


def test_move_by_hand_resets_the_optimizer_momentum():
    walker = walk(Walker(Bowl(), optimizer="momentum"), 5)
    walker.move(0.25, -0.5)
    here = walker.position.copy()
    assert walker.trail[-1] == TrailPoint(
        5, here[0], here[1], Bowl().loss(here), float(np.linalg.norm(Bowl().grad(here))), 0.0
    )
    walker.step()  # fresh velocity: exactly one plain step -lr g
    np.testing.assert_allclose(walker.position, here - 0.1 * Bowl().grad(here))


def test_move_onto_flat_ground_converges_and_off_it_walks():
    walker = Walker(Bowl(), start=(0.5, 0.0))
    walker.move(-0.5, 0.0)
    assert walker.status is WalkerStatus.CONVERGED
    walker.move(0.0, 0.5)
    assert walker.status is WalkerStatus.READY


def test_move_rejects_non_finite_offsets():
    with pytest.raises(ValueError):
        Walker(Bowl()).move(math.inf, 0.0)


def test_reset_to_a_point_without_finite_loss_is_rejected_and_changes_nothing():
    walker = Walker(PythonFloatBowl())
    with pytest.raises(ValueError, match="not finite"):
        walker.reset(start=(1e300, 0.0))
    walker.reset()
    assert (walker.trail[0].w1, walker.trail[0].w2) == (1.5, -1.0)


def test_reset_returns_to_the_start_and_remembers_a_new_one():
    walker = walk(Walker(Bowl(), lr=1e6), 3)
    walker.reset()
    assert walker.status is WalkerStatus.READY and walker.steps == 0 and len(walker.trail) == 1
    walker.reset(start=(0.5, 0.5))
    walk(walker, 3)
    walker.reset()
    assert (walker.trail[0].w1, walker.trail[0].w2) == (0.5, 0.5)


def test_settings_keep_position_and_trail():
    walker = walk(Walker(Bowl()), 3)
    trail, here = list(walker.trail), walker.position.copy()
    walker.set_optimizer("adam")
    walker.set_schedule("cosine")
    walker.set_lr(1e3)  # huge is allowed: that is how learners meet divergence
    assert walker.trail == trail
    np.testing.assert_array_equal(walker.position, here)
    assert (walker.optimizer_name, walker.schedule_name, walker.lr) == ("adam", "cosine", 1e3)
    # cosine over 200 steps, already 3 steps in
    assert walker.current_lr() == pytest.approx(1e3 * 0.5 * (1 + math.cos(math.pi * 3 / 200)))


@pytest.mark.parametrize("bad", [0.0, -0.5, math.nan, math.inf])
def test_set_lr_rejects_bad_values_and_changes_nothing(bad):
    walker = Walker(Bowl())
    with pytest.raises(ValueError, match="learning rate"):
        walker.set_lr(bad)
    assert walker.lr == 0.1 and walker.current_lr() == 0.1


def test_unknown_optimizer_and_schedule_names_are_rejected():
    walker = Walker(Bowl())
    with pytest.raises(ValueError, match="adam"):
        walker.set_optimizer("lbfgs")
    with pytest.raises(ValueError, match="cosine"):
        walker.set_schedule("linear")
    assert (walker.optimizer_name, walker.schedule_name) == ("sgd", "constant")


def test_trail_is_bounded(monkeypatch):
    monkeypatch.setattr(walker_module, "MAX_TRAIL", 5)
    walker = walk(Walker(Bowl(), lr=0.01), 20)
    assert [p.step for p in walker.trail] == [16, 17, 18, 19, 20]


def test_a_walker_moved_far_off_the_map_by_hand_can_still_step():
    # Plane extent spans 8 x 4; 200 to the right is ~25 spans out, beyond the 10-span limit.
    walker = Walker(Plane(1.0, 0.0), lr=1.0)
    walker.move(200.0, 0.0)
    assert walker.step() is not None  # one step of -1: not a divergence, it was put there
    assert walker.status is WalkerStatus.WALKING and walker.position[0] == 199.0


def test_a_walker_far_out_that_shoots_further_downhill_is_unbounded_not_diverged():
    walker = Walker(Plane(1.0, 0.0), lr=1e3)
    walker.move(-200.0, 0.0)  # ~25 spans left; each step of -1000 goes further, lower
    assert walker.step() is not None and walker.status is WalkerStatus.WALKING
    walk(walker, OUTWARD_STEPS - 1)
    assert walker.status is WalkerStatus.UNBOUNDED


def test_a_learning_rate_too_small_to_move_is_reported_as_stalled():
    walker = Walker(Bowl(), lr=1e-30)
    walk(walker, STALL_STEPS - 1)
    assert walker.status is WalkerStatus.WALKING and walker.message == ""
    walker.step()
    assert walker.status is WalkerStatus.STALLED
    assert "too small" in walker.message and "1e-30" in walker.message
    walker.step()  # stepping on does not undo the verdict
    assert walker.status is WalkerStatus.STALLED
    walker.move(0.1, 0.0)  # a hand move starts the count again
    assert walker.status is WalkerStatus.READY


def test_slow_but_moving_walks_are_not_stalled():
    walker = walk(Walker(Bowl(), lr=1e-6), 3 * STALL_STEPS)
    assert walker.status is WalkerStatus.WALKING


# --- the status vocabulary and the budgets that end every walk (README "How walks end") -------


def sgd_by_hand(grad, start, lr, steps):
    """Plain gradient descent, independently of the optimizers module: the positions."""
    w, path = np.array(start, dtype=float), []
    for _ in range(steps):
        w = w - lr * np.asarray(grad(w), dtype=float)
        path.append(w.copy())
    return path


def test_every_status_but_ready_and_walking_ends_a_run():
    assert {s.value for s in WalkerStatus} == {
        "ready", "walking", "converged", "stuck", "stalled", "oscillating", "noisy", "unbounded",
        "diverged"}
    assert [s for s in WalkerStatus if not s.ended] == [WalkerStatus.READY, WalkerStatus.WALKING]


def test_judging_the_walk_does_not_depend_on_the_view_extent():
    # Regression: at a view of +-1e9 the stall test (moves < 1e-12 of the view) stopped this
    # walk after 20 steps as "stalled" while it was converging.
    himmelblau = SURFACES["himmelblau"]()
    views = [None, (-1e9, 1e9, -1e9, 1e9), (2.9, 3.1, 1.9, 2.1)]
    walks = [walk_to_the_end(Walker(himmelblau, start=(0, 0), extent=view)) for view in views]
    for walker in walks:
        assert walker.status is WalkerStatus.CONVERGED and walker.steps == 47
        assert walker.trail == walks[0].trail


def test_a_stable_two_cycle_is_oscillating_after_two_windows():
    # lr 0.5 on 0.5 (w1^2 + 4 w2^2) from (0, -1): w2 -> (1 - 0.5 * 4) w2 = -w2, forever at loss 2
    walker = Walker(Bowl(), start=(0.0, -1.0), lr=0.5)
    walk(walker, 2 * WINDOW - 1)
    assert walker.status is WalkerStatus.WALKING
    assert {(p.w1, p.w2, p.loss) for p in walker.trail} == {(0.0, -1.0, 2.0), (0.0, 1.0, 2.0)}
    walker.step()
    assert walker.status is WalkerStatus.OSCILLATING and walker.steps == 2 * WINDOW
    assert "bounced between 2 and 2 without getting lower" in walker.message
    assert "smaller learning rate" in walker.message
    walker.step()  # stepping on keeps the verdict
    assert walker.status is WalkerStatus.OSCILLATING


def first_climb_verdict(losses, moves):
    """The step at which the documented climb rule first holds, from a walk's losses and step
    lengths (index 0: the start, move 0), or None."""
    climb, base = 0, 0.0
    for t in range(1, len(losses)):
        climbing = losses[t] > losses[t - 1] and moves[t] > moves[t - 1]
        if climbing and climb == 0:
            base = moves[t - 1] or moves[t]
        climb = climb + 1 if climbing else 0
        lowest = min(losses[: t + 1])
        if (climb >= CLIMB_STEPS and moves[t] >= CLIMB_STRETCH * base
                and losses[t] - lowest >= CLIMB_RISE * max(losses[0] - lowest, abs(lowest))):
            return t
    return None


@pytest.mark.parametrize("lr", [0.6, 2.0, 1e6])
def test_a_growing_zigzag_diverges_by_the_climb_rule_and_keeps_the_diverging_steps(lr):
    # lr 0.6: w2 -> (1 - 2.4) w2 = -1.4 w2 and w1 -> 0.4 w1, the loss rises from step 2 on
    walker = walk_to_the_end(Walker(Bowl(), lr=lr))
    path = [np.array(Bowl.start), *sgd_by_hand(Bowl().grad, Bowl.start, lr, walker.steps + 2)]
    losses = [Bowl().loss(w) for w in path]
    moves = [0.0] + [float(np.linalg.norm(b - a)) for a, b in itertools.pairwise(path)]
    assert walker.status is WalkerStatus.DIVERGED
    assert walker.steps == first_climb_verdict(losses, moves)
    for point, w in zip(walker.trail, path, strict=False):
        assert (point.w1, point.w2) == pytest.approx(tuple(w))
    assert f"to {format_number(walker.trail[-1].loss)}," in walker.message


def test_the_run_budget_ends_a_creeping_walk_as_stalled(monkeypatch):
    monkeypatch.setattr(walker_module, "RUN_BUDGET", 50)
    walker = walk(Walker(Bowl(), lr=1e-6), 49)  # moves ~4e-6 a step: not stalled by the move test
    assert walker.status is WalkerStatus.WALKING
    walker.step()
    assert walker.status is WalkerStatus.STALLED and "still creeping downhill after 50 steps" in (
        walker.message)
    walker.set_lr(0.1)  # a settings change starts a fresh run with a fresh budget
    assert walker.status is WalkerStatus.READY
    walk(walker, 10)
    assert walker.status is WalkerStatus.WALKING


def test_the_stall_budget_counts_moves_against_the_landscape_not_the_view():
    walker = Walker(Bowl(), lr=1e-13, extent=(-1e-12, 1e-12, -1e-12, 1e-12))
    walk(walker, STALL_STEPS)  # moves ~4e-13 < 1e-12 x the landscape's span (4): stalled
    assert walker.status is WalkerStatus.STALLED
    walker = Walker(Bowl(), lr=1e-11, extent=(-1e9, 1e9, -1e9, 1e9))
    walk(walker, STALL_STEPS)  # moves ~4e-11: visible on the landscape whatever the view
    assert walker.status is WalkerStatus.WALKING


def test_unbounded_needs_every_step_lower_and_further_out_for_the_whole_budget():
    walker = Walker(Plane(1.0, 0.0), lr=1.0)
    walk(walker, OUTWARD_STEPS // 2)
    walker.set_lr(1.0)  # a fresh run: the count starts again
    walk(walker, OUTWARD_STEPS - 1)
    assert walker.status is WalkerStatus.WALKING
    walker.step()
    assert walker.status is WalkerStatus.UNBOUNDED


def test_off_map_follows_the_view():
    walker = Walker(Bowl(), start=(1.5, -1.0), extent=(-1.0, 1.0, -1.0, 1.0))
    assert walker.off_map  # w1 = 1.5 > 1
    walker.extent = (-2.0, 2.0, -2.0, 2.0)
    assert not walker.off_map


# --- every walk ends ------------------------------------------------------------------------

DATASETS = ("overlap", "separable", "xor", "moons", "circles", "noisy")


@functools.cache
def landscape(name: str, dataset: str | None):
    return LandscapeOptions(name=name, dataset=dataset).build(strict=True)


@st.composite
def walks(draw):
    """Any landscape (data ones on any built-in dataset, any batch size), optimizer, schedule,
    learning rate in [1e-6, 1e3] and start in the landscape's own extent."""
    name = draw(st.sampled_from(sorted(LANDSCAPES)))
    dataset = draw(st.sampled_from(DATASETS)) if name == "logistic" else None
    model = landscape(name, dataset)
    x0, x1, y0, y1 = model.extent
    start = (draw(st.floats(x0, x1)), draw(st.floats(y0, y1)))
    batch = draw(st.sampled_from(BATCH_SIZES)) if name in DATA_LANDSCAPES else None
    return Walker(model, start, optimizer=draw(st.sampled_from(OPTIMIZERS)),
                  lr=10 ** draw(st.floats(-6, 3)), schedule=draw(st.sampled_from(SCHEDULES)),
                  gradient=None if batch is None else MinibatchGradient(model, batch, seed=1))


@settings(max_examples=40, deadline=None)
@given(walks())
def test_any_walk_ends_within_its_budget_with_a_documented_status(walker):
    # The run budget is cut to 2,000 steps (50,000 in use) to keep the test quick: the rule
    # that ends a creeping walk is the same, and every other budget is checked at full size.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(walker_module, "RUN_BUDGET", 2000)
        while not walker.status.ended:
            assert walker.steps < 2000
            walker.step()
    assert walker.status.value in {s.value for s in WalkerStatus} - {"ready", "walking"}
    assert walker.message.startswith(f"{walker.status.value}: ")
    assert walker.trail[-1].step == walker.steps


def test_optimizer_settings_reach_the_walkers_steps():
    """momentum mu 0.5 on 0.5 (w1^2 + 4 w2^2) from (1, 1), lr 0.1, by hand:
    g0 = (1, 4) -> v1 = (1, 4), w1 = (0.9, 0.6); g1 = (0.9, 2.4) -> v2 = 0.5 v1 + g1 = (1.4, 4.4),
    w2 = (0.76, 0.16). The default mu 0.9 would give v2 = (1.8, 6.0), w2 = (0.72, 0.0)."""
    from losswalk.core.walk.optimizers import OptimizerSettings

    settings = OptimizerSettings(mu=0.5, b1=0.5)
    walker = Walker(Bowl(), (1.0, 1.0), optimizer="momentum", lr=0.1, settings=settings)
    walker.step()
    point = walker.step()
    assert (point.w1, point.w2) == (pytest.approx(0.76), pytest.approx(0.16))
    walker.reset()  # the settings outlive resets and optimizer switches (b1 waits for adam)
    walker.set_optimizer("sgd")
    walker.set_optimizer("momentum")
    walker.step()
    assert walker.step().w1 == pytest.approx(0.76) and walker.settings is settings
    default = Walker(Bowl(), (1.0, 1.0), optimizer="momentum", lr=0.1)
    default.step()
    assert default.step().w1 == pytest.approx(0.72)
