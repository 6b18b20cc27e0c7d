"""The explorer's race hook: R's operations on a plain Explorer (no terminal)."""

from __future__ import annotations

import numpy as np
import pytest

from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.walk.race import DEFAULT_RACERS, parse_racers


def explorer_on(name: str) -> Explorer:
    explorer = Explorer(LandscapeOptions(name=name))
    explorer.set_report(landmarks(explorer.model, explorer.extent))
    return explorer


def test_the_race_starts_from_the_walker_and_learns_the_global_minimum_late():
    explorer = Explorer(LandscapeOptions(name="himmelblau"))
    explorer.move(0.5, -0.25)
    explorer.toggle_race()
    race = explorer.race
    assert race.specs == DEFAULT_RACERS and race.global_min_loss is None
    for walker in race.walkers:
        np.testing.assert_array_equal(walker.start, explorer.walker.position)
    explorer.set_report(landmarks(explorer.model, explorer.extent))  # the map's landmarks arrive
    assert race.global_min_loss == 0.0 and all(w.global_min_loss == 0.0 for w in race.walkers)


def test_space_enter_and_r_drive_the_race_not_the_walker():
    explorer = explorer_on("bowl")
    trail = list(explorer.walker.trail)
    explorer.start_race(parse_racers("sgd,adam"))
    explorer.step()
    explorer.toggle_run()
    assert explorer.walking
    explorer.tick()
    assert explorer.race.clock == 2 and explorer.walker.trail == trail
    explorer.reset_walker()
    assert explorer.race.clock == 0 and not explorer.walking
    explorer.toggle_race()
    assert explorer.race is None and explorer.racers == parse_racers("sgd,adam")
    assert explorer.walker.trail == trail


def test_the_animated_race_stops_when_it_is_over():
    explorer = explorer_on("bowl")
    explorer.walker.set_lr(1e9)
    explorer.start_race(parse_racers("sgd,momentum"))
    explorer.start_walk()
    while explorer.walking:
        explorer.tick()
    assert explorer.race.over and "race over" in explorer.message
    explorer.start_walk()
    assert not explorer.walking and "r runs it again" in explorer.message


def test_operations_on_the_hidden_walker_are_refused():
    explorer = explorer_on("bowl")
    explorer.start_race()
    for operation in (explorer.move, explorer.next_landscape, explorer.toggle_blind,
                      explorer.cycle_optimizer, explorer.change_l2, explorer.place):
        with pytest.raises(ValueError, match="R \\(or escape\\) returns"):
            explorer.check_race(operation)
    for operation in (explorer.step, explorer.zoom, explorer.cycle_mode, explorer.toggle_race):
        explorer.check_race(operation)
    assert not explorer.go_to_global_min() and "returns" in explorer.message


def test_no_race_in_blind_mode_or_the_tour():
    explorer = explorer_on("bowl")
    explorer.toggle_blind()
    with pytest.raises(ValueError, match="the race needs the map"):
        explorer.start_race()
    assert explorer.race is None


def test_no_race_from_where_the_loss_overflowed():
    explorer = explorer_on("bowl")
    explorer.walker.set_lr(1e200)
    for _ in range(5):
        explorer.step()
    with pytest.raises(ValueError, match=r"cannot race from here: .* not finite - r resets"):
        explorer.start_race()
    assert explorer.race is None


@pytest.mark.parametrize("view", ["toggle_view3d", "toggle_basins"])
def test_no_race_behind_the_3d_view_or_the_basin_map(view):
    """qa10: R in the 3-D view raced unseen (the surface showed the hidden walker, not the
    racers), and R over the basin map raced behind it while A was refused: stuck."""
    explorer = explorer_on("himmelblau")
    getattr(explorer, view)()
    with pytest.raises(ValueError, match="the race needs the map"):
        explorer.start_race()
    assert explorer.race is None
