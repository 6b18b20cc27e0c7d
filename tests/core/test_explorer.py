"""The explorer's state, driven the way the keys drive it, with no terminal and no Textual."""

import sys
from pathlib import Path

import numpy as np
import pytest

from losswalk.core.explorer import L2_LADDER, LR_FACTOR, MODES, Explorer
from losswalk.core.landscapes.landscape import validate_extent
from losswalk.core.landscapes.minima import landmarks
from losswalk.core.landscapes.models import LANDSCAPES, LandscapeOptions
from losswalk.core.lesson.tour import Tour, load_tour
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES
from losswalk.core.walk.walker import Walker, WalkerStatus

TOUR = Path(__file__).resolve().parents[2] / "tui" / "tour.toml"


def explorer_with_report(name: str = "himmelblau", **options) -> Explorer:
    """An explorer whose landmarks have arrived (what the app's map worker hands it)."""
    explorer = Explorer(LandscapeOptions(name=name, **options))
    explorer.set_report(landmarks(explorer.model, explorer.extent))
    return explorer


def test_the_explorer_state_needs_no_textual() -> None:
    Explorer()
    assert not {"textual", "rich"} & {m.split(".")[0] for m in sys.modules if "explorer" in m}
    source = (Path(__file__).resolve().parents[2] / "core" / "explorer.py").read_text()
    assert "textual" not in source and "rich" not in source


def test_steps_equal_a_walker_run_alone() -> None:
    """The keys drive the same Walker as `losswalk walk`: same trajectory, step for step."""
    explorer = Explorer(LandscapeOptions(name="rosenbrock"))
    alone = Walker(explorer.model, optimizer="sgd", lr=explorer.model.default_lr,
                   extent=explorer.extent)
    for _ in range(25):
        explorer.step()
        alone.step()
    np.testing.assert_array_equal(explorer.walker.position, alone.position)
    assert [p.loss for p in explorer.walker.trail] == [p.loss for p in alone.trail]


def test_animated_walk_stops_by_itself_when_the_walker_converges() -> None:
    explorer = Explorer(LandscapeOptions(name="bowl"))
    explorer.toggle_run()
    assert explorer.walking and "walking" in explorer.message
    for _ in range(10_000):
        if not explorer.walking:
            break
        explorer.tick()
    assert not explorer.walking
    assert explorer.walker.status is WalkerStatus.CONVERGED
    assert explorer.message.startswith("converged")


def test_run_pauses_and_diverged_walkers_do_not_start() -> None:
    explorer = Explorer(LandscapeOptions(name="bowl"))
    explorer.toggle_run()
    explorer.toggle_run()
    assert not explorer.walking and explorer.message == "paused"
    explorer.walker.set_lr(1e6)
    for _ in range(20):
        explorer.step()
    assert explorer.walker.status is WalkerStatus.DIVERGED
    explorer.toggle_run()
    assert not explorer.walking
    assert explorer.message.endswith("; - lowers the learning rate, r resets")


def test_optimizer_lr_and_schedule_cycle_through_every_choice() -> None:
    explorer = Explorer()
    lr = explorer.walker.lr
    seen = []
    for _ in OPTIMIZERS:
        explorer.cycle_optimizer(1)
        seen.append(explorer.walker.optimizer_name)
    assert sorted(seen) == sorted(OPTIMIZERS) and explorer.walker.optimizer_name == "sgd"
    explorer.cycle_optimizer(-1)
    assert explorer.walker.optimizer_name == OPTIMIZERS[-1]
    explorer.change_lr(1)
    explorer.change_lr(1)
    explorer.change_lr(-1)
    assert explorer.walker.lr == pytest.approx(lr * LR_FACTOR)
    assert [explorer.cycle_schedule() or explorer.walker.schedule_name
            for _ in SCHEDULES][-1] == "constant"


def test_zoom_and_reset_view_change_the_view_and_ask_for_a_new_map() -> None:
    explorer = explorer_with_report("bowl")
    x0, x1, y0, y1 = explorer.extent
    version = explorer.view_version
    explorer.zoom(0.5)
    a0, a1, b0, b1 = explorer.extent
    assert (a1 - a0, b1 - b0) == pytest.approx(((x1 - x0) / 2, (y1 - y0) / 2))
    assert explorer.view_version == version + 1 and explorer.report is None
    explorer.reset_view()
    assert explorer.extent == (x0, x1, y0, y1) and explorer.message == "view reset"


def test_next_landscape_walks_the_whole_list_and_keeps_the_optimizer() -> None:
    explorer = Explorer()
    explorer.cycle_optimizer(1)
    names = [explorer.next_landscape(1) or explorer.model.name for _ in LANDSCAPES]
    assert names[-1] == "logistic" and sorted(names) == sorted(LANDSCAPES)
    assert explorer.walker.optimizer_name == OPTIMIZERS[1]
    explorer.next_landscape(-1)
    assert explorer.model.name == list(LANDSCAPES)[-1]


def test_a_landscape_that_cannot_open_leaves_everything_as_it_was() -> None:
    explorer = Explorer()
    model, walker = explorer.model, explorer.walker
    with pytest.raises(ValueError, match="cannot open logistic"):
        explorer.open(LandscapeOptions(name="logistic", data="/no/such/file.csv"), "")
    assert explorer.model is model and explorer.walker is walker


def test_g_goes_to_the_reported_global_minimum_and_says_why_when_it_cannot() -> None:
    explorer = Explorer(LandscapeOptions(name="himmelblau"))
    assert not explorer.go_to_global_min() and "still computing" in explorer.message
    explorer = explorer_with_report("himmelblau")
    best = explorer.report.global_minimum
    assert explorer.go_to_global_min()
    np.testing.assert_allclose(explorer.walker.position, [best.w1, best.w2])
    gaps = [np.hypot(*(explorer.walker.position - m)) for m in explorer.model.known_minima]
    assert min(gaps) < 1e-6
    explorer.toggle_blind()
    assert not explorer.go_to_global_min() and "no peeking" in explorer.message


def test_blind_closes_the_split_and_the_split_needs_data() -> None:
    explorer = Explorer()
    explorer.toggle_split()
    assert explorer.split
    explorer.toggle_blind()
    assert explorer.blind and not explorer.split
    explorer.toggle_split()
    assert not explorer.split and "press b to look" in explorer.message
    explorer.toggle_blind()
    explorer.next_landscape(2)  # a surface: no data
    explorer.toggle_split()
    assert not explorer.split and "has no data" in explorer.message


def test_switching_to_a_surface_closes_the_split_and_says_so() -> None:
    explorer = Explorer()
    explorer.toggle_split()
    explorer.open(LandscapeOptions(name="bowl"), "landscape: bowl")
    assert not explorer.split and explorer.message.endswith("(split view closed: it needs data)")


def test_l2_climbs_the_ladder_keeps_the_walker_and_stops_at_the_ends() -> None:
    explorer = Explorer(LandscapeOptions(dataset="separable"))
    explorer.move(0.3, -0.2)
    position, start = explorer.walker.position.copy(), explorer.walker.start.copy()
    for rung in L2_LADDER[1:]:
        explorer.change_l2(1)
        assert explorer.model.l2 == rung
    explorer.change_l2(1)
    assert "end of the ladder" in explorer.message
    np.testing.assert_array_equal(explorer.walker.position, position)
    np.testing.assert_array_equal(explorer.walker.start, start)
    w = np.array([0.4, -0.7])
    plain = LandscapeOptions(dataset="separable").build()
    assert explorer.model.loss(w) == pytest.approx(plain.loss(w) + 0.5 * L2_LADDER[-1] * w @ w)


def test_l2_and_batches_are_refused_on_surfaces() -> None:
    explorer = Explorer(LandscapeOptions(name="bowl"))
    model = explorer.model
    explorer.change_l2(1)
    assert explorer.model is model and "data landscapes only" in explorer.message
    explorer.next_batch()
    assert explorer.walker.gradient is None and "minibatches need examples" in explorer.message


def test_batches_cycle_and_the_label_says_which() -> None:
    explorer = Explorer()
    labels = []
    for _ in range(4):
        explorer.next_batch()
        labels.append(explorer.batch_label)
    assert labels == ["batch 64 of 200", "batch 16 of 200", "batch 1 of 200", "full batch"]


def test_modes_and_scale_cycle() -> None:
    explorer = Explorer()
    seen = [explorer.cycle_mode() or explorer.mode for _ in MODES]
    assert seen == [*MODES[1:], MODES[0]]
    explorer.toggle_scale()
    assert explorer.scale == "log" and explorer.message == "colour scale: log"


def test_tour_applies_each_slide_and_ending_it_returns_to_where_the_viewer_was() -> None:
    tour = Tour(load_tour(TOUR))
    explorer = Explorer(LandscapeOptions(name="himmelblau"))
    explorer.move(0.5, 0.5)
    explorer.zoom(0.5)
    before = (explorer.model, explorer.walker, explorer.extent, explorer.mode)
    explorer.start_tour(tour)
    assert explorer.touring and explorer.message == f"tour slide 1/{len(tour)}"
    for index, slide in enumerate(tour.slides[1:], start=2):
        explorer.move_slide(1)
        setup = slide.setup
        if setup.landscape is not None:
            assert explorer.model.name == setup.landscape
        if setup.lr is not None:
            assert explorer.walker.lr == setup.lr
        if setup.optimizer is not None:
            assert explorer.walker.optimizer_name == setup.optimizer
        if setup.run:  # the slide starts a walk: its message says so
            assert explorer.walking and explorer.message.startswith("walking")
        else:
            assert explorer.message == f"tour slide {index}/{len(tour)}"
        explorer.walking = False
    explorer.move_slide(1)
    assert explorer.message == "last slide - t ends the tour"
    explorer.end_tour()
    assert not explorer.touring and not explorer.walking
    assert (explorer.model, explorer.walker, explorer.extent, explorer.mode) == before
    assert explorer.walker.extent == explorer.extent and explorer.report is None


def test_the_walk_state_says_ready_walking_paused_or_how_it_ended() -> None:
    """Regression: the title said 'walking' at start-up, when paused and when idle."""
    explorer = Explorer(LandscapeOptions(name="bowl"))
    assert explorer.walk_state == "ready"
    explorer.toggle_run()
    assert explorer.walk_state == "walking"
    explorer.tick()
    explorer.toggle_run()
    assert explorer.walk_state == "paused"
    explorer.step()
    assert explorer.walk_state == "paused"
    while not explorer.walker.status.ended:
        explorer.step()
    assert explorer.walk_state == explorer.walker.status.value == "converged"


def test_a_walker_that_leaves_the_map_gets_a_hint() -> None:
    """On separable data the walk heads off the map: the message says where and what to do."""
    explorer = Explorer(LandscapeOptions(dataset="separable"))
    explorer.toggle_run()
    for _ in range(2000):
        explorer.tick()
        if explorer.walker.off_map or not explorer.walking:
            break
    assert explorer.walker.off_map and explorer.walking
    assert "left the map" in explorer.message and "x zooms out" in explorer.message
    explorer.tick()
    w1 = explorer.walker.position[0]
    assert f"w1={w1:.4g}" in explorer.message  # where it is now, as it walks on


def test_zoom_far_out_stays_valid_and_says_when_it_cannot_change_the_view():
    explorer = Explorer(LandscapeOptions.from_user(name="bowl", extent=(1e9, 1.5e9, 1e9, 1.5e9)))
    for factor in (0.5, 2.0) * 40:
        explorer.zoom(factor)
        assert validate_extent(explorer.extent) == explorer.extent
    for _ in range(80):
        explorer.zoom(0.5)
    before = explorer.extent
    explorer.zoom(0.5)
    assert explorer.extent == before
    assert explorer.message == "cannot zoom in further here"


def test_the_data_view_stays_closed_on_the_network_slices():
    from losswalk.core.explorer import NO_SLICE_DATA_VIEW

    explorer = Explorer(LandscapeOptions(name="mlp-random"))
    explorer.toggle_data()
    assert not explorer.data_view and NO_SLICE_DATA_VIEW in explorer.message
    explorer = Explorer(LandscapeOptions(name="logistic", dataset="moons"))
    explorer.toggle_data()
    assert explorer.data_view
    explorer.open(explorer.options.with_name("mlp-pca"), "landscape: mlp-pca")
    assert not explorer.data_view and "data view closed" in explorer.message
    assert explorer.model.dataset.name == "moons"  # the dataset carried over


def test_g_with_no_minimum_asks_for_a_reset_only_away_from_home(tmp_path, monkeypatch) -> None:
    """A surface with no minimum (a tilted plane) at its own view: 'reset the view (0)' would
    send the user round in a circle; zoomed in, it is the right hint."""
    xs, ys = np.linspace(0, 1, 5), np.linspace(0, 2, 4)
    np.savez(tmp_path / "plane.npz", x=xs, y=ys, loss=xs[None, :] + ys[:, None])
    monkeypatch.chdir(tmp_path)
    explorer = explorer_with_report("plane.npz")
    assert not explorer.go_to_global_min()
    assert explorer.message == "no minimum found"
    explorer.zoom(0.5)
    explorer.set_report(landmarks(explorer.model, explorer.extent))
    assert not explorer.go_to_global_min()
    assert explorer.message == "no minimum found - reset the view (0)"
