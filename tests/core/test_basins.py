"""Basins of attraction: batched walkers step exactly like single ones, and label honestly."""

import numpy as np
import pytest

from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import make_model
from losswalk.core.landscapes.surfaces import SURFACES
from losswalk.core.walk.basins import (
    DIVERGED,
    SETTLE,
    UNSETTLED,
    BasinSettings,
    basin_map,
    gradients,
    start_cells,
    walk_many,
)
from losswalk.core.walk.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    OptimizerSettings,
    make_optimizer,
)
from losswalk.core.walk.walker import Walker


def _alone(model, start, walk: BasinSettings, steps: int) -> np.ndarray:
    """Where one Walker, on its own, stands after `steps` steps from start."""
    walker = Walker(model, tuple(start), optimizer=walk.optimizer, lr=walk.lr,
                    schedule=walk.schedule, total_steps=walk.total_steps,
                    settings=walk.settings)
    for _ in range(steps):
        if walker.step() is None:
            break
    return walker.position


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("schedule", ["constant", "cosine", "cyclic"])
def test_batched_steps_equal_single_walker_steps_exactly(optimizer, schedule):
    model = make_model("himmelblau")
    walk = BasinSettings(optimizer, 0.01, schedule, steps=40)
    starts = np.random.default_rng(1).uniform(-5, 5, (12, 2))
    finals, _ = walk_many(model, starts, walk)
    for start, final in zip(starts, finals, strict=True):
        np.testing.assert_array_equal(final, _alone(model, start, walk, walk.steps))


@pytest.mark.parametrize("name", list(SURFACES))
def test_batched_steps_equal_single_walker_steps_on_every_surface(name):
    model = make_model(name)
    walk = BasinSettings("adam", model.default_lr, "warmup-cosine", steps=30)
    x0, x1, y0, y1 = model.extent
    starts = np.random.default_rng(7).uniform((x0, y0), (x1, y1), (6, 2))
    finals, _ = walk_many(model, starts, walk)
    for start, final in zip(starts, finals, strict=True):
        np.testing.assert_array_equal(final, _alone(model, start, walk, walk.steps))


@pytest.mark.parametrize("name", ["logistic", "tiny-net"])
def test_batched_steps_match_single_walker_on_data_to_rounding(name):
    model = make_model(name)
    walk = BasinSettings("adam", model.default_lr / 10, steps=30)
    starts = np.random.default_rng(2).uniform(-2, 2, (6, 2))
    finals, _ = walk_many(model, starts, walk)
    for start, final in zip(starts, finals, strict=True):
        np.testing.assert_allclose(final, _alone(model, start, walk, walk.steps), rtol=1e-9,
                                   atol=1e-12)


@pytest.mark.parametrize("name", ["logistic", "tiny-net"])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_data_models_grad_many_equals_grad(name, loss):
    model = make_model(name, loss=loss, l2=0.01)
    W = np.random.default_rng(3).uniform(-4, 4, (9, 2))
    np.testing.assert_allclose(gradients(model, W), [model.grad(w) for w in W], rtol=1e-10,
                               atol=1e-14)


def test_clip_by_norm_clips_each_walker_by_its_own_norm():
    opt = make_optimizer("sgd", 1.0, clip=1.0)
    G = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0], [-6.0, 8.0]])
    batch, _ = opt.update(G, opt.init(G), G)
    for g, row in zip(G, batch, strict=True):
        alone, _ = opt.update(g, opt.init(g), g)
        np.testing.assert_array_equal(row, alone)
    np.testing.assert_allclose(batch, [[-0.6, -0.8], [-0.3, -0.4], [0, 0], [0.6, -0.8]])


def test_himmelblau_has_four_basins_each_around_its_minimum():
    model = make_model("himmelblau")
    result = basin_map(model, model.extent, 61, 61, BasinSettings(lr=0.01))
    assert len(result.minima) == 4
    shares = result.shares()
    assert shares[DIVERGED] == shares[UNSETTLED] == 0
    assert sum(shares.values()) == pytest.approx(1.0)
    for k, p in enumerate(result.minima):
        assert 0.2 < shares[k] < 0.3
        i = int(np.argmin(np.abs(result.w1s - p.w1)))
        j = int(np.argmin(np.abs(result.w2s - p.w2)))
        assert result.labels[j, i] == k  # the cell holding a minimum is in its own basin


def test_each_basins_cells_converge_to_its_minimum_when_walked_alone():
    model = make_model("himmelblau")
    walk = BasinSettings(lr=0.01, steps=500)
    result = basin_map(model, model.extent, 41, 41, walk)
    span = 10.0
    rng = np.random.default_rng(4)
    for k, p in enumerate(result.minima):
        cells = np.argwhere(result.labels == k)
        for j, i in cells[rng.choice(len(cells), 5, replace=False)]:
            end = _alone(model, (result.w1s[i], result.w2s[j]), walk, walk.steps)
            assert np.hypot(end[0] - p.w1, end[1] - p.w2) <= SETTLE * span


def test_camel_basins_are_point_symmetric_like_the_surface():
    """f(-w1, -w2) = f(w1, w2) on the six-hump camel: the basin of a start's mirror image is the
    basin of its minimum's mirror image."""
    model = make_model("camel")
    result = basin_map(model, model.extent, 41, 41, BasinSettings(lr=0.01))
    twin = {DIVERGED: DIVERGED, UNSETTLED: UNSETTLED}
    for k, p in enumerate(result.minima):
        twin[k] = next(m for m, q in enumerate(result.minima)
                       if abs(q.w1 + p.w1) < 1e-6 and abs(q.w2 + p.w2) < 1e-6)
    mirrored = np.vectorize(twin.get)(result.labels[::-1, ::-1])
    assert np.mean(mirrored == result.labels) >= 0.99
    assert len(set(result.labels.ravel()) - {UNSETTLED, DIVERGED}) == 6


def test_too_large_a_learning_rate_diverges_and_too_few_steps_do_not_settle():
    model = make_model("himmelblau")
    assert basin_map(model, model.extent, 9, 9, BasinSettings(lr=1.0, steps=50)
                     ).shares()[DIVERGED] > 0.9
    assert basin_map(model, model.extent, 9, 9, BasinSettings(lr=1e-5, steps=5)
                     ).shares()[UNSETTLED] == 1.0


def test_minima_come_from_the_landscapes_landmarks_not_the_resolution():
    model = make_model("himmelblau")
    coarse = basin_map(model, model.extent, 5, 5, BasinSettings())
    fine = basin_map(model, model.extent, 50, 50, BasinSettings())
    expected = tuple(p for p in landmarks(model, model.extent).points if p.kind == "minimum")
    assert coarse.minima == fine.minima == expected


def test_start_cells_are_cell_centres():
    w1s, w2s = start_cells((0.0, 4.0, -1.0, 1.0), 4, 2)
    np.testing.assert_allclose(w1s, [0.5, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(w2s, [-0.5, 0.5])


def test_cancelled_walk_returns_none_and_progress_rises():
    model = make_model("bowl")
    seen = []
    assert walk_many(model, np.zeros((3, 2)), BasinSettings(), cancelled=lambda: True) is None
    walk_many(model, np.ones((3, 2)), BasinSettings(steps=30), progress=seen.append)
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] < 1.0


@pytest.mark.parametrize("bad", [dict(optimizer="nope"), dict(lr=-1.0), dict(schedule="x"),
                                 dict(steps=0), dict(settings=OptimizerSettings(mu=0.5),
                                                     optimizer="adam", lr=float("nan"))])
def test_bad_settings_raise_one_line_value_errors(bad):
    with pytest.raises(ValueError) as error:
        BasinSettings(**bad)
    assert "\n" not in str(error.value)


def test_every_schedule_is_accepted():
    for schedule in SCHEDULES:
        assert BasinSettings(schedule=schedule).optimizer_for() is not None
