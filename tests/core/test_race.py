"""The optimizer race (core.walk.race): racers parsed and checked, every racer's path equal to
the same walker run alone on every landscape, the 1% mark by hand and by brute force, and the
results' statuses taken from the walkers'."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LANDSCAPES, make_model
from losswalk.core.walk.race import (
    DEFAULT_RACERS,
    HEADS,
    TRAILS,
    Race,
    RacerSpec,
    near_text,
    parse_racer,
    parse_racers,
    target_loss,
)
from losswalk.core.walk.walker import MAX_TRAIL, Walker, WalkerStatus

STEPS = 150


def points(trail) -> np.ndarray:
    """The trail's numbers (step, w1, w2, loss, |grad|, lr), to compare exactly."""
    return np.array([(p.step, p.w1, p.w2, p.loss, p.grad_norm, p.lr) for p in trail], dtype=float)


def best_loss(model) -> float | None:
    report = landmarks(model, model.extent)
    return None if report.unbounded or not report.global_minima else report.global_minima[0].loss


def test_parse_racers():
    assert parse_racer("adam+cosine") == RacerSpec("adam", "cosine")
    assert parse_racer(" sgd ") == RacerSpec("sgd", "constant")
    assert parse_racers("sgd,adam") == (RacerSpec("sgd"), RacerSpec("adam"))
    assert [s.label for s in DEFAULT_RACERS] == ["sgd", "momentum", "adam", "adam+cosine"]
    for text, words in [("sgd", "2 to 4 racers, got 1"), ("sgd,adam,sgd,adam,sgd", "got 5"),
                        ("sgd,foo", "unknown optimizer 'foo'"), ("sgd,", "unknown optimizer ''"),
                        ("sgd,adam+bar", "unknown schedule 'bar'")]:
        with pytest.raises(ValueError, match=words):
            parse_racers(text)
    with pytest.raises(ValueError, match="2 to 4"):
        Race(make_model("bowl"), (RacerSpec("sgd"),))


def test_glyphs_are_distinct_from_each_other_and_the_map():
    """Heads (digits) and trails differ from one another in each charset and from every glyph the
    map draws there (ramps, contours, markers, arrows)."""
    from losswalk.core.drawing.contours import CASE_GLYPHS
    from losswalk.core.drawing.raster import RAMPS, marker_glyph
    from losswalk.core.drawing.text import ARROWS

    for charset in ("unicode", "ascii"):
        ours = [*HEADS, *TRAILS[charset]]
        assert len(set(ours)) == len(ours) == 8
        kinds = ("global", "minimum", "saddle", "maximum", "walker", "trail")
        theirs = set(RAMPS[charset]) | set(CASE_GLYPHS[charset]) | set(ARROWS[charset].values())
        theirs |= {marker_glyph(kind, charset) for kind in kinds} | {"?"}
        assert not set(ours) & theirs
        assert all(g.isascii() for g in ours) or charset == "unicode"


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_each_racer_walks_exactly_as_alone(name):
    """On every landscape each racer's trail, status and step count equal those of the same
    Walker run alone, stepped until its run ends or the race's clock runs out."""
    model = make_model(name)
    best = best_loss(model)
    race = Race(model, DEFAULT_RACERS, global_min_loss=best)
    race.run(STEPS)
    assert race.clock <= STEPS
    for spec, racer in zip(DEFAULT_RACERS, race.walkers, strict=True):
        alone = Walker(model, optimizer=spec.optimizer, schedule=spec.schedule,
                       global_min_loss=best)
        for _ in range(race.clock):
            if alone.status.ended:
                break
            alone.step()
        np.testing.assert_array_equal(points(racer.trail), points(alone.trail))
        assert (racer.status, racer.steps, racer.message) == (alone.status, alone.steps,
                                                               alone.message)


def test_a_race_from_another_start_with_settings_matches_too():
    from losswalk.core.walk.optimizers import OptimizerSettings

    model = make_model("rosenbrock")
    settings = OptimizerSettings(mu=0.5, b1=0.8)
    specs = parse_racers("momentum+step,adam+warmup-cosine,nesterov")
    race = Race(model, specs, start=(-1.0, 2.0), lr=1e-3, total_steps=80, settings=settings)
    race.run(80)
    for spec, racer in zip(specs, race.walkers, strict=True):
        alone = Walker(model, (-1.0, 2.0), optimizer=spec.optimizer, schedule=spec.schedule,
                       lr=1e-3, total_steps=80, settings=settings)
        while alone.steps < 80 and not alone.status.ended:
            alone.step()
        np.testing.assert_array_equal(points(racer.trail), points(alone.trail))


def test_target_loss_by_hand():
    assert target_loss(0.0, 170.0) == pytest.approx(1.7)  # 1% of the way down
    assert target_loss(0.5, 0.6) == pytest.approx(0.505)  # 1% of |best|
    assert target_loss(-2.0, 1.0) == pytest.approx(-1.97)  # 1% of 3 (the way down)
    race = Race(make_model("himmelblau"), DEFAULT_RACERS, start=(0.0, 0.0), global_min_loss=0.0)
    assert race.start_loss == 170.0  # (0+0-11)² + (0+0-7)² = 121 + 49
    assert race.target == pytest.approx(1.7)


def brute_near(trail, target):
    return next((p.step for p in trail if p.loss <= target), None)


@pytest.mark.parametrize("name", ["himmelblau", "two-dip", "logistic", "bowl"])
def test_steps_to_near_against_the_trail(name):
    """The step within 1% equals the first trail point at or below the target, found by a plain
    scan (the trail is short enough to hold every point)."""
    model = make_model(name)
    best = best_loss(model)
    race = Race(model, DEFAULT_RACERS, global_min_loss=best)
    race.run(400)
    target = target_loss(best, model.loss(np.array(model.start)))
    for result, walker in zip(race.results(), race.walkers, strict=True):
        assert len(walker.trail) <= MAX_TRAIL
        assert result.steps_to_near == brute_near(walker.trail, target)
        assert result.final_loss == walker.trail[-1].loss
    assert any(r.steps_to_near is not None for r in race.results())


def test_the_global_minimum_arriving_late_gives_the_same_steps():
    """In the app the landmarks arrive after the race started: the 1% mark is the same."""
    model = make_model("himmelblau")
    early = Race(model, DEFAULT_RACERS, global_min_loss=0.0)
    late = Race(model, DEFAULT_RACERS)
    early.run(300)
    late.run(300)
    assert [near_text(r, None) for r in late.results()] == ["n/a"] * 4
    late.global_min_loss = 0.0
    assert [r.steps_to_near for r in late.results()] == [r.steps_to_near for r in early.results()]


def test_steps_to_near_beyond_the_trail_cap():
    """A slow racer comes within 1% after the trail dropped its first points: the step is still
    the first one, counted against every loss seen along the way."""
    model = make_model("bowl")
    race = Race(model, parse_racers("sgd,momentum"), lr=1.5e-4, total_steps=20_000,
                global_min_loss=0.0)
    losses = [[w.trail[0].loss] for w in race.walkers]
    for _ in range(16_000):
        race.tick()
        for walker, seen in zip(race.walkers, losses, strict=True):
            if len(seen) <= walker.steps:
                seen.append(walker.trail[-1].loss)
    target = race.target
    sgd = race.results()[0]
    assert race.walkers[0].trail[0].step > 0  # the cap dropped the start
    expected = next(step for step, loss in enumerate(losses[0]) if loss <= target)
    assert sgd.steps_to_near == expected > MAX_TRAIL


def test_statuses_come_from_the_walkers():
    model = make_model("two-dip")
    race = Race(model, parse_racers("sgd,momentum"), global_min_loss=best_loss(model))
    race.run(2000)
    sgd, mom = race.results()
    assert race.over
    assert sgd.status is WalkerStatus.STUCK and sgd.stuck and not sgd.diverged
    assert mom.status is WalkerStatus.CONVERGED and not (mom.stuck or mom.diverged)
    assert near_text(sgd, race.target) == "never"
    blown = Race(make_model("bowl"), parse_racers("sgd,adam"), lr=1e9)
    blown.run(50)
    assert blown.results()[0].diverged
    assert blown.results()[0].status is WalkerStatus.DIVERGED


def test_ticks_stop_when_the_race_is_over_and_reset_starts_afresh():
    race = Race(make_model("bowl"), parse_racers("sgd,momentum"), lr=1e9)
    race.run(100)
    assert race.over
    clock = race.clock
    assert race.tick() is False and race.clock == clock
    race.reset()
    assert race.clock == 0 and not race.over
    assert all(len(w.trail) == 1 and w.status is WalkerStatus.READY for w in race.walkers)


def test_racers_on_minibatches_walk_as_alone_too():
    """The app races with the walker's minibatch gradient: each step's batch depends on the step
    alone, so sharing it leaves every racer's path that of the walker alone."""
    from losswalk.core.walk.minibatch import MinibatchGradient

    model = make_model("logistic")
    gradient = MinibatchGradient(model, 16, seed=0)
    race = Race(model, DEFAULT_RACERS, gradient=gradient)
    race.run(120)
    for spec, racer in zip(DEFAULT_RACERS, race.walkers, strict=True):
        alone = Walker(model, optimizer=spec.optimizer, schedule=spec.schedule,
                       gradient=MinibatchGradient(model, 16, seed=0))
        while alone.steps < race.clock and not alone.status.ended:
            alone.step()
        np.testing.assert_array_equal(points(racer.trail), points(alone.trail))


def test_racers_that_end_early_stop_while_the_others_go_on():
    """lr 0.25 on the bowl: sgd diverges at step 9 while the others walk on; each path is still
    the walker's alone, and the diverged racer takes no step after its end."""
    model = make_model("bowl")
    race = Race(model, DEFAULT_RACERS, lr=0.25, global_min_loss=0.0)
    race.run(3000)
    sgd = race.results()[0]
    assert sgd.diverged and sgd.steps == 9 and race.clock > 200
    assert {r.status for r in race.results()[1:3]} == {WalkerStatus.CONVERGED}
    for spec, racer in zip(DEFAULT_RACERS, race.walkers, strict=True):
        alone = Walker(model, optimizer=spec.optimizer, schedule=spec.schedule, lr=0.25,
                       global_min_loss=0.0)
        while not alone.status.ended:
            alone.step()
        np.testing.assert_array_equal(points(racer.trail), points(alone.trail))
