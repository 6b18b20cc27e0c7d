"""The explorer's hooks for the basin map (A) and the curvature panel (i)."""

import numpy as np

from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.curvature import curvature_at
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.walk.basins import BasinSettings, gradients
from losswalk.core.walk.optimizers import OptimizerSettings


def test_basin_settings_are_the_walkers():
    explorer = Explorer(LandscapeOptions(name="himmelblau"), OptimizerSettings(mu=0.5))
    explorer.cycle_optimizer(1)
    explorer.change_lr(1)
    explorer.cycle_schedule()
    walker = explorer.walker
    assert explorer.basin_settings() == BasinSettings(
        "momentum", walker.lr, "step", total_steps=walker.total_steps,
        settings=OptimizerSettings(mu=0.5))


def test_toggle_basins_needs_the_map_and_stops_the_walk():
    explorer = Explorer(LandscapeOptions(name="bowl"))
    explorer.toggle_blind()
    explorer.toggle_basins()
    assert not explorer.basins_shown and "A needs the map" in explorer.message
    explorer.toggle_blind()
    explorer.start_walk()
    explorer.toggle_basins()
    assert explorer.basins_shown and not explorer.walking
    explorer.toggle_basins()
    assert not explorer.basins_shown and explorer.message == "basin map closed"


def test_walker_curvature_is_at_the_walker_and_asks_the_full_network_once():
    explorer = Explorer(LandscapeOptions(name="rosenbrock"))
    calls = []
    explorer.model = model = _counting(explorer.model, calls)
    explorer.walker.model = model
    first = explorer.walker_curvature()
    explorer.step()
    second = explorer.walker_curvature()
    assert calls == [1] and first.full_top == second.full_top == 9.5
    expected = curvature_at(model, explorer.walker.position)
    np.testing.assert_array_equal(second.hessian, expected.hessian)
    explorer.toggle_curvature()
    assert explorer.curvature_shown


def _counting(model, calls):
    """The model as a slice whose full network's top eigenvalue is 9.5 (counting the asks)."""

    class Slice:
        def __getattr__(self, name):
            return getattr(model, name)

        def full_hessian_top_eigenvalue(self):
            calls.append(1)
            return 9.5

    return Slice()


def test_gradients_fall_back_to_one_call_a_row():
    class Plain:
        def grad(self, w):
            return np.array([2 * w[0], -w[1]])

    W = np.array([[1.0, 2.0], [3.0, -4.0]])
    np.testing.assert_array_equal(gradients(Plain(), W), [[2.0, -2.0], [6.0, 4.0]])


SCREEN_MODES = ("toggle_view3d", "toggle_split", "toggle_data", "toggle_blind")


def _screen_modes(explorer: Explorer) -> list[str]:
    flags = ("basins_shown", "view3d", "split", "data_view", "blind")
    return [flag for flag in flags if getattr(explorer, flag)]


def test_the_basin_map_and_the_other_full_views_never_show_together():
    """qa10: A then 3, v, d or b showed the basin map beside the 3-D surface, the split or data
    view, or in blind mode (revealing the landscape); 3 then A drew both over each other."""
    for mode in SCREEN_MODES:
        explorer = Explorer(LandscapeOptions(name="logistic"))
        explorer.toggle_basins()
        getattr(explorer, mode)()
        assert len(_screen_modes(explorer)) == 1, (mode, _screen_modes(explorer))
        if mode == "toggle_blind":  # blind hides the landscape: the basin map goes
            assert explorer.blind and not explorer.basins_shown
        else:
            assert explorer.basins_shown and "A closes it first" in explorer.message
    explorer = Explorer(LandscapeOptions(name="logistic"))
    explorer.toggle_view3d()
    explorer.toggle_basins()
    assert _screen_modes(explorer) == ["view3d"] and "3-D" in explorer.message
